package feel

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// testVars is the scope of the evaluation tables.
var testVars = MapVars{
	"amount":   150.0,
	"status":   "ok",
	"name":     "Ada",
	"n":        3, // a Go int
	"count":    2, // shadows no built-in: count(...) is still the function
	"zero":     0.0,
	"flag":     true,
	"off":      false,
	"nothing":  nil,
	"l":        []any{1.0, 2.0, 3.0},
	"words":    []string{"a", "b"},
	"order-id": "o-7",
	"orders": []any{
		map[string]any{"id": "o1", "amount": 5.0},
		map[string]any{"id": "o2", "amount": 50.0},
	},
	"customer": map[string]any{
		"name":    "Ada",
		"address": map[string]any{"city": "Berlin"},
	},
	"start": time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC), // a Wednesday
	"wait":  90 * time.Minute,                              // a Go time.Duration
}

type evalCase struct{ src, want string }

// evalTable compiles and evaluates each case with testVars and compares Format
// of the result, or "error: " and the message of an evaluation error.
func evalTable(t *testing.T, compile func(string) (*Expr, error), cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		e, err := compile(c.src)
		if err != nil {
			t.Errorf("%s: compile: %v", c.src, err)
			continue
		}
		got := ""
		if v, err := e.Eval(testVars); err != nil {
			var fe *Error
			if !errors.As(err, &fe) || !errors.Is(err, ErrEval) {
				t.Errorf("%s: error %v is not an *Error wrapping ErrEval", c.src, err)
			}
			got = "error: " + fe.Msg
		} else {
			got = Format(v)
		}
		if got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}

func TestFEELLiterals(t *testing.T) {
	evalTable(t, Compile, []evalCase{
		{`=1`, `1`},
		{`=1.50`, `1.5`},
		{`=.5`, `0.5`},
		{`=0012`, `12`},
		{`="a\"b\\c\'d"`, `"a\"b\\c'd"`},
		{`="tab\tnew\nline\r"`, `"tab\tnew\nline\r"`},
		{`="\u00e9\ud83d\ude00"`, `"é😀"`},
		{`="multi
line"`, `"multi\nline"`},
		{`=true`, `true`},
		{`=false`, `false`},
		{`=null`, `null`},
		{`=[]`, `[]`},
		{`=[1, "a", null, [true]]`, `[1, "a", null, [true]]`},
		{`={}`, `{}`},
		{`={b: 1, "a c": 2, first name: 3, "": 4}`, `{"": 4, "a c": 2, b: 1, "first name": 3}`},
		{`={a: {b: [1]}}`, `{a: {b: [1]}}`},
		{"=`order-id`", `"o-7"`},
		{"  =  1  ", `1`},
		{`amount`, `150`}, // bare FEEL
	})
}

func TestFEELArithmetic(t *testing.T) {
	evalTable(t, Compile, []evalCase{
		{`=1 + 2 * 3`, `7`},
		{`=(1 + 2) * 3`, `9`},
		{`=10 - 4 - 3`, `3`},
		{`=2 * 3 / 4`, `1.5`},
		{`=2 ** 10`, `1024`},
		{`=-2 ** 2`, `-4`},
		{`=(-2) ** 2`, `4`},
		{`=2 ** -1`, `0.5`},
		{`=2 ** 3 ** 2`, `512`},
		{`=-amount`, `-150`},
		{`=- -1`, `1`},
		{`=n * 2`, `6`},
		{`=amount / 4`, `37.5`},
		{`=1 / 0`, `null`},
		{`=0 / 0`, `null`},
		{`=amount / zero`, `null`},
		{`=10 ** 400`, `null`},
		{`=(-8) ** 0.5`, `null`},
		{`="a" + "b"`, `"ab"`},
		{`=name + " " + status`, `"Ada ok"`},
		{`="a" + 1`, `null`},
		{`=1 + null`, `null`},
		{`=amount + missing`, `null`},
		{`=true + 1`, `null`},
		{`=-"a"`, `null`},
		{`=[1] + [2]`, `null`},
		{`="a" - "b"`, `null`},
	})
}

