package interp

import (
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

func TestZZExt(t *testing.T) {
	d, err := bpmn.ParseFile("testdata/conformance/camunda7/CompensateEventTest.testCompensateScope.bpmn20.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range d.Processes[0].AllNodes {
		for _, x := range n.Extensions {
			t.Logf("%s: %q", n.ID, x.XML)
		}
	}
}
