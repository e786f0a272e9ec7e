package sim

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/interp"
)

// timeoutModel: a task with an interrupting 5-minute timer boundary.
var timeoutModel = bpmnDoc("timeout", `<startEvent id="s"/><serviceTask id="work"/>
<boundaryEvent id="late" attachedToRef="work"><timerEventDefinition><timeDuration>PT5M</timeDuration></timerEventDefinition></boundaryEvent>
<endEvent id="done"/><endEvent id="gave_up"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="work"/>
<sequenceFlow id="f2" sourceRef="work" targetRef="done"/>
<sequenceFlow id="f3" sourceRef="late" targetRef="gave_up"/>`)

func TestTimerBoundaryCancelsJobAndFreesServer(t *testing.T) {
	// A task of 10 minutes never beats its 5-minute timeout: every job is
	// canceled after 5 minutes of work, which frees the server.
	r := simulate(t, timeoutModel, `
cases: 100
arrival: {interarrival: 20m}
pools: {clerk: {size: 1, costPerHour: 60}}
tasks:
  work: {duration: 10m, pool: clerk}
`)
	if got := outcome(r, "timed out", "gave_up"); got != 100 {
		t.Errorf("timed out cases = %v, want 100\n%s", got, textReport(t, r))
	}
	a := activity(t, r, "work")
	if a.Canceled.Value != 100 || a.Completed.Value != 0 {
		t.Errorf("canceled %v completed %v, want 100 and 0", a.Canceled.Value, a.Completed.Value)
	}
	end := 99*1200.0 + 300
	if u := pool(t, r, "clerk").Utilisation.Value; math.Abs(u-100*300/end) > 1e-9 {
		t.Errorf("utilisation %v, want %v: a canceled job must free its server", u, 100*300/end)
	}
	if c := r.Cost.PerCase.Value; math.Abs(c-5) > 1e-9 {
		t.Errorf("cost per case %v, want 5 (5 minutes at 60/h)", c)
	}
}

func TestTimerBoundaryCancelsQueuedJob(t *testing.T) {
	// Two cases arrive together; the second waits for the only clerk and
	// times out while queued: it never starts.
	r := simulate(t, timeoutModel, `
cases: 2
arrival: {interarrival: 0}
pools: {clerk: 1}
tasks:
  work: {duration: 4m, pool: clerk}
`)
	if outcome(r, "completed", "done") != 1 || outcome(r, "timed out", "gave_up") != 1 {
		t.Errorf("want one completed and one timed out\n%s", textReport(t, r))
	}
	a := activity(t, r, "work")
	if a.Canceled.Value != 1 || a.Processing.Max.Value != 240 {
		t.Errorf("canceled %v, max processing %v; want 1 and 240", a.Canceled.Value, a.Processing.Max.Value)
	}
}

var errorModel = bpmnDoc("errors", `<startEvent id="s"/><serviceTask id="pay"/>
<boundaryEvent id="declined" attachedToRef="pay"><errorEventDefinition errorRef="e_declined"/></boundaryEvent>
<endEvent id="paid"/><endEvent id="rejected"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="pay"/>
<sequenceFlow id="f2" sourceRef="pay" targetRef="paid"/>
<sequenceFlow id="f3" sourceRef="declined" targetRef="rejected"/>`, `<error id="e_declined" errorCode="DECLINED"/>`)

func TestErrorsAreCaughtByBoundary(t *testing.T) {
	r := simulate(t, errorModel, `
seed: 3
cases: 20000
arrival: {rate: 1/min}
tasks:
  pay: {duration: {dist: exponential, mean: 10s}, error: {probability: 0.25, code: DECLINED}}
`)
	rejected := outcome(r, "completed", "rejected") / r.Ended.Value
	if math.Abs(rejected-0.25) > 3*math.Sqrt(0.25*0.75/20000) {
		t.Errorf("rejected share %v, want 0.25 (seed 3)", rejected)
	}
	if a := activity(t, r, "pay"); a.Errors.Value != outcome(r, "completed", "rejected") {
		t.Errorf("errors %v, rejected cases %v", a.Errors.Value, outcome(r, "completed", "rejected"))
	}
}

