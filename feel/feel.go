package feel

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Vars looks up the variables of an evaluation. The engine implements it
// over its nested scopes; Lookup reports whether name is defined (a
// defined variable may hold nil, which is null). Values may be of any Go
// type; see the package documentation for how they are read.
type Vars interface {
	Lookup(name string) (any, bool)
}

// MapVars is Vars backed by a map.
type MapVars map[string]any

// Lookup returns m[name].
func (m MapVars) Lookup(name string) (any, bool) {
	v, ok := m[name]
	return v, ok
}

var (
	_ Vars = MapVars(nil)
	_ Vars = noVars{}
	_ Vars = (*itemScope)(nil)
)

// noVars defines no variables; it stands in for nil Vars.
type noVars struct{}

func (noVars) Lookup(string) (any, bool) { return nil, false }

// Expr is a compiled expression. It is immutable and safe for concurrent
// use by any number of goroutines.
type Expr struct {
	src    string
	body   int // offset of the expression proper in src, for errors
	fn     evalFn
	vars   []string
	static bool
}

// Compile compiles an expression that must be evaluated, such as a
// condition: "=a > 1" (FEEL), "${a > 1}" or "#{a > 1}" (JUEL; text around
// or between such parts makes a JUEL composite string), or a bare "a > 1",
// which is FEEL too. White space around src is ignored. An expression
// that is not in the accepted subset gives an *Error wrapping ErrSyntax.
func Compile(src string) (*Expr, error) { return compile(src, false) }

// CompileValue compiles an attribute that is a static value unless marked
// as an expression, as Zeebe reads timer values, job types and message
// names: "=..." is FEEL, text holding "${...}" or "#{...}" is JUEL
// (for example "PT${minutes}M"), and any other text, white space around it
// removed, is a literal string.
func CompileValue(src string) (*Expr, error) { return compile(src, true) }

func compile(src string, value bool) (*Expr, error) {
	if !utf8.ValidString(src) {
		return nil, syntaxErr(src, invalidUTF8(src), "invalid UTF-8")
	}
	lo := len(src) - len(strings.TrimLeftFunc(src, unicode.IsSpace))
	hi := max(lo, len(strings.TrimRightFunc(src, unicode.IsSpace)))
	body := src[lo:hi]
	var n *node
	var err error
	juel := false
	switch {
	case strings.HasPrefix(body, "="):
		lo++
		n, err = parseFEEL(src, lo)
	case strings.HasPrefix(body, "${") || strings.HasPrefix(body, "#{") ||
		value && (strings.Contains(body, "${") || strings.Contains(body, "#{")):
		juel = true
		n, err = parseTemplate(src, lo, hi)
	case value:
		return &Expr{src: src, body: lo, fn: constant(body), static: true}, nil
	default:
		n, err = parseFEEL(src, lo)
	}
	if err != nil {
		return nil, err
	}
	return build(src, lo, n, juel), nil
}

// invalidUTF8 returns the offset of the first invalid byte in s.
func invalidUTF8(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return i
			}
		}
	}
	return 0
}

func parseFEEL(src string, start int) (*node, error) {
	toks, _, err := lex(src, start, 0, false)
	if err != nil {
		return nil, err
	}
	return parseExpr(src, toks, false)
}

// parseTemplate parses JUEL composite text between lo and hi: literal text
// ("\${" escapes "${") and ${...} or #{...} parts. A template of one part
// is that part, so "${x}" has the value of x rather than its text.
func parseTemplate(src string, lo, hi int) (*node, error) {
	t := &node{kind: nTemplate, pos: lo}
	var text strings.Builder
	flush := func(pos int) {
		if text.Len() > 0 {
			t.kids = append(t.kids, lit(pos, text.String()))
			text.Reset()
		}
	}
	for i := lo; i < hi; {
		rest := src[i:hi]
		switch {
		case strings.HasPrefix(rest, `\${`) || strings.HasPrefix(rest, `\#{`):
			text.WriteString(rest[1:3])
			i += 3
		case strings.HasPrefix(rest, "${") || strings.HasPrefix(rest, "#{"):
			flush(i)
			toks, end, err := lex(src, i+2, i, true)
			if err != nil {
				return nil, err
			}
			n, err := parseExpr(src, toks, true)
			if err != nil {
				return nil, err
			}
			t.kids = append(t.kids, n)
			i = end
		default:
			text.WriteByte(src[i])
			i++
		}
	}
	flush(hi)
	if len(t.kids) == 1 {
		return t.kids[0], nil
	}
	return t, nil
}

func build(src string, body int, n *node, juel bool) *Expr {
	c := &compiler{juel: juel}
	e := &Expr{src: src, body: body}
	usesNow := c.collect(n, &e.vars, false)
	slices.Sort(e.vars)
	e.vars = slices.Compact(e.vars)
	e.static = len(e.vars) == 0 && !usesNow
	c.fold(n)
	e.fn = c.compile(n)
	return e
}

// Source returns the source the expression was compiled from.
func (e *Expr) Source() string { return e.src }

// IsStatic reports whether the expression refers to no variable and does
// not call now(), so that its value is known at compile time.
func (e *Expr) IsStatic() bool { return e.static }

// Vars returns the sorted names of the variables the expression refers to
// at the top level: "a" for a.b.c. Names inside a FEEL filter may be
// entries of the filtered elements; item is left out there.
func (e *Expr) Vars() []string { return slices.Clone(e.vars) }

// Eval evaluates the expression with vars (nil for none). An expression
// calling now() fails; use EvalAt.
func (e *Expr) Eval(vars Vars) (any, error) { return e.run(newEnv(vars)) }

// EvalAt evaluates the expression with vars, now() giving now.
func (e *Expr) EvalAt(vars Vars, now time.Time) (any, error) {
	en := newEnv(vars)
	en.now, en.hasNow = now, true
	return e.run(en)
}

// EvalBool evaluates a condition. A result that is not a boolean, null
// included, is an error wrapping ErrEval that names the variables of the
// expression vars does not define.
func (e *Expr) EvalBool(vars Vars) (bool, error) { return e.boolean(newEnv(vars)) }

// EvalBoolAt is EvalBool with now() giving now.
func (e *Expr) EvalBoolAt(vars Vars, now time.Time) (bool, error) {
	en := newEnv(vars)
	en.now, en.hasNow = now, true
	return e.boolean(en)
}

func (e *Expr) run(en env) (any, error) {
	if e == nil || e.fn == nil {
		return nil, &Error{Msg: "expression not compiled", Err: ErrEval}
	}
	v, err := e.fn(en)
	if err != nil {
		return nil, e.wrap(err)
	}
	return v, nil
}

func (e *Expr) wrap(err error) error {
	var ee *evalError
	if errors.As(err, &ee) {
		return &Error{Expr: e.src, Pos: ee.pos, Msg: ee.msg, Err: ErrEval}
	}
	return &Error{Expr: e.src, Pos: e.body, Msg: err.Error(), Err: ErrEval}
}

func (e *Expr) boolean(en env) (bool, error) {
	v, err := e.run(en)
	if b, ok := v.(bool); ok || err != nil {
		return b, err
	}
	msg := "condition evaluated to " + clip(Format(v), 40) + ", not a boolean"
	var missing []string
	for _, name := range e.vars {
		if _, ok := en.vars.Lookup(name); !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		msg += " (not defined: " + strings.Join(missing, ", ") + ")"
	}
	return false, &Error{Expr: e.src, Pos: e.body, Msg: msg, Err: ErrEval}
}

// clip shortens s to at most n runes, marking a cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
