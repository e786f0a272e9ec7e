package interp

import (
	"strconv"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/feel"
)

// UserTaskJobType is the job type of user tasks without a task definition
// (the type Zeebe uses for job-based user tasks).
const UserTaskJobType = "io.camunda.zeebe:userTask"

// DefaultRetries is the number of retries of a job when the model gives none.
const DefaultRetries = 3

// Program is a compiled model: the parsed definitions plus every expression,
// timer and job definition compiled once. A Program is immutable and may be
// deployed into any number of engines, used from any number of goroutines.
type Program struct {
	Defs  *bpmn.Definitions
	procs []*procProg
}

// Processes returns the ids of the processes of the program, in document order.
func (p *Program) Processes() []string {
	ids := make([]string, len(p.procs))
	for i, pp := range p.procs {
		ids[i] = pp.proc.ID
	}
	return ids
}

type procProg struct {
	prog  *Program
	proc  *bpmn.Process
	nodes []cnode // by bpmn.Node.Index
	flows []cflow // by bpmn.SequenceFlow.Index
	root  scopeInfo
	// message start events of the process (top level), document order
	msgStarts []*bpmn.Node
	sigStarts []*bpmn.Node
	tmrStarts []*bpmn.Node
	// startable: the top-level none start event, nil if none
	noneStart *bpmn.Node
}

// scopeInfo is what the engine needs to know about a scope (process or subprocess).
type scopeInfo struct {
	noneStart *bpmn.Node   // the none start event, nil if none
	evtStarts []*bpmn.Node // start events of the scope's event subprocesses
	links     map[string]*bpmn.Node
}

type cnode struct {
	n *bpmn.Node

	jobType string
	retries int
	headers map[string]string

	inputs  []cmapping
	outputs []cmapping

	timer    *feel.Expr // timer value (date, duration or cycle), per tm
	tm       timerKind
	msgName  *feel.Expr
	corrKey  *feel.Expr
	script   *feel.Expr
	cond     *feel.Expr // conditional events
	mi       *cmi
	scope    *scopeInfo // subprocesses
	reach    bitset     // nodes reachable from this node (inclusive-join analysis)
	isJob    bool
	handler  *bpmn.Node // compensation handler of an activity, nil if none
	errCodes []string
}

type timerKind uint8

const (
	timerNone timerKind = iota
	timerDate
	timerDuration
	timerCycle
)

type cmapping struct {
	src    *feel.Expr
	target []string // path
}

type cmi struct {
	sequential bool
	cardinality,
	collection,
	outputElement,
	completion *feel.Expr
	inputElement     string
	outputCollection string
}

type cflow struct {
	f    *bpmn.SequenceFlow
	cond *feel.Expr
}

type bitset []uint64

func (b bitset) has(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(uint(i)%64)) != 0 }
func (b bitset) set(i int)      { b[i/64] |= 1 << (uint(i) % 64) }

// Compile compiles every expression, timer and job definition of defs.
// All problems are reported together in a *CompileError.
func Compile(defs *bpmn.Definitions) (*Program, error) {
	c := &compiler{prog: &Program{Defs: defs}}
	for _, p := range defs.Processes {
		c.prog.procs = append(c.prog.procs, c.process(p))
	}
	if len(c.errs) > 0 {
		return nil, &CompileError{File: defs.File, Problems: c.errs}
	}
	return c.prog, nil
}

type compiler struct {
	prog *Program
	pp   *procProg
	errs []*Error
}

func (c *compiler) errorf(n *bpmn.Node, format string, args ...any) {
	id := ""
	if n != nil {
		id = n.ID
	}
	c.errs = append(c.errs, errorf(ErrCompile, c.pp.proc.ID, id, 0, format, args...))
}

// expr compiles an expression (a bare text is a FEEL expression).
func (c *compiler) expr(n *bpmn.Node, what, src string) *feel.Expr {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	e, err := feel.Compile(src)
	if err != nil {
		c.errorf(n, "%s: %v", what, err)
		return nil
	}
	return e
}

// value compiles an attribute value (a bare text is a literal string).
func (c *compiler) value(n *bpmn.Node, what, src string) *feel.Expr {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	e, err := feel.CompileValue(src)
	if err != nil {
		c.errorf(n, "%s: %v", what, err)
		return nil
	}
	return e
}

func (c *compiler) process(p *bpmn.Process) *procProg {
	pp := &procProg{prog: c.prog, proc: p}
	c.pp = pp
	pp.nodes = make([]cnode, len(p.AllNodes))
	pp.flows = make([]cflow, len(p.AllFlows))
	for i, f := range p.AllFlows {
		pp.flows[i] = cflow{f: f}
		if f.Condition != "" && !f.IsDefault {
			pp.flows[i].cond = c.expr(f.Source, "condition of flow "+quote(f.ID), f.Condition)
		}
	}
	pp.root = c.scope(&p.Scope)
	pp.noneStart = pp.root.noneStart
	for _, n := range p.Nodes {
		if n.Kind == bpmn.StartEvent {
			switch n.EventType() {
			case bpmn.MessageEvent:
				pp.msgStarts = append(pp.msgStarts, n)
			case bpmn.SignalEvent:
				pp.sigStarts = append(pp.sigStarts, n)
			case bpmn.TimerEvent:
				pp.tmrStarts = append(pp.tmrStarts, n)
			}
		}
	}
	for _, n := range p.AllNodes {
		c.node(&pp.nodes[n.Index], n)
	}
	c.reachability(pp)
	return pp
}

