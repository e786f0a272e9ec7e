package sim

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Proof of fidelity: simulated means against closed-form queueing results
// (docs/simulation.md, §6 of the simulators reference), at utilisation ≤ 0.7,
// with 8 seeded replications. A check passes when the analytic value lies in
// the 95 % confidence interval of the replication means or, the documented
// tolerance, within 3 standard errors of it (about 1.27 half-widths: a 95 %
// interval misses 1 check in 20 by design, and these tests make 30).
// Proportions are checked against a binomial 3σ band instead. Failures
// print the seed, so a run can be repeated exactly.

const fidelitySeed = 20260101

// fidelityCases is the number of cases per replication (10 % warm-up).
func fidelityCases() int {
	if testing.Short() || raceEnabled {
		return 20000
	}
	return 50000
}

func fidelityParams(t *testing.T, body string) *Params {
	n := fidelityCases()
	return parseParams(t, fmt.Sprintf("seed: %d\ncases: %d\nwarmupCases: %d\nreplications: 8\n", fidelitySeed, n, n/10)+body)
}

// within checks that want lies in the 95 % confidence interval of got, or
// within 3 standard errors of it.
func within(t *testing.T, what string, got Estimate, want float64) {
	t.Helper()
	dev := math.Abs(got.Value - want)
	se := got.CI95 / distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 7}.Quantile(0.975)
	mark := "ok  "
	switch {
	case dev <= got.CI95:
	case dev <= 3*se:
		mark = "3SE "
	default:
		mark = "FAIL"
		t.Errorf("%s: simulated %.4f ±%.4f (95%% CI), analytic %.4f (seed %d)", what, got.Value, got.CI95, want, fidelitySeed)
	}
	t.Logf("%s %-34s simulated %10.4f ±%8.4f  analytic %10.4f  (%+.2f%%)", mark, what, got.Value, got.CI95, want, 100*(got.Value-want)/want)
}

// proportion checks a share k/n (means over reps replications) against p
// with a binomial 3σ band.
func proportion(t *testing.T, what string, k, n float64, reps int, p float64) {
	t.Helper()
	got := k / n
	sigma := math.Sqrt(p * (1 - p) / (n * float64(reps)))
	mark := "ok  "
	if math.Abs(got-p) > 3*sigma {
		mark = "FAIL"
		t.Errorf("%s: simulated %.4f, analytic %.4f ± %.4f (3σ) (seed %d)", what, got, p, 3*sigma, fidelitySeed)
	}
	t.Logf("%s %-34s simulated %10.4f  3σ %8.4f  analytic %10.4f  (%+.2f%%)", mark, what, got, 3*sigma, p, 100*(got-p)/p)
}

// littlesLaw checks L = λW on the simulated run: time-weighted mean WIP
// against throughput × mean cycle time, within 2 %.
func littlesLaw(t *testing.T, r *Report) {
	t.Helper()
	l := r.WIP.Value
	lw := r.Throughput.Value / 3600 * r.CycleTime.Mean.Value
	if math.Abs(l-lw) > 0.02*lw {
		t.Errorf("Little's law: WIP %.4f, throughput × cycle time %.4f (seed %d)", l, lw, fidelitySeed)
	}
}

// erlangC returns the probability that an arrival waits in M/M/c with
// offered load a, by the Erlang B recursion.
func erlangC(c int, a float64) float64 {
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return float64(c) * b / (float64(c) - a*(1-b))
}

