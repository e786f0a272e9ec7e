package scenario

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/feel"
	"github.com/bpmnrun/bpmnrun/interp"
	"go.yaml.in/yaml/v3"
)

// MaxFileSize bounds the size of a scenario file.
const MaxFileSize = 4 << 20

// Load reads and parses the scenario file at path. An I/O error is
// returned as is (an *fs.PathError); problems of the content as Errors.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a scenario file held in memory; file names it in errors and
// is the directory the model path is relative to. Every problem is
// reported, in line order, in an Errors.
func Parse(file string, data []byte) (*Scenario, error) {
	p := &parser{file: file}
	if len(data) > MaxFileSize {
		p.errorf(0, "", "file larger than %d bytes", MaxFileSize)
		return nil, p.errs
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p.yamlError(err)
		return nil, p.errs
	}
	s := p.scenario(&doc)
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
		return nil, p.errs
	}
	return s, nil
}

type parser struct {
	file string
	errs Errors
}

func (p *parser) errorf(line int, path, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlError reports a YAML syntax error with its line.
func (p *parser) yamlError(err error) {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	p.errorf(line, "", "YAML syntax error: %s", strings.TrimPrefix(msg, "yaml: "))
}

// field is one key: value of a mapping.
type field struct {
	key, val *yaml.Node
	path     string
}

// mapping returns the fields of mapping node n, found at path, by key.
// Keys outside allowed are reported, with a suggestion; so are duplicate
// keys. A node that is not a mapping is reported and gives no fields.
func (p *parser) mapping(n *yaml.Node, path string, allowed ...string) map[string]field {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		if n.Tag == "!!null" {
			return map[string]field{}
		}
		p.errorf(n.Line, path, "want a mapping of %s, got %s", strings.Join(allowed, ", "), describe(n))
		return nil
	}
	out := map[string]field{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		switch {
		case !slices.Contains(allowed, name):
			p.errorf(k.Line, path, "unknown field %q%s", name, suggest(name, allowed))
		case out[name].key != nil:
			p.errorf(k.Line, path, "field %q given twice (first on line %d)", name, out[name].key.Line)
		default:
			out[name] = field{key: k, val: v, path: join(path, name)}
		}
	}
	return out
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return deref(n.Content[0])
	}
	return n
}

// describe names what a node is, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return strconv.Quote(n.Value)
}

// str returns the string value of a scalar field; required fields that
// are missing are reported.
func (p *parser) str(f field) string {
	if f.val == nil {
		return ""
	}
	n := deref(f.val)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n.Line, f.path, "want a string, got %s", describe(n))
		return ""
	}
	return n.Value
}

// required reports a missing field of the mapping at path (starting on line).
func (p *parser) required(fs map[string]field, name string, line int, path string) bool {
	if _, ok := fs[name]; !ok && fs != nil {
		p.errorf(line, path, "missing field %q", name)
		return false
	}
	return true
}

func (p *parser) integer(f field) (int, bool) {
	n := deref(f.val)
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(n.Line, f.path, "want an integer, got %s", describe(n))
		return 0, false
	}
	return v, true
}

func (p *parser) boolean(f field) bool {
	n := deref(f.val)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	}
	p.errorf(n.Line, f.path, "want true or false, got %s", describe(n))
	return false
}

func (p *parser) strList(f field) []string {
	n := deref(f.val)
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value} // a single id is a list of one
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n.Line, f.path, "want a list of element ids, got %s", describe(n))
		return nil
	}
	out := []string{}
	for i, c := range n.Content {
		s := p.str(field{val: c, path: fmt.Sprintf("%s[%d]", f.path, i)})
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// vars converts a mapping of variables to JSON-like values (numbers are
// float64, as in the engine).
func (p *parser) vars(f field) map[string]any {
	n := deref(f.val)
	if n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n.Line, f.path, "want a mapping of variable names to values, got %s", describe(n))
		return nil
	}
	v, _ := p.value(n, f.path).(map[string]any)
	return v
}

