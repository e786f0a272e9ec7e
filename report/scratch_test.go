package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

func TestScratchRender(t *testing.T) {
	for _, f := range []string{"../models/order/order.bpmn", "../models/trip/trip.bpmn", "../models/fulfilment/fulfilment.bpmn", "../models/sim/mm1.bpmn"} {
		defs, err := bpmn.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, auto := range []bool{false, true} {
			name := filepath.Base(f)
			if auto {
				name += ".auto"
			}
			out, _ := os.Create("/tmp/rep/" + name + ".svg")
			if err := WriteSVG(out, defs, SVGOptions{AutoLayout: auto}); err != nil {
				t.Fatal(err)
			}
			out.Close()
		}
	}
}
