package scenario

import (
	"slices"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
)

// Waits lists what the active instances that owns accepts wait for: the
// jobs, message subscriptions, timers and signals of their live elements,
// and the live elements that wait for something else (a join, the
// handlers of a compensation throw). Jobs and subscriptions come from the
// engine; timers and signals from the model defs, as the engine has no
// query for them.
func Waits(eng *interp.Engine, defs *bpmn.Definitions, owns func(instance uint64) bool) []Wait {
	var out []Wait
	jobs, subs := eng.Jobs(), eng.Subscriptions()
	listed := map[string]bool{}
	add := func(w Wait) {
		key := w.String()
		if !listed[key] {
			listed[key] = true
			out = append(out, w)
		}
	}
	for _, k := range eng.Instances() {
		if !owns(k) {
			continue
		}
		pid, _ := eng.InstanceProcess(k)
		proc := defs.Process(pid)
		els := eng.ActiveElements(k)
		for i, el := range els {
			if i+1 < len(els) && els[i+1].Depth > el.Depth {
				continue // a scope: its children say what it waits for
			}
			var n *bpmn.Node
			if proc != nil {
				n = proc.Node(el.ElementID)
			}
			before := len(out)
			for _, j := range jobs {
				if j.Instance == k && j.ElementID == el.ElementID {
					add(Wait{Instance: k, ElementID: el.ElementID, Kind: "job", JobType: j.Type})
				}
			}
			for _, w := range eventWaits(n, k, subs) {
				add(w)
			}
			if len(out) == before && n != nil && n.Kind != bpmn.CallActivity && !el.Incident {
				add(Wait{Instance: k, ElementID: el.ElementID, Kind: el.Kind})
			}
		}
		for _, s := range subs { // event subprocesses, boundary events of scopes
			if s.Instance == k {
				add(Wait{Instance: k, ElementID: s.ElementID, Kind: "message", Message: s.Message, CorrelationKey: s.CorrelationKey})
			}
		}
	}
	return out
}

// eventWaits lists the events a live element waits for: its own, those of
// its boundary events, and those of the targets of an event-based gateway.
func eventWaits(n *bpmn.Node, inst uint64, subs []interp.Subscription) []Wait {
	if n == nil {
		return nil
	}
	events := []*bpmn.Node{n}
	events = append(events, n.Boundaries...)
	if n.Kind == bpmn.EventBasedGateway {
		for _, f := range n.Outgoing {
			events = append(events, f.Target)
		}
	}
	var out []Wait
	for _, ev := range events {
		for _, s := range subs {
			if s.Instance == inst && s.ElementID == ev.ID {
				out = append(out, Wait{Instance: inst, ElementID: ev.ID, Kind: "message", Message: s.Message, CorrelationKey: s.CorrelationKey})
			}
		}
		if w, ok := timerOrSignal(ev, inst); ok && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// timerOrSignal describes the timer or signal an event waits for.
func timerOrSignal(ev *bpmn.Node, inst uint64) (Wait, bool) {
	if ev.Event == nil || !(ev.Kind == bpmn.IntermediateCatchEvent || ev.Kind == bpmn.BoundaryEvent || ev.Kind == bpmn.ReceiveTask) {
		return Wait{}, false
	}
	w := Wait{Instance: inst, ElementID: ev.ID}
	switch ev.Event.Type {
	case bpmn.TimerEvent:
		w.Kind = "timer"
		w.Timer = ev.Event.TimeDuration + ev.Event.TimeDate + ev.Event.TimeCycle
		return w, true
	case bpmn.SignalEvent:
		w.Kind = "signal"
		if ev.Event.Signal != nil {
			w.Signal = ev.Event.Signal.Name
		}
		return w, true
	}
	return Wait{}, false
}
