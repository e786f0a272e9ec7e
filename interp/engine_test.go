package interp

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

var seq3 = defs(proc("seq3", `<startEvent id="s"/>`+svc("a", "a")+svc("b", "b")+svc("c", "c")+`<endEvent id="e"/>`+chain("s", "a", "b", "c", "e")))

func TestSequenceTrace(t *testing.T) {
	h := newHarness(t, seq3)
	k := h.start("seq3", map[string]any{"x": 1.0})
	h.advance(time.Second)
	h.complete("a", map[string]any{"y": "A"})
	h.complete("b", nil)
	h.advance(2 * time.Second)
	h.complete("c", nil)
	end := h.mustEnd(k, Completed, "e")
	eq(t, "vars", end.Variables, map[string]any{"x": 1.0, "y": "A"})
	want := `00:00:00.000 #1 started     seq3
00:00:00.000 #1 activated   s (startEvent)
00:00:00.000 #1 completed   s (startEvent)
00:00:00.000 #1 taken       s-a
00:00:00.000 #1 activated   a (serviceTask)
00:00:00.000 #1 job-created a a
00:00:01.000 #1 job-completed a
00:00:01.000 #1 completed   a (serviceTask)
00:00:01.000 #1 taken       a-b
00:00:01.000 #1 activated   b (serviceTask)
00:00:01.000 #1 job-created b b
00:00:01.000 #1 job-completed b
00:00:01.000 #1 completed   b (serviceTask)
00:00:01.000 #1 taken       b-c
00:00:01.000 #1 activated   c (serviceTask)
00:00:01.000 #1 job-created c c
00:00:03.000 #1 job-completed c
00:00:03.000 #1 completed   c (serviceTask)
00:00:03.000 #1 taken       c-e
00:00:03.000 #1 activated   e (endEvent)
00:00:03.000 #1 completed   e (endEvent)
00:00:03.000 #1 ended       seq3 completed`
	if got := h.trace(); got != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
	if h.e.insts.len() != 0 || h.e.jobs.len() != 0 || len(h.e.timers) != 0 {
		t.Errorf("state left after completion: %d instances, %d jobs, %d timers", h.e.insts.len(), h.e.jobs.len(), len(h.e.timers))
	}
}

func TestExclusiveGateway(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><exclusiveGateway id="g" default="g-low"/>
		<endEvent id="high"/><endEvent id="mid"/><endEvent id="low"/>`+chain("s", "g")+
		flow("g", "high", "=amount > 100")+flow("g", "mid", "=amount > 10")+chain("g", "low")))
	for _, tc := range []struct {
		amount any
		end    string
	}{{500.0, "high"}, {50.0, "mid"}, {5.0, "low"}} {
		h := newHarness(t, m)
		k := h.start("p", map[string]any{"amount": tc.amount})
		h.mustEnd(k, Completed, tc.end)
	}
}

func TestExclusiveNoMatchIncident(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><exclusiveGateway id="g"/><endEvent id="a"/><endEvent id="b"/>`+
		chain("s", "g")+flow("g", "a", "=x = 1")+flow("g", "b", "=x = 2")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"x": 3.0})
	incs := h.e.Incidents()
	if len(incs) != 1 || incs[0].Kind != ConditionError || incs[0].ElementID != "g" {
		t.Fatalf("incidents = %+v", incs)
	}
	if err := h.e.SetVariables(k, map[string]any{"x": 2.0}); err != nil {
		t.Fatal(err)
	}
	if err := h.e.ResolveIncident(incs[0].Key); err != nil {
		t.Fatal(err)
	}
	h.mustEnd(k, Completed, "b")
}

