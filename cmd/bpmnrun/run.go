package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/feel"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/scenario"
	"github.com/spf13/cobra"
)

// runFlags are the flags of bpmnrun run.
type runFlags struct {
	process  string
	vars     []string
	scenario string
	format   outputFormat
	advance  isoDuration
	live     liveFlags
}

func newRunCmd() *cobra.Command {
	f := runFlags{format: formatText}
	cmd := &cobra.Command{
		Use:   "run MODEL",
		Short: "Run an instance of a model and print its trace",
		Long: `Run starts an instance of a process of MODEL on the deterministic engine
and prints every step with its virtual time, then what the instance ended
at or waits for.

Without --scenario every job completes at once, with no new variables,
and the run says so ("note: no scenario: jobs complete at once", on
stderr). Waits for messages, signals and timers are reported at the end
("waiting: ELEMENT (message "NAME" key "KEY")"), with the due time of the
next timer. --advance moves the virtual clock forward after the run, so
that timers fire (and the jobs they lead to complete at once).

With --scenario the steps of a scenario file (see docs/scenarios.md) drive
the instances instead, and its expectations are checked; the MODEL given
here replaces the scenario's model.

--var NAME=VALUE sets a start variable; VALUE is JSON when it parses as
JSON (42, true, "text", {"a": 1}), else a string.

With --live, jobs go to real workers on the real clock (see
docs/cli.md#run---live); with --live --server URL the instance runs on
a bpmnrun serve instead, its jobs done by the same workers.

Exit status: 0 if every instance completed, 1 if one has an incident, is
still waiting, or an expectation failed, 2 for a usage error, 3 if a file
cannot be read.`,
		Example: `  bpmnrun run models/order/order.bpmn
  bpmnrun run models/order/order.bpmn --var orderId=o-1 --var paid=true --advance PT10M
  bpmnrun run models/order/order.bpmn --scenario order_paid.yaml --format json`,
		Args: fileArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			vars, err := parseVars(f.vars)
			if err != nil {
				return err
			}
			if f.live.on {
				return runLive(cmd, args[0], f, vars)
			}
			if used := f.live.used(); len(used) > 0 {
				sort.Strings(used)
				return usageError("%s only go with --live", strings.Join(used, ", "))
			}
			return runModel(cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0], f, vars)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.process, "process", "", "id of the process to start (default: the model's only process with a none start event)")
	fl.StringArrayVar(&f.vars, "var", nil, "start variable NAME=VALUE (repeatable; VALUE is JSON or a string)")
	fl.StringVar(&f.scenario, "scenario", "", "scenario file whose steps drive the run")
	fl.Var(&f.format, "format", `output format: "text" or "json"`)
	fl.Var(&f.advance, "advance", "move the virtual clock forward by this ISO 8601 duration (e.g. PT10M) after the run")
	f.live.register(cmd)
	return cmd
}

// isoDuration is the value of an ISO 8601 duration flag; a bad value is a
// usage error.
type isoDuration struct {
	d   feel.Duration
	set bool
}

func (d *isoDuration) String() string {
	if !d.set {
		return ""
	}
	return d.d.String()
}

func (d *isoDuration) Set(s string) error {
	v, err := feel.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want an ISO 8601 duration such as PT10M or P1D, got %q", s)
	}
	if v.Months < 0 || v.Days < 0 || v.Time < 0 {
		return fmt.Errorf("negative duration %q: the clock never goes backwards", s)
	}
	d.d, d.set = v, true
	return nil
}

func (d *isoDuration) Type() string { return "duration" }

// parseVars parses NAME=VALUE flags.
func parseVars(flags []string) (map[string]any, error) {
	vars := map[string]any{}
	for _, kv := range flags {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, usageError("--var %q: want NAME=VALUE", kv)
		}
		var v any
		if err := json.Unmarshal([]byte(val), &v); err != nil {
			v = val
		}
		vars[name] = v
	}
	return vars, nil
}

// runModel is bpmnrun run without --live.
func runModel(stdout, stderr io.Writer, model string, f runFlags, vars map[string]any) error {
	defs, err := loadModel(stderr, model)
	if err != nil {
		return err
	}
	s, err := runScenario(stderr, f, vars)
	if err != nil {
		return err
	}
	opts := scenario.Options{Model: defs, AutoComplete: f.scenario == "", Advance: f.advance.d}
	res, err := scenario.Run(s, opts)
	if err != nil {
		return runError(model, err)
	}
	if f.scenario == "" {
		res.Notes = append([]string{"no scenario: jobs complete at once"}, res.Notes...)
	}
	rep := newRunReport(model, f.scenario, res)
	if f.format == formatJSON {
		err = writeJSON(stdout, rep)
	} else {
		for _, n := range res.Notes {
			fmt.Fprintf(stderr, "note: %s\n", n)
		}
		err = writeRunText(stdout, res, rep)
	}
	if err != nil {
		return err
	}
	if !rep.OK {
		return silentExit(exitFailure)
	}
	return nil
}

