package interp

import (
	"sort"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// compState is the compensation state of an element instance: the
// compensation records of its completed children (a scope), or, for a
// compensation throw event, the handlers still to run.
type compState struct {
	records []*compRecord
	throw   *compThrow
}

// compRecord says that an activity completed and can be compensated.
type compRecord struct {
	node    *bpmn.Node
	handler *bpmn.Node
	nested  []*compRecord // records of a completed subprocess
	vars    map[string]any
	seq     uint64
}

// compThrow is a running compensation throw event.
type compThrow struct {
	pending []invocation // handlers not started yet (sequential mode)
}

type invocation struct {
	rec  *compRecord
	vars map[string]any // snapshot of the enclosing subprocess's local variables
}

// compensationHandler returns the handler associated with the compensation
// boundary event of n, nil if none (computed once by Compile: cnode.handler).
func compensationHandler(n *bpmn.Node) *bpmn.Node {
	for _, b := range n.Boundaries {
		if b.EventType() == bpmn.CompensateEvent && b.CompensationHandler != nil {
			return b.CompensationHandler
		}
	}
	return nil
}

func (ei *elemInst) compRecords() []*compRecord {
	if ei.comp == nil {
		return nil
	}
	return ei.comp.records
}

func (ei *elemInst) addRecord(r *compRecord) {
	if ei.comp == nil {
		ei.comp = &compState{}
	}
	ei.comp.records = append(ei.comp.records, r)
}

// recordCompensation leaves a compensation record in the flow scope of a
// completed activity that has a compensation handler, or that is a
// subprocess containing records.
func (e *Engine) recordCompensation(ei *elemInst) {
	n := ei.node
	if n == nil || !n.Kind.IsActivity() {
		return
	}
	scope := ei.parent
	nested := ei.compRecords()
	if ei.mi != nil && !e.opts.ParallelCompensation {
		// BPMN/Camunda 7: one record per completed inner instance.
		for _, r := range nested {
			scope.addRecord(r)
		}
		return
	}
	if ei.mi != nil { // Zeebe: one record for the whole body
		var inner []*compRecord
		for _, r := range nested {
			inner = append(inner, r.nested...)
		}
		nested = inner
	}
	h := ei.pp.nodes[n.Index].handler
	if h == nil && len(nested) == 0 {
		return
	}
	r := &compRecord{node: n, handler: h, nested: nested, seq: e.nextSeq()}
	if n.Kind == bpmn.SubProcess && len(ei.vars) > 0 {
		r.vars = copyVars(ei.vars)
	}
	scope.addRecord(r)
}

// compensateThrow starts a compensation throw (intermediate or end event):
// with activityRef only that activity's records, else every record of the
// scope, descending into completed subprocesses. A throw inside an event
// subprocess compensates the enclosing scope.
func (e *Engine) compensateThrow(w work) {
	n, s := w.node, w.scope
	e.trace(TraceActivated, s, n, n.ID, "")
	var ref *bpmn.Node
	if n.Event != nil {
		ref = n.Event.ActivityRef
	}
	var recs []*compRecord
	take := func(sc *elemInst) {
		if sc.comp == nil {
			return
		}
		keep := sc.comp.records[:0]
		for _, r := range sc.comp.records {
			if ref == nil || r.node == ref {
				recs = append(recs, r)
			} else {
				keep = append(keep, r)
			}
		}
		sc.comp.records = keep
	}
	take(s)
	if s.evtSub && s.parent != nil {
		take(s.parent)
	}
	var list []invocation
	flatten(recs, nil, &list)
	ei := e.newElem(s.pp, s, n)
	ei.comp = &compState{throw: &compThrow{}}
	if len(list) == 0 {
		e.throwDone(ei)
		return
	}
	if e.opts.ParallelCompensation {
		for _, inv := range list {
			e.startHandler(ei, inv)
		}
		return
	}
	ei.comp.throw.pending = list[1:]
	e.startHandler(ei, list[0])
}

// flatten orders records for compensation: most recently completed first;
// a subprocess's nested records before its own handler. Handlers of nested
// records see the snapshot of their subprocess's variables.
func flatten(recs []*compRecord, vars map[string]any, out *[]invocation) {
	sorted := append([]*compRecord(nil), recs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].seq > sorted[j].seq })
	for _, r := range sorted {
		flatten(r.nested, r.vars, out)
		if r.handler != nil {
			*out = append(*out, invocation{rec: r, vars: vars})
		}
	}
}

// startHandler activates a compensation handler as a child of the throw.
func (e *Engine) startHandler(throw *elemInst, inv invocation) {
	h := inv.rec.handler
	e.trace(TraceCompensating, throw, h, inv.rec.node.ID, "handler "+h.ID)
	if h.Loop != nil {
		e.enqueue(work{op: opActivate, scope: throw, node: h})
		return
	}
	ei := e.newElem(throw.pp, throw, h)
	ei.vars = copyVars(inv.vars)
	e.trace(TraceActivated, throw, h, h.ID, "")
	e.enqueue(work{op: opActivate, scope: throw, node: h, ei: ei})
}

// handlerDone continues a throw after one of its handlers completed.
func (e *Engine) handlerDone(ei *elemInst) {
	throw := ei.parent
	e.release(ei)
	if t := throw.comp.throw; len(t.pending) > 0 {
		next := t.pending[0]
		t.pending = t.pending[1:]
		e.startHandler(throw, next)
	}
	e.consume(throw)
}

// throwDone completes a compensation throw event once its handlers ran.
func (e *Engine) throwDone(ei *elemInst) {
	n, s := ei.node, ei.parent
	e.closeWaits(ei)
	e.trace(TraceCompleted, s, n, n.ID, "")
	e.release(ei)
	if n.Kind == bpmn.EndEvent {
		if s.node == nil {
			s.info.endEvent = n.ID
		}
	} else {
		e.leave(s, n, n.Outgoing, nil)
	}
	e.consume(s)
}

func (ei *elemInst) isThrow() bool { return ei.comp != nil && ei.comp.throw != nil }