func TestFEELComparison(t *testing.T) {
	evalTable(t, Compile, []evalCase{
		{`=1 = 1`, `true`},
		{`=1 != 2`, `true`},
		{`=1 < 2`, `true`},
		{`=2 <= 2`, `true`},
		{`=3 > 2`, `true`},
		{`=3 >= 4`, `false`},
		{`="a" < "b"`, `true`},
		{`="b" >= "b"`, `true`},
		{`=amount > 100`, `true`},
		{`=100 < amount`, `true`},
		{`=100 >= amount`, `false`},
		{`=100 > amount`, `false`},
		{`=200 <= amount`, `false`},
		{`=150 = amount`, `true`},
		{`="a" < status`, `true`},
		{`=status = "ok"`, `true`},
		{`="ok" != status`, `false`},
		{`=n = 3`, `true`},
		{`=n > 2.5`, `true`},
		{`=status > "a"`, `true`},
		{`=1 = "1"`, `null`},
		{`=1 != "1"`, `null`},
		{`=amount = "150"`, `null`},
		{`=true = true`, `true`},
		{`=true < false`, `null`},
		{`=null = null`, `true`},
		{`=missing = null`, `true`},
		{`=nothing = null`, `true`},
		{`=amount = null`, `false`},
		{`=amount != null`, `true`},
		{`=null != null`, `false`},
		{`=missing < 1`, `null`},
		{`=missing > "a"`, `null`},
		{`=amount < "x"`, `null`},
		{`=[1, 2] = [1, 2]`, `true`},
		{`=[1, 2] = [1, 3]`, `false`},
		{`=[1] = [1, 2]`, `false`},
		{`=[1, "a"] = [1, 2]`, `null`},
		{`=l = [1, 2, 3]`, `true`},
		{`=words = ["a", "b"]`, `true`},
		{`={a: 1} = {a: 1}`, `true`},
		{`={a: 1} = {b: 1}`, `false`},
		{`={a: 1} = {a: "1"}`, `null`},
		{`=customer.address = {city: "Berlin"}`, `true`},
		{`=start < start + duration("PT1S")`, `true`},
		{`=start = date and time("2024-01-31T11:00:00+01:00")`, `true`},
		{`=duration("P1D") = duration("PT24H")`, `true`},
		{`=duration("P1Y") = duration("P12M")`, `true`},
		{`=duration("P1Y") < duration("P13M")`, `true`},
		{`=duration("P1M") < duration("P30D")`, `null`},
		{`=duration("P1M") = duration("P30D")`, `false`},
		{`=wait > duration("PT1H")`, `true`},
		{`=start > wait`, `null`},
	})
}

func TestFEELLogic(t *testing.T) {
	evalTable(t, Compile, []evalCase{
		{`=true and true`, `true`},
		{`=true and false`, `false`},
		{`=false and true`, `false`},
		{`=false and null`, `false`},
		{`=null and false`, `false`},
		{`=true and null`, `null`},
		{`=null and true`, `null`},
		{`=null and null`, `null`},
		{`=true or false`, `true`},
		{`=false or false`, `false`},
		{`=true or null`, `true`},
		{`=null or true`, `true`},
		{`=false or null`, `null`},
		{`=null or false`, `null`},
		{`=null or null`, `null`},
		{`=1 and true`, `null`},
		{`="true" or false`, `null`},
		{`=not(true)`, `false`},
		{`=not(off)`, `true`},
		{`=not(null)`, `null`},
		{`=not(1)`, `null`},
		{`=amount > 100 and status = "ok"`, `true`},
		{`=amount > 200 or status = "ok"`, `true`},
		{`=flag or missing > 1`, `true`},
		{`=off and missing > 1`, `false`},
		{`=missing > 1 and flag`, `null`},
		// precedence
		{`=1 + 2 = 3 and 2 * 2 = 4`, `true`},
		{`=true or false and false`, `true`},
		{`=(true or false) and false`, `false`},
		{`=not(false) and 1 < 2`, `true`},
		{`=1 + 2 * 3 ** 2 = 19`, `true`},
		{`=- 2 * 3`, `-6`},
	})
}

