package bpmntest

import (
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
)

// TB is the part of testing.TB that bpmntest uses; every testing.TB
// (*testing.T, *testing.B, *testing.F) is one.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Option configures an Engine: the models to deploy and the engine
// options. Models are deployed in the order given.
type Option func(*config)

type config struct {
	models   []model
	opts     interp.Options // from EngineOptions
	start    time.Time      // from StartTime
	parallel bool           // from ParallelCompensation
	noTrace  bool
}

// model is a source of one program to deploy.
type model struct {
	name string
	load func() (*interp.Program, error)
}

// File deploys the BPMN file at path.
func File(path string) Option {
	return addModel(path, func() (*bpmn.Definitions, error) { return bpmn.ParseFile(path) })
}

// XML deploys a BPMN document held in a string.
func XML(doc string) Option {
	return addModel("xml", func() (*bpmn.Definitions, error) { return bpmn.ParseBytes("model.bpmn", []byte(doc)) })
}

// FS deploys the named BPMN files of fsys, such as an embed.FS.
func FS(fsys fs.FS, paths ...string) Option {
	return func(c *config) {
		for _, p := range paths {
			addModel(p, func() (*bpmn.Definitions, error) {
				data, err := fs.ReadFile(fsys, p)
				if err != nil {
					return nil, err
				}
				return bpmn.ParseBytes(p, data)
			})(c)
		}
	}
}

// Model deploys parsed definitions (compiled for this engine).
func Model(defs *bpmn.Definitions) Option {
	return addModel(defs.File, func() (*bpmn.Definitions, error) { return defs, nil })
}

// Program deploys a compiled program. Programs are immutable: compiling
// once and deploying into the engine of every test saves the compile.
func Program(prog *interp.Program) Option {
	return func(c *config) {
		c.models = append(c.models, model{name: "program", load: func() (*interp.Program, error) { return prog, nil }})
	}
}

func addModel(name string, parse func() (*bpmn.Definitions, error)) Option {
	return func(c *config) {
		c.models = append(c.models, model{name: name, load: func() (*interp.Program, error) {
			defs, err := parse()
			if err != nil {
				return nil, err
			}
			return interp.Compile(defs)
		}})
	}
}

// EngineOptions sets the options of the engine (step budget, default
// message TTL, ...); StartTime and ParallelCompensation, wherever given,
// take precedence. A Trace function or Observer in o is called as well as
// bpmntest's own.
func EngineOptions(o interp.Options) Option {
	return func(c *config) { c.opts = o }
}

// StartTime sets the virtual time the engine starts at (default
// interp.DefaultStart). Traces show times relative to it.
func StartTime(t time.Time) Option {
	return func(c *config) { c.start = t }
}

// ParallelCompensation runs the compensation handlers of one throw all at
// once, as Zeebe does, instead of one after another in reverse order.
func ParallelCompensation() Option {
	return func(c *config) { c.parallel = true }
}

// NoTraceInFailures leaves the trace out of failure messages (package
// scenario prints it once per scenario instead).
func NoTraceInFailures() Option {
	return func(c *config) { c.noTrace = true }
}

// Engine is an engine under test: it records the trace of every instance,
// the ends of instances and the incidents raised. It is not safe for
// concurrent use; give every test (or subtest) its own.
type Engine struct {
	t       TB
	eng     *interp.Engine
	start   time.Time
	noTrace bool

	events    []interp.TraceEvent
	ends      map[uint64]interp.InstanceEnd
	parents   map[uint64]uint64    // called instance -> calling instance
	activated map[string]uint64    // element id -> instance of its last activation
	backoff   map[uint64]time.Time // job key -> end of its retry backoff
	userTrace func(interp.TraceEvent)
	userObs   interp.Observer
	progs     []*interp.Program
}

