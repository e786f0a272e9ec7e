package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// run is bpmnrun's whole program: it parses args, runs the subcommand with
// the given standard streams and returns the exit code (see exitcode.go).
// Only main calls os.Exit; tests call run directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return execute(newRootCmd(), args, stdin, stdout, stderr)
}

// execute runs the command tree root on args and maps the outcome to an
// exit code: usage errors (those cobra returns before any command runs) are
// 2, a panic is an internal error, 4; other errors go through exitCode.
// Every error is reported on stderr.
func execute(root *cobra.Command, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "bpmnrun: internal error: %v\n%s", r, debug.Stack())
			code = exitInternal
		}
	}()
	var started bool // set when a subcommand's RunE begins
	markStarted(root, &started)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	code = exitCode(err)
	if !started {
		// Cobra rejected the command line before any subcommand ran:
		// an unknown command or flag, or the wrong number of arguments.
		code = exitUsage
	}
	reportError(stderr, cmd, code, err)
	return code
}

// newRootCmd builds the command tree. Every subcommand lives in its own
// file, named after it, with a newXxxCmd constructor; add new ones here.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "bpmnrun",
		Short: "Validate, inspect, run and load-simulate BPMN models",
		Long: `bpmnrun is a BPMN-subset interpreter and load simulator.

It reads .bpmn files as drawn by Camunda Modeler and other BPMN 2.0 tools,
checks them against the subset it supports, and shows their process graph.
Exit codes: 0 ok, 1 failure (invalid model, failed test, incident), 2 usage
error, 3 I/O error, 4 internal error.`,
		Version:       versionString(),
		SilenceErrors: true, // run reports errors, with the exit code
		SilenceUsage:  true, // a failing command is not a usage mistake
		RunE: func(cmd *cobra.Command, args []string) error {
			// Only reached without a subcommand: unknown ones are
			// rejected by cobra before this runs.
			cmd.SetOut(cmd.ErrOrStderr())
			if err := cmd.Help(); err != nil {
				return err
			}
			return &exitError{code: exitUsage}
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(
		newValidateCmd(),
		newInspectCmd(),
		newRunCmd(),
		newTestCmd(),
		newSimulateCmd(),
		newCompareCmd(),
		newServeCmd(),
		newVersionCmd(),
	)
	return root
}

// markStarted wraps the RunE of every command below root so that *started
// records whether command-line parsing got as far as running a command.
// Errors returned before that are usage errors.
func markStarted(root *cobra.Command, started *bool) {
	for _, c := range root.Commands() {
		markStarted(c, started)
		if c.RunE == nil {
			continue
		}
		runE := c.RunE
		c.RunE = func(cmd *cobra.Command, args []string) error {
			*started = true
			return runE(cmd, args)
		}
	}
}

// reportError prints err as "bpmnrun: message" on stderr, followed by a
// pointer to the help of cmd for usage errors. An exitError without an
// error prints nothing: its command has reported already.
func reportError(stderr io.Writer, cmd *cobra.Command, code int, err error) {
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		return
	}
	fmt.Fprintf(stderr, "bpmnrun: %v\n", err)
	if code == exitUsage && cmd != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
}
