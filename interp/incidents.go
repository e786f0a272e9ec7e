package interp

import (
	"fmt"
	"sort"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// retry says what resolving an incident does.
type retry uint8

const (
	retryActivate retry = iota // activate the element again
	retryComplete              // complete the element again (output mappings)
	retryJob                   // make the job activatable again
	retryLeave                 // evaluate the outgoing flows again
	retryNever                 // cannot be resolved (error end event)
	retryWork                  // re-queue a dropped step (step budget, cancellation)
)

type incident struct {
	Incident
	ei    *elemInst
	retry retry
	w     work
}

// incidentOn raises an incident on a waiting element ei, which keeps its token.
func (e *Engine) incidentOn(ei *elemInst, kind IncidentKind, msg, code string, r retry) {
	inc := &incident{ei: ei, retry: r}
	inc.Key = e.newKey()
	inc.Kind = kind
	inc.ProcessID = ei.pp.proc.ID
	inc.Instance = ei.root.key
	inc.Root = topRoot(ei).key
	inc.ElementID = ei.elementID()
	inc.Message = msg
	inc.ErrorCode = code
	inc.At = e.now
	if ei.job != nil {
		inc.JobKey = ei.job.Key
	}
	ei.inc = inc
	e.incidents[inc.Key] = inc
	e.touch(ei)
	e.trace(TraceIncident, ei, ei.node, inc.ElementID, kind.String()+": "+msg)
	if o := e.opts.Observer; o != nil {
		o.IncidentRaised(inc.Incident)
	}
}

// raise raises an incident on the node of a queued step; an element
// instance is created to hold the token.
func (e *Engine) raise(w work, kind IncidentKind, msg, code string) {
	ei := e.newElem(w.scope.pp, w.scope, w.node)
	r := retryActivate
	if kind == UnhandledError {
		r = retryNever
	}
	e.incidentOn(ei, kind, msg, code, r)
	ei.inc.w = w
}

// raiseAt raises an incident when the outgoing flows of a completed node
// could not be evaluated: the token waits at the node.
func (e *Engine) raiseAt(scope *elemInst, n *bpmn.Node, kind IncidentKind, msg string) {
	ei := e.newElem(scope.pp, scope, n)
	e.incidentOn(ei, kind, msg, "", retryLeave)
	scope.tokens++ // the incident holds a token; the caller consumes the node's
}

// ResolveIncident resolves an incident: the step that failed runs again
// (after the caller fixed variables or job retries).
func (e *Engine) ResolveIncident(key uint64) error {
	inc := e.incidents[key]
	if inc == nil {
		return errorf(ErrNotFound, "", "", 0, "no open incident with key %d", key)
	}
	ei := inc.ei
	switch inc.retry {
	case retryNever:
		return errorf(ErrInvalidInput, inc.ProcessID, inc.ElementID, inc.Instance, "incident %d (%s) cannot be resolved", key, inc.Kind)
	case retryJob:
		j := ei.job
		if j != nil && inc.Kind == JobNoRetries && j.Retries <= 0 {
			return errorf(ErrInvalidInput, inc.ProcessID, inc.ElementID, inc.Instance, "job %d has no retries left: update its retries first", j.Key)
		}
	}
	e.touch(ei)
	delete(e.incidents, key)
	ei.inc = nil
	e.trace(TraceIncidentResolved, ei, ei.node, inc.ElementID, inc.Kind.String())
	switch inc.retry {
	case retryJob:
		if j := ei.job; j != nil {
			if j.Retries <= 0 {
				j.Retries = 1
			}
			e.makeActivatable(j)
		}
	case retryActivate, retryWork:
		w := inc.w
		if w.node == nil {
			w = work{op: opActivate, scope: ei.parent, node: ei.node, afterJoin: true}
		}
		if w.scope != nil && w.op == opActivate {
			w.scope.tokens--
			e.release(ei)
			w.ei = nil
			e.enqueue(w)
		} else {
			e.release(ei)
			e.queue = append(e.queue, w)
		}
	case retryComplete:
		e.completeElem(ei, nil)
	case retryLeave:
		s := ei.parent
		e.release(ei)
		if e.leave(s, ei.node, ei.node.Outgoing, nil) {
			e.consume(s)
		}
	}
	return e.drain()
}

// Incidents returns the open incidents in creation order.
func (e *Engine) Incidents() []Incident {
	out := make([]Incident, 0, len(e.incidents))
	for _, inc := range e.incidents {
		out = append(out, inc.Incident)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Key < out[b].Key })
	return out
}

// budgetExhausted turns the step that exceeded the budget, and every step
// still queued, into resolvable incidents, and returns ErrStepBudget.
func (e *Engine) budgetExhausted(first work) error {
	msg := fmt.Sprintf("more than %d steps without reaching a wait state (an endless loop?)", e.opts.StepBudget)
	return e.dropQueue(first, msg, ErrStepBudget)
}

func (e *Engine) canceledRun(first work, cause error) error {
	return e.dropQueue(first, "canceled: "+cause.Error(), ErrCanceled)
}

func (e *Engine) dropQueue(first work, msg string, sentinel error) error {
	pending := append([]work{first}, e.queue[e.qhead:]...)
	e.qhead = len(e.queue)
	var errOut *Error
	for _, w := range pending {
		if !w.scope.alive || w.scope == alwaysAlive || (w.op == opActivate && w.epoch != w.scope.epoch) {
			continue
		}
		n := w.node
		if n == nil {
			n = w.scope.node
		}
		if n == nil {
			continue
		}
		ei := e.newElem(w.scope.pp, w.scope, n)
		if w.op == opActivate {
			w.scope.tokens-- // the incident element holds the step's token now
		}
		w.scope.tokens++
		e.incidentOn(ei, StepBudgetError, msg, "", retryWork)
		ei.inc.w = w
		if errOut == nil {
			errOut = errorf(sentinel, w.scope.pp.proc.ID, n.ID, w.scope.root.key, "%s", msg)
		}
	}
	if errOut == nil {
		return errorf(sentinel, "", "", 0, "%s", msg)
	}
	return errOut
}
