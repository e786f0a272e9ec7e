package bpmn

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Namespace declarations used by the inline test models.
const testNS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ` +
	`xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" ` +
	`xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" ` +
	`xmlns:di="http://www.omg.org/spec/DD/20100524/DI" ` +
	`xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" ` +
	`xmlns:camunda="http://camunda.org/schema/1.0/bpmn" ` +
	`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`

// defsXML wraps root elements in a definitions element.
func defsXML(inner string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<bpmn:definitions ` + testNS + ` id="defs" targetNamespace="http://example.com">` + "\n" +
		inner + "\n</bpmn:definitions>\n"
}

// procXML wraps flow elements in an executable process "p".
func procXML(inner string) string {
	return defsXML(`<bpmn:process id="p" isExecutable="true">` + "\n" + inner + "\n</bpmn:process>")
}

// mustParse parses src and fails the test on error.
func mustParse(t testing.TB, src string) *Definitions {
	t.Helper()
	d, err := ParseBytes("test.bpmn", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return d
}

// problemsOf parses src and returns its problems: those of the
// ValidationError, or the warnings of a valid model.
func problemsOf(t testing.TB, src string) []Problem {
	t.Helper()
	d, err := ParseBytes("test.bpmn", []byte(src))
	var ve *ValidationError
	switch {
	case err == nil:
		return d.Warnings
	case errors.As(err, &ve):
		return ve.Problems
	}
	t.Fatalf("parse: unexpected error %v", err)
	return nil
}

// dumpString dumps d.
func dumpString(t testing.TB, d *Definitions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Dump(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// node returns the node id of the only process of d.
func node(t testing.TB, d *Definitions, id string) *Node {
	t.Helper()
	n := d.Processes[0].Node(id)
	if n == nil {
		t.Fatalf("no node %q", id)
	}
	return n
}

// lines joins lines with newlines.
func lines(ls ...string) string { return strings.Join(ls, "\n") }
