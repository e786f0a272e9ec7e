package sim

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Report is the result of a simulation. With several replications every
// Estimate is the mean over the replications with the half-width of its
// 95 % confidence interval (Student t with R−1 degrees of freedom); with
// one, the value alone. Times are in seconds. The JSON form is documented
// in docs/simulation.md.
type Report struct {
	Model        string  `json:"model"`
	Process      string  `json:"process"`
	Seed         uint64  `json:"seed"`
	Replications int     `json:"replications"`
	CasesLimit   int     `json:"cases_limit,omitempty"`
	Horizon      float64 `json:"horizon_s,omitempty"`
	WarmUp       float64 `json:"warmup_s,omitempty"`
	WarmUpCases  int     `json:"warmup_cases,omitempty"`
	Start        string  `json:"start"`
	Currency     string  `json:"currency,omitempty"`

	Started      Estimate `json:"started"`          // instances started, warm-up included
	Measured     Estimate `json:"measured"`         // instances started after the warm-up
	Ended        Estimate `json:"ended"`            // measured instances that ended
	ActiveAtEnd  Estimate `json:"active_at_end"`    // instances still running (horizon) or stuck
	MeasuredTime Estimate `json:"measured_time_s"`  // from the end of the warm-up to the end
	Throughput   Estimate `json:"throughput_per_h"` // ended measured cases per hour
	CycleTime    Summary  `json:"cycle_time_s"`
	WIP          Estimate `json:"wip_mean"` // time-weighted mean of active instances

	Outcomes   []Outcome       `json:"outcomes"`
	Activities []Activity      `json:"activities"`
	Pools      []PoolStats     `json:"pools"`
	Bottleneck *Bottleneck     `json:"bottleneck"`
	Messages   []MessageStats  `json:"messages,omitempty"`
	Incidents  []IncidentCount `json:"incidents,omitempty"`
	Cost       *Cost           `json:"cost,omitempty"`

	// CycleHistogram is the distribution of the cycle times of the
	// measured cases of all replications together; nil without any.
	CycleHistogram *Histogram `json:"cycle_time_histogram,omitempty"`
	// Series follows throughput, WIP and queues over the measured time;
	// nil when nothing was measured.
	Series *TimeSeries `json:"time_series,omitempty"`

	Notes []string `json:"notes,omitempty"`

	// perRep holds the report of every replication alone (without plot
	// data), in replication order, when there are several: Compare pairs
	// them. Not part of the JSON.
	perRep []*Report
}

// Estimate is a value, with the half-width of its 95 % confidence
// interval when there are several replications. NaN (no data) is null in
// JSON.
type Estimate struct {
	Value float64
	CI95  float64
	HasCI bool
}

// MarshalJSON writes {"value": V, "ci95": H}.
func (e Estimate) MarshalJSON() ([]byte, error) {
	b := []byte(`{"value":`)
	b = appendNum(b, e.Value)
	if e.HasCI {
		b = append(b, `,"ci95":`...)
		b = appendNum(b, e.CI95)
	}
	return append(b, '}'), nil
}

func appendNum(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, roundSig(x), 'g', -1, 64)
}

// roundSig rounds to 10 significant digits, so that reports do not show
// floating-point noise.
func roundSig(x float64) float64 {
	if x == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 10, 64), 64)
	return v
}

var _ json.Marshaler = Estimate{}

// Summary describes a distribution of times.
type Summary struct {
	Mean Estimate `json:"mean"`
	P50  Estimate `json:"p50"`
	P90  Estimate `json:"p90"`
	P95  Estimate `json:"p95"`
	P99  Estimate `json:"p99"`
	Max  Estimate `json:"max"`
}

// Outcome counts the measured cases that ended one way at one end event.
type Outcome struct {
	Outcome  string   `json:"outcome"`   // completed, timed out, compensated, incident, canceled
	EndEvent string   `json:"end_event"` // id of the end event ("" when canceled)
	Cases    Estimate `json:"cases"`
	Share    Estimate `json:"share"`
	Cycle    Estimate `json:"cycle_time_mean_s"`
}

