package sim

import (
	"fmt"
	"math"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
)

// Model is a BPMN model compiled for simulation with a set of parameters.
// It is immutable once built; Run may be called any number of times, also
// concurrently.
type Model struct {
	defs   *bpmn.Definitions
	params *Params
	prog   *interp.Program
	proc   *bpmn.Process

	elems    []*elemInfo           // job-creating elements, document order
	taskJobs map[*bpmn.Node]bool   // plain and manual tasks that become jobs (read-only)
	byKey    map[elemKey]*elemInfo // by (process id, element id)
	pools    []Pool
	messages []*msgInfo
	gateways []*gatewayInfo // gateways with branch probabilities

	openers  map[string][]int // node id (or process id) → messages whose subscription its activation opens
	timeouts map[string]bool  // timer events whose firing makes a case "timed out"
	trace    bool             // the run needs the engine trace
	// foreign is set when instances can start other than by the
	// simulator's arrivals (timer, message or signal start events): the
	// run then keeps the keys of its own instances.
	foreign bool
	notes   []string
}

type elemKey struct{ proc, elem string }

// elemInfo is a job-creating element and the task parameters that apply.
type elemInfo struct {
	idx   int
	node  *bpmn.Node
	proc  string
	task  *Task // nil: no parameters (zero duration, no resource)
	pool  int   // index in Model.pools, -1 for none
	after []int // messages scheduled when a job of this element completes
}

type msgInfo struct {
	Message
	start bool // After == "start"
}

// gatewayInfo is a gateway whose outgoing flows have probabilities.
type gatewayInfo struct {
	node      *bpmn.Node
	proc      string
	inclusive bool
	probs     []float64 // per outgoing flow, document order
}

// NewModel prepares defs for simulation with p. It checks that every task,
// pool, message and branch of p exists in the model (all problems at
// once, as a *ParamsError wrapping ErrModel) and compiles the model.
// The definitions are not modified: plain tasks with parameters become
// jobs through interp.Options.TaskJobs, and branch probabilities are drawn
// through interp.Options.Branch.
func NewModel(defs *bpmn.Definitions, p *Params) (*Model, error) {
	ps := &problems{}
	m := &Model{defs: defs, params: p, byKey: map[elemKey]*elemInfo{}, pools: p.Pools,
		openers: map[string][]int{}, timeouts: map[string]bool{}}
	p.validate(ps, true)
	if err := ps.err(ErrParams); err != nil {
		return nil, err
	}
	m.proc = m.pickProcess(ps)
	m.resolveTasks(ps)
	m.resolveMessages(ps)
	m.resolveBranches(ps)
	if err := ps.err(ErrModel); err != nil {
		return nil, err
	}
	m.taskJobs = map[*bpmn.Node]bool{}
	for _, e := range m.elems {
		if k := e.node.Kind; k == bpmn.Task || k == bpmn.ManualTask {
			m.taskJobs[e.node] = true
		}
	}
	prog, err := interp.Compile(defs)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModel, err)
	}
	m.prog = prog
	m.scanEvents()
	m.notes = append(append([]string(nil), p.Notes...), m.notes...)
	return m, nil
}

// Params returns the parameters of the model (shared: do not modify).
func (m *Model) Params() *Params { return m.params }

// Process returns the id of the simulated process.
func (m *Model) Process() string { return m.proc.ID }

func (m *Model) pickProcess(ps *problems) *bpmn.Process {
	if id := m.params.Process; id != "" {
		p := m.defs.Process(id)
		if p == nil {
			ps.add(pos{}, "process", "no process %q in the model%s", id, didYouMean(id, keys(m.defs.Processes, func(p *bpmn.Process) string { return p.ID })))
			return nil
		}
		if noneStart(p) == nil {
			ps.add(pos{}, "process", "process %q has no none start event to start instances at", id)
		}
		return p
	}
	for _, p := range m.defs.Processes {
		if noneStart(p) != nil {
			return p
		}
	}
	ps.add(pos{}, "process", "no process of the model has a none start event")
	return nil
}

func noneStart(p *bpmn.Process) *bpmn.Node {
	for _, n := range p.Nodes {
		if n.Kind == bpmn.StartEvent && n.Event == nil {
			return n
		}
	}
	return nil
}

// isJobNode reports whether the engine creates a job for n (see
// interp/program.go), or would once plain tasks are promoted.
func isJobNode(n *bpmn.Node) bool {
	switch n.Kind {
	case bpmn.ServiceTask, bpmn.SendTask, bpmn.BusinessRuleTask, bpmn.UserTask:
		return true
	case bpmn.ScriptTask:
		return n.Script == nil || n.Script.Expression == ""
	case bpmn.IntermediateThrowEvent, bpmn.EndEvent:
		return n.EventType() == bpmn.MessageEvent
	}
	return false
}

