package sim

import "math"

// Data for plots: the distribution of cycle times as buckets, and the run
// followed over time. Both keep memory fixed, whatever the number of
// cases: the buckets are cut from the streamed log histograms when the
// report is built; a timeline holds at most 2·seriesPoints intervals.

// Histogram counts values in adjacent buckets of equal width: Counts[i]
// values lie in [Bounds[i], Bounds[i+1]). Bounds are in seconds.
type Histogram struct {
	Bounds []float64 `json:"bounds_s"`
	Counts []float64 `json:"counts"`
}

// TimeSeries follows the measured run in intervals of Interval seconds:
// value i describes [i·Interval, (i+1)·Interval) after the end of the
// warm-up. With several replications a value pools the replications whose
// measured run reaches the interval (sums over them divided by the time
// they spent in it).
type TimeSeries struct {
	Interval   float64       `json:"interval_s"`
	Throughput []float64     `json:"throughput_per_h"` // measured cases ended per hour
	WIP        []float64     `json:"wip"`              // time-weighted mean of active instances
	Queues     []QueueSeries `json:"queues"`           // per pool, in the order of Report.Pools
}

// QueueSeries is the time-weighted mean number of jobs waiting for a pool,
// per interval.
type QueueSeries struct {
	Pool   string    `json:"pool"`
	Length []float64 `json:"length"`
}

const (
	// seriesPoints is the number of intervals the measured run is first
	// cut into; a run that lasts longer than expected has up to twice as
	// many before they are merged in pairs.
	seriesPoints = 100
	// histBuckets is the most buckets of a cycle-time histogram, give or
	// take one: with nice widths there are 16 to 41.
	histBuckets = 40
)

// timeline records, per interval of measured time, the cases that ended
// and the integrals of some levels (level × seconds). Intervals are step
// long and start at origin, the end of the warm-up. When a run outlasts
// 2·seriesPoints intervals, neighbours are merged in pairs and step
// doubles, so memory stays fixed and every replication's step is the same
// initial step times a power of two.
type timeline struct {
	origin  int64 // ns, once started
	started bool
	step    int64 // ns
	n       int   // intervals in use
	ended   []float64
	levels  [][]float64
	// the interval of the last lookup, [lo, hi): time mostly moves on
	// within it
	cur    int
	lo, hi int64
}

func newTimeline(step int64, levels int) *timeline {
	tl := &timeline{step: max(1, step), ended: make([]float64, 2*seriesPoints), levels: make([][]float64, levels)}
	for i := range tl.levels {
		tl.levels[i] = make([]float64, 2*seriesPoints)
	}
	return tl
}

// start sets the origin at the end of the warm-up (the first call wins).
func (tl *timeline) start(t int64) {
	if !tl.started {
		tl.origin, tl.started = t, true
	}
}

// slot returns the interval holding time t (ns, at or after the origin),
// merging intervals when t lies beyond the last one that fits.
func (tl *timeline) slot(t int64) int {
	if t >= tl.lo && t < tl.hi {
		return tl.cur
	}
	k := (t - tl.origin) / tl.step
	for k >= 2*seriesPoints {
		tl.coarsen()
		k = (t - tl.origin) / tl.step
	}
	tl.n = max(tl.n, int(k)+1)
	tl.cur, tl.lo, tl.hi = int(k), tl.origin+k*tl.step, tl.origin+(k+1)*tl.step
	return int(k)
}

// coarsen merges the intervals in pairs and doubles the step.
func (tl *timeline) coarsen() {
	h := (tl.n + 1) / 2
	for _, xs := range append([][]float64{tl.ended}, tl.levels...) {
		for i := range h {
			xs[i] = xs[2*i] + xs[2*i+1] // xs[n] is 0 when n is odd
		}
		clear(xs[h:])
	}
	tl.n, tl.step = h, tl.step*2
	tl.lo, tl.hi = 0, 0
}

// integrate adds level over [from, to) to the integral of level i.
func (tl *timeline) integrate(i, level int, from, to int64) {
	for level != 0 && from < to {
		k := tl.slot(from)
		seg := min(to, tl.hi) - from
		tl.levels[i][k] += float64(level) * float64(seg) / 1e9
		from += seg
	}
}

// count records a case that ended at time t.
func (tl *timeline) count(t int64) { tl.ended[tl.slot(t)]++ }

// initialStep is the timeline's first interval (ns): the expected
// measured time over seriesPoints. The measured time is expected to be the
// horizon minus the warm-up or, for a run by cases, the time the measured
// cases take to arrive (their number × the mean inter-arrival time); when
// neither is known, 1 s. Runs that last longer coarsen their timeline.
func initialStep(p *Params) int64 {
	span := math.Inf(1)
	if p.Horizon > 0 {
		span = p.Horizon - p.WarmUp
	}
	if ia := p.Arrival.Mean(); p.Cases > 0 && ia > 0 {
		span = min(span, float64(p.Cases-p.WarmUpCases)*ia-p.WarmUp)
	}
	if !(span > 0) || math.IsInf(span, 0) {
		span = seriesPoints
	}
	return max(1, toNS(span/seriesPoints))
}