func TestFEELControl(t *testing.T) {
	evalTable(t, Compile, []evalCase{
		{`=if flag then "y" else "n"`, `"y"`},
		{`=if off then "y" else "n"`, `"n"`},
		{`=if null then 1 else 2`, `2`},
		{`=if missing then 1 else 2`, `2`},
		{`=if 1 then 1 else 2`, `2`},
		{`=if amount > 100 then "big" else if amount > 10 then "mid" else "small"`, `"big"`},
		{`=1 + if flag then 1 else 2`, `2`},
		{`=(if flag then 1 else 2) + 1`, `2`},
		{`=5 between 1 and 10`, `true`},
		{`=1 between 1 and 10`, `true`},
		{`=10 between 1 and 10`, `true`},
		{`=11 between 1 and 10`, `false`},
		{`=amount between 100 and 200 and flag`, `true`},
		{`="b" between "a" and "c"`, `true`},
		{`=null between 1 and 10`, `null`},
		{`=5 between 1 and missing`, `null`},
		{`=50 between 1 and 10 - 1`, `false`},
		{`=2 in [1, 2, 3]`, `true`},
		{`=4 in [1, 2, 3]`, `false`},
		{`=2 in l`, `true`},
		{`=2 in [1, 1 + 1]`, `true`},
		{`=5 in []`, `false`},
		{`="a" in [1, 2]`, `null`},
		{`="a" in [1, "a"]`, `true`},
		{`=null in [1, null]`, `true`},
		{`=5 in 5`, `true`},
		{`=5 in 6`, `false`},
		{`="ok" in ("ok", "done")`, `true`},
		{`=status in ("new", "done")`, `false`},
		{`=5 in (1..10]`, `true`},
		{`=1 in (1..10]`, `false`},
		{`=10 in (1..10]`, `true`},
		{`=1 in [1..10]`, `true`},
		{`=10 in [1..10)`, `false`},
		{`=10 in [1..10[`, `false`},
		{`=1 in ]1..10]`, `false`},
		{`=2 in ]1..10]`, `true`},
		{`=amount in [100..n * 100]`, `true`},
		{`=missing in [1..10]`, `null`},
		{`=5 in < 10`, `true`},
		{`=5 in >= 6`, `false`},
		{`=5 in (< 3, > 4)`, `true`},
		{`=5 in (< 3, = 4)`, `false`},
		{`=amount in > 100`, `true`},
		{`=2 in (1, [2, 3])`, `true`},
		{`=2 in [1, 2] and flag`, `true`},
		{`=1 + 1 in [2]`, `true`},
	})
}

func TestFEELPathsAndFilters(t *testing.T) {
	evalTable(t, Compile, []evalCase{
		{`=customer.name`, `"Ada"`},
		{`=customer.address.city`, `"Berlin"`},
		{`=customer.zip`, `null`},
		{`=customer.zip.code`, `null`},
		{`=missing.a`, `null`},
		{`=amount.a`, `null`},
		{`=orders.id`, `["o1", "o2"]`},
		{`=[{a: 1}, 2].a`, `[1, null]`},
		{`=start.year`, `2024`},
		{`=start.month`, `1`},
		{`=start.day`, `31`},
		{`=start.weekday`, `3`},
		{`=start.hour`, `10`},
		{`=start.minute`, `0`},
		{`=date and time("2024-01-02T03:04:05.5Z").second`, `5.5`},
		{`=start.nope`, `null`},
		{`=wait.hours`, `1`},
		{`=wait.minutes`, `30`},
		{`=duration("P1DT2H3M4.5S").days`, `1`},
		{`=duration("P1DT2H3M4.5S").seconds`, `4.5`},
		{`=duration("P1Y2M").years`, `1`},
		{`=duration("P1Y2M").months`, `2`},
		{`=wait.nope`, `null`},
		{`=l[1]`, `1`},
		{`=l[3]`, `3`},
		{`=l[4]`, `null`},
		{`=l[0]`, `null`},
		{`=l[-1]`, `3`},
		{`=l[-3]`, `1`},
		{`=l[-4]`, `null`},
		{`=l[1.5]`, `null`},
		{`=l[n - 1]`, `2`},
		{`=words[2]`, `"b"`},
		{`=[[1, 2], [3]][1][2]`, `2`},
		{`=missing[1]`, `null`},
		{`=amount[1]`, `null`},
		{`=customer["name"]`, `"Ada"`},
		{`=customer["zip"]`, `null`},
		{`=l["x"]`, `null`},
		{`=l[item > 1]`, `[2, 3]`},
		{`=l[item > 5]`, `[]`},
		{`=l[item > 1 and item < 3]`, `[2]`},
		{`=l[item in [1, 3]]`, `[1, 3]`},
		{`=l[true]`, `[1, 2, 3]`},
		{`=l[flag]`, `[1, 2, 3]`},
		{`=l[item]`, `[]`},
		{`=orders[amount > 10].id`, `["o2"]`},
		{`=orders[item.amount > 10][1].id`, `"o2"`},
		{`=orders[amount > n].id`, `["o1", "o2"]`},
		{`=count(orders[amount > 100])`, `0`},
		{`=missing[item > 1]`, `null`},
		{`=amount[item > 1]`, `null`},
		{`=[1, 2, 3][item >= 2]`, `[2, 3]`},
	})
}

