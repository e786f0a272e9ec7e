package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"
)

// DistKind is the family of a distribution.
type DistKind uint8

// Distribution families. The parameters each uses are listed on Dist.
const (
	Fixed DistKind = iota
	Uniform
	Exponential
	Normal
	LogNormal
	Gamma
	Triangular
	Mixture // an empirical histogram: a weighted choice among Bins
)

var distNames = [...]string{"fixed", "uniform", "exponential", "normal", "lognormal", "gamma", "triangular", "histogram"}

func (k DistKind) String() string { return distNames[k] }

// Dist is a probability distribution, given by its family and parameters
// (in seconds for durations):
//
//	Fixed        A = value
//	Uniform      A = min, B = max
//	Exponential  A = mean
//	Normal       A = mean, B = standard deviation
//	LogNormal    A = mu, B = sigma (of the underlying normal)
//	Gamma        A = shape α, B = rate β (mean α/β)
//	Triangular   A = min, B = max, C = mode
//	Mixture      Bins: pick a bin by weight, then sample its distribution
//
// Every sample is Shift plus a draw from the family. When Lo or Hi is set
// (HasLo, HasHi), samples outside [Lo, Hi] are rejected and drawn again, at
// most 100 times, then clamped: a truncated distribution.
type Dist struct {
	Kind         DistKind
	A, B, C      float64
	Shift        float64
	Lo, Hi       float64
	HasLo, HasHi bool
	Bins         []Bin
}

// Bin is one weighted component of a Mixture.
type Bin struct {
	Weight float64
	Dist   Dist
}

// Const returns the fixed distribution at v.
func Const(v float64) Dist { return Dist{Kind: Fixed, A: v} }

// Exp returns the exponential distribution with the given mean.
func Exp(mean float64) Dist { return Dist{Kind: Exponential, A: mean} }

// LogNormalMeanStd returns the lognormal distribution with the given mean
// and standard deviation (of the distribution itself, not of its log).
func LogNormalMeanStd(mean, std float64) Dist {
	v := std * std
	sigma2 := math.Log(1 + v/(mean*mean))
	return Dist{Kind: LogNormal, A: math.Log(mean) - sigma2/2, B: math.Sqrt(sigma2)}
}

// GammaMeanStd returns the gamma distribution with the given mean and
// standard deviation.
func GammaMeanStd(mean, std float64) Dist {
	v := std * std
	return Dist{Kind: Gamma, A: mean * mean / v, B: mean / v}
}

// Mean returns the mean of the distribution, ignoring truncation.
func (d Dist) Mean() float64 {
	var m float64
	switch d.Kind {
	case Fixed, Exponential, Normal:
		m = d.A
	case Uniform:
		m = (d.A + d.B) / 2
	case LogNormal:
		m = math.Exp(d.A + d.B*d.B/2)
	case Gamma:
		m = d.A / d.B
	case Triangular:
		m = (d.A + d.B + d.C) / 3
	case Mixture:
		var w float64
		for _, b := range d.Bins {
			m += b.Weight * b.Dist.Mean()
			w += b.Weight
		}
		m /= w
	}
	return m + d.Shift
}

// check reports a parameter that makes the distribution unusable.
func (d Dist) check() error {
	bad := func(format string, args ...any) error { return fmt.Errorf(d.Kind.String()+": "+format, args...) }
	for _, x := range []float64{d.A, d.B, d.C, d.Shift} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return bad("parameters must be finite numbers")
		}
	}
	switch d.Kind {
	case Uniform:
		if d.A > d.B {
			return bad("min %s is greater than max %s", num(d.A), num(d.B))
		}
	case Exponential:
		if d.A <= 0 {
			return bad("mean must be positive, got %s", num(d.A))
		}
	case Normal, LogNormal:
		if d.B < 0 {
			return bad("standard deviation must not be negative, got %s", num(d.B))
		}
	case Gamma:
		if d.A <= 0 || d.B <= 0 {
			return bad("shape and rate must be positive (mean > 0, stddev > 0)")
		}
	case Triangular:
		if !(d.A <= d.C && d.C <= d.B) || d.A == d.B {
			return bad("want min < max and min <= mode <= max, got min %s mode %s max %s", num(d.A), num(d.C), num(d.B))
		}
	case Mixture:
		if len(d.Bins) == 0 {
			return bad("no bins")
		}
		var w float64
		for _, b := range d.Bins {
			if b.Weight < 0 || math.IsNaN(b.Weight) {
				return bad("bin weights must not be negative")
			}
			if err := b.Dist.check(); err != nil {
				return err
			}
			w += b.Weight
		}
		if w <= 0 {
			return bad("bin weights sum to zero")
		}
	}
	if d.HasLo && d.HasHi && d.Lo > d.Hi {
		return bad("truncation min %s is greater than max %s", num(d.Lo), num(d.Hi))
	}
	return nil
}

