package interp

import (
	"fmt"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/feel"
)

type trigKind uint8

const (
	trigCatch    trigKind = iota // an intermediate catch event or receive task waiting (owner)
	trigBoundary                 // a boundary event (node) of an activity (owner)
	trigGateway                  // a target event (node) of an event-based gateway (owner)
	trigEvtSub                   // the start event (node) of an event subprocess of a scope (owner)
	trigStart                    // a start event (node) of a process (pp): starts an instance
)

// trigger says what happens when a timer, message or signal arrives.
type trigger struct {
	kind  trigKind
	owner *elemInst
	node  *bpmn.Node
	pp    *procProg
}

// once reports whether the trigger fires at most once: catch events,
// event-gateway targets, interrupting boundary events and interrupting
// event-subprocess starts close their subscription when they fire.
func (t trigger) once() bool {
	return t.kind == trigCatch || t.kind == trigGateway ||
		(t.kind == trigBoundary && t.node.CancelActivity) ||
		(t.kind == trigEvtSub && t.node.Interrupting)
}

// fire performs a queued trigger.
func (e *Engine) fire(w work) {
	t := w.trig()
	switch t.kind {
	case trigCatch:
		if t.owner.alive {
			e.completeElem(t.owner, w.vars)
		}
	case trigBoundary:
		if t.owner.alive {
			e.fireBoundary(t.owner, t.node, w.vars)
		}
	case trigGateway:
		if t.owner.alive {
			e.fireGateway(t.owner, t.node, w.vars)
		}
	case trigEvtSub:
		if t.owner.alive {
			e.startEventSub(t.owner, t.node, w.vars)
		}
	case trigStart:
		e.startInstance(t.pp, t.node, w.vars, nil)
	}
}

// queueTrigger queues a trigger to run in order with other steps. The
// scope of the work item is the owner's (or a dummy alive root for starts).
func (e *Engine) queueTrigger(t trigger, vars map[string]any) {
	scope := t.owner
	if scope == nil {
		scope = alwaysAlive
	}
	e.queue = append(e.queue, work{op: opTrigger, scope: scope, trigKind: t.kind, ei: t.owner, node: t.node, pp: t.pp, vars: vars})
}

var alwaysAlive = &elemInst{alive: true}

func (e *Engine) openBoundaries(ei *elemInst) {
	for _, b := range ei.node.Boundaries {
		t := trigger{kind: trigBoundary, owner: ei, node: b}
		switch b.EventType() {
		case bpmn.TimerEvent:
			e.startTimer(ei, b, t)
		case bpmn.MessageEvent:
			e.subscribe(ei, b, trigBoundary)
		case bpmn.SignalEvent:
			e.listen(ei, b, t)
		}
	}
}

// fireBoundary triggers boundary event b of activity ei.
func (e *Engine) fireBoundary(ei *elemInst, b *bpmn.Node, vars map[string]any) {
	scope := ei.parent
	e.enqueue(work{op: opActivate, scope: scope, node: b, vars: vars, triggered: true})
	if b.CancelActivity || b.EventType() == bpmn.ErrorEvent {
		e.terminate(ei)
		scope.tokens--
	}
}

// endEvent consumes a token, doing what the end event's definition says.
func (e *Engine) endEvent(w work) {
	n, s := w.node, w.scope
	switch n.EventType() {
	case bpmn.MessageEvent:
		e.jobTask(w)
		return
	case bpmn.ErrorEvent:
		e.trace(TraceActivated, s, n, n.ID, "")
		code, msg := errorCode(n)
		epoch := s.epoch
		if !e.throwError(s, n, code, msg, nil, true) {
			e.raise(w, UnhandledError, fmt.Sprintf("error %q thrown by end event was not caught", code), code)
		} else if s.alive && s.epoch == epoch {
			e.consume(s)
		}
		return
	case bpmn.CompensateEvent:
		e.compensateThrow(w)
		return
	}
	e.trace(TraceActivated, s, n, n.ID, "")
	e.trace(TraceCompleted, s, n, n.ID, "")
	if s.node == nil {
		s.info.endEvent = n.ID
	}
	switch n.EventType() {
	case bpmn.TerminateEvent:
		e.terminateScope(s)
		return
	case bpmn.SignalEvent:
		e.broadcast(n.Event.Signal.Name, nil, s)
	case bpmn.EscalationEvent:
		if !e.escalate(s, n) {
			return // an interrupting catch cleared s, this token included
		}
	}
	e.consume(s)
}

