package interp

import (
	"sort"
	"time"
)

// Hooks for drivers that persist instances one by one (a durable server):
// which instances an input touched, evicting an instance from memory, and
// the due timers with their instances.

// topRoot returns the top-level instance of the call tree that ei belongs
// to: the unit of SnapshotInstance.
func topRoot(ei *elemInst) *elemInst {
	r := ei.root
	for r.info != nil && r.info.caller != nil {
		r = r.info.caller.root
	}
	return r
}

// touch records that the instance of ei changed (Options.TrackTouched).
func (e *Engine) touch(ei *elemInst) {
	if e.touched == nil || ei == nil || ei.root == nil || ei == alwaysAlive {
		return
	}
	e.touched[topRoot(ei).key] = struct{}{}
}

// Touched returns the keys of the top-level instances changed by the inputs
// since the last call (ended ones included), in ascending order, and
// forgets them. It needs Options.TrackTouched; otherwise it returns nil.
func (e *Engine) Touched() []uint64 {
	if len(e.touched) == 0 {
		return nil
	}
	keys := make([]uint64, 0, len(e.touched))
	for k := range e.touched {
		keys = append(keys, k)
	}
	clear(e.touched)
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// Evict removes an active top-level instance (with the instances it called)
// from memory without ending it: no trace, no observer call. A store that
// persisted it with SnapshotInstance can bring it back with RestoreInstance.
func (e *Engine) Evict(instance uint64) error {
	r := e.insts.get(instance)
	if r == nil {
		return errorf(ErrNotFound, "", "", instance, "no active instance with this key")
	}
	if r.info.caller != nil {
		return errorf(ErrInvalidInput, r.pp.proc.ID, "", instance, "instance was called by instance %d: evict that one", topRoot(r).key)
	}
	e.forget(r)
	return nil
}

// forget drops ei and everything in it from the engine's indexes.
func (e *Engine) forget(ei *elemInst) {
	for c := ei.first; c != nil; c = c.next {
		e.forget(c)
	}
	if c := ei.called; c != nil && c.alive {
		e.forget(c)
	}
	if j := ei.job; j != nil {
		if j.state == JobActivatable {
			e.unqueue(j)
		}
		if j.retryTimer != nil {
			e.timers.remove(j.retryTimer)
		}
		e.jobs.del(j.Key)
	}
	for _, t := range ei.timers {
		e.timers.remove(t)
	}
	for _, s := range ei.subs {
		e.unsubscribe(s)
	}
	for _, s := range ei.sigs {
		e.unsignal(s)
	}
	if ei.inc != nil {
		delete(e.incidents, ei.inc.Key)
	}
	if ei.info != nil {
		e.insts.del(ei.key)
		e.forgetStartKey(ei)
	}
	ei.alive = false
}

// TimerInfo describes a scheduled timer.
type TimerInfo struct {
	Due       time.Time
	Instance  uint64 // 0 for timer start events and message expiries
	ElementID string
	Purpose   string // "event", "job-retry", "job-timeout", "message-expiry"
}

// Timers returns every scheduled timer in firing order.
func (e *Engine) Timers() []TimerInfo {
	all := append(timerHeap(nil), e.timers...)
	sort.Slice(all, func(i, j int) bool { return all.less(i, j) })
	out := make([]TimerInfo, len(all))
	for i, t := range all {
		ti := TimerInfo{Due: t.due, Purpose: [...]string{"event", "job-retry", "job-timeout", "message-expiry"}[t.purpose]}
		switch {
		case t.job != nil:
			ti.Instance, ti.ElementID = topRoot(t.job.ei).key, t.job.ElementID
		case t.trig.owner != nil:
			ti.Instance, ti.ElementID = topRoot(t.trig.owner).key, t.trig.node.ID
		case t.trig.node != nil:
			ti.ElementID = t.trig.node.ID
		}
		out[i] = ti
	}
	return out
}

// Counters returns the engine's key and sequence counters: the last key
// handed out (instances, element instances, jobs, incidents, messages) and
// the last sequence number (timers, subscriptions, compensation records).
func (e *Engine) Counters() (nextKey, seq uint64) { return e.nextKey, e.seq }

// SetCounters raises the key and sequence counters (never lowers them): a
// driver that shares keys between engines reserves ranges and sets them
// before an input.
func (e *Engine) SetCounters(nextKey, seq uint64) {
	e.nextKey = max(e.nextKey, nextKey)
	e.seq = max(e.seq, seq)
}
