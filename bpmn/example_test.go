package bpmn_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

const orderModel = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs">
  <bpmn:process id="order" isExecutable="true">
    <bpmn:startEvent id="placed"/>
    <bpmn:sequenceFlow id="f1" sourceRef="placed" targetRef="charge"/>
    <bpmn:serviceTask id="charge">
      <bpmn:extensionElements><zeebe:taskDefinition type="charge-card" retries="5"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:boundaryEvent id="declined" attachedToRef="charge">
      <bpmn:errorEventDefinition errorRef="CARD_DECLINED"/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="charge" targetRef="big"/>
    <bpmn:exclusiveGateway id="big" default="f4"/>
    <bpmn:sequenceFlow id="f3" sourceRef="big" targetRef="done">
      <bpmn:conditionExpression>=amount &gt; 100</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="big" targetRef="done"/>
    <bpmn:sequenceFlow id="f5" sourceRef="declined" targetRef="done"/>
    <bpmn:endEvent id="done"/>
  </bpmn:process>
</bpmn:definitions>`

// Parse a model and walk its nodes in document order.
func ExampleParse() {
	defs, err := bpmn.Parse(strings.NewReader(orderModel))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := defs.Process("order")
	for _, n := range p.AllNodes {
		fmt.Printf("%d %s %s", n.Index, n.Kind, n.ID)
		if n.Job != nil {
			fmt.Printf(" job=%s retries=%s", n.Job.Type, n.Job.Retries)
		}
		if n.AttachedTo != nil {
			fmt.Printf(" on=%s %s=%s", n.AttachedTo.ID, n.EventType(), n.Event.Error.ErrorCode)
		}
		for _, f := range n.Outgoing {
			fmt.Printf(" →%s", f.Target.ID)
			if f.Condition != "" {
				fmt.Printf("[%s]", f.Condition)
			}
			if f.IsDefault {
				fmt.Print("[default]")
			}
		}
		fmt.Println()
	}
	for _, w := range defs.Warnings {
		fmt.Println(w.Code, w.ElementID)
	}
	// Output:
	// 0 startEvent placed →charge
	// 1 serviceTask charge job=charge-card retries=5 →big
	// 2 boundaryEvent declined on=charge error=CARD_DECLINED →done
	// 3 exclusiveGateway big →done[=amount > 100] →done[default]
	// 4 endEvent done
	// dangling-ref declined
}

// A broken reference is reported with the element id, its path and a
// suggestion; all problems of the model come in one error.
func ExampleValidationError() {
	model := strings.Replace(orderModel, `attachedToRef="charge"`, `attachedToRef="chrge"`, 1)
	_, err := bpmn.ParseBytes("order.bpmn", []byte(model))
	var ve *bpmn.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(errors.Is(err, bpmn.ErrInvalid))
		for _, p := range ve.Problems {
			if p.Severity == bpmn.SeverityError {
				fmt.Println(p.Code, p.ElementID)
				fmt.Println(p.Message)
			}
		}
		fmt.Println(err)
	}
	// Output:
	// true
	// dangling-ref declined
	// boundaryEvent "declined": attachedToRef "chrge" does not exist (did you mean "charge"?)
	// order.bpmn: process[order]/boundaryEvent[declined] (declined): error: boundaryEvent "declined": attachedToRef "chrge" does not exist (did you mean "charge"?)
}

// Dump writes the canonical text form that tests compare.
func ExampleDump() {
	defs, err := bpmn.Parse(strings.NewReader(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><sequenceFlow sourceRef="s" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>`))
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = bpmn.Dump(os.Stdout, defs)
	// Output:
	// definitions "d"
	//   process "p" executable nodes=2 flows=1
	//     startEvent "s"
	//       out="flow_1"
	//     endEvent "e"
	//       in="flow_1"
	//     sequenceFlow "flow_1" s -> e
}
