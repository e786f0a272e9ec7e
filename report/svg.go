package report

import (
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// SVGOptions configure WriteSVG.
type SVGOptions struct {
	// Overlay, when set, colours the elements by its values (a heat map)
	// and adds a legend under the diagram.
	Overlay *Overlay
	// AutoLayout lays the model out even when it has BPMN DI.
	AutoLayout bool
	// IDPrefix is put before every id attribute, to keep ids unique in a
	// page holding several diagrams.
	IDPrefix string
}

// WriteSVG draws the first diagram of defs as a standalone SVG document:
// from its BPMN DI when it has any, else laid out automatically (see
// docs/reports.md). Every element is a group with id IDPrefix+ID, a
// data-element attribute holding its id and a <title> (its hover text:
// name, kind, id and, with an overlay, the value). The same model and
// options always give the same bytes.
func WriteSVG(w io.Writer, defs *bpmn.Definitions, opt SVGOptions) error {
	var layers []heatLayer
	if opt.Overlay != nil {
		layers = []heatLayer{newHeatLayer(*opt.Overlay)}
	}
	d := diagramSVG(defs, opt.AutoLayout, opt.IDPrefix, layers, false, opt.Overlay != nil)
	_, err := io.WriteString(w, d)
	return err
}

// sceneOf returns the scene of defs: from DI unless auto or DI is missing.
func sceneOf(defs *bpmn.Definitions, auto bool) *scene {
	if !auto && hasDI(defs) {
		return fromDI(defs)
	}
	return layoutScene(defs)
}

const (
	margin    = 20.0
	ink       = "#222"
	noData    = "#d9d9d9"
	legendH   = 56.0
	haloAttrs = ` stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`
	cur       = "currentColor" // markers and icons take the colour of their group (see canvas.inkGroup)
)

// canvas accumulates SVG markup.
type canvas struct {
	strings.Builder
	prefix string
	heat   []heatLayer
	css    bool // heat switched by CSS variables (HTML) rather than fills
}

func (c *canvas) printf(format string, args ...any) { fmt.Fprintf(c, format, args...) }

// num formats a coordinate with at most two decimals.
func num(x float64) string {
	x = math.Round(x*100) / 100
	if x == 0 {
		return "0"
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// esc escapes text for SVG/XML content and attribute values.
func esc(s string) string { return html.EscapeString(s) }

// diagramSVG renders defs with the heat layers. With css, fills of layer i
// come from the CSS variables --hI/--tI set on each element (the HTML page
// switches layers); otherwise layer 0 is painted directly. With legend, a
// legend of layer 0 goes under the diagram.
func diagramSVG(defs *bpmn.Definitions, auto bool, prefix string, heat []heatLayer, css, legend bool) string {
	sc := sceneOf(defs, auto)
	c := &canvas{prefix: prefix, heat: heat, css: css}
	bx := sc.extent()
	if bx.empty() {
		bx = box{0, 0, 200, 60}
	}
	x0, y0 := bx.minX-margin, bx.minY-margin
	w, h := bx.maxX-bx.minX+2*margin, bx.maxY-bx.minY+2*margin
	if legend && len(heat) > 0 {
		w = max(w, 320)
		h += legendH
	}
	c.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram" viewBox="%s %s %s %s" width="%s" height="%s" font-family="Arial, Helvetica, sans-serif" font-size="%s">`+"\n",
		num(x0), num(y0), num(w), num(h), num(w), num(h), num(fontSize))
	c.printf(`<rect class="background" x="%s" y="%s" width="%s" height="%s" fill="#fff"/>`+"\n", num(x0), num(y0), num(w), num(h))
	for _, s := range sc.shapes {
		c.shape(s)
	}
	for _, e := range sc.edges {
		c.edge(e)
	}
	c.WriteString(`<g class="labels">` + "\n")
	for _, s := range sc.shapes {
		c.shapeLabel(s)
	}
	for _, e := range sc.edges {
		c.edgeLabel(e)
	}
	c.WriteString("</g>\n")
	if legend && len(heat) > 0 {
		c.legend(heat[0], x0+margin, y0+h-legendH+8)
	}
	c.WriteString("</svg>\n")
	return c.String()
}

// extent returns the box around every shape, label and edge of sc.
func (sc *scene) extent() box {
	bx := emptyBox()
	for _, s := range sc.shapes {
		bx.addBounds(s.b)
		if l := shapeLabelBounds(s); l != nil {
			bx.addBounds(*l)
		}
	}
	for _, e := range sc.edges {
		for _, p := range e.pts {
			bx.addPoint(p.X, p.Y)
		}
		if l, _ := edgeLabelBounds(e); l != nil {
			bx.addBounds(*l)
		}
	}
	return bx
}

// open starts the group of an element: id, data-element, class, heat
// variables and the hover title.
func (c *canvas) open(id, class, title string) {
	c.printf(`<g`)
	if id != "" {
		c.printf(` id="%s" data-element="%s"`, esc(c.prefix+id), esc(id))
	}
	c.printf(` class="%s"`, class)
	if c.css {
		if vars := c.heatVars(id); vars != "" {
			c.printf(` style="%s"`, vars)
		}
	}
	c.printf(">")
	if title != "" {
		c.printf("<title>%s</title>", esc(title))
	}
	c.WriteString("\n")
}

// title returns the hover text of an element: name, kind and id, then the
// value of every heat layer that has one.
func (c *canvas) title(id, name, kind string) string {
	var b strings.Builder
	if name != "" {
		b.WriteString(oneLine(name) + "\n")
	}
	b.WriteString(kind)
	if id != "" {
		b.WriteString(" (" + id + ")")
	}
	for _, l := range c.heat {
		if v, ok := l.o.Values[id]; ok && id != "" {
			b.WriteString("\n" + l.o.Name + ": " + FormatValue(v, l.o.Unit))
		}
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// fill returns the fill attributes of an element's body: its heat colour,
// or white. Heated bodies get class "heat" so that CSS can switch layers.
func (c *canvas) fill(id string) string {
	if len(c.heat) == 0 || id == "" {
		return `fill="#fff"`
	}
	if c.css {
		if c.heatVars(id) == "" {
			return `fill="#fff"`
		}
		return `class="heat" fill="#fff"`
	}
	if col, _, ok := c.heat[0].colour(id); ok {
		return `fill="` + col + `"`
	}
	return `fill="#fff"`
}

// textFill returns the fill attributes of text drawn on an element's body.
func (c *canvas) textFill(id string) string {
	if len(c.heat) == 0 || id == "" {
		return `fill="#000"`
	}
	if c.css {
		if c.heatVars(id) == "" {
			return `fill="#000"`
		}
		return `class="heat-text" fill="#000"`
	}
	if _, txt, ok := c.heat[0].colour(id); ok {
		return `fill="` + txt + `"`
	}
	return `fill="#000"`
}

// inkGroup opens the group of an element's markers and icons, whose
// colour contrasts with the element's fill (black, or white on dark heat).
func (c *canvas) inkGroup(id string) {
	switch {
	case len(c.heat) == 0 || id == "":
	case c.css && c.heatVars(id) != "":
		c.WriteString(`<g class="heat-ink" color="` + ink + `">`)
		return
	case !c.css:
		if _, txt, ok := c.heat[0].colour(id); ok && txt != "#000" {
			c.WriteString(`<g color="` + txt + `">`)
			return
		}
	}
	c.WriteString(`<g color="` + ink + `">`)
}

// heatVars returns "--h0:#...;--t0:#...;" for every layer with a value
// for id.
func (c *canvas) heatVars(id string) string {
	var b strings.Builder
	for i, l := range c.heat {
		if col, txt, ok := l.colour(id); ok {
			fmt.Fprintf(&b, "--h%d:%s;--t%d:%s;", i, col, i, txt)
		}
	}
	return b.String()
}

func (c *canvas) shape(s *shape) {
	switch s.kind {
	case participant:
		c.open(s.id, "shape participant", c.title(s.id, s.name, "participant"))
		c.rect(s.b, 0, `fill="none" stroke="`+ink+`" stroke-width="1.5"`)
		c.poolName(s)
	case lane:
		c.open(s.id, "shape lane", c.title(s.id, "", "lane"))
		c.rect(s.b, 0, `fill="none" stroke="#888" stroke-width="1"`)
	case artifact:
		c.open(s.id, "shape artifact", c.title(s.id, "", "element not modelled by bpmnrun"))
		c.rect(s.b, 4, `fill="none" stroke="#aaa" stroke-width="1" stroke-dasharray="4 3"`)
	default:
		n := s.node
		c.open(s.id, "shape "+n.Kind.String(), c.title(s.id, s.name, kindText(n)))
		switch {
		case n.Kind.IsEvent():
			c.event(s)
		case n.Kind.IsGateway():
			c.gateway(s)
		default:
			c.activity(s)
		}
	}
	c.WriteString("</g>\n")
}

// kindText describes a node for its hover text: "boundaryEvent timer
// non-interrupting".
func kindText(n *bpmn.Node) string {
	s := n.Kind.String()
	if n.TriggeredByEvent {
		s = "event subProcess"
	}
	if t := n.EventType(); t != bpmn.NoneEvent {
		s += " " + t.String()
	}
	if nonInterrupting(n) {
		s += " non-interrupting"
	}
	return s
}

func nonInterrupting(n *bpmn.Node) bool {
	switch {
	case n.Kind == bpmn.BoundaryEvent:
		return !n.CancelActivity
	case n.Kind == bpmn.StartEvent && n.Parent != nil && n.Parent.TriggeredByEvent:
		return !n.Interrupting
	}
	return false
}

func (c *canvas) rect(b bpmn.Bounds, rx float64, attrs string) {
	c.printf(`<rect x="%s" y="%s" width="%s" height="%s"`, num(b.X), num(b.Y), num(b.Width), num(b.Height))
	if rx > 0 {
		c.printf(` rx="%s"`, num(rx))
	}
	c.printf(" %s/>\n", attrs)
}

// poolName writes the name of a pool in its band: vertical at the left of
// a horizontal pool, horizontal at the top of a vertical one.
func (c *canvas) poolName(s *shape) {
	b := s.b
	if b.Width >= b.Height {
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`+"\n",
			num(b.X+poolBand), num(b.Y), num(b.X+poolBand), num(b.Y+b.Height), ink)
		if s.name != "" {
			cx, cy := b.X+poolBand/2, b.Y+b.Height/2
			c.printf(`<text x="%s" y="%s" text-anchor="middle" transform="rotate(-90 %s %s)" dy="4">%s</text>`+"\n",
				num(cx), num(cy), num(cx), num(cy), esc(oneLine(s.name)))
		}
		return
	}
	c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`+"\n",
		num(b.X), num(b.Y+poolBand), num(b.X+b.Width), num(b.Y+poolBand), ink)
	if s.name != "" {
		c.printf(`<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num(b.X+b.Width/2), num(b.Y+poolBand/2+4), esc(oneLine(s.name)))
	}
}

// activity draws a task, subprocess or call activity: a rounded
// rectangle, its type icon, its markers and, inside, its name.
func (c *canvas) activity(s *shape) {
	n, b := s.node, s.b
	stroke := `stroke="` + ink + `" stroke-width="2"`
	switch {
	case n.Kind == bpmn.CallActivity:
		stroke = `stroke="` + ink + `" stroke-width="4"`
	case n.TriggeredByEvent:
		stroke = `stroke="` + ink + `" stroke-width="1.5" stroke-dasharray="2 3"`
	}
	fill := c.fill(s.id)
	if s.expanded {
		fill += ` fill-opacity="0.45"`
	}
	c.rect(b, 10, fill+" "+stroke)
	if n.Kind == bpmn.Transaction {
		inner := bpmn.Bounds{X: b.X + 3, Y: b.Y + 3, Width: b.Width - 6, Height: b.Height - 6}
		c.rect(inner, 7, `fill="none" stroke="`+ink+`" stroke-width="1.5"`)
	}
	c.inkGroup(s.id)
	if !s.expanded {
		c.taskIcon(n.Kind, b.X+6, b.Y+6)
	}
	c.activityMarkers(s)
	c.WriteString("</g>\n")
	if s.name == "" {
		return
	}
	if s.expanded {
		c.textBlock(wrap(s.name, b.Width-16), b.X+8, b.Y+16, "start", c.textFill(s.id), false)
		return
	}
	lines := wrap(s.name, b.Width-12)
	top := b.Y + b.Height/2 - lineH*float64(len(lines))/2 + fontSize - 1
	c.textBlock(lines, b.X+b.Width/2, top, "middle", c.textFill(s.id), false)
}

// textBlock writes lines starting with the baseline of the first at y.
func (c *canvas) textBlock(lines []string, x, y float64, anchor, fill string, halo bool) {
	if len(lines) == 0 {
		return
	}
	extra := ""
	if halo {
		extra = haloAttrs
	}
	c.printf(`<text x="%s" y="%s" text-anchor="%s" %s%s>`, num(x), num(y), anchor, fill, extra)
	for i, l := range lines {
		dy := "0"
		if i > 0 {
			dy = num(lineH)
		}
		c.printf(`<tspan x="%s" dy="%s">%s</tspan>`, num(x), dy, esc(l))
	}
	c.WriteString("</text>\n")
}

// activityMarkers draws the markers centred at the bottom of an activity:
// multi-instance, collapsed subprocess (+), compensation.
func (c *canvas) activityMarkers(s *shape) {
	n := s.node
	var ms []string
	if n.Loop != nil {
		if n.Loop.IsSequential {
			ms = append(ms, "seq")
		} else {
			ms = append(ms, "par")
		}
	}
	if n.IsForCompensation {
		ms = append(ms, "comp")
	}
	collapsed := !s.expanded && (n.Kind == bpmn.SubProcess || n.Kind == bpmn.Transaction || n.Kind == bpmn.CallActivity)
	if collapsed {
		ms = append(ms, "plus")
	}
	const size, gap = 14.0, 4.0
	x := s.b.X + s.b.Width/2 - (float64(len(ms))*size+float64(len(ms)-1)*gap)/2
	y := s.b.Y + s.b.Height - size - 4
	for _, m := range ms {
		c.marker(m, x, y, size)
		x += size + gap
	}
}

// marker draws one activity marker in the size×size square at (x, y).
func (c *canvas) marker(m string, x, y, size float64) {
	p := func(fx, fy float64) string { return num(x+fx*size) + "," + num(y+fy*size) }
	line := `stroke="currentColor" stroke-width="2" fill="none"`
	switch m {
	case "par":
		for _, fx := range []float64{0.2, 0.5, 0.8} {
			c.printf(`<path d="M%s L%s" %s/>`+"\n", p(fx, 0.05), p(fx, 0.95), line)
		}
	case "seq":
		for _, fy := range []float64{0.2, 0.5, 0.8} {
			c.printf(`<path d="M%s L%s" %s/>`+"\n", p(0.05, fy), p(0.95, fy), line)
		}
	case "comp":
		c.printf(`<path d="M%s L%s L%s Z M%s L%s L%s Z" fill="none" stroke="%s" stroke-width="1.2"/>`+"\n",
			p(0, 0.5), p(0.5, 0.15), p(0.5, 0.85), p(0.5, 0.5), p(1, 0.15), p(1, 0.85), cur)
	case "plus":
		c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="%s" stroke-width="1.2"/>`+"\n",
			num(x), num(y), num(size), num(size), cur)
		c.printf(`<path d="M%s L%s M%s L%s" stroke="%s" stroke-width="1.5"/>`+"\n",
			p(0.5, 0.2), p(0.5, 0.8), p(0.2, 0.5), p(0.8, 0.5), cur)
	}
}

// event draws an event circle: start thin, end thick, intermediate and
// boundary double; dashed when non-interrupting; with its marker.
func (c *canvas) event(s *shape) {
	n, b := s.node, s.b
	cx, cy, r := b.X+b.Width/2, b.Y+b.Height/2, math.Min(b.Width, b.Height)/2
	dash := ""
	if nonInterrupting(n) {
		dash = ` stroke-dasharray="5 3"`
	}
	circle := func(r, sw float64, fill string) {
		c.printf(`<circle cx="%s" cy="%s" r="%s" %s stroke="%s" stroke-width="%s"%s/>`+"\n",
			num(cx), num(cy), num(r), fill, ink, num(sw), dash)
	}
	switch n.Kind {
	case bpmn.StartEvent:
		circle(r, 1.5, c.fill(s.id))
	case bpmn.EndEvent:
		circle(r-1, 4, c.fill(s.id))
	default:
		circle(r, 1.5, c.fill(s.id))
		circle(r-3, 1.5, `fill="none"`)
	}
	throw := n.Kind == bpmn.EndEvent || n.Kind == bpmn.IntermediateThrowEvent
	c.inkGroup(s.id)
	c.eventMarker(n.EventType(), cx, cy, r/18, throw)
	c.WriteString("</g>\n")
}

// eventMarker draws the glyph of an event definition centred at (cx, cy),
// scaled for a circle of radius 18·k; filled for throwing events.
func (c *canvas) eventMarker(t bpmn.EventType, cx, cy, k float64, throw bool) {
	p := func(pts ...float64) string {
		var b strings.Builder
		for i := 0; i+1 < len(pts); i += 2 {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(num(cx+pts[i]*k) + "," + num(cy+pts[i+1]*k))
		}
		return b.String()
	}
	style := `fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"`
	if throw {
		style = `fill="currentColor" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"`
	}
	poly := func(pts ...float64) { c.printf(`<polygon points="%s" %s/>`+"\n", p(pts...), style) }
	switch t {
	case bpmn.MessageEvent:
		poly(-8, -5.5, 8, -5.5, 8, 5.5, -8, 5.5)
		flap := cur
		if throw {
			flap = "#fff"
		}
		c.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="1.2"/>`+"\n", p(-8, -5.5, 0, 1, 8, -5.5), flap)
	case bpmn.TimerEvent:
		c.printf(`<circle cx="%s" cy="%s" r="%s" fill="#fff" stroke="%s" stroke-width="1.5"/>`+"\n", num(cx), num(cy), num(10*k), cur)
		var d strings.Builder
		for i := range 12 {
			a := float64(i) * math.Pi / 6
			fmt.Fprintf(&d, "M%s,%s L%s,%s ", num(cx+8*k*math.Cos(a)), num(cy+8*k*math.Sin(a)), num(cx+10*k*math.Cos(a)), num(cy+10*k*math.Sin(a)))
		}
		fmt.Fprintf(&d, "M%s L%s L%s", p(0, -7), p(0, 0), p(5, 1))
		c.printf(`<path d="%s" fill="none" stroke="%s" stroke-width="1.2"/>`+"\n", strings.TrimSpace(d.String()), cur)
	case bpmn.ErrorEvent:
		poly(-8, 8, -3, -7, 2, 1, 7, -8, 3, 7, -2, -1)
	case bpmn.EscalationEvent:
		poly(0, -9, 6.5, 8, 0, 2, -6.5, 8)
	case bpmn.CompensateEvent:
		poly(-9, 0, -1, -6, -1, 6)
		poly(-1, 0, 7, -6, 7, 6)
	case bpmn.SignalEvent:
		poly(0, -9, 8, 6, -8, 6)
	case bpmn.TerminateEvent:
		c.printf(`<circle cx="%s" cy="%s" r="%s" fill="%s"/>`+"\n", num(cx), num(cy), num(10*k), cur)
	case bpmn.LinkEvent:
		poly(-8, -3.5, 1, -3.5, 1, -8, 8.5, 0, 1, 8, 1, 3.5, -8, 3.5)
	case bpmn.ConditionalEvent:
		c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="#fff" stroke="%s" stroke-width="1.5"/>`+"\n",
			num(cx-6.5*k), num(cy-8.5*k), num(13*k), num(17*k), cur)
		c.printf(`<path d="M%s L%s M%s L%s M%s L%s M%s L%s" stroke="%s" stroke-width="1.2"/>`+"\n",
			p(-4, -5), p(4, -5), p(-4, -1.7), p(4, -1.7), p(-4, 1.7), p(4, 1.7), p(-4, 5), p(4, 5), cur)
	case bpmn.CancelEvent:
		poly(-7, -9, 0, -2, 7, -9, 9, -7, 2, 0, 9, 7, 7, 9, 0, 2, -7, 9, -9, 7, -2, 0, -9, -7)
	}
}

// gateway draws a diamond with the marker of its kind.
func (c *canvas) gateway(s *shape) {
	n, b := s.node, s.b
	cx, cy := b.X+b.Width/2, b.Y+b.Height/2
	c.printf(`<polygon points="%s,%s %s,%s %s,%s %s,%s" %s stroke="%s" stroke-width="2" stroke-linejoin="round"/>`+"\n",
		num(cx), num(b.Y), num(b.X+b.Width), num(cy), num(cx), num(b.Y+b.Height), num(b.X), num(cy), c.fill(s.id), ink)
	k := math.Min(b.Width, b.Height) / 50
	p := func(x, y float64) string { return num(cx+x*k) + "," + num(cy+y*k) }
	thick := `stroke="currentColor" stroke-width="` + num(4*k) + `" stroke-linecap="round" fill="none"`
	c.inkGroup(s.id)
	defer c.WriteString("</g>\n")
	switch n.Kind {
	case bpmn.ExclusiveGateway:
		c.printf(`<path d="M%s L%s M%s L%s" %s/>`+"\n", p(-8, -8), p(8, 8), p(8, -8), p(-8, 8), thick)
	case bpmn.ParallelGateway:
		c.printf(`<path d="M%s L%s M%s L%s" %s/>`+"\n", p(0, -11), p(0, 11), p(-11, 0), p(11, 0), thick)
	case bpmn.InclusiveGateway:
		c.printf(`<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="%s"/>`+"\n", num(cx), num(cy), num(10*k), cur, num(3*k))
	case bpmn.EventBasedGateway:
		c.printf(`<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="1"/>`+"\n", num(cx), num(cy), num(12*k), cur)
		if !n.Instantiate {
			c.printf(`<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="1"/>`+"\n", num(cx), num(cy), num(10*k), cur)
		}
		var pts []string
		for i := range 5 {
			a := -math.Pi/2 + float64(i)*2*math.Pi/5
			pts = append(pts, p(6.5*math.Cos(a), 6.5*math.Sin(a)))
		}
		c.printf(`<polygon points="%s" fill="none" stroke="%s" stroke-width="1.3" stroke-linejoin="round"/>`+"\n", strings.Join(pts, " "), cur)
	}
}

// taskIcon draws the type icon of a task in the 16×16 square at (x, y).
func (c *canvas) taskIcon(k bpmn.Kind, x, y float64) {
	p := func(fx, fy float64) string { return num(x+fx) + "," + num(y+fy) }
	line := `fill="none" stroke="currentColor" stroke-width="1.2" stroke-linejoin="round"`
	switch k {
	case bpmn.ServiceTask:
		// a gear: eight teeth around a ring
		var d strings.Builder
		for i := range 8 {
			a := float64(i) * math.Pi / 4
			fmt.Fprintf(&d, "M%s L%s ", p(8+5*math.Cos(a), 8+5*math.Sin(a)), p(8+7.5*math.Cos(a), 8+7.5*math.Sin(a)))
		}
		c.printf(`<path d="%s" fill="none" stroke="%s" stroke-width="2.2"/>`+"\n", strings.TrimSpace(d.String()), cur)
		c.printf(`<circle cx="%s" cy="%s" r="5" fill="none" stroke="%s" stroke-width="1.3"/>`+"\n", num(x+8), num(y+8), cur)
		c.printf(`<circle cx="%s" cy="%s" r="2" fill="none" stroke="%s" stroke-width="1"/>`+"\n", num(x+8), num(y+8), cur)
	case bpmn.UserTask:
		c.printf(`<circle cx="%s" cy="%s" r="3.5" %s/>`+"\n", num(x+8), num(y+4.5), line)
		c.printf(`<path d="M%s C%s %s %s Z" %s/>`+"\n", p(1.5, 16), p(1.5, 8.5), p(14.5, 8.5), p(14.5, 16), line)
	case bpmn.SendTask:
		c.printf(`<rect x="%s" y="%s" width="15" height="10" fill="%s"/>`+"\n", num(x+0.5), num(y+3), cur)
		c.printf(`<polyline points="%s %s %s" fill="none" stroke="#fff" stroke-width="1.2"/>`+"\n", p(0.5, 3), p(8, 9), p(15.5, 3))
	case bpmn.ReceiveTask:
		c.printf(`<rect x="%s" y="%s" width="15" height="10" %s/>`+"\n", num(x+0.5), num(y+3), line)
		c.printf(`<polyline points="%s %s %s" %s/>`+"\n", p(0.5, 3), p(8, 9), p(15.5, 3), line)
	case bpmn.ScriptTask:
		c.printf(`<path d="M%s L%s C%s %s %s C%s %s %s L%s C%s %s %s C%s %s %s Z" %s/>`+"\n",
			p(3, 0.5), p(14, 0.5), p(11, 4), p(16, 8), p(13, 15.5), p(13, 15.5), p(13, 15.5), p(13, 15.5),
			p(2, 15.5), p(5, 12), p(0, 8), p(3, 0.5), p(3, 0.5), p(3, 0.5), p(3, 0.5), line)
		c.printf(`<path d="M%s L%s M%s L%s M%s L%s" %s/>`+"\n", p(4.5, 4.5), p(11, 4.5), p(5.5, 8), p(12, 8), p(4.5, 11.5), p(11, 11.5), line)
	case bpmn.ManualTask:
		// an open hand: palm and four fingers
		c.printf(`<path d="M%s L%s L%s L%s Z" %s/>`+"\n", p(1, 8), p(4, 15.5), p(12, 15.5), p(12, 8), line)
		for i, h := range []float64{2, 0.5, 1.5, 3.5} {
			fx := 4.5 + 2.5*float64(i)
			c.printf(`<path d="M%s L%s" %s/>`+"\n", p(fx, 8), p(fx, h+1), line)
		}
	case bpmn.BusinessRuleTask:
		c.printf(`<rect x="%s" y="%s" width="15" height="12" %s/>`+"\n", num(x+0.5), num(y+2), line)
		c.printf(`<rect x="%s" y="%s" width="15" height="3" fill="%s"/>`+"\n", num(x+0.5), num(y+2), cur)
		c.printf(`<path d="M%s L%s M%s L%s" %s/>`+"\n", p(0.5, 9.5), p(15.5, 9.5), p(5, 5), p(5, 14), line)
	}
}

// edge draws a flow with its arrowhead and the markers of default and
// conditional flows.
func (c *canvas) edge(e *edge) {
	kind := map[edgeKind]string{sequenceFlow: "sequenceFlow", association: "association", messageFlow: "messageFlow", otherEdge: "connection"}[e.kind]
	c.open(e.id, "edge "+kind, c.title(e.id, e.name, kind))
	pts := make([]string, len(e.pts))
	for i, p := range e.pts {
		pts[i] = num(p.X) + "," + num(p.Y)
	}
	style := ""
	switch e.kind {
	case association, otherEdge:
		style = ` stroke-dasharray="0.5 5" stroke-linecap="round"`
	case messageFlow:
		style = ` stroke-dasharray="10 5"`
	}
	c.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-linejoin="round"%s/>`+"\n", strings.Join(pts, " "), ink, style)
	n := len(e.pts)
	switch e.kind {
	case sequenceFlow:
		c.arrowHead(e.pts[n-2], e.pts[n-1], true)
		c.flowMarkers(e)
	case messageFlow:
		c.arrowHead(e.pts[n-2], e.pts[n-1], false)
		a, b := e.pts[0], e.pts[1]
		ux, uy := unit(a, b)
		c.printf(`<circle cx="%s" cy="%s" r="4" fill="#fff" stroke="%s" stroke-width="1.5"/>`+"\n", num(a.X+4*ux), num(a.Y+4*uy), ink)
	case otherEdge:
		c.arrowHead(e.pts[n-2], e.pts[n-1], false)
	}
	c.WriteString("</g>\n")
}

// unit returns the unit vector from a to b ((1, 0) if they coincide).
func unit(a, b bpmn.Point) (float64, float64) {
	dx, dy := b.X-a.X, b.Y-a.Y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return 1, 0
	}
	return dx / l, dy / l
}

// arrowHead draws an arrowhead at b pointing from a: filled for sequence
// flows, open otherwise.
func (c *canvas) arrowHead(a, b bpmn.Point, filled bool) {
	ux, uy := unit(a, b)
	const l, w = 11.0, 4.0
	bx, by := b.X-ux*l, b.Y-uy*l
	fill := ink
	if !filled {
		fill = "#fff"
	}
	c.printf(`<polygon points="%s,%s %s,%s %s,%s" fill="%s" stroke="%s" stroke-width="1" stroke-linejoin="round"/>`+"\n",
		num(b.X), num(b.Y), num(bx-uy*w), num(by+ux*w), num(bx+uy*w), num(by-ux*w), fill, ink)
}

// flowMarkers draws the slash of a default flow and the diamond of a
// conditional flow leaving an activity, at the flow's source.
func (c *canvas) flowMarkers(e *edge) {
	f := e.flow
	if f == nil || f.Source == nil {
		return
	}
	a, b := e.pts[0], e.pts[1]
	ux, uy := unit(a, b)
	switch {
	case f.IsDefault:
		mx, my := a.X+ux*10, a.Y+uy*10
		// a slash at 45° across the line
		sx, sy := (ux-uy)*5, (uy+ux)*5
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`+"\n",
			num(mx-sx), num(my-sy), num(mx+sx), num(my+sy), ink)
	case f.Condition != "" && f.Source.Kind.IsActivity():
		const l, w = 16.0, 5.0
		m := bpmn.Point{X: a.X + ux*l/2, Y: a.Y + uy*l/2}
		c.printf(`<polygon points="%s,%s %s,%s %s,%s %s,%s" fill="#fff" stroke="%s" stroke-width="1.2"/>`+"\n",
			num(a.X), num(a.Y), num(m.X-uy*w), num(m.Y+ux*w), num(a.X+ux*l), num(a.Y+uy*l), num(m.X+uy*w), num(m.Y-ux*w), ink)
	}
}

// shapeLabelBounds returns where the external label of s goes: its DI or
// layout bounds, else centred under the shape; nil when s has no external
// label (activities, pools, unnamed nodes).
func shapeLabelBounds(s *shape) *bpmn.Bounds {
	if s.kind != flowNode || s.name == "" || s.node.Kind.IsActivity() {
		return nil
	}
	if s.label != nil && s.label.Width > 0 {
		return s.label
	}
	return labelBelow(s.b, s.name, labelW)
}

func (c *canvas) shapeLabel(s *shape) {
	l := shapeLabelBounds(s)
	if l == nil {
		return
	}
	c.label(s.id, s.name, *l, s.exact)
}

// label writes name wrapped into bounds l, centred on it, with a white
// halo. Bounds from DI are often tight to the text of another font: unless
// exact (bounds computed here from the same wrap), lines may be a little
// wider.
func (c *canvas) label(id, name string, l bpmn.Bounds, exact bool) {
	width := l.Width + 0.5
	if !exact {
		width = max(l.Width*1.3, 40)
	}
	lines := wrap(name, width)
	top := l.Y + l.Height/2 - lineH*float64(len(lines))/2 + fontSize - 1
	c.printf(`<g data-label-for="%s">`, esc(id))
	c.textBlock(lines, l.X+l.Width/2, top, "middle", `fill="#000"`, true)
	c.WriteString("</g>\n")
}

// edgeLabelBounds returns where the name of e goes: its DI label bounds,
// else centred on the first long enough segment (see labelSegment), above
// it when horizontal, right of it when vertical. The flag is false when
// the bounds come from DI.
func edgeLabelBounds(e *edge) (*bpmn.Bounds, bool) {
	if e.name == "" {
		return nil, false
	}
	if e.label != nil && e.label.Width > 0 {
		return e.label, true
	}
	lines := wrap(e.name, labelW)
	w, h := widest(lines), lineH*float64(len(lines))
	seg := labelSegment(e.pts)
	a, b := e.pts[seg], e.pts[seg+1]
	mx, my := (a.X+b.X)/2, (a.Y+b.Y)/2
	if math.Abs(b.X-a.X) >= math.Abs(b.Y-a.Y) {
		return &bpmn.Bounds{X: mx - w/2, Y: my - h - 3, Width: w, Height: h}, false
	}
	return &bpmn.Bounds{X: mx + 4, Y: my - h/2, Width: w, Height: h}, false
}

func (c *canvas) edgeLabel(e *edge) {
	l, di := edgeLabelBounds(e)
	if l == nil {
		return
	}
	c.label(e.id, e.name, *l, !di)
}

// labelSegment returns the index of the segment of pts that carries the
// flow's name: the first horizontal one at least 30 long, else the first
// at least 30 long, else the first.
func labelSegment(pts []bpmn.Point) int {
	long := func(i int) bool { return math.Hypot(pts[i+1].X-pts[i].X, pts[i+1].Y-pts[i].Y) >= 30 }
	for i := 0; i+1 < len(pts); i++ {
		if long(i) && math.Abs(pts[i+1].Y-pts[i].Y) < 0.5 {
			return i
		}
	}
	for i := 0; i+1 < len(pts); i++ {
		if long(i) {
			return i
		}
	}
	return 0
}