// Activity holds the statistics of the jobs of one element. Attempts are
// counted when they were requested after the warm-up.
type Activity struct {
	Element    string   `json:"element"`
	Name       string   `json:"name,omitempty"`
	Process    string   `json:"process"`
	Pool       string   `json:"pool,omitempty"`
	Attempts   Estimate `json:"attempts"`
	Completed  Estimate `json:"completed"`
	Failed     Estimate `json:"failed"`
	Errors     Estimate `json:"errors"`
	Canceled   Estimate `json:"canceled"`
	Waiting    Times    `json:"waiting_s"`
	Processing Times    `json:"processing_s"`
	// Utilisation is the element's share of its pool: the work of its
	// attempts / (pool size × measured time); null without a pool.
	Utilisation Estimate `json:"utilisation"`
	Cost        Estimate `json:"cost"`
}

// Times summarises waiting or processing times of an activity.
type Times struct {
	Mean Estimate `json:"mean"`
	P90  Estimate `json:"p90"`
	Max  Estimate `json:"max"`
}

// PoolStats describes a resource pool over the measured time.
type PoolStats struct {
	Name        string   `json:"name"`
	Size        int      `json:"size"`
	Utilisation Estimate `json:"utilisation"` // busy server time / (size × measured time)
	BusyMean    Estimate `json:"busy_mean"`
	QueueMean   Estimate `json:"queue_mean"` // time-weighted mean of waiting jobs
	QueueMax    Estimate `json:"queue_max"`
	Attempts    Estimate `json:"attempts"`
	Cost        Estimate `json:"cost"`
}

// Bottleneck names the pool with the highest utilisation.
type Bottleneck struct {
	Pool        string   `json:"pool"`
	Utilisation Estimate `json:"utilisation"`
}

// MessageStats counts the answers to one message.
type MessageStats struct {
	Name       string   `json:"name"`
	Scheduled  Estimate `json:"scheduled"`
	Lost       Estimate `json:"lost"`
	Published  Estimate `json:"published"`
	Correlated Estimate `json:"correlated"`
	Buffered   Estimate `json:"buffered"`
	Unmatched  Estimate `json:"unmatched"` // no open subscription to take the key from
}

// IncidentCount counts the incidents of one kind.
type IncidentCount struct {
	Kind  string   `json:"kind"`
	Count Estimate `json:"count"`
}

// Cost is the cost of the measured cases.
type Cost struct {
	Total   Estimate `json:"total"`
	PerCase Estimate `json:"per_case"`
}

// estimate combines one value per replication; NaNs (no data in that
// replication) are left out.
func estimate(vals []float64) Estimate {
	var xs []float64
	for _, v := range vals {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	switch len(xs) {
	case 0:
		return Estimate{Value: math.NaN(), HasCI: len(vals) > 1, CI95: math.NaN()}
	case 1:
		return Estimate{Value: xs[0], HasCI: len(vals) > 1, CI95: math.NaN()}
	}
	mean, sd := stat.MeanStdDev(xs, nil)
	return Estimate{Value: mean, CI95: t975(float64(len(xs)-1)) * sd / math.Sqrt(float64(len(xs))), HasCI: true}
}

// t975 is the 97.5 % quantile of Student's t with df degrees of freedom
// (df > 0, not necessarily whole): the factor of a two-sided 95 % interval.
func t975(df float64) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(0.975)
}

// collect builds the report from finished replications.
func collect(m *Model, reps []*replication, name string) *Report {
	for _, r := range reps {
		r.finish()
	}
	rep := summarize(m, reps, name)
	rep.CycleHistogram = cycleHistogram(reps)
	rep.Series = timeSeries(m, reps)
	if len(reps) > 1 {
		for _, r := range reps {
			rep.perRep = append(rep.perRep, summarize(m, []*replication{r}, name))
		}
	}
	return rep
}

