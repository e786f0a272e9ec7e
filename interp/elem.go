package interp

import (
	"sort"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// elemInst is a live element instance: a process instance (root), a
// subprocess scope, or a flow node waiting for something (a job, a
// message, a timer, an incident, a multi-instance body...).
type elemInst struct {
	key    uint64
	pp     *procProg
	node   *bpmn.Node // nil for the root
	parent *elemInst  // flow scope; nil for the root
	root   *elemInst

	// children: live element instances whose flow scope this is, in
	// creation order (an intrusive list: no allocation).
	first, last, prev, next *elemInst

	alive bool
	vars  map[string]any // local variables

	// scope bookkeeping
	tokens    int32   // tokens in this scope: live children, queued work, incidents
	joinWait  int32   // tokens absorbed by joins that have not fired
	arrivals  []int32 // per flow index: tokens arrived at a join
	inclWait  int32   // inclusive joins with arrivals
	inclCheck bool    // an inclusive-join check is queued
	doneQueue bool    // completion is queued
	epoch     uint32  // bumped when the scope is cleared (interrupted)

	job    *job
	timers []*timer
	subs   []*msgSub
	sigs   []*sigSub
	inc    *incident

	info     *instInfo // root only: points to infoData
	infoData instInfo
	mi       *miState // multi-instance body
	comp     *compState

	activatedAt time.Time
	loopCounter int
	evtSub      bool      // an event subprocess instance
	called      *elemInst // call activity: the called instance
}

type instInfo struct {
	startedAt time.Time
	caller    *elemInst // the call activity instance that started this one
	startKey  *subKey   // message start: name + correlation key (single-instance rule)
	endEvent  string
}

func (e *Engine) newElem(pp *procProg, scope *elemInst, n *bpmn.Node) *elemInst {
	var ei *elemInst
	if k := len(e.free); k > 0 {
		ei = e.free[k-1]
		e.free = e.free[:k-1]
	} else {
		ei = new(elemInst)
	}
	ei.key = e.newKey()
	ei.pp = pp
	ei.node = n
	ei.alive = true
	ei.activatedAt = e.now
	if scope != nil {
		ei.parent = scope
		ei.root = scope.root
		scope.link(ei)
	}
	return ei
}

func (s *elemInst) link(c *elemInst) {
	c.prev = s.last
	if s.last != nil {
		s.last.next = c
	} else {
		s.first = c
	}
	s.last = c
}

func (s *elemInst) unlink(c *elemInst) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		s.first = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		s.last = c.prev
	}
	c.prev, c.next = nil, nil
}

// release removes ei from its scope; it is recycled once the current input
// has been processed (queued work may still point to it).
func (e *Engine) release(ei *elemInst) {
	ei.alive = false
	if ei.parent != nil {
		ei.parent.unlink(ei)
	}
	e.dead = append(e.dead, ei)
}

func (e *Engine) recycle() {
	for _, j := range e.deadJobs {
		*j = job{}
		if len(e.freeJobs) < 1024 {
			e.freeJobs = append(e.freeJobs, j)
		}
	}
	e.deadJobs = e.deadJobs[:0]
	for _, ei := range e.dead {
		arr := ei.arrivals
		*ei = elemInst{}
		if arr != nil {
			clear(arr)
			ei.arrivals = arr[:0]
		}
		if len(e.free) < 1024 {
			e.free = append(e.free, ei)
		}
	}
	e.dead = e.dead[:0]
}

func (ei *elemInst) elementID() string {
	if ei.node == nil {
		return ei.pp.proc.ID
	}
	return ei.node.ID
}