func TestFEELBuiltins(t *testing.T) {
	evalTable(t, Compile, []evalCase{
		{`=count(l)`, `3`},
		{`=count([])`, `0`},
		{`=count("x")`, `null`},
		{`=count`, `2`}, // a variable
		{`=count + count(l)`, `5`},
		{`=sum(l)`, `6`},
		{`=sum(1, 2)`, `3`},
		{`=sum(5)`, `5`},
		{`=sum([])`, `null`},
		{`=sum([1, "a"])`, `null`},
		{`=min(l)`, `1`},
		{`=max(l)`, `3`},
		{`=min(3, 1, 2)`, `1`},
		{`=min("b", "a")`, `"a"`},
		{`=max([])`, `null`},
		{`=min([1, "a"])`, `null`},
		{`=max([true])`, `null`},
		{`=max(start, start + duration("P1D"))`, `date and time("2024-02-01T10:00:00Z")`},
		{`=contains("foobar", "oba")`, `true`},
		{`=contains("foobar", "x")`, `false`},
		{`=contains(1, "a")`, `null`},
		{`=starts with("foobar", "foo")`, `true`},
		{`=ends with("foobar", "bar")`, `true`},
		{`=ends with("foobar", null)`, `null`},
		{`=list contains(l, 2)`, `true`},
		{`=list contains(l, 5)`, `false`},
		{`=list contains([null], null)`, `true`},
		{`=list contains("l", 1)`, `null`},
		{`=string length("héllo")`, `5`},
		{`=string length(1)`, `null`},
		{`=upper case("abc")`, `"ABC"`},
		{`=lower case("ABC")`, `"abc"`},
		{`=upper case(null)`, `null`},
		{`=string(1.50)`, `"1.5"`},
		{`=string(n)`, `"3"`},
		{`=string(true)`, `"true"`},
		{`=string("s")`, `"s"`},
		{`=string(null)`, `null`},
		{`=string([1, "a"])`, `"[1, \"a\"]"`},
		{`=string(start)`, `"2024-01-31T10:00:00Z"`},
		{`=string(wait)`, `"PT1H30M"`},
		{`=number("1.5")`, `1.5`},
		{`=number("-2e3")`, `-2000`},
		{`=number(7)`, `7`},
		{`=number("abc")`, `null`},
		{`=number("Inf")`, `null`},
		{`=number("0x10")`, `null`},
		{`=number(" 1")`, `null`},
		{`=is defined(amount)`, `true`},
		{`=is defined(nothing)`, `true`},
		{`=is defined(missing)`, `false`},
		{`=is defined(customer.name)`, `true`},
		{`=is defined(customer.zip)`, `false`},
		{`=is defined({a: null}.a)`, `true`},
		{`=is defined({a: 1}.b)`, `false`},
		{`=is defined(missing.x)`, `false`},
		{`=is defined(1)`, `true`},
		{`=date and time("2024-01-02T03:04:05Z")`, `date and time("2024-01-02T03:04:05Z")`},
		{`=date and time("2024-01-02")`, `date and time("2024-01-02T00:00:00Z")`},
		{`=date and time("bad")`, `null`},
		{`=date and time(start)`, `date and time("2024-01-31T10:00:00Z")`},
		{`=duration("P1D")`, `duration("P1D")`},
		{`=duration("x")`, `null`},
		{`=duration(wait)`, `duration("PT1H30M")`},
		{`=substring("foobar", 3)`, `"obar"`},
		{`=substring("foobar", 3, 3)`, `"oba"`},
		{`=substring("foobar", -2, 1)`, `"a"`},
		{`=substring("foobar", -10)`, `"foobar"`},
		{`=substring("foobar", 10)`, `""`},
		{`=substring("foobar", 0)`, `null`},
		{`=substring("foobar", 1, -1)`, `null`},
		{`=substring("héllo", 2, 1)`, `"é"`},
		{`=abs(-1.5)`, `1.5`},
		{`=abs("x")`, `null`},
		{`=floor(1.5)`, `1`},
		{`=floor(-1.5)`, `-2`},
		{`=ceiling(1.2)`, `2`},
		{`=append(l, 4)`, `[1, 2, 3, 4]`},
		{`=append([], 1, [2])`, `[1, [2]]`},
		{`=append(l)`, `[1, 2, 3]`},
		{`=append(1, 2)`, `null`},
		{`=not(false)`, `true`},
		{`=upper case(name) + "!"`, `"ADA!"`},
	})
}

