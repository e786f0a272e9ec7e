package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/scenario"
	"github.com/spf13/cobra"
)

func newTestCmd() *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test SCENARIO...",
		Short: "Run scenario files like tests",
		Long: `Test runs each SCENARIO file (see docs/scenarios.md) on the deterministic
engine and prints one line per scenario, "ok   NAME (DURATION)" or
"FAIL NAME (DURATION)", in the order given. NAME is the scenario's name,
or its file. Under a FAIL line come the failed steps and expectations, as
"FILE:LINE: PATH: MESSAGE" with what the instance was doing, and the trace
of the run. A scenario file that cannot be parsed fails with every problem
located by line and field; a model that cannot be loaded fails with its
problems. The last line is "N passed, M failed".

With -v the trace of passing scenarios is printed too.

Exit status: 0 if every scenario passed, 1 if one failed, 2 for a usage
error, 3 if a scenario or model file cannot be read.`,
		Example: `  bpmnrun test scenarios/*.yaml`,
		Args:    fileArgs(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTests(cmd.OutOrStdout(), args, verbose)
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print the trace of passing scenarios too")
	return cmd
}

// testOutcome is the outcome of one scenario file.
type testOutcome struct {
	name     string
	code     int      // exit code for this file
	problems []string // why it could not run
	res      *scenario.Result
	elapsed  time.Duration // wall time of the run
}

func runTests(stdout io.Writer, files []string, verbose bool) error {
	code, passed, failed := exitOK, 0, 0
	for _, file := range files {
		o := runTest(file)
		if o.code == exitOK {
			passed++
		} else {
			failed++
		}
		code = max(code, o.code)
		var b strings.Builder
		writeOutcome(&b, o, verbose)
		if _, err := io.WriteString(stdout, b.String()); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed); err != nil {
		return err
	}
	return silentExit(code)
}

// runTest loads and runs one scenario file.
func runTest(file string) testOutcome {
	o := testOutcome{name: file, code: exitFailure}
	s, err := scenario.Load(file)
	var es scenario.Errors
	switch {
	case errors.As(err, &es):
		for _, e := range es {
			o.problems = append(o.problems, e.Error())
		}
		return o
	case err != nil:
		o.code = exitCode(err)
		o.problems = []string{fileMessageWithName(file, err)}
		return o
	}
	if s.Name != "" {
		o.name = s.Name
	}
	model := s.ModelPath()
	defs, err := bpmn.ParseFile(model)
	if err != nil {
		o.code = max(exitFailure, exitCode(err))
		if o.code == exitInternal {
			o.code = exitFailure
		}
		o.problems = modelProblems(model, err)
		return o
	}
	start := time.Now()
	res, err := scenario.Run(s, scenario.Options{Model: defs})
	o.elapsed = time.Since(start)
	if err != nil {
		o.problems = strings.Split(err.Error(), "\n")
		return o
	}
	o.res = res
	if res.Passed() {
		o.code = exitOK
	}
	return o
}

// writeOutcome writes the verdict line of a scenario and, for a failure,
// what failed and the trace.
func writeOutcome(b *strings.Builder, o testOutcome, verbose bool) {
	switch {
	case o.code == exitOK:
		fmt.Fprintf(b, "ok   %s (%s)\n", o.name, roundDuration(o.elapsed))
	case o.res == nil:
		fmt.Fprintf(b, "FAIL %s\n", o.name)
	default:
		fmt.Fprintf(b, "FAIL %s (%s)\n", o.name, roundDuration(o.elapsed))
	}
	for _, p := range o.problems {
		b.WriteString(indentLines(p, "    "))
	}
	if o.res == nil || (o.code == exitOK && !verbose) {
		return
	}
	var fb strings.Builder
	writeFailures(&fb, o.res.Failures, "")
	if fb.Len() > 0 {
		b.WriteString(indentLines(fb.String(), "    "))
	}
	for _, n := range o.res.Notes {
		fmt.Fprintf(b, "    note: %s\n", n)
	}
	var ib strings.Builder
	writeInstances(&ib, o.res)
	b.WriteString(indentLines(ib.String(), "    "))
	b.WriteString("    trace:\n")
	for _, ev := range o.res.Trace {
		fmt.Fprintf(b, "      %s\n", ev.Format(o.res.Start))
	}
}

// roundDuration rounds a run time for display: 12µs, 1.23ms, 2.5s.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(10 * time.Millisecond)
}
