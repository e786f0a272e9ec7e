package interp

import (
	"fmt"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// exclusive takes the first outgoing flow (document order) whose condition
// holds, else the default flow; with neither it raises a CONDITION_ERROR
// incident (BPMN 2.0.2 §13.3.2).
func (e *Engine) exclusive(w work) {
	n, s := w.node, w.scope
	e.trace(TraceActivated, s, n, n.ID, "")
	var chosen *bpmn.SequenceFlow
	if e.opts.Branch != nil && len(n.Outgoing) > 1 {
		if fs := e.opts.Branch(s.root.key, n); len(fs) > 0 {
			e.trace(TraceCompleted, s, n, n.ID, "")
			e.take(s, fs[0])
			e.consume(s)
			return
		}
	}
	for _, f := range n.Outgoing {
		if f.IsDefault {
			continue
		}
		cf := &s.pp.flows[f.Index]
		if cf.cond == nil {
			chosen = f
			break
		}
		ok, err := cf.cond.EvalBoolAt(s, e.now)
		if err != nil {
			e.raise(w, ExpressionError, fmt.Sprintf("condition of flow %q: %v", f.ID, err), "")
			return
		}
		if ok {
			chosen = f
			break
		}
	}
	if chosen == nil {
		chosen = n.Default
	}
	if chosen == nil {
		if len(n.Outgoing) == 0 {
			e.trace(TraceCompleted, s, n, n.ID, "")
			e.consume(s)
			return
		}
		e.raise(w, ConditionError, "no outgoing flow condition is true and there is no default flow", "")
		return
	}
	e.trace(TraceCompleted, s, n, n.ID, "")
	e.take(s, chosen)
	e.consume(s)
}

// arrive records a token arriving at a join by flow f; the token moves from
// the scope's live count into its join count.
func (e *Engine) arrive(s *elemInst, f *bpmn.SequenceFlow) {
	if len(s.arrivals) != len(s.pp.flows) {
		if cap(s.arrivals) >= len(s.pp.flows) {
			s.arrivals = s.arrivals[:len(s.pp.flows)]
		} else {
			s.arrivals = make([]int32, len(s.pp.flows))
		}
	}
	s.arrivals[f.Index]++
	s.joinWait++
	s.tokens--
}

// fireJoin consumes one token of every incoming flow that has one and
// makes it a single live token again.
func (e *Engine) fireJoin(s *elemInst, n *bpmn.Node) {
	for _, f := range n.Incoming {
		if s.arrivals[f.Index] > 0 {
			s.arrivals[f.Index]--
			s.joinWait--
		}
	}
	s.tokens++
}

// parallel joins all incoming flows, then forks to all outgoing flows.
func (e *Engine) parallel(w work) {
	n, s := w.node, w.scope
	if len(n.Incoming) > 1 && !w.afterJoin {
		e.arrive(s, w.flow)
		for _, f := range n.Incoming {
			if s.arrivals[f.Index] == 0 {
				e.idle(s)
				return
			}
		}
		e.fireJoin(s, n)
	}
	e.trace(TraceActivated, s, n, n.ID, "")
	e.trace(TraceCompleted, s, n, n.ID, "")
	for _, f := range n.Outgoing {
		e.take(s, f)
	}
	e.consume(s)
}

// inclusive joins the incoming flows that can still deliver a token, then
// takes every outgoing flow whose condition holds (else the default).
func (e *Engine) inclusive(w work) {
	n, s := w.node, w.scope
	if len(n.Incoming) > 1 && !w.afterJoin && w.flow != nil {
		e.arrive(s, w.flow)
		if !e.inclusiveReady(s, n) {
			s.inclWait++
			e.idle(s)
			return
		}
		e.fireJoin(s, n)
	}
	e.inclusiveFork(s, n, w)
}

func (e *Engine) inclusiveFork(s *elemInst, n *bpmn.Node, w work) {
	e.trace(TraceActivated, s, n, n.ID, "")
	var taken []*bpmn.SequenceFlow
	if e.opts.Branch != nil && len(n.Outgoing) > 1 {
		taken = e.opts.Branch(s.root.key, n)
	}
	branched := len(taken) > 0
	for _, f := range n.Outgoing {
		if branched {
			break
		}
		if f.IsDefault {
			continue
		}
		cf := &s.pp.flows[f.Index]
		if cf.cond != nil {
			ok, err := cf.cond.EvalBoolAt(s, e.now)
			if err != nil {
				w.afterJoin = true
				e.raise(w, ExpressionError, fmt.Sprintf("condition of flow %q: %v", f.ID, err), "")
				return
			}
			if !ok {
				continue
			}
		}
		taken = append(taken, f)
	}
	if len(taken) == 0 && n.Default != nil {
		taken = append(taken, n.Default)
	}
	if len(taken) == 0 && len(n.Outgoing) > 0 {
		w.afterJoin = true
		e.raise(w, ConditionError, "no outgoing flow condition is true and there is no default flow", "")
		return
	}
	e.trace(TraceCompleted, s, n, n.ID, "")
	for _, f := range taken {
		e.take(s, f)
	}
	e.consume(s)
}

// inclusiveReady reports whether the inclusive join n in scope s may fire:
// every incoming flow has a token, or no other token of the scope can
// still reach n (Zeebe 8.6+ and Camunda 7 semantics).
func (e *Engine) inclusiveReady(s *elemInst, n *bpmn.Node) bool {
	all := true
	for _, f := range n.Incoming {
		if s.arrivals[f.Index] == 0 {
			all = false
			break
		}
	}
	if all {
		return true
	}
	return !e.canReach(s, n)
}

// canReach reports whether any token of scope s other than those waiting
// at n can reach n.
func (e *Engine) canReach(s *elemInst, n *bpmn.Node) bool {
	nodes := s.pp.nodes
	reaches := func(from *bpmn.Node) bool {
		return from == n || nodes[from.Index].reach.has(n.Index)
	}
	for c := s.first; c != nil; c = c.next {
		if c.node != nil && reaches(c.node) {
			return true
		}
	}
	for i := e.qhead; i < len(e.queue); i++ {
		q := &e.queue[i]
		if q.op == opActivate && q.scope == s && reaches(q.node) {
			return true
		}
	}
	for i, c := range s.arrivals {
		if c == 0 {
			continue
		}
		t := s.pp.flows[i].f.Target
		if t != n && nodes[t.Index].reach.has(n.Index) {
			return true
		}
	}
	return false
}

// checkInclusive fires the waiting inclusive joins of s that became ready.
func (e *Engine) checkInclusive(s *elemInst) {
	if s.inclWait == 0 {
		return
	}
	for _, n := range joinNodes(s) {
		if e.inclusiveReady(s, n) {
			s.inclWait--
			e.fireJoin(s, n)
			e.inclusiveFork(s, n, work{op: opActivate, scope: s, node: n, afterJoin: true})
		}
	}
}

// joinNodes lists the inclusive gateways of s with waiting tokens, in
// document order.
func joinNodes(s *elemInst) []*bpmn.Node {
	var out []*bpmn.Node
	seen := map[*bpmn.Node]bool{}
	for i, c := range s.arrivals {
		if c == 0 {
			continue
		}
		t := s.pp.flows[i].f.Target
		if t.Kind == bpmn.InclusiveGateway && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
