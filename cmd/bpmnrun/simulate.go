package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/report"
	"github.com/bpmnrun/bpmnrun/report/simreport"
	"github.com/bpmnrun/bpmnrun/sim"
	"github.com/spf13/cobra"
)

// simFormat is the value of simulate's --format flag.
type simFormat string

func (f *simFormat) String() string { return string(*f) }

func (f *simFormat) Set(s string) error {
	switch s {
	case "text", "json", "csv":
		*f = simFormat(s)
		return nil
	}
	return fmt.Errorf("unknown format %q, want \"text\", \"json\" or \"csv\"", s)
}

func (f *simFormat) Type() string { return "format" }

// simOptions are simulate's flags.
type simOptions struct {
	params       string
	cases        int
	horizon      string
	seed         uint64
	replications int
	format       simFormat
	log, xes     string
	html         string
}

func newSimulateCmd() *cobra.Command {
	o := &simOptions{format: "text"}
	cmd := &cobra.Command{
		Use:   "simulate MODEL",
		Short: "Load-simulate a BPMN model in virtual time",
		Long: `Simulate runs many instances of MODEL on the engine in virtual time:
cases arrive, every job waits for a server of its resource pool and takes a
sampled duration, messages arrive after sampled delays, tasks fail or throw
errors with given probabilities. It reports cycle times, waiting and
processing times per activity, pool utilisation and queues, outcomes and
cost, and names the bottleneck.

Parameters come from --params FILE (bpmnrun's YAML or JSON format, or a
Prosimos JSON file; see docs/simulation.md) or, without it, from the
model's QBP (BIMP) scenario. --cases, --horizon, --seed and --replications
override the file. The same seed always gives the same report.

--html FILE also writes the report as one self-contained HTML page: the
diagram as a heat map (waiting time, processing time, utilisation per
element), the cycle-time histogram, throughput, work in progress and
queues over time, the key figures, the parameters and the seed (see
docs/reports.md).

Exit status: 0 on success, 1 for an invalid model or parameters, 2 for a
usage error, 3 if a file cannot be read or written.`,
		Example: `  bpmnrun simulate models/order/order.bpmn --params models/sim/order.yaml
  bpmnrun simulate models/sim/mm1.bpmn --params models/sim/mm1.yaml --cases 100000 --replications 8
  bpmnrun simulate bimp_model.bpmn --format json --log events.csv
  bpmnrun simulate models/order/order.bpmn --params models/sim/order.yaml --html report.html`,
		Args: fileArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSimulate(cmd, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.params, "params", "", "simulation parameters (YAML, JSON or Prosimos JSON)")
	f.IntVar(&o.cases, "cases", 0, "number of cases to start")
	f.StringVar(&o.horizon, "horizon", "", `stop at this virtual time, e.g. "8h" or "30d"`)
	f.Uint64Var(&o.seed, "seed", 0, "random seed (default: the file's, else 1)")
	f.IntVar(&o.replications, "replications", 0, "independent replications, run in parallel")
	f.Var(&o.format, "format", `report format: "text", "json" or "csv"`)
	f.StringVar(&o.log, "log", "", "write the event log of replication 1 to this CSV file")
	f.StringVar(&o.xes, "log-xes", "", "write the event log of replication 1 to this XES file")
	f.StringVar(&o.html, "html", "", "also write the report as a self-contained HTML page to this `FILE`")
	cmd.MarkFlagsMutuallyExclusive("cases", "horizon")
	return cmd
}

func runSimulate(cmd *cobra.Command, o *simOptions, file string) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	defs, err := loadModel(stderr, file)
	if err != nil {
		return err
	}
	p, text, err := simParams(stderr, o.params, defs, file)
	if err != nil {
		return err
	}
	if err := applyOverrides(cmd, o, p); err != nil {
		return err
	}
	model, err := sim.NewModel(defs, p)
	if err != nil {
		return paramsFailure(stderr, o.paramsName(file), err)
	}
	ro := sim.RunOptions{ModelName: file}
	var closers []func() error
	for _, l := range []struct {
		name string
		dst  *io.Writer
	}{{o.log, &ro.Log}, {o.xes, &ro.XES}} {
		if l.name == "" {
			continue
		}
		f, err := os.Create(l.name)
		if err != nil {
			return &fileError{file: l.name, err: err}
		}
		*l.dst = f
		closers = append(closers, f.Close)
	}
	ro.Progress = progress(stderr, p)
	rep, runErr := model.Run(cmd.Context(), ro)
	if ro.Progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	for _, c := range closers {
		if err := c(); err != nil && runErr == nil {
			runErr = err
		}
	}
	if runErr != nil {
		return runErr
	}
	if o.html != "" {
		page := simreport.Build(defs, rep, text+overridesText(cmd))
		if err := writeHTML(o.html, func(w io.Writer) error { return report.WriteHTML(w, page) }); err != nil {
			return err
		}
	}
	switch o.format {
	case "json":
		return rep.WriteJSON(stdout)
	case "csv":
		return rep.WriteCSV(stdout)
	}
	return rep.WriteText(stdout)
}

