package sim

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

func loadClaims(t *testing.T) *bpmn.Definitions {
	t.Helper()
	defs, err := bpmn.ParseFile("testdata/qbp_claims.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

func taskByID(t *testing.T, p *Params, id string) Task {
	t.Helper()
	for _, x := range p.Tasks {
		if x.Match == id {
			return x
		}
	}
	t.Fatalf("no task %q in %+v", id, p.Tasks)
	return Task{}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// checkClaimsParams checks what every import of the claims scenario must give.
func checkClaimsParams(t *testing.T, p *Params) {
	t.Helper()
	if !near(p.Arrival.Mean(), 600) {
		t.Errorf("arrival mean %v, want 600 (QBP keeps the exponential mean in arg1)", p.Arrival.Mean())
	}
	want := map[string]struct {
		mean float64
		pool string
	}{"register": {300, "Clerk"}, "assess": {360, "Adjuster"}, "pay": {120, "Clerk"}, "reject": {120, "Clerk"}}
	for id, w := range want {
		task := taskByID(t, p, id)
		if !near(task.Duration.Mean(), w.mean) || task.Pool != w.pool {
			t.Errorf("%s: %v (mean %v) on %q, want mean %v on %q", id, task.Duration, task.Duration.Mean(), task.Pool, w.mean, w.pool)
		}
	}
	if len(p.Pools) != 2 || p.Pools[0] != (Pool{Name: "Clerk", Size: 2, CostPerHour: 25}) || p.Pools[1].Name != "Adjuster" {
		t.Errorf("pools %+v", p.Pools)
	}
	if len(p.Branches) != 2 || p.Branches[0].Flow != "f_assess" || !near(p.Branches[0].Probability, 0.8) || !near(p.Branches[1].Probability, 0.2) {
		t.Errorf("branches %+v", p.Branches)
	}
}

// runClaims simulates the claims model with p and checks the results that
// follow from the scenario: 80 % of the claims are assessed; the clerks are
// busy (300 + 0.8·120 + 0.2·E[reject]) s per claim out of 2 × 600 s.
func runClaims(t *testing.T, p *Params, rejectMean float64) *Report {
	t.Helper()
	p.Cases, p.Replications, p.Seed, p.WarmUpCases = 20000, 4, 3, 2000
	if testing.Short() || raceEnabled {
		p.Cases, p.WarmUpCases = 5000, 500
	}
	m, err := NewModel(loadClaims(t), p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Run(t.Context(), RunOptions{ModelName: "qbp_claims.bpmn"})
	if err != nil {
		t.Fatal(err)
	}
	proportion(t, "share of assessed claims", activity(t, r, "assess").Completed.Value, r.Ended.Value, 4, 0.8)
	within(t, "clerk utilisation", pool(t, r, "Clerk").Utilisation, (300+0.8*120+0.2*rejectMean)/1200)
	within(t, "adjuster utilisation", pool(t, r, "Adjuster").Utilisation, 0.8*360/600)
	if v := activity(t, r, "register").Processing.Max.Value; v != 300 {
		t.Errorf("register takes %v s, want 300 (QBP values are seconds whatever timeUnit says)", v)
	}
	return r
}

func TestImportQBP(t *testing.T) {
	p, err := ImportQBP(loadClaims(t))
	if err != nil {
		t.Fatal(err)
	}
	checkClaimsParams(t, p)
	if p.Cases != 2000 || p.Currency != "EUR" || p.Start.Format("2006-01-02T15:04") != "2024-01-01T09:00" {
		t.Errorf("cases %d currency %q start %v", p.Cases, p.Currency, p.Start)
	}
	if taskByID(t, p, "pay").FixedCost != 1.5 {
		t.Errorf("fixed cost not imported")
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "timetables are ignored") {
		t.Errorf("notes %q", p.Notes)
	}
	r := runClaims(t, p, 120)
	if r.Cost == nil || r.Currency != "EUR" {
		t.Errorf("no cost in the report")
	}
}

func TestImportQBPPlacements(t *testing.T) {
	// bpmn's test file has one scenario in a process's extensionElements
	// and one under definitions: the first in the document is used.
	defs, err := bpmn.ParseFile("../bpmn/testdata/sim_extensions.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ImportQBP(defs)
	if err != nil {
		t.Fatal(err)
	}
	if p.Cases != 100 || p.Process != "claims" || !near(p.Arrival.Mean(), 600) {
		t.Errorf("cases %d process %q arrival %v", p.Cases, p.Process, p.Arrival)
	}
}

func TestQBPDistributions(t *testing.T) {
	cases := []struct {
		xml  string
		mean float64
		sd   float64
	}{
		{`type="FIXED" mean="42" arg1="NaN" arg2="NaN"`, 42, 0},
		{`type="EXPONENTIAL" mean="0" arg1="60" arg2="NaN"`, 60, 60},
		{`type="NORMAL" mean="100" arg1="15" arg2="NaN"`, 100, 15},
		{`type="UNIFORM" mean="3600" arg1="10" arg2="30"`, 20, 20 / math.Sqrt(12)},
		{`type="TRIANGULAR" mean="20" arg1="10" arg2="60"`, 30, math.Sqrt((100 + 3600 + 400 - 600 - 200 - 1200) / 18.0)},
		{`type="GAMMA" mean="50" arg1="400" arg2="NaN"`, 50, 20},
		{`type="LOGNORMAL" mean="50" arg1="400" arg2="NaN"`, 50, 20},
	}
	for _, c := range cases {
		var ps problems
		q := qbpDistFromAttrs(t, c.xml)
		d := q.dist(&ps, "test")
		if len(ps.list) > 0 {
			t.Fatalf("%s: %v", c.xml, ps.list)
		}
		mean, sd := sampleMoments(d, 200000)
		if math.Abs(mean-c.mean) > 0.01*c.mean || math.Abs(sd-c.sd) > 0.02*c.mean {
			t.Errorf("%s: sampled mean %.3f sd %.3f, want %.3f and %.3f", c.xml, mean, sd, c.mean, c.sd)
		}
	}
}

func qbpDistFromAttrs(t *testing.T, attrs string) *qbpDist {
	t.Helper()
	defs := parseModel(t, bpmnDoc("p", `<startEvent id="s"/>`,
		`<qbp:processSimulationInfo xmlns:qbp="http://www.qbp-simulator.com/Schema201212" processInstances="1"><qbp:arrivalRateDistribution `+attrs+`/></qbp:processSimulationInfo>`))
	var info qbpInfo
	if err := xmlUnmarshal(qbpBlock(defs).XML, &info); err != nil {
		t.Fatal(err)
	}
	return info.Arrival
}

func sampleMoments(d Dist, n int) (mean, sd float64) {
	s := d.sampler(stream(1, 1, "moments"))
	var sum, sum2 float64
	for range n {
		x := s.Rand()
		sum += x
		sum2 += x * x
	}
	mean = sum / float64(n)
	return mean, math.Sqrt(sum2/float64(n) - mean*mean)
}

func TestImportProsimosDialects(t *testing.T) {
	var reports []*Report
	for _, file := range []string{"testdata/prosimos_v2.json", "testdata/prosimos_v1.json"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ImportProsimos(file, data, loadClaims(t))
			if err != nil {
				t.Fatal(err)
			}
			checkClaimsParams(t, p)
			reports = append(reports, runClaims(t, p, 120))
		})
	}
	// The two files describe the same scenario in the two dialects: same
	// distributions, same streams, so the same report.
	if len(reports) == 2 && reports[0].CycleTime != reports[1].CycleTime {
		t.Errorf("v1 and v2 differ: cycle time %+v and %+v", reports[0].CycleTime, reports[1].CycleTime)
	}
}

func TestImportProsimosExtras(t *testing.T) {
	data, _ := os.ReadFile("testdata/prosimos_v2.json")
	p, err := ImportProsimos("v2.json", data, loadClaims(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.StartVariables) != 2 || p.StartVariables[0].Gen.Kind != GenChoice || p.StartVariables[1].Gen.Kind != GenDist {
		t.Errorf("case attributes %+v", p.StartVariables)
	}
	if !strings.Contains(strings.Join(p.Notes, "\n"), "calendars are ignored") {
		t.Errorf("notes %q", p.Notes)
	}
}

func TestImportProsimosErrors(t *testing.T) {
	_, err := ImportProsimos("bad.json", []byte(`{"arrival_time_distribution": {"distribution_name": "weibull_min", "distribution_params": [{"value": 1}]},
 "task_resource_distribution": [{"task_id": "register", "resources": [{"resource_id": "nobody", "distribution_name": "expon", "distribution_params": [{"value": 1}, {"value": 2}, {"value": 3}, {"value": 4}, {"value": 5}]}]}]}`), loadClaims(t))
	want := `bad.json: arrival_time_distribution: unsupported distribution "weibull_min" (want fix, expon, uniform, norm, lognorm, gamma, triang or histogram_sampling)
bad.json: task_resource_distribution.register: expon with 5 parameters is neither the Prosimos 1.x nor the 2.x form
bad.json: task_resource_distribution.register: unknown resource "nobody"`
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}