// String describes d compactly, e.g. "exponential(mean=48)".
func (d Dist) String() string {
	var s string
	switch d.Kind {
	case Fixed:
		s = "fixed(" + num(d.A) + ")"
	case Uniform:
		s = "uniform(" + num(d.A) + ", " + num(d.B) + ")"
	case Exponential:
		s = "exponential(mean=" + num(d.A) + ")"
	case Normal:
		s = "normal(mean=" + num(d.A) + ", sd=" + num(d.B) + ")"
	case LogNormal:
		s = "lognormal(mu=" + num(d.A) + ", sigma=" + num(d.B) + ")"
	case Gamma:
		s = "gamma(shape=" + num(d.A) + ", rate=" + num(d.B) + ")"
	case Triangular:
		s = "triangular(" + num(d.A) + ", " + num(d.C) + ", " + num(d.B) + ")"
	case Mixture:
		s = fmt.Sprintf("histogram(%d bins)", len(d.Bins))
	}
	if d.Shift != 0 {
		s += "+" + num(d.Shift)
	}
	if d.HasLo || d.HasHi {
		lo, hi := "-inf", "inf"
		if d.HasLo {
			lo = num(d.Lo)
		}
		if d.HasHi {
			hi = num(d.Hi)
		}
		s += " in [" + lo + ", " + hi + "]"
	}
	return s
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// sampler draws from a distribution with its own random stream.
type sampler interface{ Rand() float64 }

type fixedSampler float64

func (f fixedSampler) Rand() float64 { return float64(f) }

// shifted adds a constant to the draws of s.
type shifted struct {
	s     sampler
	shift float64
}

func (x shifted) Rand() float64 { return x.s.Rand() + x.shift }

// truncated redraws samples outside [lo, hi] (at most 100 times, then clamps).
type truncated struct {
	s      sampler
	lo, hi float64
}

func (t truncated) Rand() float64 {
	var x float64
	for range 100 {
		x = t.s.Rand()
		if x >= t.lo && x <= t.hi {
			return x
		}
	}
	return math.Min(math.Max(x, t.lo), t.hi)
}

// mixture picks a bin by weight with its own draw, then samples it.
type mixture struct {
	pick distuv.Categorical
	bins []sampler
}

func (m *mixture) Rand() float64 { return m.bins[int(m.pick.Rand())].Rand() }

// sampler returns a sampler of d that draws from src. Components of a
// mixture get sources derived from src, so one stream feeds the whole
// distribution deterministically.
func (d Dist) sampler(src rand.Source) sampler {
	var s sampler
	switch d.Kind {
	case Fixed:
		s = fixedSampler(d.A)
	case Uniform:
		s = distuv.Uniform{Min: d.A, Max: d.B, Src: src}
	case Exponential:
		s = distuv.Exponential{Rate: 1 / d.A, Src: src}
	case Normal:
		s = distuv.Normal{Mu: d.A, Sigma: d.B, Src: src}
	case LogNormal:
		s = distuv.LogNormal{Mu: d.A, Sigma: d.B, Src: src}
	case Gamma:
		s = distuv.Gamma{Alpha: d.A, Beta: d.B, Src: src}
	case Triangular:
		s = distuv.NewTriangle(d.A, d.B, d.C, src)
	case Mixture:
		w := make([]float64, len(d.Bins))
		m := &mixture{bins: make([]sampler, len(d.Bins))}
		for i, b := range d.Bins {
			w[i] = b.Weight
			m.bins[i] = b.Dist.sampler(src)
		}
		m.pick = distuv.NewCategorical(w, src)
		s = m
	}
	if d.Shift != 0 {
		s = shifted{s, d.Shift}
	}
	if d.HasLo || d.HasHi {
		t := truncated{s: s, lo: math.Inf(-1), hi: math.Inf(1)}
		if d.HasLo {
			t.lo = d.Lo
		}
		if d.HasHi {
			t.hi = d.Hi
		}
		s = t
	}
	return s
}

// ---- random streams ----

// stream returns the random source of the named stream of replication rep
// (1-based) of a run with the given seed. Every distribution of a run has
// its own stream, so adding a task to the parameters does not change the
// draws of the others, and replication r's draws do not depend on how many
// replications run.
func stream(seed uint64, rep int, name string) rand.Source {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	a := splitmix(seed ^ splitmix(uint64(rep)))
	return rand.NewPCG(splitmix(a^h), splitmix(h+a+0x9e3779b97f4a7c15))
}

// splitmix is the SplitMix64 finaliser: a bijective mix of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// uniformStream draws uniform numbers in [0, 1) for probabilities.
type uniformStream struct{ r *rand.Rand }

func newUniform(src rand.Source) uniformStream { return uniformStream{rand.New(src)} }

func (u uniformStream) Float64() float64 { return u.r.Float64() }