func TestFEELTemporal(t *testing.T) {
	evalTable(t, Compile, []evalCase{
		{`=start + duration("P1M")`, `date and time("2024-02-29T10:00:00Z")`},
		{`=duration("P1M") + start`, `date and time("2024-02-29T10:00:00Z")`},
		{`=start - duration("P1D")`, `date and time("2024-01-30T10:00:00Z")`},
		{`=start + wait`, `date and time("2024-01-31T11:30:00Z")`},
		{`=date and time("2024-01-02T00:00:00Z") - date and time("2024-01-01T00:00:00Z")`, `duration("PT24H")`},
		{`=duration("PT1H") * 2`, `duration("PT2H")`},
		{`=2 * duration("P1D")`, `duration("P2D")`},
		{`=duration("P1D") * 1.5`, `duration("PT36H")`},
		{`=duration("P1Y") * 1.5`, `duration("P1Y6M")`},
		{`=duration("PT1H") / 4`, `duration("PT15M")`},
		{`=duration("P1D") / duration("PT1H")`, `24`},
		{`=duration("P1Y") / duration("P1M")`, `12`},
		{`=duration("P1Y") / duration("P1D")`, `null`},
		{`=duration("P1D") + duration("PT1H")`, `duration("P1DT1H")`},
		{`=duration("P1D") - duration("PT1H")`, `duration("P1DT-1H")`},
		{`=-duration("P1D")`, `duration("-P1D")`},
		{`=duration("P1Y") / 0`, `null`},
		{`=start + 1`, `null`},
		{`=start - start`, `duration("PT0S")`},
		{`=start * 2`, `null`},
		{`=start + duration("P8000Y")`, `null`},
		{`=duration("-P2024Y") + start`, `null`},
		{`=date and time("9999-01-01T00:00:00Z") - date and time("0001-01-01T00:00:00Z")`, `null`},
		{`=now()`, `error: now() needs an evaluation time: use EvalAt`},
		{`=if false then now() else 1`, `1`},
	})
}

