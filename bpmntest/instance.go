package bpmntest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
)

// Instance is a process instance under test. Its job methods act on the
// jobs of the instance and of the instances it called (call activities).
type Instance struct {
	Key       uint64 // process instance key
	ProcessID string
	e         *Engine
}

// Engine returns the engine the instance runs on.
func (i *Instance) Engine() *Engine { return i.e }

// Owns reports whether the instance with key k is i or was called,
// directly or not, by i (through call activities).
func (i *Instance) Owns(k uint64) bool { return i.Key != 0 && i.owns(k) }

// owns is Owns, except that the pseudo-instance of key 0 (Engine's job
// methods) owns every instance.
func (i *Instance) owns(k uint64) bool {
	if i.Key == 0 {
		return true
	}
	for n := 0; k != 0 && n < 1000; n++ {
		if k == i.Key {
			return true
		}
		k = i.e.parents[k]
	}
	return false
}

// State returns the state of the instance: Active until it ends.
func (i *Instance) State() interp.InstanceState {
	if end, ok := i.e.ends[i.Key]; ok {
		return end.State
	}
	return interp.Active
}

// End returns how the instance ended; ok is false while it is active.
func (i *Instance) End() (end interp.InstanceEnd, ok bool) {
	end, ok = i.e.ends[i.Key]
	return end, ok
}

// Variables returns the root variables of the instance: the current ones,
// or those it had when it ended.
func (i *Instance) Variables() map[string]any {
	if v, ok := i.e.eng.Variables(i.Key); ok {
		return v
	}
	if end, ok := i.e.ends[i.Key]; ok && end.Variables != nil {
		return end.Variables
	}
	return map[string]any{}
}

// Passed returns the ids of the elements the instance completed, in order
// (repeated for loops).
func (i *Instance) Passed() []string {
	var ids []string
	for _, ev := range i.e.events {
		if ev.Kind == interp.TraceCompleted && ev.Instance == i.Key {
			ids = append(ids, ev.ElementID)
		}
	}
	return ids
}

// Trace returns the canonical trace of the instance and of the instances
// it called, one event a line.
func (i *Instance) Trace() string { return i.e.formatTrace(i.owns) }

// Job returns the open job with the given job type or element id (see
// CompleteJob for which jobs are open), or stops the test.
func (i *Instance) Job(selector string) interp.Job {
	i.e.t.Helper()
	j, err := i.findJob(selector)
	if err != nil {
		i.e.t.Fatalf("bpmntest: Job(%q): %v\n%s", selector, err, i.describe())
	}
	return j
}

// CompleteJob completes the oldest open job of the instance whose job type
// or element id is selector, with variables that propagate like a Zeebe
// worker's. Jobs with an open incident, and jobs backing off after a
// failure until the clock reaches the end of the backoff, are not open.
func (i *Instance) CompleteJob(selector string, vars map[string]any) *Instance {
	i.e.t.Helper()
	j, err := i.findJob(selector)
	if err == nil {
		err = i.e.eng.CompleteJob(j.Key, vars)
	}
	if err != nil {
		i.e.t.Fatalf("bpmntest: CompleteJob(%q): %v\n%s", selector, err, i.describe())
	}
	return i
}

// FailJob reports a failed attempt of the selected job, leaving it the
// given retries: with retries > 0 it is open again after backoff, with 0
// an incident (JOB_NO_RETRIES) is raised.
func (i *Instance) FailJob(selector string, retries int, backoff time.Duration, msg string) *Instance {
	i.e.t.Helper()
	j, err := i.findJob(selector)
	if err == nil {
		err = i.e.eng.FailJob(j.Key, retries, backoff, msg, nil)
		if err == nil && backoff > 0 && retries > 0 {
			i.e.backoff[j.Key] = i.e.eng.Now().Add(backoff)
		}
	}
	if err != nil {
		i.e.t.Fatalf("bpmntest: FailJob(%q): %v\n%s", selector, err, i.describe())
	}
	return i
}

// ThrowError throws a BPMN error with the given code from the selected
// job. An error boundary event or error event subprocess catches it; an
// uncaught one raises an UNHANDLED_ERROR_EVENT incident.
func (i *Instance) ThrowError(selector, code, msg string, vars map[string]any) *Instance {
	i.e.t.Helper()
	j, err := i.findJob(selector)
	if err == nil {
		err = i.e.eng.ThrowError(j.Key, code, msg, vars)
	}
	if err != nil {
		i.e.t.Fatalf("bpmntest: ThrowError(%q, %q): %v\n%s", selector, code, err, i.describe())
	}
	return i
}

