package feel

import (
	"errors"
	"strings"
	"testing"
)

// TestCompileErrors checks rejected expressions word for word, caret
// included.
func TestCompileErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"=a > 1 and )", `
feel: unexpected token ")" at 11
  =a > 1 and )
             ^`},
		{"", `
feel: empty expression at 0`},
		{"=", `
feel: empty expression at 1
  =
   ^`},
		{"=1 +", `
feel: unexpected end of expression at 4
  =1 +
      ^`},
		{"=1 2", `
feel: unexpected token "2" at 3
  =1 2
     ^`},
		{"=a == b", `
feel: unexpected token "==" (use "=" for equality) at 3
  =a == b
     ^`},
		{"=a && b", `
feel: unexpected token "&&" (use "and") at 3
  =a && b
     ^`},
		{"=a || b", `
feel: unexpected token "||" (use "or") at 3
  =a || b
     ^`},
		{"=!a", `
feel: unexpected token "!" (use "not(x)" or "!=") at 1
  =!a
   ^`},
		{"=not x", `
feel: unexpected token "not" at 1
  =not x
   ^`},
		{"=1 < 2 < 3", `
feel: unexpected token "<" at 7
  =1 < 2 < 3
         ^`},
		{"=a # b", `
feel: unexpected character "#" at 3
  =a # b
     ^`},
		{"=1e5", `
feel: unexpected token "e5" at 2
  =1e5
    ^`},
		{`="abc`, `
feel: unterminated string at 1
  ="abc
   ^`},
		{`="a\qb"`, `
feel: invalid escape sequence in string at 3
  ="a\qb"
     ^`},
		{`="\u12"`, `
feel: invalid \u escape in string at 2
  ="\u12"
    ^`},
		{"=`a", `
feel: unterminated ` + "`name`" + ` at 1
  =` + "`a" + `
   ^`},
		{"=\xff", `
feel: invalid UTF-8 at 1
  =` + "\xff" + `
   ^`},
		{"=uppercase(x)", `
feel: unknown function "uppercase" (did you mean "upper case"?) at 1
  =uppercase(x)
   ^`},
		{"=foo(1)", `
feel: unknown function "foo" at 1
  =foo(1)
   ^`},
		{"=upper case(1, 2)", `
feel: function "upper case" expects 1 argument, got 2 at 1
  =upper case(1, 2)
   ^`},
		{`=substring("a")`, `
feel: function "substring" expects 2 to 3 arguments, got 1 at 1
  =substring("a")
   ^`},
		{"=now(1)", `
feel: function "now" expects 0 arguments, got 1 at 1
  =now(1)
   ^`},
		{"=sum()", `
feel: function "sum" expects at least 1 argument, got 0 at 1
  =sum()
   ^`},
		{"=for x in l return x", `
feel: "for" expressions are not supported at 1
  =for x in l return x
   ^`},
		{"=some x in l satisfies x", `
feel: "some" expressions are not supported at 1
  =some x in l satisfies x
   ^`},
		{"=x instance of number", `
feel: "instance of" is not supported at 3
  =x instance of number
     ^`},
		{"={a: 1, a: 2}", `
feel: duplicate context key "a" at 8
  ={a: 1, a: 2}
          ^`},
		{"={1: 2}", `
feel: unexpected token "1" at 2
  ={1: 2}
    ^`},
		{"=[1,]", `
feel: unexpected token "]" at 4
  =[1,]
      ^`},
		{"=if a then b", `
feel: unexpected end of expression at 12
  =if a then b
              ^`},
		{"=x between 1", `
feel: unexpected end of expression at 12
  =x between 1
              ^`},
		{"=x in (1..)", `
feel: unexpected token ")" at 10
  =x in (1..)
            ^`},
		{"=x in (< 1..2)", `
feel: a range cannot start with a comparison at 7
  =x in (< 1..2)
         ^`},
		{"=1..2", `
feel: unexpected token ".." at 2
  =1..2
    ^`},
		{"  amount >", `
feel: unexpected end of expression at 10
    amount >
            ^`},
		{"=a +\n\tb *\n\t)", `
feel: unexpected token ")" at 11 (line 3, column 2)
  	)
  	^`},
		{"=" + strings.Repeat("(", 150) + "1", "\nfeel: expression nested too deeply at 101\n  …" +
			strings.Repeat("(", 110) + "1\n  " + strings.Repeat(" ", 61) + "^"},
		{"=" + strings.Repeat("1+", 5000) + "1", "\nfeel: expression too long: more than 10000 tokens at 10001\n  …" +
			strings.Repeat("1+", 30) + "1\n  " + strings.Repeat(" ", 61) + "^"},
		// JUEL
		{"${a = b}", `
feel: unexpected token "=" (use "==" for equality) at 4
  ${a = b}
      ^`},
		{"${a", `
feel: missing "}" after "${" at 0
  ${a
  ^`},
		{"#{a} ${b", `
feel: missing "}" after "${" at 5
  #{a} ${b
       ^`},
		{"${}", `
feel: empty expression at 2
  ${}
    ^`},
		{"${a ? b}", `
feel: unexpected end of expression at 7
  ${a ? b}
         ^`},
		{"${a.b()}", `
feel: method calls are not supported at 4
  ${a.b()}
      ^`},
		{"${fn(1)}", `
feel: function calls are not supported in JUEL at 2
  ${fn(1)}
    ^`},
		{"${ {} }", `
feel: unexpected token "{" (set and map literals are not supported) at 3
  ${ {} }
     ^`},
		{"${'x}", `
feel: unterminated string at 2
  ${'x}
    ^`},
		{`${'\n'}`, `
feel: invalid escape sequence in string at 3
  ${'\n'}
     ^`},
		{"${instanceof}", `
feel: unexpected token "instanceof" at 2
  ${instanceof}
    ^`},
	} {
		_, err := Compile(c.src)
		if err == nil {
			t.Errorf("Compile(%q) succeeded", c.src)
			continue
		}
		want := strings.TrimPrefix(c.want, "\n")
		if err.Error() != want {
			t.Errorf("Compile(%.80q):\n%s\nwant\n%s", c.src, err, want)
		}
		var fe *Error
		if !errors.As(err, &fe) || !errors.Is(err, ErrSyntax) || errors.Is(err, ErrEval) || fe.Expr != c.src {
			t.Errorf("Compile(%q): %#v is not an *Error wrapping ErrSyntax", c.src, err)
		}
	}
}

// TestCompileValueErrors checks that JUEL parts inside literal text are
// parsed, and located, by CompileValue.
func TestCompileValueErrors(t *testing.T) {
	_, err := CompileValue("PT${a +}M")
	want := "feel: unexpected end of expression at 7\n  PT${a +}M\n         ^"
	if err == nil || err.Error() != want {
		t.Errorf("CompileValue: %v, want\n%s", err, want)
	}
}

func TestErrorWithoutSource(t *testing.T) {
	var e *Expr
	if _, err := e.Eval(nil); !errors.Is(err, ErrEval) || err.Error() != "feel: expression not compiled at 0" {
		t.Errorf("nil Expr: %v", err)
	}
	if _, err := new(Expr).EvalBool(nil); !errors.Is(err, ErrEval) {
		t.Errorf("zero Expr: %v", err)
	}
}

func TestEvalErrorPosition(t *testing.T) {
	_, err := mustCompile(t, "${a +\n  b['x'] / 0}").Eval(MapVars{"a": 1.0, "b": map[string]any{"x": 2.0}})
	want := "feel: division by zero at 15 (line 2, column 10)\n    b['x'] / 0}\n           ^"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}