func jobType(n *bpmn.Node) string {
	if n.Job != nil && n.Job.Type != "" {
		return n.Job.Type
	}
	if n.Kind == bpmn.UserTask {
		return interp.UserTaskJobType
	}
	return n.ID
}

// resolveTasks maps every job-creating element to its task parameters:
// by element id first, then by job type. Plain tasks and manual tasks
// named by id are simulated as jobs.
func (m *Model) resolveTasks(ps *problems) {
	byElem, byType := map[string]*Task{}, map[string]*Task{}
	types := map[string]bool{}
	var ids []string
	for _, p := range m.defs.Processes {
		for _, n := range p.AllNodes {
			ids = append(ids, n.ID)
			if isJobNode(n) {
				types[jobType(n)] = true
			}
		}
	}
	for i := range m.params.Tasks {
		t := &m.params.Tasks[i]
		n := m.findNode(t.Match)
		switch {
		case n != nil && (isJobNode(n) || n.Kind == bpmn.Task || n.Kind == bpmn.ManualTask):
			byElem[t.Match] = t
		case n != nil:
			ps.add(t.at, "tasks."+t.Match, "element %q is a %s, which creates no job: only tasks take time", t.Match, n.Kind)
		case types[t.Match]:
			byType[t.Match] = t
		default:
			ps.add(t.at, "tasks."+t.Match, "no element or job type %q in the model%s", t.Match, didYouMean(t.Match, ids))
		}
	}
	poolIdx := map[string]int{}
	for i, pl := range m.pools {
		poolIdx[pl.Name] = i
	}
	var bare []string
	for _, p := range m.defs.Processes {
		for _, n := range p.AllNodes {
			t := byElem[n.ID]
			if !isJobNode(n) && t == nil {
				continue
			}
			if t == nil {
				t = byType[jobType(n)]
			}
			e := &elemInfo{idx: len(m.elems), node: n, proc: p.ID, task: t, pool: -1}
			if t != nil && t.Pool != "" {
				e.pool = poolIdx[t.Pool]
			}
			if t == nil {
				bare = append(bare, n.ID)
			}
			m.elems = append(m.elems, e)
			m.byKey[elemKey{p.ID, n.ID}] = e
		}
	}
	if len(bare) > 0 {
		m.notes = append(m.notes, "no parameters for "+strings.Join(bare, ", ")+": their jobs complete at once, without a resource")
	}
}

func (m *Model) findNode(id string) *bpmn.Node {
	for _, p := range m.defs.Processes {
		if n := p.Node(id); n != nil {
			return n
		}
	}
	return nil
}

// messageNames lists the names of the model's messages (name, else id),
// the way the engine names subscriptions.
func (m *Model) messageName(msg *bpmn.Message) string {
	if msg.Name != "" {
		return msg.Name
	}
	return msg.ID
}

func (m *Model) resolveMessages(ps *problems) {
	var names []string
	for _, msg := range m.defs.Messages {
		names = append(names, m.messageName(msg))
	}
	for i := range m.params.Messages {
		pm := m.params.Messages[i]
		path := "messages." + pm.Name
		found := false
		for _, n := range names {
			found = found || n == pm.Name
		}
		if !found {
			ps.add(pm.at, path, "no message named %q in the model%s", pm.Name, didYouMean(pm.Name, names))
		}
		mi := &msgInfo{Message: pm}
		switch pm.After {
		case "", "subscription":
			mi.After = "subscription"
		case "start":
			mi.start = true
		default:
			found := false
			for _, e := range m.elems {
				if e.node.ID == pm.After {
					e.after = append(e.after, i)
					found = true
				}
			}
			if !found {
				ps.add(pm.at, path+".after", "want \"subscription\", \"start\" or the id of a task, got %q", pm.After)
			}
		}
		m.messages = append(m.messages, mi)
	}
}