// findJob returns the oldest open job of the instance matching selector.
func (i *Instance) findJob(selector string) (interp.Job, error) {
	incident := map[uint64]bool{}
	for _, inc := range i.e.eng.Incidents() {
		if inc.JobKey != 0 {
			incident[inc.JobKey] = true
		}
	}
	now := i.e.eng.Now()
	var blocked error
	for _, j := range i.e.eng.Jobs() {
		if !i.owns(j.Instance) || (j.Type != selector && j.ElementID != selector) {
			continue
		}
		nb := i.e.backoff[j.Key]
		if j.NotBefore.After(nb) {
			nb = j.NotBefore
		}
		switch {
		case incident[j.Key]:
			blocked = fmt.Errorf("the job at %s has an open incident", j.ElementID)
		case nb.After(now):
			blocked = fmt.Errorf("the job at %s is backing off after a failure until %s: advance the clock", j.ElementID, offset(nb, i.e.start))
		default:
			return j, nil
		}
	}
	if blocked != nil {
		return interp.Job{}, blocked
	}
	return interp.Job{}, fmt.Errorf("no open job with type or element id %q", selector)
}

// describe says what the instance is doing, then shows its trace: the
// body of every failure message.
func (i *Instance) describe() string {
	var b strings.Builder
	if i.Key == 0 {
		b.WriteString("instances:")
		for _, k := range i.e.eng.Instances() {
			pid, _ := i.e.eng.InstanceProcess(k)
			fmt.Fprintf(&b, " #%d %s", k, pid)
		}
		if len(i.e.eng.Instances()) == 0 {
			b.WriteString(" none active")
		}
		b.WriteByte('\n')
	} else {
		fmt.Fprintf(&b, "instance #%d of %q: %s\n", i.Key, i.ProcessID, i.stateText())
	}
	i.writeWaits(&b)
	return b.String() + i.e.traceBlock(i.owns)
}

// stateText is "active", "completed at end event e", ...
func (i *Instance) stateText() string {
	end, ok := i.e.ends[i.Key]
	switch {
	case !ok:
		return "active"
	case end.EndEvent != "":
		return fmt.Sprintf("%s at %s", end.State, end.EndEvent)
	}
	return end.State.String()
}

// writeWaits lists what the instance waits for: elements, messages, jobs,
// incidents, and its variables.
func (i *Instance) writeWaits(b *strings.Builder) {
	if i.Key != 0 && i.State() == interp.Active {
		fmt.Fprintf(b, "  waiting at: %s\n", orNone(i.waitingAt()))
	}
	var subs, jobs, incs []string
	for _, s := range i.e.eng.Subscriptions() {
		if i.owns(s.Instance) {
			subs = append(subs, fmt.Sprintf("%q key %q at %s", s.Message, s.CorrelationKey, s.ElementID))
		}
	}
	for _, j := range i.e.eng.Jobs() {
		if i.owns(j.Instance) {
			jobs = append(jobs, fmt.Sprintf("%s (type %s, retries %d)", j.ElementID, j.Type, j.Retries))
		}
	}
	for _, inc := range i.e.eng.Incidents() {
		if i.owns(inc.Instance) {
			incs = append(incs, fmt.Sprintf("%s at %s: %s", inc.Kind, inc.ElementID, inc.Message))
		}
	}
	if len(subs) > 0 {
		fmt.Fprintf(b, "  waiting for messages: %s\n", strings.Join(subs, "; "))
	}
	fmt.Fprintf(b, "  open jobs: %s\n", orNone(jobs))
	if len(incs) > 0 {
		fmt.Fprintf(b, "  incidents: %s\n", strings.Join(incs, "; "))
	}
	if i.Key != 0 {
		fmt.Fprintf(b, "  variables: %s\n", formatValue(i.Variables()))
	}
}

// waitingAt returns the ids of the live elements of the instance.
func (i *Instance) waitingAt() []string {
	var ids []string
	for _, el := range i.e.eng.ActiveElements(i.Key) {
		ids = append(ids, el.ElementID)
	}
	return ids
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// formatValue formats a variable value as JSON (map keys sorted).
func formatValue(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// offset formats t as a trace time: relative to start, as [Dd]HH:MM:SS.mmm.
func offset(t, start time.Time) string {
	return strings.Fields(interp.TraceEvent{Time: t}.Format(start))[0]
}
