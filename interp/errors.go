package interp

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error returned by the engine wraps one of these, so
// callers can test with errors.Is; *Error carries the element and instance.
var (
	ErrCompile          = errors.New("compile error")           // model rejected at load
	ErrNotFound         = errors.New("not found")               // unknown process, instance, job or incident
	ErrInvalidInput     = errors.New("invalid input")           // e.g. completing a job that was already completed
	ErrStepBudget       = errors.New("step budget exhausted")   // an endless loop of immediate steps
	ErrCanceled         = errors.New("canceled")                // the context passed with SetContext ended
	ErrDuplicateMessage = errors.New("duplicate message id")    // a buffered message has the same name, key and id
	ErrSnapshot         = errors.New("invalid snapshot")        // a snapshot that cannot be restored
	ErrExpression       = errors.New("expression failed")       // evaluation failure that became an incident
	ErrUnsupported      = errors.New("unsupported at run time") // a construct the engine cannot execute
)

// Error is a located engine error.
type Error struct {
	Err       error  // one of the sentinels above
	ProcessID string // "" when not known
	ElementID string // "" when not tied to an element
	Instance  uint64 // 0 when not tied to an instance
	Msg       string
}

func (e *Error) Error() string {
	var parts []string
	if e.ProcessID != "" {
		parts = append(parts, "process "+quote(e.ProcessID))
	}
	if e.ElementID != "" {
		parts = append(parts, "element "+quote(e.ElementID))
	}
	if e.Instance != 0 {
		parts = append(parts, fmt.Sprintf("instance %d", e.Instance))
	}
	if len(parts) == 0 {
		return e.Msg
	}
	return strings.Join(parts, ", ") + ": " + e.Msg
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

func quote(s string) string { return `"` + s + `"` }

func errorf(sentinel error, processID, elementID string, inst uint64, format string, args ...any) *Error {
	return &Error{Err: sentinel, ProcessID: processID, ElementID: elementID, Instance: inst, Msg: fmt.Sprintf(format, args...)}
}

// CompileError lists every problem found while compiling a model's
// expressions and timers; it unwraps to ErrCompile.
type CompileError struct {
	File     string
	Problems []*Error
}

func (e *CompileError) Error() string {
	s := ""
	for i, p := range e.Problems {
		if i > 0 {
			s += "\n"
		}
		if e.File != "" {
			s += e.File + ": "
		}
		s += p.Error()
	}
	return s
}

// Unwrap returns ErrCompile.
func (e *CompileError) Unwrap() error { return ErrCompile }