// resolveBranches groups branch probabilities by gateway. Flows of a
// gateway without a probability share what is left of 1 (exclusive
// gateways) or get 0.
func (m *Model) resolveBranches(ps *problems) {
	byGW := map[*bpmn.Node]*gatewayInfo{}
	for _, b := range m.params.Branches {
		path := "branches." + b.Flow
		f, proc := m.findFlow(b.Flow)
		if f == nil {
			ps.add(b.at, path, "no sequence flow %q in the model", b.Flow)
			continue
		}
		gw := f.Source
		if gw.Kind != bpmn.ExclusiveGateway && gw.Kind != bpmn.InclusiveGateway {
			ps.add(b.at, path, "flow %q leaves %q, a %s: probabilities apply to exclusive and inclusive gateways", b.Flow, gw.ID, gw.Kind)
			continue
		}
		g := byGW[gw]
		if g == nil {
			g = &gatewayInfo{node: gw, proc: proc, inclusive: gw.Kind == bpmn.InclusiveGateway, probs: make([]float64, len(gw.Outgoing))}
			for i := range g.probs {
				g.probs[i] = math.NaN()
			}
			byGW[gw] = g
			m.gateways = append(m.gateways, g)
		}
		for i, o := range gw.Outgoing {
			if o == f {
				g.probs[i] = b.Probability
			}
		}
	}
	for _, g := range m.gateways {
		var sum float64
		missing := 0
		for _, p := range g.probs {
			if math.IsNaN(p) {
				missing++
			} else {
				sum += p
			}
		}
		if g.inclusive {
			for i, p := range g.probs {
				if math.IsNaN(p) {
					g.probs[i] = 0
				}
			}
			continue
		}
		if sum > 1+1e-6 {
			ps.add(pos{}, "branches", "probabilities of the flows leaving %q add up to %s, more than 1", g.node.ID, num(sum))
			continue
		}
		for i, p := range g.probs {
			if math.IsNaN(p) {
				g.probs[i] = (1 - sum) / float64(missing)
			}
		}
		if missing == 0 && sum < 1-1e-6 {
			ps.add(pos{}, "branches", "probabilities of the flows leaving %q add up to %s, less than 1", g.node.ID, num(sum))
		}
	}
}

func (m *Model) findFlow(id string) (*bpmn.SequenceFlow, string) {
	for _, p := range m.defs.Processes {
		for _, f := range p.AllFlows {
			if f.ID == id {
				return f, p.ID
			}
		}
	}
	return nil, ""
}

// scanEvents finds what the run must watch in the engine trace: the
// elements whose activation opens a message subscription that a message
// parameter answers, the timer events that mean a timeout, and
// compensation.
func (m *Model) scanEvents() {
	answer := map[string][]int{}
	for i, mi := range m.messages {
		if !mi.start && mi.After == "subscription" {
			answer[mi.Name] = append(answer[mi.Name], i)
		}
	}
	gwTarget := map[*bpmn.Node]bool{}
	for _, p := range m.defs.Processes {
		for _, n := range p.AllNodes {
			if n.Kind == bpmn.EventBasedGateway {
				for _, f := range n.Outgoing {
					gwTarget[f.Target] = true
				}
			}
		}
	}
	msgOf := func(n *bpmn.Node) string {
		switch {
		case n.Kind == bpmn.ReceiveTask && n.MessageRef != nil:
			return m.messageName(n.MessageRef)
		case n.EventType() == bpmn.MessageEvent && n.Event.Message != nil:
			return m.messageName(n.Event.Message)
		}
		return ""
	}
	open := func(opener string, n *bpmn.Node) {
		for _, i := range answer[msgOf(n)] {
			m.openers[opener] = append(m.openers[opener], i)
		}
	}
	for _, p := range m.defs.Processes {
		for _, n := range p.AllNodes {
			switch {
			case (n.Kind == bpmn.IntermediateCatchEvent || n.Kind == bpmn.ReceiveTask) && !gwTarget[n]:
				open(n.ID, n)
			case n.Kind == bpmn.EventBasedGateway:
				for _, f := range n.Outgoing {
					open(n.ID, f.Target)
				}
			case n.Kind == bpmn.BoundaryEvent && n.AttachedTo != nil:
				open(n.AttachedTo.ID, n)
			case n.Kind == bpmn.StartEvent && n.Parent != nil && n.Parent.TriggeredByEvent:
				scope := p.ID
				if outer := n.Parent.Parent; outer != nil {
					scope = outer.ID
				}
				open(scope, n)
			}
			if n.EventType() == bpmn.TimerEvent {
				interrupting := (n.Kind == bpmn.BoundaryEvent && n.CancelActivity) || gwTarget[n] ||
					(n.Kind == bpmn.StartEvent && n.Parent != nil && n.Parent.TriggeredByEvent && n.Interrupting)
				if interrupting {
					m.timeouts[n.ID] = true
				}
			}
			if n.EventType() == bpmn.CompensateEvent && n.Kind != bpmn.BoundaryEvent {
				m.trace = true
			}
			if n.Kind == bpmn.StartEvent && n.Parent == nil && n.Event != nil {
				m.foreign = true
			}
		}
	}
	m.trace = m.trace || len(m.openers) > 0 || len(m.timeouts) > 0
}