// value converts a YAML node to a JSON-like value.
func (p *parser) value(n *yaml.Node, path string) any {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				p.errorf(k.Line, path, "a variable name must be a string, got %s", describe(k))
				continue
			}
			if _, dup := m[k.Value]; dup {
				p.errorf(k.Line, path, "variable %q given twice", k.Value)
			}
			m[k.Value] = p.value(n.Content[i+1], join(path, k.Value))
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			l[i] = p.value(c, fmt.Sprintf("%s[%d]", path, i))
		}
		return l
	}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool", "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			p.errorf(n.Line, path, "%v", err)
			return nil
		}
		switch x := v.(type) {
		case int:
			return float64(x)
		case int64:
			return float64(x)
		case uint64:
			return float64(x)
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) {
				p.errorf(n.Line, path, "%s is not a JSON number", n.Value)
			}
		}
		return v
	}
	return n.Value // strings, timestamps and other scalars as written
}

// duration parses an ISO 8601 duration.
func (p *parser) duration(f field) (feel.Duration, bool) {
	s := p.str(f)
	if s == "" {
		return feel.Duration{}, false
	}
	d, err := feel.ParseDuration(s)
	if err != nil {
		p.errorf(f.val.Line, f.path, "invalid ISO 8601 duration %q (want e.g. PT10M, PT1H30M, P2D)", s)
		return feel.Duration{}, false
	}
	if d.Months < 0 || d.Days < 0 || d.Time < 0 {
		p.errorf(f.val.Line, f.path, "negative duration %q: the clock never goes backwards", s)
		return feel.Duration{}, false
	}
	return d, true
}

// exactDuration parses an ISO 8601 duration without years or months.
func (p *parser) exactDuration(f field) (time.Duration, bool) {
	d, ok := p.duration(f)
	if ok && d.Months != 0 {
		p.errorf(f.val.Line, f.path, "duration %q has years or months, which have no fixed length here", f.val.Value)
		return 0, false
	}
	return time.Duration(d.Days)*24*time.Hour + d.Time, ok
}

func (p *parser) timestamp(f field) (time.Time, bool) {
	s := p.str(f)
	if s == "" {
		return time.Time{}, false
	}
	t, err := feel.ParseDateTime(s)
	if err != nil {
		p.errorf(f.val.Line, f.path, "invalid date-time %q (want e.g. 2026-01-01T09:30:00Z)", s)
		return time.Time{}, false
	}
	return t, true
}

var topFields = []string{"version", "name", "model", "process", "variables", "startTime", "parallelCompensation", "instances", "steps", "expect"}

func (p *parser) scenario(doc *yaml.Node) *Scenario {
	root := deref(doc)
	if doc.Kind == 0 || root.Kind != yaml.MappingNode {
		got := "nothing"
		if doc.Kind != 0 {
			got = describe(root)
		}
		p.errorf(max(root.Line, 1), "", "want a mapping starting with \"version: %d\", got %s", Version, got)
		return nil
	}
	fs := p.mapping(root, "", topFields...)
	s := &Scenario{File: p.file}
	p.version(fs, root)
	if f, ok := fs["name"]; ok {
		s.Name = p.str(f)
	}
	if p.required(fs, "model", root.Line, "") {
		s.Model = p.str(fs["model"])
	}
	if f, ok := fs["process"]; ok {
		s.Process = p.str(f)
	}
	if f, ok := fs["variables"]; ok {
		s.Variables = p.vars(f)
	}
	if f, ok := fs["startTime"]; ok {
		s.StartTime, _ = p.timestamp(f)
	}
	if f, ok := fs["parallelCompensation"]; ok {
		s.ParallelCompensation = p.boolean(f)
	}
	if f, ok := fs["instances"]; ok {
		s.Instances = p.instances(f)
	} else {
		s.Instances = []*Instance{{Name: "1", Line: root.Line}}
	}
	if f, ok := fs["steps"]; ok {
		s.Steps = p.steps(f, s.Instances)
	}
	if f, ok := fs["expect"]; ok {
		s.Expect = p.expect(f)
	}
	return s
}

func (p *parser) version(fs map[string]field, root *yaml.Node) {
	f, ok := fs["version"]
	if !ok {
		p.errorf(root.Line, "", "missing field \"version\" (write \"version: %d\" first)", Version)
		return
	}
	if v, ok := p.integer(f); ok && v != Version {
		p.errorf(f.val.Line, "version", "unsupported version %d: this bpmnrun reads version %d", v, Version)
	}
}