func (c *compiler) scope(s *bpmn.Scope) scopeInfo {
	var si scopeInfo
	for _, n := range s.Nodes {
		switch {
		case n.Kind == bpmn.StartEvent && n.Event == nil && si.noneStart == nil:
			si.noneStart = n
		case n.Kind == bpmn.SubProcess && n.TriggeredByEvent:
			for _, m := range n.Nodes {
				if m.Kind == bpmn.StartEvent {
					si.evtStarts = append(si.evtStarts, m)
				}
			}
		case n.Kind == bpmn.IntermediateCatchEvent && n.EventType() == bpmn.LinkEvent:
			if si.links == nil {
				si.links = map[string]*bpmn.Node{}
			}
			si.links[n.Event.LinkName] = n
		}
	}
	return si
}

func (c *compiler) node(cn *cnode, n *bpmn.Node) {
	cn.n = n
	cn.handler = compensationHandler(n)
	c.job(cn, n)
	for _, m := range n.Inputs {
		cn.inputs = append(cn.inputs, c.mapping(n, "input mapping", m))
	}
	for _, m := range n.Outputs {
		cn.outputs = append(cn.outputs, c.mapping(n, "output mapping", m))
	}
	if n.Script != nil && n.Script.Expression != "" {
		cn.script = c.expr(n, "script", n.Script.Expression)
	}
	if n.Kind == bpmn.SubProcess || n.Kind == bpmn.Transaction {
		si := c.scope(&n.Scope)
		cn.scope = &si
		if si.noneStart == nil && !n.TriggeredByEvent && !n.IsForCompensation {
			c.errorf(n, "subprocess has no none start event")
		}
		c.compensationEventSub(n)
	}
	if n.Kind == bpmn.CallActivity {
		if n.CalledElement == nil || n.CalledElement.ProcessID == "" {
			c.errorf(n, "call activity has no called element")
		}
	}
	if n.Loop != nil {
		cn.mi = c.multiInstance(n)
	}
	if n.Event != nil {
		c.event(cn, n)
	}
	if n.MessageRef != nil && n.Kind == bpmn.ReceiveTask {
		c.message(cn, n, n.MessageRef)
	}
	if n.Kind == bpmn.ReceiveTask && n.MessageRef == nil {
		c.errorf(n, "receive task has no messageRef")
	}
}

// compensationEventSub rejects an event subprocess started by a
// compensation start event: the engine runs compensation only through
// compensation boundary events and their handlers (see compensate.go).
func (c *compiler) compensationEventSub(n *bpmn.Node) {
	if !n.TriggeredByEvent {
		return
	}
	for _, m := range n.Nodes {
		if m.Kind == bpmn.StartEvent && m.EventType() == bpmn.CompensateEvent {
			c.errorf(n, "event subprocess with compensation start event %q is not supported; attach compensation handlers to the activities with compensation boundary events", m.ID)
		}
	}
}

var jobKinds = [...]bool{
	bpmn.ServiceTask:      true,
	bpmn.SendTask:         true,
	bpmn.BusinessRuleTask: true,
	bpmn.UserTask:         true,
	bpmn.ScriptTask:       true,
	bpmn.EndEvent:         false,
}

func (c *compiler) job(cn *cnode, n *bpmn.Node) {
	if n.Kind == bpmn.Task || n.Kind == bpmn.ManualTask { // jobs only with Options.TaskJobs
		cn.jobType, cn.retries = n.ID, DefaultRetries
		return
	}
	isJob := int(n.Kind) < len(jobKinds) && jobKinds[n.Kind]
	if n.Kind == bpmn.ScriptTask && n.Script != nil && n.Script.Expression != "" {
		isJob = false
	}
	if (n.Kind == bpmn.IntermediateThrowEvent || n.Kind == bpmn.EndEvent) && n.EventType() == bpmn.MessageEvent {
		isJob = true
	}
	if !isJob {
		return
	}
	cn.isJob = true
	cn.jobType = n.ID
	cn.retries = DefaultRetries
	if n.Kind == bpmn.UserTask {
		cn.jobType = UserTaskJobType
	}
	if j := n.Job; j != nil {
		if j.Type != "" {
			cn.jobType = j.Type
		}
		if j.Retries != "" {
			r, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(j.Retries), "="))
			if err != nil || r < 0 {
				c.errorf(n, "retries %q is not a non-negative integer", j.Retries)
			} else {
				cn.retries = r
			}
		}
		if len(j.Headers) > 0 {
			cn.headers = make(map[string]string, len(j.Headers))
			for _, h := range j.Headers {
				cn.headers[h.Key] = h.Value
			}
		}
	}
}

