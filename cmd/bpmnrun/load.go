package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// loadModel parses file for a command that needs a valid model (inspect,
// and later run, test, simulate). Warnings and, for an invalid model, every
// problem go to stderr one per line as "bpmnrun: FILE: PATH (ID): SEVERITY:
// MESSAGE"; the returned error names the file and has the right exit code.
func loadModel(stderr io.Writer, file string) (*bpmn.Definitions, error) {
	defs, err := bpmn.ParseFile(file)
	var ve *bpmn.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, p := range ve.Problems {
			fmt.Fprintf(stderr, "bpmnrun: %s\n", formatProblem(file, p))
		}
		return nil, &exitError{
			code: exitFailure,
			err:  &fileError{file: file, err: fmt.Errorf("invalid model: %s", problemCounts(ve.Problems))},
		}
	case err != nil:
		return nil, &fileError{file: file, err: err}
	}
	for _, p := range defs.Warnings {
		fmt.Fprintf(stderr, "bpmnrun: %s\n", formatProblem(file, p))
	}
	return defs, nil
}

// formatProblem formats p as "FILE: PATH (ID): SEVERITY: MESSAGE", leaving
// out the parts that p lacks. FILE is the name given on the command line.
func formatProblem(file string, p bpmn.Problem) string {
	p.File = file
	return p.String()
}

// problemCounts returns "N errors, M warnings" for ps.
func problemCounts(ps []bpmn.Problem) string {
	var errs, warns int
	for _, p := range ps {
		if p.Severity == bpmn.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return plural(errs, "error") + ", " + plural(warns, "warning")
}

// plural returns "1 error", "2 errors", "0 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
