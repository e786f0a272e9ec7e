package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/spf13/cobra"
)

func TestExitCode(t *testing.T) {
	notExist := &fs.PathError{Op: "open", Path: "a.bpmn", Err: syscall.ENOENT}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"explicit", &exitError{code: exitUsage}, exitUsage},
		{"usage", usageError("--seed needs --runs"), exitUsage},
		{"explicit wrapped", fmt.Errorf("x: %w", &exitError{code: exitIO}), exitIO},
		{"invalid model", &bpmn.ValidationError{File: "a.bpmn"}, exitFailure},
		{"syntax", &bpmn.SyntaxError{File: "a.bpmn", Msg: "unexpected EOF"}, exitFailure},
		{"too large", &bpmn.SyntaxError{Msg: "too deep", Err: bpmn.ErrTooLarge}, exitFailure},
		{"too large sentinel", fmt.Errorf("a.bpmn: %w", bpmn.ErrTooLarge), exitFailure},
		{"unsupported", fmt.Errorf("a.bpmn: %w", bpmn.ErrUnsupported), exitFailure},
		{"missing file", notExist, exitIO},
		{"missing file in fileError", &fileError{file: "a.bpmn", err: notExist}, exitIO},
		{"permission", fmt.Errorf("write: %w", fs.ErrPermission), exitIO},
		{"unknown", errors.New("index out of range"), exitInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(tt.err); got != tt.want {
				t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestFileErrorMessage(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: "a.bpmn", Err: syscall.ENOENT}, "a.bpmn: no such file or directory"},
		{&fs.PathError{Op: "open", Path: "other", Err: syscall.ENOENT}, "a.bpmn: open other: no such file or directory"},
		{errors.New("boom"), "a.bpmn: boom"},
	}
	for _, tt := range tests {
		if got := (&fileError{file: "a.bpmn", err: tt.err}).Error(); got != tt.want {
			t.Errorf("fileError{%v}.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestExecute runs a command tree with misbehaving subcommands in process
// and checks the exit code and what reaches stderr.
func TestExecute(t *testing.T) {
	tests := []struct {
		args       []string
		wantCode   int
		wantStderr string
	}{
		{[]string{"ok"}, exitOK, ""},
		{[]string{"fails"}, exitFailure, ""},
		{[]string{"missing"}, exitIO, "bpmnrun: x.bpmn: no such file or directory\n"},
		{[]string{"plain"}, exitInternal, "bpmnrun: something unexpected\n"},
		{[]string{"panics"}, exitInternal, "bpmnrun: internal error: broken invariant\n"},
		{[]string{"nosuch"}, exitUsage, "bpmnrun: unknown command \"nosuch\" for \"bpmnrun\"\nRun 'bpmnrun --help' for usage.\n"},
		{[]string{"ok", "--nosuch"}, exitUsage, "bpmnrun: unknown flag: --nosuch\nRun 'bpmnrun ok --help' for usage.\n"},
		{[]string{"ok", "extra"}, exitUsage, "bpmnrun: unknown command \"extra\" for \"bpmnrun ok\"\nRun 'bpmnrun ok --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := execute(testRoot(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			got := stderr.String()
			if tt.wantCode == exitInternal && strings.Contains(got, "internal error") {
				got, _, _ = strings.Cut(got, "\n") // drop the stack trace
				got += "\n"
			}
			if got != tt.wantStderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tt.wantStderr)
			}
		})
	}
}

func testRoot() *cobra.Command {
	root := &cobra.Command{Use: "bpmnrun", SilenceErrors: true, SilenceUsage: true}
	cmd := func(name string, err error) *cobra.Command {
		return &cobra.Command{Use: name, Args: cobra.NoArgs, RunE: func(*cobra.Command, []string) error { return err }}
	}
	root.AddCommand(
		cmd("ok", nil),
		cmd("fails", silentExit(exitFailure)),
		cmd("missing", &fileError{file: "x.bpmn", err: &fs.PathError{Op: "open", Path: "x.bpmn", Err: syscall.ENOENT}}),
		cmd("plain", errors.New("something unexpected")),
		&cobra.Command{Use: "panics", RunE: func(*cobra.Command, []string) error { panic("broken invariant") }},
	)
	return root
}
