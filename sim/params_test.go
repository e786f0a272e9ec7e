package sim

import (
	"errors"
	"strings"
	"testing"
)

func TestParseParamsErrors(t *testing.T) {
	_, err := ParseParams("p.yaml", []byte(`seed: 1
cases: 100
arival: {rate: 1/min}
pools:
  clerks: {size: 0}
tasks:
  review:
    duration: {dist: expo, mean: 5m}
    pool: clerk
    failure: 1.5
  check:
    duration: {dist: normal, mean: 5m}
messages:
  done: {delay: soon}
`))
	want := `p.yaml:3:1: arival: unknown key; did you mean "arrival"?
p.yaml:5:18: pools.clerks.size: must be at least 1, got 0
p.yaml:8:22: tasks.review.duration.dist: unknown distribution "expo"; did you mean "exponential"?
p.yaml:10:14: tasks.review.failure: probability must be between 0 and 1, got 1.5
p.yaml:12:15: tasks.check.duration: normal distribution needs stddev
p.yaml:14:17: messages.done.delay: want seconds or a duration such as "90s", "1h30m" or "2d", got "soon"
p.yaml:1:1: arrival: missing: give arrival.interarrival or arrival.rate
p.yaml:7:3: tasks.review.pool: no pool "clerk"; did you mean "clerks"?`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, ErrParams) {
		t.Errorf("not ErrParams")
	}
}

func TestParseParamsSemanticErrors(t *testing.T) {
	_, err := ParseParams("p.yaml", []byte(`cases: 10
arrival: {interarrival: {dist: uniform, min: 10s, max: 5s}}
pools: {clerks: 1}
tasks:
  review: {pool: clerkz, error: {probability: 0.1}}
`))
	want := `p.yaml:2:25: arrival.interarrival: uniform: min 10 is greater than max 5
p.yaml:5:3: tasks.review.pool: no pool "clerkz"; did you mean "clerks"?
p.yaml:5:3: tasks.review.error: an error probability needs an error code`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
}

func TestParseParamsSyntaxError(t *testing.T) {
	_, err := ParseParams("p.yaml", []byte("cases: 10\narrival: {rate: 1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "p.yaml:") || !errors.Is(err, ErrParams) {
		t.Fatalf("got %v", err)
	}
}

func TestParseParamsJSON(t *testing.T) {
	p, err := ParseParams("p.json", []byte(`{
  "seed": 5, "cases": 10, "replications": 2,
  "arrival": {"rate": "30/h"},
  "startVariables": {"express": {"choice": [{"value": true, "weight": 1}, {"value": false, "weight": 3}]}, "amount": 12.5, "id": {"sequence": "c-"}},
  "tasks": {"review": {"duration": {"dist": "lognormal", "mean": "5m", "stddev": "2m"}}}
}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Seed != 5 || !near(p.Arrival.Mean(), 120) || !near(p.Tasks[0].Duration.Mean(), 300) || len(p.StartVariables) != 3 {
		t.Errorf("%+v", p)
	}
	if v := p.StartVariables[0].Gen.Choices[0].Value; v != true {
		t.Errorf("choice value %#v, want true", v)
	}
	if v := p.StartVariables[1].Gen.Value; v != 12.5 {
		t.Errorf("constant %#v", v)
	}
}

func TestModelErrors(t *testing.T) {
	_, err := NewModel(parseModel(t, chainModel("m", "review")), parseParams(t, `
cases: 10
arrival: {rate: 1}
tasks:
  reveiw: {duration: 1s}
  s: {duration: 1s}
messages:
  nosuch: {delay: 1s}
branches: {to_e: 0.5}
`))
	want := `5:3: tasks.reveiw: no element or job type "reveiw" in the model; did you mean "review"?
6:3: tasks.s: element "s" is a startEvent, which creates no job: only tasks take time
8:3: messages.nosuch: no message named "nosuch" in the model
9:12: branches.to_e: flow "to_e" leaves "review", a serviceTask: probabilities apply to exclusive and inclusive gateways`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, ErrModel) {
		t.Errorf("not ErrModel")
	}
}

func TestParseSeconds(t *testing.T) {
	for in, want := range map[string]float64{"90": 90, "1.5": 1.5, "90s": 90, "1h30m": 5400, "2d": 172800, "1.5d": 129600, "1d12h": 129600, "250ms": 0.25} {
		if got, err := parseSeconds(in); err != nil || got != want {
			t.Errorf("parseSeconds(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}
