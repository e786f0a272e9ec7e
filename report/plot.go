package report

import (
	"math"
	"strconv"
	"strings"
)

// Plots are small hand-written SVGs: a histogram, a line chart and a
// horizontal bar chart, with axes at "nice" ticks (P. S. Heckbert, "Nice
// numbers for graph labels", Graphics Gems, 1990). Colours come from the
// Okabe–Ito palette (M. Okabe, K. Ito, "Color Universal Design", 2008),
// distinguishable with every common colour-vision deficiency.
var seriesColours = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

const (
	plotW, plotH     = 640.0, 280.0
	plotLeft         = 64.0
	plotRight        = 24.0
	plotTop          = 34.0
	plotBottom       = 48.0
	barColour        = "#0072B2"
	gridColour       = "#e5e5e5"
	defaultTickCount = 6
)

// axis maps a value range to nice ticks, in a display unit.
type axis struct {
	lo, hi float64 // the range covered, widened to whole ticks
	step   float64
	ticks  []float64
	unit   Unit
	scale  float64 // value / scale is shown
	name   string  // display unit ("min", "%", "/h" or "")
}

// newAxis returns an axis over [lo, hi] with about n ticks.
func newAxis(lo, hi float64, u Unit, n int) axis {
	a := axis{unit: u, scale: 1}
	switch u {
	case Seconds:
		// a unit in which the axis spans at least 1.5: "0 … 48 h", not "0 … 2 d"
		d := durationUnitFor(math.Max(math.Abs(lo), math.Abs(hi)) / 1.5)
		a.scale, a.name = d.secs, d.name
	case Ratio:
		a.scale, a.name = 0.01, "%"
	case PerHour:
		a.name = "/h"
	}
	l, h := lo/a.scale, hi/a.scale
	if !(h > l) || math.IsInf(h-l, 0) {
		h = l + 1
	}
	// the smallest nice step giving at most n ticks (Heckbert rounds the
	// step instead, which may give twice as many)
	step := niceNum((h-l)/float64(max(1, n-1)), false)
	gl, gh := math.Floor(l/step)*step, math.Ceil(h/step-1e-9)*step
	a.lo, a.hi, a.step = gl*a.scale, gh*a.scale, step*a.scale
	for v := gl; v <= gh+step/2; v += step {
		a.ticks = append(a.ticks, math.Round(v/step)*step*a.scale)
	}
	return a
}

// niceNum returns a "nice" number (1, 2 or 5 times a power of ten)
// approximately equal to x: rounded when round, else not smaller than x.
func niceNum(x float64, round bool) float64 {
	if x <= 0 {
		return 1
	}
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	var nf float64
	switch {
	case round && f < 1.5, !round && f <= 1:
		nf = 1
	case round && f < 3, !round && f <= 2:
		nf = 2
	case round && f < 7, !round && f <= 5:
		nf = 5
	default:
		nf = 10
	}
	return nf * math.Pow(10, exp)
}

// label formats tick v in the axis's display unit; the unit itself is in
// the axis title (see title).
func (a axis) label(v float64) string {
	step := a.step / a.scale
	dec := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	s := strconv.FormatFloat(v/a.scale, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// labelUnit formats tick v with its unit ("5 min", "20 %"), for axes
// without a title.
func (a axis) labelUnit(v float64) string {
	if a.unit == Seconds || a.unit == Ratio {
		return a.label(v) + " " + a.name
	}
	return a.label(v)
}

// title returns an axis title with the display unit: "cycle time (min)".
func (a axis) title(s string) string {
	if a.name == "" || s == "" {
		return s
	}
	return s + " (" + a.name + ")"
}

func (a axis) pos(v, from, to float64) float64 {
	return from + (v-a.lo)/(a.hi-a.lo)*(to-from)
}

// plotScale fixes the axes of a plot (to compare two reports); zero
// fields are taken from the data.
type plotScale struct {
	xlo, xhi, ymax float64
}

func openPlot(c *canvas, kind, title string, w, h float64) {
	c.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="plot plot-%s" data-plot="%s" viewBox="0 0 %s %s" width="%s" height="%s" font-family="Arial, Helvetica, sans-serif" font-size="11">`+"\n",
		kind, kind, num(w), num(h), num(w), num(h))
	c.printf("<title>%s</title>\n", esc(title))
	c.printf(`<rect width="%s" height="%s" fill="#fff"/>`+"\n", num(w), num(h))
	c.printf(`<text x="%s" y="18" font-size="13" font-weight="bold">%s</text>`+"\n", num(plotLeft), esc(title))
}

// axes draws the grid, ticks and titles of a plot area.
func axes(c *canvas, x, y axis, xTitle, yTitle string, w, h float64) {
	x0, x1, y0, y1 := plotLeft, w-plotRight, h-plotBottom, plotTop
	for _, t := range y.ticks {
		py := y.pos(t, y0, y1)
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(x0), num(py), num(x1), num(py), gridColour)
		c.printf(`<text x="%s" y="%s" text-anchor="end" font-size="10">%s</text>`+"\n", num(x0-6), num(py+3.5), esc(y.label(t)))
	}
	for _, t := range x.ticks {
		px := x.pos(t, x0, x1)
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#444"/>`+"\n", num(px), num(y0), num(px), num(y0+4))
		c.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="10">%s</text>`+"\n", num(px), num(y0+16), esc(x.label(t)))
	}
	c.printf(`<path d="M%s,%s L%s,%s L%s,%s" fill="none" stroke="#444"/>`+"\n", num(x0), num(y1), num(x0), num(y0), num(x1), num(y0))
	c.printf(`<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num((x0+x1)/2), num(h-8), esc(x.title(xTitle)))
	c.printf(`<text x="14" y="%s" text-anchor="middle" transform="rotate(-90 14 %s)">%s</text>`+"\n", num((y0+y1)/2), num((y0+y1)/2), esc(y.title(yTitle)))
}