func TestFidelityMM1(t *testing.T) {
	const lambda, es = 1.0 / 60, 42.0 // ρ = 0.7
	r := simulateWith(t, chainModel("mm1", "work"), fidelityParams(t, `
arrival: {interarrival: {dist: exponential, mean: 60s}}
pools: {server: 1}
tasks:
  work: {duration: {dist: exponential, mean: 42s}, pool: server}
`), RunOptions{})
	mu := 1 / es
	w := 1 / (mu - lambda)
	within(t, "M/M/1 cycle time W", r.CycleTime.Mean, w)
	within(t, "M/M/1 waiting Wq", activity(t, r, "work").Waiting.Mean, w-es)
	within(t, "M/M/1 utilisation ρ", pool(t, r, "server").Utilisation, lambda*es)
	within(t, "M/M/1 queue length Lq", pool(t, r, "server").QueueMean, lambda*(w-es))
	within(t, "M/M/1 p90 of W", r.CycleTime.P90, -math.Log(0.1)*w)
	littlesLaw(t, r)
}

func TestFidelityMMc(t *testing.T) {
	const lambda, es, c = 1.0 / 60, 84.0, 2 // a = 1.4, ρ = 0.7
	r := simulateWith(t, chainModel("mmc", "work"), fidelityParams(t, `
arrival: {interarrival: {dist: exponential, mean: 60s}}
pools: {servers: 2}
tasks:
  work: {duration: {dist: exponential, mean: 84s}, pool: servers}
`), RunOptions{})
	a := lambda * es
	wq := erlangC(c, a) / (c/es - lambda)
	within(t, "M/M/2 waiting Wq (Erlang C)", activity(t, r, "work").Waiting.Mean, wq)
	within(t, "M/M/2 cycle time W", r.CycleTime.Mean, wq+es)
	within(t, "M/M/2 utilisation ρ", pool(t, r, "servers").Utilisation, a/c)
	littlesLaw(t, r)
}

func TestFidelityTandem(t *testing.T) {
	// Jackson/Burke: λ = 1, μ1 = 1.5, μ2 = 2 → T = 1/(1.5−1) + 1/(2−1) = 3.
	r := simulateWith(t, chainModel("tandem", "a", "b"), fidelityParams(t, `
arrival: {rate: 1}
pools: {pa: 1, pb: 1}
tasks:
  a: {duration: {dist: exponential, mean: 0.6666666666666666}, pool: pa}
  b: {duration: {dist: exponential, mean: 0.5}, pool: pb}
`), RunOptions{})
	within(t, "tandem cycle time T", r.CycleTime.Mean, 3)
	within(t, "tandem station 1 sojourn", sojourn(t, r, "a"), 2)
	within(t, "tandem station 2 sojourn", sojourn(t, r, "b"), 1)
	littlesLaw(t, r)
}

// sojourn is waiting + processing of an activity (replication means add).
func sojourn(t *testing.T, r *Report, id string) Estimate {
	a := activity(t, r, id)
	return Estimate{Value: a.Waiting.Mean.Value + a.Processing.Mean.Value,
		CI95: math.Hypot(a.Waiting.Mean.CI95, a.Processing.Mean.CI95), HasCI: true}
}

// splitModel: an exclusive gateway sends a case to task a or task b.
func splitModel(cond bool) string {
	ca, cb := "", ""
	if cond {
		ca = `<conditionExpression xsi:type="tFormalExpression">=path = "a"</conditionExpression>`
		cb = `<conditionExpression xsi:type="tFormalExpression">=path = "b"</conditionExpression>`
	}
	return bpmnDoc("split", `<startEvent id="s"/><exclusiveGateway id="g"/>
<serviceTask id="a"/><serviceTask id="b"/><exclusiveGateway id="m"/><endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
<sequenceFlow id="fa" sourceRef="g" targetRef="a">`+ca+`</sequenceFlow>
<sequenceFlow id="fb" sourceRef="g" targetRef="b">`+cb+`</sequenceFlow>
<sequenceFlow id="fa2" sourceRef="a" targetRef="m"/><sequenceFlow id="fb2" sourceRef="b" targetRef="m"/>
<sequenceFlow id="fe" sourceRef="m" targetRef="e"/>`)
}

