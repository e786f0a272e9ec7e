package interp

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// compileProblems compiles a parsed model and returns its problems, which
// it requires.
func compileProblems(t *testing.T, d *bpmn.Definitions) []*Error {
	t.Helper()
	_, err := Compile(d)
	var ce *CompileError
	if !errors.Is(err, ErrCompile) || !errors.As(err, &ce) {
		t.Fatalf("Compile: err = %v, want a *CompileError", err)
	}
	return ce.Problems
}

// Compensation event subprocesses (a start event with a compensate event
// definition) are rejected at load, naming the event subprocess and its
// start event; compensation runs through boundary events and handlers.
func TestCompileRejectsCompensationEventSubprocess(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><subProcess id="booking"><startEvent id="bs"/>`+svc("book", "book")+`<endEvent id="be"/>`+chain("bs", "book", "be")+
		`<subProcess id="undoAll" triggeredByEvent="true"><startEvent id="undoStart"><compensateEventDefinition/></startEvent>`+
		`<intermediateThrowEvent id="rethrow"><compensateEventDefinition/></intermediateThrowEvent><endEvent id="ue"/>`+chain("undoStart", "rethrow", "ue")+
		`</subProcess></subProcess><endEvent id="e"/>`+chain("s", "booking", "e")))
	d, err := bpmn.ParseBytes("comp.bpmn", []byte(m))
	if err != nil {
		t.Fatal(err)
	}
	probs := compileProblems(t, d)
	if len(probs) != 1 || probs[0].ElementID != "undoAll" || !strings.Contains(probs[0].Msg, `"undoStart"`) {
		t.Fatalf("problems = %v", probs)
	}
	eq(t, "message", probs[0].Error(), `process "p", element "undoAll": event subprocess with compensation start event "undoStart" is not supported; attach compensation handlers to the activities with compensation boundary events`)
}

// The corpus fixtures with compensation event subprocesses (listed in
// testdata/conformance/LEFT_OUT.md) are rejected the same way.
func TestCompileRejectsCorpusCompensationEventSubprocesses(t *testing.T) {
	for _, tc := range []struct{ file, sub string }{
		{"camunda7/CompensateEventTest.testCompensationEventSubProcess.bpmn20.xml", "compensationSubProcess"},
		{"camunda7/CompensateEventTest.testCompensationEventSubprocessWithoutBoundaryEvents.bpmn20.xml", "compensationScope"},
		{"camunda7/CompensateEventTest.testCompensationEventSubprocessReThrowCompensationEvent.bpmn20.xml", "compensationScopeFlight"},
		{"camunda7/CompensateEventTest.testCompensationEventSubprocessConsumeCompensationEvent.bpmn20.xml", "compensationScopeFlight"},
		{"token-simulation/Simulator.compensation-booking.bpmn", "E"},
		{"token-simulation/Simulator.compensation-error.bpmn", "E"},
		{"token-simulation/Simulator.compensation-nested.bpmn", "E"},
		{"token-simulation/Simulator.compensation-once.bpmn", "E"},
	} {
		file, sub := tc.file, tc.sub
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(corpusDir, filepath.FromSlash(file))
			if _, err := os.Stat(path); err != nil {
				t.Skipf("shared corpus not present: %v", err)
			}
			d, err := bpmn.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			probs := compileProblems(t, d)
			for _, p := range probs {
				if !strings.Contains(p.Msg, "event subprocess with compensation start event") {
					t.Errorf("unexpected problem: %v", p)
				}
			}
			if probs[0].ElementID != sub {
				t.Errorf("first problem at %q, want %q", probs[0].ElementID, sub)
			}
		})
	}
}

func TestCompileRejectsConditionalBoundary(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<boundaryEvent id="cb" attachedToRef="a"><conditionalEventDefinition><condition>=x > 1</condition></conditionalEventDefinition></boundaryEvent>
		<endEvent id="e"/><endEvent id="e2"/>`+chain("s", "a", "e")+chain("cb", "e2")))
	d, err := bpmn.ParseBytes("c.bpmn", []byte(m))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(d)
	var ce *CompileError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].ElementID != "cb" || !strings.Contains(ce.Problems[0].Msg, "not supported") {
		t.Fatalf("err = %v", err)
	}
}
