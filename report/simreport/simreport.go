// Package simreport turns the result of a load simulation (sim.Report)
// into a report.Report, and two results into the rows of a comparison, so
// that "bpmnrun simulate --html" and "bpmnrun compare" only have to call
// report.WriteHTML and report.WriteCompareHTML.
//
// It is the only bridge between the simulator and the drawing: package
// report itself depends on bpmn alone.
//
// sim.Report has no cycle-time buckets and no time series yet, so the
// reports built here have no histogram and no line chart; Build fills
// report.Report.Histograms and Charts as soon as sim provides them.
package simreport

import (
	"math"
	"strconv"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/report"
	"github.com/bpmnrun/bpmnrun/sim"
)

// Build returns the report of simulation result r of model defs; params
// is the parameter file as given (shown verbatim), or "".
func Build(defs *bpmn.Definitions, r *sim.Report, params string) report.Report {
	rep := report.Report{
		Title:      "Simulation of " + orDefault(r.Model, "the model") + ", process " + r.Process,
		ModelName:  r.Model,
		Model:      defs,
		Seed:       r.Seed,
		Parameters: params,
		KPIs:       kpis(r),
		Overlays:   overlays(r),
		Notes:      r.Notes,
	}
	if r.Replications > 1 {
		rep.Notes = append([]string{strconv.Itoa(r.Replications) +
			" replications: values are means over the replications, ± the half-width of their 95 % confidence interval."}, rep.Notes...)
	}
	for _, p := range r.Pools {
		rep.Pools = append(rep.Pools, report.PoolMetrics{Name: p.Name, Size: p.Size,
			Utilisation: p.Utilisation.Value, UtilisationCI: ci(p.Utilisation),
			QueueMean: p.QueueMean.Value, QueueMax: p.QueueMax.Value})
	}
	return rep
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ci returns the half-width of e's interval, 0 when it has none.
func ci(e sim.Estimate) float64 {
	if !e.HasCI || math.IsNaN(e.CI95) {
		return 0
	}
	return e.CI95
}

// kpi formats an estimate with its interval as a KPI row.
func kpi(name string, e sim.Estimate, u report.Unit) report.KPI {
	k := report.KPI{Name: name, Value: report.FormatValue(e.Value, u)}
	if c := ci(e); c > 0 {
		k.Note = "±" + report.FormatValue(c, u)
	}
	return k
}

func kpis(r *sim.Report) []report.KPI {
	ks := []report.KPI{
		kpi("cases started", r.Started, report.Number),
		kpi("cases measured", r.Measured, report.Number),
		kpi("cases ended", r.Ended, report.Number),
		kpi("active at the end", r.ActiveAtEnd, report.Number),
		kpi("throughput", r.Throughput, report.PerHour),
		kpi("mean cycle time", r.CycleTime.Mean, report.Seconds),
		kpi("median cycle time", r.CycleTime.P50, report.Seconds),
		kpi("p90 cycle time", r.CycleTime.P90, report.Seconds),
		kpi("p99 cycle time", r.CycleTime.P99, report.Seconds),
		kpi("longest cycle time", r.CycleTime.Max, report.Seconds),
		kpi("work in progress (mean)", r.WIP, report.Number),
	}
	if b := r.Bottleneck; b != nil {
		ks = append(ks, report.KPI{Name: "bottleneck", Value: b.Pool,
			Note: "utilisation " + report.FormatValue(b.Utilisation.Value, report.Ratio)})
	}
	for _, o := range r.Outcomes {
		name := o.Outcome
		if o.EndEvent != "" {
			name += " at " + o.EndEvent
		}
		k := kpi(name, o.Share, report.Ratio)
		k.Note = report.FormatValue(o.Cases.Value, report.Number) + " cases, mean cycle " + report.FormatValue(o.Cycle.Value, report.Seconds)
		ks = append(ks, k)
	}
	for _, in := range r.Incidents {
		ks = append(ks, kpi("incidents "+in.Kind, in.Count, report.Number))
	}
	if c := r.Cost; c != nil {
		ks = append(ks, kpi("cost per case "+r.Currency, c.PerCase, report.Number), kpi("total cost "+r.Currency, c.Total, report.Number))
	}
	return ks
}

// overlays returns the heat maps: waiting and processing times and
// attempts of the activities, and the share of cases ending at each end
// event.
func overlays(r *sim.Report) []report.Overlay {
	wait := report.Overlay{Name: "mean waiting time", Unit: report.Seconds, Values: map[string]float64{}}
	wait90 := report.Overlay{Name: "p90 waiting time", Unit: report.Seconds, Values: map[string]float64{}}
	proc := report.Overlay{Name: "mean processing time", Unit: report.Seconds, Values: map[string]float64{}}
	attempts := report.Overlay{Name: "attempts", Unit: report.Number, Values: map[string]float64{}}
	for _, a := range r.Activities {
		wait.Values[a.Element] = a.Waiting.Mean.Value
		wait90.Values[a.Element] = a.Waiting.P90.Value
		proc.Values[a.Element] = a.Processing.Mean.Value
		attempts.Values[a.Element] = a.Attempts.Value
	}
	ends := report.Overlay{Name: "share of cases", Unit: report.Ratio, Values: map[string]float64{}}
	for _, o := range r.Outcomes {
		if o.EndEvent != "" && !math.IsNaN(o.Share.Value) {
			ends.Values[o.EndEvent] += o.Share.Value
		}
	}
	var out []report.Overlay
	for _, o := range []report.Overlay{wait, wait90, proc, attempts, ends} {
		if len(o.Values) > 0 {
			out = append(out, o)
		}
	}
	return out
}

// Diffs returns the rows comparing results a and b: throughput, cycle
// times, work in progress, cost per case, the utilisation of every pool
// and the mean waiting time of every activity (those of a, then those only
// in b).
func Diffs(a, b *sim.Report) []report.DiffRow {
	row := func(name string, u report.Unit, better report.Direction, x, y sim.Estimate) report.DiffRow {
		return report.DiffRow{Name: name, Unit: u, A: x.Value, ACI: ci(x), B: y.Value, BCI: ci(y), Better: better}
	}
	rows := []report.DiffRow{
		row("throughput", report.PerHour, report.HigherIsBetter, a.Throughput, b.Throughput),
		row("mean cycle time", report.Seconds, report.LowerIsBetter, a.CycleTime.Mean, b.CycleTime.Mean),
		row("p90 cycle time", report.Seconds, report.LowerIsBetter, a.CycleTime.P90, b.CycleTime.P90),
		row("work in progress (mean)", report.Number, report.LowerIsBetter, a.WIP, b.WIP),
	}
	if a.Cost != nil || b.Cost != nil {
		rows = append(rows, row("cost per case", report.Number, report.LowerIsBetter, costPerCase(a), costPerCase(b)))
	}
	for _, name := range union(a.Pools, b.Pools, func(p sim.PoolStats) string { return p.Name }) {
		pa, pb := find(a.Pools, name, func(p sim.PoolStats) string { return p.Name }), find(b.Pools, name, func(p sim.PoolStats) string { return p.Name })
		rows = append(rows, row("utilisation of "+name, report.Ratio, report.Neutral, pa.Utilisation, pb.Utilisation))
	}
	for _, el := range union(a.Activities, b.Activities, func(x sim.Activity) string { return x.Element }) {
		xa, xb := find(a.Activities, el, func(x sim.Activity) string { return x.Element }), find(b.Activities, el, func(x sim.Activity) string { return x.Element })
		rows = append(rows, row("mean waiting time of "+el, report.Seconds, report.LowerIsBetter, xa.Waiting.Mean, xb.Waiting.Mean))
	}
	return rows
}

func costPerCase(r *sim.Report) sim.Estimate {
	if r.Cost == nil {
		return sim.Estimate{Value: math.NaN()}
	}
	return r.Cost.PerCase
}

// union returns the keys of xs, then those of ys not in xs, in order.
func union[T any](xs, ys []T, key func(T) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range [][]T{xs, ys} {
		for _, x := range s {
			if k := key(x); !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// find returns the element of xs with key k; one with NaN estimates when
// there is none.
func find[T any](xs []T, k string, key func(T) string) T {
	for _, x := range xs {
		if key(x) == k {
			return x
		}
	}
	var zero T
	switch z := any(&zero).(type) {
	case *sim.PoolStats:
		z.Utilisation = sim.Estimate{Value: math.NaN()}
	case *sim.Activity:
		z.Waiting.Mean = sim.Estimate{Value: math.NaN()}
	}
	return zero
}