func (c *compiler) mapping(n *bpmn.Node, what string, m bpmn.Mapping) cmapping {
	cm := cmapping{target: strings.Split(strings.TrimSpace(m.Target), ".")}
	if m.Target == "" {
		c.errorf(n, "%s has no target", what)
	}
	src := m.Source
	if strings.TrimSpace(src) == "" {
		src = "=" + m.Target
	}
	cm.src = c.value(n, what+" "+quote(m.Target), src)
	if cm.src == nil {
		cm.src, _ = feel.Compile("null")
	}
	return cm
}

func (c *compiler) multiInstance(n *bpmn.Node) *cmi {
	l := n.Loop
	mi := &cmi{sequential: l.IsSequential, inputElement: l.InputElement, outputCollection: l.OutputCollection}
	mi.cardinality = c.expr(n, "loop cardinality", l.LoopCardinality)
	mi.collection = c.expr(n, "input collection", l.InputCollection)
	mi.outputElement = c.expr(n, "output element", l.OutputElement)
	mi.completion = c.expr(n, "completion condition", l.CompletionCondition)
	if mi.cardinality == nil && mi.collection == nil {
		c.errorf(n, "multi-instance activity has neither loop cardinality nor input collection")
	}
	return mi
}

func (c *compiler) event(cn *cnode, n *bpmn.Node) {
	ev := n.Event
	switch ev.Type {
	case bpmn.TimerEvent:
		switch {
		case ev.TimeDate != "":
			cn.tm, cn.timer = timerDate, c.value(n, "timer date", ev.TimeDate)
		case ev.TimeDuration != "":
			cn.tm, cn.timer = timerDuration, c.value(n, "timer duration", ev.TimeDuration)
		case ev.TimeCycle != "":
			cn.tm, cn.timer = timerCycle, c.value(n, "timer cycle", ev.TimeCycle)
		default:
			c.errorf(n, "timer event has no timeDate, timeDuration or timeCycle")
		}
		c.staticTimer(cn)
	case bpmn.MessageEvent:
		if ev.Message == nil {
			if n.Kind != bpmn.EndEvent && n.Kind != bpmn.IntermediateThrowEvent {
				c.errorf(n, "message event has no messageRef")
			}
			return
		}
		c.message(cn, n, ev.Message)
	case bpmn.ConditionalEvent:
		if n.Kind != bpmn.IntermediateCatchEvent {
			c.errorf(n, "conditional %s is not supported (only intermediate conditional catch events are)", n.Kind)
			return
		}
		cn.cond = c.expr(n, "condition", ev.Condition)
	case bpmn.SignalEvent:
		if ev.Signal == nil {
			c.errorf(n, "signal event has no signalRef")
		}
	}
}

// staticTimer checks a literal timer value at load.
func (c *compiler) staticTimer(cn *cnode) {
	if cn.timer == nil || !cn.timer.IsStatic() {
		return
	}
	v, err := cn.timer.Eval(feel.MapVars(nil))
	if err != nil {
		c.errorf(cn.n, "timer: %v", err)
		return
	}
	if _, err := timerSpec(cn.tm, v); err != nil {
		c.errorf(cn.n, "timer: %v", err)
	}
}

func (c *compiler) message(cn *cnode, n *bpmn.Node, m *bpmn.Message) {
	name := m.Name
	if name == "" {
		name = m.ID
	}
	cn.msgName = c.value(n, "message name", name)
	cn.corrKey = c.value(n, "correlation key", m.CorrelationKey)
}

// reachability computes, for every node, the set of nodes reachable from it
// by sequence flows, boundary events and link events.
func (c *compiler) reachability(pp *procProg) {
	hasIncl := false
	for _, n := range pp.proc.AllNodes {
		if n.Kind == bpmn.InclusiveGateway && len(n.Incoming) > 1 {
			hasIncl = true
		}
	}
	if !hasIncl {
		return
	}
	words := (len(pp.nodes) + 63) / 64
	for i := range pp.nodes {
		b := make(bitset, words)
		var stack []*bpmn.Node
		stack = append(stack, pp.nodes[i].n)
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, next := range successors(pp, n) {
				if !b.has(next.Index) {
					b.set(next.Index)
					stack = append(stack, next)
				}
			}
		}
		pp.nodes[i].reach = b
	}
}

func successors(pp *procProg, n *bpmn.Node) []*bpmn.Node {
	var out []*bpmn.Node
	for _, f := range n.Outgoing {
		out = append(out, f.Target)
	}
	out = append(out, n.Boundaries...)
	if n.Kind == bpmn.IntermediateThrowEvent && n.EventType() == bpmn.LinkEvent {
		si := &pp.root
		if n.Parent != nil && pp.nodes[n.Parent.Index].scope != nil {
			si = pp.nodes[n.Parent.Index].scope
		}
		if t := si.links[n.Event.LinkName]; t != nil {
			out = append(out, t)
		}
	}
	return out
}
