package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/report"
	"github.com/bpmnrun/bpmnrun/report/simreport"
	"github.com/bpmnrun/bpmnrun/sim"
	"github.com/spf13/cobra"
)

// compareReplications is the number of replications of a comparison when
// neither --replications nor A's parameters give at least 2.
const compareReplications = 5

// compareOptions are compare's flags: simulate's run flags, plus B's
// parameters and the outputs.
type compareOptions struct {
	sim     simOptions
	paramsB string
	format  outputFormat
	html    string
}

func newCompareCmd() *cobra.Command {
	o := &compareOptions{format: formatText}
	cmd := &cobra.Command{
		Use:   "compare A.bpmn [B.bpmn] --params FILE [--params-b FILE]",
		Short: "Simulate two designs with the same seed and report the differences",
		Long: `Compare simulates two designs of a process and reports what changes from A to
B, with 95 % confidence intervals: which is faster (mean and p99 cycle
time) and by how much, throughput, outcome shares, utilisation and queues
per pool, cost per case, incidents and waiting time per activity.

The designs are two models with the same parameters (compare A.bpmn B.bpmn
--params P), two models with their own (--params-b for B), or one model
with two parameter files (compare MODEL --params A --params-b B). Without
--params a model's QBP scenario is used.

Both run with A's seed, replications, run length, warm-up and start, so
when their arrival parameters and start variables are equal they see the
same cases arrive at the same times (the output says whether they do).
Replication r of A and replication r of B share their random streams, so
the differences are estimated in pairs: the mean of the R differences with
a paired t interval (R − 1 degrees of freedom). At least 2 replications are
needed; without --replications, A's if at least 2, else 5.

--format json writes the comparison as JSON (docs/simulation.md); --html
FILE also writes a page with both diagrams as heat maps on one scale, the
plots side by side and the differences.

Exit status: 0 on success, 1 for an invalid model or parameters, 2 for a
usage error, 3 if a file cannot be read or written.`,
		Example: `  bpmnrun compare models/order/order.bpmn --params today.yaml --params-b two_clerks.yaml
  bpmnrun compare order.bpmn order_v2.bpmn --params order.yaml --replications 10 --html diff.html`,
		Args: fileArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(cmd, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.sim.params, "params", "", "parameters of A, and of B without --params-b (YAML, JSON or Prosimos JSON)")
	f.StringVar(&o.paramsB, "params-b", "", "parameters of B")
	f.IntVar(&o.sim.cases, "cases", 0, "number of cases to start")
	f.StringVar(&o.sim.horizon, "horizon", "", `stop at this virtual time, e.g. "8h" or "30d"`)
	f.Uint64Var(&o.sim.seed, "seed", 0, "random seed of both runs (default: A's file's, else 1)")
	f.IntVar(&o.sim.replications, "replications", 0, "replications of each design, at least 2 (default: A's file's if at least 2, else 5)")
	f.Var(&o.format, "format", `output format: "text" or "json"`)
	f.StringVar(&o.html, "html", "", "also write the comparison as a self-contained HTML page to this `FILE`")
	cmd.MarkFlagsMutuallyExclusive("cases", "horizon")
	return cmd
}

// design is one side of a comparison.
type design struct {
	model, params string // file names; params "" for the model's QBP scenario
	defs          *bpmn.Definitions
	p             *sim.Params
	text          string // the parameters as the HTML page shows them
	rep           *sim.Report
}

func (d *design) label() string {
	if d.params == "" {
		return d.model + " (QBP scenario)"
	}
	return d.model + " with " + d.params
}

func runCompare(cmd *cobra.Command, o *compareOptions, args []string) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	a := &design{model: args[0], params: o.sim.params}
	b := &design{model: args[0], params: o.paramsB}
	if len(args) == 2 {
		b.model = args[1]
	} else if o.paramsB == "" {
		return usageError("compare with one model needs --params-b FILE: the parameters of design B")
	}
	if b.params == "" {
		b.params = o.sim.params
	}
	var err error
	if a.defs, err = loadModel(stderr, a.model); err != nil {
		return err
	}
	b.defs = a.defs
	if b.model != a.model {
		if b.defs, err = loadModel(stderr, b.model); err != nil {
			return err
		}
	}
	for _, d := range []*design{a, b} {
		if d.p, d.text, err = simParams(stderr, d.params, d.defs, d.model); err != nil {
			return err
		}
	}
	if err := applyOverrides(cmd, &o.sim, a.p); err != nil {
		return err
	}
	if !cmd.Flags().Changed("replications") && a.p.Replications < 2 {
		a.p.Replications = compareReplications
	}
	if a.p.Replications < 2 {
		return usageError("compare needs at least 2 replications for confidence intervals, got --replications %d", a.p.Replications)
	}
	notes := alignRuns(cmd, a.p, b.p)
	overrides := overridesText(cmd)
	for _, d := range []*design{a, b} {
		m, err := sim.NewModel(d.defs, d.p)
		if err != nil {
			name := d.params
			if name == "" {
				name = d.model
			}
			return paramsFailure(stderr, name, err)
		}
		if d.rep, err = m.Run(cmd.Context(), sim.RunOptions{ModelName: d.model}); err != nil {
			return err
		}
	}
	c := sim.Compare(a.rep, b.rep)
	c.A.Label, c.B.Label = a.label(), b.label()
	same, why := sim.SameArrivals(a.p, b.p)
	c.SameArrivals = &same
	c.Notes = append(why, notes...)
	if o.html != "" {
		pa, pb := simreport.Build(a.defs, a.rep, a.text+overrides), simreport.Build(b.defs, b.rep, b.text+overrides)
		pa.Title, pb.Title = "A: "+c.A.Label, "B: "+c.B.Label
		if err := writeHTML(o.html, func(w io.Writer) error { return report.WriteCompareHTML(w, pa, pb, simreport.DiffRows(c)) }); err != nil {
			return err
		}
	}
	if o.format == formatJSON {
		return c.WriteJSON(stdout)
	}
	return c.WriteText(stdout)
}

