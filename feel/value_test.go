package feel

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

func TestToString(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
		ok   bool
	}{
		{"order-1", "order-1", true},
		{"", "", true},
		{42.0, "42", true},
		{42, "42", true},
		{int64(-7), "-7", true},
		{uint8(7), "7", true},
		{1.5, "1.5", true},
		{-0.25, "-0.25", true},
		{1e21, "1000000000000000000000", true},
		{1e-7, "0.0000001", true},
		{json.Number("12"), "12", true},
		{nil, "", false},
		{true, "", false},
		{[]any{1.0}, "", false},
		{map[string]any{}, "", false},
		{time.Time{}, "", false},
		{Duration{Days: 1}, "", false},
	} {
		got, ok := ToString(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ToString(%#v) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, `null`},
		{true, `true`},
		{1.5, `1.5`},
		{3, `3`},
		{"a\"b\\c\nd\te\x00😀", `"a\"b\\c\nd\te\u0000😀"`},
		{"\U000E0001", `"\udb40\udc01"`},
		{[]any{1.0, "a", nil, []any{}}, `[1, "a", null, []]`},
		{map[string]any{"b": 1.0, "a c": 2.0, "and": 3.0, "x1": 4.0, "1x": 5.0, "": 6.0, "é": 7.0},
			`{"": 6, "1x": 5, "a c": 2, "and": 3, b: 1, x1: 4, é: 7}`},
		{time.Date(2024, 1, 2, 3, 4, 5, 600, time.FixedZone("", 3600)), `date and time("2024-01-02T03:04:05.0000006+01:00")`},
		{Duration{Months: 14, Days: 1, Time: time.Second / 2}, `duration("P1Y2M1DT0.5S")`},
		{5 * time.Minute, `duration("PT5M")`},
		{struct{ A int }{1}, `{1}`},
		{[]int(nil), `null`},
		{math.Inf(1), `+Inf`},
	} {
		if got := Format(c.in); got != c.want {
			t.Errorf("Format(%#v) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestFormatRoundTrip checks that Format writes FEEL literals: compiled
// and evaluated, they give the value back.
func TestFormatRoundTrip(t *testing.T) {
	for _, v := range []any{
		nil, true, false, 0.0, -1.0, 0.1, 1e300, 5e-324, -123.456, "", "x", "\"\\\n\r\t\x01\u2028😀",
		[]any{1.0, []any{"a", nil}}, map[string]any{"a": 1.0, "b c": []any{}, "or": map[string]any{}},
		time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("", -5400)),
		Duration{}, Duration{Months: -25}, Duration{Days: 1, Time: -time.Hour}, Duration{Time: math.MinInt64 / 2},
		Duration{Months: 1, Days: -2, Time: 3}, Duration{Days: 106751},
	} {
		src := "=" + Format(v)
		e, err := Compile(src)
		if err != nil {
			t.Errorf("Compile(%s): %v", src, err)
			continue
		}
		got, err := e.Eval(nil)
		if err != nil || equal(got, v) != true {
			t.Errorf("%s = %s, %v", src, Format(got), err)
		}
	}
}
