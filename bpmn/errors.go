package bpmn

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error returned by Parse, ParseBytes and ParseFile
// (other than an I/O error) matches one of them with errors.Is.
var (
	// ErrSyntax: the input is not well-formed XML or not a BPMN document.
	ErrSyntax = errors.New("bpmn: syntax error")
	// ErrTooLarge: the input exceeds MaxFileSize, MaxDepth, MaxElements or MaxAttrs.
	ErrTooLarge = errors.New("bpmn: input too large")
	// ErrInvalid: the model has at least one error-severity Problem.
	ErrInvalid = errors.New("bpmn: invalid model")
	// ErrUnsupported: the input uses something bpmnrun refuses: a DTD
	// internal subset, an unknown character encoding, or a BPMN element
	// outside the supported subset.
	ErrUnsupported = errors.New("bpmn: unsupported")
)

// SyntaxError reports a document that could not be read: malformed or
// truncated XML and non-BPMN documents (Err is ErrSyntax), an exceeded
// limit (ErrTooLarge), or a refused XML feature such as DOCTYPE entity
// declarations or an unknown encoding (ErrUnsupported).
type SyntaxError struct {
	File string // file name, "" when unknown
	Line int    // 1-based line, 0 when unknown
	Col  int    // 1-based column in bytes, 0 when unknown
	Msg  string
	Err  error // ErrSyntax, ErrTooLarge or ErrUnsupported
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Line, e.Col)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the sentinel classifying the error.
func (e *SyntaxError) Unwrap() error {
	if e.Err == nil {
		return ErrSyntax
	}
	return e.Err
}

// Severity grades a Problem.
type Severity uint8

// Severities. A model with any SeverityError problem is rejected.
const (
	SeverityError Severity = iota
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Problem codes, stable across releases (kebab-case).
const (
	CodeDuplicateID          = "duplicate-id"
	CodeMissingID            = "missing-id"
	CodeDanglingRef          = "dangling-ref"
	CodeFlowScope            = "flow-scope"
	CodeMissingStart         = "missing-start"
	CodeBoundaryAttach       = "boundary-attach"
	CodeBoundaryFlow         = "boundary-flow"
	CodeCompensationHandler  = "compensation-handler"
	CodeCompensationFlow     = "compensation-flow"
	CodeCompensationMultiple = "compensation-multiple"
	CodeCompensationRef      = "compensation-activity-ref"
	CodeCompensationEventSub = "compensation-event-subprocess"
	CodeEventGatewayTarget   = "event-gateway-target"
	CodeDefaultFlow          = "default-flow"
	CodeEventDefinition      = "event-definition"
	CodeMultipleEventDefs    = "multiple-event-definitions"
	CodeEventSubprocessFlow  = "event-subprocess-flow"
	CodeCancelOutside        = "cancel-outside-transaction"
	CodeTimer                = "timer-definition"
	CodeUnreachable          = "unreachable"
	CodeUnsupported          = "unsupported-element"
	CodeUnknownElement       = "unknown-element"
	CodeBadValue             = "bad-value"
)

// Problem is one finding of validation, located by element id and path.
type Problem struct {
	Severity  Severity
	Code      string // one of the Code constants
	File      string
	ElementID string
	Path      string // element path, e.g. "process[p]/subProcess[s]/serviceTask[t]"
	Message   string

	seq int32 // document position of the element, for sorting
}

// String formats p as "file: path (id): severity: message", leaving out
// empty parts.
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		if p.ElementID != "" {
			b.WriteString(" ")
		}
	}
	if p.ElementID != "" {
		b.WriteString("(")
		b.WriteString(p.ElementID)
		b.WriteString(")")
	}
	if p.Path != "" || p.ElementID != "" {
		b.WriteString(": ")
	}
	b.WriteString(p.Severity.String())
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError is returned when a model has error-severity problems.
// It carries every problem found, warnings included, sorted by document
// order.
type ValidationError struct {
	File     string
	Problems []Problem
}

// Error lists the error-severity problems, one per line.
func (e *ValidationError) Error() string {
	var lines []string
	for _, p := range e.Problems {
		if p.Severity == SeverityError {
			lines = append(lines, p.String())
		}
	}
	if len(lines) == 0 {
		return "bpmn: invalid model"
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns ErrInvalid, and ErrUnsupported as well when an
// unsupported element was found.
func (e *ValidationError) Unwrap() []error {
	for _, p := range e.Problems {
		if p.Code == CodeUnsupported && p.Severity == SeverityError {
			return []error{ErrInvalid, ErrUnsupported}
		}
	}
	return []error{ErrInvalid}
}
