package interp

import (
	"fmt"

	"github.com/bpmnrun/bpmnrun/feel"
)

// miState is the state of a multi-instance body.
type miState struct {
	items   []any // input collection, nil with a cardinality
	total   int
	started int
	done    int
	outputs []any
}

// activateMulti activates the multi-instance body of an activity: parallel
// bodies start every inner instance at once, sequential ones one by one
// (BPMN 2.0.2 §13.3.7). Boundary events belong to the body.
func (e *Engine) activateMulti(w work) {
	n := w.node
	cn := &w.scope.pp.nodes[n.Index]
	e.trace(TraceActivated, w.scope, n, n.ID, "multi-instance body")
	body := e.newElem(w.scope.pp, w.scope, n)
	mi := &miState{}
	body.mi = mi
	switch {
	case cn.mi.collection != nil:
		v, err := cn.mi.collection.EvalAt(w.scope, e.now)
		list, ok := v.([]any)
		if err == nil && !ok && v != nil {
			err = fmt.Errorf("input collection is %s, not a list", feel.Format(v))
		}
		if err != nil {
			e.incidentOn(body, ExpressionError, err.Error(), "", retryActivate)
			return
		}
		mi.items, mi.total = list, len(list)
	default:
		v, err := cn.mi.cardinality.EvalAt(w.scope, e.now)
		f, ok := v.(float64)
		if err == nil && (!ok || f < 0 || f != float64(int(f))) {
			err = fmt.Errorf("loop cardinality is %s, not a non-negative integer", feel.Format(v))
		}
		if err != nil {
			e.incidentOn(body, ExpressionError, err.Error(), "", retryActivate)
			return
		}
		mi.total = int(f)
	}
	if cn.mi.outputCollection != "" {
		mi.outputs = make([]any, mi.total)
	}
	e.openBoundaries(body)
	if mi.total == 0 {
		e.finishMulti(body)
		return
	}
	if cn.mi.sequential {
		e.startInner(body)
		return
	}
	for mi.started < mi.total {
		e.startInner(body)
	}
}

// startInner starts the next inner instance of a body with its local
// variables: the input element and loopCounter (1-based).
func (e *Engine) startInner(body *elemInst) {
	n := body.node
	cn := &body.pp.nodes[n.Index]
	mi := body.mi
	inner := e.newElem(body.pp, body, n)
	inner.loopCounter = mi.started
	mi.started++
	inner.setLocal("loopCounter", float64(mi.started))
	if mi.items != nil && cn.mi.inputElement != "" {
		inner.setLocal(cn.mi.inputElement, mi.items[inner.loopCounter])
	}
	e.trace(TraceActivated, body, n, n.ID, fmt.Sprintf("instance %d/%d", mi.started, mi.total))
	e.enqueue(work{op: opActivate, scope: body, node: n, ei: inner})
}

// innerDone records a completed inner instance and continues the body.
func (e *Engine) innerDone(inner *elemInst) {
	body := inner.parent
	cn := &body.pp.nodes[body.node.Index]
	mi := body.mi
	mi.done++
	if cn.mi.outputElement != nil && mi.outputs != nil {
		v, err := cn.mi.outputElement.EvalAt(inner, e.now)
		if err != nil {
			v = nil
		}
		mi.outputs[inner.loopCounter] = v
	}
	complete := false
	if cn.mi.completion != nil {
		ok, err := cn.mi.completion.EvalBoolAt(inner, e.now)
		complete = err == nil && ok
	}
	e.recordCompensation(inner)
	e.release(inner)
	body.tokens--
	switch {
	case complete || mi.done == mi.total:
		for c := body.last; c != nil; c = body.last {
			e.terminate(c)
		}
		body.epoch++
		body.tokens = 0
		e.finishMulti(body)
	case cn.mi.sequential:
		e.startInner(body)
	}
}

// finishMulti completes a body: the output collection is set, then the
// activity leaves through its outgoing flows.
func (e *Engine) finishMulti(body *elemInst) {
	cn := &body.pp.nodes[body.node.Index]
	if cn.mi.outputCollection != "" {
		out := make([]any, len(body.mi.outputs))
		copy(out, body.mi.outputs)
		e.propagate(body.parent, map[string]any{cn.mi.outputCollection: out})
	}
	e.completeElem(body, nil)
}
