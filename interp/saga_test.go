package interp

import (
	"strings"
	"testing"
	"time"
)

// compTask is a service task with a compensation boundary event whose
// handler is a service task of type "undo-<id>".
func compTask(id string) string {
	return svc(id, id) +
		`<boundaryEvent id="` + id + `-cb" attachedToRef="` + id + `"><compensateEventDefinition/></boundaryEvent>` +
		`<serviceTask id="undo-` + id + `" isForCompensation="true"><extensionElements><zeebe:taskDefinition type="undo-` + id + `"/></extensionElements></serviceTask>` +
		`<association id="as-` + id + `" associationDirection="One" sourceRef="` + id + `-cb" targetRef="undo-` + id + `"/>`
}

// trip books hotel, car, flight; a flight error is caught by an error
// boundary, which throws compensation for the whole process and ends.
var trip = defs(`<error id="err" errorCode="FLIGHT"/>` + proc("trip", `<startEvent id="s"/>`+
	compTask("hotel")+compTask("car")+svc("flight", "flight")+
	`<boundaryEvent id="fail" attachedToRef="flight"><errorEventDefinition errorRef="err"/></boundaryEvent>
	<intermediateThrowEvent id="undo"><compensateEventDefinition/></intermediateThrowEvent>
	<endEvent id="booked"/><endEvent id="cancelled"/>`+
	chain("s", "hotel", "car", "flight", "booked")+chain("fail", "undo", "cancelled")))

func TestTripSagaReverseOrder(t *testing.T) {
	h := newHarness(t, trip)
	k := h.start("trip", nil)
	h.complete("hotel", nil)
	h.complete("car", nil)
	if err := h.e.ThrowError(h.open("flight")[0].Key, "FLIGHT", "no seats", nil); err != nil {
		t.Fatal(err)
	}
	// sequential: only the car's handler first
	eq(t, "open", h.openIDs(), []string{"undo-car"})
	h.complete("undo-car", nil)
	eq(t, "open", h.openIDs(), []string{"undo-hotel"})
	h.complete("undo-hotel", nil)
	h.mustEnd(k, Completed, "cancelled")
	if !strings.Contains(h.passed(), "undo-car,undo-hotel,undo,cancelled") {
		t.Errorf("passed = %s", h.passed())
	}
}

func TestTripSagaParallelMode(t *testing.T) {
	h := newHarness(t, trip, func(o *Options) { o.ParallelCompensation = true })
	k := h.start("trip", nil)
	h.complete("hotel", nil)
	h.complete("car", nil)
	if err := h.e.ThrowError(h.open("flight")[0].Key, "FLIGHT", "no seats", nil); err != nil {
		t.Fatal(err)
	}
	eq(t, "open", h.openIDs(), []string{"undo-car", "undo-hotel"})
	h.complete("undo-hotel", nil)
	if _, ok := h.ended1(k); ok {
		t.Fatal("throw did not wait for every handler")
	}
	h.complete("undo-car", nil)
	h.mustEnd(k, Completed, "cancelled")
}

func TestTripSagaHappyPathNoCompensation(t *testing.T) {
	h := newHarness(t, trip)
	k := h.start("trip", nil)
	h.complete("hotel", nil)
	h.complete("car", nil)
	h.complete("flight", nil)
	h.mustEnd(k, Completed, "booked")
	if strings.Contains(h.trace(), "compensating") {
		t.Error("compensation ran on the happy path")
	}
}

func TestCompensationActivityRefAndOnce(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>`+compTask("a")+compTask("b")+
		`<intermediateThrowEvent id="ua"><compensateEventDefinition activityRef="a"/></intermediateThrowEvent>
		<intermediateThrowEvent id="all"><compensateEventDefinition/></intermediateThrowEvent><endEvent id="e"/>`+
		chain("s", "a", "b", "ua", "all", "e")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.complete("a", nil)
	h.complete("b", nil)
	eq(t, "open", h.openIDs(), []string{"undo-a"})
	h.complete("undo-a", nil)
	// the second throw compensates b only: a's record was used
	eq(t, "open", h.openIDs(), []string{"undo-b"})
	h.complete("undo-b", nil)
	h.mustEnd(k, Completed, "e")
}

func TestCompensationLoopCompensatedTwice(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><exclusiveGateway id="m"/>`+compTask("a")+`<exclusiveGateway id="g" default="g-u"/>
		<intermediateThrowEvent id="u"><compensateEventDefinition/></intermediateThrowEvent><endEvent id="e"/>`+
		chain("s", "m", "a", "g")+flow("g", "m", "=again")+chain("g", "u", "e")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.complete("a", map[string]any{"again": true})
	h.complete("a", map[string]any{"again": false})
	h.complete("undo-a", nil)
	h.complete("undo-a", nil)
	h.mustEnd(k, Completed, "e")
}

