package feel

import (
	"math"
	"strings"
	"time"
)

// env is the state of one evaluation. It is passed by value so that an
// evaluation allocates nothing of its own.
type env struct {
	vars   Vars
	now    time.Time
	hasNow bool
}

func newEnv(vars Vars) env {
	if vars == nil {
		vars = noVars{}
	}
	return env{vars: vars}
}

// evalFn evaluates a compiled node. Errors are *evalError.
type evalFn func(env) (any, error)

// testFn evaluates a unary test of "in" against the operand x.
type testFn func(en env, x any) (any, error)

// compiler turns a tree into closures with the semantics of one dialect.
type compiler struct{ juel bool }

// fold replaces every subtree without variables or now() by its value,
// computed once, and reports whether n is such a subtree. A subtree whose
// evaluation fails is kept, so that the failure shows at run time.
func (c *compiler) fold(n *node) bool {
	if n.kind == nDefined { // the argument must stay a name or path
		for _, k := range n.kids[0].kids {
			c.fold(k)
		}
		return false
	}
	static := n.kind != nName && n.kind != nNow
	for _, k := range n.kids {
		if !c.fold(k) {
			static = false
		}
	}
	if !static || n.kind == nLit || n.kind == nRange || n.kind == nTest {
		return static
	}
	if v, err := c.compile(n)(newEnv(nil)); err == nil {
		*n = node{kind: nLit, pos: n.pos, val: v}
	}
	return true
}

// collect appends the variables n refers to, except item inside a FEEL
// filter, and reports whether n calls now().
func (c *compiler) collect(n *node, names *[]string, inFilter bool) (now bool) {
	switch {
	case n.kind == nName && !(inFilter && n.name == "item"):
		*names = append(*names, n.name)
	case n.kind == nNow:
		now = true
	}
	for i, k := range n.kids {
		filter := inFilter || n.kind == nIndex && i == 1 && !c.juel
		if c.collect(k, names, filter) {
			now = true
		}
	}
	return now
}

func (c *compiler) compile(n *node) evalFn {
	switch n.kind {
	case nLit:
		return constant(n.val)
	case nName:
		return c.variable(n)
	case nPath:
		return c.path(n)
	case nIndex:
		if c.juel {
			return c.juelIndex(n)
		}
		return c.index(n)
	case nCall:
		return c.call(n)
	case nNow:
		return now(n.pos)
	case nDefined:
		return c.defined(n.kids[0])
	case nNeg, nNot, nEmpty:
		return c.unary(n)
	case nBinary:
		return c.binary(n)
	case nAnd, nOr:
		return c.logic(n)
	case nIf:
		return c.cond(n)
	case nBetween:
		return c.between(n)
	case nIn:
		return c.in(n)
	case nList:
		return c.list(n)
	case nContext:
		return c.context(n)
	case nTemplate:
		return c.template(n)
	}
	return func(env) (any, error) { return nil, failAt(n.pos, "internal error: cannot evaluate node %d", n.kind) }
}

func (c *compiler) compileAll(ns []*node) []evalFn {
	fns := make([]evalFn, len(ns))
	for i, n := range ns {
		fns[i] = c.compile(n)
	}
	return fns
}

// constant returns v; lists and contexts are copied each time, as the
// caller may modify them.
func constant(v any) evalFn {
	switch v.(type) {
	case []any, map[string]any:
		return func(env) (any, error) { return clone(v), nil }
	}
	return func(env) (any, error) { return v, nil }
}

func (c *compiler) variable(n *node) evalFn {
	name, pos := n.name, n.pos
	if c.juel {
		return func(en env) (any, error) {
			v, ok := en.vars.Lookup(name)
			if !ok {
				return nil, failAt(pos, "unknown variable %q", name)
			}
			return normalize(v), nil
		}
	}
	return func(en env) (any, error) {
		v, _ := en.vars.Lookup(name)
		return normalize(v), nil
	}
}

