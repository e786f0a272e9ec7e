package sim

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// bpmnDoc wraps process content into a definitions document.
func bpmnDoc(id, body string, extra ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_` + id + `" targetNamespace="http://example.com/sim">
  <process id="` + id + `" isExecutable="true">
` + body + `
  </process>
` + strings.Join(extra, "\n") + `
</definitions>`
}

// chainModel is start → service tasks named ids → end.
func chainModel(id string, tasks ...string) string {
	var b strings.Builder
	b.WriteString(`<startEvent id="s"/>`)
	prev := "s"
	for _, t := range tasks {
		fmt.Fprintf(&b, `<serviceTask id="%s"/><sequenceFlow id="to_%s" sourceRef="%s" targetRef="%s"/>`, t, t, prev, t)
		prev = t
	}
	fmt.Fprintf(&b, `<endEvent id="e"/><sequenceFlow id="to_e" sourceRef="%s" targetRef="e"/>`, prev)
	return bpmnDoc(id, b.String())
}

func parseModel(t testing.TB, xml string) *bpmn.Definitions {
	t.Helper()
	defs, err := bpmn.ParseBytes("test.bpmn", []byte(xml))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return defs
}

func parseParams(t testing.TB, yml string) *Params {
	t.Helper()
	p, err := ParseParams("params.yaml", []byte(yml))
	if err != nil {
		t.Fatalf("params: %v", err)
	}
	return p
}

// simulate parses the model and parameters and runs them.
func simulate(t testing.TB, xml, yml string) *Report {
	t.Helper()
	return simulateWith(t, xml, parseParams(t, yml), RunOptions{})
}

func simulateWith(t testing.TB, xml string, p *Params, o RunOptions) *Report {
	t.Helper()
	m, err := NewModel(parseModel(t, xml), p)
	if err != nil {
		t.Fatalf("model: %v", err)
	}
	rep, err := m.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("run (seed %d): %v", p.Seed, err)
	}
	return rep
}

func textReport(t testing.TB, r *Report) string {
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func activity(t testing.TB, r *Report, id string) Activity {
	t.Helper()
	for _, a := range r.Activities {
		if a.Element == id {
			return a
		}
	}
	t.Fatalf("no activity %q in the report", id)
	return Activity{}
}

func pool(t testing.TB, r *Report, name string) PoolStats {
	t.Helper()
	for _, p := range r.Pools {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no pool %q in the report", name)
	return PoolStats{}
}

func outcome(r *Report, outcome, end string) float64 {
	for _, o := range r.Outcomes {
		if o.Outcome == outcome && o.EndEvent == end {
			return o.Cases.Value
		}
	}
	return 0
}