func (p *parser) instances(f field) []*Instance {
	n := deref(f.val)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.errorf(n.Line, f.path, "want a list of instances, got %s", describe(n))
		return []*Instance{{Name: "1"}}
	}
	var out []*Instance
	seen := map[string]int{}
	for i, c := range n.Content {
		path := fmt.Sprintf("instances[%d]", i)
		fs := p.mapping(c, path, "name", "process", "variables", "expect")
		in := &Instance{Name: strconv.Itoa(i + 1), Line: c.Line}
		if g, ok := fs["name"]; ok {
			in.Name = p.str(g)
		}
		if line, dup := seen[in.Name]; dup {
			p.errorf(c.Line, path, "instance name %q already used on line %d", in.Name, line)
		}
		seen[in.Name] = c.Line
		if g, ok := fs["process"]; ok {
			in.Process = p.str(g)
		}
		if g, ok := fs["variables"]; ok {
			in.Variables = p.vars(g)
		}
		if g, ok := fs["expect"]; ok {
			in.Expect = p.expect(g)
		}
		out = append(out, in)
	}
	return out
}

// stepFields are the fields each kind of step allows besides its own key.
var stepFields = map[string][]string{
	"complete":  {"instance", "variables"},
	"fail":      {"instance", "retries", "backoff", "message"},
	"error":     {"instance", "code", "message", "variables"},
	"publish":   {"correlationKey", "variables", "ttl", "id"},
	"signal":    {"variables"},
	"advance":   {},
	"advanceTo": {},
	"expect":    {"instance"},
}

func (p *parser) steps(f field, insts []*Instance) []*Step {
	n := deref(f.val)
	if n.Kind != yaml.SequenceNode {
		if n.Tag != "!!null" {
			p.errorf(n.Line, f.path, "want a list of steps, got %s", describe(n))
		}
		return nil
	}
	var out []*Step
	for i, c := range n.Content {
		if st := p.step(deref(c), fmt.Sprintf("steps[%d]", i), insts); st != nil {
			out = append(out, st)
		}
	}
	return out
}

// step parses one step: a mapping whose first key says what it does.
func (p *parser) step(n *yaml.Node, path string, insts []*Instance) *Step {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		p.errorf(n.Line, path, "want a step such as \"complete: TASK\", got %s", describe(n))
		return nil
	}
	kindKey := n.Content[0]
	kind := slices.Index(stepNames[:], kindKey.Value)
	if kind < 0 {
		p.errorf(kindKey.Line, path, "unknown step %q%s (a step is one of %s)", kindKey.Value, suggest(kindKey.Value, stepNames[:]), strings.Join(stepNames[:], ", "))
		return nil
	}
	name := kindKey.Value
	path += "." + name
	st := &Step{Kind: StepKind(kind), Line: kindKey.Line, Path: path}
	allowed := append([]string{name}, stepFields[name]...)
	for i := 2; i < len(n.Content); i += 2 {
		if k := n.Content[i].Value; k != name && slices.Contains(stepNames[:], k) {
			p.errorf(n.Content[i].Line, path, "a step does one thing: %q and %q in one step (start a new one with \"- %s:\")", name, k, k)
		}
	}
	fs := p.mapping(n, path, allowed...)
	if fs == nil {
		return nil
	}
	main := fs[name]
	main.path = path
	p.stepBody(st, main, fs)
	if g, ok := fs["instance"]; ok {
		st.Instance = p.str(g)
		if st.Instance != "" && !slices.ContainsFunc(insts, func(in *Instance) bool { return in.Name == st.Instance }) {
			p.errorf(g.val.Line, g.path, "no instance named %q%s", st.Instance, suggest(st.Instance, instanceNames(insts)))
		}
	}
	if g, ok := fs["variables"]; ok {
		st.Variables = p.vars(g)
	}
	return st
}

func instanceNames(insts []*Instance) []string {
	var names []string
	for _, in := range insts {
		names = append(names, in.Name)
	}
	return names
}

