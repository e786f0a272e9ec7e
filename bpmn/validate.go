package bpmn

import "strings"

// This file holds the semantic checks of a linked process. References
// (dangling-ref, flow-scope, boundary-attach, default-flow), duplicate ids
// and unsupported elements are reported while building; see build.go and
// link.go.

// validate checks process p, built from element e. An empty descriptive
// process (a black-box pool) needs no start event.
func (b *builder) validate(p *Process, e *xelem) {
	if !hasStart(p.Nodes) && (p.IsExecutable || len(p.Nodes) > 0) {
		b.add(b.execSeverity(p), CodeMissingStart, e, p.ID, segment("process", p.ID),
			"process %q has no start event", p.ID)
	}
	for _, n := range p.AllNodes {
		b.checkNode(p, n)
	}
	b.checkReachable(p)
}

// execSeverity is SeverityError for executable processes and
// SeverityWarning for descriptive ones.
func (b *builder) execSeverity(p *Process) Severity {
	if p.IsExecutable {
		return SeverityError
	}
	return SeverityWarning
}

func hasStart(nodes []*Node) bool {
	for _, n := range nodes {
		if n.Kind == StartEvent {
			return true
		}
	}
	return false
}

// checkNode runs the checks that apply to the kind of n.
func (b *builder) checkNode(p *Process, n *Node) {
	if n.Kind.IsEvent() {
		b.checkEventDef(n)
	}
	switch n.Kind {
	case SubProcess, Transaction:
		b.checkSubProcess(p, n)
	case BoundaryEvent:
		b.checkBoundary(n)
	case IntermediateThrowEvent, EndEvent:
		if n.EventType() == CompensateEvent && n.Event.ActivityRef != nil {
			b.checkActivityRef(n, n.Event.ActivityRef)
		}
	case EventBasedGateway:
		b.checkEventGateway(n)
	case ExclusiveGateway, InclusiveGateway:
		if n.Default != nil && n.Default.Condition != "" {
			b.nodeProblem(n, SeverityError, CodeDefaultFlow,
				"%s: default flow %q has a condition; a default flow is taken when no condition holds and must not have one",
				b.label(n), n.Default.ID)
		}
	}
	if n.Kind.IsActivity() {
		b.checkCompensation(n)
	}
}

// checkSubProcess checks the start events of a subprocess and the flows of
// an event subprocess.
func (b *builder) checkSubProcess(p *Process, n *Node) {
	switch {
	case n.TriggeredByEvent && !hasStart(n.Nodes):
		b.nodeProblem(n, SeverityError, CodeMissingStart, "event subprocess %q has no start event", n.ID)
	case !n.TriggeredByEvent && !hasStart(n.Nodes) && len(n.Nodes) > 0:
		b.nodeProblem(n, b.execSeverity(p), CodeMissingStart, "%s has no start event", b.label(n))
	}
	if n.TriggeredByEvent && len(n.Incoming)+len(n.Outgoing) > 0 {
		b.nodeProblem(n, SeverityError, CodeEventSubprocessFlow,
			"event subprocess %q has incoming or outgoing sequence flows; it must have none", n.ID)
	}
}

// Event definitions allowed per position, BPMN 2.0.2 §10.5 (tables 10.84,
// 10.88, 10.90) restricted to what bpmnrun runs.
var (
	topStartEvents = eventSet(NoneEvent, MessageEvent, TimerEvent, SignalEvent, ConditionalEvent)
	subStartEvents = eventSet(MessageEvent, TimerEvent, ErrorEvent, EscalationEvent, SignalEvent,
		CompensateEvent, ConditionalEvent)
	endEvents = eventSet(NoneEvent, MessageEvent, ErrorEvent, EscalationEvent, SignalEvent,
		CompensateEvent, TerminateEvent, CancelEvent)
	catchEvents    = eventSet(MessageEvent, TimerEvent, SignalEvent, ConditionalEvent, LinkEvent)
	throwEvents    = eventSet(NoneEvent, MessageEvent, EscalationEvent, SignalEvent, CompensateEvent, LinkEvent)
	boundaryEvents = eventSet(MessageEvent, TimerEvent, ErrorEvent, EscalationEvent, SignalEvent,
		CompensateEvent, ConditionalEvent, CancelEvent)
)

type eventTypes uint32