func TestMissingVariableIsNotSilentlyTrue(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><exclusiveGateway id="g"/><endEvent id="a"/><endEvent id="b"/>`+
		chain("s", "g")+flow("g", "a", "=missing > 1")+flow("g", "b", "=missing &lt;= 1")))
	h := newHarness(t, m)
	h.start("p", nil)
	incs := h.e.Incidents()
	if len(incs) != 1 || incs[0].ElementID != "g" {
		t.Fatalf("want one incident at g, got %+v", incs)
	}
}

var fork2 = defs(proc("fork2", `<startEvent id="s"/><parallelGateway id="f"/>`+svc("a", "a")+svc("b", "b")+
	`<parallelGateway id="j"/><endEvent id="e"/>`+chain("s", "f", "a", "j", "e")+chain("f", "b", "j")))

func TestParallelForkJoin(t *testing.T) {
	h := newHarness(t, fork2)
	k := h.start("fork2", nil)
	eq(t, "waiting", h.waiting(k), "a,b")
	h.complete("b", nil)
	eq(t, "waiting", h.waiting(k), "a")
	if _, ok := h.ended1(k); ok {
		t.Fatal("ended before the join got both tokens")
	}
	h.complete("a", nil)
	h.mustEnd(k, Completed, "e")
	if n := strings.Count(h.trace(), "activated   j"); n != 1 {
		t.Errorf("join activated %d times, want 1", n)
	}
}

func TestInclusiveJoinWaitsOnlyForLiveBranches(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><inclusiveGateway id="f"/>`+svc("a", "a")+svc("b", "b")+svc("c", "c")+
		`<inclusiveGateway id="j"/><endEvent id="e"/>`+chain("s", "f")+flow("f", "a", "=x > 0")+flow("f", "b", "=x > 1")+flow("f", "c", "=x > 2")+
		chain("a", "j")+chain("b", "j")+chain("c", "j")+chain("j", "e")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"x": 2.0})
	eq(t, "waiting", h.waiting(k), "a,b")
	h.complete("a", nil)
	if _, ok := h.ended1(k); ok {
		t.Fatal("join fired while b could still arrive")
	}
	h.complete("b", nil)
	h.mustEnd(k, Completed, "e")
}