// stepBody reads the value of a step's main key and its own fields.
func (p *parser) stepBody(st *Step, main field, fs map[string]field) {
	switch st.Kind {
	case StepComplete, StepFail, StepError, StepPublish, StepSignal:
		if st.Target = p.str(main); st.Target == "" && deref(main.val).Kind == yaml.ScalarNode && deref(main.val).Tag != "!!null" {
			p.errorf(main.val.Line, main.path, "missing %s", targetWhat(st.Kind))
		}
	case StepAdvance:
		st.Duration, _ = p.duration(main)
	case StepAdvanceTo:
		st.Time, _ = p.timestamp(main)
	case StepExpect:
		st.Expect = p.expect(main)
	}
	switch st.Kind {
	case StepFail:
		if g, ok := fs["retries"]; ok {
			if r, ok := p.integer(g); ok {
				if r < 0 {
					p.errorf(g.val.Line, g.path, "retries must be 0 or more, got %d", r)
				}
				st.Retries = &r
			}
		}
		if g, ok := fs["backoff"]; ok {
			st.Backoff, _ = p.exactDuration(g)
		}
	case StepError:
		if p.required(fs, "code", st.Line, st.Path) {
			if st.Code = p.str(fs["code"]); st.Code == "" {
				p.errorf(fs["code"].val.Line, fs["code"].path, "missing error code")
			}
		}
	case StepPublish:
		if g, ok := fs["correlationKey"]; ok {
			st.CorrelationKey = p.str(g)
		}
		if g, ok := fs["ttl"]; ok {
			if d, ok := p.exactDuration(g); ok {
				st.TTL = &d
			}
		}
		if g, ok := fs["id"]; ok {
			st.MessageID = p.str(g)
		}
	}
	if g, ok := fs["message"]; ok {
		st.Message = p.str(g)
	}
}

func targetWhat(k StepKind) string {
	switch k {
	case StepPublish:
		return "message name"
	case StepSignal:
		return "signal name"
	}
	return "job type or element id"
}

var expectFields = []string{"state", "passed", "passedSet", "notPassed", "waitingAt", "endEvent", "variables", "incidents", "compensated", "waitingForMessages"}

var states = []string{"active", "completed", "terminated", "canceled"}

func (p *parser) expect(f field) *Expect {
	fs := p.mapping(f.val, f.path, expectFields...)
	x := &Expect{Line: f.val.Line, Path: f.path, lines: map[string]int{}}
	for name, g := range fs {
		x.lines[name] = g.key.Line
	}
	if g, ok := fs["state"]; ok {
		s := p.str(g)
		if i := slices.Index(states, s); i >= 0 {
			st := interp.InstanceState(i)
			x.State = &st
		} else if s != "" {
			p.errorf(g.val.Line, g.path, "unknown state %q%s (want one of %s)", s, suggest(s, states), strings.Join(states, ", "))
		}
	}
	lists := []struct {
		name string
		dst  *[]string
	}{{"passed", &x.Passed}, {"passedSet", &x.PassedSet}, {"notPassed", &x.NotPassed},
		{"waitingAt", &x.WaitingAt}, {"incidents", &x.Incidents}, {"compensated", &x.Compensated}}
	for _, l := range lists {
		if g, ok := fs[l.name]; ok {
			*l.dst = p.strList(g)
		}
	}
	if g, ok := fs["endEvent"]; ok {
		x.EndEvent = p.str(g)
	}
	if g, ok := fs["variables"]; ok {
		x.Variables = p.vars(g)
	}
	if g, ok := fs["waitingForMessages"]; ok {
		x.WaitingForMessages = p.messageKeys(g)
	}
	return x
}

func (p *parser) messageKeys(f field) []MessageKey {
	n := deref(f.val)
	if n.Kind != yaml.SequenceNode {
		p.errorf(n.Line, f.path, "want a list of {name, correlationKey}, got %s", describe(n))
		return nil
	}
	var out []MessageKey
	for i, c := range n.Content {
		path := fmt.Sprintf("%s[%d]", f.path, i)
		fs := p.mapping(c, path, "name", "correlationKey")
		var k MessageKey
		if p.required(fs, "name", c.Line, path) {
			k.Name = p.str(fs["name"])
		}
		if g, ok := fs["correlationKey"]; ok {
			k.CorrelationKey = p.str(g)
		}
		out = append(out, k)
	}
	return out
}

// suggest returns ` (did you mean "x"?)` for the candidate closest to s
// by edit distance (case aside, a swap of two letters counting one), or "".
func suggest(s string, cands []string) string {
	limit := min(max(len(s)/3, 1), 4)
	best, bestD := "", limit+1
	for _, c := range cands {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if d < bestD && d < len(s) && c != s {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance returns the optimal string alignment distance between a
// and b, in bytes: insertions, deletions, substitutions and swaps of
// adjacent bytes.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