// escalate throws the escalation of n from scope s and reports whether
// the thrower's token still exists: an interrupting escalation event
// subprocess of s clears s (its tokens included) and an interrupting
// boundary event of s terminates it.
func (e *Engine) escalate(s *elemInst, n *bpmn.Node) bool {
	epoch := s.epoch
	e.throwEscalation(s, n)
	return s.alive && s.epoch == epoch
}

// terminateScope ends every token of s (a terminate end event): s then
// completes normally.
func (e *Engine) terminateScope(s *elemInst) {
	e.clearScope(s)
	if s.node == nil {
		e.endInstance(s, Terminated, s.info.endEvent)
		return
	}
	e.completeElem(s, nil)
}

// clearScope terminates every token of s and drops its queued work.
func (e *Engine) clearScope(s *elemInst) {
	s.epoch++
	for c := s.last; c != nil; c = s.last {
		e.terminate(c)
	}
	for i := range s.arrivals {
		s.arrivals[i] = 0
	}
	s.joinWait, s.inclWait, s.tokens = 0, 0, 0
}

func errorCode(n *bpmn.Node) (code, msg string) {
	if n.Event != nil && n.Event.Error != nil {
		code = n.Event.Error.ErrorCode
		msg = n.Event.Error.Name
		if code == "" {
			code = n.Event.Error.ID
		}
	}
	return code, msg
}

func (e *Engine) throwEvent(w work) {
	n, s := w.node, w.scope
	switch n.EventType() {
	case bpmn.MessageEvent:
		e.jobTask(w)
		return
	case bpmn.CompensateEvent:
		e.compensateThrow(w)
		return
	case bpmn.LinkEvent:
		e.trace(TraceActivated, s, n, n.ID, "")
		e.trace(TraceCompleted, s, n, n.ID, "")
		si := &s.pp.root
		if s.node != nil {
			si = s.pp.nodes[s.node.Index].scope
		}
		if t := si.links[n.Event.LinkName]; t != nil {
			e.enqueue(work{op: opActivate, scope: s, node: t, triggered: true})
		}
		e.consume(s)
		return
	case bpmn.SignalEvent:
		e.broadcast(n.Event.Signal.Name, nil, s)
	case bpmn.EscalationEvent:
		if !e.escalate(s, n) {
			e.trace(TraceActivated, s, n, n.ID, "")
			e.trace(TraceTerminated, s, n, n.ID, "interrupted by its escalation")
			return
		}
	}
	e.passThrough(w, nil)
}

func (e *Engine) catchEvent(w work) {
	n := w.node
	if w.triggered || n.EventType() == bpmn.LinkEvent {
		e.passThrough(w, w.vars)
		return
	}
	ei := e.waitElem(w)
	if ei == nil {
		return
	}
	t := trigger{kind: trigCatch, owner: ei, node: n}
	switch n.EventType() {
	case bpmn.TimerEvent:
		e.startTimer(ei, n, t)
	case bpmn.MessageEvent:
		e.subscribe(ei, n, trigCatch)
	case bpmn.SignalEvent:
		e.listen(ei, n, t)
	case bpmn.ConditionalEvent:
		e.checkCondition(ei)
	default:
		e.completeElem(ei, nil)
	}
}

func (e *Engine) checkCondition(ei *elemInst) {
	cn := &ei.pp.nodes[ei.node.Index]
	if cn.cond == nil {
		e.completeElem(ei, nil)
		return
	}
	ok, err := cn.cond.EvalBoolAt(ei, e.now)
	if err == nil && ok {
		e.completeElem(ei, nil)
	}
}

// recheckConditions re-evaluates the waiting conditional catch events of an
// instance after its variables changed.
func (e *Engine) recheckConditions(s *elemInst) {
	for c := s.first; c != nil; {
		next := c.next
		if c.node != nil && c.node.Kind == bpmn.IntermediateCatchEvent && c.node.EventType() == bpmn.ConditionalEvent && c.inc == nil {
			e.queue = append(e.queue, work{op: opResume, scope: s, ei: c})
		}
		e.recheckConditions(c)
		c = next
	}
}