// summarize computes the figures of the report over finished
// replications.
func summarize(m *Model, reps []*replication, name string) *Report {
	p := m.params
	rep := &Report{Model: name, Process: m.proc.ID, Seed: p.Seed, Replications: len(reps), CasesLimit: p.Cases,
		Horizon: p.Horizon, WarmUp: p.WarmUp, WarmUpCases: p.WarmUpCases, Currency: p.Currency, Notes: m.notes}
	rep.Start = reps[0].start.Format(time.RFC3339)
	est := func(f func(r *replication) float64) Estimate {
		vals := make([]float64, len(reps))
		for i, r := range reps {
			vals[i] = f(r)
		}
		return estimate(vals)
	}
	rep.Started = est(func(r *replication) float64 { return float64(r.started) })
	rep.Measured = est(func(r *replication) float64 { return float64(r.measured) })
	rep.Ended = est(func(r *replication) float64 { return float64(r.cycle.N) })
	rep.ActiveAtEnd = est(func(r *replication) float64 { return float64(r.active) })
	rep.MeasuredTime = est(func(r *replication) float64 { return r.window() })
	rep.Throughput = est(func(r *replication) float64 { return perHour(float64(r.cycle.N), r.window()) })
	rep.CycleTime = summary(est, func(r *replication) *Stat { return &r.cycle })
	rep.WIP = est(func(r *replication) float64 { return ratio(r.wip.area, r.window()) })
	rep.Outcomes = outcomes(reps, est)
	rep.Activities = activities(m, est)
	rep.Pools, rep.Bottleneck = pools(m, est)
	rep.Messages = messages(m, est)
	for k, name := range []string{"JOB_NO_RETRIES", "UNHANDLED_ERROR_EVENT", "CONDITION_ERROR", "EXTRACT_VALUE_ERROR", "CALLED_ELEMENT_ERROR", "STEP_BUDGET"} {
		c := est(func(r *replication) float64 { return float64(r.incidents[k]) })
		if c.Value != 0 {
			rep.Incidents = append(rep.Incidents, IncidentCount{Kind: name, Count: c})
		}
	}
	if reps[0].cases != nil && hasCost(m) {
		rep.Cost = &Cost{
			Total:   est(func(r *replication) float64 { return r.caseCost.Sum }),
			PerCase: est(func(r *replication) float64 { return r.caseCost.Mean() }),
		}
	}
	return rep
}

func hasCost(m *Model) bool {
	for _, pl := range m.pools {
		if pl.CostPerHour != 0 {
			return true
		}
	}
	for _, e := range m.elems {
		if e.task != nil && e.task.FixedCost != 0 {
			return true
		}
	}
	return false
}

// finish brings the time-weighted statistics up to the end of the run.
func (r *replication) finish() {
	if r.warm <= r.now {
		r.tl.start(r.warm) // a run that stopped at its horizon before the next event
	}
	r.wip.advance(r.now, r.warm)
	for _, p := range r.pools {
		p.busy.advance(r.now, r.warm)
		p.waiting.advance(r.now, r.warm)
	}
	if r.tl.started && r.now > r.tl.origin {
		r.tl.slot(r.now - 1) // the timeline covers the whole measured time
	}
}

// window is the measured time in seconds.
func (r *replication) window() float64 {
	if r.warm >= r.now {
		return 0
	}
	return float64(r.now-r.warm) / 1e9
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return a / b
}

func perHour(n, secs float64) float64 { return ratio(n*3600, secs) }

type estFunc func(func(r *replication) float64) Estimate

func summary(est estFunc, s func(r *replication) *Stat) Summary {
	q := func(p float64) Estimate { return est(func(r *replication) float64 { return s(r).Quantile(p) }) }
	return Summary{
		Mean: est(func(r *replication) float64 { return s(r).Mean() }),
		P50:  q(0.5), P90: q(0.9), P95: q(0.95), P99: q(0.99),
		Max: est(func(r *replication) float64 {
			if s(r).N == 0 {
				return math.NaN()
			}
			return s(r).Max
		}),
	}
}

func times(est estFunc, s func(r *replication) *Stat) Times {
	full := summary(est, s)
	return Times{Mean: full.Mean, P90: full.P90, Max: full.Max}
}

var outcomeOrder = map[string]int{"completed": 0, "timed out": 1, "compensated": 2, "incident": 3, "canceled": 4}

