package report

import (
	"cmp"
	"math"
	"slices"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// A scene is what gets drawn: shapes with their bounds and edges with their
// waypoints, in paint order, whether they come from the file's BPMN DI
// (fromDI) or from the automatic layout (layoutScene). The SVG writer
// knows only scenes.
type scene struct {
	shapes []*shape
	edges  []*edge
}

// shapeKind says what a shape stands for.
type shapeKind uint8

const (
	flowNode    shapeKind = iota // a bpmn.Node
	participant                  // a pool
	lane                         // a DI shape inside a pool naming no modelled element (lanes are not modelled)
	artifact                     // any other DI shape naming no modelled element (data objects, annotations, groups)
)

type shape struct {
	id       string // element id ("" for DI shapes without bpmnElement)
	kind     shapeKind
	node     *bpmn.Node // flowNode only
	name     string
	b        bpmn.Bounds
	label    *bpmn.Bounds // label bounds from DI or layout, nil: default placement
	exact    bool         // label bounds computed by the layout (see canvas.label)
	expanded bool         // subprocesses drawn with their children
	depth    int          // nesting depth, for paint order
}

// edgeKind says what an edge stands for.
type edgeKind uint8

const (
	sequenceFlow edgeKind = iota
	association
	messageFlow
	otherEdge // DI edges naming no modelled element (data associations)
)

type edge struct {
	id    string
	kind  edgeKind
	flow  *bpmn.SequenceFlow // sequenceFlow only
	name  string
	pts   []bpmn.Point
	label *bpmn.Bounds
}

// hasDI reports whether defs has a diagram drawing at least one flow node.
func hasDI(defs *bpmn.Definitions) bool {
	if defs.Diagram == nil {
		return false
	}
	for _, s := range defs.Diagram.Shapes {
		if _, ok := defs.Element(s.ElementID).(*bpmn.Node); ok {
			return true
		}
	}
	return false
}

// fromDI builds the scene of the first diagram of defs. Shapes naming
// elements bpmnrun does not model (lanes, data objects, text annotations)
// are kept as lanes when they enclose a flow node and lie within a pool,
// otherwise as artifacts.
func fromDI(defs *bpmn.Definitions) *scene {
	sc := &scene{}
	d := defs.Diagram
	var unknown []*shape
	for _, s := range d.Shapes {
		sh := &shape{id: s.ElementID, b: s.Bounds, label: s.Label, expanded: s.IsExpanded}
		switch e := defs.Element(s.ElementID).(type) {
		case *bpmn.Node:
			sh.kind, sh.node, sh.name = flowNode, e, e.Name
			sh.depth = depthOf(e)
			if e.Kind == bpmn.SubProcess && !s.IsExpanded && len(e.Nodes) > 0 && childrenDrawn(defs, e) {
				sh.expanded = true // some tools omit isExpanded
			}
		case *bpmn.Participant:
			sh.kind, sh.name = participant, e.Name
		case *bpmn.Process, *bpmn.Collaboration:
			continue
		default:
			sh.kind = artifact
			unknown = append(unknown, sh)
		}
		sc.shapes = append(sc.shapes, sh)
	}
	classifyUnknown(sc.shapes, unknown)
	for _, e := range d.Edges {
		ed := &edge{id: e.ElementID, pts: e.Waypoints, label: e.Label, kind: otherEdge}
		switch el := defs.Element(e.ElementID).(type) {
		case *bpmn.SequenceFlow:
			ed.kind, ed.flow, ed.name = sequenceFlow, el, el.Name
		case *bpmn.Association:
			ed.kind = association
		case *bpmn.MessageFlow:
			ed.kind, ed.name = messageFlow, el.Name
		}
		if len(ed.pts) >= 2 {
			sc.edges = append(sc.edges, ed)
		}
	}
	sc.sortShapes()
	return sc
}

// childrenDrawn reports whether some child of subprocess n has a shape
// inside n's shape in the first diagram.
func childrenDrawn(defs *bpmn.Definitions, n *bpmn.Node) bool {
	var outer *bpmn.Bounds
	for _, s := range defs.Diagram.Shapes {
		if s.ElementID == n.ID {
			outer = &s.Bounds
			break
		}
	}
	for _, s := range defs.Diagram.Shapes {
		if c, ok := defs.Element(s.ElementID).(*bpmn.Node); ok && c.Parent == n && outer != nil && contains(*outer, s.Bounds) {
			return true
		}
	}
	return false
}

// classifyUnknown marks as lanes the unknown shapes that lie within a pool
// and enclose a flow node's shape.
func classifyUnknown(all, unknown []*shape) {
	for _, u := range unknown {
		inPool, enclosesNode := false, false
		for _, s := range all {
			switch {
			case s.kind == participant && contains(s.b, u.b):
				inPool = true
			case s.kind == flowNode && contains(u.b, s.b):
				enclosesNode = true
			}
		}
		if inPool && enclosesNode {
			u.kind = lane
		}
	}
}

// sortShapes orders shapes for painting: pools, lanes, artifacts, then flow
// nodes outside in: by nesting depth, and at one depth expanded activities
// (which may be drawn around nodes of another process) before other nodes,
// and boundary events last; document order otherwise.
func (sc *scene) sortShapes() {
	rank := func(s *shape) int {
		switch s.kind {
		case participant:
			return 0
		case lane:
			return 1
		case artifact:
			return 2
		}
		r := 3 + 3*s.depth
		switch {
		case s.expanded:
		case s.node.Kind == bpmn.BoundaryEvent:
			r += 2
		default:
			r++
		}
		return r
	}
	slices.SortStableFunc(sc.shapes, func(a, b *shape) int { return cmp.Compare(rank(a), rank(b)) })
}

// depthOf returns the number of subprocesses enclosing n.
func depthOf(n *bpmn.Node) int {
	d := 0
	for p := n.Parent; p != nil; p = p.Parent {
		d++
	}
	return d
}

// contains reports whether a encloses b (touching edges allowed, with a
// tolerance of one unit for tools that round).
func contains(a, b bpmn.Bounds) bool {
	const eps = 1
	return b.X >= a.X-eps && b.Y >= a.Y-eps && b.X+b.Width <= a.X+a.Width+eps && b.Y+b.Height <= a.Y+a.Height+eps
}

// overlaps reports whether the interiors of a and b intersect.
func overlaps(a, b bpmn.Bounds) bool {
	return a.X < b.X+b.Width && b.X < a.X+a.Width && a.Y < b.Y+b.Height && b.Y < a.Y+a.Height
}

// box is an axis-aligned extent used to compute the view box.
type box struct{ minX, minY, maxX, maxY float64 }

func emptyBox() box { return box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func (b *box) addPoint(x, y float64) {
	b.minX, b.minY = math.Min(b.minX, x), math.Min(b.minY, y)
	b.maxX, b.maxY = math.Max(b.maxX, x), math.Max(b.maxY, y)
}

func (b *box) addBounds(r bpmn.Bounds) {
	b.addPoint(r.X, r.Y)
	b.addPoint(r.X+r.Width, r.Y+r.Height)
}

func (b box) empty() bool { return b.minX > b.maxX }
