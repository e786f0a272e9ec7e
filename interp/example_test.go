package interp_test

import (
	"fmt"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
)

const orderXML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <message id="paid" name="payment-confirmed">
    <extensionElements><zeebe:subscription correlationKey="=orderId"/></extensionElements>
  </message>
  <process id="order" isExecutable="true">
    <startEvent id="start"/>
    <serviceTask id="charge"><extensionElements><zeebe:taskDefinition type="charge-card"/></extensionElements></serviceTask>
    <receiveTask id="confirm" messageRef="paid"/>
    <boundaryEvent id="timeout" attachedToRef="confirm"><timerEventDefinition><timeDuration>PT5M</timeDuration></timerEventDefinition></boundaryEvent>
    <endEvent id="done"/>
    <endEvent id="timedOut"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="charge"/>
    <sequenceFlow id="f2" sourceRef="charge" targetRef="confirm"/>
    <sequenceFlow id="f3" sourceRef="confirm" targetRef="done"/>
    <sequenceFlow id="f4" sourceRef="timeout" targetRef="timedOut"/>
  </process>
</definitions>`

// jobs records the jobs the engine creates.
type jobs struct {
	interp.NopObserver
	created []interp.Job
}

func (j *jobs) JobCreated(job interp.Job) { j.created = append(j.created, job) }

func (j *jobs) InstanceEnded(end interp.InstanceEnd) {
	fmt.Printf("instance %d %s at %s after %s\n", end.Instance, end.State, end.EndEvent, end.EndedAt.Sub(end.StartedAt))
}

// The engine is driven by inputs: start an instance, complete its job,
// publish a message, move the virtual clock.
func Example() {
	defs, err := bpmn.ParseBytes("order.bpmn", []byte(orderXML))
	if err != nil {
		panic(err)
	}
	obs := &jobs{}
	e := interp.New(interp.Options{Observer: obs})
	if _, err := e.DeployDefinitions(defs); err != nil {
		panic(err)
	}
	for _, id := range []string{"o-1", "o-2"} {
		if _, err := e.Start("order", map[string]any{"orderId": id}); err != nil {
			panic(err)
		}
	}
	for _, j := range obs.created {
		fmt.Printf("job %d: %s at %s\n", j.Key, j.Type, j.ElementID)
		if err := e.CompleteJob(j.Key, map[string]any{"charged": true}); err != nil {
			panic(err)
		}
	}
	for _, s := range e.Subscriptions() {
		fmt.Printf("waiting for %q with key %q\n", s.Message, s.CorrelationKey)
	}
	e.Advance(time.Minute)
	e.Publish(interp.Message{Name: "payment-confirmed", CorrelationKey: "o-1"})
	e.Advance(10 * time.Minute)
	// Output:
	// job 3: charge-card at charge
	// job 6: charge-card at charge
	// waiting for "payment-confirmed" with key "o-1"
	// waiting for "payment-confirmed" with key "o-2"
	// instance 1 completed at done after 1m0s
	// instance 4 completed at timedOut after 5m0s
}

// A trace shows every step with its virtual time.
func ExampleOptions_trace() {
	defs, _ := bpmn.ParseBytes("order.bpmn", []byte(orderXML))
	e := interp.New(interp.Options{Trace: func(ev interp.TraceEvent) {
		fmt.Println(ev.Format(interp.DefaultStart))
	}})
	e.DeployDefinitions(defs)
	k, _ := e.Start("order", map[string]any{"orderId": "o-9"})
	e.CompleteJob(e.Jobs()[0].Key, nil)
	e.Advance(5 * time.Minute)
	_ = k
	// Output:
	// 00:00:00.000 #1 started     order
	// 00:00:00.000 #1 activated   start (startEvent)
	// 00:00:00.000 #1 completed   start (startEvent)
	// 00:00:00.000 #1 taken       f1
	// 00:00:00.000 #1 activated   charge (serviceTask)
	// 00:00:00.000 #1 job-created charge charge-card
	// 00:00:00.000 #1 job-completed charge
	// 00:00:00.000 #1 completed   charge (serviceTask)
	// 00:00:00.000 #1 taken       f2
	// 00:00:00.000 #1 activated   confirm (receiveTask)
	// 00:05:00.000 #1 timer-fired timeout (timer boundaryEvent)
	// 00:05:00.000 #1 terminated  confirm (receiveTask)
	// 00:05:00.000 #1 activated   timeout (timer boundaryEvent)
	// 00:05:00.000 #1 completed   timeout (timer boundaryEvent)
	// 00:05:00.000 #1 taken       f4
	// 00:05:00.000 #1 activated   timedOut (endEvent)
	// 00:05:00.000 #1 completed   timedOut (endEvent)
	// 00:05:00.000 #1 ended       order completed
}

// A snapshot captures the whole engine between two inputs; Restore
// continues from it, in this process or another.
func ExampleRestore() {
	defs, _ := bpmn.ParseBytes("order.bpmn", []byte(orderXML))
	prog, _ := interp.Compile(defs)
	e := interp.New(interp.Options{})
	e.Deploy(prog)
	e.Start("order", map[string]any{"orderId": "o-1"})
	data, _ := e.Snapshot()

	r, err := interp.Restore(data, interp.Options{}, prog)
	if err != nil {
		panic(err)
	}
	j := r.Jobs()[0]
	fmt.Println("restored job:", j.Type, "for instance", j.Instance)
	r.CompleteJob(j.Key, nil)
	r.Publish(interp.Message{Name: "payment-confirmed", CorrelationKey: "o-1"})
	fmt.Println("active instances:", len(r.Instances()))
	// Output:
	// restored job: charge-card for instance 1
	// active instances: 0
}

// Expressions are compiled when a model is loaded: a broken one is
// reported with its element, never discovered at run time.
func ExampleCompile_error() {
	xml := `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><exclusiveGateway id="big" default="small"/><endEvent id="a"/><endEvent id="b"/>
    <sequenceFlow id="f0" sourceRef="s" targetRef="big"/>
    <sequenceFlow id="large" sourceRef="big" targetRef="a"><conditionExpression>=amount &gt; </conditionExpression></sequenceFlow>
    <sequenceFlow id="small" sourceRef="big" targetRef="b"/>
  </process>
</definitions>`
	defs, _ := bpmn.ParseBytes("p.bpmn", []byte(xml))
	_, err := interp.Compile(defs)
	fmt.Println(err)
	// Output:
	// p.bpmn: process "p", element "big": condition of flow "large": feel: unexpected end of expression at 9
	//   =amount >
	//            ^
}
