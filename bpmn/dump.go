package bpmn

import (
	"io"
	"strconv"
	"strings"
)

// Dump writes a canonical text form of d: one line per element, nested
// by indentation, in document order, with attributes in a fixed order and
// strings quoted with Go syntax. Equal models give equal dumps; tests
// compare dumps instead of structs. The format is for people and golden
// files, not for parsing back.
func Dump(w io.Writer, d *Definitions) error {
	var p printer
	p.definitions(d)
	_, err := io.WriteString(w, p.String())
	return err
}

// printer builds the dump.
type printer struct {
	strings.Builder
	depth int
}

// line writes one line: the indentation, then the words separated by
// spaces, skipping empty ones.
func (p *printer) line(words ...string) {
	p.WriteString(strings.Repeat("  ", p.depth))
	sep := ""
	for _, w := range words {
		if w != "" {
			p.WriteString(sep + w)
			sep = " "
		}
	}
	p.WriteByte('\n')
}

// kv formats key="value", or "" when value is empty.
func kv(key, value string) string {
	if value == "" {
		return ""
	}
	return key + "=" + strconv.Quote(value)
}

// flagIf returns name when set.
func flagIf(set bool, name string) string {
	if set {
		return name
	}
	return ""
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (p *printer) definitions(d *Definitions) {
	p.line("definitions", strconv.Quote(d.ID), kv("name", d.Name), kv("targetNamespace", d.TargetNamespace))
	p.depth++
	for _, m := range d.Messages {
		p.line("message", strconv.Quote(m.ID), kv("name", m.Name), kv("correlationKey", m.CorrelationKey))
	}
	for _, e := range d.Errors {
		p.line("error", strconv.Quote(e.ID), kv("name", e.Name), kv("code", e.ErrorCode))
	}
	for _, e := range d.Escalations {
		p.line("escalation", strconv.Quote(e.ID), kv("name", e.Name), kv("code", e.EscalationCode))
	}
	for _, s := range d.Signals {
		p.line("signal", strconv.Quote(s.ID), kv("name", s.Name))
	}
	for _, pr := range d.Processes {
		p.process(pr)
	}
	for _, c := range d.Collaborations {
		p.collaboration(c)
	}
	for _, dg := range d.Diagrams {
		p.diagram(dg)
	}
	for _, x := range d.Extensions {
		p.line("extension", x.Space, x.Tag, kv("element", x.ElementID), strconv.Quote(x.XML))
	}
	for _, w := range d.Warnings {
		p.line("warning", w.Code, w.Path+":", w.Message)
	}
	p.depth--
}

func (p *printer) process(pr *Process) {
	p.line("process", strconv.Quote(pr.ID), kv("name", pr.Name), flagIf(pr.IsExecutable, "executable"),
		"nodes="+strconv.Itoa(len(pr.AllNodes)), "flows="+strconv.Itoa(len(pr.AllFlows)))
	p.depth++
	p.docLine(pr.Documentation)
	p.extensions(pr.Extensions)
	p.scope(&pr.Scope)
	p.depth--
}

func (p *printer) scope(s *Scope) {
	for _, n := range s.Nodes {
		p.node(n)
	}
	for _, f := range s.Flows {
		p.line("sequenceFlow", strconv.Quote(f.ID), kv("name", f.Name), endID(f.Source), "->", endID(f.Target),
			flagIf(f.IsDefault, "default"), kv("condition", f.Condition))
	}
	for _, a := range s.Associations {
		p.line("association", strconv.Quote(a.ID), a.Source, "->", a.Target)
	}
}

func endID(n *Node) string {
	if n == nil {
		return "?"
	}
	return n.ID
}

func flowIDs(fs []*SequenceFlow) string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return strings.Join(ids, ",")
}

func nodeList(ns []*Node) string {
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return strings.Join(ids, ",")
}

func (p *printer) node(n *Node) {
	var ref, handler, dflt string
	if n.AttachedTo != nil {
		ref = "attachedTo=" + n.AttachedTo.ID
	}
	if n.CompensationHandler != nil {
		handler = "handler=" + n.CompensationHandler.ID
	}
	if n.Default != nil {
		dflt = "default=" + n.Default.ID
	}
	p.line(n.Kind.String(), strconv.Quote(n.ID), kv("name", n.Name), ref,
		flagIf(n.Kind == BoundaryEvent && !n.CancelActivity, "nonInterrupting"),
		flagIf(n.Kind == StartEvent && !n.Interrupting, "nonInterrupting"),
		flagIf(n.TriggeredByEvent, "eventSubProcess"), flagIf(n.IsForCompensation, "forCompensation"),
		flagIf(n.ParallelMultiple, "parallelMultiple"), flagIf(n.Instantiate, "instantiate"), handler, dflt)
	p.depth++
	p.docLine(n.Documentation)
	p.event(n.Event)
	p.activity(n)
	if len(n.Incoming)+len(n.Outgoing)+len(n.Boundaries) > 0 {
		p.line(kv("in", flowIDs(n.Incoming)), kv("out", flowIDs(n.Outgoing)), kv("boundaries", nodeList(n.Boundaries)))
	}
	p.extensions(n.Extensions)
	p.scope(&n.Scope)
	p.depth--
}