func TestMultiInstanceParallelCollection(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><serviceTask id="ship"><extensionElements><zeebe:taskDefinition type="ship"/>
		<zeebe:ioMapping><zeebe:output source="=tracking" target="tracking"/></zeebe:ioMapping></extensionElements>
		<multiInstanceLoopCharacteristics><extensionElements><zeebe:loopCharacteristics inputCollection="=items" inputElement="item" outputCollection="results" outputElement="=tracking"/></extensionElements></multiInstanceLoopCharacteristics></serviceTask>
		<endEvent id="e"/>`+chain("s", "ship", "e")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"items": []any{"x", "y", "z"}})
	js := h.open("ship")
	eq(t, "parallel jobs", len(js), 3)
	for i := len(js) - 1; i >= 0; i-- {
		v, _ := h.e.JobVariables(js[i].Key)
		if err := h.e.CompleteJob(js[i].Key, map[string]any{"tracking": "T-" + v["item"].(string)}); err != nil {
			t.Fatal(err)
		}
	}
	end := h.mustEnd(k, Completed, "e")
	eq(t, "results", end.Variables["results"], []any{"T-x", "T-y", "T-z"})
}

func TestMultiInstanceSequentialCompletionCondition(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><serviceTask id="try"><extensionElements><zeebe:taskDefinition type="try"/></extensionElements>
		<multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>5</loopCardinality><completionCondition>=ok</completionCondition></multiInstanceLoopCharacteristics></serviceTask>
		<endEvent id="e"/>`+chain("s", "try", "e")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"ok": false})
	eq(t, "one at a time", len(h.open("try")), 1)
	h.complete("try", nil)
	eq(t, "one at a time", len(h.open("try")), 1)
	h.complete("try", map[string]any{"ok": true})
	h.mustEnd(k, Completed, "e")
	eq(t, "attempts", strings.Count(h.trace(), "job-created try"), 2)
}

func TestEventSubprocessTimerInterrupting(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<endEvent id="e"/>`+chain("s", "a", "e")+
		`<subProcess id="es" triggeredByEvent="true"><startEvent id="es-s"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></startEvent>
		<endEvent id="es-e"/>`+chain("es-s", "es-e")+`</subProcess>`))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.advance(60 * 60e9)
	h.mustEnd(k, Completed, "")
	eq(t, "jobs", len(h.e.Jobs()), 0)
}

func TestEventSubprocessMessageNonInterrupting(t *testing.T) {
	m := msgDefs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<endEvent id="e"/>`+chain("s", "a", "e")+
		`<subProcess id="es" triggeredByEvent="true"><startEvent id="es-s" isInterrupting="false"><messageEventDefinition messageRef="m1"/></startEvent>`+
		svc("note", "note")+`<endEvent id="es-e"/>`+chain("es-s", "note", "es-e")+`</subProcess>`))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"orderId": "o1"})
	h.publish("confirm", "o1", nil, 0)
	h.publish("confirm", "o1", nil, 0)
	eq(t, "notes", len(h.open("note")), 2)
	h.complete("a", nil)
	if _, ok := h.ended1(k); ok {
		t.Fatal("ended while event subprocesses run")
	}
	h.complete("note", nil)
	h.complete("note", nil)
	h.mustEnd(k, Completed, "")
}

func TestCallActivity(t *testing.T) {
	m := defs(proc("parent", `<startEvent id="s"/><callActivity id="call"><extensionElements><zeebe:calledElement processId="child"/></extensionElements></callActivity><endEvent id="e"/>`+chain("s", "call", "e")) +
		proc("child", `<startEvent id="cs"/>`+svc("work", "work")+`<endEvent id="ce"/>`+chain("cs", "work", "ce")))
	h := newHarness(t, m)
	k := h.start("parent", map[string]any{"in": 1.0})
	j := h.open("work")[0]
	if j.Instance == k {
		t.Fatal("job in the parent instance")
	}
	v, _ := h.e.JobVariables(j.Key)
	eq(t, "in", v["in"], 1.0)
	h.complete("work", map[string]any{"out": 2.0})
	end := h.mustEnd(k, Completed, "e")
	eq(t, "out", end.Variables["out"], 2.0)
}

