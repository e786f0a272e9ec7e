package feel

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sentinel errors. Every error returned by this package wraps exactly one
// of them, so errors.Is tells a rejected expression from a failed
// evaluation.
var (
	// ErrSyntax marks an expression, duration, cycle or date-time that
	// cannot be parsed.
	ErrSyntax = errors.New("feel: syntax error")
	// ErrEval marks a failure while evaluating a compiled expression.
	ErrEval = errors.New("feel: evaluation error")
)

// Error is a located error in an expression. Compile returns it for a
// rejected expression (Err is ErrSyntax); the Eval methods for a failed
// evaluation (Err is ErrEval).
type Error struct {
	Expr string // the source as given to Compile or CompileValue
	Pos  int    // 0-based byte offset into Expr
	Msg  string // what is wrong, without position
	Err  error  // ErrSyntax or ErrEval; returned by Unwrap
}

// Error returns the message and position followed by the line of the
// expression holding Pos and a caret under Pos:
//
//	feel: unexpected token ")" at 11
//	  =a > 1 and )
//	             ^
//
// In a source of several lines the position also names line and column
// (counting from 1); a long line is cut around Pos.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "feel: %s at %d", e.Msg, e.Pos)
	if e.Expr == "" {
		return b.String()
	}
	line, col, text, pad := snippet(e.Expr, e.Pos)
	if strings.Contains(e.Expr, "\n") {
		fmt.Fprintf(&b, " (line %d, column %d)", line, col)
	}
	b.WriteString("\n  " + text + "\n  " + pad + "^")
	return b.String()
}

// Unwrap returns ErrSyntax or ErrEval.
func (e *Error) Unwrap() error { return e.Err }

// snippetWidth is the number of bytes of a long line shown on either side
// of the error position.
const snippetWidth = 60

// snippet returns the line and column (from 1) of byte offset pos in src,
// the text of that line, cut to about snippetWidth bytes either side of
// pos, and the white space that puts a caret under pos (tabs are kept so
// that the caret lines up).
func snippet(src string, pos int) (line, col int, text, pad string) {
	pos = max(0, min(pos, len(src)))
	start := strings.LastIndexByte(src[:pos], '\n') + 1
	end := len(src)
	if i := strings.IndexByte(src[pos:], '\n'); i >= 0 {
		end = pos + i
	}
	line = strings.Count(src[:start], "\n") + 1
	col = utf8.RuneCountInString(src[start:pos]) + 1
	before, after := src[start:pos], strings.TrimRight(src[pos:end], "\r")
	if len(before) > snippetWidth {
		before = "…" + trimInvalid(before[len(before)-snippetWidth:])
	}
	if len(after) > snippetWidth {
		after = strings.ToValidUTF8(after[:snippetWidth], "") + "…"
	}
	var b strings.Builder
	for _, r := range before {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return line, col, before + after, b.String()
}

// trimInvalid drops the bytes of a rune cut at the start of s.
func trimInvalid(s string) string {
	for len(s) > 0 && !utf8.RuneStart(s[0]) {
		s = s[1:]
	}
	return s
}

// evalError is a runtime failure at a position; Expr.wrap turns it into
// an *Error naming the expression.
type evalError struct {
	pos int
	msg string
}

func (e *evalError) Error() string { return e.msg }

func failAt(pos int, format string, args ...any) error {
	return &evalError{pos: pos, msg: fmt.Sprintf(format, args...)}
}
