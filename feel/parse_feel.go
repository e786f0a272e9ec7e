package feel

// FEEL grammar, loosest binding first:
//
//	expr       = disjunction
//	disjunction= conjunction { "or" conjunction }
//	conjunction= comparison { "and" comparison }
//	comparison = sum [ ("="|"!="|"<"|"<="|">"|">=") sum
//	                 | "between" sum "and" sum
//	                 | "in" positive-unary-test ]
//	sum        = product { ("+"|"-") product }
//	product    = unary { ("*"|"/") unary }
//	unary      = "-" unary | power
//	power      = postfix [ "**" unary ]
//	postfix    = primary { "." name | "[" expr "]" }
//	primary    = number | string | "true" | "false" | "null" | name
//	           | builtin "(" [ expr { "," expr } ] ")"
//	           | "(" expr ")" | "[" [ expr { "," expr } ] "]"
//	           | "{" [ key ":" expr { "," key ":" expr } ] "}"
//	           | "if" expr "then" expr "else" expr

var feelCompareOps = map[string]op{"=": opEq, "!=": opNe, "<": opLt, "<=": opLe, ">": opGt, ">=": opGe}

// feelReserved are the words that cannot name a variable without
// backticks.
var feelReserved = map[string]bool{
	"true": true, "false": true, "null": true, "and": true, "or": true, "not": true,
	"if": true, "then": true, "else": true, "between": true, "in": true,
	"for": true, "return": true, "some": true, "every": true, "satisfies": true,
	"instance": true, "of": true, "function": true,
}

func (p *parser) expr() *node {
	if !p.enter() {
		return lit(0, nil)
	}
	noIndex := p.noIndex
	p.noIndex = false
	defer func() { p.depth--; p.noIndex = noIndex }()
	n := p.conjunction()
	for {
		t := p.tok()
		if !p.accept("or") {
			return n
		}
		n = &node{kind: nOr, pos: t.pos, kids: []*node{n, p.conjunction()}}
	}
}

func (p *parser) conjunction() *node {
	n := p.comparison()
	for {
		t := p.tok()
		if !p.accept("and") {
			return n
		}
		n = &node{kind: nAnd, pos: t.pos, kids: []*node{n, p.comparison()}}
	}
}

func (p *parser) comparison() *node {
	n := p.sum()
	t := p.tok()
	if o, ok := feelCompareOps[t.text]; ok && t.kind == tOp {
		p.advance()
		return binary(o, t.pos, n, p.sum())
	}
	switch {
	case p.accept("between"):
		lo := p.sum()
		p.expect("and")
		return &node{kind: nBetween, pos: t.pos, kids: []*node{n, lo, p.sum()}}
	case p.accept("in"):
		return &node{kind: nIn, pos: t.pos, kids: append([]*node{n}, p.inTests()...)}
	case p.isWord("instance"):
		return p.fail(t.pos, `"instance of" is not supported`)
	}
	return n
}

func (p *parser) sum() *node {
	n := p.product()
	for {
		t := p.tok()
		switch {
		case p.accept("+"):
			n = binary(opAdd, t.pos, n, p.product())
		case p.accept("-"):
			n = binary(opSub, t.pos, n, p.product())
		default:
			return n
		}
	}
}

func (p *parser) product() *node {
	n := p.unary()
	for {
		t := p.tok()
		switch {
		case p.accept("*"):
			n = binary(opMul, t.pos, n, p.unary())
		case p.accept("/"):
			n = binary(opDiv, t.pos, n, p.unary())
		default:
			return n
		}
	}
}

func (p *parser) unary() *node {
	t := p.tok()
	if !p.enter() {
		return lit(t.pos, nil)
	}
	defer func() { p.depth-- }()
	if p.accept("-") {
		return &node{kind: nNeg, pos: t.pos, kids: []*node{p.unary()}}
	}
	return p.power()
}

func (p *parser) power() *node {
	n := p.postfix(p.primary())
	t := p.tok()
	if p.accept("**") {
		return binary(opPow, t.pos, n, p.unary())
	}
	return n
}

func (p *parser) primary() *node {
	if n, ok := p.primaryLiteral(); ok {
		return n
	}
	t := p.tok()
	switch {
	case p.accept("["):
		return p.list(t.pos, nil)
	case p.accept("{"):
		return p.context(t.pos)
	case p.accept("if"):
		c := p.expr()
		p.expect("then")
		a := p.expr()
		p.expect("else")
		return &node{kind: nIf, pos: t.pos, kids: []*node{c, a, p.expr()}}
	case t.kind == tName:
		return p.name()
	}
	return p.unexpected()
}

