package bpmntest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmntest"
	"github.com/bpmnrun/bpmnrun/interp"
)

// fakeT records what bpmntest reports; its Fatalf returns, as bpmntest
// allows, so that a test can look at the message.
type fakeT struct {
	errors []string
	fatals []string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
}

func (f *fakeT) all() []string { return append(append([]string(nil), f.fatals...), f.errors...) }

const trip = "testdata/trip.bpmn"
const order = "../models/order/order.bpmn"

// wantFail checks that exactly one failure was reported and that its
// message contains every one of wants.
func wantFail(t *testing.T, f *fakeT, wants ...string) {
	t.Helper()
	all := f.all()
	if len(all) != 1 {
		t.Fatalf("got %d failures, want 1:\n%s", len(all), strings.Join(all, "\n---\n"))
	}
	for _, w := range wants {
		if !strings.Contains(all[0], w) {
			t.Errorf("failure message lacks %q:\n%s", w, all[0])
		}
	}
}

func wantNoFail(t *testing.T, f *fakeT) {
	t.Helper()
	if all := f.all(); len(all) > 0 {
		t.Fatalf("unexpected failures:\n%s", strings.Join(all, "\n---\n"))
	}
}

// cancelledTrip runs the trip saga to its cancelled end.
func cancelledTrip(tb bpmntest.TB) (*bpmntest.Engine, *bpmntest.Instance) {
	bt := bpmntest.New(tb, bpmntest.File(trip))
	inst := bt.Start("trip", map[string]any{"tripId": "t-1"})
	inst.CompleteJob("book-hotel", map[string]any{"hotel": "H-7", "nights": 2}).
		CompleteJob("book_car", nil).
		ThrowError("book-flight", "NO_SEATS", "sold out", nil).
		CompleteJob("cancel-car", nil).
		CompleteJob("cancel-hotel", nil)
	return bt, inst
}

func TestSagaPasses(t *testing.T) {
	f := &fakeT{}
	_, inst := cancelledTrip(f)
	inst.AssertThat().IsCompleted().HasState(interp.Completed).EndedAt("trip_cancelled").
		HasPassed("book_hotel", "book_car").
		HasPassedInOrder("book_hotel", "book_car", "cancel_car", "cancel_hotel", "trip_cancelled").
		HasNotPassed("book_flight", "trip_booked").
		HasCompensated("book_car", "book_hotel").
		HasVariables(map[string]any{"hotel": "H-7", "nights": 2, "tripId": "t-1"}).
		HasVariable("nights", int64(2)).
		HasNoIncidents()
	wantNoFail(t, f)
}

