package bpmn

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// startTo is a start event "s" with a flow f0 to target.
func startTo(target string) string {
	return `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="` + target + `"/>`
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		sev  Severity
		code string
		id   string
		msg  string // substring of the message
	}{
		{"duplicate id", procXML(startTo("t") + `<bpmn:task id="t"/><bpmn:task id="t"/>`),
			SeverityError, CodeDuplicateID, "t", `duplicate id "t": already used by <task> at process[p]/task[t]`},
		{"missing node id", procXML(startTo("t") + `<bpmn:task id="t"/><bpmn:task/>`),
			SeverityError, CodeMissingID, "", "task without id"},
		{"dangling attachedToRef", procXML(startTo("charge") + `<bpmn:serviceTask id="charge"/>
<bpmn:boundaryEvent id="b1" attachedToRef="chrge"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`),
			SeverityError, CodeDanglingRef, "b1", `boundaryEvent "b1": attachedToRef "chrge" does not exist (did you mean "charge"?)`},
		{"dangling messageRef", defsXML(`<bpmn:message id="Msg_Order"/><bpmn:process id="p" isExecutable="true">
<bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="Msg_Ordr"/></bpmn:startEvent></bpmn:process>`),
			SeverityError, CodeDanglingRef, "s", `messageRef "Msg_Ordr" does not exist (did you mean "Msg_Order"?)`},
		{"dangling signalRef", procXML(`<bpmn:startEvent id="s"><bpmn:signalEventDefinition signalRef="nope"/></bpmn:startEvent>`),
			SeverityError, CodeDanglingRef, "s", `signalRef "nope" does not exist`},
		{"dangling errorRef is a code", procXML(startTo("e") + `<bpmn:endEvent id="e"><bpmn:errorEventDefinition errorRef="E42"/></bpmn:endEvent>`),
			SeverityWarning, CodeDanglingRef, "e", `errorRef "E42" names no error; it is used as the error code`},
		{"dangling escalationRef is a code", procXML(startTo("e") + `<bpmn:endEvent id="e"><bpmn:escalationEventDefinition escalationRef="X"/></bpmn:endEvent>`),
			SeverityWarning, CodeDanglingRef, "e", `escalationRef "X" names no escalation`},
		{"dangling flow target", procXML(startTo("task1") + `<bpmn:task id="task_1"/>`),
			SeverityError, CodeDanglingRef, "f0", `sequenceFlow "f0": targetRef "task1" does not exist in process "p" (did you mean "task_1"?)`},
		{"flow without sourceRef", procXML(`<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" targetRef="s"/>`),
			SeverityError, CodeDanglingRef, "f0", `sequenceFlow "f0" has no sourceRef`},
		{"dangling default", procXML(startTo("gw") + `<bpmn:exclusiveGateway id="gw" default="fx"/>`),
			SeverityError, CodeDanglingRef, "gw", `default "fx" does not exist`},
		{"default not outgoing", procXML(startTo("gw") + `<bpmn:exclusiveGateway id="gw" default="f0"/>`),
			SeverityError, CodeDefaultFlow, "gw", `default flow "f0" is not an outgoing flow of "gw"`},
		{"dangling activityRef", procXML(startTo("c") + `<bpmn:intermediateThrowEvent id="c"><bpmn:compensateEventDefinition activityRef="INVALID"/></bpmn:intermediateThrowEvent>`),
			SeverityError, CodeDanglingRef, "c", `activityRef "INVALID" does not exist`},
		{"dangling association end", procXML(startTo("t") + `<bpmn:task id="t"/><bpmn:association id="a" sourceRef="t" targetRef="note"/>`),
			SeverityError, CodeDanglingRef, "a", `association "a": targetRef "note" does not exist`},
		{"dangling processRef", defsXML(`<bpmn:process id="order" isExecutable="false"/><bpmn:collaboration id="c"><bpmn:participant id="pt" processRef="ordr"/></bpmn:collaboration>`),
			SeverityError, CodeDanglingRef, "pt", `participant "pt": processRef "ordr" does not exist (did you mean "order"?)`},
		{"dangling messageFlow end", defsXML(`<bpmn:process id="p" isExecutable="false"/><bpmn:collaboration id="c"><bpmn:participant id="pt" processRef="p"/><bpmn:messageFlow id="mf" sourceRef="pt" targetRef="x"/></bpmn:collaboration>`),
			SeverityError, CodeDanglingRef, "mf", `messageFlow "mf": targetRef "x" does not exist`},
		{"ref into another process", defsXML(`<bpmn:process id="p1" isExecutable="true">` + startTo("t") + `<bpmn:task id="t"/></bpmn:process>
<bpmn:process id="p2" isExecutable="true"><bpmn:startEvent id="s2"/><bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent></bpmn:process>`),
			SeverityError, CodeDanglingRef, "b", `attachedToRef "t" names <task> at process[p1]/task[t], not a valid target`},
		{"flow across scopes", procXML(startTo("sp") + `<bpmn:subProcess id="sp"><bpmn:startEvent id="in"/></bpmn:subProcess><bpmn:task id="t"/><bpmn:sequenceFlow id="x" sourceRef="in" targetRef="t"/>`),
			SeverityError, CodeFlowScope, "x", `startEvent "in" is in subProcess "sp", the flow in process "p"`},
		{"no start event", procXML(`<bpmn:task id="t"/>`),
			SeverityError, CodeMissingStart, "p", `process "p" has no start event`},
		{"no start event, descriptive", defsXML(`<bpmn:process id="p"><bpmn:task id="t"/></bpmn:process>`),
			SeverityWarning, CodeMissingStart, "p", `process "p" has no start event`},
		{"event subprocess without start", procXML(`<bpmn:startEvent id="s"/><bpmn:subProcess id="es" triggeredByEvent="true"><bpmn:task id="t"/></bpmn:subProcess>`),
			SeverityError, CodeMissingStart, "es", `event subprocess "es" has no start event`},
		{"subprocess without start", procXML(startTo("sp") + `<bpmn:subProcess id="sp"><bpmn:task id="t"/></bpmn:subProcess>`),
			SeverityError, CodeMissingStart, "sp", `subProcess "sp" has no start event`},
		{"boundary on gateway", procXML(startTo("gw") + `<bpmn:exclusiveGateway id="gw"/><bpmn:boundaryEvent id="b" attachedToRef="gw"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`),
			SeverityError, CodeBoundaryAttach, "b", `boundaryEvent "b" is attached to exclusiveGateway "gw"; boundary events can only be attached to activities`},
		{"boundary with incoming flow", procXML(startTo("b") + `<bpmn:task id="t"/><bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`),
			SeverityError, CodeBoundaryFlow, "b", `boundaryEvent "b" has incoming sequence flows`},
		{"compensation boundary without handler", procXML(startTo("t") + `<bpmn:task id="t"/><bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>`),
			SeverityError, CodeCompensationHandler, "b", `compensation boundary event has no association to an activity with isForCompensation="true"`},
		{"compensation handler with flows", procXML(startTo("t") + `<bpmn:task id="t"/><bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>
<bpmn:task id="undo" isForCompensation="true"/><bpmn:association sourceRef="b" targetRef="undo"/><bpmn:sequenceFlow id="f9" sourceRef="undo" targetRef="t"/>`),
			SeverityError, CodeCompensationFlow, "undo", `compensation activity "undo" has incoming or outgoing sequence flows`},
		{"two compensation boundaries", procXML(startTo("t") + `<bpmn:task id="t"/>
<bpmn:boundaryEvent id="b1" attachedToRef="t"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>
<bpmn:boundaryEvent id="b2" attachedToRef="t"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>
<bpmn:task id="u1" isForCompensation="true"/><bpmn:task id="u2" isForCompensation="true"/>
<bpmn:association sourceRef="b1" targetRef="u1"/><bpmn:association sourceRef="u2" targetRef="b2"/>`),
			SeverityError, CodeCompensationMultiple, "b2", `task "t" already has compensation boundary event "b1"`},
		{"activityRef without compensation", procXML(startTo("t") + `<bpmn:task id="t"/><bpmn:sequenceFlow id="f1" sourceRef="t" targetRef="c"/>
<bpmn:intermediateThrowEvent id="c"><bpmn:compensateEventDefinition activityRef="t"/></bpmn:intermediateThrowEvent>`),
			SeverityError, CodeCompensationRef, "c", `invalid activityRef "t": it must name an activity with a compensation boundary event or an embedded subprocess`},
		{"activityRef out of scope", procXML(startTo("sp") + `<bpmn:subProcess id="sp"><bpmn:startEvent id="s2"/><bpmn:sequenceFlow id="g" sourceRef="s2" targetRef="c"/>
<bpmn:intermediateThrowEvent id="c"><bpmn:compensateEventDefinition activityRef="t"/></bpmn:intermediateThrowEvent></bpmn:subProcess>
<bpmn:task id="t"/><bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>
<bpmn:task id="u" isForCompensation="true"/><bpmn:association sourceRef="b" targetRef="u"/>`),
			SeverityError, CodeCompensationRef, "c", `invalid activityRef "t": the activity is not in the scope of the event`},
		{"compensation event subprocess at process level", procXML(`<bpmn:startEvent id="s"/><bpmn:subProcess id="es" triggeredByEvent="true">
<bpmn:startEvent id="cs"><bpmn:compensateEventDefinition/></bpmn:startEvent></bpmn:subProcess>`),
			SeverityError, CodeCompensationEventSub, "cs", `only supported inside an embedded subprocess`},
		{"event gateway to task", procXML(startTo("gw") + `<bpmn:eventBasedGateway id="gw"/><bpmn:sequenceFlow id="g1" sourceRef="gw" targetRef="t"/><bpmn:serviceTask id="t"/>`),
			SeverityError, CodeEventGatewayTarget, "gw", `flow "g1" leads to serviceTask "t"; an event-based gateway can only be connected to intermediate catch events`},
		{"default flow with condition", procXML(startTo("gw") + `<bpmn:exclusiveGateway id="gw" default="g1"/><bpmn:sequenceFlow id="g1" sourceRef="gw" targetRef="e"><bpmn:conditionExpression>=true</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:endEvent id="e"/>`),
			SeverityError, CodeDefaultFlow, "gw", `default flow "g1" has a condition`},
		{"timer start in embedded subprocess", procXML(startTo("sp") + `<bpmn:subProcess id="sp"><bpmn:startEvent id="ts"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent></bpmn:subProcess>`),
			SeverityError, CodeEventDefinition, "ts", `a timer event is not allowed as start event of an embedded subprocess (allowed: none)`},
		{"none intermediate catch", procXML(startTo("c") + `<bpmn:intermediateCatchEvent id="c"/>`),
			SeverityError, CodeEventDefinition, "c", `a none event is not allowed as intermediateCatchEvent (allowed: message, timer, signal, link, conditional)`},
		{"none boundary", procXML(startTo("t") + `<bpmn:task id="t"/><bpmn:boundaryEvent id="b" attachedToRef="t"/>`),
			SeverityWarning, CodeEventDefinition, "b", `has no event definition and never triggers`},
		{"two event definitions", procXML(startTo("c") + `<bpmn:intermediateCatchEvent id="c"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition><bpmn:signalEventDefinition/></bpmn:intermediateCatchEvent>`),
			SeverityError, CodeMultipleEventDefs, "c", `has 2 event definitions`},
		{"event subprocess with flows", procXML(startTo("es") + `<bpmn:subProcess id="es" triggeredByEvent="true"><bpmn:startEvent id="ms"><bpmn:signalEventDefinition/></bpmn:startEvent></bpmn:subProcess>`),
			SeverityError, CodeEventSubprocessFlow, "es", `event subprocess "es" has incoming or outgoing sequence flows`},
		{"cancel outside transaction", procXML(startTo("e") + `<bpmn:endEvent id="e"><bpmn:cancelEventDefinition/></bpmn:endEvent>`),
			SeverityError, CodeCancelOutside, "e", `cancel events are only allowed in or on a transaction`},
		{"empty timer", procXML(startTo("c") + `<bpmn:intermediateCatchEvent id="c"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>`),
			SeverityWarning, CodeTimer, "c", `timer has no timeDate, timeDuration or timeCycle`},
		{"two timer values", procXML(startTo("c") + `<bpmn:intermediateCatchEvent id="c"><bpmn:timerEventDefinition><bpmn:timeDate>2030-01-01</bpmn:timeDate><bpmn:timeCycle>R/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`),
			SeverityError, CodeTimer, "c", `timer has more than one of`},
		{"unreachable", procXML(startTo("e") + `<bpmn:endEvent id="e"/><bpmn:task id="island"/><bpmn:sequenceFlow id="g" sourceRef="island" targetRef="e"/>`),
			SeverityWarning, CodeUnreachable, "island", `task "island" is not reachable from any start event`},
		{"complexGateway", procXML(startTo("cg") + `<bpmn:complexGateway id="cg"/>`),
			SeverityError, CodeUnsupported, "cg", `unsupported element complexGateway "cg"`},
		{"adHocSubProcess", procXML(startTo("ah") + `<bpmn:adHocSubProcess id="ah"/>`),
			SeverityError, CodeUnsupported, "ah", `unsupported element adHocSubProcess "ah"`},
		{"standard loop", procXML(startTo("t") + `<bpmn:task id="t"><bpmn:standardLoopCharacteristics/></bpmn:task>`),
			SeverityError, CodeUnsupported, "", `standard loop (standardLoopCharacteristics) on task "t" is not supported`},
		{"transaction", procXML(startTo("tx") + `<bpmn:transaction id="tx"><bpmn:startEvent id="ts"/></bpmn:transaction>`),
			SeverityError, CodeUnsupported, "tx", `transaction "tx": transaction subprocess not supported`},
		{"choreography", defsXML(`<bpmn:choreography id="ch"><bpmn:choreographyTask id="ct"/></bpmn:choreography>`),
			SeverityError, CodeUnsupported, "ch", `unsupported element choreography "ch"`},
		{"unknown element", procXML(startTo("t") + `<bpmn:task id="t"/><bpmn:fancyTask id="ft"/>`),
			SeverityWarning, CodeUnknownElement, "ft", `unknown element fancyTask ignored`},
		{"bad DI number", defsXML(`<bpmn:process id="p"/><bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="pl"><bpmndi:BPMNShape id="sh" bpmnElement="p"><dc:Bounds x="1" y="two" width="3" height="4"/></bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>`),
			SeverityWarning, CodeBadValue, "", `Bounds: y="two" is not a number`},
		{"dangling DI element", defsXML(`<bpmn:process id="p"/><bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="pl"><bpmndi:BPMNShape id="sh" bpmnElement="gone"/></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>`),
			SeverityWarning, CodeDanglingRef, "sh", `BPMNShape "sh": bpmnElement "gone" does not exist`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := problemsOf(t, tt.src)
			for _, p := range probs {
				if p.Code == tt.code && p.ElementID == tt.id && strings.Contains(p.Message, tt.msg) {
					if p.Severity != tt.sev {
						t.Errorf("severity = %v, want %v", p.Severity, tt.sev)
					}
					if p.File != "test.bpmn" || p.Path == "" {
						t.Errorf("problem not located: %+v", p)
					}
					return
				}
			}
			t.Errorf("no %s problem on %q containing %q; got:\n%s", tt.code, tt.id, tt.msg, problemLines(probs))
		})
	}
}

