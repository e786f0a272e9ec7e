package interp

import "testing"

// Regressions for engine bugs found by the conformance fixtures
// (conformance_test.go); each names the fixture that exposed it.

// A none task completes at once, without an element instance; it still
// leaves a compensation record when it has a compensation handler
// (token-simulation Simulator.compensation-intermediate-throw.bpmn).
func TestRegressCompensatePassThroughTask(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><task id="a"/>
		<boundaryEvent id="cb" attachedToRef="a"><compensateEventDefinition/></boundaryEvent>
		<task id="undo" isForCompensation="true"/><association id="as" sourceRef="cb" targetRef="undo"/>
		<intermediateThrowEvent id="comp"><compensateEventDefinition activityRef="a"/></intermediateThrowEvent>
		<endEvent id="e"/>`+chain("s", "a", "comp", "e")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.mustEnd(k, Completed, "e")
	eq(t, "passed", h.passed(), "s,a,undo,comp,e")
}

// An escalation end event whose escalation starts an interrupting event
// subprocess of the same scope must not also consume a token of the
// scope: the instance ended while the event subprocess was still running
// (token-simulation Simulator.compensation-event-sub-process.bpmn).
func TestRegressEscalationEndInterruptingEventSub(t *testing.T) {
	m := defs(`<escalation id="esc" escalationCode="E"/>` + proc("p", `<startEvent id="s"/>
		<endEvent id="up"><escalationEventDefinition escalationRef="esc"/></endEvent>`+chain("s", "up")+
		`<subProcess id="es" triggeredByEvent="true"><startEvent id="es-s"><escalationEventDefinition escalationRef="esc"/></startEvent>`+
		svc("handle", "handle")+`<endEvent id="es-e"/>`+chain("es-s", "handle", "es-e")+`</subProcess>`))
	h := newHarness(t, m)
	k := h.start("p", nil)
	if _, ok := h.ended1(k); ok {
		t.Fatalf("instance ended while its event subprocess runs\n%s", h.trace())
	}
	h.complete("handle", nil)
	h.mustEnd(k, Completed, "")
}

// An intermediate escalation throw whose escalation starts an
// interrupting event subprocess of the same scope is interrupted too: its
// token must not go on.
func TestRegressEscalationThrowInterruptingEventSub(t *testing.T) {
	m := defs(`<escalation id="esc" escalationCode="E"/>` + proc("p", `<startEvent id="s"/>
		<intermediateThrowEvent id="up"><escalationEventDefinition escalationRef="esc"/></intermediateThrowEvent>`+
		svc("after", "after")+`<endEvent id="e"/>`+chain("s", "up", "after", "e")+
		`<subProcess id="es" triggeredByEvent="true"><startEvent id="es-s"><escalationEventDefinition escalationRef="esc"/></startEvent>`+
		svc("handle", "handle")+`<endEvent id="es-e"/>`+chain("es-s", "handle", "es-e")+`</subProcess>`))
	h := newHarness(t, m)
	k := h.start("p", nil)
	eq(t, "open", h.openIDs(), []string{"handle"})
	h.complete("handle", nil)
	h.mustEnd(k, Completed, "")
}