func TestCallActivityErrorPropagates(t *testing.T) {
	m := defs(proc("parent", `<startEvent id="s"/><callActivity id="call"><extensionElements><zeebe:calledElement processId="child"/></extensionElements></callActivity>
		<boundaryEvent id="b" attachedToRef="call"><errorEventDefinition/></boundaryEvent><endEvent id="e"/><endEvent id="err"/>`+chain("s", "call", "e")+chain("b", "err")) +
		proc("child", `<startEvent id="cs"/>`+svc("work", "work")+`<endEvent id="ce"/>`+chain("cs", "work", "ce")))
	h := newHarness(t, m)
	k := h.start("parent", nil)
	if err := h.e.ThrowError(h.open("work")[0].Key, "X", "", nil); err != nil {
		t.Fatal(err)
	}
	h.mustEnd(k, Completed, "err")
	eq(t, "instances", len(h.e.Instances()), 0)
}

// A handler of an activity inside an embedded subprocess sees the
// subprocess's local variables as they were when it completed (Camunda 7),
// and the throw scope's current variables.
func TestCompensationHandlerSeesSubprocessSnapshot(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>
		<subProcess id="sub"><extensionElements><zeebe:ioMapping><zeebe:input source="=&quot;R-&quot; + orderId" target="reservation"/></zeebe:ioMapping></extensionElements>
		  <startEvent id="ss"/>`+compTask("reserve")+`<endEvent id="se"/>`+chain("ss", "reserve", "se")+`</subProcess>
		<intermediateThrowEvent id="undo"><compensateEventDefinition/></intermediateThrowEvent><endEvent id="e"/>`+
		chain("s", "sub", "undo", "e")))
	h := newHarness(t, m)
	h.start("p", map[string]any{"orderId": "o1"})
	h.complete("reserve", nil)
	j := h.open("undo-reserve")
	if len(j) != 1 {
		t.Fatalf("handler not started:\n%s", h.trace())
	}
	v, _ := h.e.JobVariables(j[0].Key)
	eq(t, "snapshot variable", v["reservation"], "R-o1")
	eq(t, "current variable", v["orderId"], "o1")
}

// Compensation does not descend into a called process: only a
// compensation boundary on the call activity compensates it.
func TestCompensationStopsAtCallActivity(t *testing.T) {
	m := defs(proc("parent", `<startEvent id="s"/><callActivity id="call"><extensionElements><zeebe:calledElement processId="child"/></extensionElements></callActivity>
		<intermediateThrowEvent id="undo"><compensateEventDefinition/></intermediateThrowEvent><endEvent id="e"/>`+chain("s", "call", "undo", "e")) +
		proc("child", `<startEvent id="cs"/>`+compTask("inner")+`<endEvent id="ce"/>`+chain("cs", "inner", "ce")))
	h := newHarness(t, m)
	k := h.start("parent", nil)
	h.complete("inner", nil)
	h.mustEnd(k, Completed, "e")
	if strings.Contains(h.trace(), "compensating") {
		t.Fatalf("compensation crossed the call activity:\n%s", h.trace())
	}
	m2 := strings.Replace(m, `<intermediateThrowEvent id="undo">`, `<boundaryEvent id="call-cb" attachedToRef="call"><compensateEventDefinition/></boundaryEvent>
		<serviceTask id="undo-call" isForCompensation="true"><extensionElements><zeebe:taskDefinition type="undo-call"/></extensionElements></serviceTask>
		<association id="as-call" sourceRef="call-cb" targetRef="undo-call"/><intermediateThrowEvent id="undo">`, 1)
	h2 := newHarness(t, m2)
	k2 := h2.start("parent", nil)
	h2.complete("inner", nil)
	eq(t, "open", h2.openIDs(), []string{"undo-call"})
	h2.complete("undo-call", nil)
	h2.mustEnd(k2, Completed, "e")
}

// A non-interrupting timer event subprocess inside an embedded subprocess
// runs beside the subprocess's work and is withdrawn when it completes.
func TestEventSubprocessInsideSubprocess(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>
		<subProcess id="sub"><startEvent id="ss"/>`+svc("work", "work")+`<endEvent id="se"/>`+chain("ss", "work", "se")+`
		  <subProcess id="remind" triggeredByEvent="true"><startEvent id="rs" isInterrupting="false"><timerEventDefinition><timeCycle>R/PT1M</timeCycle></timerEventDefinition></startEvent>`+
		svc("nudge", "nudge")+`<endEvent id="re"/>`+chain("rs", "nudge", "re")+`</subProcess>
		</subProcess><endEvent id="e"/>`+chain("s", "sub", "e")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.advance(150 * time.Second)
	eq(t, "nudges", len(h.open("nudge")), 2)
	h.complete("nudge", nil)
	h.complete("work", nil)
	if _, ok := h.ended1(k); ok {
		t.Fatal("subprocess completed while its event subprocess still runs")
	}
	h.complete("nudge", nil)
	h.mustEnd(k, Completed, "e")
	if _, ok := h.e.NextDue(); ok {
		t.Fatal("cycle timer not withdrawn when the subprocess completed")
	}
}