func TestUncaughtErrorIsAnIncident(t *testing.T) {
	r := simulate(t, errorModel, `
cases: 10
arrival: {rate: 1/min}
tasks:
  pay: {duration: 1s, error: {probability: 1, code: OTHER}}
`)
	if got := outcome(r, "incident", ""); got != 10 {
		t.Errorf("incident outcomes %v, want 10\n%s", got, textReport(t, r))
	}
	if len(r.Incidents) != 1 || r.Incidents[0].Kind != "UNHANDLED_ERROR_EVENT" || r.Incidents[0].Count.Value != 10 {
		t.Errorf("incidents %+v", r.Incidents)
	}
}

func TestFailuresRetryThenIncident(t *testing.T) {
	yml := `
cases: 10
arrival: {rate: 1/min}
tasks:
  pay: {duration: 1s, failure: 1, retryBackoff: 10s}
`
	r := simulate(t, errorModel, yml)
	a := activity(t, r, "pay")
	// The model's default is 3 retries: 3 attempts per job, then an incident.
	if a.Attempts.Value != 30 || a.Failed.Value != 30 || outcome(r, "incident", "") != 10 {
		t.Errorf("attempts %v failed %v incidents %v; want 30, 30, 10\n%s", a.Attempts.Value, a.Failed.Value, outcome(r, "incident", ""), textReport(t, r))
	}
	// Each case: 1 s, 10 s backoff, 1 s, 10 s, 1 s, then the incident.
	if r.CycleTime.Max.Value != 23 {
		t.Errorf("cycle time %v, want 23", r.CycleTime.Max.Value)
	}
	r = simulate(t, errorModel, yml+"incidents: keep\n")
	if r.ActiveAtEnd.Value != 10 || r.Ended.Value != 0 {
		t.Errorf("with incidents kept: active %v ended %v, want 10 and 0", r.ActiveAtEnd.Value, r.Ended.Value)
	}
}

// sagaModel books a hotel, then a flight; a flight error compensates the
// hotel booking.
var sagaModel = bpmnDoc("saga", `<startEvent id="s"/>
<serviceTask id="hotel"/>
<boundaryEvent id="hotel_cb" attachedToRef="hotel"><compensateEventDefinition/></boundaryEvent>
<serviceTask id="cancel_hotel" isForCompensation="true"/>
<association id="as1" associationDirection="One" sourceRef="hotel_cb" targetRef="cancel_hotel"/>
<serviceTask id="flight"/>
<boundaryEvent id="no_seat" attachedToRef="flight"><errorEventDefinition errorRef="err"/></boundaryEvent>
<intermediateThrowEvent id="undo"><compensateEventDefinition/></intermediateThrowEvent>
<endEvent id="booked"/><endEvent id="cancelled"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="hotel"/>
<sequenceFlow id="f2" sourceRef="hotel" targetRef="flight"/>
<sequenceFlow id="f3" sourceRef="flight" targetRef="booked"/>
<sequenceFlow id="f4" sourceRef="no_seat" targetRef="undo"/>
<sequenceFlow id="f5" sourceRef="undo" targetRef="cancelled"/>`, `<error id="err" errorCode="NO_SEAT"/>`)