// runScenario returns the scenario of a run: the --scenario file, or one
// instance with the --var variables. --process and --var apply to both.
func runScenario(stderr io.Writer, f runFlags, vars map[string]any) (*scenario.Scenario, error) {
	if f.scenario == "" {
		return &scenario.Scenario{Process: f.process, Variables: vars, Instances: []*scenario.Instance{{Name: "1"}}}, nil
	}
	s, err := loadScenario(stderr, f.scenario)
	if err != nil {
		return nil, err
	}
	if f.process != "" {
		s.Process = f.process
	}
	if len(vars) > 0 && s.Variables == nil {
		s.Variables = map[string]any{}
	}
	for k, v := range vars {
		s.Variables[k] = v
	}
	return s, nil
}

// loadScenario reads a scenario file for run; its problems go to stderr,
// one a line, as loadModel does for a model.
func loadScenario(stderr io.Writer, file string) (*scenario.Scenario, error) {
	s, err := scenario.Load(file)
	var es scenario.Errors
	switch {
	case errors.As(err, &es):
		for _, e := range es {
			fmt.Fprintf(stderr, "bpmnrun: %s\n", e)
		}
		return nil, &exitError{code: exitFailure, err: &fileError{file: file, err: fmt.Errorf("invalid scenario: %s", plural(len(es), "error"))}}
	case err != nil:
		return nil, &fileError{file: file, err: err}
	}
	return s, nil
}

// runError maps an error of scenario.Run to an exit code: a model that
// cannot be read is an I/O error, anything else a failure.
func runError(model string, err error) error {
	if exitCode(err) == exitIO {
		return &fileError{file: model, err: err}
	}
	var es scenario.Errors
	if errors.As(err, &es) && len(es) == 1 && es[0].File == "" {
		err = errors.New(es[0].Msg) // a --process that does not exist
	}
	return &exitError{code: exitFailure, err: &fileError{file: model, err: err}}
}

// runReport is the JSON form of a run; it is part of the CLI contract
// (docs/cli.md), field order included.
type runReport struct {
	Model     string           `json:"model"`
	Scenario  string           `json:"scenario,omitempty"`
	OK        bool             `json:"ok"`
	Start     string           `json:"start"`
	End       string           `json:"end"`
	Notes     []string         `json:"notes"`
	Trace     []traceReport    `json:"trace"`
	Instances []instanceReport `json:"instances"`
	NextTimer *timeReport      `json:"nextTimer,omitempty"`
	Failures  []failureReport  `json:"failures"`
}

type timeReport struct {
	Offset string `json:"offset"` // since the start, as in the trace
	Time   string `json:"time"`   // RFC 3339
}

type traceReport struct {
	Offset      string `json:"offset"`
	Kind        string `json:"kind"`
	Instance    uint64 `json:"instance"`
	Process     string `json:"process"`
	Element     string `json:"element"`
	ElementKind string `json:"elementKind,omitempty"`
	Detail      string `json:"detail,omitempty"`
}

type instanceReport struct {
	Name      string           `json:"name"`
	Key       uint64           `json:"key"`
	Process   string           `json:"process"`
	State     string           `json:"state"`
	EndEvent  string           `json:"endEvent,omitempty"`
	Waiting   []waitReport     `json:"waiting"`
	Incidents []incidentReport `json:"incidents"`
	Variables map[string]any   `json:"variables"`
}

type waitReport struct {
	Element        string `json:"element"`
	Kind           string `json:"kind"`
	Instance       uint64 `json:"instance"`
	JobType        string `json:"jobType,omitempty"`
	Message        string `json:"message,omitempty"`
	CorrelationKey string `json:"correlationKey,omitempty"`
	Timer          string `json:"timer,omitempty"`
	Signal         string `json:"signal,omitempty"`
}

type incidentReport struct {
	Kind      string `json:"kind"`
	Element   string `json:"element"`
	Message   string `json:"message"`
	ErrorCode string `json:"errorCode,omitempty"`
}

