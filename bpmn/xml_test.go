package bpmn

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReaderMatchesEncodingXML checks the XML reader against encoding/xml
// on every test model and corpus file up to 64 KiB (the larger ones only
// add time): same elements, namespaces, attributes and text.
func TestReaderMatchesEncodingXML(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bpmn*")
	if dir := filepath.Join("..", "..", "shared", "corpus"); dirExists(dir) && !testing.Short() {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".md") {
				if fi, err := d.Info(); err == nil && fi.Size() <= 64<<10 {
					files = append(files, p)
				}
			}
			return err
		})
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := stdTree(data)
		if err != nil {
			t.Fatalf("%s: encoding/xml: %v", f, err)
		}
		src, err := decodeInput(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		doc, err := readXML(src)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if got := ourTree(doc); got != want {
			t.Errorf("%s: trees differ at\n%s", f, firstDiff(got, want))
		}
	}
}

func dirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// stdTree renders a document read by encoding/xml: one line per element
// with its namespace, local name and attributes (namespace declarations
// left out), then its text if not blank.
func stdTree(data []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charsetReader
	var b strings.Builder
	var texts []*strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(texts) > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%d{%s}%s", len(texts), tok.Name.Space, tok.Name.Local)
			for _, a := range tok.Attr {
				if a.Name.Space != "xmlns" && a.Name.Local != "xmlns" {
					fmt.Fprintf(&b, " {%s}%s=%q", a.Name.Space, a.Name.Local, a.Value)
				}
			}
			texts = append(texts, &strings.Builder{})
		case xml.CharData:
			if len(texts) > 0 {
				texts[len(texts)-1].Write(tok)
			}
		case xml.EndElement:
			text := texts[len(texts)-1].String()
			texts = texts[:len(texts)-1]
			if strings.TrimSpace(text) != "" {
				fmt.Fprintf(&b, " text=%q", text)
			}
		}
	}
}

// ourTree renders a tree of the XML reader like stdTree.
func ourTree(doc *xdoc) string {
	var b strings.Builder
	var rec func(e *xelem, depth int)
	rec = func(e *xelem, depth int) {
		if depth > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d{%s}%s", depth, e.space, e.local)
		for _, a := range e.attrs {
			if a.space != "xmlns" {
				fmt.Fprintf(&b, " {%s}%s=%q", a.space, a.local, a.value)
			}
		}
		for c := e.first; c != nil; c = c.next {
			rec(c, depth+1)
		}
		if text := doc.text(e); strings.TrimSpace(text) != "" {
			fmt.Fprintf(&b, " text=%q", text)
		}
	}
	rec(doc.root, 0)
	return b.String()
}

// stdTree prints text after the children, ourTree too: both put " text="
// on the last line written for the element, so outputs are comparable.

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n ours: %s\n std:  %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("length %d vs %d lines", len(al), len(bl))
}

func TestRawNamespaceDeclarations(t *testing.T) {
	src := `<r xmlns:a="urn:a" xmlns="urn:default" xmlns:b="urn:b">` +
		`<a:x b:attr="1"><inner/><a:y xmlns:a="urn:other"/></a:x></r>`
	doc, err := readXML(src)
	if err != nil {
		t.Fatal(err)
	}
	got := doc.raw(doc.root.first)
	want := `<a:x xmlns:a="urn:a" xmlns:b="urn:b" xmlns="urn:default" b:attr="1"><inner/><a:y xmlns:a="urn:other"/></a:x>`
	if got != want {
		t.Errorf("raw =\n%s\nwant\n%s", got, want)
	}
}
