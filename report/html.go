package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

//go:embed page.html.tmpl
var pageTemplate string

//go:embed style.css
var pageCSS string

var pages = template.Must(template.New("page").Parse(pageTemplate))

// WriteHTML writes r as one self-contained HTML page: the diagram as a heat
// map (one tab per overlay, switched with CSS alone, no script), the plots,
// the key figures, per-element and per-pool tables, the parameters and the
// seed. It loads nothing from the network. The same Report always gives
// the same bytes.
func WriteHTML(w io.Writer, r Report) error {
	layers := layerList([]Report{r})
	d := pageData{
		Title:      orDefault(r.Title, "bpmnrun report"),
		ModelName:  r.ModelName,
		Seed:       r.Seed,
		KPIs:       r.KPIs,
		Notes:      r.Notes,
		Parameters: r.Parameters,
		CSS:        template.CSS(pageCSS),
		HeatCSS:    heatCSS(len(layers)),
		Layers:     legends(layers),
		Elements:   elementTable(r, layers),
		Pools:      poolRows(r.Pools),
	}
	if r.Model != nil {
		d.Diagram = template.HTML(diagramSVG(r.Model, false, "a-", layerFor(layers, r), true, false))
	}
	for _, h := range r.Histograms {
		d.Plots = append(d.Plots, template.HTML(histogramSVG(h, plotScale{})))
	}
	for _, ch := range r.Charts {
		d.Plots = append(d.Plots, template.HTML(lineChartSVG(ch, plotScale{})))
	}
	if len(r.Pools) > 0 {
		d.Plots = append(d.Plots, template.HTML(utilisationChart([]string{""}, r.Pools)))
	}
	return pages.ExecuteTemplate(w, "report", d)
}

// WriteCompareHTML writes a page comparing reports a and b: the rows of
// diffs (B − A, with a verdict), then the key figures, the two diagrams
// with one shared colour scale per metric, the plots pairwise on shared
// axes, the pools as grouped bars, and both sets of parameters and seeds.
func WriteCompareHTML(w io.Writer, a, b Report, diffs []DiffRow) error {
	layers := layerList([]Report{a, b})
	d := compareData{
		Title:   "Comparison: " + orDefault(a.Title, "A") + " vs " + orDefault(b.Title, "B"),
		CSS:     template.CSS(pageCSS),
		HeatCSS: heatCSS(len(layers)),
		Layers:  legends(layers),
	}
	for i, r := range []Report{a, b} {
		side := sideData{Title: orDefault(r.Title, "ab"[i:i+1]), Seed: r.Seed, KPIs: r.KPIs, Notes: r.Notes,
			Parameters: r.Parameters, Pools: poolRows(r.Pools)}
		if r.Model != nil {
			side.Diagram = template.HTML(diagramSVG(r.Model, false, "ab"[i:i+1]+"-", layerFor(layers, r), true, false))
		}
		if i == 0 {
			d.A = side
		} else {
			d.B = side
		}
	}
	for _, row := range diffs {
		d.Diffs = append(d.Diffs, diffView(row))
	}
	for _, row := range diffs {
		if row.HasDiffCI {
			d.DiffCIs = true
		}
	}
	d.Plots = comparePlots(a, b)
	if len(a.Pools) > 0 || len(b.Pools) > 0 {
		d.PoolChart = template.HTML(utilisationChart([]string{"A", "B"}, a.Pools, b.Pools))
	}
	return pages.ExecuteTemplate(w, "compare", d)
}

type pageData struct {
	Title, ModelName string
	Seed             uint64
	KPIs             []KPI
	Notes            []string
	Parameters       string
	CSS, HeatCSS     template.CSS
	Layers           []layerView
	Diagram          template.HTML
	Plots            []template.HTML
	Elements         elementsView
	Pools            []poolView
}

type compareData struct {
	Title        string
	CSS, HeatCSS template.CSS
	Layers       []layerView
	A, B         sideData
	Diffs        []diffRowView
	DiffCIs      bool // some rows have an interval of their own
	Plots        [][2]template.HTML
	PoolChart    template.HTML
}

