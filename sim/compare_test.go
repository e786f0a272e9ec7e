package sim

import (
	"bytes"
	"encoding/csv"
	"math"
	"strings"
	"testing"
)

// The known answers were computed apart, with mpmath at 30 digits:
// t(0.975, 4) = 2.776445105197794, and for Welch ν = 1.16² / (0.5²/4 +
// 0.66²/4) = 7.850641773628938, t(0.975, ν) = 2.313662952791844.
var (
	sampleA = []float64{1, 2, 3, 4, 5} // mean 3, variance 2.5
	sampleB = []float64{2, 4, 5, 4, 7} // mean 4.4, variance 3.3
	pairedW = 2.776445105197794 * 0.4  // differences 1 2 2 0 2: mean 1.4, sd √0.8, se 0.4
)

func closeTo(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.12g, want %.12g", what, got, want)
	}
}

func TestPairedDiff(t *testing.T) {
	d := pairedDiff(sampleA, sampleB)
	closeTo(t, "paired mean", d.Value, 1.4, 1e-12)
	closeTo(t, "paired half-width", d.CI95, pairedW, 1e-9)
	// a replication without a value on either side is left out
	d = pairedDiff(append([]float64{math.NaN()}, sampleA...), append([]float64{7}, sampleB...))
	closeTo(t, "paired mean with NaN", d.Value, 1.4, 1e-12)
	closeTo(t, "paired half-width with NaN", d.CI95, pairedW, 1e-9)
	if d := pairedDiff([]float64{1}, []float64{3}); d.Value != 2 || !math.IsNaN(d.CI95) {
		t.Errorf("one pair: %+v, want 2 without interval", d)
	}
}

func TestWelch(t *testing.T) {
	w := 2.313662952791844 * math.Sqrt(1.16) // se √(2.5/5 + 3.3/5)
	d := welchSamples(sampleA, sampleB)
	closeTo(t, "Welch difference", d.Value, 1.4, 1e-12)
	closeTo(t, "Welch half-width", d.CI95, w, 1e-9)
	// from the estimates alone (a report read from JSON): the same
	d = welchEstimates(estimate(sampleA), 5, estimate(sampleB), 5)
	closeTo(t, "Welch from estimates", d.CI95, w, 1e-9)
	// equal samples: no variance, no interval width
	if d := welchSamples([]float64{2, 2}, []float64{3, 3}); d.Value != 1 || d.CI95 != 0 {
		t.Errorf("constant samples: %+v", d)
	}
}

func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		d      Estimate
		better string
		want   string
	}{
		{Estimate{Value: -3, CI95: 1, HasCI: true}, LowerIsBetter, "better"},
		{Estimate{Value: -3, CI95: 1, HasCI: true}, HigherIsBetter, "worse"},
		{Estimate{Value: 3, CI95: 1, HasCI: true}, "", "changed"},
		{Estimate{Value: 0.5, CI95: 1, HasCI: true}, LowerIsBetter, "within noise"},
		{Estimate{Value: 0, CI95: 0, HasCI: true}, LowerIsBetter, "same"},
		{Estimate{Value: 2, CI95: math.NaN(), HasCI: true}, LowerIsBetter, "no interval"},
		{none, LowerIsBetter, "no data"},
	} {
		if got := verdict(tc.d, tc.better); got != tc.want {
			t.Errorf("verdict(%+v, %q) = %q, want %q", tc.d, tc.better, got, tc.want)
		}
	}
}

const compareParams = `
seed: 5
cases: 2000
warmupCases: 200
replications: 5
arrival: {rate: 1/min}
pools: {clerks: 1}
tasks:
  work: {duration: {dist: exponential, mean: 45s}, pool: clerks}
`

// arrivals returns the enqueue time of the first job of every case in the
// event log of replication 1: the arrival times, as the job is created
// when the case starts.
func arrivals(t *testing.T, xml string, p *Params) (map[string]string, *Report) {
	var log bytes.Buffer
	r := simulateWith(t, xml, p, RunOptions{Log: &log})
	rows, err := csv.NewReader(&log).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, row := range rows[1:] {
		if _, seen := out[row[0]]; !seen {
			out[row[0]] = row[4]
		}
	}
	return out, r
}

// TestCompareSameArrivals: two designs run with the same seed and
// arrival parameters see the same cases at the same times, whatever else
// differs (here the pool size and the task's duration), so Compare pairs
// their replications.
func TestCompareSameArrivals(t *testing.T) {
	pa := parseParams(t, compareParams)
	pb := parseParams(t, strings.Replace(strings.Replace(compareParams, "clerks: 1}", "clerks: 2}", 1), "mean: 45s", "mean: 60s", 1))
	if same, why := SameArrivals(pa, pb); !same {
		t.Fatalf("SameArrivals: %v", why)
	}
	xa, ra := arrivals(t, chainModel("c", "work"), pa)
	xb, rb := arrivals(t, chainModel("c", "work"), pb)
	if len(xa) != 2000 || len(xb) != 2000 {
		t.Fatalf("%d and %d cases in the logs", len(xa), len(xb))
	}
	for k, v := range xa {
		if xb[k] != v {
			t.Fatalf("case %s arrives at %s in A, at %s in B (seed %d)", k, v, xb[k], pa.Seed)
		}
	}
	c := Compare(ra, rb)
	if c.Method != "paired" {
		t.Errorf("method %q, want paired", c.Method)
	}
	// two clerks instead of one, though each is slower: shorter cycle
	// times, lower utilisation
	for key, want := range map[string]string{
		"cycle_time_s.mean":         "better",
		"cycle_time_s.p99":          "better",
		"wip_mean":                  "better",
		"pool.clerks.utilisation":   "changed",
		"outcome.completed/e.share": "same",
	} {
		if d := c.diff(key); d == nil || d.Verdict != want {
			t.Errorf("%s: %+v, want %s", key, d, want)
		}
	}
	// the paired interval is narrower than Welch's: the pairs share their
	// arrivals
	d := c.diff("cycle_time_s.mean")
	w := welchEstimates(d.A, 5, d.B, 5)
	if !(d.Delta.CI95 < w.CI95) {
		t.Errorf("paired half-width %v, Welch %v", d.Delta.CI95, w.CI95)
	}

	pb.Arrival = Exp(50)
	pb.StartVariables = []Variable{{Name: "x", Gen: Generator{Kind: GenConst, Value: 1}}}
	if same, why := SameArrivals(pa, pb); same || len(why) != 2 ||
		why[0] != "the arrival processes differ (A exponential(mean=60), B exponential(mean=50))" {
		t.Errorf("SameArrivals after changing arrivals and start variables: %v %q", same, why)
	}
}
