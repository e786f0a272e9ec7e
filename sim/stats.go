package sim

import (
	"math"
)

// Statistics are streamed: memory does not grow with the number of cases.
//
// Percentiles come from a fixed-bucket log histogram (HDR-like): every
// power of two is cut into 64 equal buckets, so a bucket is at most 1/64
// (1.6 %) of its values wide; a percentile is interpolated linearly inside
// its bucket and clamped to the exact minimum and maximum, which makes its
// relative error at most 1.6 % and typically well under 1 %. Values from
// 2^-20 s (about a microsecond) to 2^44 s are resolved; smaller positive
// values share the first bucket, larger ones the last. Means, minima and
// maxima are exact.

const (
	histSub    = 64  // buckets per power of two
	histMinExp = -19 // frexp exponent of the first resolved power of two
	histExps   = 64
)

// logHist counts values in log-spaced buckets; zero and negative values
// are counted apart.
type logHist struct {
	zero    uint64
	buckets [histExps * histSub]uint64
}

func histIndex(v float64) int {
	frac, exp := math.Frexp(v) // v = frac · 2^exp, frac in [0.5, 1)
	e := exp - histMinExp
	switch {
	case e < 0:
		return 0
	case e >= histExps:
		return histExps*histSub - 1
	}
	return e*histSub + int((frac-0.5)*2*histSub)
}

// bucketBounds returns the value range [lo, hi) of bucket i.
func bucketBounds(i int) (lo, hi float64) {
	e, s := i/histSub, i%histSub
	base := math.Ldexp(0.5, e+histMinExp)
	w := base / histSub
	return base + float64(s)*w, base + float64(s+1)*w
}

func (h *logHist) add(v float64) {
	if v <= 0 {
		h.zero++
		return
	}
	h.buckets[histIndex(v)]++
}

// quantile returns the q-quantile (0 < q ≤ 1) of n counted values.
func (h *logHist) quantile(q float64, n uint64) float64 {
	if n == 0 {
		return math.NaN()
	}
	rank := q * float64(n) // values with rank below this lie below the quantile
	c := float64(h.zero)
	if rank <= c {
		return 0
	}
	for i := range h.buckets {
		b := float64(h.buckets[i])
		if b == 0 {
			continue
		}
		if c+b >= rank {
			lo, hi := bucketBounds(i)
			return lo + (hi-lo)*(rank-c)/b
		}
		c += b
	}
	lo, _ := bucketBounds(len(h.buckets) - 1)
	return lo
}

// Stat is a streamed summary of a quantity: count, sum, min, max and,
// when hist is set, percentiles.
type Stat struct {
	N        uint64
	Sum      float64
	Min, Max float64
	hist     *logHist
}

func newStat(withHist bool) Stat {
	s := Stat{}
	if withHist {
		s.hist = new(logHist)
	}
	return s
}

func (s *Stat) add(v float64) {
	if s.N == 0 || v < s.Min {
		s.Min = v
	}
	if s.N == 0 || v > s.Max {
		s.Max = v
	}
	s.N++
	s.Sum += v
	if s.hist != nil {
		s.hist.add(v)
	}
}

// Mean returns the mean, NaN without values.
func (s *Stat) Mean() float64 {
	if s.N == 0 {
		return math.NaN()
	}
	return s.Sum / float64(s.N)
}

// Quantile returns the q-quantile (see the histogram's accuracy above),
// clamped to [Min, Max]; NaN without values or without a histogram.
func (s *Stat) Quantile(q float64) float64 {
	if s.N == 0 || s.hist == nil {
		return math.NaN()
	}
	v := s.hist.quantile(q, s.N)
	return math.Min(math.Max(v, s.Min), s.Max)
}

// timeWeighted integrates a level (queue length, busy servers, work in
// progress) over virtual time, counting only time after the warm-up.
type timeWeighted struct {
	level int
	max   int
	last  int64   // ns of the last change
	area  float64 // level × seconds since the warm-up
	// tl, when set, also gets the integral per interval, as its level
	// number slot
	tl   *timeline
	slot int
}

// set changes the level at time now (ns); warm is the end of the warm-up.
func (t *timeWeighted) set(now, warm int64, level int) {
	t.advance(now, warm)
	t.level = level
	if now >= warm && level > t.max {
		t.max = level
	}
}

func (t *timeWeighted) advance(now, warm int64) {
	from := max(t.last, warm)
	if now > from {
		t.area += float64(t.level) * float64(now-from) / 1e9
		if t.tl != nil {
			t.tl.integrate(t.slot, t.level, from, now)
		}
	}
	t.last = max(t.last, now)
}

// startMeasuring is called when the warm-up ends: the current level counts
// as the first maximum.
func (t *timeWeighted) startMeasuring() { t.max = t.level }