func TestJUEL(t *testing.T) {
	evalTable(t, Compile, []evalCase{
		{`${amount > 100 && status == 'ok'}`, `true`},
		{`#{amount gt 100 and status eq "ok"}`, `true`},
		{`${amount lt 100 or status ne 'ok'}`, `false`},
		{`${amount le 150 and amount ge 150}`, `true`},
		{`${!flag}`, `false`},
		{`${not flag}`, `false`},
		{`${!!flag}`, `true`},
		{`${nothing == null}`, `true`},
		{`${null == nothing}`, `true`},
		{`${amount == null}`, `false`},
		{`${amount != null}`, `true`},
		{`${empty nothing}`, `true`},
		{`${empty ''}`, `true`},
		{`${empty name}`, `false`},
		{`${empty l}`, `false`},
		{`${empty customer}`, `false`},
		{`${not empty l}`, `true`},
		{`${1 + 2 * 3}`, `7`},
		{`${(1 + 2) * 3}`, `9`},
		{`${7 % 3}`, `1`},
		{`${7 mod 3}`, `1`},
		{`${7 div 2}`, `3.5`},
		{`${7 / 2}`, `3.5`},
		{`${-amount}`, `-150`},
		{`${-'2'}`, `-2`},
		{`${-nothing}`, `-0`},
		{`${'1' + 1}`, `2`},
		{`${nothing + 1}`, `1`},
		{`${n * 2}`, `6`},
		{`${1e3}`, `1000`},
		{`${1.5E-1}`, `0.15`},
		{`${1 == '1'}`, `true`},
		{`${'1.0' == 1}`, `true`},
		{`${'true' == true}`, `true`},
		{`${'a' == 'a'}`, `true`},
		{`${'a' != 'b'}`, `true`},
		{`${l == l}`, `true`},
		{`${l == customer}`, `false`},
		{`${nothing < 1}`, `false`},
		{`${1 >= nothing}`, `false`},
		{`${'10' > 9}`, `true`},
		{`${9 < '10'}`, `true`},
		{`${'b' > 'a'}`, `true`},
		{`${start < start}`, `false`},
		{`${flag ? 'y' : 'n'}`, `"y"`},
		{`${nothing ? 1 : 2}`, `2`},
		{`${'TRUE' ? 1 : 2}`, `1`},
		{`${flag ? off ? 1 : 2 : 3}`, `2`},
		{`${'TRUE' && true}`, `true`},
		{`${'yes' || nothing}`, `false`},
		{`${off && missing}`, `false`},
		{`${flag || missing}`, `true`},
		{`${customer.name}`, `"Ada"`},
		{`${customer['address'].city}`, `"Berlin"`},
		{`${customer["address"]["city"]}`, `"Berlin"`},
		{`${customer.zip}`, `null`},
		{`${nothing.x}`, `null`},
		{`${nothing[0]}`, `null`},
		{`${l[0]}`, `1`},
		{`${l[2]}`, `3`},
		{`${l[3]}`, `null`},
		{`${l[-1]}`, `null`},
		{`${l['1']}`, `2`},
		{`${words[1]}`, `"b"`},
		{`${orders[1].id}`, `"o2"`},
		{`${customer[nothing]}`, `null`},
		{`${1 < 2 == true}`, `true`},
		{`${true || false && false}`, `true`},
		{`${"a\"b\\"}`, `"a\"b\\"`},
		{`${'it\'s'}`, `"it's"`},
		{`${'}'}`, `"}"`},
		{`${amount >= 150 ? 'big' : 'small'}`, `"big"`},
		{`${$x}`, `error: unknown variable "$x"`},
		{`${name} and ${status}`, `"Ada and ok"`},
		{`${nothing}x`, `"x"`},
		{`${amount}`, `150`},
		{`  ${flag}  `, `true`},
		// failures
		{`${missing}`, `error: unknown variable "missing"`},
		{`${'a' + 1}`, `error: cannot convert "a" to a number`},
		{`${flag + 1}`, `error: cannot convert boolean to a number`},
		{`${1 / 0}`, `error: division by zero`},
		{`${1 % 0}`, `error: division by zero`},
		{`${10 / zero}`, `error: division by zero`},
		{`${amount > 'x'}`, `error: cannot convert "x" to a number`},
		{`${l > 1}`, `error: cannot compare list with number`},
		{`${flag > off}`, `error: cannot compare boolean with boolean`},
		{`${flag && 1}`, `error: cannot convert number to a boolean`},
		{`${1 ? 1 : 2}`, `error: cannot convert number to a boolean`},
		{`${!l}`, `error: cannot convert list to a boolean`},
		{`${-l}`, `error: cannot convert list to a number`},
		{`${true == 1}`, `error: cannot convert boolean to a number`},
		{`${amount.x}`, `error: cannot read property "x" of number`},
		{`${l.x}`, `error: cannot read property "x" of list`},
		{`${amount[0]}`, `error: cannot index number`},
		{`${l['x']}`, `error: invalid list index "x"`},
		{`${l[0.5]}`, `error: invalid list index 0.5`},
	})
}