// histogramSVG draws h as bars over its buckets.
func histogramSVG(h Histogram, sc plotScale) string {
	c := &canvas{}
	openPlot(c, "histogram", h.Title, plotW, plotH)
	if len(h.Buckets) == 0 {
		return emptyPlot(c)
	}
	lo, hi, top := math.Inf(1), math.Inf(-1), 0.0
	for _, b := range h.Buckets {
		lo, hi, top = math.Min(lo, b.Lo), math.Max(hi, b.Hi), math.Max(top, b.Count)
	}
	if sc.xhi > sc.xlo {
		lo, hi = sc.xlo, sc.xhi
	}
	top = math.Max(top, sc.ymax)
	xa := newAxis(lo, hi, h.Unit, defaultTickCount+2)
	ya := newAxis(0, math.Max(top, 1), Number, defaultTickCount)
	axes(c, xa, ya, h.XLabel, "count", plotW, plotH)
	x0, x1, y0, y1 := plotLeft, plotW-plotRight, plotH-plotBottom, plotTop
	for _, b := range h.Buckets {
		bx0, bx1 := xa.pos(b.Lo, x0, x1), xa.pos(b.Hi, x0, x1)
		by := ya.pos(b.Count, y0, y1)
		c.printf(`<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#fff" stroke-width="0.5"><title>%s – %s: %s</title></rect>`+"\n",
			num(bx0), num(by), num(math.Max(0, bx1-bx0)), num(y0-by), barColour,
			esc(FormatValue(b.Lo, h.Unit)), esc(FormatValue(b.Hi, h.Unit)), esc(sig(b.Count, 4)))
	}
	c.WriteString("</svg>\n")
	return c.String()
}

func emptyPlot(c *canvas) string {
	c.printf(`<text x="%s" y="%s" text-anchor="middle" fill="#888">no data</text>`+"\n", num(plotW/2), num(plotH/2))
	c.WriteString("</svg>\n")
	return c.String()
}

// lineChartSVG draws the series of ch over shared axes, with a legend.
func lineChartSVG(ch Chart, sc plotScale) string {
	c := &canvas{}
	openPlot(c, "line", ch.Title, plotW, plotH)
	lo, hi, ylo, yhi := math.Inf(1), math.Inf(-1), 0.0, 0.0
	for _, s := range ch.Series {
		for _, p := range s.Points {
			lo, hi = math.Min(lo, p.X), math.Max(hi, p.X)
			ylo, yhi = math.Min(ylo, p.Y), math.Max(yhi, p.Y)
		}
	}
	if math.IsInf(lo, 0) {
		return emptyPlot(c)
	}
	if sc.xhi > sc.xlo {
		lo, hi = sc.xlo, sc.xhi
	}
	yhi = math.Max(yhi, sc.ymax)
	if yhi <= ylo {
		yhi = ylo + 1
	}
	xa := newAxis(lo, hi, ch.XUnit, defaultTickCount+2)
	ya := newAxis(ylo, yhi, ch.YUnit, defaultTickCount)
	axes(c, xa, ya, ch.XLabel, ch.YLabel, plotW, plotH)
	x0, x1, y0, y1 := plotLeft, plotW-plotRight, plotH-plotBottom, plotTop
	for i, s := range ch.Series {
		col := seriesColours[i%len(seriesColours)]
		pts := make([]string, 0, len(s.Points))
		for _, p := range s.Points {
			pts = append(pts, num(xa.pos(p.X, x0, x1))+","+num(ya.pos(p.Y, y0, y1)))
		}
		c.printf(`<polyline class="series" data-series="%s" points="%s" fill="none" stroke="%s" stroke-width="1.8" stroke-linejoin="round"><title>%s</title></polyline>`+"\n",
			esc(s.Name), strings.Join(pts, " "), col, esc(s.Name))
		// legend, top right, one row per series
		lx, ly := x1-150, y1+4+14*float64(i)
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5"/>`+"\n", num(lx), num(ly), num(lx+16), num(ly), col)
		c.printf(`<text x="%s" y="%s" font-size="10"%s>%s</text>`+"\n", num(lx+20), num(ly+3.5), haloAttrs, esc(s.Name))
	}
	c.WriteString("</svg>\n")
	return c.String()
}

