package interp

import (
	"fmt"
	"sort"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/feel"
)

type subKey struct{ name, key string }

// startKeyID identifies the active instances of a process started by a
// message with a correlation key (the single-instance rule).
type startKeyID struct {
	process string
	key     subKey
}

type msgSub struct {
	key  subKey
	trig trigger
	seq  uint64
}

type bufMsg struct {
	Message
	key        subKey
	msgKey     uint64
	expires    time.Time
	correlated []string // process ids it correlated to
	timer      *timer
}

type sigSub struct {
	name string
	node *bpmn.Node
	pp   *procProg
	trig trigger
	seq  uint64
}

// subscribe opens the message subscription of event node n (a catch event,
// receive task, boundary or event-gateway target) for owner ei. Name and
// correlation key are evaluated once, now. A buffered message that
// matches correlates at once.
func (e *Engine) subscribe(ei *elemInst, n *bpmn.Node, kind trigKind) bool {
	cn := &ei.pp.nodes[n.Index]
	key, err := e.messageKey(ei, cn)
	if err != nil {
		e.incidentOn(ei, ExpressionError, fmt.Sprintf("message subscription of %q: %v", n.ID, err), "", retryActivate)
		return false
	}
	s := &msgSub{key: key, trig: trigger{kind: kind, owner: ei, node: n}, seq: e.nextSeq()}
	e.subs[key] = append(e.subs[key], s)
	ei.subs = append(ei.subs, s)
	if m := e.bufferedFor(key, ei.pp.proc.ID); m != nil {
		m.correlated = append(m.correlated, ei.pp.proc.ID)
		e.correlate(s, m.Message)
	}
	return true
}

func (e *Engine) messageKey(ei *elemInst, cn *cnode) (subKey, error) {
	var k subKey
	if cn.msgName == nil {
		return k, fmt.Errorf("no message name")
	}
	v, err := cn.msgName.EvalAt(ei, e.now)
	if err != nil {
		return k, err
	}
	name, ok := feel.ToString(v)
	if !ok {
		return k, fmt.Errorf("message name %s is not a string", feel.Format(v))
	}
	k.name = name
	if cn.corrKey == nil {
		return k, nil
	}
	v, err = cn.corrKey.EvalAt(ei, e.now)
	if err != nil {
		return k, err
	}
	key, ok := feel.ToString(v)
	if !ok {
		return k, fmt.Errorf("correlation key %s is not a string or number", feel.Format(v))
	}
	k.key = key
	return k, nil
}

func (e *Engine) unsubscribe(s *msgSub) {
	list := e.subs[s.key]
	for i, x := range list {
		if x == s {
			copy(list[i:], list[i+1:])
			list[len(list)-1] = nil
			list = list[:len(list)-1]
			break
		}
	}
	if len(list) == 0 {
		delete(e.subs, s.key)
	} else {
		e.subs[s.key] = list
	}
}

// correlate delivers a message to a subscription: the trigger is queued;
// subscriptions that fire once are closed now, so the same message or a
// second one cannot trigger them again.
func (e *Engine) correlate(s *msgSub, m Message) {
	t := s.trig
	e.trace(TraceMessageCorrelated, t.owner, t.node, t.node.ID, m.Name+"/"+m.CorrelationKey)
	if t.once() {
		e.unsubscribe(s)
		removeSub(t.owner, s)
	}
	e.queueTrigger(t, copyVars(m.Variables))
}

func removeSub(ei *elemInst, s *msgSub) {
	for i, x := range ei.subs {
		if x == s {
			ei.subs = append(ei.subs[:i], ei.subs[i+1:]...)
			return
		}
	}
}

// Publish publishes a message. It correlates to at most one subscription
// per process id (the oldest), starts instances through message start
// events, and is buffered for its TTL so that subscriptions opened later
// (by other processes, or other instances) can still receive it.
func (e *Engine) Publish(m Message) (PublishResult, error) {
	if m.Name == "" {
		return PublishResult{}, errorf(ErrInvalidInput, "", "", 0, "message has no name")
	}
	if m.TTL < 0 {
		m.TTL = e.opts.DefaultMessageTTL
	}
	key := subKey{m.Name, m.CorrelationKey}
	if m.ID != "" {
		for _, b := range e.bufferList(key) {
			if b.ID == m.ID {
				return PublishResult{}, errorf(ErrDuplicateMessage, "", "", 0, "message %q with id %q is still buffered", m.Name, m.ID)
			}
		}
	}
	res := PublishResult{Key: e.newKey()}
	var served []string
	for _, s := range append([]*msgSub(nil), e.subs[key]...) {
		pid := s.trig.owner.pp.proc.ID
		if contains(served, pid) {
			continue
		}
		served = append(served, pid)
		res.Correlated = append(res.Correlated, s.trig.owner.root.key)
		e.correlate(s, m)
	}
	for _, pp := range e.procOrder {
		if e.procs[pp.proc.ID] != pp || contains(served, pp.proc.ID) {
			continue
		}
		for _, n := range pp.msgStarts {
			if e.startName(pp, n) != m.Name || e.singleInstanceBlocked(pp, key) {
				continue
			}
			served = append(served, pp.proc.ID)
			root := e.startInstance(pp, n, m.Variables, nil)
			if m.CorrelationKey != "" {
				e.holdStartKey(root, key)
			}
			res.Correlated = append(res.Correlated, root.key)
			res.Started = append(res.Started, root.key)
			break
		}
	}
	if m.TTL > 0 {
		b := &bufMsg{Message: m, key: key, msgKey: res.Key, expires: e.now.Add(m.TTL), correlated: served}
		b.Variables = copyVars(m.Variables)
		e.bufferAdd(b)
		res.Buffered = true
	}
	return res, e.drain()
}

