package report

import (
	"encoding/xml"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./report -update rewrites it; review the diff):\n%s", name, firstDiff(string(want), got))
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		x, y := at(al, i), at(bl, i)
		if x != y {
			return "line " + itoa(i+1) + ":\n  want " + x + "\n  got  " + y
		}
	}
	return ""
}

func itoa(i int) string { return sig(float64(i), 10) }

// TestGoldenSVG draws the bundled models and test models, from DI and laid
// out, and compares with the golden files.
func TestGoldenSVG(t *testing.T) {
	tests := []struct {
		golden, file string
		opt          SVGOptions
	}{
		{"order.svg", "../models/order/order.bpmn", SVGOptions{}},
		{"trip.svg", "../models/trip/trip.bpmn", SVGOptions{}},
		{"fulfilment.svg", "../models/fulfilment/fulfilment.bpmn", SVGOptions{}},
		{"miwg_A.3.0.svg", "testdata/A.3.0.bpmn", SVGOptions{}},
		{"miwg_C.1.0.svg", "testdata/C.1.0.bpmn", SVGOptions{}},
		{"order_auto.svg", "../models/order/order.bpmn", SVGOptions{AutoLayout: true}},
		{"fulfilment_auto.svg", "../models/fulfilment/fulfilment.bpmn", SVGOptions{AutoLayout: true}},
		{"miwg_C.1.0_auto.svg", "testdata/C.1.0.bpmn", SVGOptions{AutoLayout: true}},
		{"c7_compensation_event_subprocess.svg", "testdata/c7_compensation_event_subprocess.bpmn20.xml", SVGOptions{}},
		{"c7_error_concurrent_subprocesses.svg", "testdata/c7_error_concurrent_subprocesses.bpmn20.xml", SVGOptions{}},
		{"order_heat.svg", "../models/order/order.bpmn", SVGOptions{Overlay: orderWaiting(), IDPrefix: "o-"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			defs := parse(t, tt.file)
			got := svgString(t, defs, tt.opt)
			checkSVG(t, defs, got, tt.opt)
			if again := svgString(t, defs, tt.opt); again != got {
				t.Fatal("a second drawing differs from the first")
			}
			golden(t, tt.golden, got)
		})
	}
}

// orderWaiting is a heat map of models/order with one element without
// data.
func orderWaiting() *Overlay {
	return &Overlay{Name: "mean waiting time", Unit: Seconds, Values: map[string]float64{
		"reserve_stock": 71.1, "charge_payment": 17.8, "payment_confirmed": 240, "order_placed": math.NaN(),
	}}
}

// checkSVG checks that an SVG is well-formed XML, has a view box, and
// has a group with data-element for every flow node of the drawn model.
func checkSVG(t *testing.T, defs *bpmn.Definitions, svg string, opt SVGOptions) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
	}
	if !regexp.MustCompile(`^<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram" viewBox="-?[0-9.]+ -?[0-9.]+ [0-9.]+ [0-9.]+"`).MatchString(svg) {
		t.Errorf("no view box: %.200s", svg)
	}
	drawn := opt.AutoLayout || !hasDI(defs)
	for _, p := range defs.Processes {
		for _, n := range p.AllNodes {
			if drawn || diShape(defs, n.ID) {
				if !strings.Contains(svg, `id="`+opt.IDPrefix+n.ID+`" data-element="`+n.ID+`"`) {
					t.Errorf("node %s not drawn", n.ID)
				}
			}
		}
	}
}

func diShape(defs *bpmn.Definitions, id string) bool {
	for _, s := range defs.Diagram.Shapes {
		if s.ElementID == id {
			return true
		}
	}
	return false
}

// TestSVGEscapes checks that names with markup are escaped in text and
// hover titles.
func TestSVGEscapes(t *testing.T) {
	const model = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <process id="p" isExecutable="true">
    <startEvent id="s" name="&lt;script&gt;alert(1)&lt;/script&gt;"/>
    <sequenceFlow id="f" sourceRef="s" targetRef="t" name="a &amp; b"/>
    <task id="t" name="Say &quot;hi&quot; &amp; wave"/>
  </process>
</definitions>`
	defs, err := bpmn.Parse(strings.NewReader(model))
	if err != nil {
		t.Fatal(err)
	}
	svg := svgString(t, defs, SVGOptions{Overlay: &Overlay{Name: "x<y", Values: map[string]float64{"t": 1}}})
	checkSVG(t, defs, svg, SVGOptions{})
	for _, bad := range []string{"<script", `Say "hi"`, "a & b", "x<y"} {
		if strings.Contains(svg, bad) {
			t.Errorf("unescaped %q in SVG", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;", "a &amp; b", "x&lt;y"} {
		if !strings.Contains(svg, good) {
			t.Errorf("missing %q in SVG", good)
		}
	}
}

// TestHeatOverlay checks the colours and hover text of a heat map.
func TestHeatOverlay(t *testing.T) {
	defs := parse(t, "../models/order/order.bpmn")
	svg := svgString(t, defs, SVGOptions{Overlay: orderWaiting()})
	group := func(id string) string {
		i := strings.Index(svg, `data-element="`+id+`"`)
		if i < 0 {
			t.Fatalf("no element %s", id)
		}
		j := strings.Index(svg[i:], "</g>")
		return svg[i : i+j]
	}
	if g := group("payment_confirmed"); !strings.Contains(g, `fill="#800026"`) || !strings.Contains(g, "mean waiting time: 4 min") {
		t.Errorf("hottest element not darkest red with its value:\n%s", g)
	}
	if g := group("order_placed"); !strings.Contains(g, `fill="`+noData+`"`) || !strings.Contains(g, "mean waiting time: —") {
		t.Errorf("NaN not drawn as no data:\n%s", g)
	}
	if g := group("order_completed"); !strings.Contains(g, `fill="#fff"`) || strings.Contains(g, "mean waiting time") {
		t.Errorf("element without value not plain:\n%s", g)
	}
	if !strings.Contains(svg, `<g class="legend">`) || !strings.Contains(svg, "no data") {
		t.Error("no legend with a no-data swatch")
	}
}

func TestHeatColour(t *testing.T) {
	tests := []struct {
		t    float64
		want string
	}{
		{-1, "#ffffff"}, {0, "#ffffff"}, {1, "#800026"}, {2, "#800026"}, {math.NaN(), "#ffffff"},
		{1.0 / 9, "#ffffcc"}, {0.5, "#fea044"},
	}
	for _, tt := range tests {
		if got := heatColour(tt.t); got != tt.want {
			t.Errorf("heatColour(%v) = %s, want %s", tt.t, got, tt.want)
		}
	}
	if textOn(0) != "#000" || textOn(1) != "#fff" {
		t.Error("text colour does not contrast")
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		s     string
		width float64
		want  []string
	}{
		{"Reserve stock", 90, []string{"Reserve stock"}},
		{"Charge the customer card", 60, []string{"Charge", "the", "customer", "card"}},
		{"Zahlungsbestätigung", 60, []string{"Zahlungsb", "estätigun", "g"}},
		{"a\nb", 90, []string{"a", "b"}},
		{"", 90, nil},
	}
	for _, tt := range tests {
		got := wrap(tt.s, tt.width)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %v) = %q, want %q", tt.s, tt.width, got, tt.want)
		}
	}
}