func TestInclusiveDefault(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><inclusiveGateway id="f" default="f-d"/><endEvent id="a"/><endEvent id="d"/>`+
		chain("s", "f")+flow("f", "a", "=x > 0")+chain("f", "d")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"x": 0.0})
	h.mustEnd(k, Completed, "d")
}

func msgDefs(body string) string {
	return defs(`<message id="m1" name="confirm"><extensionElements><zeebe:subscription correlationKey="=orderId"/></extensionElements></message>` + body)
}

func TestEventBasedGatewayMessageWins(t *testing.T) {
	m := msgDefs(proc("p", `<startEvent id="s"/><eventBasedGateway id="g"/>
		<intermediateCatchEvent id="msg"><messageEventDefinition messageRef="m1"/></intermediateCatchEvent>
		<intermediateCatchEvent id="tmr"><timerEventDefinition><timeDuration>PT10M</timeDuration></timerEventDefinition></intermediateCatchEvent>
		<endEvent id="ok"/><endEvent id="late"/>`+chain("s", "g", "msg", "ok")+chain("g", "tmr", "late")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"orderId": "o-1"})
	eq(t, "subs", len(h.e.Subscriptions()), 1)
	h.advance(5 * time.Minute)
	r := h.publish("confirm", "o-1", map[string]any{"paid": true}, 0)
	eq(t, "correlated", r.Correlated, []uint64{k})
	end := h.mustEnd(k, Completed, "ok")
	eq(t, "paid", end.Variables["paid"], true)
	if _, ok := h.e.NextDue(); ok {
		t.Error("timer not withdrawn")
	}
}

func TestEventBasedGatewayTimerWins(t *testing.T) {
	m := msgDefs(proc("p", `<startEvent id="s"/><eventBasedGateway id="g"/>
		<intermediateCatchEvent id="msg"><messageEventDefinition messageRef="m1"/></intermediateCatchEvent>
		<intermediateCatchEvent id="tmr"><timerEventDefinition><timeDuration>PT10M</timeDuration></timerEventDefinition></intermediateCatchEvent>
		<endEvent id="ok"/><endEvent id="late"/>`+chain("s", "g", "msg", "ok")+chain("g", "tmr", "late")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"orderId": "o-1"})
	h.advance(9*time.Minute + 59*time.Second)
	if _, ok := h.ended1(k); ok {
		t.Fatal("timer fired early")
	}
	h.advance(time.Second)
	end := h.mustEnd(k, Completed, "late")
	eq(t, "ended at", end.EndedAt.Sub(DefaultStart), 10*time.Minute)
	eq(t, "subs", len(h.e.Subscriptions()), 0)
	r := h.publish("confirm", "o-1", nil, 0)
	eq(t, "late message correlated", len(r.Correlated), 0)
}

func TestMessageBufferedUntilSubscription(t *testing.T) {
	m := msgDefs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<receiveTask id="r" messageRef="m1"/><endEvent id="e"/>`+chain("s", "a", "r", "e")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"orderId": "o-7"})
	r := h.publish("confirm", "o-7", map[string]any{"v": 1.0}, time.Minute)
	if !r.Buffered || len(r.Correlated) != 0 {
		t.Fatalf("publish = %+v", r)
	}
	if _, err := h.e.Publish(Message{Name: "confirm", CorrelationKey: "o-7", TTL: time.Minute, ID: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.e.Publish(Message{Name: "confirm", CorrelationKey: "o-7", TTL: time.Minute, ID: "x"}); !errors.Is(err, ErrDuplicateMessage) {
		t.Fatalf("duplicate id: err = %v", err)
	}
	h.complete("a", nil)
	end := h.mustEnd(k, Completed, "e")
	eq(t, "v", end.Variables["v"], 1.0)
}

func TestMessageTTLExpires(t *testing.T) {
	m := msgDefs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<receiveTask id="r" messageRef="m1"/><endEvent id="e"/>`+chain("s", "a", "r", "e")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"orderId": "o-7"})
	h.publish("confirm", "o-7", nil, time.Minute)
	h.advance(2 * time.Minute)
	eq(t, "buffered", h.e.BufferedMessages(), 0)
	h.complete("a", nil)
	eq(t, "waiting", h.waiting(k), "r")
}

func TestMessageCorrelatesOncePerProcess(t *testing.T) {
	m := msgDefs(proc("p", `<startEvent id="s"/><receiveTask id="r" messageRef="m1"/><endEvent id="e"/>`+chain("s", "r", "e")))
	h := newHarness(t, m)
	k1 := h.start("p", map[string]any{"orderId": "same"})
	k2 := h.start("p", map[string]any{"orderId": "same"})
	r := h.publish("confirm", "same", nil, 0)
	eq(t, "correlated", r.Correlated, []uint64{k1})
	h.mustEnd(k1, Completed, "e")
	eq(t, "second still waiting", h.waiting(k2), "r")
}

func TestMessageStartEvent(t *testing.T) {
	m := defs(`<message id="m" name="order-placed"/>` + proc("p", `<startEvent id="s"><messageEventDefinition messageRef="m"/></startEvent>`+svc("a", "a")+`<endEvent id="e"/>`+chain("s", "a", "e")))
	h := newHarness(t, m)
	r := h.publish("order-placed", "k1", map[string]any{"n": 1.0}, 0)
	eq(t, "started", len(r.Started), 1)
	r2 := h.publish("order-placed", "k1", nil, 0)
	eq(t, "single instance per key", len(r2.Started), 0)
	h.complete("a", nil)
	h.mustEnd(r.Started[0], Completed, "e")
}

func TestBoundaryTimerInterrupting(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<boundaryEvent id="to" attachedToRef="a"><timerEventDefinition><timeDuration>PT30S</timeDuration></timerEventDefinition></boundaryEvent>
		<endEvent id="e"/><endEvent id="timeout"/>`+chain("s", "a", "e")+chain("to", "timeout")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.advance(30 * time.Second)
	h.mustEnd(k, Completed, "timeout")
	eq(t, "jobs", len(h.e.Jobs()), 0)
	if !strings.Contains(h.trace(), "terminated  a (serviceTask)") {
		t.Errorf("task not terminated:\n%s", h.trace())
	}
}

func TestBoundaryTimerNonInterruptingCycle(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<boundaryEvent id="remind" attachedToRef="a" cancelActivity="false"><timerEventDefinition><timeCycle>R3/PT1M</timeCycle></timerEventDefinition></boundaryEvent>`+
		svc("mail", "mail")+`<endEvent id="e"/><endEvent id="e2"/>`+chain("s", "a", "e")+chain("remind", "mail", "e2")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.advance(10 * time.Minute)
	eq(t, "reminders", len(h.open("mail")), 3)
	h.complete("a", nil)
	for range 3 {
		h.complete("mail", nil)
	}
	h.mustEnd(k, Completed, "")
}

func TestErrorBoundaryFromJob(t *testing.T) {
	m := defs(`<error id="err" errorCode="NO_STOCK"/>` + proc("p", `<startEvent id="s"/>`+svc("a", "a")+
		`<boundaryEvent id="b" attachedToRef="a"><errorEventDefinition errorRef="err"/></boundaryEvent><endEvent id="e"/><endEvent id="failed"/>`+
		chain("s", "a", "e")+chain("b", "failed")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	j := h.open("a")[0]
	if err := h.e.ThrowError(j.Key, "OTHER", "x", nil); err != nil {
		t.Fatal(err)
	}
	incs := h.e.Incidents()
	if len(incs) != 1 || incs[0].Kind != UnhandledError {
		t.Fatalf("incidents %+v", incs)
	}
	if err := h.e.ResolveIncident(incs[0].Key); err != nil {
		t.Fatal(err)
	}
	j = h.open("a")[0]
	if err := h.e.ThrowError(j.Key, "NO_STOCK", "none left", map[string]any{"reason": "x"}); err != nil {
		t.Fatal(err)
	}
	h.mustEnd(k, Completed, "failed")
}

func TestErrorEndEventInSubprocessCaughtByBoundary(t *testing.T) {
	m := defs(`<error id="err" errorCode="E"/>` + proc("p", `<startEvent id="s"/>
		<subProcess id="sub"><startEvent id="ss"/><endEvent id="se"><errorEventDefinition errorRef="err"/></endEvent>`+chain("ss", "se")+`</subProcess>
		<boundaryEvent id="b" attachedToRef="sub"><errorEventDefinition/></boundaryEvent><endEvent id="e"/><endEvent id="caught"/>`+
		chain("s", "sub", "e")+chain("b", "caught")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.mustEnd(k, Completed, "caught")
}

func TestJobRetriesAndIncident(t *testing.T) {
	h := newHarness(t, seq3)
	k := h.start("seq3", nil)
	j := h.open("a")[0]
	eq(t, "default retries", j.Retries, 3)
	if err := h.e.FailJob(j.Key, 2, 10*time.Second, "boom", nil); err != nil {
		t.Fatal(err)
	}
	if got := h.e.ActivateJobs("a", 1, 0); len(got) != 0 {
		t.Fatal("job activatable during backoff")
	}
	h.advance(10 * time.Second)
	got := h.e.ActivateJobs("a", 5, time.Minute)
	if len(got) != 1 || got[0].Retries != 2 {
		t.Fatalf("activate after backoff = %+v", got)
	}
	h.advance(time.Minute) // lock expires
	got = h.e.ActivateJobs("a", 5, time.Minute)
	eq(t, "re-activatable after timeout", len(got), 1)
	if err := h.e.FailJob(j.Key, 0, 0, "dead", nil); err != nil {
		t.Fatal(err)
	}
	incs := h.e.Incidents()
	if len(incs) != 1 || incs[0].Kind != JobNoRetries || incs[0].JobKey != j.Key {
		t.Fatalf("incidents = %+v", incs)
	}
	if err := h.e.ResolveIncident(incs[0].Key); err == nil {
		t.Fatal("resolved a job incident without retries")
	}
	if err := h.e.UpdateJobRetries(j.Key, 1); err != nil {
		t.Fatal(err)
	}
	if err := h.e.ResolveIncident(incs[0].Key); err != nil {
		t.Fatal(err)
	}
	h.complete("a", nil)
	h.complete("b", nil)
	h.complete("c", nil)
	h.mustEnd(k, Completed, "e")
	if err := h.e.CompleteJob(j.Key, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("completing twice: %v", err)
	}
}

func TestTerminateEndEvent(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><parallelGateway id="f"/>`+svc("a", "a")+`<endEvent id="t"><terminateEventDefinition/></endEvent>`+chain("s", "f", "a")+chain("f", "t")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.mustEnd(k, Terminated, "t")
	eq(t, "jobs", len(h.e.Jobs()), 0)
}

func TestStepBudget(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><exclusiveGateway id="g"/><task id="t"/>`+chain("s", "g", "t", "g")))
	h := newHarness(t, m, func(o *Options) { o.StepBudget = 1000; o.Trace = nil })
	_, err := h.e.Start("p", nil)
	if !errors.Is(err, ErrStepBudget) {
		t.Fatalf("err = %v", err)
	}
	var ee *Error
	if !errors.As(err, &ee) || ee.ElementID == "" {
		t.Fatalf("error not located: %v", err)
	}
	if len(h.e.Incidents()) == 0 {
		t.Fatal("no incident holds the cut-off token")
	}
}

func TestSignalBroadcast(t *testing.T) {
	m := defs(`<signal id="sig" name="alert"/>` + proc("p", `<startEvent id="s"/><intermediateCatchEvent id="c"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent><endEvent id="e"/>`+chain("s", "c", "e")))
	h := newHarness(t, m)
	k1 := h.start("p", nil)
	k2 := h.start("p", nil)
	if err := h.e.BroadcastSignal("alert", nil); err != nil {
		t.Fatal(err)
	}
	h.mustEnd(k1, Completed, "e")
	h.mustEnd(k2, Completed, "e")
}

func TestScriptAndMappings(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>
		<scriptTask id="calc"><extensionElements><zeebe:script expression="=price * qty" resultVariable="total"/></extensionElements></scriptTask>
		<serviceTask id="a"><extensionElements><zeebe:taskDefinition type="a"/><zeebe:ioMapping>
		  <zeebe:input source="=total * 2" target="doubled"/><zeebe:output source="=result" target="answer"/></zeebe:ioMapping></extensionElements></serviceTask>
		<endEvent id="e"/>`+chain("s", "calc", "a", "e")))
	h := newHarness(t, m)
	k := h.start("p", map[string]any{"price": 2.5, "qty": 4.0})
	j := h.open("a")[0]
	vars, err := h.e.JobVariables(j.Key)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "doubled", vars["doubled"], 20.0)
	h.complete("a", map[string]any{"result": "ok", "noise": 1.0})
	end := h.mustEnd(k, Completed, "e")
	eq(t, "answer", end.Variables["answer"], "ok")
	if _, ok := end.Variables["noise"]; ok {
		t.Error("job variable leaked past output mapping")
	}
	if _, ok := end.Variables["doubled"]; ok {
		t.Error("input mapping leaked out of the task")
	}
}

