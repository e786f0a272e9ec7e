package sim

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/golden")

// goldenParams drive the golden reports: every section of the report has
// something in it.
const goldenParams = `
seed: 2026
cases: 300
warmupCases: 30
replications: 2
currency: EUR
arrival: {rate: 1/min}
startVariables:
  orderId: {sequence: "order-"}
pools:
  cashier: {size: 1, costPerHour: 24}
tasks:
  charge:
    duration: {dist: gamma, mean: 40s, stddev: 15s}
    pool: cashier
    failure: 0.05
    fixedCost: 0.1
messages:
  confirmed:
    delay: {dist: exponential, mean: 4m}
    loss: 0.05
    correlationKeyVar: orderId
`

func TestGoldenReports(t *testing.T) {
	r := simulate(t, orderModel, goldenParams)
	r.Model = "order.bpmn"
	checkGolden(t, "report.txt", r.WriteText)
	checkGolden(t, "report.json", r.WriteJSON)
	checkGolden(t, "report.csv", r.WriteCSV)
}

// checkGolden compares what write writes with testdata/golden/file, or
// rewrites the file with -update.
func checkGolden(t *testing.T, file string, write func(io.Writer) error) {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", file)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sim -run Golden -update)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("%s differs from the golden file (seed 2026); got:\n%s", file, b.String())
	}
}

// TestGoldenComparison compares the golden parameters (with three
// replications) with a second cashier.
func TestGoldenComparison(t *testing.T) {
	pa := strings.Replace(goldenParams, "replications: 2", "replications: 3", 1)
	pb := strings.Replace(pa, "cashier: {size: 1,", "cashier: {size: 2,", 1)
	a, b := simulate(t, orderModel, pa), simulate(t, orderModel, pb)
	a.Model, b.Model = "order.bpmn", "order.bpmn"
	c := Compare(a, b)
	c.A.Label, c.B.Label = "one cashier", "two cashiers"
	same, why := SameArrivals(parseParams(t, pa), parseParams(t, pb))
	c.SameArrivals, c.Notes = &same, why
	checkGolden(t, "compare.txt", c.WriteText)
	checkGolden(t, "compare.json", c.WriteJSON)
}
