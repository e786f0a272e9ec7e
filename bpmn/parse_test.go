package bpmn

import (
	"encoding/xml"
	"reflect"
	"strings"
	"testing"
)

// chain builds start → element → end around the flow node xml with id "x".
func chain(x string) string {
	return procXML(`<bpmn:startEvent id="s"/>
<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="x"/>
` + x + `
<bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="e"/>
<bpmn:endEvent id="e"/>`)
}

func TestKinds(t *testing.T) {
	tests := []struct {
		xml  string
		kind Kind
		job  bool
	}{
		{`<bpmn:task id="x"/>`, Task, false},
		{`<bpmn:serviceTask id="x"/>`, ServiceTask, true},
		{`<bpmn:sendTask id="x"/>`, SendTask, true},
		{`<bpmn:receiveTask id="x"/>`, ReceiveTask, false},
		{`<bpmn:userTask id="x"/>`, UserTask, true},
		{`<bpmn:manualTask id="x"/>`, ManualTask, false},
		{`<bpmn:scriptTask id="x"/>`, ScriptTask, true},
		{`<bpmn:scriptTask id="x" scriptFormat="js"><bpmn:script>1</bpmn:script></bpmn:scriptTask>`, ScriptTask, false},
		{`<bpmn:businessRuleTask id="x"/>`, BusinessRuleTask, true},
		{`<bpmn:callActivity id="x" calledElement="child"/>`, CallActivity, false},
		{`<bpmn:subProcess id="x"><bpmn:startEvent id="x1"/></bpmn:subProcess>`, SubProcess, false},
		{`<bpmn:exclusiveGateway id="x"/>`, ExclusiveGateway, false},
		{`<bpmn:parallelGateway id="x"/>`, ParallelGateway, false},
		{`<bpmn:inclusiveGateway id="x"/>`, InclusiveGateway, false},
		{`<bpmn:intermediateThrowEvent id="x"/>`, IntermediateThrowEvent, false},
		{`<bpmn:intermediateThrowEvent id="x"><bpmn:messageEventDefinition/></bpmn:intermediateThrowEvent>`, IntermediateThrowEvent, true},
		{`<bpmn:intermediateCatchEvent id="x"><bpmn:signalEventDefinition/></bpmn:intermediateCatchEvent>`, IntermediateCatchEvent, false},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			d := mustParse(t, chain(tt.xml))
			x := node(t, d, "x")
			if x.Kind != tt.kind {
				t.Errorf("kind = %v, want %v", x.Kind, tt.kind)
			}
			if (x.Job != nil) != tt.job {
				t.Errorf("job = %v, want job: %v", x.Job, tt.job)
			}
			if x.Job != nil && x.Job.Type != "x" {
				t.Errorf("default job type = %q, want the element id", x.Job.Type)
			}
			if len(x.Incoming) != 1 || len(x.Outgoing) != 1 || x.Incoming[0].Source.ID != "s" || x.Outgoing[0].Target.ID != "e" {
				t.Errorf("flows not linked: in=%v out=%v", x.Incoming, x.Outgoing)
			}
		})
	}
}