func outcomes(reps []*replication, est estFunc) []Outcome {
	var keys []outKey
	seen := map[outKey]bool{}
	for _, r := range reps {
		for _, o := range r.outcomes {
			if !seen[o.outKey] {
				seen[o.outKey] = true
				keys = append(keys, o.outKey)
			}
		}
	}
	slices.SortFunc(keys, func(a, b outKey) int {
		if d := outcomeOrder[a.outcome] - outcomeOrder[b.outcome]; d != 0 {
			return d
		}
		switch {
		case a.end < b.end:
			return -1
		case a.end > b.end:
			return 1
		}
		return 0
	})
	out := []Outcome{}
	for _, k := range keys {
		stat := func(r *replication) *Stat {
			if o := r.outIdx[k]; o != nil {
				return &o.cycle
			}
			return &Stat{}
		}
		out = append(out, Outcome{
			Outcome: k.outcome, EndEvent: k.end,
			Cases: est(func(r *replication) float64 { return float64(stat(r).N) }),
			Share: est(func(r *replication) float64 { return ratio(float64(stat(r).N), float64(r.cycle.N)) }),
			Cycle: est(func(r *replication) float64 { return stat(r).Mean() }),
		})
	}
	return out
}

func activities(m *Model, est estFunc) []Activity {
	out := []Activity{}
	for i, e := range m.elems {
		a := Activity{Element: e.node.ID, Name: e.node.Name, Process: e.proc}
		if e.task != nil {
			a.Pool = e.task.Pool
		}
		el := func(r *replication) *elemRT { return r.elems[i] }
		cnt := func(f func(*elemRT) uint64) Estimate {
			return est(func(r *replication) float64 { return float64(f(el(r))) })
		}
		a.Attempts = cnt(func(x *elemRT) uint64 { return x.attempts })
		a.Completed = cnt(func(x *elemRT) uint64 { return x.completed })
		a.Failed = cnt(func(x *elemRT) uint64 { return x.failed })
		a.Errors = cnt(func(x *elemRT) uint64 { return x.errs })
		a.Canceled = cnt(func(x *elemRT) uint64 { return x.canceled })
		a.Waiting = times(est, func(r *replication) *Stat { return &el(r).wait })
		a.Processing = times(est, func(r *replication) *Stat { return &el(r).proc })
		a.Utilisation = est(func(r *replication) float64 {
			if e.pool < 0 {
				return math.NaN()
			}
			return ratio(el(r).busy, float64(m.pools[e.pool].Size)*r.window())
		})
		a.Cost = est(func(r *replication) float64 { return el(r).cost })
		out = append(out, a)
	}
	return out
}

func pools(m *Model, est estFunc) ([]PoolStats, *Bottleneck) {
	out := []PoolStats{}
	var bn *Bottleneck
	for i, pl := range m.pools {
		pr := func(r *replication) *poolRT { return r.pools[i] }
		ps := PoolStats{Name: pl.Name, Size: pl.Size,
			Utilisation: est(func(r *replication) float64 { return ratio(pr(r).busy.area, float64(pl.Size)*r.window()) }),
			BusyMean:    est(func(r *replication) float64 { return ratio(pr(r).busy.area, r.window()) }),
			QueueMean:   est(func(r *replication) float64 { return ratio(pr(r).waiting.area, r.window()) }),
			QueueMax:    est(func(r *replication) float64 { return float64(pr(r).waiting.max) }),
			Attempts:    est(func(r *replication) float64 { return float64(pr(r).attempts) }),
			Cost:        est(func(r *replication) float64 { return pr(r).cost }),
		}
		out = append(out, ps)
		if bn == nil || ps.Utilisation.Value > bn.Utilisation.Value {
			bn = &Bottleneck{Pool: pl.Name, Utilisation: ps.Utilisation}
		}
	}
	return out, bn
}

func messages(m *Model, est estFunc) []MessageStats {
	var out []MessageStats
	for i, mi := range m.messages {
		mr := func(r *replication) *msgRT { return r.msgs[i] }
		cnt := func(f func(*msgRT) uint64) Estimate {
			return est(func(r *replication) float64 { return float64(f(mr(r))) })
		}
		out = append(out, MessageStats{Name: mi.Name,
			Scheduled:  cnt(func(x *msgRT) uint64 { return x.scheduled }),
			Lost:       cnt(func(x *msgRT) uint64 { return x.lost }),
			Published:  cnt(func(x *msgRT) uint64 { return x.published }),
			Correlated: cnt(func(x *msgRT) uint64 { return x.correlated }),
			Buffered:   cnt(func(x *msgRT) uint64 { return x.buffered }),
			Unmatched:  cnt(func(x *msgRT) uint64 { return x.unmatched }),
		})
	}
	return out
}
