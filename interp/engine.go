package interp

import (
	"context"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// Engine runs process instances of deployed programs. It is a deterministic
// state machine: it never reads the wall clock and never starts a goroutine.
// An Engine is not safe for concurrent use; run one per goroutine (programs
// are shared freely).
type Engine struct {
	opts Options
	now  time.Time

	procs     map[string]*procProg // deployed, by process id
	procOrder []*procProg          // deployment order

	insts     keyTable[elemInst] // root scopes, by instance key
	jobs      keyTable[job]
	jobQueues map[string]*jobQueue
	timers    timerHeap
	subs      map[subKey][]*msgSub
	signals   []*sigSub
	buffer    map[subKey][]*bufMsg
	nbuf      int
	startKeys map[startKeyID]int
	incidents map[uint64]*incident

	queue    []work
	qhead    int
	dead     []*elemInst
	free     []*elemInst
	deadJobs []*job
	freeJobs []*job

	touched map[uint64]struct{}

	nextKey uint64
	seq     uint64
	steps   int
	ctx     context.Context
	stepErr error
}

// New returns an empty engine.
func New(opts Options) *Engine {
	if opts.Start.IsZero() {
		opts.Start = DefaultStart
	}
	if opts.StepBudget <= 0 {
		opts.StepBudget = 1_000_000
	}
	if opts.DefaultMessageTTL == 0 {
		opts.DefaultMessageTTL = time.Hour
	}
	var touched map[uint64]struct{}
	if opts.TrackTouched {
		touched = map[uint64]struct{}{}
	}
	return &Engine{
		touched:   touched,
		opts:      opts,
		now:       opts.Start,
		procs:     map[string]*procProg{},
		jobQueues: map[string]*jobQueue{},
		subs:      map[subKey][]*msgSub{},
		buffer:    map[subKey][]*bufMsg{},
		startKeys: map[startKeyID]int{},
		incidents: map[uint64]*incident{},
	}
}

// Now returns the engine's virtual time.
func (e *Engine) Now() time.Time { return e.now }

// Options returns the options the engine was created with (defaults filled in).
func (e *Engine) Options() Options { return e.opts }

// SetContext makes every input check ctx for cancellation while it runs.
func (e *Engine) SetContext(ctx context.Context) { e.ctx = ctx }

// Deploy makes the processes of prog startable. A process id deployed again
// replaces the previous version for new instances; running instances keep
// theirs. Timer start events are scheduled from the current time.
func (e *Engine) Deploy(prog *Program) error {
	for _, pp := range prog.procs {
		e.procs[pp.proc.ID] = pp
		e.procOrder = append(e.procOrder, pp)
		for _, n := range pp.sigStarts {
			e.signals = append(e.signals, &sigSub{name: n.Event.Signal.Name, node: n, pp: pp, seq: e.nextSeq()})
		}
		for _, n := range pp.tmrStarts {
			if err := e.scheduleStartTimer(pp, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeployDefinitions compiles and deploys parsed definitions.
func (e *Engine) DeployDefinitions(defs *bpmn.Definitions) (*Program, error) {
	prog, err := Compile(defs)
	if err != nil {
		return nil, err
	}
	return prog, e.Deploy(prog)
}

func (e *Engine) newKey() uint64 {
	if e.opts.NewKey != nil {
		return e.opts.NewKey()
	}
	e.nextKey++
	return e.nextKey
}

func (e *Engine) nextSeq() uint64 { e.seq++; return e.seq }

// Start starts an instance of the process with the given id at its none
// start event, with the given variables (copied).
func (e *Engine) Start(processID string, vars map[string]any) (uint64, error) {
	pp := e.procs[processID]
	if pp == nil {
		return 0, errorf(ErrNotFound, processID, "", 0, "no deployed process with this id")
	}
	if pp.noneStart == nil {
		return 0, errorf(ErrInvalidInput, processID, "", 0, "process has no none start event; start it by message, signal or timer")
	}
	key := e.startInstance(pp, pp.noneStart, vars, nil).key
	return key, e.drain()
}

// StartAt starts an instance at a specific start event (any kind), as a
// message, signal or timer would.
func (e *Engine) StartAt(processID, startEventID string, vars map[string]any) (uint64, error) {
	pp := e.procs[processID]
	if pp == nil {
		return 0, errorf(ErrNotFound, processID, "", 0, "no deployed process with this id")
	}
	n := pp.proc.Node(startEventID)
	if n == nil || n.Kind != bpmn.StartEvent || n.Parent != nil {
		return 0, errorf(ErrNotFound, processID, startEventID, 0, "no top-level start event with this id")
	}
	key := e.startInstance(pp, n, vars, nil).key
	return key, e.drain()
}

func (e *Engine) startInstance(pp *procProg, start *bpmn.Node, vars map[string]any, parent *elemInst) *elemInst {
	root := e.newElem(pp, nil, nil)
	root.root = root
	root.info = &root.infoData
	root.info.startedAt, root.info.caller = e.now, parent
	if len(vars) > 0 {
		root.vars = make(map[string]any, len(vars))
		for k, v := range vars {
			root.vars[k] = v
		}
	}
	e.insts.put(root.key, root)
	e.trace(TraceStarted, root, nil, pp.proc.ID, "")
	e.openEventSubprocesses(root, &pp.root)
	e.enqueue(work{op: opActivate, scope: root, node: start, triggered: true})
	return root
}

// AdvanceTo moves the virtual clock to t, firing every timer due at or
// before t in (due time, creation) order. The clock never goes backwards.
func (e *Engine) AdvanceTo(t time.Time) error {
	for len(e.timers) > 0 && !e.timers[0].due.After(t) {
		tm := e.timers.pop()
		if tm.due.After(e.now) {
			e.now = tm.due
		}
		e.fireTimer(tm)
		if err := e.drain(); err != nil {
			return err
		}
	}
	if t.After(e.now) {
		e.now = t
	}
	return nil
}

// Advance moves the clock forward by d (see AdvanceTo).
func (e *Engine) Advance(d time.Duration) error { return e.AdvanceTo(e.now.Add(d)) }

// NextDue returns the due time of the earliest timer (including job retry
// backoffs, job lock timeouts and message expiries).
func (e *Engine) NextDue() (time.Time, bool) {
	if len(e.timers) == 0 {
		return time.Time{}, false
	}
	return e.timers[0].due, true
}

// Cancel terminates an active instance and everything in it.
func (e *Engine) Cancel(instance uint64) error {
	root := e.insts.get(instance)
	if root == nil {
		return errorf(ErrNotFound, "", "", instance, "no active instance with this key")
	}
	e.touch(root)
	e.terminate(root)
	e.endInstance(root, Canceled, "")
	return e.drain()
}

// SetVariables sets variables of an active instance: on its root scope, or
// with local=false propagated like job variables (nearest scope defining
// the name). Conditional events of the instance are re-evaluated.
func (e *Engine) SetVariables(instance uint64, vars map[string]any) error {
	root := e.insts.get(instance)
	if root == nil {
		return errorf(ErrNotFound, "", "", instance, "no active instance with this key")
	}
	e.touch(root)
	e.propagate(root, vars)
	e.recheckConditions(root)
	return e.drain()
}
