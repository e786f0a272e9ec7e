package interp

import (
	"fmt"

	"github.com/bpmnrun/bpmnrun/feel"
)

// waitElem creates the element instance of a node that waits (a task, a
// catch event, a subprocess), applies its input mappings and opens its
// boundary events. It returns nil when an input mapping failed (an
// incident now holds the token).
func (e *Engine) waitElem(w work) *elemInst {
	n := w.node
	ei := w.ei
	if ei == nil {
		e.trace(TraceActivated, w.scope, n, n.ID, "")
		ei = e.newElem(w.scope.pp, w.scope, n)
	}
	if !e.applyInputs(ei, w) {
		return nil
	}
	if ei.parent.mi == nil { // boundaries of a multi-instance activity belong to its body
		e.openBoundaries(ei)
	}
	return ei
}

// applyInputs evaluates the input mappings of ei's node into local
// variables; on failure it raises an incident on ei.
func (e *Engine) applyInputs(ei *elemInst, w work) bool {
	cn := &ei.pp.nodes[ei.node.Index]
	if len(cn.inputs) == 0 {
		return true
	}
	for _, m := range cn.inputs {
		v, err := m.src.EvalAt(ei.parent, e.now)
		if err != nil {
			e.incidentOn(ei, ExpressionError, fmt.Sprintf("input mapping %q: %v", joinPath(m.target), err), "", retryActivate)
			return false
		}
		setPath(ei, m.target, v)
	}
	return true
}

// applyOutputs evaluates output mappings and sets their targets in the
// enclosing scope (propagated).
func (e *Engine) applyOutputs(ei *elemInst) bool {
	cn := &ei.pp.nodes[ei.node.Index]
	out := make(map[string]any, len(cn.outputs))
	for _, m := range cn.outputs {
		v, err := m.src.EvalAt(ei, e.now)
		if err != nil {
			e.incidentOn(ei, ExpressionError, fmt.Sprintf("output mapping %q: %v", joinPath(m.target), err), "", retryComplete)
			return false
		}
		if len(m.target) == 1 {
			out[m.target[0]] = v
			continue
		}
		base, _ := ei.parent.Lookup(m.target[0])
		if b, ok := out[m.target[0]]; ok {
			base = b
		}
		out[m.target[0]] = withPath(base, m.target[1:], v)
	}
	e.propagate(ei.parent, out)
	return true
}

func joinPath(p []string) string {
	s := p[0]
	for _, x := range p[1:] {
		s += "." + x
	}
	return s
}

// setPath sets a (possibly nested) local variable.
func setPath(ei *elemInst, path []string, v any) {
	if len(path) == 1 {
		ei.setLocal(path[0], v)
		return
	}
	base, _ := ei.vars[path[0]]
	ei.setLocal(path[0], withPath(base, path[1:], v))
}

// withPath returns a copy of base (a context) with path set to v.
func withPath(base any, path []string, v any) any {
	m, _ := base.(map[string]any)
	c := make(map[string]any, len(m)+1)
	for k, x := range m {
		c[k] = x
	}
	if len(path) == 1 {
		c[path[0]] = v
	} else {
		c[path[0]] = withPath(c[path[0]], path[1:], v)
	}
	return c
}

func (e *Engine) jobTask(w work) {
	ei := e.waitElem(w)
	if ei == nil {
		return
	}
	e.createJob(ei)
}

func (e *Engine) scriptTask(w work) {
	n := w.node
	cn := &w.scope.pp.nodes[n.Index]
	ei := e.waitElem(w)
	if ei == nil {
		return
	}
	v, err := cn.script.EvalAt(ei, e.now)
	if err != nil {
		e.incidentOn(ei, ExpressionError, fmt.Sprintf("script: %v", err), "", retryActivate)
		return
	}
	var vars map[string]any
	if rv := n.Script.ResultVariable; rv != "" {
		vars = map[string]any{rv: v}
	}
	e.completeElem(ei, vars)
}

func (e *Engine) receiveTask(w work) {
	ei := e.waitElem(w)
	if ei == nil {
		return
	}
	e.subscribe(ei, w.node, trigCatch)
}

func (e *Engine) subProcess(w work) {
	n := w.node
	cn := &w.scope.pp.nodes[n.Index]
	ei := e.waitElem(w)
	if ei == nil {
		return
	}
	e.openEventSubprocesses(ei, cn.scope)
	e.enqueue(work{op: opActivate, scope: ei, node: cn.scope.noneStart, triggered: true})
}

// callActivity starts an instance of the called process as a child.
func (e *Engine) callActivity(w work) {
	n := w.node
	ei := e.waitElem(w)
	if ei == nil {
		return
	}
	id := n.CalledElement.ProcessID
	if len(id) > 0 && id[0] == '=' {
		v, err := feel.Compile(id)
		if err == nil {
			var r any
			r, err = v.EvalAt(ei, e.now)
			if s, ok := feel.ToString(r); ok && err == nil {
				id = s
			} else if err == nil {
				err = fmt.Errorf("called element %q is not a string", n.CalledElement.ProcessID)
			}
		}
		if err != nil {
			e.incidentOn(ei, CalledElementError, err.Error(), "", retryActivate)
			return
		}
	}
	pp := e.procs[id]
	if pp == nil || pp.noneStart == nil {
		e.incidentOn(ei, CalledElementError, fmt.Sprintf("called process %q is not deployed or has no none start event", id), "", retryActivate)
		return
	}
	vars := ei.visibleVars()
	if n.CalledElement.PropagateAllParentVariables == false && len(ei.pp.nodes[n.Index].inputs) > 0 {
		vars = copyVars(ei.vars)
	}
	child := e.startInstance(pp, pp.noneStart, vars, ei)
	ei.called = child
	e.trace(TraceActivated, child, nil, pp.proc.ID, fmt.Sprintf("called by %s", n.ID))
}

func (e *Engine) terminateCalled(ei *elemInst) {
	if c := ei.called; c != nil && c.alive && c.info.caller == ei {
		ei.called = nil
		e.terminate(c)
		e.endInstance(c, Canceled, "")
	}
}

// calledEnded completes the call activity whose child ended.
func (e *Engine) calledEnded(caller *elemInst, child *elemInst) {
	var vars map[string]any
	n := caller.node
	if n.CalledElement == nil || n.CalledElement.PropagateAllChildVariables || len(caller.pp.nodes[n.Index].outputs) == 0 {
		vars = copyVars(child.vars)
	}
	e.completeElem(caller, vars)
}
