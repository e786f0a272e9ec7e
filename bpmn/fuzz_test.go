package bpmn

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is one of the
// typed errors, and that accepted models are consistent and dump
// deterministically.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.bpmn*")
	corpus := filepath.Join("..", "..", "shared", "corpus")
	for _, rel := range []string{
		"engines/camunda7/CompensateEventTest.testCompensateScope.bpmn20.xml",
		"engines/lib-bpmn-engine/message-EventBasedGateway.bpmn",
		"engines/token-simulation/Simulator.compensation-error.bpmn",
		"miwg/reference/A.3.0.bpmn",
	} {
		seeds = append(seeds, filepath.Join(corpus, rel))
	}
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(strings.Repeat("<a>", 2000)))
	f.Add([]byte(`<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`))
	f.Add([]byte(procXML(`<bpmn:startEvent id="s"/><bpmn:sequenceFlow sourceRef="s" targetRef="s"/>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseBytes("fuzz.bpmn", data)
		if err != nil {
			checkTypedError(t, err)
			return
		}
		checkInvariants(t, d)
		var a, b bytes.Buffer
		if Dump(&a, d) != nil || Dump(&b, d) != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatal("dump not deterministic")
		}
		d2, err := ParseBytes("fuzz.bpmn", data)
		if err != nil || dumpString(t, d2) != a.String() {
			t.Fatalf("second parse differs: %v", err)
		}
	})
}

func checkTypedError(t *testing.T, err error) {
	var se *SyntaxError
	var ve *ValidationError
	switch {
	case errors.As(err, &se):
		if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("SyntaxError without sentinel: %v", err)
		}
	case errors.As(err, &ve):
		if !errors.Is(err, ErrInvalid) || len(ve.Problems) == 0 {
			t.Fatalf("bad ValidationError: %v", err)
		}
	default:
		t.Fatalf("untyped error %T: %v", err, err)
	}
}

// checkInvariants checks the links of an accepted model.
func checkInvariants(t *testing.T, d *Definitions) {
	for _, p := range d.Processes {
		for i, n := range p.AllNodes {
			if n.Index != i || n.Process != p || (n.ID != "" && p.Node(n.ID) == nil) {
				t.Fatalf("node %q: bad index or lookup", n.ID)
			}
			for _, f := range n.Outgoing {
				if f.Source != n || f.Target == nil {
					t.Fatalf("flow %q not linked", f.ID)
				}
			}
			if n.AttachedTo != nil && !n.AttachedTo.Kind.IsActivity() {
				t.Fatalf("boundary %q on %v", n.ID, n.AttachedTo.Kind)
			}
		}
		for i, f := range p.AllFlows {
			if f.Index != i || f.Source == nil || f.Target == nil {
				t.Fatalf("flow %q: bad index or ends", f.ID)
			}
		}
	}
}
