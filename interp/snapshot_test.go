package interp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// step is one input of a scripted run.
type step func(e *Engine) error

func completeAt(id string, vars map[string]any) step {
	return func(e *Engine) error {
		for _, j := range e.Jobs() {
			if j.ElementID == id {
				return e.CompleteJob(j.Key, vars)
			}
		}
		return fmt.Errorf("no open job at %q", id)
	}
}

func throwAt(id, code string) step {
	return func(e *Engine) error {
		for _, j := range e.Jobs() {
			if j.ElementID == id {
				return e.ThrowError(j.Key, code, "", nil)
			}
		}
		return fmt.Errorf("no open job at %q", id)
	}
}

func startStep(pid string, vars map[string]any) step {
	return func(e *Engine) error { _, err := e.Start(pid, vars); return err }
}

func advanceStep(d time.Duration) step { return func(e *Engine) error { return e.Advance(d) } }

func publishStep(name, key string, ttl time.Duration) step {
	return func(e *Engine) error {
		_, err := e.Publish(Message{Name: name, CorrelationKey: key, TTL: ttl, Variables: map[string]any{"got": name}})
		return err
	}
}

// restoreSame snapshots e, restores the snapshot into a new engine with
// opts and checks that the new engine snapshots to the same bytes.
func restoreSame(t testing.TB, e *Engine, opts Options, progs ...*Program) *Engine {
	t.Helper()
	snap, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Restore(snap, opts, progs...)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, snap)
	}
	again, err := r.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(snap, again) {
		t.Fatalf("snapshot of the restored engine differs:\n%s\n---\n%s", snap, again)
	}
	return r
}

// checkSnapshots runs steps once for reference, then, for every wait state
// between two steps, snapshots the engine, restores it into a new engine and
// checks that the rest of the run produces the same trace and that the
// restored engine snapshots to the same bytes.
func checkSnapshots(t *testing.T, xml string, opt func(*Options), steps []step) {
	t.Helper()
	d, err := bpmn.ParseBytes("snap.bpmn", []byte(xml))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	newEngine := func(lines *[]string) Options {
		o := Options{Trace: func(ev TraceEvent) { *lines = append(*lines, ev.Format(DefaultStart)) }}
		if opt != nil {
			opt(&o)
		}
		return o
	}
	var ref []string
	var marks []int
	a := New(newEngine(&ref))
	if err := a.Deploy(prog); err != nil {
		t.Fatal(err)
	}
	for i, s := range steps {
		marks = append(marks, len(ref))
		if err := s(a); err != nil {
			t.Fatalf("reference step %d: %v", i, err)
		}
	}
	marks = append(marks, len(ref))
	for cut := 1; cut < len(steps); cut++ {
		var pre []string
		b := New(newEngine(&pre))
		if err := b.Deploy(prog); err != nil {
			t.Fatal(err)
		}
		for _, s := range steps[:cut] {
			if err := s(b); err != nil {
				t.Fatal(err)
			}
		}
		var post []string
		c := restoreSame(t, b, newEngine(&post), prog)
		for i, s := range steps[cut:] {
			if err := s(c); err != nil {
				t.Fatalf("cut %d: step %d after restore: %v", cut, cut+i, err)
			}
		}
		want := strings.Join(ref[marks[cut]:], "\n")
		if got := strings.Join(post, "\n"); got != want {
			t.Fatalf("cut %d: trace after restore:\n%s\nwant:\n%s", cut, got, want)
		}
	}
}

func TestSnapshotSequence(t *testing.T) {
	checkSnapshots(t, seq3, nil, []step{startStep("seq3", map[string]any{"x": 1.0}), startStep("seq3", nil),
		completeAt("a", map[string]any{"y": "z"}), completeAt("a", nil), completeAt("b", nil), completeAt("c", nil), completeAt("b", nil), completeAt("c", nil)})
}

