package scenario_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/feel"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/scenario"
)

// Every scenario in testdata passes.
func TestTestdataScenarios(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) == 0 {
		t.Fatal("no scenarios")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := scenario.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := scenario.Run(s, scenario.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, fl := range res.Failures {
				t.Errorf("%s", fl)
			}
		})
	}
}

const head = "version: 1\nmodel: trip.bpmn\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"misspelt field", head + `steps:
  - complete: book-hotel
  - complete: book-car
  - publish: payment
    corelationKey: o-1
`, []string{`s.yaml:7: steps[2].publish: unknown field "corelationKey" (did you mean "correlationKey"?)`}},
		{"unknown top-level field", "version: 1\nmodle: trip.bpmn\n", []string{
			`s.yaml:1: missing field "model"`,
			`s.yaml:2: unknown field "modle" (did you mean "model"?)`}},
		{"no version", "model: trip.bpmn\n", []string{`s.yaml:1: missing field "version" (write "version: 1" first)`}},
		{"future version", "version: 2\nmodel: trip.bpmn\n", []string{`s.yaml:1: version: unsupported version 2: this bpmnrun reads version 1`}},
		{"unknown step", head + "steps:\n  - compleet: x\n", []string{
			`s.yaml:4: steps[0]: unknown step "compleet" (did you mean "complete"?) (a step is one of complete, fail, error, publish, signal, advance, advanceTo, expect)`}},
		{"two kinds in a step", head + "steps:\n  - complete: x\n    advance: PT1M\n", []string{
			`s.yaml:5: steps[0].complete: a step does one thing: "complete" and "advance" in one step (start a new one with "- advance:")`,
			`s.yaml:5: steps[0].complete: unknown field "advance"`}},
		{"bad duration", head + "steps:\n  - advance: 10m\n", []string{
			`s.yaml:4: steps[0].advance: invalid ISO 8601 duration "10m" (want e.g. PT10M, PT1H30M, P2D)`}},
		{"months in a ttl", head + "steps:\n  - publish: m\n    ttl: P1M\n", []string{
			`s.yaml:5: steps[0].publish.ttl: duration "P1M" has years or months, which have no fixed length here`}},
		{"bad time", head + "steps:\n  - advanceTo: tomorrow\n", []string{
			`s.yaml:4: steps[0].advanceTo: invalid date-time "tomorrow" (want e.g. 2026-01-01T09:30:00Z)`}},
		{"error without code", head + "steps:\n  - error: book-flight\n", []string{
			`s.yaml:4: steps[0].error: missing field "code"`}},
		{"bad retries", head + "steps:\n  - fail: x\n    retries: many\n", []string{
			`s.yaml:5: steps[0].fail.retries: want an integer, got "many"`}},
		{"unknown state", head + "expect:\n  state: complete\n", []string{
			`s.yaml:4: expect.state: unknown state "complete" (did you mean "completed"?) (want one of active, completed, terminated, canceled)`}},
		{"unknown expectation", head + "expect:\n  passsed: [a]\n  endevent: e\n", []string{
			`s.yaml:4: expect: unknown field "passsed" (did you mean "passed"?)`,
			`s.yaml:5: expect: unknown field "endevent" (did you mean "endEvent"?)`}},
		{"unknown instance", head + "instances:\n  - name: a\nsteps:\n  - complete: x\n    instance: b\n", []string{
			`s.yaml:7: steps[0].complete.instance: no instance named "b"`}},
		{"duplicate instance", head + "instances:\n  - name: a\n  - name: a\n", []string{
			`s.yaml:5: instances[1]: instance name "a" already used on line 4`}},
		{"duplicate field", head + "model: other.bpmn\n", []string{
			`s.yaml:3: field "model" given twice (first on line 2)`}},
		{"variables not a mapping", head + "variables: [a, b]\n", []string{
			`s.yaml:3: variables: want a mapping of variable names to values, got a list`}},
		{"not a mapping", "- a\n- b\n", []string{`s.yaml:1: want a mapping starting with "version: 1", got a list`}},
		{"empty", "", []string{`s.yaml:1: want a mapping starting with "version: 1", got nothing`}},
		{"yaml syntax", "version: 1\nmodel: [a\n", []string{`s.yaml:1: YAML syntax error: did not find expected ',' or ']'`}},
		{"step not a mapping", head + "steps:\n  - complete\n", []string{
			`s.yaml:4: steps[0]: want a step such as "complete: TASK", got "complete"`}},
		{"missing target", head + "steps:\n  - complete:\n", []string{
			`s.yaml:4: steps[0].complete: want a string, got nothing`}},
		{"waitingForMessages", head + "expect:\n  waitingForMessages:\n    - key: o-1\n", []string{
			`s.yaml:5: expect.waitingForMessages[0]: unknown field "key"`,
			`s.yaml:5: expect.waitingForMessages[0]: missing field "name"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scenario.Parse("s.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, scenario.ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	s, err := scenario.Parse("dir/s.yaml", []byte(`version: 1
name: all fields
model: ../models/trip.bpmn
process: trip
startTime: 2030-01-02T03:04:05Z
parallelCompensation: true
variables: {n: 1, f: 1.5, b: true, s: x, "null": null, list: [1, a], map: {k: v}}
steps:
  - fail: book-hotel
    retries: 2
    backoff: PT30S
    message: down
  - publish: m
    correlationKey: "42"
    ttl: PT0S
    id: m-1
  - signal: go
    variables: {x: 1}
  - advance: P1DT2H
  - expect:
      waitingForMessages: [{name: m, correlationKey: k}]
    instance: "1"
`))
	if err != nil {
		t.Fatal(err)
	}
	if s.ModelPath() != filepath.Join("models", "trip.bpmn") || s.Process != "trip" || !s.ParallelCompensation {
		t.Errorf("scenario = %+v", s)
	}
	if !s.StartTime.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("start time %v", s.StartTime)
	}
	if got := fmt.Sprint(s.Variables); got != "map[b:true f:1.5 list:[1 a] map:map[k:v] n:1 null:<nil> s:x]" {
		t.Errorf("variables %s", got)
	}
	if _, ok := s.Variables["n"].(float64); !ok {
		t.Errorf("n is %T, want float64", s.Variables["n"])
	}
	f := s.Steps[0]
	if f.Kind != scenario.StepFail || *f.Retries != 2 || f.Backoff != 30*time.Second || f.Message != "down" || f.Path != "steps[0].fail" || f.Line != 9 {
		t.Errorf("fail step %+v", f)
	}
	p := s.Steps[1]
	if p.Kind != scenario.StepPublish || p.CorrelationKey != "42" || *p.TTL != 0 || p.MessageID != "m-1" {
		t.Errorf("publish step %+v", p)
	}
	if a := s.Steps[3]; a.Duration != (feel.Duration{Days: 1, Time: 2 * time.Hour}) {
		t.Errorf("advance %+v", a.Duration)
	}
	if e := s.Steps[4]; e.Instance != "1" || e.Expect.WaitingForMessages[0] != (scenario.MessageKey{Name: "m", CorrelationKey: "k"}) {
		t.Errorf("expect step %+v", e)
	}
}

func run(t *testing.T, src string, opts scenario.Options) *scenario.Result {
	t.Helper()
	s, err := scenario.Parse("testdata/x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenario.Run(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func failures(res *scenario.Result) string {
	var lines []string
	for _, f := range res.Failures {
		lines = append(lines, f.String())
	}
	return strings.Join(lines, "\n---\n")
}

func TestFailingExpectations(t *testing.T) {
	res := run(t, head+`steps:
  - complete: book-hotel
  - complete: book-car
  - complete: book-flight
expect:
  state: active
  endEvent: trip_cancelled
  passed: [book_car, book_hotel]
  notPassed: [book_flight]
  variables: {x: 1}
  incidents: [JOB_NO_RETRIES]
`, scenario.Options{})
	got := failures(res)
	for _, want := range []string{
		"testdata/x.yaml:8: expect.state: instance #1 is completed at trip_booked, want active\n---",
		"testdata/x.yaml:9: expect.endEvent: instance #1 is completed at trip_booked, want ended at trip_cancelled",
		"testdata/x.yaml:10: expect.passed: instance #1 has not passed book_hotel after book_car",
		"testdata/x.yaml:11: expect.notPassed: instance #1 has passed book_flight",
		"testdata/x.yaml:12: expect.variables: instance #1: x is not set, want 1",
		`testdata/x.yaml:13: expect.incidents: instance #1 has no open incident "JOB_NO_RETRIES" (incidents: none)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("failures lack\n%s\ngot\n%s", want, got)
		}
	}
	if len(res.Failures) != 6 || strings.Contains(got, "trace:") {
		t.Errorf("%d failures:\n%s", len(res.Failures), got)
	}
}

