package bpmn

import (
	"fmt"
	"strings"
)

// link resolves the references between the flow elements of process p:
// flow ends, boundary attachments, default flows, compensation activity
// references and compensation handlers.
func (b *builder) link(p *Process) {
	p.nodeByID = make(map[string]*Node, len(p.AllNodes))
	for _, n := range p.AllNodes {
		if _, dup := p.nodeByID[n.ID]; !dup && n.ID != "" {
			p.nodeByID[n.ID] = n
		}
	}
	for i, f := range p.AllFlows {
		b.linkFlow(p, f, b.flows[i])
	}
	for _, n := range p.AllNodes {
		b.linkNode(p, n)
	}
	for _, e := range b.assocs {
		b.linkAssociation(p, e)
	}
}

// lookupNode resolves ref to a node of p, dropping a QName prefix if needed.
func (p *Process) lookupNode(ref string) *Node {
	if n := p.nodeByID[ref]; n != nil {
		return n
	}
	if _, local, ok := strings.Cut(ref, ":"); ok {
		return p.nodeByID[local]
	}
	return nil
}

// nodeIDs returns a function listing the ids of nodes, for suggest.
func nodeIDs(nodes []*Node, keep func(*Node) bool) func() []string {
	return func() []string {
		var out []string
		for _, n := range nodes {
			if keep == nil || keep(n) {
				out = append(out, n.ID)
			}
		}
		return out
	}
}

// linkFlow connects a sequence flow to its source and target, which must
// be in the scope of the flow.
func (b *builder) linkFlow(p *Process, f *SequenceFlow, fi flowInfo) {
	src := b.flowEnd(p, f, fi, "sourceRef", fi.source)
	tgt := b.flowEnd(p, f, fi, "targetRef", fi.target)
	if src == nil || tgt == nil {
		return
	}
	for _, n := range [...]*Node{src, tgt} {
		if n.Parent != f.Parent {
			b.add(SeverityError, CodeFlowScope, fi.el, f.ID, flowPath(p, f),
				"sequenceFlow %q: %s %q is in %s, the flow in %s; sequence flows cannot cross subprocess boundaries",
				f.ID, n.Kind, n.ID, scopeName(p, n.Parent), scopeName(p, f.Parent))
			return
		}
	}
	f.Source, f.Target = src, tgt
	src.Outgoing = append(src.Outgoing, f)
	tgt.Incoming = append(tgt.Incoming, f)
}

// flowEnd resolves one end of a flow, reporting it when missing.
func (b *builder) flowEnd(p *Process, f *SequenceFlow, fi flowInfo, attr, ref string) *Node {
	if ref == "" {
		b.add(SeverityError, CodeDanglingRef, fi.el, f.ID, flowPath(p, f), "sequenceFlow %q has no %s", f.ID, attr)
		return nil
	}
	n := p.lookupNode(ref)
	if n == nil {
		b.add(SeverityError, CodeDanglingRef, fi.el, f.ID, flowPath(p, f), "sequenceFlow %q: %s %q does not exist in %s%s",
			f.ID, attr, ref, scopeName(p, nil), b.suggest(ref, nodeIDs(p.AllNodes, nil)))
	}
	return n
}

// flowPath is the element path of a flow.
func flowPath(p *Process, f *SequenceFlow) string {
	if f.Parent != nil {
		return childPath(f.Parent.Path, "sequenceFlow", f.ID)
	}
	return childPath(segment("process", p.ID), "sequenceFlow", f.ID)
}

// scopeName names a scope in messages.
func scopeName(p *Process, sub *Node) string {
	if sub == nil {
		return fmt.Sprintf("process %q", p.ID)
	}
	return fmt.Sprintf("%s %q", sub.Kind, sub.ID)
}

// linkNode resolves the node references held by n.
func (b *builder) linkNode(p *Process, n *Node) {
	info := b.nodes[n.Index]
	if n.Kind == BoundaryEvent {
		b.attach(p, n, info.attachedTo)
	}
	if info.dflt != "" {
		b.linkDefault(p, n, info.dflt)
	}
	if info.activityRef != "" && n.Event != nil {
		if t := p.lookupNode(info.activityRef); t != nil {
			n.Event.ActivityRef = t
		} else {
			b.dangling(n, "activityRef", info.activityRef,
				nodeIDs(p.AllNodes, func(x *Node) bool { return x.Kind.IsActivity() }))
		}
	}
}

