package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"
)

// Comparison is what changes from simulation A to simulation B: for each
// figure the difference B − A with the half-width of its 95 % confidence
// interval, and a verdict. Build it with Compare; docs/simulation.md
// describes the method and the JSON form.
type Comparison struct {
	A Side `json:"a"`
	B Side `json:"b"`
	// Method is "paired" (a paired t interval over the replications,
	// which share their seeds) or "welch" (Welch's t interval, the
	// replications of A and B taken as independent samples).
	Method string `json:"method"`
	// SameArrivals says whether A and B saw the same cases arrive at the
	// same times; nil when not known (Compare sees only the reports: the
	// caller sets it from the parameters with SameArrivals).
	SameArrivals *bool    `json:"same_arrivals"`
	Diffs        []Diff   `json:"differences"`
	Notes        []string `json:"notes,omitempty"`
}

// Side describes one of the compared simulations.
type Side struct {
	Label        string `json:"label"` // e.g. "order.bpmn with b.yaml"
	Model        string `json:"model"`
	Process      string `json:"process"`
	Seed         uint64 `json:"seed"`
	Replications int    `json:"replications"`
	Currency     string `json:"currency,omitempty"`
}

// Diff is one figure of A and B and its change.
type Diff struct {
	Key    string   `json:"key"`  // stable: "throughput_per_h", "cycle_time_s.p99", "pool.warehouse.utilisation", ...
	Name   string   `json:"name"` // for people: "p99 cycle time"
	Unit   string   `json:"unit"` // "s", "/h", "ratio" or "" (a number: counts, costs)
	Better string   `json:"better,omitempty"`
	A      Estimate `json:"a"`
	B      Estimate `json:"b"`
	// Delta is B − A with the half-width of its 95 % interval.
	Delta Estimate `json:"delta"`
	// Relative is Delta / |A|, its interval Delta's over |A| (A's mean
	// taken as exact); NaN when A is 0.
	Relative Estimate `json:"relative"`
	// Verdict is "better" or "worse" (the interval of Delta excludes 0
	// and Better says which way is good), "changed" (it excludes 0, no
	// judgement), "within noise" (it holds 0), "same" (equal in every
	// replication), "no interval" (one replication), or "no data".
	Verdict string `json:"verdict"`
}

// Directions of Diff.Better.
const (
	LowerIsBetter  = "lower"
	HigherIsBetter = "higher"
)

// Compare returns the differences B − A of the figures of reports a and b:
// throughput, mean, p90 and p99 cycle time, work in progress, the share
// of every outcome, every pool's utilisation and mean queue, cost per
// case, incidents, and every activity's mean waiting time (figures of a
// first, then those only b has).
//
// When a and b come from Model.Run with the same seed and the same number
// (≥ 2) of replications, replication r of A and replication r of B share
// their random streams, so they are compared in pairs: the interval is
// the paired t interval of the R differences (R − 1 degrees of freedom),
// narrower than Welch's when the pairs are positively correlated. Without
// the replications (a report read back from JSON) or with different seeds
// or counts, it is Welch's interval with Welch–Satterthwaite degrees of
// freedom, from the replications' values or, failing them, from each
// estimate's interval.
func Compare(a, b *Report) *Comparison {
	c := &Comparison{A: side(a, "A"), B: side(b, "B"), Method: "welch"}
	if a.Seed == b.Seed && a.Replications == b.Replications && a.Replications >= 2 &&
		len(a.perRep) == a.Replications && len(b.perRep) == b.Replications {
		c.Method = "paired"
	}
	for _, f := range figures(a, b) {
		d := Diff{Key: f.key, Name: f.name, Unit: f.unit, Better: f.better, A: f.get(a), B: f.get(b)}
		xa, xb := f.samples(a), f.samples(b)
		switch {
		case c.Method == "paired":
			d.Delta = pairedDiff(xa, xb)
		case xa != nil && xb != nil:
			d.Delta = welchSamples(xa, xb)
		default:
			d.Delta = welchEstimates(d.A, a.Replications, d.B, b.Replications)
		}
		d.Relative = Estimate{Value: d.Delta.Value / math.Abs(d.A.Value), CI95: d.Delta.CI95 / math.Abs(d.A.Value), HasCI: d.Delta.HasCI}
		if d.A.Value == 0 {
			d.Relative = Estimate{Value: math.NaN(), CI95: math.NaN(), HasCI: d.Delta.HasCI}
		}
		d.Verdict = verdict(d.Delta, d.Better)
		c.Diffs = append(c.Diffs, d)
	}
	return c
}