// New returns an engine with the models of opts deployed. A model that
// cannot be read, parsed or compiled stops the test.
func New(t TB, opts ...Option) *Engine {
	t.Helper()
	var c config
	for _, o := range opts {
		o(&c)
	}
	e := &Engine{t: t, noTrace: c.noTrace, ends: map[uint64]interp.InstanceEnd{}, events: make([]interp.TraceEvent, 0, 64),
		parents: map[uint64]uint64{}, activated: map[string]uint64{}, backoff: map[uint64]time.Time{},
		userTrace: c.opts.Trace, userObs: c.opts.Observer}
	o := c.opts
	if !c.start.IsZero() {
		o.Start = c.start
	}
	o.ParallelCompensation = o.ParallelCompensation || c.parallel
	o.Trace = e.record
	o.Observer = observer{e}
	e.eng = interp.New(o)
	e.start = e.eng.Options().Start
	for _, m := range c.models {
		prog, err := m.load()
		if err == nil {
			err = e.eng.Deploy(prog)
		}
		if err != nil {
			t.Fatalf("bpmntest: deploy %s: %v", m.name, err)
			return e
		}
		e.progs = append(e.progs, prog)
	}
	if len(c.models) == 0 {
		t.Fatalf("bpmntest: New: no model to deploy (use File, XML, FS, Model or Program)")
	}
	return e
}

// record is the engine's trace function.
func (e *Engine) record(ev interp.TraceEvent) {
	switch {
	case ev.Kind == interp.TraceActivated && strings.HasPrefix(ev.Detail, "called by "):
		if p, ok := e.activated[strings.TrimPrefix(ev.Detail, "called by ")]; ok {
			e.parents[ev.Instance] = p
		}
	case ev.Kind == interp.TraceActivated:
		e.activated[ev.ElementID] = ev.Instance
	}
	e.events = append(e.events, ev)
	if e.userTrace != nil {
		e.userTrace(ev)
	}
}

type observer struct{ e *Engine }

func (o observer) JobCreated(j interp.Job) {
	if u := o.e.userObs; u != nil {
		u.JobCreated(j)
	}
}

func (o observer) JobCanceled(j interp.Job) {
	delete(o.e.backoff, j.Key)
	if u := o.e.userObs; u != nil {
		u.JobCanceled(j)
	}
}

func (o observer) IncidentRaised(inc interp.Incident) {
	if u := o.e.userObs; u != nil {
		u.IncidentRaised(inc)
	}
}

func (o observer) InstanceEnded(end interp.InstanceEnd) {
	o.e.ends[end.Instance] = end
	if end.Parent != 0 {
		o.e.parents[end.Instance] = end.Parent
	}
	if u := o.e.userObs; u != nil {
		u.InstanceEnded(end)
	}
}

// Interp returns the engine being tested, for what bpmntest does not wrap
// (ResolveIncident, SetVariables, Cancel, snapshots, ...).
func (e *Engine) Interp() *interp.Engine { return e.eng }

// Programs returns the programs deployed by New, in order.
func (e *Engine) Programs() []*interp.Program { return e.progs }

// Now returns the virtual time.
func (e *Engine) Now() time.Time { return e.eng.Now() }

// StartedAt returns the time the engine started at: the origin of trace times.
func (e *Engine) StartedAt() time.Time { return e.start }

// Start starts an instance of a process at its none start event.
func (e *Engine) Start(processID string, vars map[string]any) *Instance {
	e.t.Helper()
	key, err := e.eng.Start(processID, vars)
	if err != nil && key == 0 {
		e.t.Fatalf("bpmntest: Start(%q): %v%s", processID, err, e.processList())
		return &Instance{e: e, ProcessID: processID}
	}
	inst := &Instance{e: e, Key: key, ProcessID: processID}
	if err != nil {
		e.t.Fatalf("bpmntest: Start(%q): %v\n%s", processID, err, inst.describe())
	}
	return inst
}

// StartAt starts an instance of a process at the given start event, as a
// message, signal or timer would.
func (e *Engine) StartAt(processID, startEventID string, vars map[string]any) *Instance {
	e.t.Helper()
	key, err := e.eng.StartAt(processID, startEventID, vars)
	inst := &Instance{e: e, Key: key, ProcessID: processID}
	if err != nil {
		e.t.Fatalf("bpmntest: StartAt(%q, %q): %v%s", processID, startEventID, err, e.processList())
	}
	return inst
}

// processList names the deployed processes, for a failure message.
func (e *Engine) processList() string {
	var ids []string
	for _, p := range e.progs {
		ids = append(ids, p.Processes()...)
	}
	return fmt.Sprintf(" (deployed processes: %s)", strings.Join(quoteAll(ids), ", "))
}

// Instance returns the instance with the given key, such as one started
// by a message start event or called by a call activity.
func (e *Engine) Instance(key uint64) *Instance {
	pid, ok := e.eng.InstanceProcess(key)
	if !ok {
		pid = e.ends[key].ProcessID
	}
	return &Instance{e: e, Key: key, ProcessID: pid}
}

