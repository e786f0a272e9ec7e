package sim

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON (schema in
// docs/simulation.md).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// fmtEst formats an estimate with prec decimals, "±h" when it has a
// confidence interval, "-" for no data.
func fmtEst(e Estimate, prec int) string {
	if math.IsNaN(e.Value) {
		return "-"
	}
	s := strconv.FormatFloat(e.Value, 'f', prec, 64)
	if e.HasCI {
		if math.IsNaN(e.CI95) {
			return s + " ±?"
		}
		s += " ±" + strconv.FormatFloat(e.CI95, 'f', prec, 64)
	}
	return s
}

// fmtCount formats a count: an integer for one replication, a mean with
// one decimal for several.
func fmtCount(e Estimate) string {
	if e.HasCI {
		return fmtEst(e, 1)
	}
	return fmtEst(e, 0)
}

func fmtPct(e Estimate) string {
	x := Estimate{Value: e.Value * 100, CI95: e.CI95 * 100, HasCI: e.HasCI}
	s := fmtEst(x, 1)
	if s == "-" {
		return s
	}
	return s + "%"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// WriteText writes the report as readable tables.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	name := r.Model
	if name == "" {
		name = "model"
	}
	p("Simulation of %s, process %s\n", name, r.Process)
	run := []string{fmt.Sprintf("seed %d", r.Seed), plural(r.Replications, "replication")}
	if r.CasesLimit > 0 {
		run = append(run, plural(r.CasesLimit, "case"))
	}
	if r.Horizon > 0 {
		run = append(run, "horizon "+fmtSeconds(r.Horizon))
	}
	switch {
	case r.WarmUpCases > 0:
		run = append(run, "warm-up "+plural(r.WarmUpCases, "case"))
	case r.WarmUp > 0:
		run = append(run, "warm-up "+fmtSeconds(r.WarmUp))
	}
	run = append(run, "start "+r.Start)
	p("%s\n", strings.Join(run, ", "))
	if r.Replications > 1 {
		p("values are means over the replications ±95%% confidence half-width\n")
	}
	p("\nCases\tstarted\tmeasured\tended\tactive at end\n")
	p("\t%s\t%s\t%s\t%s\n", fmtCount(r.Started), fmtCount(r.Measured), fmtCount(r.Ended), fmtCount(r.ActiveAtEnd))
	p("Run\tmeasured time (s)\tthroughput (/h)\tWIP mean\n")
	p("\t%s\t%s\t%s\n", fmtEst(r.MeasuredTime, 1), fmtEst(r.Throughput, 3), fmtEst(r.WIP, 3))
	c := r.CycleTime
	p("\nCycle time (s)\tmean\tp50\tp90\tp95\tp99\tmax\n")
	p("\t%s\t%s\t%s\t%s\t%s\t%s\n", fmtEst(c.Mean, 2), fmtEst(c.P50, 2), fmtEst(c.P90, 2), fmtEst(c.P95, 2), fmtEst(c.P99, 2), fmtEst(c.Max, 2))
	if len(r.Outcomes) > 0 {
		p("\nOutcome\tend event\tcases\tshare\tmean cycle (s)\n")
		for _, o := range r.Outcomes {
			end := o.EndEvent
			if end == "" {
				end = "-"
			}
			p("%s\t%s\t%s\t%s\t%s\n", o.Outcome, end, fmtCount(o.Cases), fmtPct(o.Share), fmtEst(o.Cycle, 2))
		}
	}
	if len(r.Activities) > 0 {
		p("\nActivity\tpool\tattempts\twait mean\twait p90\twait max\tproc mean\tproc p90\tproc max\tfailed\terrors\tcanceled\n")
		for _, a := range r.Activities {
			pool := a.Pool
			if pool == "" {
				pool = "-"
			}
			p("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Element, pool, fmtCount(a.Attempts),
				fmtEst(a.Waiting.Mean, 2), fmtEst(a.Waiting.P90, 2), fmtEst(a.Waiting.Max, 2),
				fmtEst(a.Processing.Mean, 2), fmtEst(a.Processing.P90, 2), fmtEst(a.Processing.Max, 2),
				fmtCount(a.Failed), fmtCount(a.Errors), fmtCount(a.Canceled))
		}
	}
	if len(r.Pools) > 0 {
		p("\nPool\tsize\tutilisation\tbusy mean\tqueue mean\tqueue max\tcost\n")
		for _, pl := range r.Pools {
			p("%s\t%d\t%s\t%s\t%s\t%s\t%s\n", pl.Name, pl.Size, fmtPct(pl.Utilisation), fmtEst(pl.BusyMean, 3),
				fmtEst(pl.QueueMean, 3), fmtCount(pl.QueueMax), fmtEst(pl.Cost, 2))
		}
	}
	if len(r.Messages) > 0 {
		p("\nMessage\tscheduled\tlost\tpublished\tcorrelated\tbuffered\tunmatched\n")
		for _, m := range r.Messages {
			p("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Name, fmtCount(m.Scheduled), fmtCount(m.Lost), fmtCount(m.Published),
				fmtCount(m.Correlated), fmtCount(m.Buffered), fmtCount(m.Unmatched))
		}
	}
	if len(r.Incidents) > 0 {
		p("\nIncident\tcount\n")
		for _, i := range r.Incidents {
			p("%s\t%s\n", i.Kind, fmtCount(i.Count))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	if r.Bottleneck != nil {
		fmt.Fprintf(&b, "\nBottleneck: %s (utilisation %s)\n", r.Bottleneck.Pool, fmtPct(r.Bottleneck.Utilisation))
	}
	if r.Cost != nil {
		cur := ""
		if r.Currency != "" {
			cur = " " + r.Currency
		}
		fmt.Fprintf(&b, "Cost: total %s%s, per case %s%s\n", fmtEst(r.Cost.Total, 2), cur, fmtEst(r.Cost.PerCase, 4), cur)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range r.Notes {
			b.WriteString("  - " + n + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fmtSeconds formats a span of seconds as a Go duration when whole.
func fmtSeconds(s float64) string {
	if s == math.Trunc(s) && s < 1e12 {
		d := int64(s)
		switch {
		case d%86400 == 0:
			return fmt.Sprintf("%dd", d/86400)
		case d%3600 == 0:
			return fmt.Sprintf("%dh", d/3600)
		case d%60 == 0:
			return fmt.Sprintf("%dm", d/60)
		}
	}
	return strconv.FormatFloat(s, 'g', -1, 64) + "s"
}

// WriteCSV writes the report as one CSV table with the columns section,
// name, metric, value, ci95 (empty with one replication). The histogram
// and the time series come last, one row per bucket and per interval and
// series.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	row := func(section, name, metric string, e Estimate) {
		ci := ""
		if e.HasCI {
			ci = string(appendNum(nil, e.CI95))
		}
		cw.Write([]string{section, name, metric, string(appendNum(nil, e.Value)), ci})
	}
	summ := func(section, name string, s Summary) {
		row(section, name, "mean", s.Mean)
		row(section, name, "p50", s.P50)
		row(section, name, "p90", s.P90)
		row(section, name, "p95", s.P95)
		row(section, name, "p99", s.P99)
		row(section, name, "max", s.Max)
	}
	cw.Write([]string{"section", "name", "metric", "value", "ci95"})
	cw.Write([]string{"run", r.Model, "process", r.Process, ""})
	cw.Write([]string{"run", r.Model, "seed", strconv.FormatUint(r.Seed, 10), ""})
	cw.Write([]string{"run", r.Model, "replications", strconv.Itoa(r.Replications), ""})
	row("cases", "", "started", r.Started)
	row("cases", "", "measured", r.Measured)
	row("cases", "", "ended", r.Ended)
	row("cases", "", "active_at_end", r.ActiveAtEnd)
	row("run", "", "measured_time_s", r.MeasuredTime)
	row("run", "", "throughput_per_h", r.Throughput)
	row("run", "", "wip_mean", r.WIP)
	summ("cycle_time_s", "", r.CycleTime)
	for _, o := range r.Outcomes {
		name := o.Outcome + "/" + o.EndEvent
		row("outcome", name, "cases", o.Cases)
		row("outcome", name, "share", o.Share)
		row("outcome", name, "cycle_time_mean_s", o.Cycle)
	}
	for _, a := range r.Activities {
		row("activity", a.Element, "attempts", a.Attempts)
		row("activity", a.Element, "completed", a.Completed)
		row("activity", a.Element, "failed", a.Failed)
		row("activity", a.Element, "errors", a.Errors)
		row("activity", a.Element, "canceled", a.Canceled)
		row("activity", a.Element, "waiting_mean_s", a.Waiting.Mean)
		row("activity", a.Element, "waiting_p90_s", a.Waiting.P90)
		row("activity", a.Element, "waiting_max_s", a.Waiting.Max)
		row("activity", a.Element, "processing_mean_s", a.Processing.Mean)
		row("activity", a.Element, "processing_p90_s", a.Processing.P90)
		row("activity", a.Element, "processing_max_s", a.Processing.Max)
		row("activity", a.Element, "utilisation", a.Utilisation)
		row("activity", a.Element, "cost", a.Cost)
	}
	for _, p := range r.Pools {
		row("pool", p.Name, "utilisation", p.Utilisation)
		row("pool", p.Name, "busy_mean", p.BusyMean)
		row("pool", p.Name, "queue_mean", p.QueueMean)
		row("pool", p.Name, "queue_max", p.QueueMax)
		row("pool", p.Name, "attempts", p.Attempts)
		row("pool", p.Name, "cost", p.Cost)
	}
	if b := r.Bottleneck; b != nil {
		row("bottleneck", b.Pool, "utilisation", b.Utilisation)
	}
	for _, m := range r.Messages {
		row("message", m.Name, "scheduled", m.Scheduled)
		row("message", m.Name, "lost", m.Lost)
		row("message", m.Name, "published", m.Published)
		row("message", m.Name, "correlated", m.Correlated)
		row("message", m.Name, "buffered", m.Buffered)
		row("message", m.Name, "unmatched", m.Unmatched)
	}
	for _, i := range r.Incidents {
		row("incident", i.Kind, "count", i.Count)
	}
	if c := r.Cost; c != nil {
		row("cost", r.Currency, "total", c.Total)
		row("cost", r.Currency, "per_case", c.PerCase)
	}
	num := func(x float64) string { return string(appendNum(nil, x)) }
	if h := r.CycleHistogram; h != nil {
		for i, c := range h.Counts {
			cw.Write([]string{"cycle_time_histogram", num(h.Bounds[i]) + ".." + num(h.Bounds[i+1]), "count", num(c), ""})
		}
	}
	if ts := r.Series; ts != nil {
		cw.Write([]string{"time_series", "", "interval_s", num(ts.Interval), ""})
		for i := range ts.WIP {
			at := num(float64(i) * ts.Interval)
			cw.Write([]string{"time_series", at, "throughput_per_h", num(ts.Throughput[i]), ""})
			cw.Write([]string{"time_series", at, "wip", num(ts.WIP[i]), ""})
			for _, q := range ts.Queues {
				cw.Write([]string{"time_series", at, "queue:" + q.Pool, num(q.Length[i]), ""})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