// name parses a variable or a built-in function call.
func (p *parser) name() *node {
	t := p.tok()
	if t.quoted {
		p.advance()
		return &node{kind: nName, pos: t.pos, name: t.text}
	}
	if b, words := p.builtinAt(); b != nil {
		p.i += words + 1 // the words and "("
		return p.call(t.pos, b)
	}
	switch t.text {
	case "for", "some", "every", "function":
		return p.fail(t.pos, "%q expressions are not supported", t.text)
	}
	if feelReserved[t.text] {
		return p.unexpected()
	}
	p.advance()
	if p.isOp("(") {
		return p.fail(t.pos, "unknown function %q%s", t.text, suggest(t.text))
	}
	return &node{kind: nName, pos: t.pos, name: t.text}
}

// builtinAt matches the longest built-in name, possibly of several words,
// at the current token followed by "(".
func (p *parser) builtinAt() (b *builtin, words int) {
	for _, cand := range builtins {
		n := len(cand.words)
		if n <= words || p.i+n >= len(p.toks) {
			continue
		}
		match := p.toks[p.i+n].kind == tOp && p.toks[p.i+n].text == "("
		for k := 0; k < n && match; k++ {
			t := p.toks[p.i+k]
			match = t.kind == tName && !t.quoted && t.text == cand.words[k]
		}
		if match {
			b, words = cand, n
		}
	}
	return b, words
}

// call parses the arguments of b after its "(" and checks their number.
func (p *parser) call(pos int, b *builtin) *node {
	n := &node{kind: nCall, pos: pos, fn: b}
	if !p.accept(")") {
		n.kids = append(n.kids, p.expr())
		for p.accept(",") {
			n.kids = append(n.kids, p.expr())
		}
		p.expect(")")
	}
	if msg := b.checkArity(len(n.kids)); msg != "" && p.err == nil {
		return p.fail(pos, "%s", msg)
	}
	switch b.name {
	case "now":
		n.kind = nNow
	case "is defined":
		n.kind = nDefined
	case "not":
		n.kind = nNot
	}
	return n
}

// inTests parses the positive unary tests after "in": a range such as
// "(1..10]", a parenthesised list of tests, "< 5", or an expression whose
// value must equal the operand or, if it is a list, contain it.
func (p *parser) inTests() []*node {
	t := p.tok()
	switch {
	case p.accept("("):
		first := p.unaryTest(true)
		if p.accept("..") {
			return []*node{p.rangeEnd(t.pos, true, first)}
		}
		tests := []*node{first}
		for p.accept(",") {
			tests = append(tests, p.unaryTest(true))
		}
		p.expect(")")
		return tests
	case p.accept("]"):
		lo := p.expr()
		p.expect("..")
		return []*node{p.rangeEnd(t.pos, true, lo)}
	case p.accept("["):
		if p.isOp("]") {
			return []*node{p.list(t.pos, nil)}
		}
		first := p.expr()
		if p.accept("..") {
			return []*node{p.rangeEnd(t.pos, false, first)}
		}
		return []*node{p.list(t.pos, first)}
	}
	return []*node{p.unaryTest(false)}
}

// unaryTest parses "< 5" and the like, or an expression. Inside
// parentheses (delimited) the expression may be a whole disjunction.
func (p *parser) unaryTest(delimited bool) *node {
	t := p.tok()
	if o, ok := feelCompareOps[t.text]; ok && t.kind == tOp {
		p.advance()
		return &node{kind: nTest, op: o, pos: t.pos, kids: []*node{p.sum()}}
	}
	if delimited {
		return p.expr()
	}
	return p.sum()
}

// rangeEnd parses the end of a range after "..": the end point and "]"
// (included) or ")" or "[" (excluded). An index in the end point must be
// in parentheses: [1..(l[2])].
func (p *parser) rangeEnd(pos int, openStart bool, lo *node) *node {
	if lo.kind == nTest {
		return p.fail(lo.pos, "a range cannot start with a comparison")
	}
	p.noIndex = true
	hi := p.sum()
	p.noIndex = false
	n := &node{kind: nRange, pos: pos, kids: []*node{lo, hi}, open: [2]bool{openStart, false}}
	switch {
	case p.accept("]"):
	case p.accept(")"), p.accept("["):
		n.open[1] = true
	default:
		return p.unexpected()
	}
	return n
}
