package report

import (
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

func parse(t testing.TB, file string) *bpmn.Definitions {
	t.Helper()
	defs, err := bpmn.ParseFile(file)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return defs
}

func svgString(t testing.TB, defs *bpmn.Definitions, opt SVGOptions) string {
	t.Helper()
	var b strings.Builder
	if err := WriteSVG(&b, defs, opt); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