// Lookup implements feel.Vars: local variables first, then enclosing scopes.
func (ei *elemInst) Lookup(name string) (any, bool) {
	for s := ei; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// overlay looks variables up in a map first, then in a scope chain.
type overlay struct {
	m  map[string]any
	ei *elemInst
}

func (o *overlay) Lookup(name string) (any, bool) {
	if v, ok := o.m[name]; ok {
		return v, true
	}
	if o.ei == nil {
		return nil, false
	}
	return o.ei.Lookup(name)
}

func (ei *elemInst) setLocal(name string, v any) {
	if ei.vars == nil {
		ei.vars = map[string]any{}
	}
	ei.vars[name] = v
}

// propagate sets each variable in the nearest scope from s upward that
// already defines it, else in the root (Zeebe's propagation rule).
func (e *Engine) propagate(s *elemInst, vars map[string]any) {
	for k, v := range vars {
		target := s.root
		for c := s; c != nil; c = c.parent {
			if _, ok := c.vars[k]; ok {
				target = c
				break
			}
			if c.info != nil { // do not cross into a calling instance
				break
			}
		}
		target.setLocal(k, v)
	}
}

// snapshotVars returns a copy of every variable visible from ei, the
// innermost definition winning.
func (ei *elemInst) visibleVars() map[string]any {
	out := map[string]any{}
	var chain []*elemInst
	for s := ei; s != nil; s = s.parent {
		chain = append(chain, s)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for k, v := range chain[i].vars {
			out[k] = v
		}
	}
	return out
}

func copyVars(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// terminate ends ei and everything inside it without completing: jobs are
// withdrawn, timers and subscriptions closed, incidents removed. Children
// are terminated last-created first. It does not touch the parent's token
// count; callers do.
func (e *Engine) terminate(ei *elemInst) {
	if !ei.alive {
		return
	}
	for c := ei.last; c != nil; c = ei.last {
		e.terminate(c)
	}
	e.closeWaits(ei)
	if ei.node != nil {
		e.trace(TraceTerminated, ei, ei.node, ei.node.ID, "")
	}
	if ei.node != nil && ei.node.Kind == bpmn.CallActivity && ei.mi == nil {
		e.terminateCalled(ei)
	}
	if ei.parent != nil {
		e.release(ei)
	} else {
		ei.alive = false
	}
}

// closeWaits withdraws what ei waits for.
func (e *Engine) closeWaits(ei *elemInst) {
	if ei.job != nil {
		e.cancelJob(ei.job)
		ei.job = nil
	}
	for _, t := range ei.timers {
		e.timers.remove(t)
	}
	ei.timers = ei.timers[:0]
	for _, s := range ei.subs {
		e.unsubscribe(s)
	}
	ei.subs = ei.subs[:0]
	for _, s := range ei.sigs {
		e.unsignal(s)
	}
	ei.sigs = ei.sigs[:0]
	if ei.inc != nil {
		delete(e.incidents, ei.inc.Key)
		ei.inc = nil
	}
}

// endInstance finishes a root scope.
func (e *Engine) endInstance(root *elemInst, state InstanceState, endEvent string) {
	e.touch(root)
	e.insts.del(root.key)
	startKey := root.info.startKey
	e.forgetStartKey(root)
	root.alive = false
	e.closeWaits(root)
	e.trace(TraceEnded, root, nil, root.pp.proc.ID, state.String())
	caller := root.info.caller
	if e.opts.Observer != nil || caller != nil {
		end := InstanceEnd{
			Instance: root.key, ProcessID: root.pp.proc.ID, State: state,
			StartedAt: root.info.startedAt, EndedAt: e.now, EndEvent: endEvent,
		}
		if caller != nil {
			end.Parent = caller.root.key
		}
		if e.opts.Observer != nil {
			end.Variables = copyVars(root.vars)
			e.opts.Observer.InstanceEnded(end)
		}
	}
	if caller != nil && caller.called == root {
		caller.called = nil
	}
	if caller != nil && caller.alive && state != Canceled {
		e.calledEnded(caller, root)
	}
	if startKey != nil {
		e.startBuffered(root.pp, *startKey)
	}
	e.dead = append(e.dead, root)
}

// trace reports a step to Options.Trace; it costs one nil check when off.
func (e *Engine) trace(k TraceKind, ei *elemInst, n *bpmn.Node, id, detail string) {
	if e.opts.Trace != nil {
		e.emit(k, ei, n, id, detail)
	}
}

func (e *Engine) emit(k TraceKind, ei *elemInst, n *bpmn.Node, id, detail string) {
	ev := TraceEvent{Time: e.now, Kind: k, ElementID: id, Detail: detail}
	if ei != nil {
		ev.Instance = ei.root.key
		ev.ProcessID = ei.pp.proc.ID
	}
	if n != nil {
		ev.Element = n.Kind.String()
		if t := n.EventType(); t != bpmn.NoneEvent {
			ev.Element = t.String() + " " + ev.Element
		}
	}
	e.opts.Trace(ev)
}

// holdStartKey records that root was started by a message with a
// correlation key: no other instance of its process starts with that key
// until it ends (the single-instance rule).
func (e *Engine) holdStartKey(root *elemInst, key subKey) {
	root.info.startKey = &key
	e.startKeys[startKeyID{root.pp.proc.ID, key}]++
}

// forgetStartKey releases the single-instance slot of a message-started root.
func (e *Engine) forgetStartKey(root *elemInst) {
	if k := root.info.startKey; k != nil {
		id := startKeyID{root.pp.proc.ID, *k}
		if e.startKeys[id]--; e.startKeys[id] <= 0 {
			delete(e.startKeys, id)
		}
		root.info.startKey = nil
	}
}

// startBuffered starts the next instance of pp from a message buffered
// while the single-instance rule held it back (Zeebe: once the active
// message-started instance ends, a buffered message with the same
// correlation key starts an instance of the latest version).
func (e *Engine) startBuffered(pp *procProg, key subKey) {
	latest := e.procs[pp.proc.ID]
	if latest == nil || e.singleInstanceBlocked(pp, key) {
		return
	}
	b := e.bufferedFor(key, pp.proc.ID)
	if b == nil {
		return
	}
	for _, n := range latest.msgStarts {
		if e.startName(latest, n) != key.name {
			continue
		}
		b.correlated = append(b.correlated, pp.proc.ID)
		e.holdStartKey(e.startInstance(latest, n, b.Variables, nil), key)
		return
	}
}
