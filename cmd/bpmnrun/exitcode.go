package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// Exit codes of bpmnrun. They are part of the CLI contract: docs/cli.md
// documents them and the testscripts check them.
const (
	exitOK       = 0 // success
	exitFailure  = 1 // invalid model, failed test, incident
	exitUsage    = 2 // bad command line: unknown command or flag, wrong arguments
	exitIO       = 3 // a file is missing or cannot be read or written
	exitInternal = 4 // a bug in bpmnrun: a broken invariant or a panic
)

// exitError ends a command with a given exit code. With a nil err the
// command has already reported the problem and run prints nothing more.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a command-line mistake (exit 2).
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// silentExit ends a command that has printed its own report.
func silentExit(code int) error {
	if code == exitOK {
		return nil
	}
	return &exitError{code: code}
}

// exitCode maps an error returned by a command to bpmnrun's exit code. It
// is the one place where error kinds become exit codes: commands return
// ordinary (wrapped) errors and only use exitError to override.
func exitCode(err error) int {
	var (
		ee *exitError
		ve *bpmn.ValidationError
		pe *fs.PathError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ve), errors.Is(err, bpmn.ErrInvalid), isModelError(err):
		return exitFailure
	case errors.As(err, &pe), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return exitIO
	default:
		return exitInternal
	}
}

// isModelError reports whether err says that a file cannot be read as a
// BPMN model at all: malformed XML, a refused XML feature or encoding, an
// exceeded size limit (a *bpmn.SyntaxError or its sentinels).
func isModelError(err error) bool {
	var se *bpmn.SyntaxError
	return errors.As(err, &se) || errors.Is(err, bpmn.ErrSyntax) ||
		errors.Is(err, bpmn.ErrTooLarge) || errors.Is(err, bpmn.ErrUnsupported)
}

// fileError is an error about one file. Its message starts with the file
// name, as in "order.bpmn: no such file or directory".
type fileError struct {
	file string
	err  error
}

func (e *fileError) Error() string { return e.file + ": " + fileMessage(e.file, e.err) }

func (e *fileError) Unwrap() error { return e.err }

// fileMessage returns err's message without a repeated file name: the
// "open order.bpmn: " of an *fs.PathError about file is dropped.
func fileMessage(file string, err error) string {
	if pe, ok := err.(*fs.PathError); ok && pe.Path == file {
		return pe.Err.Error()
	}
	return err.Error()
}
