package feel

import (
	"testing"
	"time"
)

var sink any

// BenchmarkEvalCondition measures the hot path of a gateway: a compiled
// condition against a small scope.
func BenchmarkEvalCondition(b *testing.B) {
	e, err := Compile(`=amount > 100 and status = "ok"`)
	if err != nil {
		b.Fatal(err)
	}
	vars := MapVars{"amount": 150.0, "status": "ok", "customer": "c-1", "items": 3.0}
	b.ReportAllocs()
	for b.Loop() {
		ok, err := e.EvalBool(vars)
		if !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkEvalConditionJUEL is BenchmarkEvalCondition in Camunda 7 syntax.
func BenchmarkEvalConditionJUEL(b *testing.B) {
	e, err := Compile(`${amount > 100 && status == 'ok'}`)
	if err != nil {
		b.Fatal(err)
	}
	vars := MapVars{"amount": 150.0, "status": "ok", "customer": "c-1", "items": 3.0}
	b.ReportAllocs()
	for b.Loop() {
		ok, err := e.EvalBool(vars)
		if !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkEvalAt measures an expression with arithmetic and now().
func BenchmarkEvalAt(b *testing.B) {
	e, err := Compile(`=now() + duration("PT1H") * retries`)
	if err != nil {
		b.Fatal(err)
	}
	vars := MapVars{"retries": 3.0}
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		v, err := e.EvalAt(vars, now)
		if err != nil {
			b.Fatal(err)
		}
		sink = v
	}
}

// BenchmarkCompile measures compiling a typical condition.
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		e, err := Compile(`=amount > 100 and status = "ok"`)
		if err != nil {
			b.Fatal(err)
		}
		sink = e
	}
}

// BenchmarkLookupBaseline is the part of BenchmarkEvalCondition spent in
// MapVars: the two variable lookups alone.
func BenchmarkLookupBaseline(b *testing.B) {
	var vars Vars = MapVars{"amount": 150.0, "status": "ok", "customer": "c-1", "items": 3.0}
	b.ReportAllocs()
	for b.Loop() {
		a, _ := vars.Lookup("amount")
		s, _ := vars.Lookup("status")
		if a.(float64) <= 100 || s.(string) != "ok" {
			b.Fatal(a, s)
		}
	}
}
