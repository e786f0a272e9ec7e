package bpmn

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// This file holds a small, strict, non-validating XML 1.0 reader with
// namespaces. It builds a compact element tree whose strings are
// substrings of the source, so a typical model is read with a handful of
// allocations; the element and attribute arrays are pooled, as no part of
// the tree outlives a parse (the model keeps only strings). It never expands entities other than the five predefined
// ones and character references, rejects DTD internal subsets, and enforces
// MaxDepth, MaxElements and MaxAttrs while reading, so hostile input fails
// fast in bounded memory.

const xmlNS = "http://www.w3.org/XML/1998/namespace"

// xattr is an attribute. Namespace declarations have space "xmlns".
type xattr struct {
	name  string // qualified name as written
	space string // namespace URI, "" for unprefixed attributes
	local string
	value string // entity-decoded
}

// xelem is an element of the tree.
type xelem struct {
	space, local string // namespace URI and local name
	attrs        []xattr
	parent       *xelem
	first, last  *xelem // children
	next         *xelem // next sibling
	start, end   int32  // source range of the whole element
	cstart, cend int32  // source range of the content
	qlen         int32  // length of the qualified name
	nsMark       int32  // namespace stack height before this element
	seq          int32  // pre-order position in the document
}

// attr returns the value of the unprefixed attribute local, or "".
func (e *xelem) attr(local string) string {
	for i := range e.attrs {
		if e.attrs[i].local == local && e.attrs[i].space == "" {
			return e.attrs[i].value
		}
	}
	return ""
}

// attrNS returns the value of attribute {space}local and whether it exists.
func (e *xelem) attrNS(space, local string) (string, bool) {
	for i := range e.attrs {
		if e.attrs[i].local == local && e.attrs[i].space == space {
			return e.attrs[i].value, true
		}
	}
	return "", false
}

// is reports whether e is {space}local.
func (e *xelem) is(space, local string) bool { return e.local == local && e.space == space }

// xdoc is a parsed document.
type xdoc struct {
	src  string
	root *xelem
	bufs *xmlBufs
}

// nsBind is one namespace declaration in scope.
type nsBind struct{ prefix, uri string }

// xmlReader reads one document.
type xmlReader struct {
	src   string
	pos   int
	ns    []nsBind
	slab  []xelem
	attrs []xattr
	n     int32
	seen  map[string]bool // attribute names of a large element, see dupAttr
}

// readXML parses src (UTF-8, BOM already removed) into a tree.
func readXML(src string) (*xdoc, error) {
	if err := checkChars(src); err != nil {
		return nil, err
	}
	r := &xmlReader{src: src}
	guess := len(src)/70 + 8
	bufs := bufPool.Get().(*xmlBufs)
	r.slab, r.attrs = bufs.slab[:0], bufs.attrs[:0]
	if cap(r.slab) < min(guess, 4096) {
		r.slab = make([]xelem, 0, min(guess, 4096))
	}
	if cap(r.attrs) < min(guess*2, 8192) {
		r.attrs = make([]xattr, 0, min(guess*2, 8192))
	}
	r.ns = make([]nsBind, 0, 16)
	bufs.slab, bufs.attrs = r.slab, r.attrs
	root, err := r.document()
	bufs.used, bufs.usedAttrs = int(r.n), len(r.attrs)
	d := &xdoc{src: src, root: root, bufs: bufs}
	if err != nil {
		d.release()
		return nil, err
	}
	return d, nil
}

// xmlBufs are the first element and attribute chunks of a reader, reused
// across documents.
type xmlBufs struct {
	slab            []xelem
	attrs           []xattr
	used, usedAttrs int // entries written, possibly past the pooled arrays
}

var bufPool = sync.Pool{New: func() any { return new(xmlBufs) }}

// release returns the buffers of d to the pool; d must not be used after.
func (d *xdoc) release() {
	if d.bufs == nil {
		return
	}
	b := d.bufs
	clear(b.slab[:min(b.used, cap(b.slab))])
	clear(b.attrs[:min(b.usedAttrs, cap(b.attrs))])
	bufPool.Put(d.bufs)
	d.bufs, d.root = nil, nil
}

