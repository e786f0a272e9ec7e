package feel

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF    tokKind = iota
	tName           // identifier or keyword; quoted for a `backtick` name
	tNumber         // num holds the value
	tString         // text holds the decoded string
	tOp             // operator or punctuation in text
)

type token struct {
	kind     tokKind
	quoted   bool
	pos, end int // byte offsets in the source
	text     string
	num      float64
}

// Operators of each dialect, longest first. Some exist only so that the
// parser can reject them with a hint ("==" in FEEL, "=" in JUEL).
var (
	feelOps = []string{"**", "..", "!=", "<=", ">=", "==", "&&", "||",
		"=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", "{", "}", ",", ".", ":", "!"}
	juelOps = []string{"==", "!=", "<=", ">=", "&&", "||",
		"=", "<", ">", "!", "?", ":", "+", "-", "*", "/", "%", "(", ")", "[", "]", ".", ",", "{"}
)

// lexer splits one expression into tokens.
type lexer struct {
	src  string
	pos  int
	juel bool
	toks []token
}

// lex tokenizes src from offset start. A FEEL expression runs to the end
// of src. A JUEL expression ends at the first "}" outside a string literal;
// open is the offset of its "${" and end the offset after the "}". The
// token list always ends with a tEOF token.
func lex(src string, start, open int, juel bool) (toks []token, end int, err error) {
	l := &lexer{src: src, pos: start, juel: juel}
	for {
		l.skipSpace()
		if l.pos >= len(src) {
			if juel {
				return nil, 0, syntaxErr(src, open, `missing "}" after %q`, src[open:open+2])
			}
			l.emit(token{kind: tEOF, pos: l.pos})
			return l.toks, len(src), nil
		}
		if juel && src[l.pos] == '}' {
			l.emit(token{kind: tEOF, pos: l.pos})
			return l.toks, l.pos + 1, nil
		}
		if len(l.toks) == maxTokens {
			return nil, 0, syntaxErr(src, l.pos, "expression too long: more than %d tokens", maxTokens)
		}
		if err := l.token(); err != nil {
			return nil, 0, err
		}
	}
}

// maxTokens bounds the length of an expression, and so the depth of its
// tree (chains such as 1 + 1 + ... nest without recursion in the parser),
// so that evaluation cannot exhaust the stack.
const maxTokens = 10000

// emit appends t, which ends at the current position.
func (l *lexer) emit(t token) {
	t.end = l.pos
	l.toks = append(l.toks, t)
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		l.pos += n
	}
}

// token reads one token at l.pos.
func (l *lexer) token() error {
	c := l.src[l.pos]
	r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
	switch {
	case isDigit(c) || c == '.' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]):
		return l.number()
	case c == '"' || c == '\'' && l.juel:
		return l.string(c)
	case c == '`' && !l.juel:
		return l.backtick()
	case l.isIdentStart(r):
		l.ident()
		return nil
	}
	ops := feelOps
	if l.juel {
		ops = juelOps
	}
	for _, op := range ops {
		if strings.HasPrefix(l.src[l.pos:], op) {
			l.pos += len(op)
			l.emit(token{kind: tOp, pos: l.pos - len(op), text: op})
			return nil
		}
	}
	return syntaxErr(l.src, l.pos, "unexpected character %q", string(r))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (l *lexer) isIdentStart(r rune) bool {
	return unicode.IsLetter(r) || r == '_' || r == '$' && l.juel
}

func (l *lexer) isIdentPart(r rune) bool {
	return l.isIdentStart(r) || unicode.IsDigit(r)
}

func (l *lexer) ident() {
	start := l.pos
	for l.pos < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.pos:])
		if !l.isIdentPart(r) {
			break
		}
		l.pos += n
	}
	l.emit(token{kind: tName, pos: start, text: l.src[start:l.pos]})
}

// number reads digits [ "." digits ] or "." digits; JUEL also takes an
// exponent.
func (l *lexer) number() error {
	start := l.pos
	l.digits()
	if l.peek(0) == '.' && isDigit(l.peek(1)) {
		l.pos++
		l.digits()
	}
	if l.juel && (l.peek(0) == 'e' || l.peek(0) == 'E') {
		i := 1
		if l.peek(1) == '+' || l.peek(1) == '-' {
			i++
		}
		if isDigit(l.peek(i)) {
			l.pos += i
			l.digits()
		}
	}
	f, err := strconv.ParseFloat(l.src[start:l.pos], 64)
	if err != nil {
		return syntaxErr(l.src, start, "number %s out of range", l.src[start:l.pos])
	}
	l.emit(token{kind: tNumber, pos: start, num: f})
	return nil
}

func (l *lexer) digits() {
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
}

func (l *lexer) peek(i int) byte {
	if l.pos+i < len(l.src) {
		return l.src[l.pos+i]
	}
	return 0
}

// string reads a literal quoted with q. FEEL knows the escapes \" \' \\
// \n \r \t and \uXXXX; JUEL only \" \' and \\.
func (l *lexer) string(q byte) error {
	start := l.pos
	l.pos++
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == q:
			l.pos++
			l.emit(token{kind: tString, pos: start, text: b.String()})
			return nil
		case c == '\\':
			if err := l.escape(&b); err != nil {
				return err
			}
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return syntaxErr(l.src, start, "unterminated string")
}

func (l *lexer) escape(b *strings.Builder) error {
	at, c := l.pos, l.peek(1)
	l.pos += 2
	if c == '"' || c == '\'' || c == '\\' {
		b.WriteByte(c)
		return nil
	}
	if !l.juel {
		switch c {
		case 'n':
			b.WriteByte('\n')
			return nil
		case 'r':
			b.WriteByte('\r')
			return nil
		case 't':
			b.WriteByte('\t')
			return nil
		case 'u':
			return l.unicodeEscape(b, at)
		}
	}
	return syntaxErr(l.src, at, "invalid escape sequence in string")
}

// unicodeEscape reads the XXXX of \uXXXX, combining a surrogate pair.
func (l *lexer) unicodeEscape(b *strings.Builder, at int) error {
	r, ok := l.hex4()
	if !ok {
		return syntaxErr(l.src, at, `invalid \u escape in string`)
	}
	if utf16.IsSurrogate(r) && strings.HasPrefix(l.src[l.pos:], `\u`) {
		l.pos += 2
		r2, ok := l.hex4()
		if !ok {
			return syntaxErr(l.src, l.pos-2, `invalid \u escape in string`)
		}
		r = utf16.DecodeRune(r, r2)
	}
	b.WriteRune(r)
	return nil
}

func (l *lexer) hex4() (rune, bool) {
	if l.pos+4 > len(l.src) {
		return 0, false
	}
	n, err := strconv.ParseUint(l.src[l.pos:l.pos+4], 16, 32)
	if err != nil {
		return 0, false
	}
	l.pos += 4
	return rune(n), true
}

// backtick reads a FEEL name quoted with backticks: `order-id`.
func (l *lexer) backtick() error {
	start := l.pos
	i := strings.IndexByte(l.src[start+1:], '`')
	if i < 0 {
		return syntaxErr(l.src, start, "unterminated `name`")
	}
	if i == 0 {
		return syntaxErr(l.src, start, "empty `name`")
	}
	l.pos = start + i + 2
	l.emit(token{kind: tName, pos: start, text: l.src[start+1 : start+1+i], quoted: true})
	return nil
}

func syntaxErr(src string, pos int, format string, args ...any) *Error {
	return &Error{Expr: src, Pos: pos, Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
}
