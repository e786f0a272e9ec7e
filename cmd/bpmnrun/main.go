// Command bpmnrun validates, inspects, runs and load-simulates BPMN models.
//
// See docs/cli.md for the subcommands, their output and the exit codes.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
