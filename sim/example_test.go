package sim_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/sim"
)

// A seeded simulation of a one-task process served by two clerks.
func Example() {
	defs, err := bpmn.ParseBytes("review.bpmn", []byte(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <process id="review" isExecutable="true">
    <startEvent id="s"/><userTask id="check"/><endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="check"/><sequenceFlow id="f2" sourceRef="check" targetRef="e"/>
  </process>
</definitions>`))
	if err != nil {
		log.Fatal(err)
	}
	params, err := sim.ParseParams("review.yaml", []byte(`
seed: 42
cases: 10000
arrival: {rate: 30/h}
pools: {clerks: 2}
tasks:
  check: {duration: {dist: exponential, mean: 3m}, pool: clerks}
`))
	if err != nil {
		log.Fatal(err)
	}
	model, err := sim.NewModel(defs, params)
	if err != nil {
		log.Fatal(err)
	}
	report, err := model.Run(context.Background(), sim.RunOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("seed %d: %.0f cases, utilisation %.2f, mean cycle time %.0f s\n",
		report.Seed, report.Ended.Value, report.Pools[0].Utilisation.Value, report.CycleTime.Mean.Value)
	// Output:
	// seed 42: 10000 cases, utilisation 0.74, mean cycle time 398 s
}
