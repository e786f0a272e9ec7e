package report

import (
	"fmt"
	"math"
)

// The heat scale runs from white through the nine classes of ColorBrewer's
// sequential YlOrRd scheme (Cynthia A. Brewer, colorbrewer2.org), which is
// marked colour-blind safe and print friendly there: lightness falls
// monotonically from white to dark red, so the order of values survives
// any kind of colour blindness and greyscale printing.
var heatStops = [...][3]uint8{
	{0xff, 0xff, 0xff},
	{0xff, 0xff, 0xcc}, {0xff, 0xed, 0xa0}, {0xfe, 0xd9, 0x76},
	{0xfe, 0xb2, 0x4c}, {0xfd, 0x8d, 0x3c}, {0xfc, 0x4e, 0x2a},
	{0xe3, 0x1a, 0x1c}, {0xbd, 0x00, 0x26}, {0x80, 0x00, 0x26},
}

// heatColour returns the colour of t in [0, 1] (clamped), interpolated
// linearly between the stops, as #rrggbb.
func heatColour(t float64) string {
	r, g, b := heatRGB(t)
	return fmt.Sprintf("#%02x%02x%02x", r, g, b)
}

func heatRGB(t float64) (uint8, uint8, uint8) {
	if math.IsNaN(t) {
		t = 0
	}
	t = math.Min(1, math.Max(0, t))
	x := t * float64(len(heatStops)-1)
	i := int(math.Floor(x))
	if i >= len(heatStops)-1 {
		i = len(heatStops) - 2
	}
	f := x - float64(i)
	a, b := heatStops[i], heatStops[i+1]
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + (float64(q)-float64(p))*f)) }
	return mix(a[0], b[0]), mix(a[1], b[1]), mix(a[2], b[2])
}

// textOn returns black or white, whichever reads better on the heat colour
// of t (by relative luminance, WCAG 2).
func textOn(t float64) string {
	r, g, b := heatRGB(t)
	lin := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	if l < 0.18 {
		return "#fff"
	}
	return "#000"
}

// heatLayer is an Overlay with its scale resolved.
type heatLayer struct {
	o     Overlay
	max   float64
	nodat bool // some value is NaN
}

func newHeatLayer(o Overlay) heatLayer {
	l := heatLayer{o: o, max: o.Max}
	for _, v := range o.Values {
		switch {
		case math.IsNaN(v):
			l.nodat = true
		case o.Max <= 0 && !math.IsInf(v, 0):
			l.max = math.Max(l.max, v)
		}
	}
	if !(l.max > 0) {
		l.max = 1
	}
	return l
}

// colour returns the fill and text colours of element id, ok false when
// the layer has no value for it.
func (l heatLayer) colour(id string) (fill, text string, ok bool) {
	v, ok := l.o.Values[id]
	if !ok {
		return "", "", false
	}
	if math.IsNaN(v) {
		return noData, "#000", true
	}
	t := v / l.max
	return heatColour(t), textOn(t), true
}

// legend draws the colour bar of l at (x, y): its name, a bar of 40 steps
// from 0 to the maximum, nice ticks, and a "no data" swatch when needed.
func (c *canvas) legend(l heatLayer, x, y float64) {
	const barW, barH, steps = 240.0, 12.0, 40
	c.printf(`<g class="legend">` + "\n")
	c.printf(`<text x="%s" y="%s" font-weight="bold">%s</text>`+"\n", num(x), num(y+4), esc(l.o.Name))
	by := y + 10
	for i := range steps {
		t := (float64(i) + 0.5) / steps
		c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
			num(x+barW*float64(i)/steps), num(by), num(barW/steps+0.3), num(barH), heatColour(t))
	}
	c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#888" stroke-width="0.5"/>`+"\n",
		num(x), num(by), num(barW), num(barH))
	ax := newAxis(0, l.max, l.o.Unit, 5)
	for _, t := range ax.ticks {
		if t > l.max*1.0001 {
			continue
		}
		tx := x + barW*t/l.max
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#444" stroke-width="1"/>`+"\n", num(tx), num(by+barH), num(tx), num(by+barH+4))
		c.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="10">%s</text>`+"\n", num(tx), num(by+barH+15), esc(ax.labelUnit(t)))
	}
	if l.nodat {
		nx := x + barW + 24
		c.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#888" stroke-width="0.5"/>`+"\n", num(nx), num(by), num(barH), num(barH), noData)
		c.printf(`<text x="%s" y="%s" font-size="10">no data</text>`+"\n", num(nx+barH+4), num(by+barH-2))
	}
	c.WriteString("</g>\n")
}

// legendSVG returns the legend of l as a small SVG of its own (for the
// HTML page, where it is switched together with the heat layer).
func legendSVG(l heatLayer) string {
	c := &canvas{}
	c.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="legend-svg" viewBox="0 0 360 48" width="360" height="48" font-family="Arial, Helvetica, sans-serif" font-size="%s">`+"\n", num(fontSize))
	c.legend(l, 16, 12)
	c.WriteString("</svg>\n")
	return c.String()
}