// syntaxErr builds a SyntaxError located at byte offset off of src.
func syntaxErr(src string, off int, sentinel error, format string, args ...any) *SyntaxError {
	off = min(max(off, 0), len(src))
	line := 1 + strings.Count(src[:off], "\n")
	col := off - strings.LastIndexByte(src[:off], '\n')
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &SyntaxError{Line: line, Col: col, Msg: msg, Err: sentinel}
}

func (r *xmlReader) fail(format string, args ...any) error {
	return syntaxErr(r.src, r.pos, ErrSyntax, "XML syntax error: "+format, args...)
}

func (r *xmlReader) eof(what string) error {
	return r.fail("unexpected end of input in %s", what)
}

// checkChars rejects invalid UTF-8 and characters XML forbids.
func checkChars(s string) error {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 || c == '\n' || c == '\r' || c == '\t' {
			i++
			continue
		}
		if c < 0x80 {
			return syntaxErr(s, i, ErrSyntax, "XML syntax error: illegal character code %U", rune(c))
		}
		ru, n := utf8.DecodeRuneInString(s[i:])
		if ru == utf8.RuneError && n == 1 {
			return syntaxErr(s, i, ErrSyntax, "XML syntax error: invalid UTF-8")
		}
		if ru == 0xFFFE || ru == 0xFFFF {
			return syntaxErr(s, i, ErrSyntax, "XML syntax error: illegal character code %U", ru)
		}
		i += n
	}
	return nil
}

func (r *xmlReader) has(prefix string) bool { return strings.HasPrefix(r.src[r.pos:], prefix) }

