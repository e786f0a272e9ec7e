package report

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// The automatic layout, for models without BPMN DI, is the layered
// ("Sugiyama") method: K. Sugiyama, S. Tagawa, M. Toda, "Methods for visual
// understanding of hierarchical system structures", IEEE Trans. SMC 11(2),
// 1981. Per scope (a process or an expanded subprocess):
//
//  1. Cycles are broken by a depth-first search from the start events (then
//     from other nodes without incoming flows, then from whatever is left),
//     in document order; the flows it finds going back are drawn as loops
//     below the graph and ignored for layering.
//  2. Longest-path layering: a node's layer is one more than the largest
//     layer of its predecessors. A flow leaving a boundary event counts as
//     leaving the event's activity, and so does the association from a
//     compensation boundary event to its handler.
//  3. Flows spanning several layers get a dummy node in each layer between,
//     so that the ordering keeps room for them.
//  4. Ordering within layers by the barycentre heuristic, sweeping down and
//     up several times and keeping the order with the fewest crossings
//     (E. R. Gansner et al., "A technique for drawing directed graphs",
//     IEEE TSE 19(3), 1993, §3). Flows from boundary events pull their
//     targets half a position down.
//  5. Vertical positions: each node wants the mean height of its neighbours
//     in the previous (then next) layer; the positions closest to those
//     wishes that keep every node's footprint (shape, external label,
//     boundary events and their labels) apart are found by isotonic
//     regression (pool-adjacent-violators).
//
// Boundary events sit on their activity's bottom edge, spread evenly (the
// activity is widened when it has more than two). Subprocesses with
// children are laid out recursively and drawn expanded; event subprocesses
// are put in a row under the rest of their scope. Call activities are
// drawn collapsed. Each process is a block; processes in a collaboration
// are stacked as pools in participant order, message flows run vertically
// between them.

const (
	taskW, taskH   = 100.0, 80.0
	eventD         = 36.0
	gatewayD       = 50.0
	colGap         = 56.0 // between layers
	rowGap         = 30.0 // between footprints in a layer
	dummyGap       = 14.0 // between a dummy and its neighbours in a layer
	subPadX        = 20.0 // inside expanded subprocesses
	subPadTop      = 30.0
	subPadBottom   = 20.0
	poolBand       = 30.0 // the name band of a pool
	poolPad        = 30.0
	labelW         = 90.0 // width of external labels
	gatewayLabelDX = 8.0  // a gateway's label starts this far right of its centre
	boundarySlot   = 44.0 // room for one boundary event on an activity's bottom edge
	orderSweeps    = 8
	loopChannel    = 16.0 // distance between loops under the graph
	eventSubGap    = 40.0
	blockStackGap  = 40.0
)

// layoutScene lays out every process of defs (see the comment above).
func layoutScene(defs *bpmn.Definitions) *scene {
	sc := &scene{}
	byProc := map[string]*bpmn.Process{}
	for _, p := range defs.Processes {
		byProc[p.ID] = p
	}
	type pool struct {
		part *bpmn.Participant
		blk  *block
	}
	var pools []pool
	inPool := map[*bpmn.Process]bool{}
	for _, c := range defs.Collaborations {
		for _, pt := range c.Participants {
			pl := pool{part: pt}
			if p := byProc[pt.ProcessRef]; p != nil && !inPool[p] {
				inPool[p] = true
				pl.blk = layoutScope(p, p.Scope, 0)
			}
			pools = append(pools, pl)
		}
	}
	width := 400.0
	for _, pl := range pools {
		if pl.blk != nil {
			width = max(width, pl.blk.w+poolBand+2*poolPad)
		}
	}
	y := 0.0
	for _, pl := range pools {
		h := 80.0
		if pl.blk != nil {
			h = pl.blk.h + 2*poolPad
			pl.blk.translate(poolBand+poolPad, y+poolPad)
			sc.add(pl.blk)
		}
		sc.shapes = append(sc.shapes, &shape{id: pl.part.ID, kind: participant, name: pl.part.Name,
			b: bpmn.Bounds{X: 0, Y: y, Width: width, Height: h}})
		y += h + blockStackGap
	}
	for _, p := range defs.Processes {
		if inPool[p] || len(p.Nodes) == 0 {
			continue
		}
		blk := layoutScope(p, p.Scope, 0)
		blk.translate(0, y)
		sc.add(blk)
		y += blk.h + blockStackGap
	}
	sc.messageFlows(defs)
	sc.sortShapes()
	return sc
}