func (p *printer) docLine(doc string) {
	if doc != "" {
		p.line("documentation", strconv.Quote(doc))
	}
}

func (p *printer) extensions(xs []RawExtension) {
	for _, x := range xs {
		p.line("extension", x.Space, x.Tag)
	}
}

func (p *printer) event(e *EventDefinition) {
	if e == nil {
		return
	}
	var ref, code string
	switch {
	case e.Message != nil:
		ref, code = e.Message.ID, ""
	case e.Error != nil:
		ref, code = e.Error.ID, e.Error.ErrorCode
	case e.Escalation != nil:
		ref, code = e.Escalation.ID, e.Escalation.EscalationCode
	case e.Signal != nil:
		ref = e.Signal.ID
	case e.ActivityRef != nil:
		ref = e.ActivityRef.ID
	}
	p.line("event", e.Type.String(), kv("ref", ref), kv("code", code), kv("timeDate", e.TimeDate),
		kv("timeDuration", e.TimeDuration), kv("timeCycle", e.TimeCycle), kv("link", e.LinkName),
		kv("condition", e.Condition), flagIf(e.Type == CompensateEvent && !e.WaitForCompletion, "noWait"))
}

func (p *printer) activity(n *Node) {
	if n.MessageRef != nil {
		p.line("message", strconv.Quote(n.MessageRef.ID))
	}
	if j := n.Job; j != nil {
		p.line("job", kv("type", j.Type), kv("retries", j.Retries))
		p.depth++
		for _, h := range j.Headers {
			p.line("header", strconv.Quote(h.Key), "=", strconv.Quote(h.Value))
		}
		p.depth--
	}
	if s := n.Script; s != nil {
		p.line("script", kv("format", s.Format), kv("result", s.ResultVariable), kv("expression", s.Expression))
	}
	if c := n.CalledElement; c != nil {
		p.line("call", kv("process", c.ProcessID), flagIf(c.PropagateAllChildVariables, "propagateChild"),
			flagIf(c.PropagateAllParentVariables, "propagateParent"))
	}
	if l := n.Loop; l != nil {
		p.line("multiInstance", flagIf(l.IsSequential, "sequential"), flagIf(!l.IsSequential, "parallel"),
			kv("cardinality", l.LoopCardinality), kv("inputCollection", l.InputCollection),
			kv("inputElement", l.InputElement), kv("outputCollection", l.OutputCollection),
			kv("outputElement", l.OutputElement), kv("completion", l.CompletionCondition))
	}
	for _, m := range n.Inputs {
		p.line("input", strconv.Quote(m.Source), "->", strconv.Quote(m.Target))
	}
	for _, m := range n.Outputs {
		p.line("output", strconv.Quote(m.Source), "->", strconv.Quote(m.Target))
	}
}

func (p *printer) collaboration(c *Collaboration) {
	p.line("collaboration", strconv.Quote(c.ID), kv("name", c.Name))
	p.depth++
	for _, pt := range c.Participants {
		p.line("participant", strconv.Quote(pt.ID), kv("name", pt.Name), kv("process", pt.ProcessRef))
	}
	for _, mf := range c.MessageFlows {
		p.line("messageFlow", strconv.Quote(mf.ID), kv("name", mf.Name), mf.SourceRef, "->", mf.TargetRef,
			kv("message", mf.MessageRef))
	}
	p.depth--
}

func (p *printer) diagram(d *Diagram) {
	p.line("diagram", strconv.Quote(d.ID), kv("name", d.Name))
	p.depth++
	for _, s := range d.Shapes {
		p.line("shape", strconv.Quote(s.ID), s.ElementID, boundsStr(&s.Bounds), flagIf(s.IsExpanded, "expanded"),
			flagIf(s.IsHorizontal, "horizontal"), labelStr(s.Label))
	}
	for _, e := range d.Edges {
		pts := make([]string, len(e.Waypoints))
		for i, w := range e.Waypoints {
			pts[i] = num(w.X) + "," + num(w.Y)
		}
		p.line("edge", strconv.Quote(e.ID), e.ElementID, strings.Join(pts, " "), labelStr(e.Label))
	}
	p.depth--
}

func boundsStr(b *Bounds) string {
	return num(b.X) + "," + num(b.Y) + "," + num(b.Width) + "x" + num(b.Height)
}

func labelStr(b *Bounds) string {
	if b == nil {
		return ""
	}
	return "label=" + boundsStr(b)
}
