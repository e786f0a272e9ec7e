package report

import (
	"html"
	"math"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// orderReport builds by hand the report of a load simulation of
// models/order (figures close to "bpmnrun simulate models/order/order.bpmn
// --params models/sim/order.yaml"), with a cycle-time histogram and queue
// lengths over time as the simulator will provide them.
func orderReport(t testing.TB, seed uint64, load float64) Report {
	defs := parse(t, "../models/order/order.bpmn")
	r := Report{
		Title:     "Order process under load",
		ModelName: "models/order/order.bpmn",
		Model:     defs,
		Seed:      seed,
		Parameters: `seed: 42
cases: 5000
warmupCases: 500
replications: 4
arrival:
  rate: 40/h
pools:
  warehouse: {size: 2, costPerHour: 30}
  payments: {size: 1, costPerHour: 12}
tasks:
  reserve-stock:
    duration: {dist: lognormal, mean: 2m, stddev: 1m}
    pool: warehouse
`,
		KPIs: []KPI{
			{Name: "cases ended", Value: FormatValue(4500, Number)},
			{Name: "throughput", Value: FormatValue(39.49*load, PerHour), Note: "±0.815 (95 % CI)"},
			{Name: "mean cycle time", Value: FormatValue(484.76*load, Seconds), Note: "±9.87 s"},
			{Name: "p90 cycle time", Value: FormatValue(831.82*load, Seconds)},
			{Name: "work in progress", Value: FormatValue(5.321*load, Number)},
			{Name: "bottleneck", Value: "warehouse", Note: "utilisation " + FormatValue(0.686*load, Ratio)},
		},
		Overlays: []Overlay{
			{Name: "mean waiting time", Unit: Seconds, Values: map[string]float64{
				"reserve_stock": 71.11 * load * load, "charge_payment": 17.83 * load, "payment_confirmed": 240,
			}},
			{Name: "mean processing time", Unit: Seconds, Values: map[string]float64{
				"reserve_stock": 118.73, "charge_payment": 49.98,
			}},
			{Name: "share of cases", Unit: Ratio, Values: map[string]float64{
				"order_completed": 0.779, "order_rejected": 0.103, "order_timed_out": 0.117, "order_placed": math.NaN(),
			}},
		},
		Pools: []PoolMetrics{
			{Name: "warehouse", Size: 2, Utilisation: math.Min(0.686*load, 1), UtilisationCI: 0.017, QueueMean: 0.821 * load, QueueMax: 12.5},
			{Name: "payments", Size: 1, Utilisation: 0.554 * load, UtilisationCI: 0.011, QueueMean: 0.198, QueueMax: 5.2},
		},
		Histograms: []Histogram{{Title: "Cycle time", XLabel: "cycle time", Unit: Seconds, Buckets: cycleBuckets(load)}},
		Charts: []Chart{
			{Title: "Jobs waiting per pool", XLabel: "simulated time", XUnit: Seconds, YLabel: "jobs waiting",
				Series: []Series{queueSeries("warehouse", 2.5*load, 1), queueSeries("payments", 0.8, 2)}},
			{Title: "Throughput", XLabel: "simulated time", XUnit: Seconds, YLabel: "cases ended per hour", YUnit: PerHour,
				Series: []Series{queueSeries("throughput", 40, 3)}},
		},
		Notes: []string{"4 replications; values are means over the replications."},
	}
	return r
}

// cycleBuckets is a right-skewed histogram of cycle times (seconds).
func cycleBuckets(load float64) []Bucket {
	var bs []Bucket
	for i := range 24 {
		lo, hi := float64(i)*60*load, float64(i+1)*60*load
		x := (float64(i) + 0.5) / 7
		bs = append(bs, Bucket{Lo: lo, Hi: hi, Count: math.Round(4500 * x * x * math.Exp(-1.6*x) / 3.2)})
	}
	return bs
}

// queueSeries is a deterministic wavy level over 48 hours.
func queueSeries(name string, level float64, phase float64) Series {
	s := Series{Name: name}
	for i := 0; i <= 96; i++ {
		x := float64(i) * 1800
		y := level * (1 + 0.5*math.Sin(float64(i)/6+phase) + 0.2*math.Sin(float64(i)*1.7+phase))
		s.Points = append(s.Points, XY{X: x, Y: math.Max(0, y)})
	}
	return s
}

func htmlString(t testing.TB, r Report) string {
	t.Helper()
	var b strings.Builder
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteHTML(t *testing.T) {
	r := orderReport(t, 42, 1)
	page := htmlString(t, r)
	if htmlString(t, r) != page {
		t.Fatal("two writes of one report differ")
	}
	checkSelfContained(t, page)
	for _, want := range []string{
		"<title>Order process under load</title>",
		`seed <code class="seed">42</code>`,
		"warmupCases: 500",                    // parameters
		"<td>mean cycle time</td>",            // KPI table
		`data-plot="histogram"`,               // plots
		`data-plot="line"`,                    //
		`data-plot="bar"`,                     //
		`<label for="heat-2"`,                 // a tab per overlay
		`class="heat-legend heat-legend-1"`,   // and a legend
		`data-element="reserve_stock"`,        // the diagram
		`style="--h0:#`,                       // heat variables
		"mean waiting time: 71.1 s",           // hover text
		`<tr data-element="order_completed">`, // element table
		"68.6 % ±1.7 %",                       // pool table
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	golden(t, "order_report.html", page)
}

func TestWriteCompareHTML(t *testing.T) {
	a, b := orderReport(t, 42, 1), orderReport(t, 7, 1.3)
	a.Title, b.Title = "2 warehouse workers", "2 workers, 30 % more orders"
	diffs := []DiffRow{
		{Name: "mean cycle time", Unit: Seconds, A: 484.76, ACI: 9.87, B: 630.2, BCI: 12.1, Better: LowerIsBetter},
		{Name: "throughput", Unit: PerHour, A: 39.49, ACI: 0.8, B: 51.3, BCI: 0.9, Better: HigherIsBetter},
		{Name: "warehouse utilisation", Unit: Ratio, A: 0.686, ACI: 0.017, B: 0.69, BCI: 0.02, Better: Neutral},
		{Name: "payments utilisation", Unit: Ratio, A: 0.554, B: 0.72, Better: Neutral},
		{Name: "cost per case", Unit: Number, A: 1.26, B: math.NaN(), Better: LowerIsBetter},
	}
	var sb strings.Builder
	if err := WriteCompareHTML(&sb, a, b, diffs); err != nil {
		t.Fatal(err)
	}
	page := sb.String()
	checkSelfContained(t, page)
	text := html.UnescapeString(page) // html/template writes "+" as "&#43;"
	for _, want := range []string{
		`<tr class="worse"><td>mean cycle time</td><td class="num">8.08 min ±9.87 s</td><td class="num">10.5 min ±12.1 s</td><td class="num">+2.42 min</td><td class="num">+30 %</td>`,
		`<tr class="better"><td>throughput</td>`,
		`<tr class="noise"><td>warehouse utilisation</td><td class="num">68.6 % ±1.7 %</td><td class="num">69 % ±2 %</td><td class="num">+0.4 pp</td>`,
		`<tr class="changed"><td>payments utilisation</td>`,
		`<tr class="noise"><td>cost per case</td><td class="num">1.26</td><td class="num">—</td>`,
		`seed <code class="seed">7</code>`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// one colour scale for both diagrams, up to the largest value of
	// either: payment_confirmed (240 s in both) is darkest in both, and
	// reserve_stock (71 s in A, 120 s in B) is darker in B.
	for _, want := range []string{
		`id="a-payment_confirmed" data-element="payment_confirmed" class="shape intermediateCatchEvent" style="--h0:#800026;`,
		`id="b-payment_confirmed" data-element="payment_confirmed" class="shape intermediateCatchEvent" style="--h0:#800026;`,
		`id="a-reserve_stock" data-element="reserve_stock" class="shape serviceTask" style="--h0:` + heatColour(71.11/240) + ";",
		`id="b-reserve_stock" data-element="reserve_stock" class="shape serviceTask" style="--h0:` + heatColour(71.11*1.69/240) + ";",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	golden(t, "order_compare.html", page)
}

// checkSelfContained checks that a page loads nothing: no scripts, links,
// sources, imports or URLs but the SVG namespace.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"<script", "<link", " src=", "@import", "url(", "<img", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, u := range regexp.MustCompile(`https?://[^"'\s<>]*`).FindAllString(page, -1) {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("page refers to %s", u)
		}
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    float64
		u    Unit
		want string
	}{
		{0, Seconds, "0 s"},
		{0.25, Seconds, "250 ms"},
		{45, Seconds, "45 s"},
		{484.76, Seconds, "8.08 min"},
		{7200, Seconds, "2 h"},
		{3 * 86400, Seconds, "3 d"},
		{0.686, Ratio, "68.6 %"},
		{39.4851, PerHour, "39.49 /h"},
		{1234.5678, Number, "1235"},
		{0.000123, Number, "0.000123"},
		{-2.5, Number, "-2.5"},
		{math.NaN(), Number, "—"},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.v, tt.u); got != tt.want {
			t.Errorf("FormatValue(%v, %d) = %q, want %q", tt.v, tt.u, got, tt.want)
		}
	}
}

func TestNiceAxis(t *testing.T) {
	tests := []struct {
		lo, hi float64
		u      Unit
		n      int
		want   string
	}{
		{0, 1, Ratio, 6, "0 %|20 %|40 %|60 %|80 %|100 %"},
		{0, 1440, Seconds, 8, "0 min|5 min|10 min|15 min|20 min|25 min"},
		{0, 100, Seconds, 8, "0 s|20 s|40 s|60 s|80 s|100 s"},
		{0, 172800, Seconds, 8, "0 h|10 h|20 h|30 h|40 h|50 h"},
		{0, 864000, Seconds, 8, "0 d|2 d|4 d|6 d|8 d|10 d"},
		{0, 97, Number, 6, "0|20|40|60|80|100"},
		{3, 3, Number, 6, "3|3.2|3.4|3.6|3.8|4"},
	}
	for _, tt := range tests {
		a := newAxis(tt.lo, tt.hi, tt.u, tt.n)
		var got []string
		for _, v := range a.ticks {
			got = append(got, a.labelUnit(v))
		}
		if g := strings.Join(got, "|"); g != tt.want {
			t.Errorf("newAxis(%v, %v, %d, %d) ticks %s, want %s", tt.lo, tt.hi, tt.u, tt.n, g, tt.want)
		}
	}
}

// TestConcurrentWrites writes one report from several goroutines: the
// package keeps no mutable state (run with -race).
func TestConcurrentWrites(t *testing.T) {
	r := orderReport(t, 42, 1)
	want := htmlString(t, r)
	got := make([]string, 4)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			var b strings.Builder
			if err := WriteHTML(&b, r); err != nil {
				t.Error(err)
			}
			got[i] = b.String()
		})
	}
	wg.Wait()
	for i, g := range got {
		if g != want {
			t.Errorf("goroutine %d wrote a different page", i)
		}
	}
}