func problemLines(probs []Problem) string {
	var b strings.Builder
	for _, p := range probs {
		fmt.Fprintf(&b, "  [%s] %s\n", p.Code, p)
	}
	return b.String()
}

// TestAllProblemsSorted checks that validation goes on after the first
// error, and that problems come sorted in document order.
func TestAllProblemsSorted(t *testing.T) {
	src := procXML(`<bpmn:task id="t1"/>
<bpmn:sequenceFlow id="f1" sourceRef="t1" targetRef="nowhere"/>
<bpmn:complexGateway id="cg"/>
<bpmn:intermediateCatchEvent id="w"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>
<bpmn:boundaryEvent id="b" attachedToRef="t9"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:task id="t1"/>`)
	_, err := ParseBytes("order.bpmn", []byte(src))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	want := lines(
		`order.bpmn: process[p] (p): error: process "p" has no start event`,
		`order.bpmn: process[p]/sequenceFlow[f1] (f1): error: sequenceFlow "f1": targetRef "nowhere" does not exist in process "p"`,
		`order.bpmn: process[p]/complexGateway[cg] (cg): error: unsupported element complexGateway "cg"`,
		`order.bpmn: process[p]/boundaryEvent[b] (b): error: boundaryEvent "b": attachedToRef "t9" does not exist (did you mean "t1"?)`,
		`order.bpmn: process[p]/task[t1] (t1): error: duplicate id "t1": already used by <task> at process[p]/task[t1]`,
	)
	if got := err.Error(); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
	// Warnings travel with the errors.
	var warn int
	for _, p := range ve.Problems {
		if p.Severity == SeverityWarning {
			warn++
		}
	}
	if warn == 0 || len(ve.Problems) != 5+warn {
		t.Errorf("problems:\n%s", problemLines(ve.Problems))
	}
	if !errors.Is(err, ErrInvalid) || !errors.Is(err, ErrUnsupported) || errors.Is(err, ErrSyntax) {
		t.Errorf("errors.Is mismatch for %v", err)
	}
	if ve.File != "order.bpmn" {
		t.Errorf("File = %q", ve.File)
	}
}

