package interp

import (
	"fmt"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

type op uint8

const (
	opActivate  op = iota // activate node in scope (token arrives)
	opScopeDone           // a scope ran out of tokens: complete it
	opCheckIncl           // re-check the waiting inclusive joins of a scope
	opTrigger             // a catch/boundary/event-gateway/event-subprocess trigger
	opResume              // continue a waiting element (e.g. after compensation)
)

// work is one queued step. Queued work in a scope counts as a token of it.
type work struct {
	op        op
	scope     *elemInst
	node      *bpmn.Node
	flow      *bpmn.SequenceFlow // the flow the token came by, nil if none
	ei        *elemInst
	vars      map[string]any // variables that come with a trigger
	pp        *procProg      // opTrigger of a start event
	epoch     uint32         // the scope's epoch when queued; stale work is dropped
	trigKind  trigKind       // opTrigger: what the trigger does (owner in ei, event in node)
	triggered bool           // an event node whose trigger already happened
	afterJoin bool           // re-activation of a gateway whose join already fired
}

// trig returns the trigger of an opTrigger step.
func (w *work) trig() trigger {
	return trigger{kind: w.trigKind, owner: w.ei, node: w.node, pp: w.pp}
}

func (e *Engine) enqueue(w work) {
	if w.op == opActivate {
		w.scope.tokens++
		w.epoch = w.scope.epoch
	}
	e.queue = append(e.queue, w)
}

// drain runs queued steps until none is left: the single dispatcher loop.
func (e *Engine) drain() error {
	e.steps = 0
	var err error
	for e.qhead < len(e.queue) {
		w := e.queue[e.qhead]
		e.queue[e.qhead] = work{}
		e.qhead++
		e.steps++
		if e.steps > e.opts.StepBudget {
			err = e.budgetExhausted(w)
			break
		}
		if e.ctx != nil && e.steps&1023 == 0 {
			if cerr := e.ctx.Err(); cerr != nil {
				err = e.canceledRun(w, cerr)
				break
			}
		}
		e.step(w)
	}
	e.queue = e.queue[:0]
	e.qhead = 0
	e.recycle()
	return err
}

func (e *Engine) step(w work) {
	if !w.scope.alive || (w.op == opActivate && w.epoch != w.scope.epoch) {
		return
	}
	if e.touched != nil {
		e.touch(w.scope)
	}
	switch w.op {
	case opActivate:
		e.activate(w)
	case opScopeDone:
		w.scope.doneQueue = false
		if w.scope.tokens == 0 && w.scope.joinWait == 0 {
			e.completeScope(w.scope)
		}
	case opCheckIncl:
		w.scope.inclCheck = false
		e.checkInclusive(w.scope)
	case opTrigger:
		e.fire(w)
	case opResume:
		if w.ei.alive {
			e.resume(w.ei)
		}
	default:
		panic(fmt.Sprintf("interp: unknown op %d", w.op))
	}
}

// consume removes one token from scope s.
func (e *Engine) consume(s *elemInst) {
	s.tokens--
	e.idle(s)
}

// idle queues what a scope needs after it lost a token.
func (e *Engine) idle(s *elemInst) {
	if s.tokens == 0 && s.joinWait == 0 && !s.doneQueue {
		s.doneQueue = true
		e.queue = append(e.queue, work{op: opScopeDone, scope: s})
		return
	}
	if s.inclWait > 0 && !s.inclCheck {
		s.inclCheck = true
		e.queue = append(e.queue, work{op: opCheckIncl, scope: s})
	}
}

// activate handles a token arriving at a node: the exhaustive switch over
// node kinds.
func (e *Engine) activate(w work) {
	n := w.node
	if n.Loop != nil && w.ei == nil && !w.triggered {
		e.activateMulti(w)
		return
	}
	switch n.Kind {
	case bpmn.StartEvent:
		e.passThrough(w, w.vars)
	case bpmn.EndEvent:
		e.endEvent(w)
	case bpmn.IntermediateThrowEvent:
		e.throwEvent(w)
	case bpmn.IntermediateCatchEvent:
		e.catchEvent(w)
	case bpmn.BoundaryEvent:
		e.passThrough(w, w.vars)
	case bpmn.Task, bpmn.ManualTask:
		if e.opts.TaskJobs != nil && e.opts.TaskJobs(n) {
			e.jobTask(w)
		} else {
			e.passThrough(w, nil)
		}
	case bpmn.ScriptTask:
		if e.pp(w).nodes[n.Index].script != nil {
			e.scriptTask(w)
		} else {
			e.jobTask(w)
		}
	case bpmn.ServiceTask, bpmn.SendTask, bpmn.BusinessRuleTask, bpmn.UserTask:
		e.jobTask(w)
	case bpmn.ReceiveTask:
		e.receiveTask(w)
	case bpmn.SubProcess, bpmn.Transaction:
		e.subProcess(w)
	case bpmn.CallActivity:
		e.callActivity(w)
	case bpmn.ExclusiveGateway:
		e.exclusive(w)
	case bpmn.ParallelGateway:
		e.parallel(w)
	case bpmn.InclusiveGateway:
		e.inclusive(w)
	case bpmn.EventBasedGateway:
		e.eventGateway(w)
	default:
		e.raise(w, ExpressionError, fmt.Sprintf("element kind %s cannot be executed", n.Kind), "")
	}
}

func (e *Engine) pp(w work) *procProg { return w.scope.pp }

// passThrough activates and completes a node at once, then leaves it.
func (e *Engine) passThrough(w work, vars map[string]any) {
	n := w.node
	if w.ei != nil { // a pre-created inner instance or compensation handler
		if e.applyInputs(w.ei, w) {
			e.completeElem(w.ei, vars)
		}
		return
	}
	e.trace(TraceActivated, w.scope, n, n.ID, "")
	cn := &w.scope.pp.nodes[n.Index]
	// An element instance is needed for mappings, variables, multi-instance
	// and compensation bodies, and for an activity with a compensation
	// handler: completeElem leaves its compensation record (without it a
	// none or manual task could never be compensated).
	if len(cn.inputs) > 0 || len(cn.outputs) > 0 || len(vars) > 0 || w.scope.mi != nil || w.scope.isThrow() || cn.handler != nil {
		ei := e.newElem(w.scope.pp, w.scope, n)
		if !e.applyInputs(ei, w) {
			return
		}
		e.completeElem(ei, vars)
		return
	}
	e.trace(TraceCompleted, w.scope, n, n.ID, "")
	e.leave(w.scope, n, n.Outgoing, nil)
	e.consume(w.scope)
}

// leave takes the outgoing flows of a completed node: every flow without a
// condition, every flow whose condition is true, else the default flow.
// ei, when non-nil, is the completed element (for evaluating conditions).
func (e *Engine) leave(scope *elemInst, n *bpmn.Node, out []*bpmn.SequenceFlow, ei *elemInst) bool {
	if len(out) == 1 && out[0].Condition == "" {
		e.take(scope, out[0])
		return true
	}
	var vars interface{ Lookup(string) (any, bool) } = scope
	if ei != nil {
		vars = ei
	}
	taken := 0
	var pending []*bpmn.SequenceFlow
	for _, f := range out {
		if f.IsDefault {
			continue
		}
		cf := scope.pp.flows[f.Index]
		if cf.cond != nil {
			ok, err := cf.cond.EvalBoolAt(vars, e.now)
			if err != nil {
				e.raiseAt(scope, n, ExpressionError, fmt.Sprintf("condition of flow %q: %v", f.ID, err))
				return false
			}
			if !ok {
				continue
			}
		}
		pending = append(pending, f)
		taken++
	}
	if taken == 0 && n.Default != nil {
		pending = append(pending, n.Default)
	}
	for _, f := range pending {
		e.take(scope, f)
	}
	return true
}

func (e *Engine) take(scope *elemInst, f *bpmn.SequenceFlow) {
	e.trace(TraceTaken, scope, nil, f.ID, "")
	e.enqueue(work{op: opActivate, scope: scope, node: f.Target, flow: f})
}

// completeElem completes a waiting element: outputs, then outgoing flows.
// vars are the variables that come with the completion (job, message).
func (e *Engine) completeElem(ei *elemInst, vars map[string]any) {
	n := ei.node
	cn := &ei.pp.nodes[n.Index]
	if len(cn.outputs) > 0 && ei.mi == nil {
		for k, v := range vars {
			ei.setLocal(k, v)
		}
		if !e.applyOutputs(ei) {
			return
		}
	} else if len(vars) > 0 {
		e.propagate(ei, vars)
	}
	e.closeWaits(ei)
	for c := ei.last; c != nil; c = ei.last { // e.g. non-interrupting leftovers
		e.terminate(c)
	}
	e.trace(TraceCompleted, ei, n, n.ID, "")
	scope := ei.parent
	switch {
	case scope.mi != nil && ei.mi == nil:
		e.innerDone(ei)
		return
	case scope.isThrow():
		e.recordCompensation(ei)
		e.handlerDone(ei)
		return
	}
	e.recordCompensation(ei)
	e.leave(scope, n, n.Outgoing, ei)
	e.release(ei)
	e.consume(scope)
}

// completeScope completes a subprocess, event subprocess or process whose
// tokens all ended.
func (e *Engine) completeScope(s *elemInst) {
	if s.node == nil {
		e.endInstance(s, Completed, s.info.endEvent)
		return
	}
	if s.mi != nil {
		return // a multi-instance body completes through its children
	}
	if s.isThrow() {
		e.throwDone(s)
		return
	}
	if s.evtSub {
		e.eventSubDone(s)
		return
	}
	e.completeElem(s, nil)
}