// attach links boundary event n to the activity named by ref.
func (b *builder) attach(p *Process, n *Node, ref string) {
	if ref == "" {
		b.nodeProblem(n, SeverityError, CodeDanglingRef, "%s has no attachedToRef", b.label(n))
		return
	}
	t := p.lookupNode(ref)
	switch {
	case t == nil:
		b.dangling(n, "attachedToRef", ref, nodeIDs(p.AllNodes, func(x *Node) bool { return x.Kind.IsActivity() }))
	case !t.Kind.IsActivity():
		b.nodeProblem(n, SeverityError, CodeBoundaryAttach,
			"%s is attached to %s; boundary events can only be attached to activities", b.label(n), b.label(t))
	case t.Parent != n.Parent:
		b.nodeProblem(n, SeverityError, CodeBoundaryAttach,
			"%s is in %s but its activity %q is in %s", b.label(n), scopeName(p, n.Parent), t.ID, scopeName(p, t.Parent))
	default:
		n.AttachedTo = t
		t.Boundaries = append(t.Boundaries, n)
	}
}

// linkDefault marks the default flow of n, which must be one of its
// outgoing flows.
func (b *builder) linkDefault(p *Process, n *Node, ref string) {
	for _, f := range n.Outgoing {
		if f.ID == ref {
			n.Default, f.IsDefault = f, true
			return
		}
	}
	if _, ok := b.defs.byID[ref].(*SequenceFlow); ok {
		b.nodeProblem(n, SeverityError, CodeDefaultFlow,
			"%s: default flow %q is not an outgoing flow of %q", b.label(n), ref, n.ID)
		return
	}
	b.dangling(n, "default", ref, ids(n.Outgoing, func(f *SequenceFlow) string { return f.ID }))
}

// linkAssociation checks the ends of an association and links a
// compensation boundary event to its handler (either direction).
func (b *builder) linkAssociation(p *Process, e *xelem) {
	id := b.id(e)
	src, tgt := strings.TrimSpace(e.attr("sourceRef")), strings.TrimSpace(e.attr("targetRef"))
	for _, end := range [...]struct{ attr, ref string }{{"sourceRef", src}, {"targetRef", tgt}} {
		if end.ref == "" {
			b.add(SeverityError, CodeDanglingRef, e, id, b.path(e), "association %q has no %s", id, end.attr)
		} else if !b.exists(end.ref) {
			b.add(SeverityError, CodeDanglingRef, e, id, b.path(e), "association %q: %s %q does not exist%s",
				id, end.attr, end.ref, b.suggest(end.ref, b.allIDs))
		}
	}
	s, t := p.lookupNode(src), p.lookupNode(tgt)
	if s == nil || t == nil {
		return
	}
	if t.isCompensationBoundary() {
		s, t = t, s
	}
	if s.isCompensationBoundary() && t.IsForCompensation && s.CompensationHandler == nil {
		s.CompensationHandler = t
	}
}

// isCompensationBoundary reports whether n is a compensation boundary event.
func (n *Node) isCompensationBoundary() bool {
	return n.Kind == BoundaryEvent && n.EventType() == CompensateEvent
}

// suggest returns ` (did you mean "x"?)` for the candidate closest to ref
// by edit distance, or "". The work of all suggestions of a document,
// listing candidates included, is bounded by b.budget, so that hostile
// input with many broken references stays linear.
func (b *builder) suggest(ref string, cands func() []string) string {
	if b.budget <= 0 {
		return ""
	}
	list := cands()
	b.budget -= len(list)
	limit := min(max(len(ref)/3, 1), 4)
	best, bestD := "", limit+1
	for _, c := range list {
		if b.budget--; b.budget < 0 {
			break
		}
		if c == "" || c == ref || abs(len(c)-len(ref)) >= bestD {
			continue
		}
		if b.budget -= len(c) * len(ref); b.budget < 0 {
			break
		}
		if d := levenshtein(ref, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// levenshtein returns the edit distance between a and b, in bytes.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