func eventSet(ts ...EventType) eventTypes {
	var s eventTypes
	for _, t := range ts {
		s |= 1 << t
	}
	return s
}

func (s eventTypes) has(t EventType) bool { return s&(1<<t) != 0 }

// String lists the types of s.
func (s eventTypes) String() string {
	var names []string
	for t := NoneEvent; t <= CancelEvent; t++ {
		if s.has(t) {
			names = append(names, t.String())
		}
	}
	return strings.Join(names, ", ")
}

// checkEventDef checks that the event definition of n fits its position.
func (b *builder) checkEventDef(n *Node) {
	t := n.EventType()
	var allowed eventTypes
	where := n.Kind.String()
	switch n.Kind {
	case StartEvent:
		allowed = topStartEvents
		if n.Parent != nil && n.Parent.TriggeredByEvent {
			allowed, where = subStartEvents, "start event of an event subprocess"
			b.checkEventSubStart(n)
		} else if n.Parent != nil {
			allowed, where = eventSet(NoneEvent), "start event of an embedded subprocess"
		}
	case EndEvent:
		allowed = endEvents
	case IntermediateCatchEvent:
		allowed = catchEvents
	case IntermediateThrowEvent:
		allowed = throwEvents
	case BoundaryEvent:
		if t == NoneEvent {
			b.nodeProblem(n, SeverityWarning, CodeEventDefinition, "%s has no event definition and never triggers", b.label(n))
			return
		}
		allowed = boundaryEvents
	}
	if !allowed.has(t) {
		b.nodeProblem(n, SeverityError, CodeEventDefinition, "%s: a %s event is not allowed as %s (allowed: %s)",
			b.label(n), t, where, allowed)
	}
	if t == TimerEvent {
		b.checkTimer(n)
	}
	if t == CancelEvent {
		b.checkCancel(n)
	}
}

// checkEventSubStart applies the Camunda 7 restriction on compensation
// event subprocesses.
func (b *builder) checkEventSubStart(n *Node) {
	if n.EventType() == CompensateEvent && n.Parent.Parent == nil {
		b.nodeProblem(n, SeverityError, CodeCompensationEventSub,
			"%s: an event subprocess with a compensation start event is only supported inside an embedded subprocess, not at process level",
			b.label(n))
	}
}

// checkTimer requires at most one of timeDate, timeDuration and timeCycle
// and warns when there is none: such a timer only fires when triggered by
// hand (a simulator may do so).
func (b *builder) checkTimer(n *Node) {
	ed, set := n.Event, 0
	for _, s := range [...]string{ed.TimeDate, ed.TimeDuration, ed.TimeCycle} {
		if s != "" {
			set++
		}
	}
	switch {
	case set == 0:
		b.nodeProblem(n, SeverityWarning, CodeTimer, "%s: timer has no timeDate, timeDuration or timeCycle", b.label(n))
	case set > 1:
		b.nodeProblem(n, SeverityError, CodeTimer, "%s: timer has more than one of timeDate, timeDuration and timeCycle", b.label(n))
	}
}

// checkCancel requires cancel events to belong to a transaction.
func (b *builder) checkCancel(n *Node) {
	scope := n.Parent
	if n.Kind == BoundaryEvent {
		scope = n.AttachedTo
	}
	if scope == nil || scope.Kind != Transaction {
		b.nodeProblem(n, SeverityError, CodeCancelOutside, "%s: cancel events are only allowed in or on a transaction", b.label(n))
	}
}

// checkBoundary checks the flows and the compensation handler of a
// boundary event.
func (b *builder) checkBoundary(n *Node) {
	if len(n.Incoming) > 0 {
		b.nodeProblem(n, SeverityError, CodeBoundaryFlow, "%s has incoming sequence flows; boundary events cannot have any", b.label(n))
	}
	if !n.isCompensationBoundary() {
		return
	}
	if len(n.Outgoing) > 0 {
		b.nodeProblem(n, SeverityError, CodeBoundaryFlow,
			"%s: a compensation boundary event has no outgoing sequence flows; associate it with its handler instead", b.label(n))
	}
	if n.CompensationHandler == nil {
		b.nodeProblem(n, SeverityError, CodeCompensationHandler,
			"%s: compensation boundary event has no association to an activity with isForCompensation=\"true\"", b.label(n))
	}
}

