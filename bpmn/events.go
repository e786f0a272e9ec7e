package bpmn

import "strings"

// This file reads event definitions and resolves their references to
// messages, errors, escalations and signals.

// setEvent keeps the first event definition of n.
func (b *builder) setEvent(n *Node, ed *EventDefinition) {
	if n.Event != nil || ed == nil {
		return
	}
	n.Event = ed
	if ed.Type == ConditionalEvent {
		n.Condition = ed.Condition
	}
}

// globalEventDef resolves an eventDefinitionRef to a root-level event
// definition, copied so that each event owns its definition.
func (b *builder) globalEventDef(n *Node, ref string) *EventDefinition {
	e, ok := b.ids[ref]
	if !ok || e.parent != b.doc.root || !strings.HasSuffix(e.local, "EventDefinition") {
		b.dangling(n, "eventDefinitionRef", ref, nil)
		return nil
	}
	return b.eventDef(n, e)
}

// eventDef builds an event definition of node n.
func (b *builder) eventDef(n *Node, e *xelem) *EventDefinition {
	ed := &EventDefinition{ID: b.id(e)}
	switch e.local {
	case "messageEventDefinition":
		ed.Type, ed.Message = MessageEvent, b.refMessage(n, e)
	case "timerEventDefinition":
		ed.Type = TimerEvent
		b.timer(ed, e)
	case "errorEventDefinition":
		ed.Type, ed.Error = ErrorEvent, b.refError(n, e.attr("errorRef"))
	case "escalationEventDefinition":
		ed.Type, ed.Escalation = EscalationEvent, b.refEscalation(n, e.attr("escalationRef"))
	case "signalEventDefinition":
		ed.Type, ed.Signal = SignalEvent, b.refSignal(n, e.attr("signalRef"))
	case "compensateEventDefinition":
		ed.Type, ed.WaitForCompletion = CompensateEvent, e.attr("waitForCompletion") != "false"
		b.nodes[n.Index].activityRef = strings.TrimSpace(e.attr("activityRef"))
	case "terminateEventDefinition":
		ed.Type = TerminateEvent
	case "cancelEventDefinition":
		ed.Type = CancelEvent
	case "linkEventDefinition":
		ed.Type, ed.LinkName = LinkEvent, e.attr("name")
	case "conditionalEventDefinition":
		ed.Type = ConditionalEvent
		for c := e.first; c != nil; c = c.next {
			if c.is(nsBPMN, "condition") {
				ed.Condition = b.text(c)
			}
		}
	default:
		b.unsupported(e, n.Path+"/"+e.local, "")
		return nil
	}
	return ed
}

// timer reads timeDate, timeDuration and timeCycle.
func (b *builder) timer(ed *EventDefinition, e *xelem) {
	for c := e.first; c != nil; c = c.next {
		switch {
		case c.is(nsBPMN, "timeDate"):
			ed.TimeDate = b.text(c)
		case c.is(nsBPMN, "timeDuration"):
			ed.TimeDuration = b.text(c)
		case c.is(nsBPMN, "timeCycle"):
			ed.TimeCycle = b.text(c)
		}
	}
}

// refMessage resolves the messageRef attribute of e.
func (b *builder) refMessage(n *Node, e *xelem) *Message {
	ref := strings.TrimSpace(e.attr("messageRef"))
	if ref == "" {
		return nil
	}
	m, ok := lookup[*Message](b, ref)
	if !ok {
		b.dangling(n, "messageRef", ref, ids(b.defs.Messages, func(m *Message) string { return m.ID }))
	}
	return m
}

// refSignal resolves a signalRef.
func (b *builder) refSignal(n *Node, ref string) *Signal {
	if ref = strings.TrimSpace(ref); ref == "" {
		return nil
	}
	s, ok := lookup[*Signal](b, ref)
	if !ok {
		b.dangling(n, "signalRef", ref, ids(b.defs.Signals, func(s *Signal) string { return s.ID }))
	}
	return s
}

// refError resolves an errorRef. Camunda 7 treats an errorRef that names
// no bpmn:error as the error code itself; bpmnrun does the same and warns.
func (b *builder) refError(n *Node, ref string) *Error {
	if ref = strings.TrimSpace(ref); ref == "" {
		return nil
	}
	if e, ok := lookup[*Error](b, ref); ok {
		return e
	}
	b.nodeProblem(n, SeverityWarning, CodeDanglingRef,
		"%s: errorRef %q names no error; it is used as the error code%s", b.label(n), ref,
		b.suggest(ref, ids(b.defs.Errors, func(e *Error) string { return e.ID })))
	e, _ := b.implicitRef("error:"+ref, func() any { return &Error{ID: ref, ErrorCode: ref} }).(*Error)
	return e
}

// refEscalation resolves an escalationRef, like refError.
func (b *builder) refEscalation(n *Node, ref string) *Escalation {
	if ref = strings.TrimSpace(ref); ref == "" {
		return nil
	}
	if e, ok := lookup[*Escalation](b, ref); ok {
		return e
	}
	b.nodeProblem(n, SeverityWarning, CodeDanglingRef,
		"%s: escalationRef %q names no escalation; it is used as the escalation code%s", b.label(n), ref,
		b.suggest(ref, ids(b.defs.Escalations, func(e *Escalation) string { return e.ID })))
	e, _ := b.implicitRef("escalation:"+ref, func() any { return &Escalation{ID: ref, EscalationCode: ref} }).(*Escalation)
	return e
}

// implicitRef returns the object synthesized for key, creating it once.
func (b *builder) implicitRef(key string, mk func() any) any {
	if b.implicit == nil {
		b.implicit = map[string]any{}
	}
	if v, ok := b.implicit[key]; ok {
		return v
	}
	v := mk()
	b.implicit[key] = v
	return v
}
