package sim

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
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
	for _, g := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"report.txt", func(b *bytes.Buffer) error { return r.WriteText(b) }},
		{"report.json", func(b *bytes.Buffer) error { return r.WriteJSON(b) }},
		{"report.csv", func(b *bytes.Buffer) error { return r.WriteCSV(b) }},
	} {
		var b bytes.Buffer
		if err := g.write(&b); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "golden", g.file)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./sim -run Golden -update)", err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s differs from the golden file (seed 2026); got:\n%s", g.file, b.String())
		}
	}
}
