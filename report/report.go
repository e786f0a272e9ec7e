package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// Report is everything an HTML report shows. It is plain data: build it by
// hand, or from a simulation result with package report/simreport. Every
// field is optional; empty sections are left out.
type Report struct {
	Title      string
	ModelName  string            // e.g. the model's file name
	Model      *bpmn.Definitions // the diagram; nil: no diagram section
	Seed       uint64            // printed in the header: the report is reproducible from it
	Parameters string            // the parameters used, shown verbatim (e.g. the YAML file)

	KPIs       []KPI         // key figures, in order
	Overlays   []Overlay     // per-element metrics: each one a heat map of the diagram and a table column
	Pools      []PoolMetrics // utilisation bar chart and pool table
	Histograms []Histogram   // e.g. cycle times
	Charts     []Chart       // line charts over time (throughput, queue length per pool)
	Notes      []string      // remarks shown under the key figures
}

// KPI is one row of the key-figure table. Value is formatted by the caller
// (see FormatValue), so a KPI may also be a word ("warehouse").
type KPI struct {
	Name  string
	Value string
	Note  string // e.g. "±9.9 s (95 % CI)"
}

// Overlay is one per-element metric, drawn as a heat map over the diagram:
// white for 0, through yellow and orange to dark red for Max. Elements
// without a value are drawn plain; a NaN value means "no data" and is drawn
// grey. The values appear in each element's hover text and in the legend.
type Overlay struct {
	Name   string             // e.g. "mean waiting time"
	Unit   Unit               // of the values
	Values map[string]float64 // by element id
	// Max is the value drawn darkest; 0 means the largest value. Give two
	// reports the same Max to compare their heat maps.
	Max float64
}

// PoolMetrics describes one resource pool.
type PoolMetrics struct {
	Name          string
	Size          int
	Utilisation   float64 // busy time / (size × measured time), 0..1
	UtilisationCI float64 // half-width of its 95 % confidence interval, 0 if none
	QueueMean     float64 // time-weighted mean number of waiting jobs
	QueueMax      float64
}

// Histogram is a distribution given as buckets, drawn as bars.
type Histogram struct {
	Title   string
	XLabel  string // what is counted, e.g. "cycle time"
	Unit    Unit   // of the bucket bounds
	Buckets []Bucket
}

// Bucket counts the values in [Lo, Hi).
type Bucket struct {
	Lo, Hi float64
	Count  float64
}

// Chart is a line chart of one or more series sharing the axes.
type Chart struct {
	Title  string
	XLabel string // e.g. "simulated time"
	XUnit  Unit
	YLabel string // e.g. "jobs waiting"
	YUnit  Unit
	Series []Series
}

// Series is one line of a Chart, its points in increasing X.
type Series struct {
	Name   string
	Points []XY
}

// XY is a point of a Series.
type XY struct{ X, Y float64 }

// DiffRow is one row of a comparison: a figure in report A and in report B.
type DiffRow struct {
	Name     string
	Unit     Unit
	A, B     float64
	ACI, BCI float64 // 95 % confidence half-widths, 0 if unknown
	Better   Direction
	// With HasDiffCI, DiffCI is the half-width of the 95 % confidence
	// interval of B − A itself (a paired interval, say; NaN: unknown):
	// the difference is significant when it lies outside ±DiffCI.
	// Without it the difference is significant when the intervals of A
	// and B do not overlap, which is conservative.
	DiffCI    float64
	HasDiffCI bool
}

// Direction says which change of a DiffRow is an improvement.
type Direction uint8

// Directions of improvement.
const (
	Neutral        Direction = iota // no judgement
	LowerIsBetter                   // times, queues, cost
	HigherIsBetter                  // throughput
)

// Unit says how a value is formatted.
type Unit uint8

// Units of values.
const (
	Number  Unit = iota // plain number, 4 significant digits
	Seconds             // a duration in seconds, shown as s, min, h or d
	Ratio               // a fraction, shown as a percentage
	PerHour             // a rate, shown as "/h"
)

// FormatValue formats v in unit u the way reports show it: "—" for NaN,
// durations in the largest fitting unit ("45 s", "12.5 min", "3.2 h"),
// ratios as percentages ("68.6 %"), other numbers with 4 significant
// digits.
func FormatValue(v float64, u Unit) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	switch u {
	case Seconds:
		d := durationUnitFor(math.Abs(v))
		return sig(v/d.secs, 3) + " " + d.name
	case Ratio:
		return sig(v*100, 3) + " %"
	case PerHour:
		return sig(v, 4) + " /h"
	}
	return sig(v, 4)
}

// durationUnit is a display unit for durations.
type durationUnit struct {
	name string
	secs float64
}

var durationUnits = []durationUnit{{"ms", 0.001}, {"s", 1}, {"min", 60}, {"h", 3600}, {"d", 86400}}

// durationUnitFor picks the largest unit in which v (seconds) is at least 1,
// staying in seconds up to 2 minutes, minutes up to 2 hours and hours up
// to 2 days.
func durationUnitFor(v float64) durationUnit {
	switch {
	case v == 0:
		return durationUnits[1]
	case v < 1:
		return durationUnits[0]
	case v < 120:
		return durationUnits[1]
	case v < 7200:
		return durationUnits[2]
	case v < 172800:
		return durationUnits[3]
	}
	return durationUnits[4]
}

// sig formats v with n significant digits (at least the integer part),
// without exponent and without trailing zeros.
func sig(v float64, n int) string {
	if v == 0 {
		return "0"
	}
	mag := int(math.Floor(math.Log10(math.Abs(v)))) + 1
	dec := max(0, n-mag)
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