func (r *xmlReader) skipSpace() bool {
	p := r.pos
	for r.pos < len(r.src) && isSpace(r.src[r.pos]) {
		r.pos++
	}
	return r.pos > p
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

func isNameChar(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// name scans an XML name at r.pos.
func (r *xmlReader) name() string {
	p := r.pos
	if p >= len(r.src) || !isNameStart(r.src[p]) {
		return ""
	}
	for r.pos < len(r.src) && isNameChar(r.src[r.pos]) {
		r.pos++
	}
	return r.src[p:r.pos]
}

// skipPast moves r.pos past the next occurrence of end.
func (r *xmlReader) skipPast(end, what string) error {
	i := strings.Index(r.src[r.pos:], end)
	if i < 0 {
		r.pos = len(r.src)
		return r.eof(what)
	}
	r.pos += i + len(end)
	return nil
}

// document reads prolog, root element and trailing misc.
func (r *xmlReader) document() (*xelem, error) {
	if r.has("<?xml") && len(r.src) > 5 && (isSpace(r.src[5]) || r.src[5] == '?') {
		if err := r.skipPast("?>", "XML declaration"); err != nil {
			return nil, err
		}
	}
	if err := r.misc(true); err != nil {
		return nil, err
	}
	if r.pos >= len(r.src) {
		return nil, r.fail("no root element")
	}
	if r.src[r.pos] != '<' {
		return nil, r.fail("text before the root element")
	}
	root, err := r.elements()
	if err != nil {
		return nil, err
	}
	if err := r.misc(false); err != nil {
		return nil, err
	}
	if r.pos < len(r.src) {
		return nil, r.fail("content after the root element")
	}
	return root, nil
}

// misc skips whitespace, comments, processing instructions and, in the
// prolog, a DOCTYPE without internal subset.
func (r *xmlReader) misc(prolog bool) error {
	for {
		r.skipSpace()
		var err error
		switch {
		case r.pos >= len(r.src):
			return nil
		case r.has("<!--"):
			err = r.comment()
		case r.has("<?"):
			err = r.pi()
		case r.has("<!DOCTYPE") && prolog:
			err = r.doctype()
			prolog = false
		case r.has("<!"):
			return r.fail("unexpected markup declaration")
		default:
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (r *xmlReader) comment() error {
	r.pos += 4
	i := strings.Index(r.src[r.pos:], "--")
	if i < 0 {
		r.pos = len(r.src)
		return r.eof("comment")
	}
	r.pos += i
	if !r.has("-->") {
		return r.fail(`"--" not allowed in comments`)
	}
	r.pos += 3
	return nil
}

func (r *xmlReader) pi() error {
	r.pos += 2
	target := r.name()
	if target == "" {
		return r.fail("invalid processing instruction")
	}
	if strings.EqualFold(target, "xml") {
		return r.fail("XML declaration not at the start of the document")
	}
	return r.skipPast("?>", "processing instruction")
}

// doctype accepts <!DOCTYPE name [external id]> and rejects internal
// subsets, which may declare entities. Nothing is ever fetched or expanded.
func (r *xmlReader) doctype() error {
	start := r.pos
	for r.pos += len("<!DOCTYPE"); r.pos < len(r.src); r.pos++ {
		switch c := r.src[r.pos]; c {
		case '[':
			r.pos = start
			return syntaxErr(r.src, start, ErrUnsupported,
				"DOCTYPE with an internal subset is not supported (entity declarations are never expanded)")
		case '"', '\'':
			j := strings.IndexByte(r.src[r.pos+1:], c)
			if j < 0 {
				r.pos = len(r.src)
				return r.eof("DOCTYPE")
			}
			r.pos += j + 1
		case '>':
			r.pos++
			return nil
		}
	}
	return r.eof("DOCTYPE")
}

// elements reads the root element and everything inside it, iteratively.
func (r *xmlReader) elements() (*xelem, error) {
	root, open, err := r.startTag(nil, 1)
	if err != nil || !open {
		return root, err
	}
	cur, depth := root, 1
	for cur != nil {
		i := strings.IndexByte(r.src[r.pos:], '<')
		if i < 0 {
			r.pos = len(r.src)
			return nil, r.eof("element <" + r.qname(cur) + ">")
		}
		if err := r.checkText(r.pos, r.pos+i); err != nil {
			return nil, err
		}
		r.pos += i
		switch {
		case r.has("</"):
			if err := r.endTag(cur); err != nil {
				return nil, err
			}
			cur, depth = cur.parent, depth-1
		case r.has("<!--"):
			err = r.comment()
		case r.has("<![CDATA["):
			r.pos += len("<![CDATA[")
			err = r.skipPast("]]>", "CDATA section")
		case r.has("<?"):
			err = r.pi()
		case r.has("<!"):
			err = r.fail("unexpected markup declaration in content")
		default:
			var e *xelem
			e, open, err = r.startTag(cur, depth+1)
			if err == nil && open {
				cur, depth = e, depth+1
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return root, nil
}

// qname returns the qualified name of e as written.
func (r *xmlReader) qname(e *xelem) string { return r.src[e.start+1 : e.start+1+e.qlen] }

func (r *xmlReader) newElem() *xelem {
	if len(r.slab) == cap(r.slab) {
		r.slab = make([]xelem, 0, 4096)
	}
	r.slab = r.slab[:len(r.slab)+1]
	return &r.slab[len(r.slab)-1]
}

// startTag reads a start tag at r.pos and links the element to parent. open
// is false for an empty-element tag.
func (r *xmlReader) startTag(parent *xelem, depth int) (e *xelem, open bool, err error) {
	if depth > MaxDepth {
		return nil, false, syntaxErr(r.src, r.pos, ErrTooLarge, "elements nested deeper than %d", MaxDepth)
	}
	if r.n >= MaxElements {
		return nil, false, syntaxErr(r.src, r.pos, ErrTooLarge, "more than %d elements", MaxElements)
	}
	start := r.pos
	r.pos++
	qn := r.name()
	if qn == "" {
		return nil, false, r.fail("invalid element name")
	}
	e = r.newElem()
	*e = xelem{parent: parent, start: int32(start), qlen: int32(len(qn)), nsMark: int32(len(r.ns)), seq: r.n}
	r.n++
	if open, err = r.attributes(e); err != nil {
		return nil, false, err
	}
	if err = r.resolve(e, qn); err != nil {
		return nil, false, err
	}
	if parent != nil {
		if parent.last == nil {
			parent.first = e
		} else {
			parent.last.next = e
		}
		parent.last = e
	}
	e.cstart = int32(r.pos)
	if !open {
		e.cstart, e.cend, e.end = int32(r.pos), int32(r.pos), int32(r.pos)
		r.ns = r.ns[:e.nsMark]
	}
	return e, open, nil
}

// attributes reads the attributes of a start tag up to and including '>'
// or '/>', recording namespace declarations.
func (r *xmlReader) attributes(e *xelem) (open bool, err error) {
	first := len(r.attrs)
	for {
		sp := r.skipSpace()
		if r.pos >= len(r.src) {
			return false, r.eof("start tag")
		}
		if r.src[r.pos] == '>' {
			r.pos++
			open = true
			break
		}
		if r.has("/>") {
			r.pos += 2
			break
		}
		if !sp {
			return false, r.fail("expected space or end of tag after <%s", r.qname(e))
		}
		a, err := r.attribute()
		if err != nil {
			return false, err
		}
		if len(r.attrs)-first >= MaxAttrs {
			return false, syntaxErr(r.src, r.pos, ErrTooLarge, "more than %d attributes on <%s>", MaxAttrs, r.qname(e))
		}
		if r.dupAttr(r.attrs[first:], a.name) {
			return false, r.fail("duplicate attribute %s on <%s>", a.name, r.qname(e))
		}
		r.attrs = append(r.attrs, a)
	}
	e.attrs = r.attrs[first:len(r.attrs):len(r.attrs)]
	return open, nil
}

// dupAttr reports whether name occurs in attrs, the attributes of the
// current element read so far. Past a few attributes it switches to a set,
// so that the cost stays linear.
func (r *xmlReader) dupAttr(attrs []xattr, name string) bool {
	const small = 16
	if len(attrs) < small {
		for i := range attrs {
			if attrs[i].name == name {
				return true
			}
		}
		return false
	}
	if len(attrs) == small {
		if r.seen == nil {
			r.seen = make(map[string]bool)
		}
		clear(r.seen)
		for _, a := range attrs {
			r.seen[a.name] = true
		}
	}
	if r.seen[name] {
		return true
	}
	r.seen[name] = true
	return false
}

// attribute reads name="value".
func (r *xmlReader) attribute() (xattr, error) {
	name := r.name()
	if name == "" {
		return xattr{}, r.fail("invalid attribute name")
	}
	r.skipSpace()
	if r.pos >= len(r.src) || r.src[r.pos] != '=' {
		return xattr{}, r.fail("attribute %s without value", name)
	}
	r.pos++
	r.skipSpace()
	if r.pos >= len(r.src) || r.src[r.pos] != '"' && r.src[r.pos] != '\'' {
		return xattr{}, r.fail("unquoted value of attribute %s", name)
	}
	q := r.src[r.pos]
	r.pos++
	j := strings.IndexByte(r.src[r.pos:], q)
	if j < 0 {
		r.pos = len(r.src)
		return xattr{}, r.eof("attribute value")
	}
	raw := r.src[r.pos : r.pos+j]
	if k := strings.IndexByte(raw, '<'); k >= 0 {
		r.pos += k
		return xattr{}, r.fail("'<' in value of attribute %s", name)
	}
	val, bad := unescape(raw)
	if bad >= 0 {
		r.pos += bad
		return xattr{}, r.fail("invalid entity reference in attribute %s", name)
	}
	r.pos += j + 1
	return xattr{name: name, value: val}, nil
}

// resolve applies e's namespace declarations and resolves the names of e
// and its attributes.
func (r *xmlReader) resolve(e *xelem, qn string) error {
	for i := range e.attrs {
		a := &e.attrs[i]
		switch {
		case a.name == "xmlns":
			r.ns = append(r.ns, nsBind{"", a.value})
			a.space, a.local = "xmlns", ""
		case strings.HasPrefix(a.name, "xmlns:"):
			if a.value == "" {
				return r.fail("empty namespace for prefix %s", a.name[6:])
			}
			r.ns = append(r.ns, nsBind{a.name[6:], a.value})
			a.space, a.local = "xmlns", a.name[6:]
		}
	}
	var ok bool
	if e.space, e.local, ok = r.split(qn, true); !ok {
		return r.fail("undeclared namespace prefix in <%s>", qn)
	}
	for i := range e.attrs {
		a := &e.attrs[i]
		if a.space == "xmlns" {
			continue
		}
		if a.space, a.local, ok = r.split(a.name, false); !ok {
			return r.fail("undeclared namespace prefix in attribute %s", a.name)
		}
	}
	return nil
}

// split resolves a qualified name. Unprefixed attributes have no namespace.
func (r *xmlReader) split(qn string, elem bool) (space, local string, ok bool) {
	prefix, local, found := strings.Cut(qn, ":")
	if !found {
		prefix, local = "", qn
		if !elem {
			return "", local, true
		}
	}
	if found && (prefix == "" || local == "") {
		return "", "", false
	}
	if prefix == "xml" {
		return xmlNS, local, true
	}
	for i := len(r.ns) - 1; i >= 0; i-- {
		if r.ns[i].prefix == prefix {
			return r.ns[i].uri, local, true
		}
	}
	return "", local, prefix == ""
}

// endTag reads the end tag of cur at r.pos.
func (r *xmlReader) endTag(cur *xelem) error {
	cend := r.pos
	r.pos += 2
	qn := r.name()
	if qn != r.qname(cur) {
		r.pos = cend
		return r.fail("element <%s> closed by </%s>", r.qname(cur), qn)
	}
	r.skipSpace()
	if r.pos >= len(r.src) || r.src[r.pos] != '>' {
		return r.eof("end tag </" + qn + ">")
	}
	r.pos++
	cur.cend, cur.end = int32(cend), int32(r.pos)
	r.ns = r.ns[:cur.nsMark]
	return nil
}

// checkText validates the entity references in src[from:to].
func (r *xmlReader) checkText(from, to int) error {
	s := r.src[from:to]
	for i := strings.IndexByte(s, '&'); i >= 0; {
		n := entityLen(s[i:])
		if n < 0 {
			r.pos = from + i
			return r.fail("invalid or undefined entity reference")
		}
		j := strings.IndexByte(s[i+n:], '&')
		if j < 0 {
			break
		}
		i += n + j
	}
	return nil
}

// entityLen returns the length of the entity reference at the start of s
// ("&amp;" → 5), or -1 if it is malformed or not predefined.
func entityLen(s string) int {
	end := strings.IndexByte(s, ';')
	if end < 0 || end > 12 {
		return -1
	}
	if _, ok := entityValue(s[1:end]); !ok {
		return -1
	}
	return end + 1
}

// entityValue decodes the name between '&' and ';'.
func entityValue(name string) (string, bool) {
	switch name {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "apos":
		return "'", true
	case "quot":
		return `"`, true
	}
	if len(name) < 2 || name[0] != '#' {
		return "", false
	}
	var v uint64
	var err error
	if name[1] == 'x' {
		v, err = strconv.ParseUint(name[2:], 16, 32)
	} else {
		v, err = strconv.ParseUint(name[1:], 10, 32)
	}
	if err != nil || !isXMLChar(rune(v)) {
		return "", false
	}
	return string(rune(v)), true
}

func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// unescape decodes entity references and normalises line ends in s. bad
// is the offset of an invalid reference, or -1.
func unescape(s string) (out string, bad int) {
	if strings.IndexByte(s, '&') < 0 && strings.IndexByte(s, '\r') < 0 {
		return s, -1
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			n := entityLen(s[i:])
			if n < 0 {
				return "", i
			}
			v, _ := entityValue(s[i+1 : i+n-1])
			b.WriteString(v)
			i += n - 1
		case '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), -1
}

// normalizeEOL turns CR LF and lone CR into LF.
func normalizeEOL(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// text returns the character data directly inside e (children skipped),
// with entities, CDATA sections and line ends decoded.
func (d *xdoc) text(e *xelem) string {
	if e.first == nil {
		return d.segment(e.cstart, e.cend)
	}
	var b strings.Builder
	from := e.cstart
	for c := e.first; c != nil; c = c.next {
		b.WriteString(d.segment(from, c.start))
		from = c.end
	}
	b.WriteString(d.segment(from, e.cend))
	return b.String()
}

// segment decodes character data in src[from:to], which holds no element.
func (d *xdoc) segment(from, to int32) string {
	s := d.src[from:to]
	if strings.IndexByte(s, '<') < 0 {
		v, _ := unescape(s)
		return v
	}
	var b strings.Builder
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			i = len(s)
		}
		v, _ := unescape(s[:i])
		b.WriteString(v)
		s = s[i:]
		switch {
		case s == "":
		case strings.HasPrefix(s, "<![CDATA["):
			s = s[len("<![CDATA["):]
			j := strings.Index(s, "]]>")
			b.WriteString(normalizeEOL(s[:j]))
			s = s[j+3:]
		case strings.HasPrefix(s, "<!--"):
			s = s[strings.Index(s, "-->")+3:]
		default: // processing instruction
			s = s[strings.Index(s, "?>")+2:]
		}
	}
	return b.String()
}

// raw returns the source of e, adding the declarations of the namespace
// prefixes that e uses but that are declared outside it, so that the
// result is a self-contained XML fragment.
func (d *xdoc) raw(e *xelem) string {
	s := d.src[e.start:e.end]
	nd := nsNeeds{inner: map[string]int{}, added: map[string]bool{}}
	nd.visit(d, e)
	if len(nd.decls) == 0 {
		return s
	}
	var b strings.Builder
	n := 1 + int(e.qlen)
	b.WriteString(s[:n])
	for _, ns := range nd.decls {
		b.WriteString(" xmlns")
		if ns.prefix != "" {
			b.WriteString(":" + ns.prefix)
		}
		b.WriteString(`="` + escapeAttr(ns.uri) + `"`)
	}
	b.WriteString(s[n:])
	return b.String()
}

// nsNeeds finds the namespace bindings a subtree takes from outside.
type nsNeeds struct {
	inner map[string]int  // prefixes declared on the current path inside the subtree
	added map[string]bool // prefixes already in decls
	decls []nsBind
}

func (nd *nsNeeds) visit(d *xdoc, x *xelem) {
	for _, a := range x.attrs {
		if a.space == "xmlns" {
			nd.inner[a.local]++
		}
	}
	prefix, _, found := strings.Cut(d.src[x.start+1:x.start+1+x.qlen], ":")
	if !found {
		prefix = ""
	}
	if x.space != "" || found {
		nd.need(prefix, x.space)
	}
	for _, a := range x.attrs {
		if p, _, ok := strings.Cut(a.name, ":"); ok && a.space != "xmlns" {
			nd.need(p, a.space)
		}
	}
	for c := x.first; c != nil; c = c.next {
		nd.visit(d, c)
	}
	for _, a := range x.attrs {
		if a.space == "xmlns" {
			nd.inner[a.local]--
		}
	}
}

func (nd *nsNeeds) need(prefix, uri string) {
	if prefix == "xml" || nd.inner[prefix] > 0 || nd.added[prefix] {
		return
	}
	nd.added[prefix] = true
	nd.decls = append(nd.decls, nsBind{prefix, uri})
}

// walk calls f for e and its descendants in document order.
func walk(e *xelem, f func(*xelem)) {
	f(e)
	for c := e.first; c != nil; c = c.next {
		walk(c, f)
	}
}

var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;", "\n", "&#10;", "\r", "&#13;", "\t", "&#9;")

func escapeAttr(s string) string { return attrEscaper.Replace(s) }
