package sim

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// covered returns the seconds of measured time in each interval of ts.
func covered(ts *TimeSeries, measured float64) []float64 {
	n := len(ts.WIP)
	out := make([]float64, n)
	for j := range out {
		out[j] = math.Min(ts.Interval, measured-float64(j)*ts.Interval)
	}
	return out
}

// TestPlotDataAgreeWithKPIs: with one replication, the histogram counts
// every measured cycle time, and the time series integrate to the
// throughput, WIP and queue figures of the report.
func TestPlotDataAgreeWithKPIs(t *testing.T) {
	p := parseParams(t, strings.Replace(goldenParams, "replications: 2", "replications: 1", 1))
	r := simulateWith(t, orderModel, p, RunOptions{})
	if r.CycleHistogram == nil || r.Series == nil {
		t.Fatalf("no plot data (seed %d)", p.Seed)
	}
	h := r.CycleHistogram
	if len(h.Bounds) != len(h.Counts)+1 || !near(sum(h.Counts), r.Ended.Value) {
		t.Errorf("histogram: %d bounds, %d counts summing to %v, want %v", len(h.Bounds), len(h.Counts), sum(h.Counts), r.Ended.Value)
	}
	if n := len(h.Counts); n < 16 || n > 41 {
		t.Errorf("%d buckets, want 16 to 41", n)
	}
	if h.Bounds[0] > r.CycleTime.Max.Value || h.Bounds[len(h.Bounds)-1] <= r.CycleTime.Max.Value {
		t.Errorf("buckets %v … %v do not hold the cycle times up to %v", h.Bounds[0], h.Bounds[len(h.Bounds)-1], r.CycleTime.Max.Value)
	}
	ts := r.Series
	if n := len(ts.WIP); n < seriesPoints/2 || n > 2*seriesPoints || len(ts.Throughput) != n || len(ts.Queues[0].Length) != n {
		t.Fatalf("series of %d, %d and %d points", len(ts.Throughput), n, len(ts.Queues[0].Length))
	}
	T := r.MeasuredTime.Value
	cov := covered(ts, T)
	var ended, wip, queue float64
	for j, c := range cov {
		ended += ts.Throughput[j] * c / 3600
		wip += ts.WIP[j] * c
		queue += ts.Queues[0].Length[j] * c
	}
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"ended", ended, r.Ended.Value},
		{"WIP", wip / T, r.WIP.Value},
		{"queue", queue / T, pool(t, r, "cashier").QueueMean.Value},
	} {
		if math.Abs(c.got-c.want) > 1e-6*math.Max(1, c.want) {
			t.Errorf("%s from the series %v, report %v (seed %d)", c.what, c.got, c.want, p.Seed)
		}
	}
}

// TestPlotDataHorizon: a run by horizon is cut into exactly seriesPoints
// intervals; the queue of a deterministic overloaded server grows.
func TestPlotDataHorizon(t *testing.T) {
	r := simulate(t, chainModel("h", "work"), `
horizon: 1h
arrival: {interarrival: 1m}
pools: {p: 1}
tasks:
  work: {duration: 90s, pool: p}
`)
	ts := r.Series
	if ts.Interval != 36 || len(ts.WIP) != seriesPoints {
		t.Fatalf("interval %v s, %d points; want 36 s, %d", ts.Interval, len(ts.WIP), seriesPoints)
	}
	q := ts.Queues[0].Length
	if q[0] != 0 || q[len(q)-1] < 19 || q[len(q)-1] > 21 {
		t.Errorf("queue from %v to %v, want 0 to about 20", q[0], q[len(q)-1])
	}
	if got := sum(ts.Throughput) * 36 / 3600; !near(got, r.Ended.Value) {
		t.Errorf("%v cases ended in the series, %v in the report", got, r.Ended.Value)
	}
	if a := activity(t, r, "work"); a.Utilisation.Value < 0.97 || a.Utilisation.Value > 1 {
		// the attempt running at the horizon has not ended: it is missing
		t.Errorf("utilisation of work %v, want just under 1", a.Utilisation.Value)
	}
}

// TestPlotDataDeterministic: equal cycle times make one bucket; element
// utilisations add up to their pool's.
func TestPlotDataDeterministic(t *testing.T) {
	p := parseParams(t, `
seed: 7
cases: 1000
replications: 3
arrival: {interarrival: 60s}
pools: {p1: 1, p2: 2}
tasks:
  a: {duration: 30s, pool: p1}
  b: {duration: 20s, pool: p2}
  c: {duration: 10s, pool: p2}
`)
	r := simulateWith(t, chainModel("det", "a", "b", "c"), p, RunOptions{})
	var got []string
	for j, c := range r.CycleHistogram.Counts {
		if c != 0 {
			got = append(got, fmt.Sprintf("[%v, %v): %v", r.CycleHistogram.Bounds[j], r.CycleHistogram.Bounds[j+1], c))
		}
	}
	if s := strings.Join(got, " "); s != "[60, 61): 3000" {
		t.Errorf("histogram %s, want one bucket of 3000 cases at 60 s", s)
	}
	u := activity(t, r, "b").Utilisation.Value + activity(t, r, "c").Utilisation.Value
	if !near(u, pool(t, r, "p2").Utilisation.Value) {
		t.Errorf("elements of p2 use %v, the pool %v", u, pool(t, r, "p2").Utilisation.Value)
	}
	for _, w := range r.Series.WIP[:len(r.Series.WIP)-1] {
		if !near(w, 1) {
			t.Fatalf("WIP series %v, want 1 throughout (a case of 60 s every 60 s)", r.Series.WIP)
		}
	}
}

// TestTimelineCoarsens: a run longer than 2·seriesPoints intervals merges
// them in pairs, keeping the integrals.
func TestTimelineCoarsens(t *testing.T) {
	tl := newTimeline(10, 1)
	tl.start(100)
	tl.integrate(0, 2, 100, 5100) // level 2 for 5000 ns
	tl.count(5099)
	if tl.step != 40 || tl.n != 125 {
		t.Errorf("step %d ns, %d intervals; want 40 and 125", tl.step, tl.n)
	}
	if got := sum(tl.levels[0]); !near(got*1e9, 2*5000) {
		t.Errorf("integral %v, want 1e-5", got)
	}
	if tl.levels[0][124] != 2*40/1e9 || tl.ended[124] != 1 {
		t.Errorf("last interval %v, %v", tl.levels[0][124], tl.ended[124])
	}
}

// TestTimeSeriesMergesReplications: replications with different steps
// are brought to the largest and pooled by the time spent per interval.
func TestTimeSeriesMergesReplications(t *testing.T) {
	const s = int64(1e10) // 10 s
	rep := func(step, window int64, ended, level float64) *replication {
		tl := newTimeline(step, 1)
		tl.start(0)
		tl.n = int(window / step)
		for k := range tl.n {
			tl.ended[k], tl.levels[0][k] = ended, level
		}
		return &replication{now: window, tl: tl}
	}
	ts := timeSeries(&Model{}, []*replication{rep(s, 10*s, 1, 10), rep(2*s, 6*s, 2, 40)})
	want := "interval 20 s; throughput [360 360 360 360 360]; WIP [1.5 1.5 1.5 1 1]"
	if got := fmt.Sprintf("interval %v s; throughput %v; WIP %v", ts.Interval, ts.Throughput, ts.WIP); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
