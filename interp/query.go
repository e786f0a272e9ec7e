package interp

import (
	"sort"
	"time"
)

// ElementInstance describes a live element instance of a process instance.
type ElementInstance struct {
	Key       uint64
	ElementID string
	Kind      string // BPMN element name
	Depth     int    // 0 for direct children of the process
	Since     time.Time
	Incident  bool
}

// Instances returns the keys of the active instances in creation order.
func (e *Engine) Instances() []uint64 {
	keys := make([]uint64, 0, e.insts.len())
	e.insts.each(func(k uint64, _ *elemInst) { keys = append(keys, k) })
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// InstanceProcess returns the process id of an active instance.
func (e *Engine) InstanceProcess(instance uint64) (string, bool) {
	r := e.insts.get(instance)
	if r == nil {
		return "", false
	}
	return r.pp.proc.ID, true
}

// ActiveElements returns the live element instances of an active instance
// in pre-order (scope before its children, children in creation order).
func (e *Engine) ActiveElements(instance uint64) []ElementInstance {
	r := e.insts.get(instance)
	if r == nil {
		return nil
	}
	var out []ElementInstance
	var walk func(s *elemInst, depth int)
	walk = func(s *elemInst, depth int) {
		for c := s.first; c != nil; c = c.next {
			out = append(out, ElementInstance{Key: c.key, ElementID: c.node.ID, Kind: c.node.Kind.String(), Depth: depth, Since: c.activatedAt, Incident: c.inc != nil})
			walk(c, depth+1)
		}
	}
	walk(r, 0)
	return out
}

// Variables returns a copy of the root variables of an active instance.
func (e *Engine) Variables(instance uint64) (map[string]any, bool) {
	r := e.insts.get(instance)
	if r == nil {
		return nil, false
	}
	v := copyVars(r.vars)
	if v == nil {
		v = map[string]any{}
	}
	return v, true
}

// Subscription is an open message subscription.
type Subscription struct {
	Message        string
	CorrelationKey string
	Instance       uint64
	Root           uint64 // top-level instance
	ElementID      string
	Seq            uint64 // creation order, engine-wide: the oldest matching subscription correlates first
}

// Subscriptions returns the open message subscriptions in creation order.
func (e *Engine) Subscriptions() []Subscription {
	var all []*msgSub
	for _, l := range e.subs {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	out := make([]Subscription, len(all))
	for i, s := range all {
		out[i] = Subscription{Message: s.key.name, CorrelationKey: s.key.key, Instance: s.trig.owner.root.key,
			Root: topRoot(s.trig.owner).key, ElementID: s.trig.node.ID, Seq: s.seq}
	}
	return out
}

// BufferedMessages returns the number of messages buffered for their TTL.
func (e *Engine) BufferedMessages() int { return e.nbuf }

// InstanceParent returns the instance that called an active instance
// through a call activity (ok is false for top-level or unknown instances).
func (e *Engine) InstanceParent(instance uint64) (parent uint64, ok bool) {
	r := e.insts.get(instance)
	if r == nil || r.info.caller == nil {
		return 0, false
	}
	return r.info.caller.root.key, true
}

// SignalSubscription is an open signal subscription of an instance.
type SignalSubscription struct {
	Signal    string
	Instance  uint64
	ElementID string
}

// SignalSubscriptions returns the open signal subscriptions of instances
// (signal start events excluded) in creation order.
func (e *Engine) SignalSubscriptions() []SignalSubscription {
	var out []SignalSubscription
	for _, s := range e.signals {
		if s.trig.owner != nil {
			out = append(out, SignalSubscription{Signal: s.name, Instance: s.trig.owner.root.key, ElementID: s.node.ID})
		}
	}
	return out
}
