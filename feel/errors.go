package feel

import (
	"errors"
	"fmt"
	"strings"
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
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "feel: %s at %d", e.Msg, e.Pos)
	if e.Expr != "" {
		line, pad := snippet(e.Expr, e.Pos)
		b.WriteString("\n  " + line + "\n  " + pad + "^")
	}
	return b.String()
}

// Unwrap returns ErrSyntax or ErrEval.
func (e *Error) Unwrap() error { return e.Err }

// snippet returns the line of src holding byte offset pos and the white
// space that puts a caret under pos (tabs are kept so the caret lines up).
func snippet(src string, pos int) (line, pad string) {
	pos = max(0, min(pos, len(src)))
	start := strings.LastIndexByte(src[:pos], '\n') + 1
	end := len(src)
	if i := strings.IndexByte(src[pos:], '\n'); i >= 0 {
		end = pos + i
	}
	var b strings.Builder
	for _, r := range src[start:pos] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return strings.TrimRight(src[start:end], "\r"), b.String()
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