// Publish publishes a message with the engine's default time to live (one
// hour, as the Zeebe client): a message that nothing waits for yet is
// buffered for subscriptions opened later.
func (e *Engine) Publish(name, correlationKey string, vars map[string]any) interp.PublishResult {
	e.t.Helper()
	return e.PublishMessage(interp.Message{Name: name, CorrelationKey: correlationKey, Variables: vars, TTL: -1})
}

// PublishMessage publishes a message with every field under control (TTL,
// message id).
func (e *Engine) PublishMessage(m interp.Message) interp.PublishResult {
	e.t.Helper()
	res, err := e.eng.Publish(m)
	if err != nil {
		e.t.Fatalf("bpmntest: Publish(%q, %q): %v\n%s", m.Name, m.CorrelationKey, err, e.traceBlock(nil))
	}
	return res
}

// Signal broadcasts a signal to every instance waiting for it and starts
// the processes with a matching signal start event.
func (e *Engine) Signal(name string, vars map[string]any) {
	e.t.Helper()
	if err := e.eng.BroadcastSignal(name, vars); err != nil {
		e.t.Fatalf("bpmntest: Signal(%q): %v\n%s", name, err, e.traceBlock(nil))
	}
}

// Advance moves the virtual clock forward by d, firing every timer due by
// then (timer events, retry backoffs, message expiries) in order.
func (e *Engine) Advance(d time.Duration) {
	e.t.Helper()
	if d < 0 {
		e.t.Fatalf("bpmntest: Advance(%v): the clock never goes backwards", d)
		return
	}
	e.AdvanceTo(e.eng.Now().Add(d))
}

// AdvanceTo moves the virtual clock to t (see Advance). A time before the
// current one is an error: the clock never goes backwards.
func (e *Engine) AdvanceTo(t time.Time) {
	e.t.Helper()
	if t.Before(e.eng.Now()) {
		e.t.Fatalf("bpmntest: AdvanceTo(%s): the clock is already at %s and never goes backwards", t.Format(time.RFC3339Nano), e.eng.Now().Format(time.RFC3339Nano))
		return
	}
	if err := e.eng.AdvanceTo(t); err != nil {
		e.t.Fatalf("bpmntest: AdvanceTo(%s): %v\n%s", t.Format(time.RFC3339Nano), err, e.traceBlock(nil))
	}
}

// Job returns the oldest open job of any instance with the given job type
// or element id, or stops the test.
func (e *Engine) Job(selector string) interp.Job {
	e.t.Helper()
	return e.any().Job(selector)
}

// CompleteJob completes the oldest open job of any instance with the given
// job type or element id (see Instance.CompleteJob).
func (e *Engine) CompleteJob(selector string, vars map[string]any) {
	e.t.Helper()
	e.any().CompleteJob(selector, vars)
}

// FailJob fails the oldest open job of any instance with the given job
// type or element id (see Instance.FailJob).
func (e *Engine) FailJob(selector string, retries int, backoff time.Duration, msg string) {
	e.t.Helper()
	e.any().FailJob(selector, retries, backoff, msg)
}

// ThrowError throws a BPMN error from the oldest open job of any instance
// with the given job type or element id (see Instance.ThrowError).
func (e *Engine) ThrowError(selector, code, msg string, vars map[string]any) {
	e.t.Helper()
	e.any().ThrowError(selector, code, msg, vars)
}

// any is the pseudo-instance whose jobs are those of every instance.
func (e *Engine) any() *Instance { return &Instance{e: e} }

// Trace returns the canonical trace of every instance, one event a line.
func (e *Engine) Trace() string { return e.formatTrace(nil) }

// TraceEvents returns the recorded trace events (shared; do not modify).
func (e *Engine) TraceEvents() []interp.TraceEvent { return e.events }

// formatTrace formats the events of the instances in keep (all when nil).
func (e *Engine) formatTrace(keep func(uint64) bool) string {
	var b strings.Builder
	for _, ev := range e.events {
		if keep == nil || keep(ev.Instance) {
			b.WriteString(ev.Format(e.start))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// traceBlock is the "trace:" part of a failure message.
func (e *Engine) traceBlock(keep func(uint64) bool) string {
	if e.noTrace {
		return ""
	}
	tr := e.formatTrace(keep)
	if tr == "" {
		return "trace: (empty)\n"
	}
	return "trace:\n" + indent(tr)
}

func indent(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return "  " + strings.ReplaceAll(s, "\n", "\n  ") + "\n"
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