func TestSnapshotForkJoinAndTimers(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><parallelGateway id="f"/>`+svc("a", "a")+`<boundaryEvent id="to" attachedToRef="a"><timerEventDefinition><timeDuration>PT30S</timeDuration></timerEventDefinition></boundaryEvent>`+
		svc("b", "b")+`<boundaryEvent id="nb" attachedToRef="b" cancelActivity="false"><timerEventDefinition><timeCycle>R/PT10S</timeCycle></timerEventDefinition></boundaryEvent>`+
		`<parallelGateway id="j"/><endEvent id="e"/><endEvent id="te"/><endEvent id="ne"/>`+chain("s", "f", "a", "j", "e")+chain("f", "b", "j")+chain("to", "te")+chain("nb", "ne")))
	checkSnapshots(t, m, nil, []step{startStep("p", nil), startStep("p", nil), advanceStep(15 * time.Second), completeAt("a", nil),
		advanceStep(20 * time.Second), completeAt("b", nil), completeAt("b", nil)})
}

func TestSnapshotMessagesAndEventGateway(t *testing.T) {
	m := msgDefs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<eventBasedGateway id="g"/>
		<intermediateCatchEvent id="msg"><messageEventDefinition messageRef="m1"/></intermediateCatchEvent>
		<intermediateCatchEvent id="tmr"><timerEventDefinition><timeDuration>PT10M</timeDuration></timerEventDefinition></intermediateCatchEvent>
		<endEvent id="ok"/><endEvent id="late"/>`+chain("s", "a", "g", "msg", "ok")+chain("g", "tmr", "late")))
	checkSnapshots(t, m, nil, []step{startStep("p", map[string]any{"orderId": "1"}), startStep("p", map[string]any{"orderId": "2"}),
		publishStep("confirm", "1", time.Hour), completeAt("a", nil), advanceStep(time.Minute), completeAt("a", nil), advanceStep(11 * time.Minute)})
}

func TestSnapshotSaga(t *testing.T) {
	for _, par := range []bool{false, true} {
		checkSnapshots(t, trip, func(o *Options) { o.ParallelCompensation = par }, []step{startStep("trip", nil), completeAt("hotel", nil),
			completeAt("car", nil), throwAt("flight", "FLIGHT"), completeAt("undo-car", nil), completeAt("undo-hotel", nil)})
	}
}

func TestSnapshotMultiInstanceAndIncident(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><serviceTask id="ship"><extensionElements><zeebe:taskDefinition type="ship"/></extensionElements>
		<multiInstanceLoopCharacteristics isSequential="true"><extensionElements><zeebe:loopCharacteristics inputCollection="=items" inputElement="item" outputCollection="out" outputElement="=item"/></extensionElements></multiInstanceLoopCharacteristics></serviceTask>
		<exclusiveGateway id="g"/><endEvent id="e"/>`+chain("s", "ship", "g")+flow("g", "e", "=ok")))
	checkSnapshots(t, m, nil, []step{startStep("p", map[string]any{"items": []any{"a", "b"}}), completeAt("ship", nil), completeAt("ship", nil),
		func(e *Engine) error {
			return e.SetVariables(e.Instances()[0], map[string]any{"ok": true})
		},
		func(e *Engine) error { return e.ResolveIncident(e.Incidents()[0].Key) }})
}

func TestSnapshotInstanceRoundTrip(t *testing.T) {
	h := newHarness(t, trip)
	k := h.start("trip", map[string]any{"n": 1.0})
	h.complete("hotel", nil)
	data, err := h.e.SnapshotInstance(k)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.e.RestoreInstance(data); err != nil {
		t.Fatal(err)
	}
	again, _ := h.e.SnapshotInstance(k)
	if !bytes.Equal(data, again) {
		t.Fatalf("instance snapshot changed:\n%s\n%s", data, again)
	}
	h.complete("car", nil)
	h.complete("flight", nil)
	h.mustEnd(k, Completed, "booked")
	if err := h.e.RestoreInstance([]byte(`{"version": 99}`)); !errors.Is(err, ErrSnapshot) {
		t.Fatalf("bad version: %v", err)
	}
	if _, err := Restore([]byte(`not json`), Options{}); !errors.Is(err, ErrSnapshot) {
		t.Fatalf("bad json: %v", err)
	}
}