func TestWarningsKept(t *testing.T) {
	d := mustParse(t, procXML(startTo("e")+`<bpmn:endEvent id="e"/><bpmn:task id="lonely"/>`))
	if len(d.Warnings) != 1 || d.Warnings[0].Code != CodeUnreachable || d.Warnings[0].ElementID != "lonely" {
		t.Errorf("Warnings = %v", d.Warnings)
	}
	want := `test.bpmn: process[p]/task[lonely] (lonely): warning: task "lonely" is not reachable from any start event`
	if got := d.Warnings[0].String(); got != want {
		t.Errorf("String() = %s", got)
	}
}

// TestReachability checks the entry points that exempt nodes from the
// unreachable warning.
func TestReachability(t *testing.T) {
	src := procXML(startTo("t") + `<bpmn:task id="t"/>
<bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>
<bpmn:task id="undo" isForCompensation="true"/><bpmn:association sourceRef="b" targetRef="undo"/>
<bpmn:boundaryEvent id="tb" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:sequenceFlow id="g1" sourceRef="tb" targetRef="late"/><bpmn:task id="late"/>
<bpmn:sequenceFlow id="g2" sourceRef="t" targetRef="lt"/>
<bpmn:intermediateThrowEvent id="lt"><bpmn:linkEventDefinition name="x"/></bpmn:intermediateThrowEvent>
<bpmn:intermediateCatchEvent id="lc"><bpmn:linkEventDefinition name="x"/></bpmn:intermediateCatchEvent>
<bpmn:sequenceFlow id="g3" sourceRef="lc" targetRef="after"/><bpmn:task id="after"/>
<bpmn:subProcess id="es" triggeredByEvent="true"><bpmn:startEvent id="ess"><bpmn:signalEventDefinition/></bpmn:startEvent>
<bpmn:sequenceFlow id="g4" sourceRef="ess" targetRef="inner"/><bpmn:task id="inner"/></bpmn:subProcess>
<bpmn:subProcess id="dead"><bpmn:startEvent id="ds"/></bpmn:subProcess>`)
	var got []string
	for _, p := range problemsOf(t, src) {
		got = append(got, p.Code+":"+p.ElementID)
	}
	if strings.Join(got, " ") != "unreachable:dead" {
		t.Errorf("problems = %v, want only dead unreachable (its content not reported again)", got)
	}
}

func TestSuggest(t *testing.T) {
	b := newBuilder("", nil)
	tests := []struct {
		ref   string
		cands []string
		want  string
	}{
		{"chrge", []string{"refund", "charge"}, "charge"},
		{"Task_1", []string{"Task_2", "Task_1x", "task_1"}, "Task_2"},
		{"abc", []string{"xyz"}, ""},
		{"a", []string{"a"}, ""},
		{"bookHotl", []string{"bookFlight", "bookHotel"}, "bookHotel"},
	}
	for _, tt := range tests {
		got := b.suggest(tt.ref, func() []string { return tt.cands })
		want := ""
		if tt.want != "" {
			want = fmt.Sprintf(" (did you mean %q?)", tt.want)
		}
		if got != want {
			t.Errorf("suggest(%q) = %q, want %q", tt.ref, got, want)
		}
	}
	if d := levenshtein("kitten", "sitting"); d != 3 {
		t.Errorf("levenshtein = %d", d)
	}
}
