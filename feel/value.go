package feel

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// normalize maps a Go value from Vars onto the value model: every number
// becomes float64, a time.Duration a Duration, other slices []any and
// maps with string keys map[string]any. Nil slices and maps are null, as
// in JSON. Other values stay opaque.
func normalize(v any) any {
	switch x := v.(type) {
	case nil, bool, float64, string, time.Time, Duration:
		return v
	case []any:
		if x == nil {
			return nil
		}
		return v
	case map[string]any:
		if x == nil {
			return nil
		}
		return v
	}
	return normalizeSlow(v)
}

func normalizeSlow(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return string(x)
	case time.Duration:
		return Duration{Time: x}
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = normalize(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		if rv.IsNil() {
			return nil
		}
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			out[it.Key().String()] = normalize(it.Value().Interface())
		}
		return out
	}
	return v
}

// typeName names the type of a value in messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "list"
	case map[string]any:
		return "context"
	case time.Time:
		return "date and time"
	case Duration:
		return "duration"
	}
	return fmt.Sprintf("%T", v)
}

// equal is FEEL equality: true or false, or nil when a and b have
// different types and so cannot be compared. Null equals only null.
func equal(a, b any) any {
	a, b = normalize(a), normalize(b)
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case float64:
		if y, ok := b.(float64); ok {
			return x == y
		}
	case string:
		if y, ok := b.(string); ok {
			return x == y
		}
	case bool:
		if y, ok := b.(bool); ok {
			return x == y
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Equal(y)
		}
	case Duration:
		if y, ok := b.(Duration); ok {
			c, ok := x.cmp(y)
			return ok && c == 0 || x == y
		}
	case []any:
		if y, ok := b.([]any); ok {
			return listEqual(x, y)
		}
	case map[string]any:
		if y, ok := b.(map[string]any); ok {
			return contextEqual(x, y)
		}
	}
	return nil
}

func listEqual(x, y []any) any {
	if len(x) != len(y) {
		return false
	}
	var res any = true
	for i := range x {
		switch equal(x[i], y[i]) {
		case false:
			return false
		case nil:
			res = nil
		}
	}
	return res
}

func contextEqual(x, y map[string]any) any {
	if len(x) != len(y) {
		return false
	}
	var res any = true
	for k, xv := range x {
		yv, ok := y[k]
		if !ok {
			return false
		}
		switch equal(xv, yv) {
		case false:
			return false
		case nil:
			res = nil
		}
	}
	return res
}

// compare orders two numbers, strings, date-times or durations of the
// same kind; ok is false for any other pair.
func compare(a, b any) (c int, ok bool) {
	switch x := a.(type) {
	case float64:
		if y, ok := b.(float64); ok && !math.IsNaN(x) && !math.IsNaN(y) {
			return cmpOrdered(x, y), true
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), true
		}
	case Duration:
		if y, ok := b.(Duration); ok {
			return x.cmp(y)
		}
	}
	return 0, false
}

func cmpOrdered[T int | float64 | time.Duration](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// holds reports whether comparison result c satisfies o.
func holds(o op, c int) bool {
	switch o {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	}
	return c >= 0
}

// flip returns the operator that gives the same result with the operands
// swapped.
func (o op) flip() op {
	switch o {
	case opLt:
		return opGt
	case opLe:
		return opGe
	case opGt:
		return opLt
	case opGe:
		return opLe
	}
	return o
}

// feelCompare applies a comparison operator with FEEL semantics: = and !=
// follow equal; ordering of incomparable values or null is null.
func feelCompare(o op, a, b any) any {
	switch o {
	case opEq:
		return equal(a, b)
	case opNe:
		if r, ok := equal(a, b).(bool); ok {
			return !r
		}
		return nil
	}
	c, ok := compare(normalize(a), normalize(b))
	if !ok {
		return nil
	}
	return holds(o, c)
}

// and3 is three-valued conjunction: false wins, then null.
func and3(a, b any) any {
	x, xok := a.(bool)
	y, yok := b.(bool)
	switch {
	case xok && !x || yok && !y:
		return false
	case xok && yok:
		return true
	}
	return nil
}

// arith applies an arithmetic operator with FEEL semantics. Operands of
// the wrong types, division by zero and results that are not finite give
// null.
func arith(o op, a, b any) any {
	switch x := a.(type) {
	case float64:
		switch y := b.(type) {
		case float64:
			return number(numOp(o, x, y))
		case Duration:
			if o == opMul {
				return y.scale(x, false)
			}
		}
	case string:
		if y, ok := b.(string); ok && o == opAdd {
			return x + y
		}
	case time.Time:
		return timeArith(o, x, b)
	case Duration:
		return durationArith(o, x, b)
	}
	return nil
}

func numOp(o op, x, y float64) float64 {
	switch o {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opDiv:
		return x / y
	case opMod:
		return math.Mod(x, y)
	}
	return math.Pow(x, y)
}

// number returns f, or nil if it is not finite.
func number(f float64) any {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil
	}
	return f
}