func (o *simOptions) paramsName(model string) string {
	if o.params != "" {
		return o.params
	}
	return model
}

// simParams reads the parameter file, or the model's QBP scenario when
// file is "". It returns the parameters and their text as the reports
// show it.
func simParams(stderr io.Writer, file string, defs *bpmn.Definitions, model string) (*sim.Params, string, error) {
	if file == "" {
		if !sim.HasQBP(defs) {
			return nil, "", usageError("%s has no QBP simulation scenario: give the parameters with --params FILE (see docs/simulation.md)", model)
		}
		p, err := sim.ImportQBP(defs)
		if err != nil {
			return nil, "", paramsFailure(stderr, model, err)
		}
		return p, "# the QBP (BIMP) scenario in " + model + "\n", nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", &fileError{file: file, err: err}
	}
	p, err := sim.LoadParams(file, data, defs)
	if err != nil {
		return nil, "", paramsFailure(stderr, file, err)
	}
	return p, string(data), nil
}

// overridesText returns a comment naming the flags that override the
// parameter file ("" when none do), for the parameters an HTML report
// shows.
func overridesText(cmd *cobra.Command) string {
	var flags []string
	for _, name := range []string{"cases", "horizon", "seed", "replications"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			flags = append(flags, "--"+name+" "+f.Value.String())
		}
	}
	if len(flags) == 0 {
		return ""
	}
	return "\n# overridden on the command line: " + strings.Join(flags, " ") + "\n"
}

// writeHTML writes a page with write to file.
func writeHTML(file string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o666); err != nil {
		return &fileError{file: file, err: err}
	}
	return nil
}

// paramsFailure reports every problem of invalid parameters on stderr and
// returns the exit-1 error that sums them up.
func paramsFailure(stderr io.Writer, name string, err error) error {
	var pe *sim.ParamsError
	if !errors.As(err, &pe) {
		return &exitError{code: exitFailure, err: &fileError{file: name, err: err}}
	}
	if pe.File == "" {
		pe.File = name
	}
	for _, line := range strings.Split(pe.Error(), "\n") {
		fmt.Fprintf(stderr, "bpmnrun: %s\n", line)
	}
	what := "invalid simulation parameters"
	if errors.Is(err, sim.ErrModel) {
		what = "parameters do not fit the model"
	}
	return &exitError{code: exitFailure, err: fmt.Errorf("%s: %s: %s", name, what, plural(len(pe.Problems), "problem"))}
}

// applyOverrides applies the flags that override the parameter file.
func applyOverrides(cmd *cobra.Command, o *simOptions, p *sim.Params) error {
	fl := cmd.Flags()
	if fl.Changed("cases") {
		if o.cases < 1 {
			return usageError("--cases must be at least 1")
		}
		p.Cases, p.Horizon = o.cases, 0
	}
	if fl.Changed("horizon") {
		h, err := sim.ParseSeconds(o.horizon)
		if err != nil || h <= 0 {
			return usageError("--horizon %q: want a positive duration such as \"8h\" or \"30d\"", o.horizon)
		}
		p.Horizon, p.Cases = h, 0
	}
	if fl.Changed("seed") {
		p.Seed = o.seed
	}
	if fl.Changed("replications") {
		if o.replications < 1 {
			return usageError("--replications must be at least 1")
		}
		p.Replications = o.replications
	}
	if p.Cases == 0 && p.Horizon == 0 {
		return usageError("nothing limits the simulation: give --cases or --horizon")
	}
	return nil
}

// progress returns a progress printer when stderr is a terminal.
func progress(stderr io.Writer, p *sim.Params) func(int) {
	f, ok := stderr.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	total := p.Cases * max(1, p.Replications)
	done := 0
	return func(n int) {
		done += n
		s := "simulating: " + strconv.Itoa(done) + " cases"
		if total > 0 {
			s += fmt.Sprintf(" of %d (%d%%)", total, 100*done/total)
		}
		fmt.Fprint(stderr, "\r"+s)
	}
}