func side(r *Report, def string) Side {
	s := Side{Label: r.Model, Model: r.Model, Process: r.Process, Seed: r.Seed, Replications: r.Replications, Currency: r.Currency}
	if s.Label == "" {
		s.Label = def
	}
	return s
}

// figure is one compared quantity of a report.
type figure struct {
	key, name, unit, better string
	get                     func(*Report) Estimate
}

// samples returns the figure's value in every replication of r, nil when
// r does not have them.
func (f figure) samples(r *Report) []float64 {
	if len(r.perRep) == 0 {
		return nil
	}
	out := make([]float64, len(r.perRep))
	for i, one := range r.perRep {
		out[i] = f.get(one).Value
	}
	return out
}

// none is a figure a report lacks: no data.
var none = Estimate{Value: math.NaN(), CI95: math.NaN()}

// zero is a count or share that is 0 in every replication of r (an
// outcome or incident that never happened), NaN without measured cases.
func zero(r *Report) Estimate {
	if !(r.Ended.Value > 0) {
		return none
	}
	return Estimate{Value: 0, HasCI: r.Replications > 1}
}

func figures(a, b *Report) []figure {
	fs := []figure{
		{"throughput_per_h", "throughput", "/h", HigherIsBetter, func(r *Report) Estimate { return r.Throughput }},
		{"cycle_time_s.mean", "mean cycle time", "s", LowerIsBetter, func(r *Report) Estimate { return r.CycleTime.Mean }},
		{"cycle_time_s.p90", "p90 cycle time", "s", LowerIsBetter, func(r *Report) Estimate { return r.CycleTime.P90 }},
		{"cycle_time_s.p99", "p99 cycle time", "s", LowerIsBetter, func(r *Report) Estimate { return r.CycleTime.P99 }},
		{"wip_mean", "work in progress (mean)", "", LowerIsBetter, func(r *Report) Estimate { return r.WIP }},
	}
	for _, k := range unionKeys(a, b, func(r *Report) []outKey {
		ks := make([]outKey, len(r.Outcomes))
		for i, o := range r.Outcomes {
			ks[i] = outKey{o.Outcome, o.EndEvent}
		}
		return ks
	}) {
		name := "share " + k.outcome
		if k.end != "" {
			name += " at " + k.end
		}
		fs = append(fs, figure{"outcome." + k.outcome + "/" + k.end + ".share", name, "ratio", "", func(r *Report) Estimate {
			for _, o := range r.Outcomes {
				if o.Outcome == k.outcome && o.EndEvent == k.end {
					return o.Share
				}
			}
			return zero(r)
		}})
	}
	for _, name := range unionKeys(a, b, func(r *Report) []string { return mapSlice(r.Pools, func(p PoolStats) string { return p.Name }) }) {
		pool := func(r *Report) *PoolStats {
			for i := range r.Pools {
				if r.Pools[i].Name == name {
					return &r.Pools[i]
				}
			}
			return nil
		}
		fs = append(fs,
			figure{"pool." + name + ".utilisation", "utilisation of " + name, "ratio", "", func(r *Report) Estimate {
				if p := pool(r); p != nil {
					return p.Utilisation
				}
				return none
			}},
			figure{"pool." + name + ".queue_mean", "mean queue at " + name, "", LowerIsBetter, func(r *Report) Estimate {
				if p := pool(r); p != nil {
					return p.QueueMean
				}
				return none
			}})
	}
	if a.Cost != nil || b.Cost != nil {
		cur := a.Currency
		if cur == "" {
			cur = b.Currency
		}
		name := "cost per case"
		if cur != "" {
			name += " (" + cur + ")"
		}
		fs = append(fs, figure{"cost.per_case", name, "", LowerIsBetter, func(r *Report) Estimate {
			if r.Cost == nil {
				return none
			}
			return r.Cost.PerCase
		}})
	}
	for _, kind := range unionKeys(a, b, func(r *Report) []string { return mapSlice(r.Incidents, func(i IncidentCount) string { return i.Kind }) }) {
		fs = append(fs, figure{"incident." + kind + ".count", "incidents " + kind, "", LowerIsBetter, func(r *Report) Estimate {
			for _, i := range r.Incidents {
				if i.Kind == kind {
					return i.Count
				}
			}
			return zero(r)
		}})
	}
	for _, el := range unionKeys(a, b, func(r *Report) []string { return mapSlice(r.Activities, func(x Activity) string { return x.Element }) }) {
		fs = append(fs, figure{"activity." + el + ".waiting_mean_s", "mean waiting time of " + el, "s", LowerIsBetter, func(r *Report) Estimate {
			for _, x := range r.Activities {
				if x.Element == el {
					return x.Waiting.Mean
				}
			}
			return none
		}})
	}
	return fs
}

