package interp

import (
	"errors"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

func TestTouchedEvictRestore(t *testing.T) {
	h := newHarness(t, trip, func(o *Options) { o.TrackTouched = true })
	k1 := h.start("trip", nil)
	k2 := h.start("trip", nil)
	eq(t, "touched by starts", h.e.Touched(), []uint64{k1, k2})
	eq(t, "touched is reset", len(h.e.Touched()), 0)
	h.complete("hotel", nil) // the oldest job: instance k1
	eq(t, "touched by a job", h.e.Touched(), []uint64{k1})

	data, err := h.e.SnapshotInstance(k2)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.e.Evict(k2); err != nil {
		t.Fatal(err)
	}
	eq(t, "instances after evict", h.e.Instances(), []uint64{k1})
	for _, j := range h.e.Jobs() {
		if j.Instance == k2 {
			t.Fatal("evicted instance left a job behind")
		}
	}
	if err := h.e.Evict(k2); !errors.Is(err, ErrNotFound) {
		t.Fatalf("evict twice: %v", err)
	}
	if err := h.e.RestoreInstance(data); err != nil {
		t.Fatal(err)
	}
	h.complete("hotel", nil)
	h.complete("car", nil)
	h.complete("car", nil)
	h.complete("flight", nil)
	h.complete("flight", nil)
	h.mustEnd(k1, Completed, "booked")
	h.mustEnd(k2, Completed, "booked")
	eq(t, "touched", h.e.Touched(), []uint64{k1, k2})
}

func TestTimersListing(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<boundaryEvent id="to" attachedToRef="a"><timerEventDefinition><timeDuration>PT30S</timeDuration></timerEventDefinition></boundaryEvent>
		<endEvent id="e"/><endEvent id="te"/>`+chain("s", "a", "e")+chain("to", "te")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	if err := h.e.FailJob(h.open("a")[0].Key, 2, 10*time.Second, "x", nil); err != nil {
		t.Fatal(err)
	}
	ts := h.e.Timers()
	if len(ts) != 2 || ts[0].Purpose != "job-retry" || ts[1].Purpose != "event" || ts[1].Instance != k || ts[1].ElementID != "to" {
		t.Fatalf("timers = %+v", ts)
	}
}

func TestQueriesParentSignalsBackoff(t *testing.T) {
	m := defs(`<signal id="sig" name="go"/>` + proc("parent", `<startEvent id="s"/><callActivity id="call"><extensionElements><zeebe:calledElement processId="child"/></extensionElements></callActivity><endEvent id="e"/>`+chain("s", "call", "e")) +
		proc("child", `<startEvent id="cs"/><intermediateCatchEvent id="wait"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent>`+svc("w", "w")+`<endEvent id="ce"/>`+chain("cs", "wait", "w", "ce")))
	h := newHarness(t, m)
	k := h.start("parent", nil)
	subs := h.e.SignalSubscriptions()
	if len(subs) != 1 || subs[0].Signal != "go" || subs[0].ElementID != "wait" {
		t.Fatalf("signal subscriptions = %+v", subs)
	}
	if p, ok := h.e.InstanceParent(subs[0].Instance); !ok || p != k {
		t.Fatalf("parent = %d, %v; want %d", p, ok, k)
	}
	if _, ok := h.e.InstanceParent(k); ok {
		t.Fatal("a top-level instance has a parent")
	}
	if err := h.e.BroadcastSignal("go", nil); err != nil {
		t.Fatal(err)
	}
	j := h.open("w")[0]
	if err := h.e.FailJob(j.Key, 1, time.Minute, "later", nil); err != nil {
		t.Fatal(err)
	}
	eq(t, "not before", h.open("w")[0].NotBefore.Sub(DefaultStart), time.Minute)
	h.advance(time.Minute)
	if !h.open("w")[0].NotBefore.IsZero() {
		t.Fatal("NotBefore kept after the backoff ended")
	}
}

// RestoreInstance raises the counters past every key and sequence number it
// restored, so a fresh engine never hands out a colliding key.
func TestRestoreInstanceRaisesCounters(t *testing.T) {
	h := newHarness(t, seq3)
	k := h.start("seq3", nil)
	data, err := h.e.SnapshotInstance(k)
	if err != nil {
		t.Fatal(err)
	}
	nk, _ := h.e.Counters()
	d, _ := bpmn.ParseBytes("seq3", []byte(seq3))
	prog, _ := Compile(d)
	e := New(Options{})
	if err := e.Deploy(prog); err != nil {
		t.Fatal(err)
	}
	if err := e.RestoreInstance(data); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Counters(); got < nk {
		t.Fatalf("counter %d after restore, want ≥ %d", got, nk)
	}
	k2, err := e.Start("seq3", nil)
	if err != nil {
		t.Fatal(err)
	}
	if k2 <= nk {
		t.Fatalf("new instance key %d collides with restored keys (≤ %d)", k2, nk)
	}
	e.SetCounters(1, 1) // never lowers
	if got, _ := e.Counters(); got < k2 {
		t.Fatal("SetCounters lowered the key counter")
	}
	for _, j := range e.Jobs() {
		if j.State != JobActivatable || j.Root != j.Instance {
			t.Fatalf("job view %+v", j)
		}
	}
}

func TestNewKeyOption(t *testing.T) {
	next := uint64(1000)
	h := newHarness(t, seq3, func(o *Options) { o.NewKey = func() uint64 { next += 10; return next } })
	k := h.start("seq3", nil)
	if k != 1010 {
		t.Fatalf("instance key %d, want 1010 from the allocator", k)
	}
	for _, j := range h.e.Jobs() {
		if j.Key%10 != 0 || j.Key <= 1010 {
			t.Fatalf("job key %d not from the allocator", j.Key)
		}
	}
	h.complete("a", nil)
	h.complete("b", nil)
	h.complete("c", nil)
	h.mustEnd(k, Completed, "e")
}