func timeArith(o op, t time.Time, b any) any {
	switch y := b.(type) {
	case Duration:
		switch o {
		case opAdd:
			return inRange(y.AddTo(t))
		case opSub:
			return inRange(y.neg().AddTo(t))
		}
	case time.Time:
		if d := t.Sub(y); o == opSub && d != math.MaxInt64 && d != math.MinInt64 {
			return Duration{Time: d}
		}
	}
	return nil
}

// inRange returns t, or nil if its year is outside 1 to 9999, which
// date-time literals cannot write.
func inRange(t time.Time) any {
	if y := t.Year(); y < 1 || y > 9999 {
		return nil
	}
	return t
}

func durationArith(o op, d Duration, b any) any {
	switch y := b.(type) {
	case Duration:
		switch o {
		case opAdd:
			return d.plus(y)
		case opSub:
			return d.plus(y.neg())
		case opDiv:
			return d.ratio(y)
		}
	case time.Time:
		if o == opAdd {
			return inRange(d.AddTo(y))
		}
	case float64:
		switch o {
		case opMul:
			return d.scale(y, false)
		case opDiv:
			return d.scale(y, true)
		}
	}
	return nil
}

// JUEL coercions (Unified EL 2.2, section 1.18).

// juelNumber coerces null to 0 and a numeric string to its value.
func juelNumber(v any) (float64, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case float64:
		return x, nil
	case string:
		if f, ok := parseNumber(strings.TrimSpace(x)); ok {
			return f, nil
		}
		return 0, fmt.Errorf("cannot convert %s to a number", quote(x))
	}
	return 0, fmt.Errorf("cannot convert %s to a number", typeName(v))
}

// juelBool coerces null to false and a string to whether it is "true".
func juelBool(v any) (bool, error) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool:
		return x, nil
	case string:
		return strings.EqualFold(x, "true"), nil
	}
	return false, fmt.Errorf("cannot convert %s to a boolean", typeName(v))
}

func juelEqual(a, b any) (bool, error) {
	_, an := a.(float64)
	_, bn := b.(float64)
	_, ab := a.(bool)
	_, bb := b.(bool)
	_, as := a.(string)
	_, bs := b.(string)
	switch {
	case a == nil || b == nil:
		return a == nil && b == nil, nil
	case an || bn:
		x, err := juelNumber(a)
		y, err2 := juelNumber(b)
		return x == y, errors.Join(err, err2)
	case ab || bb:
		x, err := juelBool(a)
		y, err2 := juelBool(b)
		return x == y, errors.Join(err, err2)
	case as || bs:
		x, _ := stringOf(a)
		y, _ := stringOf(b)
		return x == y, nil
	}
	return equal(a, b) == true, nil
}

func juelCompare(o op, a, b any) (any, error) {
	if o == opEq || o == opNe {
		eq, err := juelEqual(a, b)
		return eq == (o == opEq), err
	}
	if a == nil || b == nil {
		return false, nil
	}
	a, b, err := coerceMixed(a, b)
	if err != nil {
		return nil, err
	}
	c, ok := compare(a, b)
	if !ok {
		return nil, fmt.Errorf("cannot compare %s with %s", typeName(a), typeName(b))
	}
	return holds(o, c), nil
}

