package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

func TestScratchRender(t *testing.T) {
	files := strings.Fields(os.Getenv("SCRATCH"))
	for _, f := range files {
		defs, err := bpmn.ParseFile(f)
		if err != nil {
			t.Log(err)
			continue
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
