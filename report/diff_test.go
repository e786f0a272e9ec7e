package report

import (
	"html"
	"math"
	"strings"
	"testing"
)

// TestDiffOwnInterval: a row with an interval of its own (a paired one)
// shows it and is judged by it, not by the overlap of A's and B's.
func TestDiffOwnInterval(t *testing.T) {
	for _, tc := range []struct {
		row         DiffRow
		delta, verd string
	}{
		// the intervals of A and B overlap, the paired one excludes 0
		{DiffRow{Name: "mean cycle time", Unit: Seconds, A: 300, ACI: 30, B: 280, BCI: 30, Better: LowerIsBetter, DiffCI: 5, HasDiffCI: true},
			"−20 s ±5 s", "better"},
		{DiffRow{Name: "utilisation", Unit: Ratio, A: 0.5, ACI: 0.01, B: 0.52, BCI: 0.01, DiffCI: 0.03, HasDiffCI: true},
			"+2 pp ±3 pp", "within noise"},
		{DiffRow{Name: "p99", Unit: Seconds, A: 300, B: 310, Better: LowerIsBetter, DiffCI: math.NaN(), HasDiffCI: true},
			"+10 s ±?", "within noise"},
		{DiffRow{Name: "cost", A: 1, B: math.NaN(), Better: LowerIsBetter, DiffCI: 1, HasDiffCI: true},
			"—", "—"},
	} {
		v := diffView(tc.row)
		if v.Delta != tc.delta || v.Verdict != tc.verd {
			t.Errorf("%s: delta %q, verdict %q; want %q, %q", tc.row.Name, v.Delta, v.Verdict, tc.delta, tc.verd)
		}
	}
	var b strings.Builder
	if err := WriteCompareHTML(&b, Report{Title: "A"}, Report{Title: "B"}, []DiffRow{{Name: "x", A: 1, B: 2, DiffCI: 0.5, HasDiffCI: true}}); err != nil {
		t.Fatal(err)
	}
	if page := html.UnescapeString(b.String()); !strings.Contains(page, "its own 95 % confidence interval") {
		t.Error("the hint does not explain the intervals of the differences")
	}
}