// resume continues a waiting element (a conditional catch event).
func (e *Engine) resume(ei *elemInst) {
	if ei.node.EventType() == bpmn.ConditionalEvent {
		e.checkCondition(ei)
	}
}

// eventGateway waits for the first of its target events.
func (e *Engine) eventGateway(w work) {
	ei := e.waitElem(w)
	if ei == nil {
		return
	}
	for _, f := range w.node.Outgoing {
		t := f.Target
		tr := trigger{kind: trigGateway, owner: ei, node: t}
		switch {
		case t.Kind == bpmn.ReceiveTask || t.EventType() == bpmn.MessageEvent:
			if !e.subscribe(ei, t, trigGateway) {
				return
			}
		case t.EventType() == bpmn.TimerEvent:
			e.startTimer(ei, t, tr)
		case t.EventType() == bpmn.SignalEvent:
			e.listen(ei, t, tr)
		}
	}
}

// fireGateway completes event gateway ei with target event t.
func (e *Engine) fireGateway(ei *elemInst, t *bpmn.Node, vars map[string]any) {
	e.closeWaits(ei)
	n, s := ei.node, ei.parent
	e.trace(TraceCompleted, s, n, n.ID, "")
	var flow *bpmn.SequenceFlow
	for _, f := range n.Outgoing {
		if f.Target == t {
			flow = f
			break
		}
	}
	e.trace(TraceTaken, s, nil, flow.ID, "")
	e.release(ei)
	if t.Kind == bpmn.ReceiveTask {
		e.trace(TraceActivated, s, t, t.ID, "")
		e.completeElem(e.newElem(s.pp, s, t), vars) // consumes the gateway's token
		return
	}
	e.enqueue(work{op: opActivate, scope: s, node: t, flow: flow, vars: vars, triggered: true})
	e.consume(s)
}

// ---- timers ----

type timerPurpose uint8

const (
	tmEvent      timerPurpose = iota // a timer event trigger
	tmJobRetry                       // a failed job's backoff ended
	tmJobTimeout                     // an activated job's lock expired
	tmMsgExpiry                      // a buffered message's TTL ended
)

type timer struct {
	due     time.Time
	seq     uint64
	idx     int
	purpose timerPurpose
	trig    trigger
	repeat  int // remaining repetitions of a cycle after this one; -1 forever
	every   feel.Duration
	job     *job
	msg     *bufMsg
}

// timerVal is an evaluated timer definition.
type timerVal struct {
	date   time.Time
	dur    feel.Duration
	isDate bool
	repeat int // cycles: total repetitions, -1 forever
}

// timerSpec interprets an evaluated timer value of the given kind.
func timerSpec(k timerKind, v any) (timerVal, error) {
	switch x := v.(type) {
	case time.Time:
		return timerVal{date: x, isDate: true}, nil
	case feel.Duration:
		return timerVal{dur: x, repeat: 1}, nil
	case string:
		switch k {
		case timerDate:
			t, err := feel.ParseDateTime(x)
			return timerVal{date: t, isDate: true}, err
		case timerDuration:
			d, err := feel.ParseDuration(x)
			return timerVal{dur: d, repeat: 1}, err
		case timerCycle:
			c, err := feel.ParseCycle(x)
			if err != nil {
				return timerVal{}, err
			}
			tv := timerVal{dur: c.Interval, repeat: c.Repeat}
			if c.Start != nil {
				tv.date, tv.isDate = *c.Start, true
			}
			return tv, nil
		}
	}
	return timerVal{}, fmt.Errorf("timer value %s is not a date, duration or cycle", feel.Format(v))
}

// startTimer evaluates the timer of event node n and schedules it for ei.
func (e *Engine) startTimer(ei *elemInst, n *bpmn.Node, t trigger) bool {
	cn := &ei.pp.nodes[n.Index]
	if cn.timer == nil {
		return false
	}
	v, err := cn.timer.EvalAt(ei, e.now)
	var tv timerVal
	if err == nil {
		tv, err = timerSpec(cn.tm, v)
	}
	if err != nil {
		e.incidentOn(ei, ExpressionError, fmt.Sprintf("timer of %q: %v", n.ID, err), "", retryActivate)
		return false
	}
	tm := e.newTimer(t, cn.tm, tv)
	e.addTimer(tm)
	ei.timers = append(ei.timers, tm)
	return true
}

