package report

import (
	"math"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// Routing of the automatic layout (see layout.go): flows are drawn
// orthogonally. A flow between adjacent layers leaves its source on the
// right (a gateway's fan-out through its top or bottom corner, a boundary
// event's flow downwards), bends in the gap before the target's column and
// enters the target from the left (a joining gateway from below or above
// when nothing is in the way); a flow across several layers runs through
// its dummies' heights; a flow going back runs in a channel under the
// nodes of the layers it spans.

// messageFlows routes the message flows of defs between the shapes laid
// out: down (or up) from the source, across, and into the target. A node
// with several message flows spreads them over its width.
func (sc *scene) messageFlows(defs *bpmn.Definitions) {
	byID := map[string]*shape{}
	for _, s := range sc.shapes {
		if s.id != "" {
			byID[s.id] = s
		}
	}
	var flows []*bpmn.MessageFlow
	ends := map[*shape]int{} // message flows per node shape
	for _, c := range defs.Collaborations {
		for _, mf := range c.MessageFlows {
			if s, t := byID[mf.SourceRef], byID[mf.TargetRef]; s != nil && t != nil {
				flows = append(flows, mf)
				ends[s]++
				ends[t]++
			}
		}
	}
	used := map[*shape]int{}
	attach := func(s *shape) float64 {
		used[s]++
		return s.b.X + s.b.Width*float64(used[s])/float64(ends[s]+1)
	}
	for k, mf := range flows {
		s, t := byID[mf.SourceRef], byID[mf.TargetRef]
		var sx, tx float64
		switch {
		case s.kind == participant && t.kind == participant:
			sx = s.b.X + s.b.Width/2
			tx = sx
		case s.kind == participant:
			tx = attach(t)
			sx = tx
		case t.kind == participant:
			sx = attach(s)
			tx = sx
		default:
			sx, tx = attach(s), attach(t)
		}
		sy, ty := s.b.Y+s.b.Height, t.b.Y
		if t.b.Y < s.b.Y {
			sy, ty = s.b.Y, t.b.Y+t.b.Height
		}
		// flows between the same pools cross the gap at different heights
		mid := (sy+ty)/2 + float64(k%5-2)*5
		pts := []bpmn.Point{{X: sx, Y: sy}, {X: sx, Y: mid}, {X: tx, Y: mid}, {X: tx, Y: ty}}
		sc.edges = append(sc.edges, &edge{id: mf.ID, kind: messageFlow, name: mf.Name, pts: simplify(pts)})
	}
}

// emitEdges routes the edges orthogonally: forward edges bend in the gaps
// between columns, loops run in channels under the graph.
func (g *graph) emitEdges(blk *block) {
	loops := 0
	for _, e := range g.edges {
		var pts []bpmn.Point
		if e.back {
			pts = g.routeLoop(e, loops)
			loops++
		} else {
			pts = g.routeForward(e)
		}
		blk.edges = append(blk.edges, &edge{id: e.id, kind: e.kind, flow: e.flow, name: e.name, pts: simplify(pts)})
	}
}

// routeForward routes an edge through its chain of vertices.
func (g *graph) routeForward(e *ledge) []bpmn.Point {
	var pts []bpmn.Point
	next := e.chain[1]
	switch {
	case e.boundary != nil:
		bs := g.shapes[e.boundary]
		bx, by := bs.b.X+bs.b.Width/2, bs.b.Y+bs.b.Height
		pts = append(pts, bpmn.Point{X: bx, Y: by})
		if next.y > by+4 && g.clearBetween(e.from, next.y) {
			pts = append(pts, bpmn.Point{X: bx, Y: next.y})
		} else {
			below := by + 10
			gx := g.colX[next.layer] - colGap/2
			pts = append(pts, bpmn.Point{X: bx, Y: below}, bpmn.Point{X: gx, Y: below}, bpmn.Point{X: gx, Y: next.y})
		}
	case isGatewayV(e.from) && math.Abs(next.y-e.from.y) > e.from.h/2+10 && g.clearBetween(e.from, next.y):
		dir := math.Copysign(1, next.y-e.from.y)
		pts = append(pts, bpmn.Point{X: e.from.x, Y: e.from.y + dir*e.from.h/2}, bpmn.Point{X: e.from.x, Y: next.y})
	default:
		pts = append(pts, bpmn.Point{X: e.from.x + e.from.w/2, Y: e.from.y})
	}
	for i := 1; i < len(e.chain); i++ {
		a, b := e.chain[i-1], e.chain[i]
		last := pts[len(pts)-1]
		if i > 1 {
			// leave the dummy a at the right of its column
			last = bpmn.Point{X: g.colX[a.layer] + g.colW[a.layer], Y: a.y}
			pts = append(pts, last)
		}
		if b.dummy() {
			gx := g.colX[b.layer] - colGap/2
			pts = append(pts, bpmn.Point{X: gx, Y: last.Y}, bpmn.Point{X: gx, Y: b.y}, bpmn.Point{X: g.colX[b.layer], Y: b.y})
			continue
		}
		left := b.x - b.w/2
		switch {
		case math.Abs(last.Y-b.y) < 0.5:
		case isGatewayV(b) && i == len(e.chain)-1 && len(pts) == 1 && g.clearBetween(b, last.Y) &&
			(last.Y > b.y+b.h/2+10 || last.Y < b.y-b.up-2):
			// into a joining gateway from below, or from above its label
			// into a joining gateway from above or below
			dir := math.Copysign(1, last.Y-b.y)
			return append(pts, bpmn.Point{X: b.x, Y: last.Y}, bpmn.Point{X: b.x, Y: b.y + dir*b.h/2})
		default:
			gx := g.colX[b.layer] - colGap/2
			pts = append(pts, bpmn.Point{X: gx, Y: last.Y}, bpmn.Point{X: gx, Y: b.y})
		}
		pts = append(pts, bpmn.Point{X: left, Y: b.y})
	}
	return pts
}

func isGatewayV(v *vertex) bool { return v.node != nil && v.node.Kind.IsGateway() }

// routeLoop routes an edge found going back (or from a node to itself):
// out to the right, down into a channel under every node of the layers it
// spans, left, up, and into the target from the left.
func (g *graph) routeLoop(e *ledge, k int) []bpmn.Point {
	lo, hi := min(e.to.layer, e.from.layer), max(e.to.layer, e.from.layer)
	channel := 0.0
	for l := lo; l <= hi; l++ {
		for _, v := range g.layers[l] {
			channel = max(channel, v.y+v.down)
		}
	}
	channel += loopChannel * float64(k+1)
	var pts []bpmn.Point
	if e.boundary != nil {
		bs := g.shapes[e.boundary]
		bx := bs.b.X + bs.b.Width/2
		pts = append(pts, bpmn.Point{X: bx, Y: bs.b.Y + bs.b.Height}, bpmn.Point{X: bx, Y: channel})
	} else if !e.from.node.Kind.IsActivity() && g.clearBetween(e.from, channel) {
		// events and gateways: straight down from the bottom
		pts = append(pts, bpmn.Point{X: e.from.x, Y: e.from.y + e.from.h/2}, bpmn.Point{X: e.from.x, Y: channel})
	} else {
		rx := g.colX[e.from.layer] + g.colW[e.from.layer] + 12 + 4*float64(k%4)
		pts = append(pts, bpmn.Point{X: e.from.x + e.from.w/2, Y: e.from.y}, bpmn.Point{X: rx, Y: e.from.y}, bpmn.Point{X: rx, Y: channel})
	}
	lx := g.colX[e.to.layer] - 12 - 4*float64(k%4)
	return append(pts, bpmn.Point{X: lx, Y: channel}, bpmn.Point{X: lx, Y: e.to.y}, bpmn.Point{X: e.to.x - e.to.w/2, Y: e.to.y})
}

// simplify drops repeated points and middle points of straight runs.
func simplify(pts []bpmn.Point) []bpmn.Point {
	var out []bpmn.Point
	for _, p := range pts {
		if n := len(out); n > 0 && math.Abs(out[n-1].X-p.X) < 0.01 && math.Abs(out[n-1].Y-p.Y) < 0.01 {
			continue
		}
		if n := len(out); n >= 2 && collinear(out[n-2], out[n-1], p) {
			out[n-1] = p
			continue
		}
		out = append(out, p)
	}
	return out
}

// collinear reports whether b lies on the axis-parallel line from a to c.
func collinear(a, b, c bpmn.Point) bool {
	const eps = 0.01
	sameX := math.Abs(a.X-b.X) < eps && math.Abs(b.X-c.X) < eps
	sameY := math.Abs(a.Y-b.Y) < eps && math.Abs(b.Y-c.Y) < eps
	if !sameX && !sameY {
		return false
	}
	// b must lie between a and c, not beyond (no backtracking)
	return (b.X-a.X)*(c.X-b.X) >= -eps && (b.Y-a.Y)*(c.Y-b.Y) >= -eps
}
