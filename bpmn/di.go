package bpmn

import (
	"slices"
	"strconv"
	"strings"
)

// This file reads BPMN DI: diagrams with their shapes and edges.

// diagram reads a BPMNDiagram: shapes and edges of all its planes.
func (b *builder) diagram(e *xelem) {
	d := &Diagram{ID: b.id(e), Name: e.attr("name")}
	for pl := e.first; pl != nil; pl = pl.next {
		if !pl.is(nsBPMNDI, "BPMNPlane") {
			continue
		}
		d.Shapes = slices.Grow(d.Shapes, count(pl, nsBPMNDI, "BPMNShape"))
		d.Edges = slices.Grow(d.Edges, count(pl, nsBPMNDI, "BPMNEdge"))
		for c := pl.first; c != nil; c = c.next {
			switch {
			case c.is(nsBPMNDI, "BPMNShape"):
				d.Shapes = append(d.Shapes, b.shape(c))
			case c.is(nsBPMNDI, "BPMNEdge"):
				d.Edges = append(d.Edges, b.edge(c))
			}
		}
	}
	if b.defs.Diagram == nil {
		b.defs.Diagram = d
	}
	b.defs.Diagrams = append(b.defs.Diagrams, d)
}

func (b *builder) shape(e *xelem) *Shape {
	s := &Shape{ID: b.id(e), ElementID: b.diRef(e), IsExpanded: e.attr("isExpanded") == "true",
		IsHorizontal: e.attr("isHorizontal") == "true"}
	for c := e.first; c != nil; c = c.next {
		switch {
		case c.is(nsDC, "Bounds"):
			s.Bounds = b.bounds(c)
		case c.is(nsBPMNDI, "BPMNLabel"):
			s.Label = b.labelBounds(c)
		}
	}
	return s
}

func (b *builder) edge(e *xelem) *Edge {
	ed := &Edge{ID: b.id(e), ElementID: b.diRef(e), Waypoints: make([]Point, 0, count(e, nsDI, "waypoint"))}
	for c := e.first; c != nil; c = c.next {
		switch {
		case c.is(nsDI, "waypoint"):
			ed.Waypoints = append(ed.Waypoints, Point{b.num(c, "x"), b.num(c, "y")})
		case c.is(nsBPMNDI, "BPMNLabel"):
			ed.Label = b.labelBounds(c)
		}
	}
	return ed
}

// count returns the number of {space}local children of e.
func count(e *xelem, space, local string) int {
	n := 0
	for c := e.first; c != nil; c = c.next {
		if c.is(space, local) {
			n++
		}
	}
	return n
}

// diRef returns the bpmnElement of a DI element, warning when it names
// nothing.
func (b *builder) diRef(e *xelem) string {
	ref := strings.TrimSpace(e.attr("bpmnElement"))
	if ref != "" && !b.exists(ref) {
		b.add(SeverityWarning, CodeDanglingRef, e, b.id(e), b.path(e),
			"%s %q: bpmnElement %q does not exist", e.local, b.id(e), ref)
	}
	return ref
}

// label2 reads the bounds of a BPMNLabel, nil if it has none.
func (b *builder) labelBounds(e *xelem) *Bounds {
	for c := e.first; c != nil; c = c.next {
		if c.is(nsDC, "Bounds") {
			bd := b.bounds(c)
			return &bd
		}
	}
	return nil
}

func (b *builder) bounds(e *xelem) Bounds {
	return Bounds{b.num(e, "x"), b.num(e, "y"), b.num(e, "width"), b.num(e, "height")}
}

// num parses a numeric DI attribute, warning when it is not a number.
func (b *builder) num(e *xelem, attr string) float64 {
	s := e.attr(attr)
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		b.add(SeverityWarning, CodeBadValue, e, "", b.path(e), "%s: %s=%q is not a number", e.local, attr, s)
	}
	return v
}
