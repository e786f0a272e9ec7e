package feel

import (
	"fmt"
	"strings"
)

type nodeKind uint8

const (
	nLit      nodeKind = iota // val
	nName                     // variable name
	nPath                     // kids[0].name
	nIndex                    // kids[0][kids[1]]: FEEL index or filter, JUEL index
	nCall                     // built-in fn applied to kids
	nNow                      // now()
	nDefined                  // is defined(kids[0])
	nNeg                      // -kids[0]
	nNot                      // FEEL not(kids[0]), JUEL !kids[0]
	nEmpty                    // JUEL empty kids[0]
	nBinary                   // kids[0] op kids[1]
	nAnd                      // kids[0] and kids[1]
	nOr                       // kids[0] or kids[1]
	nIf                       // if kids[0] then kids[1] else kids[2]
	nBetween                  // kids[0] between kids[1] and kids[2]
	nIn                       // kids[0] in kids[1:], each a test
	nRange                    // test kids[0]..kids[1]; open excludes the ends
	nTest                     // test "op kids[0]", such as "< 5"
	nList                     // [kids...]
	nContext                  // {keys[i]: kids[i]...}
	nTemplate                 // JUEL composite text: kids concatenated
)

// op is a binary operator.
type op uint8

const (
	opAdd op = iota + 1
	opSub
	opMul
	opDiv
	opMod
	opPow
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
)

func (o op) isCompare() bool { return o >= opEq }

// node is an expression tree node; see nodeKind for the meaning of fields.
type node struct {
	kind nodeKind
	op   op
	open [2]bool // nRange: start, end excluded
	pos  int
	name string
	val  any
	fn   *builtin
	keys []string
	kids []*node
}

func lit(pos int, v any) *node { return &node{kind: nLit, pos: pos, val: v} }

func binary(o op, pos int, l, r *node) *node {
	return &node{kind: nBinary, op: o, pos: pos, kids: []*node{l, r}}
}

// maxDepth bounds the recursion of the parser: parentheses, brackets,
// unary operators and the like nest at most about maxDepth/2 deep.
const maxDepth = 200

// parser is a recursive-descent parser over a token list. The first error
// is kept in err and moves the parser to the end of input, so every rule
// simply returns and callers need not check errors between steps.
type parser struct {
	src   string
	toks  []token
	i     int
	juel  bool
	depth int
	err   *Error
	// noIndex stops postfix from reading "[" as an index, at the top level
	// of a range end such as "[1..10[".
	noIndex bool
}

func (p *parser) tok() token { return p.toks[p.i] }

func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(s string) bool {
	t := p.toks[p.i]
	return t.kind == tOp && t.text == s
}

func (p *parser) isWord(s string) bool {
	t := p.toks[p.i]
	return t.kind == tName && !t.quoted && t.text == s
}

func (p *parser) accept(s string) bool {
	if p.isOp(s) || p.isWord(s) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expect(s string) {
	if !p.accept(s) {
		p.unexpected()
	}
}

func (p *parser) fail(pos int, format string, args ...any) *node {
	if p.err == nil {
		p.err = syntaxErr(p.src, pos, format, args...)
	}
	p.i = len(p.toks) - 1
	return lit(pos, nil)
}

// hintKey selects a hint by dialect and operator.
type hintKey struct {
	juel bool
	op   string
}

// hints explain operators that belong to the other dialect.
var hints = map[hintKey]string{
	{false, "=="}: `use "=" for equality`, {false, "&&"}: `use "and"`, {false, "||"}: `use "or"`,
	{false, "!"}: `use "not(x)" or "!="`, {true, "="}: `use "==" for equality`,
	{true, "{"}: "set and map literals are not supported",
}

// unexpected fails at the current token.
func (p *parser) unexpected() *node {
	t := p.tok()
	if t.kind == tEOF {
		return p.fail(t.pos, "unexpected end of expression")
	}
	msg := fmt.Sprintf("unexpected token %q", p.src[t.pos:t.end])
	if h, ok := hints[hintKey{p.juel, t.text}]; ok && t.kind == tOp {
		msg += " (" + h + ")"
	}
	return p.fail(t.pos, "%s", msg)
}

// parseExpr parses one whole expression from toks.
func parseExpr(src string, toks []token, juel bool) (*node, error) {
	p := &parser{src: src, toks: toks, juel: juel}
	if p.tok().kind == tEOF {
		return nil, syntaxErr(src, p.tok().pos, "empty expression")
	}
	var n *node
	if juel {
		n = p.juelExpr()
	} else {
		n = p.expr()
	}
	if p.tok().kind != tEOF {
		p.unexpected()
	}
	if p.err != nil {
		return nil, p.err
	}
	return n, nil
}

// enter guards recursion; every rule that can nest calls it.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.tok().pos, "expression nested too deeply")
		return false
	}
	return true
}