// coerceMixed converts the string of a number-string pair to a number.
func coerceMixed(a, b any) (any, any, error) {
	if _, ok := a.(float64); ok {
		if s, ok := b.(string); ok {
			f, err := juelNumber(s)
			return a, f, err
		}
	}
	if _, ok := b.(float64); ok {
		if s, ok := a.(string); ok {
			f, err := juelNumber(s)
			return f, b, err
		}
	}
	return a, b, nil
}

func juelArith(o op, a, b any) (any, error) {
	x, err := juelNumber(a)
	if err != nil {
		return nil, err
	}
	y, err := juelNumber(b)
	if err != nil {
		return nil, err
	}
	if (o == opDiv || o == opMod) && y == 0 {
		return nil, errors.New("division by zero")
	}
	r := numOp(o, x, y)
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return nil, errors.New("numeric overflow")
	}
	return r, nil
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// parseNumber parses a decimal number: optional sign, digits with an
// optional fraction and exponent. Unlike strconv.ParseFloat it rejects
// "Inf", "NaN", hexadecimal and underscores.
func parseNumber(s string) (float64, bool) {
	digits := false
	for i, c := range s {
		switch {
		case c < utf8.RuneSelf && isDigit(byte(c)):
			digits = true
		case c == '.' || c == 'e' || c == 'E' || (c == '+' || c == '-') && (i == 0 || s[i-1]|0x20 == 'e'):
		default:
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, digits && err == nil
}

// clone copies lists and contexts deeply, so a constant held by a compiled
// expression is never handed out to be modified.
func clone(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clone(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = clone(e)
		}
		return out
	}
	return v
}

// ToString converts a string or number to a string, as a message
// correlation key needs: numbers are written in decimal without a
// trailing ".0" (42 → "42", 1.5 → "1.5"). Go integer types count as
// numbers. ok is false for null and every other type.
func ToString(v any) (s string, ok bool) {
	switch x := normalize(v).(type) {
	case string:
		return x, true
	case float64:
		return formatNumber(x), true
	}
	return "", false
}

// stringOf is FEEL string(x): a string as is, numbers as in ToString,
// date-times in RFC 3339, durations in ISO 8601, and lists and contexts as
// in Format. ok is false for null, which gives "".
func stringOf(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case float64:
		return formatNumber(x), true
	case bool:
		return strconv.FormatBool(x), true
	case time.Time:
		return formatTime(x), true
	case Duration:
		return x.String(), true
	}
	return Format(v), true
}

func formatNumber(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func formatTime(t time.Time) string {
	s := t.Format(time.RFC3339Nano)
	if name := t.Location().String(); strings.Contains(name, "/") {
		s += "[" + name + "]"
	}
	return s
}

// Format returns the canonical display of a value as a FEEL literal that
// evaluates to it: null, true, 42, 1.5, "text" (quoted, escaped),
// [1, "a"], {a: 1, "b c": 2} (keys sorted), date and time("2024-01-02T03:04:05Z")
// and duration("P1DT2H"). Go integer types print as numbers; other Go
// values print as with fmt's %v.
func Format(v any) string {
	var b strings.Builder
	format(&b, v)
	return b.String()
}

func format(b *strings.Builder, v any) {
	switch x := normalize(v).(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(quote(x))
	case time.Time:
		b.WriteString(`date and time("` + formatTime(x) + `")`)
	case Duration:
		b.WriteString(`duration("` + x.String() + `")`)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		formatContext(b, x)
	case bool, float64:
		s, _ := stringOf(x)
		b.WriteString(s)
	default:
		fmt.Fprintf(b, "%v", x)
	}
}

func formatContext(b *strings.Builder, m map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		if isName(k) {
			b.WriteString(k)
		} else {
			b.WriteString(quote(k))
		}
		b.WriteString(": ")
		format(b, m[k])
	}
	b.WriteByte('}')
}

// isName reports whether s can be written as a bare FEEL name.
func isName(s string) bool {
	if s == "" || feelReserved[s] {
		return false
	}
	for i, r := range s {
		if !unicode.IsLetter(r) && r != '_' && (i == 0 || !unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// quote writes s as a FEEL string literal, using only escapes the lexer
// reads back.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsPrint(r) || r == utf8.RuneError:
			b.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
