package feel

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// builtin is a FEEL built-in function. Built-ins are pure and never fail:
// arguments of the wrong type give null. Exactly one of f1, f2 and fn is
// set, except for not, is defined and now, which the compiler handles.
type builtin struct {
	name     string
	words    []string // name split at spaces, for the parser
	min, max int      // number of arguments; max < 0: no limit
	f1       func(any) any
	f2       func(any, any) any
	fn       func([]any) any
}

var builtins = withWords([]*builtin{
	{name: "abs", min: 1, max: 1, f1: numeric(math.Abs)},
	{name: "append", min: 1, max: -1, fn: appendFn},
	{name: "ceiling", min: 1, max: 1, f1: numeric(math.Ceil)},
	{name: "contains", min: 2, max: 2, f2: stringTest(strings.Contains)},
	{name: "count", min: 1, max: 1, f1: count},
	{name: "date and time", min: 1, max: 1, f1: dateAndTime},
	{name: "duration", min: 1, max: 1, f1: durationFn},
	{name: "ends with", min: 2, max: 2, f2: stringTest(strings.HasSuffix)},
	{name: "floor", min: 1, max: 1, f1: numeric(math.Floor)},
	{name: "is defined", min: 1, max: 1},
	{name: "list contains", min: 2, max: 2, f2: listContains},
	{name: "lower case", min: 1, max: 1, f1: stringMap(strings.ToLower)},
	{name: "max", min: 1, max: -1, fn: extreme(1)},
	{name: "min", min: 1, max: -1, fn: extreme(-1)},
	{name: "not", min: 1, max: 1},
	{name: "now", min: 0, max: 0},
	{name: "number", min: 1, max: 1, f1: numberFn},
	{name: "starts with", min: 2, max: 2, f2: stringTest(strings.HasPrefix)},
	{name: "string", min: 1, max: 1, f1: stringFn},
	{name: "string length", min: 1, max: 1, f1: stringLength},
	{name: "substring", min: 2, max: 3, fn: substring},
	{name: "sum", min: 1, max: -1, fn: sum},
	{name: "upper case", min: 1, max: 1, f1: stringMap(strings.ToUpper)},
})

func withWords(bs []*builtin) []*builtin {
	for _, b := range bs {
		b.words = strings.Fields(b.name)
	}
	return bs
}

// checkArity returns a message if n arguments do not suit b.
func (b *builtin) checkArity(n int) string {
	switch {
	case n >= b.min && (b.max < 0 || n <= b.max):
		return ""
	case b.max < 0:
		return fmt.Sprintf("function %q expects at least %s, got %d", b.name, args(b.min), n)
	case b.min == b.max:
		return fmt.Sprintf("function %q expects %s, got %d", b.name, args(b.min), n)
	}
	return fmt.Sprintf("function %q expects %d to %s, got %d", b.name, b.min, args(b.max), n)
}

func args(n int) string {
	if n == 1 {
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}

// suggest proposes the built-in that name means if it differs only in
// spaces, underscores and case ("upperCase" → "upper case").
func suggest(name string) string {
	squash := func(s string) string {
		return strings.ToLower(strings.NewReplacer(" ", "", "_", "").Replace(s))
	}
	for _, b := range builtins {
		if squash(b.name) == squash(name) {
			return fmt.Sprintf(" (did you mean %q?)", b.name)
		}
	}
	return ""
}

func numeric(f func(float64) float64) func(any) any {
	return func(a any) any {
		if x, ok := a.(float64); ok {
			return f(x)
		}
		return nil
	}
}

func stringMap(f func(string) string) func(any) any {
	return func(a any) any {
		if s, ok := a.(string); ok {
			return f(s)
		}
		return nil
	}
}

func stringTest(f func(string, string) bool) func(any, any) any {
	return func(a, b any) any {
		s, ok1 := a.(string)
		t, ok2 := b.(string)
		if ok1 && ok2 {
			return f(s, t)
		}
		return nil
	}
}

func count(a any) any {
	if l, ok := a.([]any); ok {
		return float64(len(l))
	}
	return nil
}

// items returns the list of a variadic built-in: its only argument if
// that is a list, else all arguments.
func items(args []any) []any {
	if len(args) == 1 {
		if l, ok := args[0].([]any); ok {
			return l
		}
	}
	return args
}

func sum(args []any) any {
	l := items(args)
	if len(l) == 0 {
		return nil
	}
	total := 0.0
	for _, e := range l {
		x, ok := normalize(e).(float64)
		if !ok {
			return nil
		}
		total += x
	}
	return number(total)
}

// extreme returns min (sign -1) or max (sign 1) over comparable values.
func extreme(sign int) func([]any) any {
	return func(args []any) any {
		l := items(args)
		if len(l) == 0 {
			return nil
		}
		best := normalize(l[0])
		if _, ok := compare(best, best); !ok {
			return nil
		}
		for _, e := range l[1:] {
			e = normalize(e)
			c, ok := compare(e, best)
			if !ok {
				return nil
			}
			if c*sign > 0 {
				best = e
			}
		}
		return best
	}
}

func listContains(l, x any) any {
	list, ok := l.([]any)
	if !ok {
		return nil
	}
	for _, e := range list {
		if equal(e, x) == true {
			return true
		}
	}
	return false
}

func stringLength(a any) any {
	if s, ok := a.(string); ok {
		return float64(utf8.RuneCountInString(s))
	}
	return nil
}

func stringFn(a any) any {
	if s, ok := stringOf(a); ok {
		return s
	}
	return nil
}

func numberFn(a any) any {
	switch x := a.(type) {
	case float64:
		return x
	case string:
		if f, ok := parseNumber(x); ok {
			return f
		}
	}
	return nil
}

func dateAndTime(a any) any {
	switch x := a.(type) {
	case time.Time:
		return x
	case string:
		if t, err := ParseDateTime(x); err == nil {
			return t
		}
	}
	return nil
}

func durationFn(a any) any {
	switch x := a.(type) {
	case Duration:
		return x
	case string:
		if d, err := ParseDuration(x); err == nil {
			return d
		}
	}
	return nil
}

// substring(s, start, length?) counts characters from 1; a negative start
// counts from the end.
func substring(args []any) any {
	s, ok := args[0].(string)
	start, ok2 := args[1].(float64)
	if !ok || !ok2 || math.Trunc(start) == 0 || math.IsNaN(start) {
		return nil
	}
	r := []rune(s)
	n := float64(len(r))
	from := math.Trunc(start) - 1
	if start < 0 {
		from = n + math.Trunc(start)
	}
	from = max(0, min(from, n))
	to := n
	if len(args) == 3 {
		l, ok := args[2].(float64)
		if !ok || l < 0 || math.IsNaN(l) {
			return nil
		}
		to = min(n, from+math.Trunc(l))
	}
	return string(r[int(from):int(to)])
}

func appendFn(args []any) any {
	l, ok := args[0].([]any)
	if !ok {
		return nil
	}
	out := make([]any, 0, len(l)+len(args)-1)
	return append(append(out, l...), args[1:]...)
}