func (e *Engine) startName(pp *procProg, n *bpmn.Node) string {
	m := n.Event.Message
	if m.Name != "" {
		return m.Name
	}
	return m.ID
}

// singleInstanceBlocked: an active instance of pp started by a message with
// the same correlation key blocks a new one (Zeebe's rule).
func (e *Engine) singleInstanceBlocked(pp *procProg, key subKey) bool {
	if key.key == "" {
		return false
	}
	return e.startKeys[startKeyID{pp.proc.ID, key}] > 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- the message buffer ----

// The buffer is indexed by (name, correlation key); each list is in
// publication order.

func (e *Engine) bufferList(key subKey) []*bufMsg { return e.buffer[key] }

func (e *Engine) bufferAdd(b *bufMsg) {
	e.buffer[b.key] = append(e.buffer[b.key], b)
	e.nbuf++
	b.timer = &timer{purpose: tmMsgExpiry, due: b.expires, msg: b}
	e.addTimer(b.timer)
}

// bufferedFor returns the oldest buffered message for key not yet
// correlated to process pid.
func (e *Engine) bufferedFor(key subKey, pid string) *bufMsg {
	for _, b := range e.buffer[key] {
		if !contains(b.correlated, pid) {
			return b
		}
	}
	return nil
}

func (e *Engine) expireMessage(b *bufMsg) {
	list := e.buffer[b.key]
	for i, x := range list {
		if x == b {
			list = append(list[:i], list[i+1:]...)
			e.nbuf--
			break
		}
	}
	if len(list) == 0 {
		delete(e.buffer, b.key)
	} else {
		e.buffer[b.key] = list
	}
}

// bufferedInOrder returns every buffered message in publication order.
func (e *Engine) bufferedInOrder() []*bufMsg {
	var all []*bufMsg
	for _, l := range e.buffer {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].msgKey < all[j].msgKey })
	return all
}

// ---- signals ----

func (e *Engine) listen(ei *elemInst, n *bpmn.Node, t trigger) {
	s := &sigSub{name: n.Event.Signal.Name, node: n, trig: t, seq: e.nextSeq()}
	e.signals = append(e.signals, s)
	ei.sigs = append(ei.sigs, s)
}

func (e *Engine) unsignal(s *sigSub) {
	for i, x := range e.signals {
		if x == s {
			e.signals = append(e.signals[:i], e.signals[i+1:]...)
			return
		}
	}
}

// BroadcastSignal triggers every signal catch event, boundary event, event
// subprocess and start event waiting for the signal name.
func (e *Engine) BroadcastSignal(name string, vars map[string]any) error {
	e.broadcast(name, vars, nil)
	return e.drain()
}

func (e *Engine) broadcast(name string, vars map[string]any, from *elemInst) {
	if from != nil {
		e.trace(TraceSignal, from, nil, name, "thrown")
	}
	for _, s := range append([]*sigSub(nil), e.signals...) {
		if s.name != name {
			continue
		}
		if s.pp != nil { // signal start event
			if e.procs[s.pp.proc.ID] == s.pp {
				e.queueTrigger(trigger{kind: trigStart, node: s.node, pp: s.pp}, copyVars(vars))
			}
			continue
		}
		t := s.trig
		if t.once() {
			e.unsignal(s)
			for i, x := range t.owner.sigs {
				if x == s {
					t.owner.sigs = append(t.owner.sigs[:i], t.owner.sigs[i+1:]...)
					break
				}
			}
		}
		e.queueTrigger(t, copyVars(vars))
	}
}

// ---- errors and escalations ----

// throwError looks for a catcher of the error code from origin upward:
// at each level the boundary events of the activity, then the error event
// subprocesses of the scope; specific codes win over catch-alls. It
// reports whether the error was caught. When fromEnd is set, origin is the
// scope that contains the throwing end event.
func (e *Engine) throwError(origin *elemInst, thrower *bpmn.Node, code, msg string, vars map[string]any, fromEnd bool) bool {
	e.trace(TraceErrorThrown, origin, thrower, thrower.ID, code)
	skipEvtSubs := false
	for x := origin; x != nil; {
		if x.node != nil || x.info != nil {
			// An error from inside an event subprocess is not caught by the
			// event subprocesses of the scope that runs it (no endless loop).
			if (fromEnd || x != origin) && !skipEvtSubs && e.catchInEventSub(x, bpmn.ErrorEvent, code, vars) {
				return true
			}
		}
		skipEvtSubs = x.evtSub
		if x.node != nil && (x.parent == nil || x.parent.mi == nil) {
			if b := findCatch(x.node.Boundaries, bpmn.ErrorEvent, code); b != nil {
				e.fireBoundary(x, b, vars)
				return true
			}
		}
		if x.parent == nil && x.info != nil && x.info.caller != nil {
			x = x.info.caller
			continue
		}
		x = x.parent
	}
	return false
}