func now(pos int) evalFn {
	return func(en env) (any, error) {
		if !en.hasNow {
			return nil, failAt(pos, "now() needs an evaluation time: use EvalAt")
		}
		return en.now, nil
	}
}

func (c *compiler) path(n *node) evalFn {
	base, key, pos, juel := c.compile(n.kids[0]), n.name, n.pos, c.juel
	return func(en env) (any, error) {
		v, err := base(en)
		if err != nil {
			return nil, err
		}
		if !juel {
			return member(v, key), nil
		}
		switch x := v.(type) {
		case nil:
			return nil, nil
		case map[string]any:
			return normalize(x[key]), nil
		}
		return nil, failAt(pos, "cannot read property %q of %s", key, typeName(v))
	}
}

// member is FEEL path access: a context entry, the entry of every context
// in a list, or a component of a date-time or duration.
func member(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		return normalize(x[key])
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = member(normalize(e), key)
		}
		return out
	case time.Time:
		return timeProperty(x, key)
	case Duration:
		return x.property(key)
	}
	return nil
}

// index compiles FEEL list[selector]. A number selects an element, a
// string a context entry; anything else filters the list, evaluating the
// selector for each element with item (and its entries) in scope.
func (c *compiler) index(n *node) evalFn {
	base, sel := c.compile(n.kids[0]), c.compile(n.kids[1])
	if isPredicate(n.kids[1]) {
		return func(en env) (any, error) {
			v, err := base(en)
			if err != nil {
				return nil, err
			}
			return filter(en, v, sel)
		}
	}
	return func(en env) (any, error) {
		v, err := base(en)
		if err != nil {
			return nil, err
		}
		k, err := sel(en)
		if err != nil {
			return nil, err
		}
		switch k := k.(type) {
		case float64:
			return at(v, k), nil
		case string:
			m, _ := v.(map[string]any)
			return normalize(m[k]), nil
		}
		return filter(en, v, sel)
	}
}

// isPredicate reports whether n always gives a boolean, so that as a
// selector it filters.
func isPredicate(n *node) bool {
	switch n.kind {
	case nAnd, nOr, nNot, nBetween, nIn, nDefined:
		return true
	case nBinary:
		return n.op.isCompare()
	case nLit:
		_, ok := n.val.(bool)
		return ok
	}
	return false
}

// at returns element k of list v, counting from 1, or from -1 backwards.
func at(v any, k float64) any {
	l, ok := v.([]any)
	n := float64(len(l))
	switch {
	case !ok || k != math.Trunc(k):
		return nil
	case k >= 1 && k <= n:
		return normalize(l[int(k)-1])
	case k <= -1 && k >= -n:
		return normalize(l[len(l)+int(k)])
	}
	return nil
}

// filter keeps the elements of list v for which pred is true.
func filter(en env, v any, pred evalFn) (any, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, nil
	}
	sc := &itemScope{parent: en.vars}
	en.vars = sc
	out := []any{}
	for _, e := range l {
		sc.item = normalize(e)
		r, err := pred(en)
		if err != nil {
			return nil, err
		}
		if b, _ := r.(bool); b {
			out = append(out, e)
		}
	}
	return out, nil
}

// itemScope makes item and the entries of a context item visible to a
// filter.
type itemScope struct {
	item   any
	parent Vars
}

func (s *itemScope) Lookup(name string) (any, bool) {
	if name == "item" {
		return s.item, true
	}
	if m, ok := s.item.(map[string]any); ok {
		if v, ok := m[name]; ok {
			return v, true
		}
	}
	return s.parent.Lookup(name)
}