// checkCompensation checks compensation handlers and compensation
// boundary events of activity n.
func (b *builder) checkCompensation(n *Node) {
	if n.IsForCompensation && len(n.Incoming)+len(n.Outgoing) > 0 {
		b.nodeProblem(n, SeverityError, CodeCompensationFlow,
			"compensation activity %q has incoming or outgoing sequence flows; a compensation activity must not have any", n.ID)
	}
	var first *Node
	for _, bd := range n.Boundaries {
		if !bd.isCompensationBoundary() {
			continue
		}
		if first == nil {
			first = bd
			continue
		}
		b.nodeProblem(bd, SeverityError, CodeCompensationMultiple,
			"%s: %s already has compensation boundary event %q; multiple compensation boundary events on one activity are not supported",
			b.label(bd), b.label(n), first.ID)
	}
}

// checkActivityRef checks the activity a compensation throw or end event
// names: an activity with a compensation boundary event, or an embedded
// subprocess, in the scope of the event (or, from an event subprocess, in
// the scope enclosing it).
func (b *builder) checkActivityRef(n, t *Node) {
	compensable := t.Kind.IsActivity() && (hasCompensationBoundary(t) ||
		(t.Kind == SubProcess || t.Kind == Transaction) && !t.TriggeredByEvent)
	scope := n.Parent
	inScope := t.Parent == scope || scope != nil && scope.TriggeredByEvent && t.Parent == scope.Parent
	switch {
	case !compensable:
		b.nodeProblem(n, SeverityError, CodeCompensationRef,
			"%s: invalid activityRef %q: it must name an activity with a compensation boundary event or an embedded subprocess",
			b.label(n), t.ID)
	case !inScope:
		b.nodeProblem(n, SeverityError, CodeCompensationRef,
			"%s: invalid activityRef %q: the activity is not in the scope of the event", b.label(n), t.ID)
	}
}

func hasCompensationBoundary(n *Node) bool {
	for _, bd := range n.Boundaries {
		if bd.isCompensationBoundary() {
			return true
		}
	}
	return false
}

// checkEventGateway requires the targets of an event-based gateway to be
// catch events or receive tasks.
func (b *builder) checkEventGateway(n *Node) {
	for _, f := range n.Outgoing {
		t := f.Target
		if t.Kind == ReceiveTask || t.Kind == IntermediateCatchEvent && t.EventType() != LinkEvent {
			continue
		}
		b.nodeProblem(n, SeverityError, CodeEventGatewayTarget,
			"%s: flow %q leads to %s; an event-based gateway can only be connected to intermediate catch events (message, timer, signal, conditional) or receive tasks",
			b.label(n), f.ID, b.label(t))
	}
}

// checkReachable warns about nodes that no token can reach: from start
// events, boundary events, event subprocesses, link catch events and
// compensation handlers of active scopes, along sequence flows.
func (b *builder) checkReachable(p *Process) {
	seen := make([]bool, len(p.AllNodes))
	var stack []*Node
	mark := func(n *Node) {
		if !seen[n.Index] {
			seen[n.Index] = true
			stack = append(stack, n)
		}
	}
	enter := func(nodes []*Node) {
		starts := hasStart(nodes)
		for _, n := range nodes {
			if isEntry(n) || !starts && len(n.Incoming) == 0 && n.Kind != BoundaryEvent {
				mark(n)
			}
		}
	}
	enter(p.Nodes)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, f := range n.Outgoing {
			mark(f.Target)
		}
		for _, bd := range n.Boundaries {
			mark(bd)
		}
		enter(n.Nodes)
	}
	for _, n := range p.AllNodes {
		detached := n.Kind == BoundaryEvent && n.AttachedTo == nil // reported already
		if !seen[n.Index] && !detached && (n.Parent == nil || seen[n.Parent.Index]) {
			b.nodeProblem(n, SeverityWarning, CodeUnreachable, "%s is not reachable from any start event", b.label(n))
		}
	}
}

// isEntry reports whether n is entered without an incoming flow when its
// scope is active.
func isEntry(n *Node) bool {
	switch {
	case n.Kind == StartEvent, n.TriggeredByEvent, n.IsForCompensation:
		return true
	case n.Kind == IntermediateCatchEvent && n.EventType() == LinkEvent:
		return true
	case n.Kind == EventBasedGateway && n.Instantiate && len(n.Incoming) == 0:
		return true
	}
	return false
}