// timeSeries merges the timelines of the replications: each is brought to
// the largest step among them (its intervals merged in groups of a power
// of two), then the sums of all are divided by the time the replications
// spent in each interval.
func timeSeries(m *Model, reps []*replication) *TimeSeries {
	var step int64
	for _, r := range reps {
		if r.tl.started && r.now > r.tl.origin {
			step = max(step, r.tl.step)
		}
	}
	if step == 0 {
		return nil
	}
	levels := len(reps[0].tl.levels)
	var covered, ended []float64
	sums := make([][]float64, levels)
	grow := func(n int) {
		for len(covered) < n {
			covered, ended = append(covered, 0), append(ended, 0)
			for i := range sums {
				sums[i] = append(sums[i], 0)
			}
		}
	}
	for _, r := range reps {
		tl := r.tl
		if !tl.started || r.now <= tl.origin {
			continue
		}
		window := r.now - tl.origin
		need := int((window + step - 1) / step)
		grow(need)
		for j := range need {
			covered[j] += float64(min(step, window-int64(j)*step)) / 1e9
		}
		f := int(step / tl.step)
		for k := range tl.n {
			j := min(k/f, need-1) // a case ending at the very end belongs to the last interval
			ended[j] += tl.ended[k]
			for i := range sums {
				sums[i][j] += tl.levels[i][k]
			}
		}
	}
	ts := &TimeSeries{Interval: roundSig(float64(step) / 1e9)}
	per := func(xs []float64, scale float64) []float64 {
		out := make([]float64, len(xs))
		for j, x := range xs {
			out[j] = roundSig(x * scale / covered[j])
		}
		return out
	}
	ts.Throughput = per(ended, 3600)
	ts.WIP = per(sums[0], 1)
	ts.Queues = []QueueSeries{}
	for i, pl := range m.pools {
		ts.Queues = append(ts.Queues, QueueSeries{Pool: pl.Name, Length: per(sums[1+i], 1)})
	}
	return ts
}

// cycleHistogram cuts the cycle times of all replications into about
// histBuckets buckets of a nice width, from the smallest to the largest
// value. The count of each bucket of the log histograms (see stats.go) is
// shared among the buckets it overlaps in proportion to the overlap, as
// if its values were spread evenly (the assumption percentiles make too),
// after clamping the bucket to the replication's exact minimum and
// maximum. So counts may be fractional; their sum is the number of cycle
// times.
func cycleHistogram(reps []*replication) *Histogram {
	lo, hi, n := math.Inf(1), math.Inf(-1), uint64(0)
	for _, r := range reps {
		if s := &r.cycle; s.N > 0 {
			lo, hi, n = math.Min(lo, s.Min), math.Max(hi, s.Max), n+s.N
		}
	}
	if n == 0 {
		return nil
	}
	var step float64
	if hi-lo > 1e-9*math.Max(1, math.Abs(hi)) {
		step = niceStep((hi - lo) / histBuckets)
	} else {
		step = niceStep(math.Max(1, math.Abs(hi)) / 100) // one value: one bucket about 1 % wide
	}
	// in units of step, with a little slack against rounding (60/0.05 is
	// 1199.9999999999998)
	floor := func(x float64) float64 { return math.Floor(x + 1e-9) }
	first := floor(lo/step) * step
	nb := int(floor((hi-first)/step)) + 1
	counts := make([]float64, nb)
	at := func(v float64) int { return min(nb-1, max(0, int(floor((v-first)/step)))) }
	for _, r := range reps {
		s := &r.cycle
		if s.N == 0 {
			continue
		}
		if z := s.hist.zero; z > 0 {
			counts[at(0)] += float64(z)
		}
		for i, c := range s.hist.buckets {
			if c == 0 {
				continue
			}
			a, b := bucketBounds(i)
			a, b = math.Max(a, s.Min), math.Min(b, s.Max)
			if b <= a {
				counts[at(math.Min(math.Max(a, s.Min), s.Max))] += float64(c)
				continue
			}
			for j := at(a); j <= at(b); j++ {
				blo, bhi := first+float64(j)*step, first+float64(j+1)*step
				if ov := math.Min(b, bhi) - math.Max(a, blo); ov > 0 {
					counts[j] += float64(c) * ov / (b - a)
				}
			}
		}
	}
	h := &Histogram{Bounds: make([]float64, nb+1), Counts: counts}
	for j := range h.Bounds {
		h.Bounds[j] = roundSig(first + float64(j)*step)
	}
	for j := range counts {
		counts[j] = roundSig(counts[j])
	}
	return h
}

// niceStep returns the smallest of 1, 2 or 5 × 10ⁿ not below x > 0.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, f := range []float64{1, 2, 5, 10} {
		if f*p >= x*(1-1e-12) {
			return f * p
		}
	}
	return 10 * p
}