// Each assertion fails when it should, with a message that names the
// assertion, says what is wrong and shows the trace.
func TestAssertionsFail(t *testing.T) {
	tests := []struct {
		name   string
		assert func(a *bpmntest.Assert)
		wants  []string
	}{
		{"IsActive", func(a *bpmntest.Assert) { a.IsActive() },
			[]string{"IsActive: instance #1 is completed at trip_cancelled, want active"}},
		{"IsTerminated", func(a *bpmntest.Assert) { a.IsTerminated() },
			[]string{"IsTerminated: instance #1 is completed at trip_cancelled, want terminated"}},
		{"HasState", func(a *bpmntest.Assert) { a.HasState(interp.Canceled) },
			[]string{"HasState(canceled): instance #1 is completed at trip_cancelled, want canceled"}},
		{"EndedAt", func(a *bpmntest.Assert) { a.EndedAt("trip_booked") },
			[]string{`EndedAt("trip_booked"): instance #1 is completed at trip_cancelled, want ended at trip_booked`}},
		{"IsWaitingAt", func(a *bpmntest.Assert) { a.IsWaitingAt("book_flight") },
			[]string{"IsWaitingAt(book_flight): instance #1 is not waiting at book_flight (waiting at: none)"}},
		{"IsWaitingForMessage", func(a *bpmntest.Assert) { a.IsWaitingForMessage("m", "k") },
			[]string{`IsWaitingForMessage("m", "k"): instance #1 is not waiting for message "m" with key "k" (waiting for: none)`}},
		{"HasPassed", func(a *bpmntest.Assert) { a.HasPassed("book_hotel", "trip_booked") },
			[]string{"HasPassed(book_hotel, trip_booked): instance #1 has not passed trip_booked (passed: trip_requested, book_hotel, book_car, no_seats, cancel_car, cancel_hotel, undo_bookings, trip_cancelled)"}},
		{"HasPassedInOrder", func(a *bpmntest.Assert) { a.HasPassedInOrder("book_car", "book_hotel") },
			[]string{"HasPassedInOrder(book_car, book_hotel): instance #1 has not passed book_hotel after book_car"}},
		{"HasPassedInOrder none", func(a *bpmntest.Assert) { a.HasPassedInOrder("trip_booked") },
			[]string{"instance #1 has not passed trip_booked (passed: "}},
		{"HasNotPassed", func(a *bpmntest.Assert) { a.HasNotPassed("trip_booked", "cancel_car") },
			[]string{"HasNotPassed(trip_booked, cancel_car): instance #1 has passed cancel_car"}},
		{"HasCompensated", func(a *bpmntest.Assert) { a.HasCompensated("book_flight") },
			[]string{"HasCompensated(book_flight): instance #1 has not compensated book_flight (compensated: book_car, book_hotel)"}},
		{"HasVariables", func(a *bpmntest.Assert) { a.HasVariables(map[string]any{"hotel": "H-8", "car": "C-1"}) },
			[]string{`HasVariables: instance #1: car is not set, want "C-1"; hotel = "H-7", want "H-8"`}},
		{"HasVariable", func(a *bpmntest.Assert) { a.HasVariable("nights", 3) },
			[]string{"HasVariables: instance #1: nights = 2, want 3"}},
		{"HasIncident", func(a *bpmntest.Assert) { a.HasIncident("JOB_NO_RETRIES") },
			[]string{`HasIncident("JOB_NO_RETRIES"): instance #1 has no open incident "JOB_NO_RETRIES" (incidents: none)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeT{}
			_, inst := cancelledTrip(f)
			wantNoFail(t, f)
			tt.assert(inst.AssertThat())
			wantFail(t, f, append(tt.wants, "bpmntest: ", "trace:\n  00:00:00.000 #1 started     trip\n",
				"00:00:00.000 #1 compensating book_car (serviceTask) handler cancel_car")...)
			if len(f.fatals) != 1 {
				t.Errorf("AssertThat reported with Errorf, want Fatalf")
			}
		})
	}
}

// IsCompleted, on an instance waiting at an event-based gateway: the
// message lists what it waits for.
func TestIsCompletedFails(t *testing.T) {
	f := &fakeT{}
	bt := bpmntest.New(f, bpmntest.File(order))
	inst := bt.Start("order", map[string]any{"orderId": "o-1"})
	inst.CompleteJob("reserve-stock", nil).CompleteJob("charge-payment", map[string]any{"paid": true})
	inst.AssertThat().IsCompleted()
	wantFail(t, f, "IsCompleted: instance #1 is active, want completed",
		"  waiting at: await_confirmation\n",
		`  waiting for messages: "payment-confirmed" key "o-1" at payment_confirmed`,
		"  open jobs: none\n",
		`  variables: {"orderId":"o-1","paid":true}`,
		"00:00:00.000 #1 activated   await_confirmation (eventBasedGateway)")
}

func TestIncidentAssertions(t *testing.T) {
	f := &fakeT{}
	bt := bpmntest.New(f, bpmntest.File(trip))
	inst := bt.Start("trip", nil)
	inst.FailJob("book-hotel", 0, 0, "hotel service down")
	inst.AssertThat().IsActive().IsWaitingAt("book_hotel").HasIncident("JOB_NO_RETRIES").HasIncident("book_hotel").HasIncident("")
	wantNoFail(t, f)

	inst.AssertThat().HasNoIncidents()
	wantFail(t, f, "HasNoIncidents: instance #1 has open incidents: JOB_NO_RETRIES at book_hotel: job failed with no retries left: hotel service down",
		"  incidents: JOB_NO_RETRIES at book_hotel")

	// The job holds an incident: it cannot be completed.
	f2 := &fakeT{}
	bt2 := bpmntest.New(f2, bpmntest.File(trip))
	bt2.Start("trip", nil).FailJob("book-hotel", 0, 0, "down").CompleteJob("book-hotel", nil)
	wantFail(t, f2, `CompleteJob("book-hotel"): the job at book_hotel has an open incident`)
}

func TestExpectThatGoesOn(t *testing.T) {
	f := &fakeT{}
	_, inst := cancelledTrip(f)
	inst.ExpectThat().IsActive().EndedAt("trip_booked").HasNoIncidents()
	if len(f.errors) != 2 || len(f.fatals) != 0 {
		t.Fatalf("errors %d, fatals %d; want 2 errors", len(f.errors), len(f.fatals))
	}
}

func TestAssertThatStopsTheChain(t *testing.T) {
	f := &fakeT{}
	_, inst := cancelledTrip(f)
	inst.AssertThat().IsActive().EndedAt("trip_booked")
	wantFail(t, f, "IsActive")
}

func TestJobSelection(t *testing.T) {
	t.Run("no such job", func(t *testing.T) {
		f := &fakeT{}
		bt := bpmntest.New(f, bpmntest.File(trip))
		bt.Start("trip", nil).CompleteJob("book-car", nil)
		wantFail(t, f, `CompleteJob("book-car"): no open job with type or element id "book-car"`,
			"open jobs: book_hotel (type book-hotel, retries 3)")
	})
	t.Run("backoff", func(t *testing.T) {
		f := &fakeT{}
		bt := bpmntest.New(f, bpmntest.File(trip))
		inst := bt.Start("trip", nil)
		inst.CompleteJob("book-hotel", nil).CompleteJob("book-car", nil).
			FailJob("book-flight", 1, 5*time.Minute, "timeout").
			CompleteJob("book-flight", nil)
		wantFail(t, f, `CompleteJob("book-flight"): the job at book_flight is backing off after a failure until 00:05:00.000: advance the clock`)
		bt.Advance(5 * time.Minute)
		inst.CompleteJob("book-flight", nil)
		inst.AssertThat().IsCompleted().EndedAt("trip_booked")
		if len(f.all()) != 1 {
			t.Fatalf("failures after the backoff: %v", f.all())
		}
	})
	t.Run("engine level", func(t *testing.T) {
		f := &fakeT{}
		bt := bpmntest.New(f, bpmntest.File(trip))
		a := bt.Start("trip", nil)
		b := bt.Start("trip", nil)
		bt.CompleteJob("book-hotel", nil) // the oldest: a's
		a.AssertThat().IsWaitingAt("book_car")
		b.AssertThat().IsWaitingAt("book_hotel")
		b.CompleteJob("book-hotel", nil).CompleteJob("book-car", nil)
		bt.ThrowError("book-flight", "NO_SEATS", "", nil)
		bt.FailJob("cancel-car", 0, 0, "x")
		b.AssertThat().HasIncident("cancel_car")
		a.AssertThat().IsWaitingAt("book_car").HasNoIncidents()
		wantNoFail(t, f)
	})
	t.Run("Job", func(t *testing.T) {
		f := &fakeT{}
		bt := bpmntest.New(f, bpmntest.File(trip))
		j := bt.Start("trip", nil).Job("book_hotel")
		if j.Type != "book-hotel" || j.Retries != 3 {
			t.Errorf("job = %+v", j)
		}
		wantNoFail(t, f)
	})
}

func TestUncaughtErrorIsAnIncident(t *testing.T) {
	f := &fakeT{}
	bt := bpmntest.New(f, bpmntest.File(trip))
	inst := bt.Start("trip", nil)
	inst.ThrowError("book-hotel", "FULL", "no rooms", nil)
	inst.AssertThat().IsActive().HasIncident("UNHANDLED_ERROR_EVENT")
	wantNoFail(t, f)
}

const parentChild = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
<process id="parent" isExecutable="true"><startEvent id="s"/><callActivity id="call"><extensionElements><zeebe:calledElement processId="child"/></extensionElements></callActivity><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="call"/><sequenceFlow id="f2" sourceRef="call" targetRef="e"/></process>
<process id="child" isExecutable="true"><startEvent id="cs"/><serviceTask id="work"><extensionElements><zeebe:taskDefinition type="work"/></extensionElements></serviceTask><endEvent id="ce"/>
<sequenceFlow id="c1" sourceRef="cs" targetRef="work"/><sequenceFlow id="c2" sourceRef="work" targetRef="ce"/></process>
</definitions>`

// The jobs of a called instance belong to the caller's Instance.
func TestCallActivityJobs(t *testing.T) {
	f := &fakeT{}
	bt := bpmntest.New(f, bpmntest.XML(parentChild))
	inst := bt.Start("parent", map[string]any{"in": 1})
	inst.AssertThat().IsWaitingAt("call")
	inst.CompleteJob("work", map[string]any{"out": 2})
	inst.AssertThat().IsCompleted().EndedAt("e").HasPassedInOrder("s", "call", "e").HasVariables(map[string]any{"in": 1, "out": 2})
	if tr := inst.Trace(); !strings.Contains(tr, "activated   child called by call") || !strings.Contains(tr, "job-completed work") {
		t.Errorf("the caller's trace lacks the called instance:\n%s", inst.Trace())
	}
	wantNoFail(t, f)
}

func TestClockAndMessages(t *testing.T) {
	f := &fakeT{}
	bt := bpmntest.New(f, bpmntest.File(order), bpmntest.StartTime(time.Date(2030, 5, 1, 8, 0, 0, 0, time.UTC)))
	// A message published before the instance waits for it is buffered.
	bt.Publish("payment-confirmed", "o-1", nil)
	inst := bt.Start("order", map[string]any{"orderId": "o-1", "paid": true})
	inst.CompleteJob("reserve-stock", nil).CompleteJob("charge-payment", nil)
	inst.AssertThat().IsCompleted().EndedAt("order_completed")
	if got := bt.Now(); !got.Equal(time.Date(2030, 5, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("Now = %v", got)
	}
	bt.AdvanceTo(bt.Now().Add(-time.Second))
	wantFail(t, f, "AdvanceTo(2030-05-01T07:59:59Z): the clock is already at 2030-05-01T08:00:00Z and never goes backwards")
}

func TestSignal(t *testing.T) {
	const m = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"><signal id="sig" name="go"/>
<process id="p" isExecutable="true"><startEvent id="s"/><intermediateCatchEvent id="wait"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="wait"/><sequenceFlow id="f2" sourceRef="wait" targetRef="e"/></process></definitions>`
	f := &fakeT{}
	bt := bpmntest.New(f, bpmntest.XML(m))
	inst := bt.Start("p", nil)
	inst.AssertThat().IsWaitingAt("wait")
	bt.Signal("go", map[string]any{"x": "y"})
	inst.AssertThat().IsCompleted().HasVariable("x", "y")
	wantNoFail(t, f)
}

func TestDeployErrors(t *testing.T) {
	f := &fakeT{}
	bpmntest.New(f, bpmntest.File("testdata/missing.bpmn"))
	wantFail(t, f, "bpmntest: deploy testdata/missing.bpmn: open testdata/missing.bpmn: no such file or directory")

	f = &fakeT{}
	bpmntest.New(f, bpmntest.XML(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="p"><startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="nope"/></process></definitions>`))
	wantFail(t, f, `targetRef "nope" does not exist`)

	f = &fakeT{}
	bpmntest.New(f)
	wantFail(t, f, "no model to deploy")

	f = &fakeT{}
	bt := bpmntest.New(f, bpmntest.File(trip))
	bt.Start("tirp", nil)
	wantFail(t, f, `Start("tirp")`, `no deployed process with this id (deployed processes: "trip")`)
}

func TestNoTraceInFailures(t *testing.T) {
	f := &fakeT{}
	bt := bpmntest.New(f, bpmntest.File(trip), bpmntest.NoTraceInFailures())
	bt.Start("trip", nil).AssertThat().IsCompleted()
	wantFail(t, f, "IsCompleted")
	if strings.Contains(f.fatals[0], "trace:") {
		t.Errorf("trace in the message:\n%s", f.fatals[0])
	}
}

// The engine options are passed on; a user trace and observer are called
// besides bpmntest's own.
func TestEngineOptions(t *testing.T) {
	f := &fakeT{}
	var lines int
	var ends []interp.InstanceEnd
	bt := bpmntest.New(f, bpmntest.File(trip), bpmntest.ParallelCompensation(),
		bpmntest.EngineOptions(interp.Options{Trace: func(interp.TraceEvent) { lines++ }, Observer: endObserver{&ends}}))
	inst := bt.Start("trip", nil)
	inst.CompleteJob("book-hotel", nil).CompleteJob("book-car", nil).ThrowError("book-flight", "NO_SEATS", "", nil)
	// parallel: both handlers at once, completed in any order
	inst.CompleteJob("cancel-hotel", nil).CompleteJob("cancel-car", nil)
	inst.AssertThat().IsCompleted().HasCompensated("book_hotel", "book_car")
	wantNoFail(t, f)
	if lines != len(bt.TraceEvents()) || len(ends) != 1 {
		t.Errorf("user trace saw %d events of %d, observer %d ends", lines, len(bt.TraceEvents()), len(ends))
	}
	if !bt.Interp().Options().ParallelCompensation {
		t.Error("ParallelCompensation not set")
	}
}

type endObserver struct{ ends *[]interp.InstanceEnd }

func (o endObserver) JobCreated(interp.Job)                {}
func (o endObserver) JobCanceled(interp.Job)               {}
func (o endObserver) IncidentRaised(interp.Incident)       {}
func (o endObserver) InstanceEnded(end interp.InstanceEnd) { *o.ends = append(*o.ends, end) }

func TestSameValue(t *testing.T) {
	tests := []struct {
		a, b any
		want bool
	}{
		{1, 1.0, true},
		{int64(2), 2.0, true},
		{"1", 1, false},
		{[]any{1, "a"}, []any{1.0, "a"}, true},
		{map[string]any{"x": []int{1}}, map[string]any{"x": []any{1.0}}, true},
		{nil, nil, true},
		{nil, false, false},
	}
	for _, tt := range tests {
		if got := bpmntest.SameValue(tt.a, tt.b); got != tt.want {
			t.Errorf("SameValue(%#v, %#v) = %v", tt.a, tt.b, got)
		}
	}
}

// A program compiled once can be deployed into many engines.
func TestProgramReuse(t *testing.T) {
	f := &fakeT{}
	bt := bpmntest.New(f, bpmntest.File(trip))
	prog := bt.Programs()[0]
	for range 3 {
		_, inst := cancelledTripOn(f, prog)
		inst.AssertThat().IsCompleted()
	}
	wantNoFail(t, f)
}

func cancelledTripOn(tb bpmntest.TB, prog *interp.Program) (*bpmntest.Engine, *bpmntest.Instance) {
	bt := bpmntest.New(tb, bpmntest.Program(prog))
	inst := bt.Start("trip", nil)
	inst.CompleteJob("book-hotel", nil).CompleteJob("book-car", nil).
		ThrowError("book-flight", "NO_SEATS", "", nil).
		CompleteJob("cancel-car", nil).CompleteJob("cancel-hotel", nil)
	return bt, inst
}

// The test API works with *testing.T itself.
func TestRealT(t *testing.T) {
	_, inst := cancelledTrip(t)
	inst.AssertThat().IsCompleted().EndedAt("trip_cancelled")
}

// BenchmarkTripSaga measures a whole saga test: new engine, deploy the
// compiled model, run the saga to its compensated end, assert.
func BenchmarkTripSaga(b *testing.B) {
	bt := bpmntest.New(b, bpmntest.File(trip))
	prog := bt.Programs()[0]
	b.ReportAllocs()
	for b.Loop() {
		_, inst := cancelledTripOn(b, prog)
		inst.AssertThat().IsCompleted().EndedAt("trip_cancelled").HasCompensated("book_car", "book_hotel")
	}
}

// BenchmarkTripSagaParse includes parsing and compiling the model.
func BenchmarkTripSagaParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, inst := cancelledTrip(b)
		inst.AssertThat().IsCompleted()
	}
}
