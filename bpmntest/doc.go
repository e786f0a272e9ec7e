// Package bpmntest tests BPMN models from Go tests, on bpmnrun's
// deterministic engine (package interp): no server, no Docker, no sleeps,
// no goroutines. A saga test runs in microseconds.
//
// A test deploys models, starts instances, drives them and asserts on them:
//
//	bt := bpmntest.New(t, bpmntest.File("testdata/trip.bpmn"))
//	inst := bt.Start("trip", map[string]any{"tripId": "t-1"})
//	inst.CompleteJob("book-hotel", nil).
//		CompleteJob("book-car", nil).
//		ThrowError("book-flight", "NO_SEATS", "sold out", nil)
//	inst.CompleteJob("cancel-car", nil).CompleteJob("cancel-hotel", nil)
//	inst.AssertThat().IsCompleted().EndedAt("trip_cancelled").HasCompensated("book_car", "book_hotel")
//
// The vocabulary follows zeebe-process-test, Camunda Process Test and
// camunda-bpm-assert: the three levers of every Camunda test library —
// jobs (CompleteJob, FailJob, ThrowError), messages and signals (Publish,
// Signal) and a clock (Advance, AdvanceTo) — and assertions on the state
// of an instance (IsCompleted, IsActive, IsWaitingAt, IsWaitingForMessage),
// on the elements it passed (HasPassed, HasPassedInOrder, HasNotPassed,
// EndedAt, HasCompensated), on its variables (HasVariables, HasVariable)
// and on incidents (HasIncident, HasNoIncidents).
//
// # Time
//
// The clock is virtual: it starts at interp.DefaultStart (or StartTime) and
// moves only when the test calls Advance or AdvanceTo, which fire every
// timer due by then, in order, before returning. Nothing waits for the
// engine to become idle: every call returns once the engine has reached
// its next wait state.
//
// # Jobs
//
// A job is selected by its job type or by the id of its element, among the
// open jobs of the instance (and of the instances it called), oldest
// first. Jobs with an open incident are not selectable, nor are jobs that
// failed with a retry backoff until the clock reaches the end of the
// backoff, as with a real worker.
//
// # Failures
//
// AssertThat returns assertions that stop the test at the first failure
// (t.Fatalf); ExpectThat returns the same assertions reporting with
// t.Errorf, so that several can fail. A driving call that cannot be done
// (no such job, an engine error) stops the test with t.Fatalf. Every
// message shows what the instance is doing (waiting at, open jobs,
// subscriptions, incidents) and the canonical trace of the instance
// (interp.TraceEvent.Format), so a failing test explains itself.
//
// The package uses only Helper, Errorf and Fatalf of its TB (see TB). When
// Fatalf returns — as it does for a recorder like the one package scenario
// uses — the failed call returns without effect and the test goes on.
package bpmntest