// juelIndex compiles JUEL a[k]: a list element counting from 0, or a map
// entry.
func (c *compiler) juelIndex(n *node) evalFn {
	base, sel, pos := c.compile(n.kids[0]), c.compile(n.kids[1]), n.pos
	return func(en env) (any, error) {
		v, err := base(en)
		if err != nil {
			return nil, err
		}
		k, err := sel(en)
		if err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case nil:
			return nil, nil
		case map[string]any:
			s, _ := stringOf(k)
			return normalize(x[s]), nil
		case []any:
			f, err := juelNumber(k)
			if err != nil || f != math.Trunc(f) {
				return nil, failAt(pos, "invalid list index %s", Format(k))
			}
			if f < 0 || f >= float64(len(x)) {
				return nil, nil
			}
			return normalize(x[int(f)]), nil
		}
		return nil, failAt(pos, "cannot index %s", typeName(v))
	}
}

func (c *compiler) call(n *node) evalFn {
	args, b := c.compileAll(n.kids), n.fn
	switch {
	case b.f1 != nil:
		f, a := b.f1, args[0]
		return func(en env) (any, error) {
			x, err := a(en)
			if err != nil {
				return nil, err
			}
			return f(x), nil
		}
	case b.f2 != nil:
		f, a1, a2 := b.f2, args[0], args[1]
		return func(en env) (any, error) {
			x, err := a1(en)
			if err != nil {
				return nil, err
			}
			y, err := a2(en)
			if err != nil {
				return nil, err
			}
			return f(x, y), nil
		}
	}
	f := b.fn
	return func(en env) (any, error) {
		vals := make([]any, len(args))
		for i, a := range args {
			v, err := a(en)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		return f(vals), nil
	}
}

// defined compiles is defined(arg): whether a variable or context entry
// exists (even if null). Any other argument is defined.
func (c *compiler) defined(arg *node) evalFn {
	switch arg.kind {
	case nName:
		name := arg.name
		return func(en env) (any, error) {
			_, ok := en.vars.Lookup(name)
			return ok, nil
		}
	case nPath:
		base, key := c.compile(arg.kids[0]), arg.name
		return func(en env) (any, error) {
			v, err := base(en)
			m, _ := v.(map[string]any)
			_, ok := m[key]
			return ok, err
		}
	}
	f := c.compile(arg)
	return func(en env) (any, error) {
		_, err := f(en)
		return err == nil, err
	}
}

func (c *compiler) unary(n *node) evalFn {
	arg, kind, pos, juel := c.compile(n.kids[0]), n.kind, n.pos, c.juel
	return func(en env) (any, error) {
		v, err := arg(en)
		if err != nil {
			return nil, err
		}
		if juel {
			return juelUnary(kind, v, pos)
		}
		switch x := v.(type) {
		case float64:
			if kind == nNeg {
				return -x, nil
			}
		case Duration:
			if kind == nNeg {
				return x.neg(), nil
			}
		case bool:
			if kind == nNot {
				return !x, nil
			}
		}
		return nil, nil
	}
}

func juelUnary(kind nodeKind, v any, pos int) (any, error) {
	switch kind {
	case nNeg:
		f, err := juelNumber(v)
		return located(-f, err, pos)
	case nNot:
		b, err := juelBool(v)
		return located(!b, err, pos)
	}
	return isEmpty(v), nil
}

// located returns v, or err located at pos if err is not nil.
func located(v any, err error, pos int) (any, error) {
	if err != nil {
		return nil, failAt(pos, "%v", err)
	}
	return v, nil
}

// binary compiles arithmetic and comparisons. A comparison with a
// constant number or string gets a closure that compares without boxing.
func (c *compiler) binary(n *node) evalFn {
	if f := c.compareConst(n); f != nil {
		return f
	}
	l, r, o, slow := c.compile(n.kids[0]), c.compile(n.kids[1]), n.op, c.binaryFn(n.pos)
	return func(en env) (any, error) {
		a, err := l(en)
		if err != nil {
			return nil, err
		}
		b, err := r(en)
		if err != nil {
			return nil, err
		}
		return slow(o, a, b)
	}
}

// binaryFn returns the operator semantics of the dialect, failing at pos.
func (c *compiler) binaryFn(pos int) func(o op, a, b any) (any, error) {
	if !c.juel {
		return func(o op, a, b any) (any, error) {
			if o.isCompare() {
				return feelCompare(o, a, b), nil
			}
			return arith(o, a, b), nil
		}
	}
	return func(o op, a, b any) (any, error) {
		if o.isCompare() {
			v, err := juelCompare(o, a, b)
			return located(v, err, pos)
		}
		v, err := juelArith(o, a, b)
		return located(v, err, pos)
	}
}

// compareConst compiles a comparison with a constant number or string on
// either side. The usual "amount > 100" then compares without boxing and
// reads a variable operand straight from Vars. Nil if n is no such
// comparison.
func (c *compiler) compareConst(n *node) evalFn {
	o, x, k := n.op, n.kids[0], n.kids[1]
	if !o.isCompare() {
		return nil
	}
	if x.kind == nLit {
		x, k, o = k, x, o.flip()
	}
	if k.kind != nLit {
		return nil
	}
	get, slow, name := c.compile(x), c.binaryFn(n.pos), ""
	if x.kind == nName {
		name = x.name
	}
	switch kc := k.val.(type) {
	case float64:
		return compareWith(o, kc, name, get, slow)
	case string:
		return compareWith(o, kc, name, get, slow)
	}
	return nil
}

// compareWith compiles "get o k"; name is the variable get reads, if any.
// Operands of other types, and NaN, go the slow way.
func compareWith[T float64 | string](o op, k T, name string, get evalFn, slow func(op, any, any) (any, error)) evalFn {
	var kv any = k
	general := func(en env) (any, error) {
		a, err := get(en)
		if x, ok := a.(T); ok && err == nil && x == x {
			return ordered(o, x, k), nil
		}
		if err != nil {
			return nil, err
		}
		return slow(o, a, kv)
	}
	if name == "" {
		return general
	}
	return func(en env) (any, error) {
		v, _ := en.vars.Lookup(name)
		if x, ok := v.(T); ok && x == x {
			return ordered(o, x, k), nil
		}
		return general(en)
	}
}

// ordered applies comparison o to two numbers (not NaN) or strings.
func ordered[T float64 | string](o op, x, y T) bool {
	switch o {
	case opEq:
		return x == y
	case opNe:
		return x != y
	case opLt:
		return x < y
	case opLe:
		return x <= y
	case opGt:
		return x > y
	}
	return x >= y
}

// logic compiles and/or. FEEL is three-valued: false decides "and", true
// decides "or", and a non-boolean operand counts as null. JUEL coerces
// both operands to booleans.
func (c *compiler) logic(n *node) evalFn {
	l, r, decide := c.compile(n.kids[0]), c.compile(n.kids[1]), n.kind == nOr
	if c.juel {
		return juelLogic(l, r, n.kids[0].pos, n.kids[1].pos, decide)
	}
	return func(en env) (any, error) {
		a, err := l(en)
		if err != nil {
			return nil, err
		}
		x, xok := a.(bool)
		if xok && x == decide {
			return decide, nil
		}
		b, err := r(en)
		if err != nil {
			return nil, err
		}
		if y, ok := b.(bool); ok && (y == decide || xok) {
			return y, nil
		}
		return nil, nil
	}
}

func juelLogic(l, r evalFn, lpos, rpos int, decide bool) evalFn {
	return func(en env) (any, error) {
		a, err := l(en)
		if err != nil {
			return nil, err
		}
		if x, err := juelBool(a); err != nil || x == decide {
			return located(decide, err, lpos)
		}
		b, err := r(en)
		if err != nil {
			return nil, err
		}
		return juelOperand(b, rpos)
	}
}

func juelOperand(v any, pos int) (any, error) {
	b, err := juelBool(v)
	return located(b, err, pos)
}

func (c *compiler) cond(n *node) evalFn {
	test, a, b := c.compile(n.kids[0]), c.compile(n.kids[1]), c.compile(n.kids[2])
	juel, pos := c.juel, n.kids[0].pos
	return func(en env) (any, error) {
		v, err := test(en)
		if err != nil {
			return nil, err
		}
		if juel {
			if v, err = juelOperand(v, pos); err != nil {
				return nil, err
			}
		}
		if t, _ := v.(bool); t {
			return a(en)
		}
		return b(en)
	}
}

func (c *compiler) between(n *node) evalFn {
	x, lo, hi := c.compile(n.kids[0]), c.compile(n.kids[1]), c.compile(n.kids[2])
	return func(en env) (any, error) {
		v, err := x(en)
		if err != nil {
			return nil, err
		}
		return rangeHolds(en, v, lo, hi, opGe, opLe)
	}
}

// rangeHolds checks "lo op1 v" and "v op2 hi", three-valued.
func rangeHolds(en env, v any, lo, hi evalFn, op1, op2 op) (any, error) {
	l, err := lo(en)
	if err != nil {
		return nil, err
	}
	h, err := hi(en)
	if err != nil {
		return nil, err
	}
	return and3(feelCompare(op1, v, l), feelCompare(op2, v, h)), nil
}

// in compiles "x in tests": true if a test holds, else null if one gave
// null, else false.
func (c *compiler) in(n *node) evalFn {
	x := c.compile(n.kids[0])
	tests := make([]testFn, len(n.kids)-1)
	for i, t := range n.kids[1:] {
		tests[i] = c.test(t)
	}
	return func(en env) (any, error) {
		v, err := x(en)
		if err != nil {
			return nil, err
		}
		var res any = false
		for _, t := range tests {
			r, err := t(en, v)
			if err != nil || r == true {
				return r, err
			}
			if r == nil {
				res = nil
			}
		}
		return res, nil
	}
}

func (c *compiler) test(n *node) testFn {
	switch n.kind {
	case nRange:
		lo, hi := c.compile(n.kids[0]), c.compile(n.kids[1])
		op1, op2 := opGe, opLe
		if n.open[0] {
			op1 = opGt
		}
		if n.open[1] {
			op2 = opLt
		}
		return func(en env, x any) (any, error) { return rangeHolds(en, x, lo, hi, op1, op2) }
	case nTest:
		y, o := c.compile(n.kids[0]), n.op
		return func(en env, x any) (any, error) {
			v, err := y(en)
			if err != nil {
				return nil, err
			}
			return feelCompare(o, x, v), nil
		}
	case nLit:
		v := n.val // not handed out, so not copied
		return func(_ env, x any) (any, error) { return matches(x, v), nil }
	}
	y := c.compile(n)
	return func(en env, x any) (any, error) {
		v, err := y(en)
		if err != nil {
			return nil, err
		}
		return matches(x, v), nil
	}
}

// matches is the value test of "in": x equals v, or, if v is a list, an
// element of v.
func matches(x, v any) any {
	l, ok := v.([]any)
	if !ok {
		return equal(x, v)
	}
	var res any = false
	for _, e := range l {
		switch equal(x, e) {
		case true:
			return true
		case nil:
			res = nil
		}
	}
	return res
}

func (c *compiler) list(n *node) evalFn {
	items := c.compileAll(n.kids)
	return func(en env) (any, error) {
		out := make([]any, len(items))
		for i, f := range items {
			v, err := f(en)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
}

func (c *compiler) context(n *node) evalFn {
	keys, vals := n.keys, c.compileAll(n.kids)
	return func(en env) (any, error) {
		out := make(map[string]any, len(keys))
		for i, f := range vals {
			v, err := f(en)
			if err != nil {
				return nil, err
			}
			out[keys[i]] = v
		}
		return out, nil
	}
}

// template compiles JUEL composite text: each part as a string, null as
// the empty string.
func (c *compiler) template(n *node) evalFn {
	parts := c.compileAll(n.kids)
	return func(en env) (any, error) {
		var b strings.Builder
		for _, f := range parts {
			v, err := f(en)
			if err != nil {
				return nil, err
			}
			s, _ := stringOf(v)
			b.WriteString(s)
		}
		return b.String(), nil
	}
}
