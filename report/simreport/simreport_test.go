package simreport

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/report"
	"github.com/bpmnrun/bpmnrun/sim"
)

// simulate runs models/order with models/sim/order.yaml, shortened.
func simulate(t *testing.T, cases int, seed uint64) (*bpmn.Definitions, *sim.Report, string) {
	t.Helper()
	defs, err := bpmn.ParseFile("../../models/order/order.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../models/sim/order.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := sim.LoadParams("order.yaml", data, defs)
	if err != nil {
		t.Fatal(err)
	}
	p.Cases, p.WarmUpCases, p.Replications, p.Seed = cases, cases/10, 2, seed
	m, err := sim.NewModel(defs, p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Run(context.Background(), sim.RunOptions{ModelName: "models/order/order.bpmn"})
	if err != nil {
		t.Fatal(err)
	}
	return defs, r, string(data)
}

func TestBuild(t *testing.T) {
	defs, r, params := simulate(t, 400, 42)
	rep := Build(defs, r, params)
	var b bytes.Buffer
	if err := report.WriteHTML(&b, rep); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		"Simulation of models/order/order.bpmn, process order",
		`seed <code class="seed">42</code>`,
		"<td>mean cycle time</td>",
		"<td>bottleneck</td>",
		`<label for="heat-0" class="heat-tab heat-tab-0">mean waiting time</label>`,
		`<tr data-element="reserve_stock">`,
		`<tr data-element="order_completed">`, // share of cases
		`data-plot="bar"`,                     // utilisation
		`data-plot="histogram"`,               // cycle times
		`data-plot="line"`,                    // time series
		"<title>Throughput over time</title>",
		"<title>Jobs waiting per pool</title>",
		`<polyline class="series" data-series="warehouse"`,
		`class="heat-tab heat-tab-3">utilisation</label>`,
		"<td>warehouse</td>",
		"replications: values are means",
		"rate: 40/h", // the parameters
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestDiffs(t *testing.T) {
	defs, a, _ := simulate(t, 300, 1)
	_, b, _ := simulate(t, 300, 2)
	diffs := Diffs(a, b)
	names := make([]string, len(diffs))
	for i, d := range diffs {
		names[i] = d.Name
	}
	got := strings.Join(names, "|")
	want := "throughput|mean cycle time|p90 cycle time|p99 cycle time|work in progress (mean)|" +
		"share completed at order_completed|share completed at order_rejected|share timed out at order_timed_out|" +
		"utilisation of warehouse|mean queue at warehouse|utilisation of payments|mean queue at payments|" +
		"cost per case (EUR)|incidents JOB_NO_RETRIES|mean waiting time of reserve_stock|mean waiting time of charge_payment"
	if got != want {
		t.Errorf("rows %s\nwant %s", got, want)
	}
	for _, d := range diffs {
		if !d.HasDiffCI {
			t.Errorf("%s has no interval of its own", d.Name)
		}
	}
	var buf bytes.Buffer
	if err := report.WriteCompareHTML(&buf, Build(defs, a, ""), Build(defs, b, ""), diffs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<td>mean waiting time of reserve_stock</td>") {
		t.Error("comparison lacks the activity rows")
	}
}
