package feel

import (
	"fmt"
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	vars := MapVars{"amount": 150.0, "status": "ok", "n": 3, "l": []any{1.0, 2.0, 3.0}, "o": []any{map[string]any{"a": 1.0}, map[string]any{"a": 5.0}}}
	for _, src := range []string{
		`=amount > 100 and status = "ok"`, `${amount > 100 && status == 'ok'}`, `=n * 2`, `=l[1]`, `=l[-1]`, `=l[item > 1]`, `=o[a > 2].a`,
		`=date and time("2022-04-27T17:20:00Z") + duration("P1M")`, `=string length("héllo")`, `=upper case("x")`,
		`=x in (1..10]`, `=5 in (1..10]`, `=5 in [1,2]`, `=5 between 1 and 10`, `=if amount > 1 then "a" else "b"`,
		`={a: 1, "b c": [1, "x", null]}`, `=1/0`, `=-2 ** 2`, `=2 ** 3 ** 2`, `Hello`, `order-${amount}`, `=a > 1 and )`, `=uppercase(x)`,
		`=now()`, `=is defined(amount)`, `=is defined(zz)`, `=not(true)`, `=substring("foobar", -2, 1)`, `=sum([1,2,3])`, `=append([1], 2, 3)`,
		`${empty l}`, `${l[0]}`, `${missing}`, `${'a' + 1}`, `=a == b`, `${a = b}`, `= "abc`, `=count(l)`, `=min(3, 1, 2)`, `=string(1.50)`,
	} {
		e, err := Compile(src)
		if err != nil {
			fmt.Println(src, "→ COMPILE", err)
			continue
		}
		v, err := e.Eval(vars)
		fmt.Printf("%s → %s %v vars=%v static=%v\n", src, Format(v), err, e.Vars(), e.IsStatic())
	}
	e, _ := CompileValue("order-${amount}")
	fmt.Println(e.Eval(vars))
	e, _ = Compile("=missing > 1")
	fmt.Println(e.EvalBool(vars))
	_ = time.Now
}