const splitTasks = `
arrival: {interarrival: {dist: exponential, mean: 60s}}
pools: {pa: 1, pb: 1}
tasks:
  a: {duration: {dist: exponential, mean: 100s}, pool: pa}
  b: {duration: {dist: exponential, mean: 50s}, pool: pb}
`

// splitExpect: Poisson thinning, branch a gets 0.3λ, b 0.7λ.
func splitExpect(t *testing.T, r *Report, what string) {
	const lambda = 1.0 / 60
	wa := 1 / (1/100.0 - 0.3*lambda)
	wb := 1 / (1/50.0 - 0.7*lambda)
	within(t, what+" cycle time", r.CycleTime.Mean, 0.3*wa+0.7*wb)
	proportion(t, what+" share of a", activity(t, r, "a").Attempts.Value, r.Ended.Value, 8, 0.3)
	within(t, what+" sojourn at a", sojourn(t, r, "a"), wa)
	within(t, what+" sojourn at b", sojourn(t, r, "b"), wb)
	within(t, what+" utilisation of pa", pool(t, r, "pa").Utilisation, 0.3*lambda*100)
	littlesLaw(t, r)
}

func TestFidelitySplitByVariable(t *testing.T) {
	r := simulateWith(t, splitModel(true), fidelityParams(t, `
startVariables:
  path: {choice: [{value: a, weight: 0.3}, {value: b, weight: 0.7}]}
`+splitTasks), RunOptions{})
	splitExpect(t, r, "30/70 split (variable)")
}

func TestFidelitySplitByProbability(t *testing.T) {
	r := simulateWith(t, splitModel(false), fidelityParams(t, `
branches: {fa: 0.3, fb: 0.7}
`+splitTasks), RunOptions{})
	splitExpect(t, r, "30/70 split (branches)")
}

func TestFidelityReworkLoop(t *testing.T) {
	// Bernoulli feedback: λ = 1, μ = 2.5, p = 0.3 → T = 1/((1−p)μ − λ) = 4/3.
	model := bpmnDoc("rework", `<startEvent id="s"/><exclusiveGateway id="merge"/><serviceTask id="work"/>
<exclusiveGateway id="check" default="done"/><endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="merge"/>
<sequenceFlow id="f1" sourceRef="merge" targetRef="work"/>
<sequenceFlow id="f2" sourceRef="work" targetRef="check"/>
<sequenceFlow id="again" sourceRef="check" targetRef="merge"><conditionExpression xsi:type="tFormalExpression">=rework</conditionExpression></sequenceFlow>
<sequenceFlow id="done" sourceRef="check" targetRef="e"/>`)
	r := simulateWith(t, model, fidelityParams(t, `
arrival: {rate: 1}
pools: {server: 1}
tasks:
  work:
    duration: {dist: exponential, mean: 0.4}
    pool: server
    variables:
      rework: {choice: [{value: true, weight: 0.3}, {value: false, weight: 0.7}]}
`), RunOptions{})
	within(t, "rework loop cycle time T", r.CycleTime.Mean, 4.0/3)
	proportion(t, "rework loop: share of reworks", activity(t, r, "work").Attempts.Value-r.Ended.Value,
		activity(t, r, "work").Attempts.Value, 8, 0.3)
	within(t, "rework loop utilisation", pool(t, r, "server").Utilisation, 0.4/0.7)
	littlesLaw(t, r)
}

func TestFidelityMG1(t *testing.T) {
	// Pollaczek–Khinchine, S ~ U(12, 60): ρ = 0.6, E[S²] = 1488, Wq = λE[S²]/(2(1−ρ)) = 31.
	r := simulateWith(t, chainModel("mg1", "work"), fidelityParams(t, `
arrival: {interarrival: {dist: exponential, mean: 60s}}
pools: {server: 1}
tasks:
  work: {duration: {dist: uniform, min: 12s, max: 60s}, pool: server}
`), RunOptions{})
	within(t, "M/U/1 waiting Wq (P-K)", activity(t, r, "work").Waiting.Mean, 31)
	within(t, "M/U/1 cycle time W", r.CycleTime.Mean, 67)
	littlesLaw(t, r)
}

