// Package simreport turns the result of a load simulation (sim.Report)
// into a report.Report, and two results into the rows of a comparison, so
// that "bpmnrun simulate --html" and "bpmnrun compare" only have to call
// report.WriteHTML and report.WriteCompareHTML.
//
// It is the only bridge between the simulator and the drawing: package
// report itself depends on bpmn alone.
//
// Build shows the cycle-time histogram of sim.Report (all replications
// together) and its time series as line charts: throughput, work in
// progress and the queue of every pool over the measured time, each
// interval plotted at its middle. The heat maps are the mean and p90
// waiting time, the mean processing time, the utilisation (an element's
// share of its pool, on a scale up to 100 %) and the attempts of every
// activity, and the share of cases of every end event.
//
// Diffs turns sim.Compare into report rows: the interval of each
// difference is sim's (paired by replication when the runs share their
// seeds), so the page judges a difference as the text output does.
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
	if h := r.CycleHistogram; h != nil {
		title := "Cycle time"
		if r.Replications > 1 {
			title += " (" + strconv.Itoa(r.Replications) + " replications together)"
		}
		hist := report.Histogram{Title: title, XLabel: "cycle time", Unit: report.Seconds}
		for i, c := range h.Counts {
			hist.Buckets = append(hist.Buckets, report.Bucket{Lo: h.Bounds[i], Hi: h.Bounds[i+1], Count: c})
		}
		rep.Histograms = append(rep.Histograms, hist)
	}
	rep.Charts = charts(r.Series)
	return rep
}

// charts draws the time series: throughput, work in progress and, when
// there are pools, their queues.
func charts(ts *sim.TimeSeries) []report.Chart {
	if ts == nil {
		return nil
	}
	series := func(name string, ys []float64) report.Series {
		s := report.Series{Name: name}
		for i, y := range ys {
			s.Points = append(s.Points, report.XY{X: (float64(i) + 0.5) * ts.Interval, Y: y})
		}
		return s
	}
	chart := func(title, ylabel string, yunit report.Unit, ss ...report.Series) report.Chart {
		return report.Chart{Title: title, XLabel: "measured time", XUnit: report.Seconds, YLabel: ylabel, YUnit: yunit, Series: ss}
	}
	out := []report.Chart{
		chart("Throughput over time", "cases ended per hour", report.PerHour, series("throughput", ts.Throughput)),
		chart("Work in progress over time", "active cases", report.Number, series("work in progress", ts.WIP)),
	}
	if len(ts.Queues) > 0 {
		var qs []report.Series
		for _, q := range ts.Queues {
			qs = append(qs, series(q.Pool, q.Length))
		}
		out = append(out, chart("Jobs waiting per pool", "jobs waiting", report.Number, qs...))
	}
	return out
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

// overlays returns the heat maps: waiting and processing times,
// utilisation and attempts of the activities, and the share of cases
// ending at each end event.
func overlays(r *sim.Report) []report.Overlay {
	wait := report.Overlay{Name: "mean waiting time", Unit: report.Seconds, Values: map[string]float64{}}
	wait90 := report.Overlay{Name: "p90 waiting time", Unit: report.Seconds, Values: map[string]float64{}}
	proc := report.Overlay{Name: "mean processing time", Unit: report.Seconds, Values: map[string]float64{}}
	// a share of a pool: 100 % is darkest, so that a lightly loaded
	// model does not look busy
	util := report.Overlay{Name: "utilisation", Unit: report.Ratio, Values: map[string]float64{}, Max: 1}
	attempts := report.Overlay{Name: "attempts", Unit: report.Number, Values: map[string]float64{}}
	for _, a := range r.Activities {
		wait.Values[a.Element] = a.Waiting.Mean.Value
		wait90.Values[a.Element] = a.Waiting.P90.Value
		proc.Values[a.Element] = a.Processing.Mean.Value
		if a.Pool != "" {
			util.Values[a.Element] = a.Utilisation.Value
		}
		attempts.Values[a.Element] = a.Attempts.Value
	}
	ends := report.Overlay{Name: "share of cases", Unit: report.Ratio, Values: map[string]float64{}}
	for _, o := range r.Outcomes {
		if o.EndEvent != "" && !math.IsNaN(o.Share.Value) {
			ends.Values[o.EndEvent] += o.Share.Value
		}
	}
	var out []report.Overlay
	for _, o := range []report.Overlay{wait, wait90, proc, util, attempts, ends} {
		if len(o.Values) > 0 {
			out = append(out, o)
		}
	}
	return out
}

// Diffs returns the rows comparing results a and b, those of
// sim.Compare(a, b): throughput, cycle times, work in progress, outcome
// shares, the utilisation and queue of every pool, cost per case,
// incidents and the mean waiting time of every activity, each difference
// with its own 95 % interval.
func Diffs(a, b *sim.Report) []report.DiffRow {
	return DiffRows(sim.Compare(a, b))
}

// DiffRows returns the rows of a comparison.
func DiffRows(c *sim.Comparison) []report.DiffRow {
	var rows []report.DiffRow
	for _, d := range c.Diffs {
		rows = append(rows, report.DiffRow{Name: d.Name, Unit: unit(d.Unit), Better: direction(d.Better),
			A: d.A.Value, ACI: ci(d.A), B: d.B.Value, BCI: ci(d.B),
			DiffCI: d.Delta.CI95, HasDiffCI: d.Delta.HasCI})
	}
	return rows
}

func unit(u string) report.Unit {
	switch u {
	case "s":
		return report.Seconds
	case "/h":
		return report.PerHour
	case "ratio":
		return report.Ratio
	}
	return report.Number
}

func direction(better string) report.Direction {
	switch better {
	case sim.LowerIsBetter:
		return report.LowerIsBetter
	case sim.HigherIsBetter:
		return report.HigherIsBetter
	}
	return report.Neutral
}