// postfix parses paths and index expressions after a primary.
func (p *parser) postfix(n *node) *node {
	for {
		t := p.tok()
		switch {
		case p.accept("."):
			name := p.tok()
			if name.kind != tName {
				return p.unexpected()
			}
			p.advance()
			if p.juel && p.isOp("(") {
				return p.fail(name.pos, "method calls are not supported")
			}
			n = &node{kind: nPath, pos: name.pos, name: name.text, kids: []*node{n}}
		case !p.noIndex && p.accept("["):
			idx := p.subExpr()
			p.expect("]")
			n = &node{kind: nIndex, pos: t.pos, kids: []*node{n, idx}}
		default:
			return n
		}
	}
}

// subExpr parses a complete expression of the current dialect.
func (p *parser) subExpr() *node {
	if p.juel {
		return p.juelExpr()
	}
	return p.expr()
}

// primaryLiteral parses numbers, strings, parentheses and true, false and
// null, which both dialects share; ok is false for anything else.
func (p *parser) primaryLiteral() (n *node, ok bool) {
	t := p.tok()
	switch {
	case t.kind == tNumber:
		p.advance()
		return lit(t.pos, t.num), true
	case t.kind == tString:
		p.advance()
		return lit(t.pos, t.text), true
	case p.accept("("):
		n := p.subExpr()
		p.expect(")")
		return n, true
	case p.accept("true"):
		return lit(t.pos, true), true
	case p.accept("false"):
		return lit(t.pos, false), true
	case p.accept("null"):
		return lit(t.pos, nil), true
	}
	return nil, false
}

// list parses "[a, b, ...]" after the "[", with first already parsed
// (nil for none).
func (p *parser) list(pos int, first *node) *node {
	n := &node{kind: nList, pos: pos}
	if first == nil {
		if p.accept("]") {
			return n
		}
		first = p.expr()
	}
	n.kids = append(n.kids, first)
	for p.accept(",") {
		n.kids = append(n.kids, p.expr())
	}
	p.expect("]")
	return n
}

// context parses "{key: value, ...}" after the "{". A key is a string or
// one or more names ("first name").
func (p *parser) context(pos int) *node {
	n := &node{kind: nContext, pos: pos}
	seen := map[string]bool{}
	for !p.accept("}") {
		if len(n.kids) > 0 {
			p.expect(",")
		}
		kpos, key := p.tok().pos, p.contextKey()
		if seen[key] {
			return p.fail(kpos, "duplicate context key %q", key)
		}
		seen[key] = true
		p.expect(":")
		n.keys = append(n.keys, key)
		n.kids = append(n.kids, p.expr())
		if p.err != nil {
			break
		}
	}
	return n
}

func (p *parser) contextKey() string {
	if t := p.tok(); t.kind == tString {
		p.advance()
		return t.text
	}
	var words []string
	for p.tok().kind == tName {
		words = append(words, p.advance().text)
	}
	if len(words) == 0 {
		p.unexpected()
	}
	return strings.Join(words, " ")
}