type sideData struct {
	Title      string
	Seed       uint64
	KPIs       []KPI
	Notes      []string
	Parameters string
	Diagram    template.HTML
	Pools      []poolView
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// layerList returns one heat layer per distinct overlay name over the
// reports, in order of first appearance, scaled to the largest value (or
// largest Max) of that name in any report, so that reports compare.
func layerList(rs []Report) []heatLayer {
	var out []heatLayer
	for _, r := range rs {
		for _, o := range r.Overlays {
			i := slices.IndexFunc(out, func(l heatLayer) bool { return l.o.Name == o.Name })
			l := newHeatLayer(o)
			if i < 0 {
				out = append(out, l)
				continue
			}
			out[i].max = math.Max(out[i].max, l.max)
			out[i].nodat = out[i].nodat || l.nodat
		}
	}
	return out
}

// layerFor returns the layers with the values of report r: its overlay of
// each layer's name, on the layer's shared scale.
func layerFor(layers []heatLayer, r Report) []heatLayer {
	out := make([]heatLayer, len(layers))
	for i, l := range layers {
		out[i] = heatLayer{o: Overlay{Name: l.o.Name, Unit: l.o.Unit}, max: l.max}
		for _, o := range r.Overlays {
			if o.Name == l.o.Name {
				out[i].o = o
				break
			}
		}
	}
	return out
}

// heatCSS returns the rules that paint heat layer i when its radio button
// is checked: elements take their colours from the --hI/--tI variables
// the diagram sets on them.
func heatCSS(n int) template.CSS {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "#heat-%d:checked ~ * .heat { fill: var(--h%d, #fff); }\n", i, i)
		fmt.Fprintf(&b, "#heat-%d:checked ~ * .heat-text { fill: var(--t%d, #000); }\n", i, i)
		fmt.Fprintf(&b, "#heat-%d:checked ~ * .heat-ink { color: var(--t%d, #222); }\n", i, i)
		fmt.Fprintf(&b, "#heat-%d:checked ~ .heat-legends .heat-legend-%d { display: block; }\n", i, i)
		fmt.Fprintf(&b, "#heat-%d:checked ~ .heat-controls .heat-tab-%d { background: #222; color: #fff; border-color: #222; }\n", i, i)
	}
	return template.CSS(b.String())
}

type layerView struct {
	Index  int
	Name   string
	Legend template.HTML
}

func legends(layers []heatLayer) []layerView {
	out := make([]layerView, len(layers))
	for i, l := range layers {
		out[i] = layerView{Index: i, Name: l.o.Name, Legend: template.HTML(legendSVG(l))}
	}
	return out
}

type elementsView struct {
	Header []string
	Rows   []elementRow
}

type elementRow struct {
	ID, Name, Kind string
	Cells          []string
}

// elementTable lists every element having a value in some overlay: the
// model's nodes in document order, then ids the model lacks, sorted.
func elementTable(r Report, layers []heatLayer) elementsView {
	var v elementsView
	if len(layers) == 0 {
		return v
	}
	for _, l := range layers {
		v.Header = append(v.Header, l.o.Name)
	}
	mine := layerFor(layers, r)
	has := func(id string) bool {
		for _, l := range mine {
			if _, ok := l.o.Values[id]; ok {
				return true
			}
		}
		return false
	}
	row := func(id, name, kind string) elementRow {
		er := elementRow{ID: id, Name: name, Kind: kind}
		for _, l := range mine {
			cell := ""
			if val, ok := l.o.Values[id]; ok {
				cell = FormatValue(val, l.o.Unit)
			}
			er.Cells = append(er.Cells, cell)
		}
		return er
	}
	seen := map[string]bool{}
	if r.Model != nil {
		for _, p := range r.Model.Processes {
			for _, n := range p.AllNodes {
				if has(n.ID) && !seen[n.ID] {
					seen[n.ID] = true
					v.Rows = append(v.Rows, row(n.ID, n.Name, kindText(n)))
				}
			}
		}
	}
	var rest []string
	for _, l := range mine {
		for id := range l.o.Values {
			if !seen[id] {
				seen[id] = true
				rest = append(rest, id)
			}
		}
	}
	slices.Sort(rest)
	for _, id := range rest {
		kind := ""
		if r.Model != nil {
			if n, ok := r.Model.Element(id).(*bpmn.Node); ok {
				kind = kindText(n)
			}
		}
		v.Rows = append(v.Rows, row(id, "", kind))
	}
	return v
}

type poolView struct {
	Name, Util, QueueMean, QueueMax string
	Size                            int
}

func poolRows(ps []PoolMetrics) []poolView {
	var out []poolView
	for _, p := range ps {
		u := FormatValue(p.Utilisation, Ratio)
		if p.UtilisationCI > 0 {
			u += " ±" + FormatValue(p.UtilisationCI, Ratio)
		}
		out = append(out, poolView{Name: p.Name, Size: p.Size, Util: u,
			QueueMean: FormatValue(p.QueueMean, Number), QueueMax: FormatValue(p.QueueMax, Number)})
	}
	return out
}

// utilisationChart draws the utilisation of the pools of each group
// (report) as horizontal bars, pools in order of first appearance.
func utilisationChart(groups []string, pools ...[]PoolMetrics) string {
	var names []string
	for _, ps := range pools {
		for _, p := range ps {
			if !slices.Contains(names, p.Name) {
				names = append(names, p.Name)
			}
		}
	}
	rows := make([]barRow, len(names))
	for i, name := range names {
		rows[i].label = name
		for _, ps := range pools {
			v, ci := math.NaN(), 0.0
			if j := slices.IndexFunc(ps, func(p PoolMetrics) bool { return p.Name == name }); j >= 0 {
				v, ci = ps[j].Utilisation, ps[j].UtilisationCI
			}
			rows[i].vals = append(rows[i].vals, v)
			rows[i].cis = append(rows[i].cis, ci)
		}
	}
	if len(groups) == 1 && groups[0] == "" {
		groups = nil
	}
	return barChartSVG("Utilisation per pool", "utilisation", Ratio, groups, rows, 0)
}