// block is a laid-out scope, its content placed from (0, 0) to (w, h).
type block struct {
	w, h   float64
	shapes []*shape
	edges  []*edge
}

func (b *block) translate(dx, dy float64) {
	for _, s := range b.shapes {
		s.b.X += dx
		s.b.Y += dy
		if s.label != nil {
			s.label.X += dx
			s.label.Y += dy
		}
	}
	for _, e := range b.edges {
		for i := range e.pts {
			e.pts[i].X += dx
			e.pts[i].Y += dy
		}
	}
}

func (sc *scene) add(b *block) {
	sc.shapes = append(sc.shapes, b.shapes...)
	sc.edges = append(sc.edges, b.edges...)
}

// normalise moves b's content to start at (0, 0) and sets its size.
func (b *block) normalise() {
	bx := emptyBox()
	for _, s := range b.shapes {
		bx.addBounds(s.b)
		if s.label != nil {
			bx.addBounds(*s.label)
		}
	}
	for _, e := range b.edges {
		for _, p := range e.pts {
			bx.addPoint(p.X, p.Y)
		}
	}
	if bx.empty() {
		return
	}
	b.translate(-bx.minX, -bx.minY)
	b.w, b.h = bx.maxX-bx.minX, bx.maxY-bx.minY
}

// vertex is a node of the layered graph: a flow node or a dummy.
type vertex struct {
	node       *bpmn.Node // nil for dummies
	doc        int        // document order in the scope
	w, h       float64    // the shape
	up, down   float64    // footprint above and below the centre
	lx, rx     float64    // footprint left and right of the centre
	inner      *block     // children of an expanded subprocess
	boundaries []*bpmn.Node
	in, out    []*ledge

	layer, pos int
	key        float64 // ordering key during the sweeps
	x, y       float64 // centre
	visit      uint8   // DFS state
	de         *ledge  // dummies: the edge through them
	di         int     // dummies: the index in de.chain
}

func (v *vertex) dummy() bool { return v.node == nil }

// ledge is a flow (or compensation association) between vertices.
type ledge struct {
	from, to *vertex
	id, name string
	kind     edgeKind
	flow     *bpmn.SequenceFlow
	boundary *bpmn.Node // the boundary event the edge leaves from, if any
	back     bool       // found going back by the DFS: drawn as a loop
	chain    []*vertex  // from, dummies, to
}

// graph is the layered graph of one scope.
type graph struct {
	proc     *bpmn.Process
	depth    int
	verts    []*vertex
	byNode   map[*bpmn.Node]*vertex
	edges    []*ledge
	layers   [][]*vertex
	colX     []float64 // left of each layer's column
	colW     []float64
	shapes   map[*bpmn.Node]*shape
	eventSub []*bpmn.Node
}

// layoutScope lays out the nodes of scope s (of process p) at nesting
// depth depth.
func layoutScope(p *bpmn.Process, s bpmn.Scope, depth int) *block {
	g := &graph{proc: p, depth: depth, byNode: map[*bpmn.Node]*vertex{}, shapes: map[*bpmn.Node]*shape{}}
	g.addVertices(s)
	g.addEdges(s)
	g.breakCycles()
	g.assignLayers()
	g.addDummies()
	g.order()
	g.placeX()
	g.placeY()
	blk := &block{}
	g.emitShapes(blk)
	g.emitEdges(blk)
	blk.normalise()
	g.addEventSubprocesses(blk)
	return blk
}

func (g *graph) addVertices(s bpmn.Scope) {
	for _, n := range s.Nodes {
		switch {
		case n.Kind == bpmn.BoundaryEvent:
			continue
		case n.TriggeredByEvent:
			g.eventSub = append(g.eventSub, n)
			continue
		}
		v := &vertex{node: n, doc: len(g.verts), boundaries: n.Boundaries}
		g.size(v)
		g.verts = append(g.verts, v)
		g.byNode[n] = v
	}
}

