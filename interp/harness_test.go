package interp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// defs wraps process bodies into a BPMN definitions document (Camunda 8
// dialect namespaces declared).
func defs(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="definitions" targetNamespace="t">` + body + `</definitions>`
}

// proc wraps a process body.
func proc(id, body string) string {
	return `<process id="` + id + `" isExecutable="true">` + body + `</process>`
}

// chain returns sequence flows a→b→c…, with ids "a-b".
func chain(ids ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(ids); i++ {
		fmt.Fprintf(&b, `<sequenceFlow id="%s-%s" sourceRef="%s" targetRef="%s"/>`, ids[i], ids[i+1], ids[i], ids[i+1])
	}
	return b.String()
}

// flow returns one sequence flow with an optional FEEL condition.
func flow(from, to, cond string) string {
	if cond == "" {
		return chain(from, to)
	}
	return fmt.Sprintf(`<sequenceFlow id="%s-%s" sourceRef="%s" targetRef="%s"><conditionExpression>%s</conditionExpression></sequenceFlow>`, from, to, from, to, cond)
}

func svc(id, typ string) string {
	return `<serviceTask id="` + id + `"><extensionElements><zeebe:taskDefinition type="` + typ + `"/></extensionElements></serviceTask>`
}

// harness drives an engine in a test and records its trace.
type harness struct {
	t      testing.TB
	e      *Engine
	prog   *Program
	lines  []string
	jobs   []Job
	ended  []InstanceEnd
	incs   []Incident
	tracer bool
}

type recorder struct{ h *harness }

func (r recorder) JobCreated(j Job)              { r.h.jobs = append(r.h.jobs, j) }
func (r recorder) JobCanceled(j Job)             {}
func (r recorder) IncidentRaised(i Incident)     { r.h.incs = append(r.h.incs, i) }
func (r recorder) InstanceEnded(end InstanceEnd) { r.h.ended = append(r.h.ended, end) }

func newHarness(t testing.TB, xml string, opts ...func(*Options)) *harness {
	t.Helper()
	d, err := bpmn.ParseBytes("test.bpmn", []byte(xml))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	h := &harness{t: t}
	o := Options{Observer: recorder{h}}
	o.Trace = func(ev TraceEvent) { h.lines = append(h.lines, ev.Format(DefaultStart)) }
	for _, f := range opts {
		f(&o)
	}
	h.e = New(o)
	h.prog, err = h.e.DeployDefinitions(d)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return h
}

func (h *harness) start(pid string, vars map[string]any) uint64 {
	h.t.Helper()
	k, err := h.e.Start(pid, vars)
	if err != nil {
		h.t.Fatalf("start %s: %v", pid, err)
	}
	return k
}

// open returns the open jobs of an element, in creation order.
func (h *harness) open(elementID string) []Job {
	var out []Job
	for _, j := range h.e.Jobs() {
		if j.ElementID == elementID {
			out = append(out, j)
		}
	}
	return out
}

// complete completes the oldest open job of an element.
func (h *harness) complete(elementID string, vars map[string]any) {
	h.t.Helper()
	js := h.open(elementID)
	if len(js) == 0 {
		h.t.Fatalf("no open job at %q; open jobs: %v\ntrace:\n%s", elementID, h.openIDs(), h.trace())
	}
	if err := h.e.CompleteJob(js[0].Key, vars); err != nil {
		h.t.Fatalf("complete %s: %v", elementID, err)
	}
}

func (h *harness) openIDs() []string {
	var ids []string
	for _, j := range h.e.Jobs() {
		ids = append(ids, j.ElementID)
	}
	return ids
}

// waiting returns the ids of the live elements of an instance.
func (h *harness) waiting(inst uint64) string {
	var ids []string
	for _, el := range h.e.ActiveElements(inst) {
		ids = append(ids, el.ElementID)
	}
	return strings.Join(ids, ",")
}

func (h *harness) trace() string { return strings.Join(h.lines, "\n") }

// passed returns the ids of the elements completed, in order, for an instance.
func (h *harness) passed() string {
	var ids []string
	for _, l := range h.lines {
		f := strings.Fields(l)
		if len(f) >= 4 && f[2] == "completed" {
			ids = append(ids, f[3])
		}
	}
	return strings.Join(ids, ",")
}

func (h *harness) ended1(inst uint64) (InstanceEnd, bool) {
	for _, e := range h.ended {
		if e.Instance == inst {
			return e, true
		}
	}
	return InstanceEnd{}, false
}

func (h *harness) mustEnd(inst uint64, state InstanceState, endEvent string) InstanceEnd {
	h.t.Helper()
	e, ok := h.ended1(inst)
	if !ok {
		h.t.Fatalf("instance %d did not end; waiting at %q; incidents %v\ntrace:\n%s", inst, h.waiting(inst), h.e.Incidents(), h.trace())
	}
	if e.State != state || (endEvent != "" && e.EndEvent != endEvent) {
		h.t.Fatalf("instance %d ended %s at %q, want %s at %q\ntrace:\n%s", inst, e.State, e.EndEvent, state, endEvent, h.trace())
	}
	return e
}

func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	if err := h.e.Advance(d); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) publish(name, key string, vars map[string]any, ttl time.Duration) PublishResult {
	h.t.Helper()
	r, err := h.e.Publish(Message{Name: name, CorrelationKey: key, Variables: vars, TTL: ttl})
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

func eq(t testing.TB, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}