// comparePlots pairs the histograms and charts of a and b by position,
// each pair on shared axes.
func comparePlots(a, b Report) [][2]template.HTML {
	var out [][2]template.HTML
	for i := range max(len(a.Histograms), len(b.Histograms)) {
		ha, hb := at(a.Histograms, i), at(b.Histograms, i)
		sc := histScale(ha, hb)
		out = append(out, [2]template.HTML{template.HTML(histogramSVG(ha, sc)), template.HTML(histogramSVG(hb, sc))})
	}
	for i := range max(len(a.Charts), len(b.Charts)) {
		ca, cb := at(a.Charts, i), at(b.Charts, i)
		sc := chartScale(ca, cb)
		out = append(out, [2]template.HTML{template.HTML(lineChartSVG(ca, sc)), template.HTML(lineChartSVG(cb, sc))})
	}
	return out
}

func at[T any](xs []T, i int) T {
	var zero T
	if i < len(xs) {
		return xs[i]
	}
	return zero
}

func histScale(hs ...Histogram) plotScale {
	sc := plotScale{xlo: math.Inf(1), xhi: math.Inf(-1)}
	for _, h := range hs {
		for _, b := range h.Buckets {
			sc.xlo, sc.xhi, sc.ymax = math.Min(sc.xlo, b.Lo), math.Max(sc.xhi, b.Hi), math.Max(sc.ymax, b.Count)
		}
	}
	if math.IsInf(sc.xlo, 0) {
		return plotScale{}
	}
	return sc
}

func chartScale(cs ...Chart) plotScale {
	sc := plotScale{xlo: math.Inf(1), xhi: math.Inf(-1)}
	for _, c := range cs {
		for _, s := range c.Series {
			for _, p := range s.Points {
				sc.xlo, sc.xhi, sc.ymax = math.Min(sc.xlo, p.X), math.Max(sc.xhi, p.X), math.Max(sc.ymax, p.Y)
			}
		}
	}
	if math.IsInf(sc.xlo, 0) {
		return plotScale{}
	}
	return sc
}

type diffRowView struct {
	Name, A, B, Delta, Rel, Verdict, Class string
}

// diffView formats a DiffRow: values with their intervals, the difference
// B − A (in percentage points for ratios, with its own interval when the
// row has one), the relative change and a verdict: better or worse when
// the difference is significant (its interval excludes 0; without one,
// the intervals of A and B do not overlap, or there are none and the
// values differ), "within noise" otherwise.
func diffView(r DiffRow) diffRowView {
	v := diffRowView{Name: r.Name, A: withCI(r.A, r.ACI, r.Unit), B: withCI(r.B, r.BCI, r.Unit)}
	delta := r.B - r.A
	switch r.Unit {
	case Ratio:
		v.Delta = signed(sig(delta*100, 3)) + " pp"
	default:
		v.Delta = signed(FormatValue(delta, r.Unit))
	}
	if r.A != 0 && !math.IsNaN(delta) {
		v.Rel = signed(sig(delta/math.Abs(r.A)*100, 3)) + " %"
	} else {
		v.Rel = "—"
	}
	if r.HasDiffCI && !math.IsNaN(delta) {
		v.Delta = withCIText(v.Delta, r.DiffCI, r.Unit)
	}
	significant := math.Abs(delta) > r.ACI+r.BCI && delta != 0 && !math.IsNaN(delta)
	if r.HasDiffCI {
		significant = math.Abs(delta) > r.DiffCI && !math.IsNaN(delta) && !math.IsNaN(r.DiffCI)
	}
	switch {
	case math.IsNaN(delta):
		v.Verdict, v.Class = "—", "noise"
	case !significant:
		v.Verdict, v.Class = "within noise", "noise"
	case r.Better == Neutral:
		v.Verdict, v.Class = "changed", "changed"
	case (delta < 0) == (r.Better == LowerIsBetter):
		v.Verdict, v.Class = "better", "better"
	default:
		v.Verdict, v.Class = "worse", "worse"
	}
	return v
}

// withCIText appends " ±CI" to a formatted difference, in percentage
// points for ratios.
func withCIText(s string, ci float64, u Unit) string {
	switch {
	case math.IsNaN(ci):
		return s + " ±?"
	case u == Ratio:
		return s + " ±" + sig(ci*100, 3) + " pp"
	}
	return s + " ±" + FormatValue(ci, u)
}

func withCI(v, ci float64, u Unit) string {
	s := FormatValue(v, u)
	if ci > 0 && !math.IsNaN(ci) {
		s += " ±" + FormatValue(ci, u)
	}
	return s
}

func signed(s string) string {
	if strings.HasPrefix(s, "-") || s == "—" || s == "0" || strings.HasPrefix(s, "0 ") {
		return strings.Replace(s, "-", "−", 1)
	}
	return "+" + s
}