func TestCompensation(t *testing.T) {
	r := simulate(t, sagaModel, `
seed: 5
cases: 2000
arrival: {rate: 1/min}
pools: {agents: 2}
tasks:
  hotel: {duration: 20s, pool: agents}
  flight: {duration: 30s, pool: agents, error: {probability: 0.2, code: NO_SEAT}}
  cancel_hotel: {duration: 15s, pool: agents}
`)
	comp := outcome(r, "compensated", "cancelled")
	if comp == 0 || comp+outcome(r, "completed", "booked") != 2000 {
		t.Fatalf("outcomes %+v", r.Outcomes)
	}
	if a := activity(t, r, "cancel_hotel"); a.Completed.Value != comp {
		t.Errorf("compensation handler ran %v times for %v compensated cases", a.Completed.Value, comp)
	}
	if cyc := r.Outcomes[1].Cycle.Value; cyc < 65 {
		t.Errorf("compensated cycle time %v: hotel, flight and the handler take at least 65 s", cyc)
	}
}

var orderModel = bpmnDoc("order", `<startEvent id="s"/><serviceTask id="charge"/>
<eventBasedGateway id="await"/>
<intermediateCatchEvent id="confirmed"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>
<intermediateCatchEvent id="timeout"><timerEventDefinition><timeDuration>PT10M</timeDuration></timerEventDefinition></intermediateCatchEvent>
<endEvent id="ok"/><endEvent id="late"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="charge"/>
<sequenceFlow id="f2" sourceRef="charge" targetRef="await"/>
<sequenceFlow id="f3" sourceRef="await" targetRef="confirmed"/>
<sequenceFlow id="f4" sourceRef="await" targetRef="timeout"/>
<sequenceFlow id="f5" sourceRef="confirmed" targetRef="ok"/>
<sequenceFlow id="f6" sourceRef="timeout" targetRef="late"/>`,
	`<message id="m" name="confirmed"><extensionElements><zeebe:subscription correlationKey="=orderId"/></extensionElements></message>`)

