package bpmntest

import (
	"fmt"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
)

func TestScratch(t *testing.T) {
	d, err := bpmn.ParseFile("../models/order/order.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	e := interp.New(interp.Options{Trace: func(ev interp.TraceEvent) { fmt.Println(ev.Format(interp.DefaultStart)) }})
	if _, err := e.DeployDefinitions(d); err != nil {
		t.Fatal(err)
	}
	k, _ := e.Start("order", map[string]any{"orderId": "o-1"})
	for _, j := range e.Jobs() {
		fmt.Println("job", j)
		e.CompleteJob(j.Key, map[string]any{"paid": true})
	}
	for _, j := range e.Jobs() {
		fmt.Println("job", j)
		e.CompleteJob(j.Key, map[string]any{"paid": true})
	}
	fmt.Println(e.ActiveElements(k), e.Subscriptions())
	fmt.Println(e.NextDue())
	e.Advance(11 * 60e9)
	fmt.Println(e.Instances())
}