// findCatch returns the event of the given type catching code: a specific
// match first, else a catch-all.
func findCatch(nodes []*bpmn.Node, t bpmn.EventType, code string) *bpmn.Node {
	var all *bpmn.Node
	for _, b := range nodes {
		if b.EventType() != t {
			continue
		}
		c := eventCode(b)
		if c == "" && all == nil {
			all = b
		} else if c == code {
			return b
		}
	}
	return all
}

func eventCode(n *bpmn.Node) string {
	ev := n.Event
	switch {
	case ev.Type == bpmn.ErrorEvent && ev.Error != nil:
		if ev.Error.ErrorCode != "" {
			return ev.Error.ErrorCode
		}
		return ev.Error.ID
	case ev.Type == bpmn.EscalationEvent && ev.Escalation != nil:
		if ev.Escalation.EscalationCode != "" {
			return ev.Escalation.EscalationCode
		}
		return ev.Escalation.ID
	}
	return ""
}

// catchInEventSub starts the matching event subprocess of scope s.
func (e *Engine) catchInEventSub(s *elemInst, t bpmn.EventType, code string, vars map[string]any) bool {
	si := e.scopeInfo(s)
	if si == nil {
		return false
	}
	if b := findCatch(si.evtStarts, t, code); b != nil {
		e.startEventSub(s, b, vars)
		return true
	}
	return false
}

func (e *Engine) scopeInfo(s *elemInst) *scopeInfo {
	if s.node == nil {
		return &s.pp.root
	}
	return s.pp.nodes[s.node.Index].scope
}

// throwEscalation looks for an escalation catcher upward; an uncaught
// escalation is ignored (BPMN 2.0.2 §10.5.4; Zeebe does the same).
func (e *Engine) throwEscalation(origin *elemInst, thrower *bpmn.Node) {
	code := eventCode(thrower)
	for x := origin; x != nil; x = x.parent {
		if e.catchInEventSub(x, bpmn.EscalationEvent, code, nil) {
			return
		}
		if x.node != nil {
			if b := findCatch(x.node.Boundaries, bpmn.EscalationEvent, code); b != nil {
				e.fireBoundary(x, b, nil)
				return
			}
		}
	}
}

// ---- event subprocesses ----

// openEventSubprocesses opens the timers, message and signal subscriptions
// of the event subprocess start events of scope s.
func (e *Engine) openEventSubprocesses(s *elemInst, si *scopeInfo) {
	if si == nil {
		return
	}
	for _, n := range si.evtStarts {
		t := trigger{kind: trigEvtSub, owner: s, node: n}
		switch n.EventType() {
		case bpmn.TimerEvent:
			e.startTimer(s, n, t)
		case bpmn.MessageEvent:
			e.subscribe(s, n, trigEvtSub)
		case bpmn.SignalEvent:
			e.listen(s, n, t)
		}
	}
}

// startEventSub starts the event subprocess of start event n in scope s.
func (e *Engine) startEventSub(s *elemInst, n *bpmn.Node, vars map[string]any) {
	if n.Interrupting {
		e.clearScope(s)
		e.closeEventSubWaits(s)
	}
	sub := n.Parent
	e.trace(TraceActivated, s, sub, sub.ID, "")
	ei := e.newElem(s.pp, s, sub)
	ei.evtSub = true
	s.tokens++
	e.openEventSubprocesses(ei, s.pp.nodes[sub.Index].scope)
	e.enqueue(work{op: opActivate, scope: ei, node: n, vars: vars, triggered: true})
}

// eventSubDone completes an event subprocess instance; after an
// interrupting one the enclosing scope completes too.
func (e *Engine) eventSubDone(ei *elemInst) {
	e.closeWaits(ei)
	e.trace(TraceCompleted, ei, ei.node, ei.node.ID, "")
	s := ei.parent
	e.release(ei)
	e.consume(s)
}

// closeEventSubWaits closes the event-subprocess triggers of scope s,
// keeping its boundary events.
func (e *Engine) closeEventSubWaits(s *elemInst) {
	s.timers = closeWhere(s.timers, func(t *timer) bool { return t.trig.kind == trigEvtSub }, e.timers.remove)
	s.subs = closeWhere(s.subs, func(m *msgSub) bool { return m.trig.kind == trigEvtSub }, e.unsubscribe)
	s.sigs = closeWhere(s.sigs, func(g *sigSub) bool { return g.trig.kind == trigEvtSub }, e.unsignal)
}

// closeWhere closes the items of list that match and returns the others.
func closeWhere[T any](list []T, match func(T) bool, close func(T)) []T {
	keep := list[:0]
	for _, x := range list {
		if match(x) {
			close(x)
		} else {
			keep = append(keep, x)
		}
	}
	return keep
}