// size sets the shape and footprint of v.
func (g *graph) size(v *vertex) {
	n := v.node
	switch {
	case n.Kind.IsEvent():
		v.w, v.h = eventD, eventD
	case n.Kind.IsGateway():
		v.w, v.h = gatewayD, gatewayD
	case isExpandable(n):
		v.inner = layoutScope(g.proc, n.Scope, g.depth+1)
		v.w = max(taskW, v.inner.w+2*subPadX)
		v.h = max(taskH, v.inner.h+subPadTop+subPadBottom)
	default:
		v.w, v.h = taskW, taskH
	}
	k := len(v.boundaries)
	v.w = max(v.w, boundarySlot*float64(k)+12)
	for _, b := range v.boundaries {
		v.w = max(v.w, float64(k)*(longestWord(b.Name)+8))
	}
	v.lx, v.rx, v.up, v.down = v.w/2, v.w/2, v.h/2, v.h/2
	switch {
	case n.Name == "" || n.Kind.IsActivity():
	case n.Kind.IsGateway():
		// a flag at the upper left, clear of the flows leaving through the
		// top and bottom corners and turning right
		lines := wrap(n.Name, labelW)
		v.up += 4 + lineH*float64(len(lines))
		v.lx = max(v.lx, gatewayLabelDX+widest(lines))
	default:
		lines := wrap(n.Name, labelW)
		v.lx, v.rx = max(v.lx, widest(lines)/2), max(v.rx, widest(lines)/2)
		v.down += 4 + lineH*float64(len(lines))
	}
	if k > 0 {
		lh := 0.0
		for _, b := range v.boundaries {
			if b.Name != "" {
				lh = max(lh, 2+lineH*float64(len(wrap(b.Name, boundaryLabelW(v.w, k)))))
			}
		}
		v.down += eventD/2 + lh
		v.rx = max(v.rx, v.w/2+v.w/float64(2*k))
	}
}

// boundaryLabelW is the width of the labels of k boundary events on an
// activity w wide: they start right of the event's centre and must end
// before the next event's outgoing flow.
func boundaryLabelW(w float64, k int) float64 { return w/float64(k) - 8 }

// longestWord returns the estimated width of the longest word of s.
func longestWord(s string) float64 {
	w := 0.0
	for _, f := range strings.Fields(s) {
		w = max(w, textWidth(f))
	}
	return w
}

// isExpandable reports whether n is a subprocess drawn with its children.
func isExpandable(n *bpmn.Node) bool {
	return (n.Kind == bpmn.SubProcess || n.Kind == bpmn.Transaction) && len(n.Nodes) > 0
}

// layoutNode returns the vertex standing for n: n's, or its activity's for
// a boundary event.
func (g *graph) layoutNode(n *bpmn.Node) (*vertex, *bpmn.Node) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == bpmn.BoundaryEvent && n.AttachedTo != nil {
		return g.byNode[n.AttachedTo], n
	}
	return g.byNode[n], nil
}

func (g *graph) addEdges(s bpmn.Scope) {
	for _, f := range s.Flows {
		from, b := g.layoutNode(f.Source)
		to, _ := g.layoutNode(f.Target)
		g.link(&ledge{from: from, to: to, id: f.ID, name: f.Name, kind: sequenceFlow, flow: f, boundary: b})
	}
	for _, a := range s.Associations {
		from, b := g.layoutNode(g.proc.Node(a.Source))
		to, _ := g.layoutNode(g.proc.Node(a.Target))
		g.link(&ledge{from: from, to: to, id: a.ID, kind: association, boundary: b})
	}
}

func (g *graph) link(e *ledge) {
	if e.from == nil || e.to == nil {
		return
	}
	g.edges = append(g.edges, e)
	if e.from == e.to {
		e.back = true // a loop on one node
		return
	}
	e.from.out = append(e.from.out, e)
	e.to.in = append(e.to.in, e)
}

// breakCycles marks the edges a DFS finds going back to a node on its
// stack. Roots: start events, then other nodes without incoming edges,
// then any node not yet reached, each in document order.
func (g *graph) breakCycles() {
	var dfs func(v *vertex)
	dfs = func(v *vertex) {
		v.visit = 1
		for _, e := range v.out {
			switch e.to.visit {
			case 0:
				dfs(e.to)
			case 1:
				e.back = true
			}
		}
		v.visit = 2
	}
	for _, pass := range []func(v *vertex) bool{
		func(v *vertex) bool { return v.node.Kind == bpmn.StartEvent },
		func(v *vertex) bool { return len(v.in) == 0 },
		func(*vertex) bool { return true },
	} {
		for _, v := range g.verts {
			if v.visit == 0 && pass(v) {
				dfs(v)
			}
		}
	}
}

