package interp

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

func TestZZLoadCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../shared/corpus/engines/*/*")
	for _, f := range files {
		if filepath.Base(f) == "README.md" {
			continue
		}
		rel, _ := filepath.Rel("../../shared/corpus/engines", f)
		d, err := bpmn.ParseFile(f)
		if err != nil {
			t.Logf("PARSE %s: %v", rel, err)
			continue
		}
		if _, err := Compile(d); err != nil {
			t.Logf("COMPILE %s: %v", rel, err)
			continue
		}
		t.Logf("OK %s", rel)
	}
	_ = os.Stdout
}
