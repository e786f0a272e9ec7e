package report

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// corpusDir returns the shared corpus (../../shared/corpus from this
// package), skipping the test when it is absent.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	return dir
}

// TestLayoutNoOverlap lays out every MIWG reference model (ignoring its
// DI) and every engine fixture without DI in the corpus, plus the bundled
// models, and checks that no two shapes overlap, except a shape inside its
// subprocess or pool and a boundary event on its activity.
func TestLayoutNoOverlap(t *testing.T) {
	var files []string
	for _, m := range []string{"order/order.bpmn", "trip/trip.bpmn", "fulfilment/fulfilment.bpmn", "sim/mm1.bpmn"} {
		files = append(files, filepath.Join("..", "models", m))
	}
	corpus := corpusDir(t)
	refs, _ := filepath.Glob(filepath.Join(corpus, "miwg", "reference", "*.bpmn"))
	files = append(files, refs...)
	nRefs, noDI := len(refs), 0
	err := filepath.WalkDir(filepath.Join(corpus, "engines"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".bpmn") || strings.HasSuffix(p, ".xml")) {
			return err
		}
		defs, err := bpmn.ParseFile(p)
		if err == nil && !hasDI(defs) {
			files = append(files, p)
			noDI++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if nRefs < 19 || noDI < 50 {
		t.Fatalf("found %d MIWG references and %d engine fixtures without DI; the corpus changed?", nRefs, noDI)
	}
	laidOut := 0
	for _, f := range files {
		defs, err := bpmn.ParseFile(f)
		if err != nil {
			continue // rejected models (standard loops) are covered by bpmn's corpus test
		}
		laidOut++
		sc := layoutScene(defs)
		if n := countNodes(defs); countFlowShapes(sc) != n {
			t.Errorf("%s: %d node shapes laid out, want %d", f, countFlowShapes(sc), n)
		}
		for _, msg := range overlapping(sc) {
			t.Errorf("%s: %s", f, msg)
		}
	}
	t.Logf("laid out %d models (%d MIWG references, %d engine fixtures without DI)", laidOut, nRefs, noDI)
}

func countNodes(defs *bpmn.Definitions) int {
	n := 0
	for _, p := range defs.Processes {
		if len(p.Nodes) > 0 || processInPool(defs, p) {
			n += len(p.AllNodes)
		}
	}
	return n
}

func processInPool(defs *bpmn.Definitions, p *bpmn.Process) bool {
	for _, c := range defs.Collaborations {
		for _, pt := range c.Participants {
			if pt.ProcessRef == p.ID {
				return true
			}
		}
	}
	return false
}

func countFlowShapes(sc *scene) int {
	n := 0
	for _, s := range sc.shapes {
		if s.kind == flowNode {
			n++
		}
	}
	return n
}

// overlapping describes every pair of shapes of sc whose rectangles
// overlap without one containing the other by design.
func overlapping(sc *scene) []string {
	var out []string
	for i, a := range sc.shapes {
		for _, b := range sc.shapes[i+1:] {
			if overlaps(a.b, b.b) && !nested(a, b) && !nested(b, a) {
				out = append(out, "shapes "+a.id+" and "+b.id+" overlap")
			}
		}
	}
	return out
}

// nested reports whether inner may overlap outer: a node inside its
// subprocess, anything inside a pool, a boundary event on its activity.
func nested(outer, inner *shape) bool {
	if outer.kind == participant {
		return contains(outer.b, inner.b)
	}
	if outer.node == nil || inner.node == nil {
		return false
	}
	if inner.node.AttachedTo == outer.node {
		return true
	}
	for p := inner.node.Parent; p != nil; p = p.Parent {
		if p == outer.node {
			return true
		}
	}
	// a boundary event on a node inside outer
	if h := inner.node.AttachedTo; h != nil {
		for p := h.Parent; p != nil; p = p.Parent {
			if p == outer.node {
				return true
			}
		}
	}
	return false
}

// TestLayoutDeterministic lays a model out twice.
func TestLayoutDeterministic(t *testing.T) {
	defs := parse(t, filepath.Join("..", "models", "fulfilment", "fulfilment.bpmn"))
	a, b := svgString(t, defs, SVGOptions{AutoLayout: true}), svgString(t, defs, SVGOptions{AutoLayout: true})
	if a != b {
		t.Fatal("two layouts of the same model differ")
	}
}

// TestIsotonic checks the spacing solver on small cases.
func TestIsotonic(t *testing.T) {
	tests := []struct {
		want, weight, seps, out []float64
	}{
		{[]float64{0, 0}, []float64{1, 1}, []float64{0, 10}, []float64{-5, 5}},
		{[]float64{0, 100}, []float64{1, 1}, []float64{0, 10}, []float64{0, 100}},
		{[]float64{0, 0}, []float64{1, 0}, []float64{0, 10}, []float64{0, 10}},
		{[]float64{5, 0, 0}, []float64{1, 1, 1}, []float64{0, 10, 10}, []float64{-8.33, 1.67, 11.67}},
	}
	for _, tt := range tests {
		// a zero weight is not allowed: use a tiny one
		for i := range tt.weight {
			if tt.weight[i] == 0 {
				tt.weight[i] = 1e-9
			}
		}
		got := isotonic(tt.want, tt.weight, tt.seps)
		for i := range got {
			if num(got[i]) != num(tt.out[i]) {
				t.Errorf("isotonic(%v, %v, %v) = %v, want %v", tt.want, tt.weight, tt.seps, got, tt.out)
				break
			}
		}
	}
}