func TestFidelityForkJoin(t *testing.T) {
	// No queueing: E[max(X1, X2)] = 1/μ1 + 1/μ2 − 1/(μ1+μ2) = 30 + 60 − 20 = 70.
	model := bpmnDoc("forkjoin", `<startEvent id="s"/><parallelGateway id="fork"/><serviceTask id="a"/><serviceTask id="b"/>
<parallelGateway id="join"/><endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="fork"/>
<sequenceFlow id="f1" sourceRef="fork" targetRef="a"/><sequenceFlow id="f2" sourceRef="fork" targetRef="b"/>
<sequenceFlow id="f3" sourceRef="a" targetRef="join"/><sequenceFlow id="f4" sourceRef="b" targetRef="join"/>
<sequenceFlow id="f5" sourceRef="join" targetRef="e"/>`)
	r := simulateWith(t, model, fidelityParams(t, `
arrival: {interarrival: {dist: exponential, mean: 60s}}
tasks:
  a: {duration: {dist: exponential, mean: 30s}}
  b: {duration: {dist: exponential, mean: 60s}}
`), RunOptions{})
	within(t, "fork-join E[max]", r.CycleTime.Mean, 70)
}

// TestFidelityDeterministic: fixed arrivals and durations must give exact
// results, not estimates.
func TestFidelityDeterministic(t *testing.T) {
	const n = 1000
	p := parseParams(t, fmt.Sprintf(`
seed: 7
cases: %d
replications: 3
arrival: {interarrival: 60s}
pools: {p1: 1, p2: {size: 2, costPerHour: 36}}
tasks:
  a: {duration: 30s, pool: p1}
  b: {duration: 20s, pool: p2, fixedCost: 0.5}
`, n))
	r := simulateWith(t, chainModel("det", "a", "b"), p, RunOptions{})
	// Arrivals at 0, 60, ..., 60(n−1); each case takes 30 + 20 s without
	// waiting; the run ends when the last case ends at 60(n−1) + 50.
	end := 60.0*(n-1) + 50
	exact := []struct {
		what      string
		got, want float64
	}{
		{"cycle mean", r.CycleTime.Mean.Value, 50},
		{"cycle p50", r.CycleTime.P50.Value, 50},
		{"cycle p99", r.CycleTime.P99.Value, 50},
		{"cycle max", r.CycleTime.Max.Value, 50},
		{"ended", r.Ended.Value, n},
		{"measured time", r.MeasuredTime.Value, end},
		{"throughput", r.Throughput.Value, n * 3600 / end},
		{"wait a", activity(t, r, "a").Waiting.Max.Value, 0},
		{"wait b", activity(t, r, "b").Waiting.Max.Value, 0},
		{"proc b", activity(t, r, "b").Processing.Mean.Value, 20},
		{"utilisation p1", pool(t, r, "p1").Utilisation.Value, 30 * n / end},
		{"utilisation p2", pool(t, r, "p2").Utilisation.Value, 20 * n / (2 * end)},
		{"queue p1", pool(t, r, "p1").QueueMean.Value, 0},
		{"WIP", r.WIP.Value, 50 * n / end},
		{"cost per case", r.Cost.PerCase.Value, 36*20.0/3600 + 0.5},
		{"ci of cycle mean", r.CycleTime.Mean.CI95, 0},
	}
	var b strings.Builder
	for _, c := range exact {
		if math.Abs(c.got-c.want) > 1e-9*math.Max(1, math.Abs(c.want)) {
			fmt.Fprintf(&b, "\n%s: got %.12g, want exactly %.12g", c.what, c.got, c.want)
		}
	}
	if b.Len() > 0 {
		t.Errorf("deterministic run (seed 7) is not exact:%s", b.String())
	}
}