type failureReport struct {
	Line    int    `json:"line"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

func newRunReport(model, scenarioFile string, res *scenario.Result) *runReport {
	r := &runReport{Model: model, Scenario: scenarioFile, OK: res.Passed(), Notes: res.Notes,
		Start: res.Start.Format(time.RFC3339Nano), End: res.End.Format(time.RFC3339Nano),
		Trace: []traceReport{}, Failures: []failureReport{}}
	if r.Notes == nil {
		r.Notes = []string{}
	}
	for _, ev := range res.Trace {
		r.Trace = append(r.Trace, traceReport{Offset: offset(res.Start, ev.Time), Kind: ev.Kind.String(), Instance: ev.Instance,
			Process: ev.ProcessID, Element: ev.ElementID, ElementKind: ev.Element, Detail: ev.Detail})
	}
	active := false
	for _, in := range res.Instances {
		ir := instanceReport{Name: in.Name, Key: in.Key, Process: in.ProcessID, State: in.State.String(), EndEvent: in.EndEvent,
			Waiting: []waitReport{}, Incidents: []incidentReport{}, Variables: in.Variables}
		for _, w := range in.Waits {
			ir.Waiting = append(ir.Waiting, waitReport{Element: w.ElementID, Kind: w.Kind, Instance: w.Instance, JobType: w.JobType,
				Message: w.Message, CorrelationKey: w.CorrelationKey, Timer: w.Timer, Signal: w.Signal})
		}
		for _, inc := range in.Incidents {
			ir.Incidents = append(ir.Incidents, incidentReport{Kind: inc.Kind.String(), Element: inc.ElementID, Message: inc.Message, ErrorCode: inc.ErrorCode})
		}
		if in.State == interp.Active || len(in.Incidents) > 0 {
			r.OK = false
		}
		active = active || in.State == interp.Active
		r.Instances = append(r.Instances, ir)
	}
	if active && !res.NextDue.IsZero() {
		r.NextTimer = &timeReport{Offset: offset(res.Start, res.NextDue), Time: res.NextDue.Format(time.RFC3339Nano)}
	}
	for _, f := range res.Failures {
		r.Failures = append(r.Failures, failureReport{Line: f.Line, Path: f.Path, Message: f.Msg})
	}
	return r
}

// offset formats t as the trace does: [Dd]HH:MM:SS.mmm since start.
func offset(start, t time.Time) string {
	return strings.Fields(interp.TraceEvent{Time: t}.Format(start))[0]
}

// writeRunText writes the trace, then per instance its state, waits,
// incidents and variables, the next timer and the failed expectations.
func writeRunText(w io.Writer, res *scenario.Result, rep *runReport) error {
	var b strings.Builder
	for _, ev := range res.Trace {
		b.WriteString(ev.Format(res.Start))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	writeInstances(&b, res)
	if t := rep.NextTimer; t != nil {
		fmt.Fprintf(&b, "next timer due at %s (%s)\n", t.Offset, t.Time)
	}
	writeFailures(&b, res.Failures, "FAIL ")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeInstances writes the state of each instance: how it ended, or
// what it waits for and its incidents; then its variables.
func writeInstances(b *strings.Builder, res *scenario.Result) {
	for _, in := range res.Instances {
		fmt.Fprintf(b, "#%d %s: %s", in.Key, in.ProcessID, in.State)
		if in.EndEvent != "" {
			fmt.Fprintf(b, " at %s", in.EndEvent)
		}
		if len(res.Instances) > 1 {
			fmt.Fprintf(b, " (instance %q)", in.Name)
		}
		b.WriteByte('\n')
		for _, wt := range in.Waits {
			fmt.Fprintf(b, "waiting: %s\n", wt)
		}
		for _, inc := range in.Incidents {
			fmt.Fprintf(b, "incident: %s at %s: %s\n", inc.Kind, inc.ElementID, inc.Message)
		}
		fmt.Fprintf(b, "variables: %s\n", jsonText(in.Variables))
	}
}

// writeFailures writes failed steps and expectations: the first line of
// each after prefix, the rest indented.
func writeFailures(b *strings.Builder, fs []scenario.Failure, prefix string) {
	for _, f := range fs {
		first, rest, _ := strings.Cut(f.String(), "\n")
		fmt.Fprintf(b, "%s%s\n", prefix, first)
		if rest != "" {
			b.WriteString(indentLines(rest, "  "))
		}
	}
}

func indentLines(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}

// jsonText formats variables as compact JSON, keys sorted.
func jsonText(v map[string]any) string {
	if v == nil {
		v = map[string]any{}
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// modelProblems formats the problems of a model that cannot be run, one a
// line, for the test runner.
func modelProblems(file string, err error) []string {
	var ve *bpmn.ValidationError
	if errors.As(err, &ve) {
		var out []string
		for _, p := range ve.Problems {
			if p.Severity == bpmn.SeverityError {
				out = append(out, formatProblem(file, p))
			}
		}
		return out
	}
	return []string{fileMessageWithName(file, err)}
}

func fileMessageWithName(file string, err error) string {
	return (&fileError{file: file, err: err}).Error()
}