func TestStepFailureStopsTheScript(t *testing.T) {
	res := run(t, head+`steps:
  - complete: book-hotel
  - complete: book-flight
  - complete: book-car
expect:
  state: completed
`, scenario.Options{})
	if len(res.Failures) != 1 {
		t.Fatalf("failures:\n%s", failures(res))
	}
	f := res.Failures[0]
	if f.Line != 5 || f.Path != "steps[1].complete" || !strings.HasPrefix(f.Msg, `no open job with type or element id "book-flight"`) {
		t.Errorf("failure %s", f)
	}
	if fmt.Sprint(res.Notes) != "[1 steps after the failed one were not run]" {
		t.Errorf("notes %v", res.Notes)
	}
}

func TestFailStepRetries(t *testing.T) {
	// Without retries, a fail leaves the job its retries minus one: the
	// flight job has 2, so two failures raise an incident.
	res := run(t, head+`steps:
  - complete: book-hotel
  - complete: book-car
  - fail: book-flight
    message: timeout
    backoff: PT1M
  - advance: PT1M
  - fail: book-flight
    message: timeout again
expect:
  state: active
  waitingAt: [book_flight]
  incidents: [JOB_NO_RETRIES, book_flight]
`, scenario.Options{})
	if !res.Passed() {
		t.Fatalf("failures:\n%s", failures(res))
	}
	in := res.Instances[0]
	if len(in.Incidents) != 1 || in.Incidents[0].Message != "job failed with no retries left: timeout again" {
		t.Errorf("incidents %+v", in.Incidents)
	}
	if !res.End.Equal(interp.DefaultStart.Add(time.Minute)) {
		t.Errorf("end %v", res.End)
	}
}