// alignRuns gives B the run settings of A (seed, replications, cases,
// horizon, warm-up, start), so that the two runs are comparable, and
// returns a note for each that B's parameters set otherwise and no flag
// set for both.
func alignRuns(cmd *cobra.Command, a, b *sim.Params) []string {
	var notes []string
	note := func(what, value string, differ bool, flags ...string) {
		for _, f := range flags {
			if cmd.Flags().Changed(f) {
				return
			}
		}
		if differ {
			notes = append(notes, fmt.Sprintf("B's parameters give another %s: A's (%s) is used for both", what, value))
		}
	}
	note("seed", strconv.FormatUint(a.Seed, 10), a.Seed != b.Seed, "seed")
	note("run length", runLength(a), a.Cases != b.Cases || a.Horizon != b.Horizon, "cases", "horizon")
	note("warm-up", warmUp(a), a.WarmUp != b.WarmUp || a.WarmUpCases != b.WarmUpCases)
	note("start time", startText(a), !a.Start.Equal(b.Start))
	b.Seed, b.Replications, b.Cases, b.Horizon = a.Seed, a.Replications, a.Cases, a.Horizon
	b.WarmUp, b.WarmUpCases, b.Start = a.WarmUp, a.WarmUpCases, a.Start
	return notes
}

func runLength(p *sim.Params) string {
	if p.Cases > 0 {
		return plural(p.Cases, "case")
	}
	return "horizon " + strconv.FormatFloat(p.Horizon, 'g', -1, 64) + " s"
}

func startText(p *sim.Params) string {
	if p.Start.IsZero() {
		return "the default"
	}
	return p.Start.Format(time.RFC3339)
}

func warmUp(p *sim.Params) string {
	switch {
	case p.WarmUpCases > 0:
		return plural(p.WarmUpCases, "case")
	case p.WarmUp > 0:
		return strconv.FormatFloat(p.WarmUp, 'g', -1, 64) + " s"
	}
	return "none"
}
