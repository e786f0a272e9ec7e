package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script/*.txtar with the actual output")

// statusFileVar names the environment variable that tells a bpmnrun
// started by a testscript where to record its exit status, for the
// script command "status".
const statusFileVar = "BPMNRUN_TEST_STATUS_FILE"

// TestMain makes the test binary double as the bpmnrun command: scripts run
// "exec bpmnrun ..." and get run() in a process of its own, with the
// script's stdin, environment and working directory.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"bpmnrun": func() {
			code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
			if f := os.Getenv(statusFileVar); f != "" {
				if err := os.WriteFile(f, []byte(strconv.Itoa(code)), 0o666); err != nil {
					fmt.Fprintln(os.Stderr, "bpmnrun test: recording exit status:", err)
					code = exitInternal
				}
			}
			os.Exit(code)
		},
	})
}

// TestScripts runs testdata/script/*.txtar, one per behaviour of the CLI.
// Besides the standard commands (see the testscript package) scripts have
//
//	status N   the last "exec bpmnrun" exited with status N
//
// Run with -update to rewrite the expected stdout and stderr in place.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			dir, err := os.MkdirTemp("", "bpmnrun-status")
			if err != nil {
				return err
			}
			env.Defer(func() { os.RemoveAll(dir) })
			env.Setenv(statusFileVar, filepath.Join(dir, "status"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status": cmdStatus,
		},
	})
}

// cmdStatus checks the exit status recorded by the last "exec bpmnrun".
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: status N")
	}
	data, err := os.ReadFile(ts.Getenv(statusFileVar))
	if err != nil {
		ts.Fatalf("no exit status recorded: was bpmnrun run with exec? (%v)", err)
	}
	if got := strings.TrimSpace(string(data)); got != args[0] {
		ts.Fatalf("bpmnrun exited with status %s, want %s", got, args[0])
	}
}