// barRow is one category of a bar chart: one value per group (one group
// for a report, two when comparing).
type barRow struct {
	label string
	vals  []float64
	cis   []float64
}

// barChartSVG draws horizontal bars, grouped per row; xmax fixes the end
// of the axis (0: from the data).
func barChartSVG(title, xTitle string, u Unit, groups []string, rows []barRow, xmax float64) string {
	const rowH, barGap, labelW = 26.0, 2.0, 130.0
	gh := (rowH - 8) / float64(max(1, len(groups)))
	h := plotTop + rowH*float64(max(1, len(rows))) + plotBottom
	if len(groups) > 1 {
		h += 16
	}
	c := &canvas{}
	openPlot(c, "bar", title, plotW, h)
	if len(rows) == 0 {
		return emptyPlot(c)
	}
	for _, r := range rows {
		for i, v := range r.vals {
			if !math.IsNaN(v) {
				xmax = math.Max(xmax, v+r.ci(i))
			}
		}
	}
	if u == Ratio {
		xmax = math.Max(xmax, 1)
	}
	xa := newAxis(0, math.Max(xmax, 1e-9), u, defaultTickCount)
	x0, x1, y0 := plotLeft+labelW, plotW-plotRight, plotTop+rowH*float64(len(rows))
	for _, t := range xa.ticks {
		px := xa.pos(t, x0, x1)
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(px), num(plotTop), num(px), num(y0), gridColour)
		c.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="10">%s</text>`+"\n", num(px), num(y0+16), esc(xa.label(t)))
	}
	for ri, r := range rows {
		ry := plotTop + rowH*float64(ri)
		c.printf(`<text x="%s" y="%s" text-anchor="end">%s</text>`+"\n", num(x0-8), num(ry+rowH/2+4), esc(r.label))
		for gi, v := range r.vals {
			if math.IsNaN(v) {
				continue
			}
			by := ry + 4 + gh*float64(gi)
			col := seriesColours[gi%len(seriesColours)]
			bw := xa.pos(v, x0, x1) - x0
			name := r.label
			if len(groups) > 1 {
				name = groups[gi] + ": " + r.label
			}
			c.printf(`<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`+"\n",
				num(x0), num(by), num(math.Max(0, bw)), num(gh-barGap), col, esc(name), esc(FormatValue(v, u)))
			if ci := r.ci(gi); ci > 0 {
				cy := by + (gh-barGap)/2
				c.printf(`<path d="M%s,%s L%s,%s M%s,%s L%s,%s M%s,%s L%s,%s" stroke="#222" stroke-width="1"/>`+"\n",
					num(xa.pos(v-ci, x0, x1)), num(cy), num(xa.pos(v+ci, x0, x1)), num(cy),
					num(xa.pos(v-ci, x0, x1)), num(cy-3), num(xa.pos(v-ci, x0, x1)), num(cy+3),
					num(xa.pos(v+ci, x0, x1)), num(cy-3), num(xa.pos(v+ci, x0, x1)), num(cy+3))
			}
			c.printf(`<text x="%s" y="%s" font-size="10"%s>%s</text>`+"\n", num(x0+math.Max(0, bw)+4+r.ciPx(gi, xa, x0, x1)), num(by+(gh-barGap)/2+3.5), haloAttrs, esc(FormatValue(v, u)))
		}
	}
	c.printf(`<path d="M%s,%s L%s,%s L%s,%s" fill="none" stroke="#444"/>`+"\n", num(x0), num(plotTop), num(x0), num(y0), num(x1), num(y0))
	c.printf(`<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num((x0+x1)/2), num(y0+34), esc(xa.title(xTitle)))
	if len(groups) > 1 {
		lx := x0
		for gi, g := range groups {
			col := seriesColours[gi%len(seriesColours)]
			c.printf(`<rect x="%s" y="%s" width="10" height="10" fill="%s"/><text x="%s" y="%s" font-size="10">%s</text>`+"\n",
				num(lx), num(h-14), col, num(lx+14), num(h-5), esc(g))
			lx += 30 + textWidth(g)
		}
	}
	c.WriteString("</svg>\n")
	return c.String()
}

func (r barRow) ci(i int) float64 {
	if i < len(r.cis) && r.cis[i] > 0 && !math.IsNaN(r.cis[i]) {
		return r.cis[i]
	}
	return 0
}

// ciPx is how far the whisker of value i reaches past its bar, in pixels.
func (r barRow) ciPx(i int, xa axis, x0, x1 float64) float64 {
	ci := r.ci(i)
	if ci == 0 {
		return 0
	}
	return xa.pos(ci, x0, x1) - xa.pos(0, x0, x1)
}