func TestCompileValue(t *testing.T) {
	evalTable(t, CompileValue, []evalCase{
		{`PT10M`, `"PT10M"`},
		{`  order-1 `, `"order-1"`},
		{`amount > 100`, `"amount > 100"`},
		{``, `""`},
		{`=amount`, `150`},
		{`="PT" + string(n) + "M"`, `"PT3M"`},
		{`PT${n}M`, `"PT3M"`},
		{`Hello ${name}!`, `"Hello Ada!"`},
		{`${customer.name}`, `"Ada"`},
		{`${l}`, `[1, 2, 3]`},
		{`\${name}`, `"${name}"`},
		{`a\#{b} ${name}`, `"a#{b} Ada"`},
		{`cost: ${amount * 2} EUR`, `"cost: 300 EUR"`},
	})
}

func TestNow(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	e, err := Compile(`=now() + duration("PT1H") > start`)
	if err != nil {
		t.Fatal(err)
	}
	if e.IsStatic() {
		t.Error("now() is static")
	}
	ok, err := e.EvalBoolAt(testVars, now)
	if !ok || err != nil {
		t.Errorf("EvalBoolAt = %v, %v", ok, err)
	}
	v, err := mustCompile(t, `=now()`).EvalAt(nil, now)
	if v != any(now) || err != nil {
		t.Errorf("EvalAt = %v, %v", v, err)
	}
	if _, err := e.EvalBool(testVars); !errors.Is(err, ErrEval) {
		t.Errorf("EvalBool without a time: %v", err)
	}
}

func mustCompile(t testing.TB, src string) *Expr {
	t.Helper()
	e, err := Compile(src)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEvalBool(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`=amount > 100`, `true`},
		{`=amount > 1000`, `false`},
		{`${flag}`, `true`},
		{`=missing > 100`, "feel: condition evaluated to null, not a boolean (not defined: missing) at 1\n  =missing > 100\n   ^"},
		{`=a > 1 or b`, "feel: condition evaluated to null, not a boolean (not defined: a, b) at 1\n  =a > 1 or b\n   ^"},
		{`=amount / zero > 1`, "feel: condition evaluated to null, not a boolean at 1\n  =amount / zero > 1\n   ^"},
		{`=amount = "150"`, "feel: condition evaluated to null, not a boolean at 1\n  =amount = \"150\"\n   ^"},
		{`="yes"`, "feel: condition evaluated to \"yes\", not a boolean at 1\n  =\"yes\"\n   ^"},
		{`${'true'}`, "feel: condition evaluated to \"true\", not a boolean at 0\n  ${'true'}\n  ^"},
		{`=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]`, "feel: condition evaluated to [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,…, not a boolean at 1\n  =[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]\n   ^"},
		{`${missing}`, "feel: unknown variable \"missing\" at 2\n  ${missing}\n    ^"},
		{`=now()`, "feel: now() needs an evaluation time: use EvalAt at 1\n  =now()\n   ^"},
	} {
		ok, err := mustCompile(t, c.src).EvalBool(testVars)
		got := fmt.Sprint(ok)
		if err != nil {
			got = err.Error()
			if !errors.Is(err, ErrEval) {
				t.Errorf("%s: %v does not wrap ErrEval", c.src, err)
			}
		}
		if got != c.want {
			t.Errorf("EvalBool(%s):\n got %s\nwant %s", c.src, got, c.want)
		}
	}
}

