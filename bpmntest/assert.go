package bpmntest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/bpmnrun/bpmnrun/interp"
)

// Assert makes assertions on an instance. Every method returns the Assert
// so that assertions chain; after a failed assertion of AssertThat the
// rest of the chain is skipped.
type Assert struct {
	i     *Instance
	fatal bool
	done  bool
}

// AssertThat returns assertions that stop the test at the first failure
// (t.Fatalf), like testify's require.
func (i *Instance) AssertThat() *Assert { return &Assert{i: i, fatal: true} }

// ExpectThat returns assertions that report failures with t.Errorf and let
// the test go on, like testify's assert.
func (i *Instance) ExpectThat() *Assert { return &Assert{i: i} }

// check reports a failure of the assertion named what when msg is not "".
func (a *Assert) check(what, msg string) *Assert {
	t := a.i.e.t
	t.Helper()
	if msg == "" {
		return a
	}
	text := fmt.Sprintf("bpmntest: %s: %s\n%s", what, msg, a.i.describe())
	if a.fatal {
		a.done = true
		t.Fatalf("%s", text)
	} else {
		t.Errorf("%s", text)
	}
	return a
}

// skip reports whether an earlier fatal failure ends the chain.
func (a *Assert) skip() bool { return a.done }

// HasState asserts that the instance is in state s.
func (a *Assert) HasState(s interp.InstanceState) *Assert {
	a.i.e.t.Helper()
	return a.state(fmt.Sprintf("HasState(%s)", s), s)
}

// IsCompleted asserts that the instance completed (at an end event).
func (a *Assert) IsCompleted() *Assert {
	a.i.e.t.Helper()
	return a.state("IsCompleted", interp.Completed)
}

// IsTerminated asserts that the instance ended at a terminate end event.
func (a *Assert) IsTerminated() *Assert {
	a.i.e.t.Helper()
	return a.state("IsTerminated", interp.Terminated)
}

// IsActive asserts that the instance has not ended.
func (a *Assert) IsActive() *Assert {
	a.i.e.t.Helper()
	return a.state("IsActive", interp.Active)
}

func (a *Assert) state(what string, s interp.InstanceState) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	msg := ""
	if got := a.i.State(); got != s {
		msg = fmt.Sprintf("instance #%d is %s, want %s", a.i.Key, a.i.stateText(), s)
	}
	return a.check(what, msg)
}

// EndedAt asserts that the instance ended at the given end event.
func (a *Assert) EndedAt(endEventID string) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	msg := ""
	if end, ok := a.i.End(); !ok || end.EndEvent != endEventID {
		msg = fmt.Sprintf("instance #%d is %s, want ended at %s", a.i.Key, a.i.stateText(), endEventID)
	}
	return a.check(fmt.Sprintf("EndedAt(%q)", endEventID), msg)
}

// IsWaitingAt asserts that each of the elements is active in the instance
// (a task with its job, a catch event, an event-based gateway, a
// subprocess, an element held by an incident). At an event-based gateway
// the gateway waits, not its events: see IsWaitingForMessage.
func (a *Assert) IsWaitingAt(elementIDs ...string) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	at := a.i.waitingAt()
	var missing []string
	for _, id := range elementIDs {
		if !slices.Contains(at, id) {
			missing = append(missing, id)
		}
	}
	msg := ""
	if len(missing) > 0 {
		msg = fmt.Sprintf("instance #%d is not waiting at %s (waiting at: %s)", a.i.Key, strings.Join(missing, ", "), orNone(at))
	}
	return a.check("IsWaitingAt("+strings.Join(elementIDs, ", ")+")", msg)
}

// IsWaitingForMessage asserts that the instance (or an instance it called)
// has an open subscription for the message name and correlation key.
func (a *Assert) IsWaitingForMessage(name, correlationKey string) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	var subs []string
	for _, s := range a.i.e.eng.Subscriptions() {
		if !a.i.owns(s.Instance) {
			continue
		}
		if s.Message == name && s.CorrelationKey == correlationKey {
			return a
		}
		subs = append(subs, fmt.Sprintf("%q key %q", s.Message, s.CorrelationKey))
	}
	msg := fmt.Sprintf("instance #%d is not waiting for message %q with key %q (waiting for: %s)", a.i.Key, name, correlationKey, orNone(subs))
	return a.check(fmt.Sprintf("IsWaitingForMessage(%q, %q)", name, correlationKey), msg)
}

// HasPassed asserts that the instance completed each of the elements.
func (a *Assert) HasPassed(elementIDs ...string) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	passed := a.i.Passed()
	var missing []string
	for _, id := range elementIDs {
		if !slices.Contains(passed, id) {
			missing = append(missing, id)
		}
	}
	msg := ""
	if len(missing) > 0 {
		msg = fmt.Sprintf("instance #%d has not passed %s (passed: %s)", a.i.Key, strings.Join(missing, ", "), orNone(passed))
	}
	return a.check("HasPassed("+strings.Join(elementIDs, ", ")+")", msg)
}

