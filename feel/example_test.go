package feel_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/bpmnrun/bpmnrun/feel"
)

// A gateway condition is compiled once, when the model is loaded, and
// evaluated for every token.
func Example() {
	cond, err := feel.Compile(`=amount > 100 and status = "ok"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, amount := range []float64{50, 150} {
		ok, err := cond.EvalBool(feel.MapVars{"amount": amount, "status": "ok"})
		fmt.Println(amount, ok, err)
	}
	fmt.Println(cond.Vars())
	// Output:
	// 50 false <nil>
	// 150 true <nil>
	// [amount status]
}

// Camunda 7 models write conditions in JUEL; they run on the same engine.
func ExampleCompile_juel() {
	cond, _ := feel.Compile(`${amount > 100 && status == 'ok'}`)
	ok, err := cond.EvalBool(feel.MapVars{"amount": 150, "status": "ok"})
	fmt.Println(ok, err)
	// Output: true <nil>
}

// Expressions that are not in the supported subset are rejected when the
// model is loaded, with the position marked.
func ExampleCompile_error() {
	_, err := feel.Compile(`=a > 1 and )`)
	fmt.Println(err)
	fmt.Println(errors.Is(err, feel.ErrSyntax))
	// Output:
	// feel: unexpected token ")" at 11
	//   =a > 1 and )
	//              ^
	// true
}

// A condition on a missing variable is null in FEEL, and EvalBool refuses
// to take null for false.
func ExampleExpr_EvalBool() {
	cond, _ := feel.Compile(`=amount > 100`)
	_, err := cond.EvalBool(feel.MapVars{"total": 150})
	fmt.Println(err)
	fmt.Println(errors.Is(err, feel.ErrEval))
	// Output:
	// feel: condition evaluated to null, not a boolean (not defined: amount) at 1
	//   =amount > 100
	//    ^
	// true
}

// Attributes such as timer values and message names are literals unless
// marked as expressions.
func ExampleCompileValue() {
	vars := feel.MapVars{"orderId": 42, "minutes": 10}
	for _, src := range []string{`order-created`, `=orderId`, `PT${minutes}M`, `="order-" + string(orderId)`} {
		e, _ := feel.CompileValue(src)
		v, _ := e.Eval(vars)
		key, _ := feel.ToString(v)
		fmt.Printf("%-28s static=%-5v %s\n", src, e.IsStatic(), key)
	}
	// Output:
	// order-created                static=true  order-created
	// =orderId                     static=false 42
	// PT${minutes}M                static=false PT10M
	// ="order-" + string(orderId)  static=false order-42
}

// Mappings build values from variables; now() is the time the engine
// passes to EvalAt.
func ExampleExpr_EvalAt() {
	e, _ := feel.Compile(`={
  due: now() + duration("P1M"),
  big: orders[amount > 100].id,
  total: sum(orders.amount)
}`)
	vars := feel.MapVars{"orders": []any{
		map[string]any{"id": "a", "amount": 50.0},
		map[string]any{"id": "b", "amount": 250.0},
	}}
	v, _ := e.EvalAt(vars, time.Date(2024, 1, 31, 9, 0, 0, 0, time.UTC))
	fmt.Println(feel.Format(v))
	// Output: {big: ["b"], due: date and time("2024-02-29T09:00:00Z"), total: 300}
}

func ExampleParseCycle() {
	c, _ := feel.ParseCycle("R3/2024-01-15T09:00:00Z/P1M")
	t := *c.Start
	for range c.Repeat {
		fmt.Println(t.Format(time.DateOnly))
		t = c.Interval.AddTo(t)
	}
	// Output:
	// 2024-01-15
	// 2024-02-15
	// 2024-03-15
}

func ExampleParseDuration() {
	d, _ := feel.ParseDuration("P1DT12H")
	fmt.Println(d.Months, d.Days, d.Time, d)
	fmt.Println(d.AddTo(time.Date(2024, 3, 30, 12, 0, 0, 0, time.UTC)))
	// Output:
	// 0 1 12h0m0s P1DT12H
	// 2024-04-01 00:00:00 +0000 UTC
}
