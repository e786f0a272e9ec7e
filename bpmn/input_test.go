package bpmn

import (
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

const minimal = `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>`

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		data string
		want error
		msg  string
	}{
		{"empty", "", ErrSyntax, "no root element"},
		{"not xml", "hello", ErrSyntax, "text before the root element"},
		{"json", `{"definitions": {}}`, ErrSyntax, "text before the root element"},
		{"truncated", `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"`, ErrSyntax, "unexpected end of input"},
		{"unclosed", `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">`, ErrSyntax, "element <process>"},
		{"mismatched", `<a><b></a></b>`, ErrSyntax, "element <b> closed by </a>"},
		{"two roots", minimal + minimal, ErrSyntax, "content after the root element"},
		{"unquoted attr", `<a b=c/>`, ErrSyntax, "unquoted value"},
		{"duplicate attr", `<a b="1" b="2"/>`, ErrSyntax, "duplicate attribute b"},
		{"lt in attr", `<a b="<"/>`, ErrSyntax, "'<' in value"},
		{"undeclared prefix", `<x:definitions/>`, ErrSyntax, "undeclared namespace prefix"},
		{"undefined entity", `<a>&nbsp;</a>`, ErrSyntax, "undefined entity"},
		{"bad char ref", `<a>&#0;</a>`, ErrSyntax, "entity"},
		{"control char", "<a>\x01</a>", ErrSyntax, "illegal character"},
		{"invalid utf8", "<a>\xff\xfe</a>", ErrSyntax, "invalid UTF-8"},
		{"double dash comment", `<a><!-- a -- b --></a>`, ErrSyntax, `"--" not allowed`},
		{"late xml decl", `<a><?xml version="1.0"?></a>`, ErrSyntax, "XML declaration not at the start"},
		{"not bpmn", `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>`, ErrSyntax, "is not BPMN 2.0 definitions"},
		{"utf16", "\xff\xfe<\x00a\x00/\x00>\x00", ErrUnsupported, "UTF-16"},
		{"unknown encoding", "<?xml version=\"1.0\" encoding=\"EBCDIC\"?><a>\xe9</a>", ErrUnsupported, `unsupported encoding "EBCDIC"`},
		{"billion laughs", `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="&lol3;"/></definitions>`, ErrUnsupported, "DOCTYPE with an internal subset"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><definitions>&xxe;</definitions>`,
			ErrUnsupported, "DOCTYPE with an internal subset"},
		{"entity without DTD", minimal[:len(minimal)-2] + `>&xxe;</definitions>`, ErrSyntax, "undefined entity"},
		{"too many attributes", "<a" + func() string {
			var b strings.Builder
			for i := range MaxAttrs + 1 {
				b.WriteString(" x" + itoa(i) + `=""`)
			}
			return b.String()
		}() + "/>", ErrTooLarge, "attributes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBytes("bad.bpmn", []byte(tt.data))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *SyntaxError", err, err)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "bad.bpmn:") || se.File != "bad.bpmn" {
				t.Errorf("err = %q, want file prefix and %q", err, tt.msg)
			}
		})
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + itoa(i%10)
}

func TestDoctypeWithoutSubset(t *testing.T) {
	// A DOCTYPE without internal subset declares nothing; it is skipped,
	// and the external id is never fetched.
	src := `<?xml version="1.0"?><!DOCTYPE definitions SYSTEM "http://example.invalid/bpmn.dtd">` + minimal
	if _, err := ParseBytes("x", []byte(src)); err != nil {
		t.Fatal(err)
	}
}

func TestSyntaxErrorLocation(t *testing.T) {
	_, err := ParseBytes("loc.bpmn", []byte("<definitions>\n  <process>\n  </proc>\n</definitions>"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 3 || se.Col != 3 {
		t.Fatalf("err = %v (line %d col %d)", err, se.Line, se.Col)
	}
	if !strings.HasPrefix(err.Error(), "loc.bpmn:3:3: XML syntax error:") {
		t.Errorf("Error() = %q", err)
	}
}

// TestTruncations checks that every prefix of a valid document is rejected
// with a *SyntaxError (or, for prefixes that happen to be well-formed,
// parses), and never panics.
func TestTruncations(t *testing.T) {
	data, err := os.ReadFile("testdata/c8_order.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	step := 1
	if testing.Short() {
		step = 7
	}
	for n := 0; n < len(data); n += step {
		_, err := ParseBytes("t", data[:n])
		var se *SyntaxError
		if err == nil && strings.TrimSpace(string(data[n:])) == "" {
			continue // only trailing space cut off
		}
		if !errors.As(err, &se) {
			t.Fatalf("prefix %d: err = %v, want *SyntaxError", n, err)
		}
	}
}

// TestDeepNesting checks that 100 000 nested elements fail fast, in
// bounded memory, without recursion.
func TestDeepNesting(t *testing.T) {
	const depth = 100_000
	data := strings.Repeat("<a>", depth) + strings.Repeat("</a>", depth)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := ParseBytes("deep", []byte(data))
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "nested deeper than 1000") {
		t.Fatalf("err = %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d bytes", alloc)
	}
	if elapsed > time.Second {
		t.Errorf("took %v", elapsed)
	}
	// Depth MaxDepth itself is fine.
	ok := strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth)
	if _, err := ParseBytes("ok", []byte(ok)); errors.Is(err, ErrTooLarge) {
		t.Errorf("depth %d rejected: %v", MaxDepth, err)
	}
}

func TestTooManyElements(t *testing.T) {
	data := "<a>" + strings.Repeat("<b/>", MaxElements) + "</a>"
	start := time.Now()
	_, err := ParseBytes("many", []byte(data))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("err = %v", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %v", elapsed)
	}
}

// endless is a reader that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestSizeLimit(t *testing.T) {
	if _, err := Parse(endless{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(endless) = %v, want ErrTooLarge", err)
	}
	big := make([]byte, MaxFileSize+1)
	_, err := ParseBytes("big.bpmn", big)
	if !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(err.Error(), "big.bpmn: ") {
		t.Errorf("ParseBytes(big) = %v", err)
	}
	var r io.Reader = strings.NewReader(minimal)
	if _, err := Parse(r); err != nil {
		t.Errorf("Parse(minimal) = %v", err)
	}
}

// TestXMLDetails covers text decoding: entities, CDATA, comments,
// processing instructions and line ends.
func TestXMLDetails(t *testing.T) {
	src := "<?xml version=\"1.0\"?>\r\n<!-- head -->\r\n" + strings.TrimPrefix(defsXML(`<bpmn:process id="p" name="a&#10;b&#x9;c &quot;q&apos;">
<bpmn:documentation>x<!-- c -->y<?pi data?><![CDATA[ <&> ]]>&lt;z&gt;`+"\r\n"+`w</bpmn:documentation></bpmn:process>`), `<?xml version="1.0" encoding="UTF-8"?>`) + "<!-- tail -->\n"
	d := mustParse(t, src)
	p := d.Processes[0]
	if p.Name != "a\nb\tc \"q'" {
		t.Errorf("name = %q", p.Name)
	}
	if p.Documentation != "xy <&> <z>\nw" {
		t.Errorf("documentation = %q", p.Documentation)
	}
}

// TestHostileModels checks that well-formed but hostile models stay within
// bounded time and memory.
func TestHostileModels(t *testing.T) {
	t.Run("many broken references", func(t *testing.T) {
		var b strings.Builder
		for i := range 20_000 {
			n := itoa(i)
			b.WriteString(`<bpmn:task id="task_` + n + `"/><bpmn:sequenceFlow id="f` + n + `" sourceRef="task_` + n + `" targetRef="tsk_` + n + `"/>`)
		}
		start := time.Now()
		probs := problemsOf(t, procXML(b.String()))
		if len(probs) < 20_000 || time.Since(start) > 5*time.Second {
			t.Errorf("%d problems in %v", len(probs), time.Since(start))
		}
	})
	t.Run("deep subprocesses", func(t *testing.T) {
		const depth = 900
		var b strings.Builder
		for i := range depth {
			b.WriteString(`<bpmn:subProcess id="s` + itoa(i) + `">`)
		}
		for i := range 10_000 {
			b.WriteString(`<bpmn:task id="t` + itoa(i) + `"/>`)
		}
		b.WriteString(strings.Repeat(`</bpmn:subProcess>`, depth))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ParseBytes("deep", []byte(procXML(b.String())))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
			t.Errorf("allocated %d MiB", alloc>>20)
		}
	})
	t.Run("many attributes", func(t *testing.T) {
		var b strings.Builder
		for i := range 200 {
			b.WriteString(` a` + itoa(i) + `="1"`)
		}
		_, err := ParseBytes("x", []byte(`<a`+b.String()+` a150="2"/>`))
		if err == nil || !strings.Contains(err.Error(), "duplicate attribute a150") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestHostileDuplicates(t *testing.T) {
	const depth = 990
	var b strings.Builder
	for i := range depth {
		b.WriteString(`<bpmn:subProcess id="s` + itoa(i) + `">`)
	}
	b.WriteString(strings.Repeat(`<bpmn:task id="dup"/>`, 50_000))
	b.WriteString(strings.Repeat(`</bpmn:subProcess>`, depth))
	start := time.Now()
	_, err := ParseBytes("dups", []byte(procXML(b.String())))
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("took %v", elapsed)
	}
}