func TestMessagesWithDelayAndLoss(t *testing.T) {
	// P(timeout) = loss + (1 − loss)·P(delay > 10 min) = 0.05 + 0.95·e^(−2.5).
	want := 0.05 + 0.95*math.Exp(-2.5)
	for _, tc := range []struct{ name, msg string }{
		{"key from variable", "correlationKeyVar: orderId"},
		{"key from subscription", "after: subscription"},
		{"after the task", "after: charge\n    correlationKeyVar: orderId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := simulate(t, orderModel, `
seed: 11
cases: 20000
arrival: {rate: 1/min}
startVariables:
  orderId: {sequence: "order-"}
tasks:
  charge: {duration: 5s}
messages:
  confirmed:
    delay: {dist: exponential, mean: 4m}
    loss: 0.05
    `+tc.msg+`
`)
			late := outcome(r, "timed out", "late") / r.Ended.Value
			if math.Abs(late-want) > 3*math.Sqrt(want*(1-want)/20000) {
				t.Errorf("timed out share %.4f, want %.4f (seed 11)\n%s", late, want, textReport(t, r))
			}
			m := r.Messages[0]
			if m.Scheduled.Value != 20000 || m.Lost.Value+m.Published.Value != 20000 || m.Unmatched.Value != 0 {
				t.Errorf("messages %+v", m)
			}
		})
	}
}

func TestMessageStartAfterSubscriptionIsBuffered(t *testing.T) {
	// Published at the start, before the instance waits: the engine buffers
	// it (TTL) and the subscription takes it when it opens.
	r := simulate(t, orderModel, `
cases: 100
arrival: {rate: 1/min}
startVariables:
  orderId: {sequence: "o"}
tasks:
  charge: {duration: 30s}
messages:
  confirmed: {after: start, delay: 10s, correlationKeyVar: orderId, ttl: 1h}
`)
	if outcome(r, "completed", "ok") != 100 || r.Messages[0].Buffered.Value != 100 {
		t.Errorf("want every message buffered, then correlated\n%s", textReport(t, r))
	}
	if r.CycleTime.Max.Value != 30 {
		t.Errorf("cycle time %v, want 30: the buffered message correlates at once", r.CycleTime.Max.Value)
	}
}

func TestSameSeedSameReport(t *testing.T) {
	p := `
seed: 99
cases: 3000
replications: 4
warmupCases: 300
arrival: {rate: 1/min}
startVariables:
  orderId: {sequence: "order-"}
pools: {cashier: {size: 1, costPerHour: 20}}
tasks:
  charge: {duration: {dist: gamma, mean: 40s, stddev: 20s}, pool: cashier, failure: 0.1}
messages:
  confirmed: {delay: {dist: lognormal, mean: 4m, stddev: 3m}, loss: 0.05, correlationKeyVar: orderId}
`
	var outs []string
	for _, workers := range []int{1, 4, 1} {
		var b bytes.Buffer
		if err := simulateWith(t, orderModel, parseParams(t, p), RunOptions{Workers: workers}).WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b.String())
	}
	if outs[0] != outs[1] || outs[0] != outs[2] {
		t.Errorf("same seed, different reports")
	}
	var b bytes.Buffer
	simulateWith(t, orderModel, parseParams(t, strings.Replace(p, "seed: 99", "seed: 100", 1)), RunOptions{}).WriteJSON(&b)
	if b.String() == outs[0] {
		t.Errorf("another seed gave the same report")
	}
}

func TestNothingRetainedAfterRun(t *testing.T) {
	m, err := NewModel(parseModel(t, sagaModel), parseParams(t, `
seed: 2
cases: 5000
arrival: {rate: 2/min}
pools: {agents: 1}
tasks:
  hotel: {duration: {dist: exponential, mean: 10s}, pool: agents, failure: 0.05}
  flight: {duration: {dist: exponential, mean: 10s}, pool: agents, error: {probability: 0.2, code: NO_SEAT}}
  cancel_hotel: {duration: 5s, pool: agents, fixedCost: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := newReplication(context.Background(), m, 1, newEventLog(io.Discard, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.run(); err != nil {
		t.Fatal(err)
	}
	if r.active != 0 || len(r.jobs) != 0 || len(r.cases) != 0 || len(r.flags) != 0 || len(r.events) != 0 {
		t.Errorf("left: %d active, %d jobs, %d cases, %d flags, %d events", r.active, len(r.jobs), len(r.cases), len(r.flags), len(r.events))
	}
	if n := len(r.eng.Instances()); n != 0 {
		t.Errorf("%d instances left in the engine", n)
	}
	if len(r.free) > 64 {
		t.Errorf("%d job records allocated: recycling broken?", len(r.free))
	}
}

func TestEventLogs(t *testing.T) {
	var csvBuf, xesBuf bytes.Buffer
	p := parseParams(t, `
seed: 4
cases: 50
replications: 2
arrival: {rate: 1/min}
pools: {agents: 2}
tasks:
  hotel: {duration: 20s, pool: agents}
  flight: {duration: 30s, pool: agents, error: {probability: 0.3, code: NO_SEAT}}
  cancel_hotel: {duration: 15s, pool: agents}
`)
	r := simulateWith(t, sagaModel, p, RunOptions{Log: &csvBuf, XES: &xesBuf})
	rows, err := csv.NewReader(&csvBuf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "case,activity,element,resource,enqueue,start,end,result" {
		t.Errorf("header %v", rows[0])
	}
	attempts := 0
	for _, a := range r.Activities {
		attempts += int(a.Attempts.Value) // mean of 2 replications: the log is replication 1's
	}
	if len(rows)-1 < 100 || rows[1][0] != "1" || rows[1][3] == "" {
		t.Errorf("%d rows, first %v", len(rows)-1, rows[1])
	}
	dec := xml.NewDecoder(&xesBuf)
	traces := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("XES is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "trace" {
			traces++
		}
	}
	if traces != 50 {
		t.Errorf("%d XES traces, want 50", traces)
	}
}

func TestEngineTimerTiesFireFirst(t *testing.T) {
	// A job that would complete exactly at its timeout loses: at equal
	// times the engine's timers fire before the simulator's events.
	r := simulate(t, timeoutModel, `
cases: 1
arrival: {rate: 1/min}
tasks:
  work: {duration: 5m}
`)
	if outcome(r, "timed out", "gave_up") != 1 {
		t.Errorf("outcomes %+v", r.Outcomes)
	}
}

func TestHorizon(t *testing.T) {
	r := simulate(t, chainModel("h", "work"), `
horizon: 1h
arrival: {interarrival: 1m}
pools: {p: 1}
tasks:
  work: {duration: 90s, pool: p}
`)
	// 61 arrivals (0 … 60 min) into a server that takes 90 s: it is busy all
	// hour and the queue grows.
	if r.Started.Value != 61 || r.MeasuredTime.Value != 3600 || pool(t, r, "p").Utilisation.Value != 1 {
		t.Errorf("started %v, measured time %v, utilisation %v", r.Started.Value, r.MeasuredTime.Value, pool(t, r, "p").Utilisation.Value)
	}
	if r.Ended.Value != 40 || r.ActiveAtEnd.Value != 21 {
		t.Errorf("ended %v active %v, want 40 and 21", r.Ended.Value, r.ActiveAtEnd.Value)
	}
}

func TestCanceledContext(t *testing.T) {
	m, err := NewModel(parseModel(t, chainModel("c", "work")), parseParams(t, "cases: 1000000\narrival: {rate: 1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Run(ctx, RunOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

var _ interp.Observer = (*replication)(nil)

func TestTimerStartedInstancesAreNotCases(t *testing.T) {
	// A second process starts every 10 minutes by a timer and uses the
	// same pool; its instances take resources but are not cases.
	model := bpmnDoc("main", `<startEvent id="s"/><serviceTask id="work"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="work"/><sequenceFlow id="f2" sourceRef="work" targetRef="e"/>`,
		`<process id="batch" isExecutable="true"><startEvent id="tick"><timerEventDefinition><timeCycle>R/PT10M</timeCycle></timerEventDefinition></startEvent>
<serviceTask id="cleanup"/><endEvent id="done"/>
<sequenceFlow id="b1" sourceRef="tick" targetRef="cleanup"/><sequenceFlow id="b2" sourceRef="cleanup" targetRef="done"/></process>`)
	r := simulate(t, model, `
cases: 100
arrival: {interarrival: 1m}
pools: {p: 1}
tasks:
  work: {duration: 10s, pool: p}
  cleanup: {duration: 1m, pool: p}
`)
	if r.Ended.Value != 100 || r.ActiveAtEnd.Value != 0 || activity(t, r, "cleanup").Attempts.Value < 9 {
		t.Errorf("ended %v active %v cleanups %v\n%s", r.Ended.Value, r.ActiveAtEnd.Value, activity(t, r, "cleanup").Attempts.Value, textReport(t, r))
	}
}

func TestStuckBehindEndlessTimers(t *testing.T) {
	// Every case waits for a message that never comes, while a
	// non-interrupting reminder fires every minute forever: the run must
	// still end, with the cases active at the end.
	model := bpmnDoc("stuck", `<startEvent id="s"/><receiveTask id="wait" messageRef="m"/>
<boundaryEvent id="remind" attachedToRef="wait" cancelActivity="false"><timerEventDefinition><timeCycle>R/PT1M</timeCycle></timerEventDefinition></boundaryEvent>
<endEvent id="e"/><endEvent id="reminded"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="wait"/><sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>
<sequenceFlow id="f3" sourceRef="remind" targetRef="reminded"/>`, `<message id="m" name="never"/>`)
	r := simulate(t, model, "cases: 3\narrival: {rate: 1/min}\n")
	if r.ActiveAtEnd.Value != 3 || r.Ended.Value != 0 {
		t.Errorf("active %v ended %v, want 3 and 0", r.ActiveAtEnd.Value, r.Ended.Value)
	}
}