func TestCancel(t *testing.T) {
	h := newHarness(t, seq3)
	k := h.start("seq3", nil)
	if err := h.e.Cancel(k); err != nil {
		t.Fatal(err)
	}
	h.mustEnd(k, Canceled, "")
	eq(t, "jobs", len(h.e.Jobs()), 0)
	if err := h.e.Cancel(k); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cancel twice: %v", err)
	}
}

func TestDeterministicTrace(t *testing.T) {
	run := func() string {
		h := newHarness(t, fork2)
		for range 3 {
			h.start("fork2", nil)
		}
		for len(h.e.Jobs()) > 0 {
			js := h.e.Jobs()
			if err := h.e.CompleteJob(js[len(js)/2].Key, nil); err != nil {
				t.Fatal(err)
			}
		}
		return h.trace()
	}
	a, b := run(), run()
	if a != b {
		t.Fatal("traces differ between identical runs")
	}
}

func TestErrorInsideErrorEventSubprocessIsNotRecaught(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/>`+svc("a", "a")+`<endEvent id="e"/>`+chain("s", "a", "e")+
		`<subProcess id="es" triggeredByEvent="true"><startEvent id="es-s"><errorEventDefinition/></startEvent>`+svc("fix", "fix")+
		`<endEvent id="es-e"/>`+chain("es-s", "fix", "es-e")+`</subProcess>`))
	h := newHarness(t, m)
	k := h.start("p", nil)
	if err := h.e.ThrowError(h.open("a")[0].Key, "E1", "", nil); err != nil {
		t.Fatal(err)
	}
	eq(t, "waiting", h.waiting(k), "es,fix")
	if err := h.e.ThrowError(h.open("fix")[0].Key, "E2", "", nil); err != nil {
		t.Fatal(err)
	}
	incs := h.e.Incidents()
	if len(incs) != 1 || incs[0].Kind != UnhandledError || incs[0].ElementID != "fix" {
		t.Fatalf("incidents = %+v\n%s", incs, h.trace())
	}
}

func TestMessageStartSingleInstanceReleased(t *testing.T) {
	m := defs(`<message id="m" name="go"/>` + proc("p", `<startEvent id="s"><messageEventDefinition messageRef="m"/></startEvent>`+svc("a", "a")+`<endEvent id="e"/>`+chain("s", "a", "e")))
	h := newHarness(t, m)
	r := h.publish("go", "k", nil, 0)
	h.complete("a", nil)
	h.mustEnd(r.Started[0], Completed, "e")
	r2 := h.publish("go", "k", nil, 0)
	eq(t, "started after the first ended", len(r2.Started), 1)
}

func TestTaskJobsOption(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><task id="t1"/><manualTask id="t2"/><endEvent id="e"/>`+chain("s", "t1", "t2", "e")))
	h := newHarness(t, m)
	k := h.start("p", nil)
	h.mustEnd(k, Completed, "e") // plain tasks pass through by default
	h2 := newHarness(t, m, func(o *Options) { o.TaskJobs = func(n *bpmn.Node) bool { return n.ID == "t1" } })
	k2 := h2.start("p", nil)
	eq(t, "open", h2.openIDs(), []string{"t1"})
	eq(t, "job type", h2.open("t1")[0].Type, "t1")
	h2.complete("t1", nil)
	h2.mustEnd(k2, Completed, "e")
}

// A message held back by the single-instance rule starts an instance once
// the active one ends (Zeebe); found while writing models/onboarding.
func TestBufferedMessageStartsAfterActiveInstanceEnds(t *testing.T) {
	m := defs(`<message id="m" name="created"/>` + proc("react", `<startEvent id="s"><messageEventDefinition messageRef="m"/></startEvent>`+svc("work", "work")+`<endEvent id="e"/>`+chain("s", "work", "e")))
	h := newHarness(t, m)
	r := h.publish("created", "c-1", map[string]any{"n": 1.0}, time.Hour)
	r2 := h.publish("created", "c-1", map[string]any{"n": 2.0}, time.Hour)
	eq(t, "second started at once", len(r2.Started), 0)
	h.complete("work", nil)
	h.mustEnd(r.Started[0], Completed, "e")
	js := h.open("work")
	if len(js) != 1 {
		t.Fatalf("buffered message did not start an instance:\n%s", h.trace())
	}
	v, _ := h.e.JobVariables(js[0].Key)
	eq(t, "variables of the buffered message", v["n"], 2.0)
	h.complete("work", nil)
	eq(t, "no third instance", len(h.e.Instances()), 0)
}