// HasPassedInOrder asserts that the instance completed the elements in
// this order, other elements possibly in between.
func (a *Assert) HasPassedInOrder(elementIDs ...string) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	passed := a.i.Passed()
	n := 0
	for _, id := range passed {
		if n < len(elementIDs) && id == elementIDs[n] {
			n++
		}
	}
	msg := ""
	switch {
	case n == len(elementIDs):
	case n == 0:
		msg = fmt.Sprintf("instance #%d has not passed %s (passed: %s)", a.i.Key, elementIDs[0], orNone(passed))
	default:
		msg = fmt.Sprintf("instance #%d has not passed %s after %s (passed: %s)", a.i.Key, elementIDs[n], strings.Join(elementIDs[:n], ", "), orNone(passed))
	}
	return a.check("HasPassedInOrder("+strings.Join(elementIDs, ", ")+")", msg)
}

// HasNotPassed asserts that the instance completed none of the elements.
func (a *Assert) HasNotPassed(elementIDs ...string) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	passed := a.i.Passed()
	var found []string
	for _, id := range elementIDs {
		if slices.Contains(passed, id) {
			found = append(found, id)
		}
	}
	msg := ""
	if len(found) > 0 {
		msg = fmt.Sprintf("instance #%d has passed %s", a.i.Key, strings.Join(found, ", "))
	}
	return a.check("HasNotPassed("+strings.Join(elementIDs, ", ")+")", msg)
}

// HasCompensated asserts that compensation was started for each of the
// activities (a "compensating" event of the trace).
func (a *Assert) HasCompensated(activityIDs ...string) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	done := a.compensated()
	var missing []string
	for _, id := range activityIDs {
		if !slices.Contains(done, id) {
			missing = append(missing, id)
		}
	}
	msg := ""
	if len(missing) > 0 {
		msg = fmt.Sprintf("instance #%d has not compensated %s (compensated: %s)", a.i.Key, strings.Join(missing, ", "), orNone(done))
	}
	return a.check("HasCompensated("+strings.Join(activityIDs, ", ")+")", msg)
}

// compensated returns the activities whose compensation was started in the
// instance (and the instances it called), in trace order.
func (a *Assert) compensated() []string {
	var done []string
	for _, ev := range a.i.e.events {
		if ev.Kind == interp.TraceCompensating && a.i.owns(ev.Instance) {
			done = append(done, ev.ElementID)
		}
	}
	return done
}

// HasNoCompensation asserts that no compensation was started in the
// instance (or the instances it called).
func (a *Assert) HasNoCompensation() *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	done := a.compensated()
	msg := ""
	if len(done) > 0 {
		msg = fmt.Sprintf("instance #%d compensated %s", a.i.Key, strings.Join(done, ", "))
	}
	return a.check("HasNoCompensation()", msg)
}

// HasVariables asserts that the root variables of the instance (the final
// ones once it ended) include vars. Values are compared as JSON values:
// 1, int64(1) and 1.0 are equal; nested maps and slices compare deeply.
func (a *Assert) HasVariables(vars map[string]any) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	have := a.i.Variables()
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	var diffs []string
	for _, k := range names {
		got, ok := have[k]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s is not set, want %s", k, formatValue(vars[k])))
		case !SameValue(got, vars[k]):
			diffs = append(diffs, fmt.Sprintf("%s = %s, want %s", k, formatValue(got), formatValue(vars[k])))
		}
	}
	msg := ""
	if len(diffs) > 0 {
		msg = fmt.Sprintf("instance #%d: %s", a.i.Key, strings.Join(diffs, "; "))
	}
	return a.check("HasVariables", msg)
}

// HasVariable asserts that the instance has the variable with the value.
func (a *Assert) HasVariable(name string, value any) *Assert {
	a.i.e.t.Helper()
	return a.HasVariables(map[string]any{name: value})
}

// HasIncident asserts that the instance (or an instance it called) has an
// open incident whose kind (JOB_NO_RETRIES, UNHANDLED_ERROR_EVENT,
// CONDITION_ERROR, ...) or element id is match; "" matches any.
func (a *Assert) HasIncident(match string) *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	var open []string
	for _, inc := range a.i.e.eng.Incidents() {
		if !a.i.owns(inc.Instance) {
			continue
		}
		if match == "" || inc.Kind.String() == match || inc.ElementID == match {
			return a
		}
		open = append(open, inc.Kind.String()+" at "+inc.ElementID)
	}
	msg := fmt.Sprintf("instance #%d has no open incident %q (incidents: %s)", a.i.Key, match, orNone(open))
	return a.check(fmt.Sprintf("HasIncident(%q)", match), msg)
}

// HasNoIncidents asserts that the instance (and the instances it called)
// has no open incident.
func (a *Assert) HasNoIncidents() *Assert {
	a.i.e.t.Helper()
	if a.skip() {
		return a
	}
	var open []string
	for _, inc := range a.i.e.eng.Incidents() {
		if a.i.owns(inc.Instance) {
			open = append(open, fmt.Sprintf("%s at %s: %s", inc.Kind, inc.ElementID, inc.Message))
		}
	}
	msg := ""
	if len(open) > 0 {
		msg = fmt.Sprintf("instance #%d has open incidents: %s", a.i.Key, strings.Join(open, "; "))
	}
	return a.check("HasNoIncidents", msg)
}

// SameValue reports whether two variable values are equal as JSON values,
// so that a test may write 1 for the engine's float64 1.
func SameValue(a, b any) bool {
	na, errA := normalize(a)
	nb, errB := normalize(b)
	if errA != nil || errB != nil {
		return reflect.DeepEqual(a, b)
	}
	return reflect.DeepEqual(na, nb)
}

func normalize(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(data, &out)
	return out, err
}
