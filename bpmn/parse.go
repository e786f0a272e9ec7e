package bpmn

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Limits enforced while reading a document. Exceeding one yields a
// *SyntaxError matching ErrTooLarge.
const (
	MaxFileSize = 32 << 20 // bytes of input
	MaxDepth    = 1000     // element nesting depth
	MaxElements = 1 << 19  // elements in one document
	MaxAttrs    = 256      // attributes on one element
)

// Parse reads a BPMN 2.0 XML document from r, builds the model and
// validates it. A model with error-severity problems is rejected with a
// *ValidationError listing every problem; on success the warnings are in
// Definitions.Warnings.
func Parse(r io.Reader) (*Definitions, error) {
	data, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	return parse("", data)
}

// ParseFile is Parse for the named file. Definitions.File and the File of
// every error and problem are set to path.
func ParseFile(path string) (*Definitions, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := readLimited(f)
	if err != nil {
		return nil, withFile(err, path)
	}
	return parse(path, data)
}

// ParseBytes is Parse for a document held in memory; name is used as the
// file name in Definitions.File and in errors. data is not retained.
func ParseBytes(name string, data []byte) (*Definitions, error) {
	if len(data) > MaxFileSize {
		return nil, withFile(tooLarge(), name)
	}
	return parse(name, data)
}

func tooLarge() error {
	return &SyntaxError{Msg: fmt.Sprintf("input larger than %d bytes", MaxFileSize), Err: ErrTooLarge}
}

// readLimited reads all of r, failing once it exceeds MaxFileSize.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge()
	}
	return data, nil
}

// withFile sets the file name of a *SyntaxError.
func withFile(err error, file string) error {
	if se, ok := err.(*SyntaxError); ok {
		se.File = file
	}
	return err
}

// parse runs the pipeline: decode → read XML → build → validate.
func parse(file string, data []byte) (*Definitions, error) {
	src, err := decodeInput(data)
	if err != nil {
		return nil, withFile(err, file)
	}
	doc, err := readXML(src)
	if err != nil {
		return nil, withFile(err, file)
	}
	defer doc.release()
	b := newBuilder(file, doc)
	defs, err := b.build()
	if err != nil {
		return nil, withFile(err, file)
	}
	return b.finish(defs)
}

// finish sorts the problems and decides between the model and a
// *ValidationError.
func (b *builder) finish(defs *Definitions) (*Definitions, error) {
	slices.SortStableFunc(b.probs, func(x, y Problem) int {
		if x.seq != y.seq {
			return int(x.seq - y.seq)
		}
		if c := strings.Compare(x.Code, y.Code); c != 0 {
			return c
		}
		return strings.Compare(x.Message, y.Message)
	})
	for _, p := range b.probs {
		if p.Severity == SeverityError {
			return nil, &ValidationError{File: b.file, Problems: b.probs}
		}
	}
	defs.Warnings = b.probs
	return defs, nil
}

// decodeInput turns the raw document into UTF-8 text: it drops a UTF-8
// byte order mark and transcodes the single-byte encodings named in the
// XML declaration (ISO-8859-1, windows-1252, ISO-8859-15).
func decodeInput(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(data, []byte("\xfe\xff")) || bytes.HasPrefix(data, []byte("\xff\xfe")) {
		return "", &SyntaxError{Msg: "UTF-16 input is not supported; use UTF-8", Err: ErrUnsupported}
	}
	label := declaredEncoding(data)
	if label == "" || strings.EqualFold(label, "utf-8") || isASCII(data) {
		return string(data), nil
	}
	rd, err := charsetReader(label, bytes.NewReader(data))
	if err != nil {
		return "", &SyntaxError{Line: 1, Col: 1, Msg: err.Error(), Err: ErrUnsupported}
	}
	out, err := io.ReadAll(rd)
	if err != nil {
		return "", &SyntaxError{Line: 1, Col: 1, Msg: "decoding " + label + ": " + err.Error()}
	}
	return string(out), nil
}

// charsetReader returns a reader converting in from the named encoding to
// UTF-8. Its signature matches encoding/xml's Decoder.CharsetReader.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1":
		return charmap.ISO8859_1.NewDecoder().Reader(in), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	case "iso-8859-15", "iso8859-15", "latin-9", "latin9":
		return charmap.ISO8859_15.NewDecoder().Reader(in), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (supported: UTF-8, ISO-8859-1, ISO-8859-15, windows-1252)", label)
}

// declaredEncoding returns the encoding named in the XML declaration, or "".
func declaredEncoding(data []byte) string {
	if !bytes.HasPrefix(data, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(data[:min(len(data), 256)], []byte("?>"))
	if end < 0 {
		return ""
	}
	decl := string(data[5:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || rest[0] != '"' && rest[0] != '\'' {
		return ""
	}
	v, _, ok := strings.Cut(rest[1:], rest[:1])
	if !ok {
		return ""
	}
	return v
}

func isASCII(data []byte) bool {
	for _, c := range data {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