func TestEventDefinitions(t *testing.T) {
	roots := `<bpmn:message id="m" name="msg"/><bpmn:error id="err" errorCode="E1"/>
<bpmn:escalation id="esc" escalationCode="X1"/><bpmn:signal id="sig" name="go"/>`
	tests := []struct {
		name, event string
		check       func(*EventDefinition) bool
	}{
		{"message", `<bpmn:messageEventDefinition messageRef="m"/>`,
			func(e *EventDefinition) bool { return e.Type == MessageEvent && e.Message.Name == "msg" }},
		{"timer-date", `<bpmn:timerEventDefinition><bpmn:timeDate> 2030-01-01T00:00:00Z </bpmn:timeDate></bpmn:timerEventDefinition>`,
			func(e *EventDefinition) bool { return e.Type == TimerEvent && e.TimeDate == "2030-01-01T00:00:00Z" }},
		{"timer-duration", `<bpmn:timerEventDefinition><bpmn:timeDuration>PT5M</bpmn:timeDuration></bpmn:timerEventDefinition>`,
			func(e *EventDefinition) bool { return e.TimeDuration == "PT5M" && e.TimeDate == "" }},
		{"timer-cycle", `<bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>`,
			func(e *EventDefinition) bool { return e.TimeCycle == "R3/PT1H" }},
		{"signal", `<bpmn:signalEventDefinition signalRef="sig"/>`,
			func(e *EventDefinition) bool { return e.Type == SignalEvent && e.Signal.Name == "go" }},
		{"conditional", `<bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=x &gt; 1</bpmn:condition></bpmn:conditionalEventDefinition>`,
			func(e *EventDefinition) bool { return e.Type == ConditionalEvent && e.Condition == "=x > 1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := defsXML(roots + `<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>
<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="x"/>
<bpmn:intermediateCatchEvent id="x">` + tt.event + `</bpmn:intermediateCatchEvent></bpmn:process>`)
			x := node(t, mustParse(t, src), "x")
			if x.Event == nil || !tt.check(x.Event) {
				t.Errorf("event = %+v", x.Event)
			}
		})
	}
}

func TestThrowAndEndEvents(t *testing.T) {
	d := mustParse(t, defsXML(`<bpmn:error id="err" errorCode="E1"/><bpmn:escalation id="esc" escalationCode="X1"/>
<bpmn:process id="p" isExecutable="true">
<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
<bpmn:task id="t"/>
<bpmn:boundaryEvent id="comp" attachedToRef="t"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>
<bpmn:task id="undo" isForCompensation="true"/>
<bpmn:association id="a" sourceRef="undo" targetRef="comp"/>
<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="esc1"/>
<bpmn:intermediateThrowEvent id="esc1"><bpmn:escalationEventDefinition escalationRef="esc"/></bpmn:intermediateThrowEvent>
<bpmn:sequenceFlow id="f3" sourceRef="esc1" targetRef="c1"/>
<bpmn:intermediateThrowEvent id="c1"><bpmn:compensateEventDefinition activityRef="t" waitForCompletion="false"/></bpmn:intermediateThrowEvent>
<bpmn:sequenceFlow id="f4" sourceRef="c1" targetRef="c2"/>
<bpmn:intermediateThrowEvent id="c2"><bpmn:compensateEventDefinition/></bpmn:intermediateThrowEvent>
<bpmn:sequenceFlow id="f5" sourceRef="c2" targetRef="l1"/>
<bpmn:intermediateThrowEvent id="l1"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateThrowEvent>
<bpmn:intermediateCatchEvent id="l2"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateCatchEvent>
<bpmn:sequenceFlow id="f6" sourceRef="l2" targetRef="e1"/>
<bpmn:endEvent id="e1"><bpmn:errorEventDefinition errorRef="err"/></bpmn:endEvent>
<bpmn:endEvent id="e2"><bpmn:terminateEventDefinition/></bpmn:endEvent>
</bpmn:process>`))
	tests := []struct {
		id    string
		check func(*Node) bool
	}{
		{"esc1", func(n *Node) bool { return n.Event.Escalation.EscalationCode == "X1" }},
		{"c1", func(n *Node) bool { return n.Event.ActivityRef.ID == "t" && !n.Event.WaitForCompletion }},
		{"c2", func(n *Node) bool { return n.Event.ActivityRef == nil && n.Event.WaitForCompletion }},
		{"l1", func(n *Node) bool { return n.Event.LinkName == "L" && n.Kind == IntermediateThrowEvent }},
		{"l2", func(n *Node) bool { return n.EventType() == LinkEvent && n.Kind == IntermediateCatchEvent }},
		{"e1", func(n *Node) bool { return n.Event.Error.ErrorCode == "E1" }},
		{"e2", func(n *Node) bool { return n.EventType() == TerminateEvent }},
		{"comp", func(n *Node) bool { return n.CompensationHandler.ID == "undo" && n.AttachedTo.ID == "t" }},
		{"s", func(n *Node) bool { return n.EventType() == NoneEvent && n.Event == nil && n.Interrupting }},
	}
	for _, tt := range tests {
		if n := node(t, d, tt.id); !tt.check(n) {
			t.Errorf("%s: unexpected %+v (event %+v)", tt.id, n, n.Event)
		}
	}
}

func TestBoundaryAndStartDefaults(t *testing.T) {
	d := mustParse(t, procXML(`<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t"/>
<bpmn:userTask id="t"/>
<bpmn:boundaryEvent id="b1" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:boundaryEvent id="b2" attachedToRef="t" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:subProcess id="evt" triggeredByEvent="true">
  <bpmn:startEvent id="es1" isInterrupting="false"><bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
</bpmn:subProcess>`))
	b1, b2, es1, task := node(t, d, "b1"), node(t, d, "b2"), node(t, d, "es1"), node(t, d, "t")
	if !b1.CancelActivity || b2.CancelActivity {
		t.Errorf("CancelActivity: b1=%v b2=%v, want true false", b1.CancelActivity, b2.CancelActivity)
	}
	if es1.Interrupting || !node(t, d, "s").Interrupting {
		t.Errorf("Interrupting: es1=%v, want false; s want true", es1.Interrupting)
	}
	if got := nodeList(task.Boundaries); got != "b1,b2" {
		t.Errorf("Boundaries = %s, want b1,b2", got)
	}
	if evt := node(t, d, "evt"); !evt.TriggeredByEvent || es1.Parent != evt {
		t.Errorf("event subprocess not recognised: %+v", evt)
	}
}

func TestStructure(t *testing.T) {
	d := mustParse(t, procXML(`<bpmn:startEvent id="s"/>
<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="sp"/>
<bpmn:subProcess id="sp">
  <bpmn:startEvent id="s2"/>
  <bpmn:sequenceFlow id="g1" sourceRef="s2" targetRef="inner"/>
  <bpmn:subProcess id="inner"><bpmn:startEvent id="s3"/><bpmn:sequenceFlow id="h1" sourceRef="s3" targetRef="t3"/><bpmn:serviceTask id="t3"/></bpmn:subProcess>
</bpmn:subProcess>
<bpmn:sequenceFlow id="f2" sourceRef="sp" targetRef="gw"/>
<bpmn:parallelGateway id="gw"/>
<bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="e"/>
<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="e"/>
<bpmn:endEvent id="e"/>`))
	p := d.Processes[0]
	var ids []string
	for i, n := range p.AllNodes {
		ids = append(ids, n.ID)
		if n.Index != i || n.Process != p || p.Node(n.ID) != n || d.Element(n.ID) != n {
			t.Errorf("node %s: index %d at %d, process/lookup mismatch", n.ID, n.Index, i)
		}
	}
	if got := strings.Join(ids, " "); got != "s sp s2 inner s3 t3 gw e" {
		t.Errorf("AllNodes = %s (want pre-order document order)", got)
	}
	var fids []string
	for i, f := range p.AllFlows {
		fids = append(fids, f.ID)
		if f.Index != i {
			t.Errorf("flow %s: Index %d at %d", f.ID, f.Index, i)
		}
	}
	if got := strings.Join(fids, " "); got != "f1 g1 h1 f2 f4 f3" {
		t.Errorf("AllFlows = %s", got)
	}
	t3 := node(t, d, "t3")
	if t3.Path != "process[p]/subProcess[sp]/subProcess[inner]/serviceTask[t3]" {
		t.Errorf("Path = %s", t3.Path)
	}
	if t3.Parent.ID != "inner" || t3.Parent.Parent.ID != "sp" || t3.Parent.Parent.Parent != nil {
		t.Errorf("Parent chain wrong")
	}
	if got := flowIDs(node(t, d, "gw").Outgoing); got != "f4,f3" {
		t.Errorf("Outgoing = %s, want document order f4,f3", got)
	}
	if got := flowIDs(node(t, d, "e").Incoming); got != "f4,f3" {
		t.Errorf("Incoming = %s", got)
	}
	if f := d.Element("h1").(*SequenceFlow); f.Parent.ID != "inner" {
		t.Errorf("flow Parent = %v", f.Parent)
	}
	if len(p.Nodes) != 4 || len(node(t, d, "sp").Nodes) != 2 {
		t.Errorf("scopes: %d top nodes, %d in sp", len(p.Nodes), len(node(t, d, "sp").Nodes))
	}
}

func TestGatewaysAndConditions(t *testing.T) {
	d := mustParse(t, procXML(`<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="gw"/>
<bpmn:inclusiveGateway id="gw" default="f2"/>
<bpmn:sequenceFlow id="f1" sourceRef="gw" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">
   ${x &gt; 1}
</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="e"/>
<bpmn:endEvent id="e"/>`))
	gw := node(t, d, "gw")
	if gw.Default == nil || gw.Default.ID != "f2" || !gw.Default.IsDefault {
		t.Errorf("Default = %+v", gw.Default)
	}
	if c := gw.Outgoing[0].Condition; c != "${x > 1}" {
		t.Errorf("Condition = %q", c)
	}
	if gw.Outgoing[0].IsDefault {
		t.Error("f1 marked default")
	}
}

func TestGeneratedFlowIDs(t *testing.T) {
	d := mustParse(t, procXML(`<bpmn:startEvent id="s"/>
<bpmn:sequenceFlow sourceRef="s" targetRef="flow_1"/>
<bpmn:task id="flow_1"/>
<bpmn:sequenceFlow sourceRef="flow_1" targetRef="e"/>
<bpmn:endEvent id="e"/>`))
	p := d.Processes[0]
	if p.AllFlows[0].ID != "flow_2" || p.AllFlows[1].ID != "flow_3" {
		t.Errorf("generated ids %s %s, want flow_2 flow_3 (flow_1 is taken)", p.AllFlows[0].ID, p.AllFlows[1].ID)
	}
	if d.Element("flow_2") != p.AllFlows[0] {
		t.Error("generated id not registered")
	}
}

func TestZeebeDialect(t *testing.T) {
	d := mustParse(t, defsXML(`<bpmn:message id="m" name="order"><bpmn:extensionElements><zeebe:subscription correlationKey="=orderId"/></bpmn:extensionElements></bpmn:message>
<bpmn:process id="p" isExecutable="true">
<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
<bpmn:serviceTask id="t"><bpmn:extensionElements>
  <zeebe:taskDefinition type="=&quot;pay-&quot; + region" retries="=3"/>
  <zeebe:taskHeaders><zeebe:header key="a" value="1"/><zeebe:header key="b" value="2"/></zeebe:taskHeaders>
  <zeebe:ioMapping><zeebe:input source="=x" target="y"/><zeebe:output source="=r" target="out.r"/></zeebe:ioMapping>
</bpmn:extensionElements>
<bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:extensionElements>
  <zeebe:loopCharacteristics inputCollection="=items" inputElement="item" outputCollection="results" outputElement="=r"/>
</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>
</bpmn:serviceTask>
<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="c"/>
<bpmn:callActivity id="c"><bpmn:extensionElements><zeebe:calledElement processId="child" propagateAllChildVariables="false"/></bpmn:extensionElements></bpmn:callActivity>
<bpmn:sequenceFlow id="f3" sourceRef="c" targetRef="sc"/>
<bpmn:scriptTask id="sc"><bpmn:extensionElements><zeebe:script expression="=a + b" resultVariable="sum"/></bpmn:extensionElements></bpmn:scriptTask>
<bpmn:sequenceFlow id="f4" sourceRef="sc" targetRef="r"/>
<bpmn:receiveTask id="r" messageRef="m"/>
</bpmn:process>`))
	tk := node(t, d, "t")
	wantJob := &JobDefinition{Type: `="pay-" + region`, Retries: "=3", Headers: []Header{{"a", "1"}, {"b", "2"}}}
	if !reflect.DeepEqual(tk.Job, wantJob) {
		t.Errorf("Job = %+v, want %+v", tk.Job, wantJob)
	}
	if !reflect.DeepEqual(tk.Inputs, []Mapping{{"=x", "y"}}) || !reflect.DeepEqual(tk.Outputs, []Mapping{{"=r", "out.r"}}) {
		t.Errorf("mappings: %v %v", tk.Inputs, tk.Outputs)
	}
	wantMI := &MultiInstance{IsSequential: true, InputCollection: "=items", InputElement: "item", OutputCollection: "results", OutputElement: "=r"}
	if !reflect.DeepEqual(tk.Loop, wantMI) {
		t.Errorf("Loop = %+v", tk.Loop)
	}
	if ce := node(t, d, "c").CalledElement; *ce != (CalledElement{ProcessID: "child", PropagateAllParentVariables: true}) {
		t.Errorf("CalledElement = %+v", ce)
	}
	if sc := node(t, d, "sc"); *sc.Script != (Script{Format: "feel", Expression: "=a + b", ResultVariable: "sum"}) || sc.Job != nil {
		t.Errorf("Script = %+v, Job = %v", sc.Script, sc.Job)
	}
	if r := node(t, d, "r"); r.MessageRef == nil || r.MessageRef.CorrelationKey != "=orderId" {
		t.Errorf("MessageRef = %+v", r.MessageRef)
	}
}

func TestCamunda7Dialect(t *testing.T) {
	d := mustParse(t, procXML(`<bpmn:startEvent id="s"/><bpmn:sequenceFlow sourceRef="s" targetRef="t"/>
<bpmn:serviceTask id="t" camunda:type="external" camunda:topic="billing">
<bpmn:extensionElements><camunda:inputOutput>
  <camunda:inputParameter name="a">${x}</camunda:inputParameter>
  <camunda:outputParameter name="b"> ${y} </camunda:outputParameter>
</camunda:inputOutput></bpmn:extensionElements>
<bpmn:multiInstanceLoopCharacteristics camunda:collection="${list}" camunda:elementVariable="el">
  <bpmn:loopCardinality>${n}</bpmn:loopCardinality><bpmn:completionCondition>${done}</bpmn:completionCondition>
</bpmn:multiInstanceLoopCharacteristics>
</bpmn:serviceTask>
<bpmn:sequenceFlow sourceRef="t" targetRef="sc"/>
<bpmn:scriptTask id="sc" scriptFormat="groovy" camunda:resultVariable="r"><bpmn:script><![CDATA[a < b && c]]></bpmn:script></bpmn:scriptTask>
<bpmn:sequenceFlow sourceRef="sc" targetRef="c"/>
<bpmn:callActivity id="c" calledElement="child"><bpmn:extensionElements><camunda:out variables="all"/></bpmn:extensionElements></bpmn:callActivity>`))
	tk := node(t, d, "t")
	if tk.Job.Type != "billing" {
		t.Errorf("external topic: Job = %+v", tk.Job)
	}
	if !reflect.DeepEqual(tk.Inputs, []Mapping{{"${x}", "a"}}) || !reflect.DeepEqual(tk.Outputs, []Mapping{{"${y}", "b"}}) {
		t.Errorf("mappings: %v %v", tk.Inputs, tk.Outputs)
	}
	wantMI := &MultiInstance{LoopCardinality: "${n}", InputCollection: "${list}", InputElement: "el", CompletionCondition: "${done}"}
	if !reflect.DeepEqual(tk.Loop, wantMI) {
		t.Errorf("Loop = %+v", tk.Loop)
	}
	if sc := node(t, d, "sc"); *sc.Script != (Script{Format: "groovy", Expression: "a < b && c", ResultVariable: "r"}) || sc.Job != nil {
		t.Errorf("Script = %+v", sc.Script)
	}
	if ce := node(t, d, "c").CalledElement; *ce != (CalledElement{ProcessID: "child", PropagateAllChildVariables: true}) {
		t.Errorf("CalledElement = %+v", ce)
	}
}

func TestNamespacePrefixes(t *testing.T) {
	const body = `<%[1]sprocess id="p" isExecutable="true"><%[1]sstartEvent id="s"/><%[1]ssequenceFlow id="f" sourceRef="s" targetRef="e"/><%[1]sendEvent id="e"/></%[1]sprocess>`
	tests := map[string]string{
		"default": `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">` + strings.ReplaceAll(body, "%[1]s", "") + `</definitions>`,
		"semantic": `<semantic:definitions xmlns:semantic="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">` +
			strings.ReplaceAll(body, "%[1]s", "semantic:") + `</semantic:definitions>`,
		"redeclared": `<a:definitions xmlns:a="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">` +
			`<b:process xmlns:b="http://www.omg.org/spec/BPMN/20100524/MODEL" id="p" isExecutable="true"><b:startEvent id="s"/>` +
			`<sequenceFlow xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="f" sourceRef="s" targetRef="e"/><a:endEvent id="e"/></b:process></a:definitions>`,
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			d := mustParse(t, src)
			if n := len(d.Processes[0].AllNodes); n != 2 || d.Processes[0].AllFlows[0].Target.ID != "e" {
				t.Errorf("got %d nodes", n)
			}
		})
	}
	// A look-alike namespace is not BPMN.
	_, err := ParseBytes("x", []byte(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODELX"/>`))
	if err == nil || !strings.Contains(err.Error(), "not BPMN 2.0 definitions") {
		t.Errorf("wrong namespace accepted: %v", err)
	}
}

func TestQNameReferences(t *testing.T) {
	d := mustParse(t, `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tns="Examples" id="d" targetNamespace="Examples">
<message id="newInvoice" name="newInvoiceMessage"/>
<process id="p" isExecutable="true"><startEvent id="s"><messageEventDefinition messageRef="tns:newInvoice"/></startEvent></process>
<collaboration id="c"><participant id="pt" processRef="tns:p"/></collaboration></definitions>`)
	if m := node(t, d, "s").Event.Message; m == nil || m.Name != "newInvoiceMessage" {
		t.Errorf("QName messageRef not resolved: %+v", m)
	}
	if pr := d.Collaborations[0].Participants[0].ProcessRef; pr != "p" {
		t.Errorf("ProcessRef = %q", pr)
	}
}

func TestDocumentationAndNames(t *testing.T) {
	d := mustParse(t, procXML(`<bpmn:documentation>Process &amp; doc</bpmn:documentation>
<bpmn:startEvent id=" s " name="Start &#x263A;"><bpmn:documentation>one</bpmn:documentation><bpmn:documentation><![CDATA[<two>]]></bpmn:documentation></bpmn:startEvent>`))
	p := d.Processes[0]
	if p.Documentation != "Process & doc" {
		t.Errorf("process doc = %q", p.Documentation)
	}
	s := node(t, d, "s") // the id is trimmed
	if s.Documentation != "one\n<two>" || s.Name != "Start ☺" {
		t.Errorf("doc %q name %q", s.Documentation, s.Name)
	}
}

func TestDiagram(t *testing.T) {
	d := mustParse(t, defsXML(`<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>
<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="sp"/><bpmn:subProcess id="sp"/></bpmn:process>
<bpmndi:BPMNDiagram id="d1"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
<bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="1.5" y="2" width="36" height="36"/>
  <bpmndi:BPMNLabel><dc:Bounds x="0" y="40" width="30" height="14"/></bpmndi:BPMNLabel></bpmndi:BPMNShape>
<bpmndi:BPMNShape id="sp_di" bpmnElement="sp" isExpanded="true"><dc:Bounds x="100" y="0" width="350" height="200"/></bpmndi:BPMNShape>
<bpmndi:BPMNEdge id="f_di" bpmnElement="f"><di:waypoint x="37" y="20"/><di:waypoint x="70" y="20"/><di:waypoint x="100" y="20"/></bpmndi:BPMNEdge>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
<bpmndi:BPMNDiagram id="d2"><bpmndi:BPMNPlane id="pl2" bpmnElement="sp"/></bpmndi:BPMNDiagram>`))
	if len(d.Diagrams) != 2 || d.Diagram != d.Diagrams[0] {
		t.Fatalf("diagrams: %d", len(d.Diagrams))
	}
	dg := d.Diagram
	want := &Shape{ID: "s_di", ElementID: "s", Bounds: Bounds{1.5, 2, 36, 36}, Label: &Bounds{0, 40, 30, 14}}
	if !reflect.DeepEqual(dg.Shapes[0], want) {
		t.Errorf("shape = %+v", dg.Shapes[0])
	}
	if !dg.Shapes[1].IsExpanded {
		t.Error("isExpanded lost")
	}
	if e := dg.Edges[0]; e.ElementID != "f" || !reflect.DeepEqual(e.Waypoints, []Point{{37, 20}, {70, 20}, {100, 20}}) {
		t.Errorf("edge = %+v", e)
	}
}

func TestRawExtensions(t *testing.T) {
	d := mustParse(t, procXML(`<bpmn:startEvent id="s"><bpmn:extensionElements>
<zeebe:properties><zeebe:property name="k" value="v"/></zeebe:properties>
<foo:bar xmlns:foo="urn:foo" foo:a="1"><baz xmlns="urn:baz"/></foo:bar>
</bpmn:extensionElements></bpmn:startEvent>`))
	ext := node(t, d, "s").Extensions
	if len(ext) != 2 || ext[0].Tag != "properties" || ext[0].Space != nsZeebe || ext[0].ElementID != "s" {
		t.Fatalf("extensions = %+v", ext)
	}
	// Each raw fragment is self-contained: it parses on its own with the
	// right namespaces.
	for _, x := range ext {
		var v struct {
			XMLName xml.Name
			Attrs   []xml.Attr `xml:",any,attr"`
		}
		if err := xml.Unmarshal([]byte(x.XML), &v); err != nil {
			t.Fatalf("%s: %v", x.XML, err)
		}
		if v.XMLName.Space != x.Space || v.XMLName.Local != x.Tag {
			t.Errorf("%s parsed as %v", x.XML, v.XMLName)
		}
	}
	if !strings.HasPrefix(ext[0].XML, `<zeebe:properties xmlns:zeebe="http://camunda.org/schema/zeebe/1.0">`) {
		t.Errorf("missing namespace declaration: %s", ext[0].XML)
	}
	if ext[1].XML != `<foo:bar xmlns:foo="urn:foo" foo:a="1"><baz xmlns="urn:baz"/></foo:bar>` {
		t.Errorf("self-declared fragment changed: %s", ext[1].XML)
	}
}

func TestEncodings(t *testing.T) {
	body := "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\"><process id=\"p\" name=\"%s\"/></definitions>"
	tests := []struct {
		name string
		data string
		want string
	}{
		{"utf8-bom", "\xef\xbb\xbf<?xml version=\"1.0\"?>" + strings.Replace(body, "%s", "Caf\u00e9", 1), "Café"},
		{"latin1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + strings.Replace(body, "%s", "Caf\xe9", 1), "Café"},
		{"windows-1252", "<?xml version='1.0' encoding='windows-1252'?>" + strings.Replace(body, "%s", "\x80uro", 1), "€uro"},
		{"ascii-latin1", "<?xml version=\"1.0\" encoding=\"iso-8859-1\" ?>" + strings.Replace(body, "%s", "plain", 1), "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.data)
			if got := d.Processes[0].Name; got != tt.want {
				t.Errorf("name = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseAPIs(t *testing.T) {
	d, err := ParseFile("testdata/seq3.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	if d.File != "testdata/seq3.bpmn" {
		t.Errorf("File = %q", d.File)
	}
	d2, err := Parse(strings.NewReader(chain(`<bpmn:task id="x"/>`)))
	if err != nil || d2.File != "" {
		t.Errorf("Parse: %v, File %q", err, d2.File)
	}
	if _, err := ParseFile("testdata/does-not-exist.bpmn"); err == nil || !strings.Contains(err.Error(), "does-not-exist") {
		t.Errorf("missing file: %v", err)
	}
}

// TestModelOutlivesReader checks that a model shares nothing with the
// reader buffers that later parses reuse.
func TestModelOutlivesReader(t *testing.T) {
	a := mustParse(t, chain(`<bpmn:serviceTask id="x"><bpmn:extensionElements><foo:bar xmlns:foo="urn:foo"/></bpmn:extensionElements></bpmn:serviceTask>`))
	want := dumpString(t, a)
	for range 20 {
		mustParse(t, chain(`<bpmn:userTask id="x" name="other name to overwrite buffers"/>`))
	}
	if got := dumpString(t, a); got != want {
		t.Errorf("model changed by later parses:\n%s\nwant\n%s", got, want)
	}
}