// assignLayers gives every vertex the length of the longest path of
// forward edges reaching it.
func (g *graph) assignLayers() {
	indeg := make(map[*vertex]int, len(g.verts))
	for _, e := range g.edges {
		if !e.back {
			indeg[e.to]++
		}
	}
	var queue []*vertex
	for _, v := range g.verts {
		if indeg[v] == 0 {
			queue = append(queue, v)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, e := range v.out {
			if e.back {
				continue
			}
			e.to.layer = max(e.to.layer, v.layer+1)
			if indeg[e.to]--; indeg[e.to] == 0 {
				queue = append(queue, e.to)
			}
		}
	}
}

// addDummies builds the layers, with a dummy vertex wherever a forward
// edge crosses a layer.
func (g *graph) addDummies() {
	n := 0
	for _, v := range g.verts {
		n = max(n, v.layer+1)
	}
	g.layers = make([][]*vertex, n)
	for i, v := range g.verts {
		v.key = float64(i)
		g.layers[v.layer] = append(g.layers[v.layer], v)
	}
	for _, e := range g.edges {
		if e.back {
			continue
		}
		e.chain = []*vertex{e.from}
		for l := e.from.layer + 1; l < e.to.layer; l++ {
			d := &vertex{layer: l, key: e.from.key + 0.5, de: e, di: len(e.chain)}
			g.layers[l] = append(g.layers[l], d)
			e.chain = append(e.chain, d)
		}
		e.chain = append(e.chain, e.to)
	}
	for _, l := range g.layers {
		slices.SortStableFunc(l, func(a, b *vertex) int { return cmp.Compare(a.key, b.key) })
		for i, v := range l {
			v.pos = i
		}
	}
}

// segment is the part of an edge between adjacent layers.
type segment struct {
	a, b *vertex
	bias float64 // added to a's position when b looks at it
}

// segments returns the segments between layer l and l+1.
func (g *graph) segments() [][]segment {
	segs := make([][]segment, max(0, len(g.layers)-1))
	for _, e := range g.edges {
		for i := 1; i < len(e.chain); i++ {
			s := segment{a: e.chain[i-1], b: e.chain[i]}
			if i == 1 && e.boundary != nil {
				s.bias = 0.5
			}
			segs[s.a.layer] = append(segs[s.a.layer], s)
		}
	}
	return segs
}

// order reduces crossings by barycentre sweeps, keeping the best order.
func (g *graph) order() {
	segs := g.segments()
	best, bestPos := g.crossings(segs), g.positions()
	for it := 0; it < orderSweeps && best > 0; it++ {
		for l := 1; l < len(g.layers); l++ {
			g.sortLayer(l, segs[l-1], true)
		}
		for l := len(g.layers) - 2; l >= 0; l-- {
			g.sortLayer(l, segs[l], false)
		}
		if c := g.crossings(segs); c < best {
			best, bestPos = c, g.positions()
		}
	}
	for l, layer := range g.layers {
		for i, v := range bestPos[l] {
			v.pos = i
			layer[i] = v
		}
	}
}

// sortLayer orders layer l by the mean position of each vertex's
// neighbours across segs (predecessors when down, successors otherwise).
func (g *graph) sortLayer(l int, segs []segment, down bool) {
	sum := map[*vertex]float64{}
	cnt := map[*vertex]float64{}
	for _, s := range segs {
		if down {
			sum[s.b] += float64(s.a.pos) + s.bias
			cnt[s.b]++
		} else {
			sum[s.a] += float64(s.b.pos)
			cnt[s.a]++
		}
	}
	layer := g.layers[l]
	for _, v := range layer {
		v.key = float64(v.pos)
		if cnt[v] > 0 {
			v.key = sum[v] / cnt[v]
		}
	}
	slices.SortStableFunc(layer, func(a, b *vertex) int { return cmp.Compare(a.key, b.key) })
	for i, v := range layer {
		v.pos = i
	}
}

func (g *graph) crossings(segs [][]segment) int {
	n := 0
	for _, ss := range segs {
		for i := range ss {
			for j := i + 1; j < len(ss); j++ {
				if (ss[i].a.pos-ss[j].a.pos)*(ss[i].b.pos-ss[j].b.pos) < 0 {
					n++
				}
			}
		}
	}
	return n
}

func (g *graph) positions() [][]*vertex {
	out := make([][]*vertex, len(g.layers))
	for i, l := range g.layers {
		out[i] = slices.Clone(l)
	}
	return out
}

// placeX puts each layer in a column as wide as its widest footprint,
// the vertices centred on one line.
func (g *graph) placeX() {
	g.colX = make([]float64, len(g.layers))
	g.colW = make([]float64, len(g.layers))
	x := 0.0
	for l, layer := range g.layers {
		left, right := 0.0, 0.0
		for _, v := range layer {
			left, right = max(left, v.lx), max(right, v.rx)
		}
		g.colX[l], g.colW[l] = x, left+right
		for _, v := range layer {
			v.x = x + left
		}
		x += g.colW[l] + colGap
	}
}

// placeY stacks each layer, then moves the vertices towards their
// neighbours' heights, alternately from the left and from the right.
func (g *graph) placeY() {
	for _, layer := range g.layers {
		y := 0.0
		for i, v := range layer {
			if i > 0 {
				y += sep(layer[i-1], v)
			}
			v.y = y
		}
	}
	for pass := range 5 {
		fromLeft := pass%2 == 0
		for i := range g.layers {
			l := i
			if !fromLeft {
				l = len(g.layers) - 1 - i
			}
			g.alignLayer(g.layers[l], fromLeft)
		}
	}
	for _, l := range g.layers {
		for _, v := range l {
			v.y = math.Round(v.y)
		}
	}
}

// sep is the least distance between the centres of a and the vertex b
// under it.
func sep(a, b *vertex) float64 {
	gap := rowGap
	if a.dummy() || b.dummy() {
		gap = dummyGap
	}
	return a.down + gap + b.up
}

// alignLayer moves the vertices of layer as close as the spacing allows to
// the median height of their neighbours on the left (fromLeft) or on the
// right; the median keeps chains straight where the mean would drift.
// Only a vertex's strongest pulls count, and vertices pulled harder weigh
// more when they compete for room: the main flow stays straight, and what
// hangs off boundary events moves aside.
func (g *graph) alignLayer(layer []*vertex, fromLeft bool) {
	want := make([]float64, len(layer))
	weight := make([]float64, len(layer))
	for i, v := range layer {
		want[i], weight[i] = v.y, 0.5
		ps := pulls(v, fromLeft)
		if len(ps) == 0 {
			continue
		}
		top := slices.MaxFunc(ps, func(a, b pull) int { return cmp.Compare(a.strength, b.strength) }).strength
		var ys []float64
		for _, p := range ps {
			if p.strength == top {
				ys = append(ys, p.y)
			}
		}
		slices.Sort(ys)
		want[i], weight[i] = (ys[(len(ys)-1)/2]+ys[len(ys)/2])/2, top
	}
	seps := make([]float64, len(layer))
	for i := 1; i < len(layer); i++ {
		seps[i] = sep(layer[i-1], layer[i])
	}
	for i, y := range isotonic(want, weight, seps) {
		layer[i].y = y
	}
}

// clearBetween reports whether no other node of v's layer lies between
// v's centre and height y, so that a flow may leave or enter v vertically.
func (g *graph) clearBetween(v *vertex, y float64) bool {
	lo, hi := min(v.y, y), max(v.y, y)
	for _, u := range g.layers[v.layer] {
		if u != v && !u.dummy() && u.y+u.down > lo && u.y-u.up < hi {
			return false
		}
	}
	return true
}

// pull is where a neighbour wants a vertex, and how hard.
type pull struct {
	y        float64
	strength float64
}

const (
	pullSide  = 1.0    // along a flow from a boundary event, or an association
	pullLong  = 30.0   // along a flow through dummies
	pullChain = 1000.0 // along a flow between adjacent nodes
)

// pulls returns the pulls on v from its neighbours in the previous layer
// (left) or in the next, following edge chains through dummies. What hangs
// off a boundary event is pulled under its activity.
func pulls(v *vertex, left bool) []pull {
	var out []pull
	add := func(e *ledge, i int) {
		j := i + 1
		if left {
			j = i - 1
		}
		if j < 0 || j >= len(e.chain) {
			return
		}
		w := e.chain[j]
		p := pull{y: w.y, strength: pullChain}
		if v.dummy() || w.dummy() {
			p.strength = pullLong
		}
		if e.boundary != nil || e.kind == association {
			p.strength = pullSide
			if j == 0 {
				p.y = w.y + w.h/2 + eventD
			}
		}
		out = append(out, p)
	}
	if v.dummy() {
		add(v.de, v.di)
		return out
	}
	for _, es := range [][]*ledge{v.in, v.out} {
		for _, e := range es {
			if e.back {
				continue
			}
			if i := slices.Index(e.chain, v); i >= 0 {
				add(e, i)
			}
		}
	}
	return out
}

// isotonic returns the positions y closest to want (least squares,
// weighted) such that y[i] - y[i-1] >= seps[i]: pool adjacent violators
// on want minus the cumulated spacing.
func isotonic(want, weight, seps []float64) []float64 {
	n := len(want)
	off := make([]float64, n)
	for i := 1; i < n; i++ {
		off[i] = off[i-1] + seps[i]
	}
	type pool struct {
		sum, w float64
		count  int
	}
	var pools []pool
	for i := range n {
		pools = append(pools, pool{(want[i] - off[i]) * weight[i], weight[i], 1})
		for len(pools) > 1 {
			a, b := pools[len(pools)-2], pools[len(pools)-1]
			if a.sum/a.w <= b.sum/b.w {
				break
			}
			pools = append(pools[:len(pools)-2], pool{a.sum + b.sum, a.w + b.w, a.count + b.count})
		}
	}
	out := make([]float64, 0, n)
	for _, p := range pools {
		for range p.count {
			out = append(out, p.sum/p.w+off[len(out)])
		}
	}
	return out
}

// emitShapes creates the shapes of the vertices, their boundary events and
// their children.
func (g *graph) emitShapes(blk *block) {
	for _, v := range g.verts {
		n := v.node
		s := &shape{id: n.ID, kind: flowNode, node: n, name: n.Name, depth: g.depth, exact: true,
			b: bpmn.Bounds{X: v.x - v.w/2, Y: v.y - v.h/2, Width: v.w, Height: v.h}}
		switch {
		case n.Name == "" || n.Kind.IsActivity():
		case n.Kind.IsGateway():
			lines := wrap(n.Name, labelW)
			lw, lh := widest(lines), lineH*float64(len(lines))
			s.label = &bpmn.Bounds{X: v.x - gatewayLabelDX - lw, Y: s.b.Y - 4 - lh, Width: lw, Height: lh}
		default:
			s.label = labelBelow(s.b, n.Name, labelW)
		}
		blk.shapes = append(blk.shapes, s)
		g.shapes[n] = s
		if v.inner != nil {
			s.expanded = true
			v.inner.translate(s.b.X+(v.w-v.inner.w)/2, s.b.Y+subPadTop)
			blk.shapes = append(blk.shapes, v.inner.shapes...)
			blk.edges = append(blk.edges, v.inner.edges...)
		}
		k := float64(len(v.boundaries))
		for i, b := range v.boundaries {
			cx := s.b.X + v.w*(2*float64(i)+1)/(2*k)
			bs := &shape{id: b.ID, kind: flowNode, node: b, name: b.Name, depth: g.depth, exact: true,
				b: bpmn.Bounds{X: cx - eventD/2, Y: s.b.Y + v.h - eventD/2, Width: eventD, Height: eventD}}
			if b.Name != "" {
				lines := wrap(b.Name, boundaryLabelW(v.w, len(v.boundaries)))
				bs.label = &bpmn.Bounds{X: cx + 4, Y: bs.b.Y + eventD + 2, Width: widest(lines), Height: lineH * float64(len(lines))}
			}
			blk.shapes = append(blk.shapes, bs)
			g.shapes[b] = bs
		}
	}
}

// labelBelow returns the bounds of name wrapped to width, centred under b.
func labelBelow(b bpmn.Bounds, name string, width float64) *bpmn.Bounds {
	lines := wrap(name, width)
	w := widest(lines)
	return &bpmn.Bounds{X: b.X + b.Width/2 - w/2, Y: b.Y + b.Height + 4, Width: w, Height: lineH * float64(len(lines))}
}

// addEventSubprocesses lays out the event subprocesses of the scope in a
// row under blk's content.
func (g *graph) addEventSubprocesses(blk *block) {
	x, y := 0.0, blk.h+eventSubGap
	if len(blk.shapes) == 0 {
		y = 0
	}
	for _, n := range g.eventSub {
		inner := layoutScope(g.proc, n.Scope, g.depth+1)
		w := max(taskW, inner.w+2*subPadX)
		h := max(taskH, inner.h+subPadTop+subPadBottom)
		s := &shape{id: n.ID, kind: flowNode, node: n, name: n.Name, depth: g.depth, expanded: len(n.Nodes) > 0,
			b: bpmn.Bounds{X: x, Y: y, Width: w, Height: h}}
		inner.translate(x+(w-inner.w)/2, y+subPadTop)
		blk.shapes = append(blk.shapes, s)
		blk.shapes = append(blk.shapes, inner.shapes...)
		blk.edges = append(blk.edges, inner.edges...)
		x += w + rowGap
	}
	blk.normalise()
}