func TestVarsAndStatic(t *testing.T) {
	for _, c := range []struct {
		src    string
		vars   string
		static bool
	}{
		{`=1 + 2`, ``, true},
		{`=upper case("a") + string(1)`, ``, true},
		{`=b.c + a[1] + a.d`, `a b`, false},
		{`=orders[amount > limit]`, `amount limit orders`, false},
		{`=l[item > 1]`, `l`, false},
		{`=item`, `item`, false},
		{`=now()`, ``, false},
		{`=is defined(x)`, `x`, false},
		{`${a.b + c['d'] + item}`, `a c item`, false},
		{`PT10M`, ``, true},
		{`Hello ${name}`, `name`, false},
		{"=`a b` + x", `a b x`, false},
	} {
		e, err := CompileValue(c.src)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(e.Vars(), " "); got != c.vars || e.IsStatic() != c.static {
			t.Errorf("%s: Vars %q IsStatic %v, want %q %v", c.src, got, e.IsStatic(), c.vars, c.static)
		}
		if e.Source() != c.src {
			t.Errorf("Source() = %q", e.Source())
		}
	}
}

// TestGoValues checks how values of other Go types in Vars are read.
func TestGoValues(t *testing.T) {
	type status string
	type point struct{ X int }
	vars := MapVars{
		"i": 7, "i8": int8(-3), "u": uint64(9), "f32": float32(0.5), "num": json.Number("12.5"),
		"bad": json.Number("x"), "st": status("ok"), "b": struct{ B bool }{true}, "p": point{1},
		"strs": []string{"x", "y"}, "arr": [2]int{4, 5}, "ints": map[string]int{"k": 1},
		"nilslice": []int(nil), "nilmap": map[string]int(nil), "intkeys": map[int]int{1: 2},
		"d": 2 * time.Second, "nested": []any{[]int{1}},
	}
	for _, c := range []evalCase{
		{`=i + i8 + u + f32`, `13.5`},
		{`=num * 2`, `25`},
		{`=bad`, `"x"`},
		{`=st = "ok"`, `true`},
		{`=b = b`, `null`},
		{`=p`, `{1}`},
		{`=strs[2]`, `"y"`},
		{`=list contains(strs, "x")`, `true`},
		{`=sum(arr)`, `9`},
		{`=ints.k + 1`, `2`},
		{`=nilslice = null`, `true`},
		{`=nilmap = null`, `true`},
		{`=intkeys = null`, `false`},
		{`=d = duration("PT2S")`, `true`},
		{`=nested[1][1] + 1`, `2`},
		{`=i`, `7`},
	} {
		v, err := mustCompile(t, c.src).Eval(vars)
		if got := Format(v); got != c.want || err != nil {
			t.Errorf("%s = %s, %v; want %s", c.src, got, err, c.want)
		}
	}
}

// TestResultsNotShared checks that a caller modifying a result cannot
// change the compiled expression.
func TestResultsNotShared(t *testing.T) {
	e := mustCompile(t, `={a: [1, 2], b: {c: 3}}`)
	v, _ := e.Eval(nil)
	m := v.(map[string]any)
	m["a"].([]any)[0] = "changed"
	m["b"].(map[string]any)["c"] = "changed"
	m["x"] = 1
	if v, _ := e.Eval(nil); Format(v) != `{a: [1, 2], b: {c: 3}}` {
		t.Errorf("constant modified through a result: %s", Format(v))
	}
}

// TestConcurrentEval runs one compiled expression in parallel; run it with
// -race.
func TestConcurrentEval(t *testing.T) {
	e := mustCompile(t, `=if orders[amount > limit] = [] then "none" else string(count(orders[amount > limit])) + " of " + string(n)`)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vars := MapVars{"n": g, "limit": float64(g), "orders": []any{
				map[string]any{"amount": 3.0}, map[string]any{"amount": 6.0}}}
			want := expectOrders(g)
			for range 200 {
				if v, err := e.Eval(vars); v != want || err != nil {
					t.Errorf("goroutine %d: %v, %v; want %q", g, v, err, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// expectOrders is what TestConcurrentEval's expression gives for limit.
func expectOrders(limit int) string {
	n := 0
	for _, a := range []int{3, 6} {
		if a > limit {
			n++
		}
	}
	if n == 0 {
		return "none"
	}
	return fmt.Sprintf("%d of %d", n, limit)
}