func TestBackoffBlocksTheJob(t *testing.T) {
	res := run(t, head+`steps:
  - complete: book-hotel
  - complete: book-car
  - fail: book-flight
    backoff: PT1M
  - complete: book-flight
`, scenario.Options{})
	if len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Msg, "backing off after a failure until 00:01:00.000") {
		t.Fatalf("failures:\n%s", failures(res))
	}
}

func TestAutoCompleteAndWaits(t *testing.T) {
	src := "version: 1\nmodel: ../../models/order/order.bpmn\nvariables: {orderId: o-1, paid: true}\n"
	res := run(t, src, scenario.Options{AutoComplete: true})
	in := res.Instances[0]
	if in.State != interp.Active || !res.Passed() {
		t.Fatalf("state %s, failures %s", in.State, failures(res))
	}
	var ws []string
	for _, w := range in.Waits {
		ws = append(ws, w.String())
	}
	if got, want := strings.Join(ws, "\n"), "payment_confirmed (message \"payment-confirmed\" key \"o-1\")\nconfirmation_timeout (timer PT10M)"; got != want {
		t.Errorf("waits:\n%s\nwant\n%s", got, want)
	}
	if !res.NextDue.Equal(interp.DefaultStart.Add(10 * time.Minute)) {
		t.Errorf("next due %v", res.NextDue)
	}

	res = run(t, src, scenario.Options{AutoComplete: true, Advance: feel.Duration{Time: time.Hour}})
	if in := res.Instances[0]; in.State != interp.Completed || in.EndEvent != "order_timed_out" {
		t.Errorf("after advancing: %s at %s", in.State, in.EndEvent)
	}
	if !res.End.Equal(interp.DefaultStart.Add(time.Hour)) {
		t.Errorf("end %v", res.End)
	}
}

func TestWaitsForJobsAndIncidents(t *testing.T) {
	res := run(t, head+"steps:\n  - fail: book-hotel\n    retries: 0\n", scenario.Options{})
	in := res.Instances[0]
	if len(in.Waits) != 1 || in.Waits[0].String() != `book_hotel (job "book-hotel")` || len(in.Incidents) != 1 {
		t.Errorf("waits %v incidents %v", in.Waits, in.Incidents)
	}
}

func TestProcessResolution(t *testing.T) {
	s, err := scenario.Parse("testdata/x.yaml", []byte(head+"process: tirp\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = scenario.Run(s, scenario.Options{})
	if err == nil || err.Error() != `testdata/x.yaml:1: process: the model has no process "tirp" (did you mean "trip"?)` {
		t.Errorf("err = %v", err)
	}
	s, _ = scenario.Parse("testdata/x.yaml", []byte("version: 1\nmodel: missing.bpmn\n"))
	if _, err = scenario.Run(s, scenario.Options{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("err = %v", err)
	}
}

func TestSignalAndTTL(t *testing.T) {
	// A message with a zero TTL is dropped when nothing waits for it.
	res := run(t, `version: 1
model: ../../models/order/order.bpmn
variables: {orderId: o-1, paid: true}
steps:
  - publish: payment-confirmed
    correlationKey: o-1
    ttl: PT0S
  - complete: reserve-stock
  - complete: charge-payment
  - signal: nothing-waits
expect:
  state: active
  waitingForMessages: [{name: payment-confirmed, correlationKey: o-1}]
`, scenario.Options{})
	if !res.Passed() {
		t.Fatalf("failures:\n%s", failures(res))
	}
}

// compensated: [] means "nothing was compensated", as incidents: [] means
// "no incidents" (it used to check nothing).
func TestEmptyCompensatedMeansNone(t *testing.T) {
	res := run(t, head+`steps:
  - complete: book-hotel
  - complete: book-car
  - error: book-flight
    code: NO_SEATS
  - complete: cancel-car
  - complete: cancel-hotel
expect:
  compensated: []
`, scenario.Options{})
	if got := failures(res); !strings.Contains(got, "expect.compensated: instance #1 compensated") {
		t.Fatalf("failures:\n%s", got)
	}
	res = run(t, head+`steps:
  - complete: book-hotel
  - complete: book-car
  - complete: book-flight
expect:
  compensated: []
`, scenario.Options{})
	if len(res.Failures) != 0 {
		t.Fatalf("happy path: %s", failures(res))
	}
}