func mapSlice[T, K any](xs []T, f func(T) K) []K {
	out := make([]K, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// unionKeys returns the keys of a, then those of b that a lacks, in order.
func unionKeys[K comparable](a, b *Report, keys func(*Report) []K) []K {
	var out []K
	seen := map[K]bool{}
	for _, r := range []*Report{a, b} {
		for _, k := range keys(r) {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// pairedDiff returns the mean of b[i] − a[i] over the replications where
// both have a value, with the half-width of its 95 % t interval (n − 1
// degrees of freedom).
func pairedDiff(a, b []float64) Estimate {
	var d []float64
	for i := range min(len(a), len(b)) {
		if !math.IsNaN(a[i]) && !math.IsNaN(b[i]) {
			d = append(d, b[i]-a[i])
		}
	}
	switch len(d) {
	case 0:
		return none
	case 1:
		return Estimate{Value: d[0], CI95: math.NaN(), HasCI: true}
	}
	mean, sd := stat.MeanStdDev(d, nil)
	return Estimate{Value: mean, CI95: t975(float64(len(d)-1)) * sd / math.Sqrt(float64(len(d))), HasCI: true}
}

// welchSamples returns mean(b) − mean(a) with the half-width of Welch's
// 95 % interval, NaNs left out.
func welchSamples(a, b []float64) Estimate {
	moments := func(xs []float64) (mean, varMean float64, n int) {
		var v []float64
		for _, x := range xs {
			if !math.IsNaN(x) {
				v = append(v, x)
			}
		}
		if len(v) == 0 {
			return math.NaN(), math.NaN(), 0
		}
		if len(v) == 1 {
			return v[0], math.NaN(), 1
		}
		m, sd := stat.MeanStdDev(v, nil)
		return m, sd * sd / float64(len(v)), len(v)
	}
	ma, va, na := moments(a)
	mb, vb, nb := moments(b)
	return welch(ma, va, na, mb, vb, nb)
}

// welchEstimates is welchSamples from two estimates: the variance of each
// mean is recovered from its interval, (CI95 / t(n − 1))², taking n as
// the number of replications.
func welchEstimates(a Estimate, na int, b Estimate, nb int) Estimate {
	varMean := func(e Estimate, n int) float64 {
		switch {
		case !e.HasCI || n < 2:
			return math.NaN()
		case e.CI95 == 0:
			return 0
		}
		q := e.CI95 / t975(float64(n-1))
		return q * q
	}
	return welch(a.Value, varMean(a, na), na, b.Value, varMean(b, nb), nb)
}

// welch returns mb − ma with the half-width of Welch's 95 % interval,
// given the means, the variances of the means (s²/n) and the sample
// sizes. The degrees of freedom are Welch–Satterthwaite's:
// (va + vb)² / (va²/(na − 1) + vb²/(nb − 1)).
func welch(ma, va float64, na int, mb, vb float64, nb int) Estimate {
	d := mb - ma
	switch {
	case math.IsNaN(d):
		return none
	case na < 2 || nb < 2 || math.IsNaN(va) || math.IsNaN(vb):
		return Estimate{Value: d, CI95: math.NaN(), HasCI: true}
	case va+vb == 0:
		return Estimate{Value: d, CI95: 0, HasCI: true}
	}
	df := (va + vb) * (va + vb) / (va*va/float64(na-1) + vb*vb/float64(nb-1))
	return Estimate{Value: d, CI95: t975(df) * math.Sqrt(va+vb), HasCI: true}
}

func verdict(d Estimate, better string) string {
	switch {
	case math.IsNaN(d.Value):
		return "no data"
	case d.Value == 0 && d.CI95 == 0:
		return "same"
	case !d.HasCI || math.IsNaN(d.CI95):
		return "no interval"
	case math.Abs(d.Value) <= d.CI95:
		return "within noise"
	case better == "":
		return "changed"
	case (d.Value < 0) == (better == LowerIsBetter):
		return "better"
	}
	return "worse"
}

// SameArrivals says whether simulations with parameters a and b see the
// same cases arrive at the same times, and if not, why. They do when the
// seed, the arrival process, the run length (cases, horizon) and the start
// variables are equal: the arrival stream of replication r is seeded from
// the seed, r and the stream's name "arrival" alone, and each start
// variable's from its name, so neither depends on the model or on the
// other parameters.
func SameArrivals(a, b *Params) (bool, []string) {
	var why []string
	if a.Seed != b.Seed {
		why = append(why, fmt.Sprintf("the seeds differ (A %d, B %d)", a.Seed, b.Seed))
	}
	if !reflect.DeepEqual(a.Arrival, b.Arrival) {
		why = append(why, fmt.Sprintf("the arrival processes differ (A %s, B %s)", a.Arrival, b.Arrival))
	}
	if a.Cases != b.Cases || a.Horizon != b.Horizon {
		why = append(why, "the run lengths differ (cases or horizon)")
	}
	if !sameVariables(a.StartVariables, b.StartVariables) {
		why = append(why, "the start variables differ, so the cases are not the same")
	}
	return len(why) == 0, why
}

func sameVariables(a, b []Variable) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || !reflect.DeepEqual(a[i].Gen, b[i].Gen) {
			return false
		}
	}
	return true
}

// WriteJSON writes the comparison as indented JSON.
func (c *Comparison) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

// WriteText writes the comparison for people: what was compared and how,
// a summary (cycle time, throughput, cost), then every figure.
func (c *Comparison) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Comparison of A = %s and B = %s\n", c.A.Label, c.B.Label)
	run := fmt.Sprintf("seed %d", c.A.Seed)
	if c.B.Seed != c.A.Seed {
		run = fmt.Sprintf("seeds %d (A) and %d (B)", c.A.Seed, c.B.Seed)
	}
	reps := plural(c.A.Replications, "replication")
	if c.B.Replications != c.A.Replications {
		reps = fmt.Sprintf("%d (A) and %d (B) replications", c.A.Replications, c.B.Replications)
	}
	fmt.Fprintf(&b, "%s, %s; B - A with 95%% confidence intervals, %s\n", run, reps, c.methodText())
	switch {
	case c.SameArrivals == nil:
	case *c.SameArrivals:
		b.WriteString("Arrivals: the same in A and B (same seed, arrival process, run length and start variables)\n")
	default:
		b.WriteString("Arrivals: NOT the same in A and B; part of the differences comes from the arrivals\n")
	}
	b.WriteString("\n")
	for _, h := range c.headlines() {
		b.WriteString(h + "\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "\nFigure\tA\tB\tB - A\tchange\tverdict\n")
	for _, d := range c.Diffs {
		name := d.Name
		if u := unitText(d.Unit); u != "" {
			name += " (" + u + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, fmtDiffValue(d.A, d.Unit), fmtDiffValue(d.B, d.Unit),
			fmtDelta(d.Delta, d.Unit), fmtRelative(d.Relative), d.Verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.Reset()
	if len(c.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range c.Notes {
			b.WriteString("  - " + n + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (c *Comparison) methodText() string {
	if c.Method == "paired" {
		return fmt.Sprintf("paired by replication (Student t, %d degrees of freedom)", c.A.Replications-1)
	}
	return "Welch's t (replications of A and B taken as independent)"
}

func (c *Comparison) diff(key string) *Diff {
	for i := range c.Diffs {
		if c.Diffs[i].Key == key {
			return &c.Diffs[i]
		}
	}
	return nil
}

// headlines sums up cycle time, throughput and cost per case; the
// verdict of the first figure of a line is the line's.
func (c *Comparison) headlines() []string {
	type part struct{ key, label string }
	var out []string
	line := func(title, better, worse string, parts ...part) {
		first := c.diff(parts[0].key)
		if first == nil {
			return
		}
		var ds []string
		for _, p := range parts {
			if d := c.diff(p.key); d != nil {
				ds = append(ds, strings.TrimPrefix(p.label+" "+deltaText(d, first.Verdict), " "))
			}
		}
		out = append(out, title+": "+judgement(first, better, worse)+": "+strings.Join(ds, ", "))
	}
	line("Cycle time", "B is faster", "B is slower", part{"cycle_time_s.mean", "mean"}, part{"cycle_time_s.p99", "p99"})
	line("Throughput", "B has the higher throughput", "B has the lower throughput", part{"throughput_per_h", ""})
	line("Cost per case", "B is cheaper", "B is more expensive", part{"cost.per_case", ""})
	return out
}

func judgement(d *Diff, better, worse string) string {
	switch d.Verdict {
	case "better":
		return better
	case "worse":
		return worse
	case "same":
		return "no difference"
	case "within noise":
		return "no significant difference"
	}
	return d.Verdict
}

// deltaText is "-62.58 s ±30.01 (-17.3%)", with the verdict when it is not
// the headline's.
func deltaText(d *Diff, headline string) string {
	s := fmtDelta(d.Delta, d.Unit)
	var extra []string
	if r := fmtRelative(d.Relative); r != "-" {
		extra = append(extra, r)
	}
	if d.Verdict != headline {
		extra = append(extra, d.Verdict)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

func unitText(u string) string {
	if u == "ratio" {
		return "%"
	}
	return u
}

// diffPrec is the number of decimals shown for a unit.
func diffPrec(u string) int {
	switch u {
	case "s":
		return 2
	case "ratio":
		return 1
	}
	return 3
}

func fmtDiffValue(e Estimate, u string) string {
	if u == "ratio" {
		return strings.TrimSuffix(fmtPct(e), "%")
	}
	return fmtEst(e, diffPrec(u))
}

// fmtDelta formats B − A: signed, with its interval, in percentage points
// for ratios and with the unit of times and rates.
func fmtDelta(e Estimate, u string) string {
	if math.IsNaN(e.Value) {
		return "-"
	}
	scale, unit := 1.0, ""
	switch u {
	case "ratio":
		scale, unit = 100, " pp"
	case "s":
		unit = " s"
	case "/h":
		unit = "/h"
	}
	p := diffPrec(u)
	s := strconv.FormatFloat(e.Value*scale, 'f', p, 64)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	s += unit
	if e.HasCI {
		if math.IsNaN(e.CI95) {
			return s + " ±?"
		}
		s += " ±" + strconv.FormatFloat(e.CI95*scale, 'f', p, 64)
	}
	return s
}

func fmtRelative(e Estimate) string {
	if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
		return "-"
	}
	s := strconv.FormatFloat(e.Value*100, 'f', 1, 64)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s + "%"
}