// newTimer makes the timer of an evaluated timer value: due at its date or
// after its duration (never in the past); a cycle repeats tv.repeat times
// in all (-1: forever).
func (e *Engine) newTimer(t trigger, k timerKind, tv timerVal) *timer {
	tm := &timer{purpose: tmEvent, trig: t, every: tv.dur, due: tv.date}
	if !tv.isDate {
		tm.due = tv.dur.AddTo(e.now)
	}
	if k == timerCycle {
		tm.repeat = tv.repeat - 1
		if tv.repeat < 0 {
			tm.repeat = -1
		}
	}
	if tm.due.Before(e.now) {
		tm.due = e.now
	}
	return tm
}

func (e *Engine) addTimer(tm *timer) {
	tm.seq = e.nextSeq()
	e.timers.push(tm)
}

func (e *Engine) scheduleStartTimer(pp *procProg, n *bpmn.Node) error {
	cn := &pp.nodes[n.Index]
	v, err := cn.timer.EvalAt(feel.MapVars(nil), e.now)
	var tv timerVal
	if err == nil {
		tv, err = timerSpec(cn.tm, v)
	}
	if err != nil {
		return errorf(ErrExpression, pp.proc.ID, n.ID, 0, "timer start event: %v", err)
	}
	e.addTimer(e.newTimer(trigger{kind: trigStart, node: n, pp: pp}, cn.tm, tv))
	return nil
}

// fireTimer runs a due timer.
func (e *Engine) fireTimer(tm *timer) {
	switch tm.purpose {
	case tmJobRetry:
		e.touch(tm.job.ei)
		tm.job.retryTimer = nil
		tm.job.NotBefore = time.Time{}
		e.makeActivatable(tm.job)
		return
	case tmJobTimeout:
		e.touch(tm.job.ei)
		tm.job.retryTimer = nil
		e.makeActivatable(tm.job)
		return
	case tmMsgExpiry:
		e.expireMessage(tm.msg)
		return
	}
	t := tm.trig
	if t.owner != nil {
		removeTimer(t.owner, tm)
	}
	id := t.node.ID
	if t.owner != nil {
		e.trace(TraceTimerFired, t.owner, t.node, id, "")
	}
	again := tm.repeat != 0 && (t.kind == trigStart || (t.kind == trigBoundary && !t.node.CancelActivity) || (t.kind == trigEvtSub && !t.node.Interrupting))
	if again {
		next := &timer{purpose: tmEvent, trig: t, every: tm.every, due: tm.every.AddTo(tm.due), repeat: tm.repeat}
		if next.repeat > 0 {
			next.repeat--
		}
		e.addTimer(next)
		if t.owner != nil {
			t.owner.timers = append(t.owner.timers, next)
		}
	}
	e.queueTrigger(t, nil)
}

func removeTimer(ei *elemInst, tm *timer) {
	for i, x := range ei.timers {
		if x == tm {
			ei.timers = append(ei.timers[:i], ei.timers[i+1:]...)
			return
		}
	}
}

// timerHeap orders timers by (due, seq): ties fire in creation order.
type timerHeap []*timer

func (h timerHeap) less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx = i
	h[j].idx = j
}

func (h *timerHeap) push(t *timer) {
	t.idx = len(*h)
	*h = append(*h, t)
	h.up(t.idx)
}

func (h *timerHeap) pop() *timer {
	old := *h
	t := old[0]
	n := len(old) - 1
	old.swap(0, n)
	old[n] = nil
	*h = old[:n]
	h.down(0)
	t.idx = -1
	return t
}

func (h *timerHeap) remove(t *timer) {
	i := t.idx
	if i < 0 || i >= len(*h) || (*h)[i] != t {
		return
	}
	old := *h
	n := len(old) - 1
	if i != n {
		old.swap(i, n)
	}
	old[n] = nil
	*h = old[:n]
	if i != n {
		h.down(i)
		h.up(i)
	}
	t.idx = -1
}

func (h timerHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

func (h timerHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && h.less(r, l) {
			j = r
		}
		if !h.less(j, i) {
			return
		}
		h.swap(i, j)
		i = j
	}
}
