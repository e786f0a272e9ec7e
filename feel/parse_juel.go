package feel

// JUEL grammar (Unified EL 2.2 without functions, method calls and
// lambdas), loosest binding first:
//
//	expr       = or [ "?" expr ":" expr ]
//	or         = and { ("||"|"or") and }
//	and        = equality { ("&&"|"and") equality }
//	equality   = relational { ("=="|"!="|"eq"|"ne") relational }
//	relational = sum { ("<"|">"|"<="|">="|"lt"|"gt"|"le"|"ge") sum }
//	sum        = product { ("+"|"-") product }
//	product    = unary { ("*"|"/"|"div"|"%"|"mod") unary }
//	unary      = ("-"|"!"|"not"|"empty") unary | postfix
//	postfix    = primary { "." name | "[" expr "]" }
//	primary    = number | string | "true" | "false" | "null" | name | "(" expr ")"

var (
	juelEquality   = map[string]op{"==": opEq, "!=": opNe, "eq": opEq, "ne": opNe}
	juelRelational = map[string]op{"<": opLt, "<=": opLe, ">": opGt, ">=": opGe,
		"lt": opLt, "le": opLe, "gt": opGt, "ge": opGe}
	juelSum     = map[string]op{"+": opAdd, "-": opSub}
	juelProduct = map[string]op{"*": opMul, "/": opDiv, "div": opDiv, "%": opMod, "mod": opMod}

	juelReserved = map[string]bool{
		"and": true, "or": true, "not": true, "eq": true, "ne": true, "lt": true, "gt": true,
		"le": true, "ge": true, "true": true, "false": true, "null": true, "empty": true,
		"div": true, "mod": true, "instanceof": true,
	}
)

func (p *parser) juelExpr() *node {
	if !p.enter() {
		return lit(0, nil)
	}
	defer func() { p.depth-- }()
	n := p.juelLogic(nOr, "||", "or", func() *node {
		return p.juelLogic(nAnd, "&&", "and", p.juelEquality)
	})
	t := p.tok()
	if !p.accept("?") {
		return n
	}
	a := p.juelExpr()
	p.expect(":")
	return &node{kind: nIf, pos: t.pos, kids: []*node{n, a, p.juelExpr()}}
}

func (p *parser) juelLogic(kind nodeKind, sym, word string, next func() *node) *node {
	n := next()
	for {
		t := p.tok()
		if !p.accept(sym) && !p.accept(word) {
			return n
		}
		n = &node{kind: kind, pos: t.pos, kids: []*node{n, next()}}
	}
}

func (p *parser) juelEquality() *node { return p.juelBinary(juelEquality, p.juelRelational) }

func (p *parser) juelRelational() *node { return p.juelBinary(juelRelational, p.juelSum) }

func (p *parser) juelSum() *node { return p.juelBinary(juelSum, p.juelProduct) }

func (p *parser) juelProduct() *node { return p.juelBinary(juelProduct, p.juelUnary) }

// juelBinary parses a left-associative chain of the operators in ops.
func (p *parser) juelBinary(ops map[string]op, next func() *node) *node {
	n := next()
	for {
		t := p.tok()
		o, ok := ops[t.text]
		if !ok || t.kind != tOp && (t.kind != tName || t.quoted) {
			return n
		}
		p.advance()
		n = binary(o, t.pos, n, next())
	}
}

func (p *parser) juelUnary() *node {
	t := p.tok()
	if !p.enter() {
		return lit(t.pos, nil)
	}
	defer func() { p.depth-- }()
	switch {
	case p.accept("-"):
		return &node{kind: nNeg, pos: t.pos, kids: []*node{p.juelUnary()}}
	case p.accept("!"), p.accept("not"):
		return &node{kind: nNot, pos: t.pos, kids: []*node{p.juelUnary()}}
	case p.accept("empty"):
		return &node{kind: nEmpty, pos: t.pos, kids: []*node{p.juelUnary()}}
	}
	return p.postfix(p.juelPrimary())
}

func (p *parser) juelPrimary() *node {
	if n, ok := p.primaryLiteral(); ok {
		return n
	}
	t := p.tok()
	if t.kind != tName || juelReserved[t.text] {
		return p.unexpected()
	}
	p.advance()
	if p.isOp("(") {
		return p.fail(t.pos, "function calls are not supported in JUEL")
	}
	return &node{kind: nName, pos: t.pos, name: t.text}
}
