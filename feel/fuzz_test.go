package feel

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// fuzzSeeds covers every construct of both dialects.
var fuzzSeeds = []string{
	`=amount > 100 and status = "ok"`, `${amount > 100 && status == 'ok'}`, `#{a ? b : c}`, `amount > 1`,
	`PT10M`, `PT${n}M`, `Hello ${name}!`, `\${x}`, `=1 + 2 * 3 ** -2 / 4 - -5`, `="a" + "b\n\u00e9"`,
	`=[1, "a", null, true, {a: 1, "b c": [2]}]`, `=l[1] + l[-1]`, `=orders[amount > 10].id`, `=l[item > 1]`,
	`=customer.address.city`, `=customer["name"]`, `=if flag then 1 else 2`, `=5 between 1 and 10`,
	`=x in (1..10]`, `=x in ]1..10[`, `=x in [1, 2]`, `=x in (< 1, >= 5)`, `=x in < 3`, `=not(a) or b`,
	`=count(l) + sum(l) + min(l) + max(1, 2)`, `=contains("abc", "b") and list contains(l, 2)`,
	`=string length(upper case(lower case("Ab")))`, `=string(1.5) + string(number("2"))`,
	`=is defined(a.b)`, `=now() + duration("P1DT2H") - date and time("2024-01-02T03:04:05Z")`,
	`=substring("foobar", -3, 2)`, `=starts with("ab", "a") and ends with("ab", "b")`,
	`=abs(-1) + floor(1.5) + ceiling(1.5)`, `=append(l, 4)`, "=`order-id`", `=start.year + wait.hours`,
	`${empty l or not flag and !off}`, `${a.b['c'][0] eq 1 ne 2 lt 3 gt 4 le 5 ge 6}`,
	`${1 div 2 mod 3 % 4 + -'5'}`, `${"x" == 'y'}`, "=a +\n\tb", `=a > 1 and )`, `${a = b}`,
}

// fuzzVars are the scopes every compiled input is evaluated with.
var fuzzVars = []Vars{
	nil,
	testVars,
	MapVars{"a": []any{nil, 1}, "b": map[string]any{"c": []string{"x"}}, "x": "s", "item": 0.5,
		"l": []any{map[string]any{"item": nil}}, "flag": "true", "amount": -1e308},
}

// FuzzCompile checks that compiling never panics and fails only with a
// located *Error wrapping ErrSyntax, and that evaluating what compiles
// never panics, fails only with ErrEval, and gives values that Format
// writes as FEEL literals for the same value.
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, compile := range []func(string) (*Expr, error){Compile, CompileValue} {
			e, err := compile(src)
			if err != nil {
				checkSyntaxError(t, src, err)
				continue
			}
			if again, _ := compile(src); !slices.Equal(again.Vars(), e.Vars()) {
				t.Fatalf("%q: Vars differ between compilations", src)
			}
			for _, vars := range fuzzVars {
				checkEval(t, e, vars)
			}
		}
	})
}

func checkSyntaxError(t *testing.T, src string, err error) {
	var fe *Error
	if !errors.As(err, &fe) || !errors.Is(err, ErrSyntax) || fe.Expr != src || fe.Pos < 0 || fe.Pos > len(src) {
		t.Fatalf("%q: bad compile error %#v", src, err)
	}
	_ = err.Error()
}

func checkEval(t *testing.T, e *Expr, vars Vars) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	v, err := e.EvalAt(vars, now)
	if err != nil {
		checkEvalError(t, e, err)
		return
	}
	if _, err := e.EvalBool(vars); err != nil {
		checkEvalError(t, e, err)
	}
	if _, err := e.Eval(vars); err != nil {
		checkEvalError(t, e, err)
	}
	if e.IsStatic() {
		if w, err := e.Eval(nil); err == nil && equal(v, v) == true && equal(v, w) != true {
			t.Fatalf("%q is static but gives %s and %s", e.Source(), Format(v), Format(w))
		}
	}
	if equal(v, v) != true { // NaN or opaque values do not round-trip
		return
	}
	lit := "=" + Format(v)
	back, err := Compile(lit)
	if err != nil {
		t.Fatalf("%q: result %s does not compile: %v", e.Source(), lit, err)
	}
	if w, err := back.Eval(nil); err != nil || equal(v, w) != true {
		t.Fatalf("%q: result %s evaluates to %s, %v", e.Source(), lit, Format(w), err)
	}
}

func checkEvalError(t *testing.T, e *Expr, err error) {
	var fe *Error
	if !errors.As(err, &fe) || !errors.Is(err, ErrEval) || fe.Expr != e.Source() {
		t.Fatalf("%q: bad evaluation error %#v", e.Source(), err)
	}
	_ = err.Error()
}
