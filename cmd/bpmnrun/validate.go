package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/spf13/cobra"
)

func newValidateCmd() *cobra.Command {
	format := formatText
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check BPMN files against the subset bpmnrun supports",
		Long: `Validate parses each FILE and checks it against the BPMN subset that
bpmnrun supports, reporting every problem with the path and id of the
element concerned, then one summary line per file: "ok FILE" or
"FILE: N errors, M warnings". Warnings do not make a file invalid.

Exit status: 0 if every file is valid, 1 if one is invalid, 2 for a usage
error, 3 if a file cannot be read.`,
		Example: `  bpmnrun validate models/order/order.bpmn
  bpmnrun validate --format json a.bpmn b.bpmn`,
		Args: fileArgs(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(cmd.OutOrStdout(), cmd.ErrOrStderr(), format, args)
		},
	}
	cmd.Flags().Var(&format, "format", `output format: "text" or "json"`)
	return cmd
}

// fileReport is the outcome of validating one file; its JSON form is part
// of the CLI contract (docs/cli.md), field order included.
type fileReport struct {
	File     string          `json:"file"`
	Valid    bool            `json:"valid"`
	Problems []problemReport `json:"problems"`
	// Error says why the file could not be checked at all (exit 3).
	Error string `json:"error,omitempty"`

	problems []bpmn.Problem // what Problems reports, for the text format
	code     int            // exit code for this file
	err      error          // set with Error
}

type problemReport struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Element  string `json:"element"`
	Path     string `json:"path"`
	Message  string `json:"message"`
}

// runValidate validates files in the order given and reports on stdout in
// format: text as it goes, JSON at the end. Files that cannot be read are
// reported on stderr too. The returned error carries the worst exit code.
func runValidate(stdout, stderr io.Writer, format outputFormat, files []string) error {
	reports := make([]fileReport, 0, len(files))
	code := exitOK
	for _, file := range files {
		r := validateFile(file)
		code = max(code, r.code)
		if r.err != nil {
			fmt.Fprintf(stderr, "bpmnrun: %v\n", r.err)
		}
		if format == formatJSON {
			reports = append(reports, r)
			continue
		}
		if err := writeValidateText(stdout, r); err != nil {
			return err
		}
	}
	if format == formatJSON {
		if err := writeValidateJSON(stdout, reports); err != nil {
			return err
		}
	}
	return silentExit(code)
}

// validateFile parses file and turns the outcome into a report. A file
// that is not well-formed XML, or too large, is invalid with one problem.
func validateFile(file string) fileReport {
	r := fileReport{File: file, Problems: []problemReport{}}
	defs, err := bpmn.ParseFile(file)
	var ve *bpmn.ValidationError
	var problems []bpmn.Problem
	switch {
	case err == nil:
		r.Valid = true
		problems = defs.Warnings
		if cps := compileProblems(defs); len(cps) > 0 {
			r.Valid = false
			r.code = exitFailure
			problems = append(append([]bpmn.Problem(nil), cps...), problems...)
		}
	case errors.As(err, &ve):
		r.code = exitFailure
		problems = ve.Problems
	case isModelError(err):
		r.code = exitFailure
		problems = []bpmn.Problem{notAModel(file, err)}
	default:
		r.code = exitCode(err)
		r.err = &fileError{file: file, err: err}
		r.Error = fileMessage(file, err)
	}
	r.problems = problems
	for _, p := range problems {
		r.Problems = append(r.Problems, problemReport{
			Severity: p.Severity.String(),
			Code:     p.Code,
			Element:  p.ElementID,
			Path:     p.Path,
			Message:  p.Message,
		})
	}
	return r
}

// notAModel turns an error that keeps file from being read as a model
// (malformed XML, a refused XML feature, an exceeded size limit) into a
// problem of the file.
func notAModel(file string, err error) bpmn.Problem {
	p := bpmn.Problem{Severity: bpmn.SeverityError, Code: "syntax", File: file, Message: fileMessage(file, err)}
	switch {
	case errors.Is(err, bpmn.ErrTooLarge):
		p.Code = "too-large"
	case errors.Is(err, bpmn.ErrUnsupported):
		p.Code = "unsupported"
	}
	var se *bpmn.SyntaxError
	if errors.As(err, &se) {
		p.Message = se.Msg
		if se.Line > 0 {
			p.Message = fmt.Sprintf("line %d, column %d: %s", se.Line, se.Col, se.Msg)
		}
	}
	return p
}

// writeValidateText writes the problems of r, one per line, and its
// verdict. A file that could not be read has been reported on stderr.
func writeValidateText(w io.Writer, r fileReport) error {
	if r.err != nil {
		return nil
	}
	for _, p := range r.problems {
		fmt.Fprintln(w, formatProblem(r.File, p))
	}
	var err error
	switch {
	case r.Valid && len(r.problems) == 0:
		_, err = fmt.Fprintf(w, "ok %s\n", r.File)
	case r.Valid:
		_, err = fmt.Fprintf(w, "ok %s (%s)\n", r.File, plural(len(r.problems), "warning"))
	default:
		_, err = fmt.Fprintf(w, "%s: %s\n", r.File, problemCounts(r.problems))
	}
	return err
}

func writeValidateJSON(w io.Writer, reports []fileReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // keep "<serviceTask>" readable
	return enc.Encode(reports)
}

// compileProblems compiles the model's expressions, timers and job
// definitions as the engine would at load, and returns each failure as an
// error problem located at its element.
func compileProblems(defs *bpmn.Definitions) []bpmn.Problem {
	_, err := interp.Compile(defs)
	var ce *interp.CompileError
	if !errors.As(err, &ce) {
		return nil
	}
	var out []bpmn.Problem
	for _, e := range ce.Problems {
		p := bpmn.Problem{Severity: bpmn.SeverityError, Code: "expression", File: defs.File, ElementID: e.ElementID, Message: e.Msg}
		if proc := defs.Process(e.ProcessID); proc != nil {
			if n := proc.Node(e.ElementID); n != nil {
				p.Path = n.Path
			}
		}
		out = append(out, p)
	}
	return out
}
