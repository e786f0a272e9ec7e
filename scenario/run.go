package scenario

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/bpmntest"
	"github.com/bpmnrun/bpmnrun/feel"
	"github.com/bpmnrun/bpmnrun/interp"
)

// Options control a run.
type Options struct {
	// Model replaces the model the scenario names; when nil the model is
	// read from ModelPath.
	Model *bpmn.Definitions
	// AutoComplete completes every open job at once, with no variables,
	// after the steps and after every timer that fires while advancing:
	// a run without a script.
	AutoComplete bool
	// Advance moves the clock forward by this much after the steps, firing
	// the timers due by then.
	Advance feel.Duration
	// MaxJobs bounds the jobs AutoComplete completes (default 10 000), so
	// that a model looping through a task ends.
	MaxJobs int
}

// Result is the outcome of a run.
type Result struct {
	Scenario  *Scenario
	Failures  []Failure // failed steps and expectations; none means passed
	Instances []InstanceResult
	Trace     []interp.TraceEvent
	Start     time.Time // virtual start time: the origin of trace times
	End       time.Time // virtual time when the run ended
	NextDue   time.Time // due time of the next pending timer, zero if none
	Notes     []string
}

// Passed reports whether every step ran and every expectation held.
func (r *Result) Passed() bool { return len(r.Failures) == 0 }

// Failure is a failed step or expectation, located in the scenario file.
type Failure struct {
	File string
	Line int
	Path string // "steps[3].complete", "expect.state", ...
	Msg  string // what failed; for a step, then what the instances were doing
}

func (f Failure) String() string {
	return (&Error{File: f.File, Line: f.Line, Path: f.Path, Msg: f.Msg}).Error()
}

// InstanceResult is the state of a scenario instance at the end of the run.
type InstanceResult struct {
	Name      string
	Key       uint64
	ProcessID string
	State     interp.InstanceState
	EndEvent  string
	Waits     []Wait // what it waits for, while active
	Incidents []interp.Incident
	Variables map[string]any
}

// Wait is something an active instance waits for.
type Wait struct {
	Instance       uint64 // the instance, or an instance it called
	ElementID      string
	Kind           string // "job", "message", "timer", "signal", or the element kind
	JobType        string
	Message        string
	CorrelationKey string
	Timer          string // the timer definition, e.g. "PT10M"
	Signal         string
}

func (w Wait) String() string {
	switch w.Kind {
	case "job":
		return fmt.Sprintf("%s (job %q)", w.ElementID, w.JobType)
	case "message":
		return fmt.Sprintf("%s (message %q key %q)", w.ElementID, w.Message, w.CorrelationKey)
	case "timer":
		return fmt.Sprintf("%s (timer %s)", w.ElementID, w.Timer)
	case "signal":
		return fmt.Sprintf("%s (signal %q)", w.ElementID, w.Signal)
	}
	return fmt.Sprintf("%s (%s)", w.ElementID, w.Kind)
}

// Run runs a scenario: it starts the instances in order, runs the steps,
// stops at the first step that fails, and then checks the expectations.
// The error is for a model that cannot be read or compiled, or a process
// that does not exist: a scenario that runs and fails is a Result with
// Failures.
func Run(s *Scenario, opts Options) (*Result, error) {
	defs := opts.Model
	if defs == nil {
		var err error
		if defs, err = bpmn.ParseFile(s.ModelPath()); err != nil {
			return nil, err
		}
	}
	prog, err := interp.Compile(defs)
	if err != nil {
		return nil, err
	}
	r := &runner{s: s, opts: opts, defs: defs, t: &recorder{}, res: &Result{Scenario: s}}
	if err := r.resolveProcesses(); err != nil {
		return nil, err
	}
	bopts := []bpmntest.Option{bpmntest.Program(prog), bpmntest.NoTraceInFailures()}
	if !s.StartTime.IsZero() {
		bopts = append(bopts, bpmntest.StartTime(s.StartTime))
	}
	if s.ParallelCompensation {
		bopts = append(bopts, bpmntest.ParallelCompensation())
	}
	r.bt = bpmntest.New(r.t, bopts...)
	if !r.flush(1, "model", "") {
		r.run()
	}
	return r.result(), nil
}

type runner struct {
	s     *Scenario
	opts  Options
	defs  *bpmn.Definitions
	t     *recorder
	bt    *bpmntest.Engine
	procs []string // process of each instance
	insts []*bpmntest.Instance
	res   *Result
}

// resolveProcesses finds the process each instance starts.
func (r *runner) resolveProcesses() error {
	var errs Errors
	for _, in := range r.s.Instances {
		pid := in.Process
		if pid == "" {
			pid = r.s.Process
		}
		if pid == "" {
			var err *Error
			pid, err = r.defaultProcess()
			if err != nil {
				errs = append(errs, err)
				continue
			}
		} else if p := r.defs.Process(pid); p == nil {
			var ids []string
			for _, p := range r.defs.Processes {
				ids = append(ids, p.ID)
			}
			errs = append(errs, &Error{File: r.s.File, Line: in.Line, Path: "process",
				Msg: fmt.Sprintf("the model has no process %q%s", pid, suggest(pid, ids))})
		}
		r.procs = append(r.procs, pid)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// defaultProcess returns the model's only process with a none start event.
func (r *runner) defaultProcess() (string, *Error) {
	var ids []string
	for _, p := range r.defs.Processes {
		for _, n := range p.Nodes {
			if n.Kind == bpmn.StartEvent && n.EventType() == bpmn.NoneEvent {
				ids = append(ids, p.ID)
				break
			}
		}
	}
	if len(ids) == 1 {
		return ids[0], nil
	}
	msg := "the model has no process with a none start event"
	if len(ids) > 1 {
		msg = fmt.Sprintf("the model has several processes to start (%s): name one with \"process:\"", strings.Join(ids, ", "))
	}
	return "", &Error{File: r.s.File, Line: 1, Path: "process", Msg: msg}
}

func (r *runner) run() {
	for i, in := range r.s.Instances {
		vars := maps.Clone(r.s.Variables)
		if vars == nil {
			vars = map[string]any{}
		}
		maps.Copy(vars, in.Variables)
		r.insts = append(r.insts, r.bt.Start(r.procs[i], vars))
		if r.flush(in.Line, fmt.Sprintf("instances[%d]", i), "") {
			return
		}
	}
	for i, st := range r.s.Steps {
		r.step(st)
		if r.flush(st.Line, st.Path, "") {
			if rest := len(r.s.Steps) - i - 1; rest > 0 {
				r.res.Notes = append(r.res.Notes, fmt.Sprintf("%d steps after the failed one were not run", rest))
			}
			return
		}
	}
	if r.opts.AutoComplete {
		r.autoComplete()
	}
	if !r.opts.Advance.AddTo(r.bt.Now()).Equal(r.bt.Now()) {
		r.advance(r.opts.Advance.AddTo(r.bt.Now()))
	}
	for i, in := range r.s.Instances {
		if r.s.Expect != nil {
			r.check(r.s.Expect, r.insts[i], in.Name)
		}
		if in.Expect != nil {
			r.check(in.Expect, r.insts[i], in.Name)
		}
	}
}

// instance returns the instance a step names, nil for any.
func (r *runner) instance(name string) *bpmntest.Instance {
	for i, in := range r.s.Instances {
		if in.Name == name {
			return r.insts[i]
		}
	}
	return nil
}

func (r *runner) step(st *Step) {
	inst := r.instance(st.Instance)
	switch st.Kind {
	case StepComplete:
		if inst != nil {
			inst.CompleteJob(st.Target, st.Variables)
		} else {
			r.bt.CompleteJob(st.Target, st.Variables)
		}
	case StepFail:
		r.fail(st, inst)
	case StepError:
		if inst != nil {
			inst.ThrowError(st.Target, st.Code, st.Message, st.Variables)
		} else {
			r.bt.ThrowError(st.Target, st.Code, st.Message, st.Variables)
		}
	case StepPublish:
		m := interp.Message{Name: st.Target, CorrelationKey: st.CorrelationKey, Variables: st.Variables, TTL: -1, ID: st.MessageID}
		if st.TTL != nil {
			m.TTL = *st.TTL
		}
		r.bt.PublishMessage(m)
	case StepSignal:
		r.bt.Signal(st.Target, st.Variables)
	case StepAdvance:
		r.advance(st.Duration.AddTo(r.bt.Now()))
	case StepAdvanceTo:
		r.advance(st.Time)
	case StepExpect:
		for i, in := range r.s.Instances {
			if st.Instance == "" || st.Instance == in.Name {
				r.check(st.Expect, r.insts[i], in.Name)
			}
		}
	}
}

// fail fails a job; without retries, the job's retries minus one, as a
// worker reports a failed attempt.
func (r *runner) fail(st *Step, inst *bpmntest.Instance) {
	var job interp.Job
	if inst != nil {
		job = inst.Job(st.Target)
	} else {
		job = r.bt.Job(st.Target)
	}
	if r.t.fatal {
		return
	}
	retries := job.Retries - 1
	if st.Retries != nil {
		retries = *st.Retries
	}
	if inst != nil {
		inst.FailJob(st.Target, retries, st.Backoff, st.Message)
	} else {
		r.bt.FailJob(st.Target, retries, st.Backoff, st.Message)
	}
}

// advance moves the clock to t; with AutoComplete it stops at every timer
// to complete the jobs it created.
func (r *runner) advance(t time.Time) {
	if r.opts.AutoComplete {
		for n := 0; n < 100_000; n++ {
			due, ok := r.bt.Interp().NextDue()
			if !ok || due.After(t) {
				break
			}
			r.bt.AdvanceTo(due)
			r.autoComplete()
			if r.t.fatal {
				return
			}
		}
	}
	r.bt.AdvanceTo(t)
}

// autoComplete completes the open jobs, oldest first, until none is left.
func (r *runner) autoComplete() {
	max := r.opts.MaxJobs
	if max <= 0 {
		max = 10_000
	}
	for n := 0; ; n++ {
		j, ok := r.nextJob()
		if !ok {
			return
		}
		if n == max {
			r.res.Notes = append(r.res.Notes, fmt.Sprintf("stopped completing jobs after %d (a loop?)", max))
			return
		}
		if err := r.bt.Interp().CompleteJob(j.Key, nil); err != nil {
			r.res.Failures = append(r.res.Failures, Failure{File: r.s.File, Msg: fmt.Sprintf("completing the job at %s: %v", j.ElementID, err)})
			return
		}
	}
}

// nextJob returns the oldest job without an incident.
func (r *runner) nextJob() (interp.Job, bool) {
	blocked := map[uint64]bool{}
	for _, inc := range r.bt.Interp().Incidents() {
		blocked[inc.JobKey] = true
	}
	for _, j := range r.bt.Interp().Jobs() {
		if !blocked[j.Key] {
			return j, true
		}
	}
	return interp.Job{}, false
}

// check checks the expectations x on one instance.
func (r *runner) check(x *Expect, inst *bpmntest.Instance, name string) {
	prefix := ""
	if len(r.s.Instances) > 1 {
		prefix = fmt.Sprintf("instance %q: ", name)
	}
	a := inst.ExpectThat()
	line := func(field string) int {
		if l, ok := x.lines[field]; ok {
			return l
		}
		return x.Line
	}
	do := func(field string, f func()) {
		f()
		for i, m := range r.t.msgs { // the state of the instance is in the Result
			r.t.msgs[i], _, _ = strings.Cut(m, "\n")
		}
		r.flush(line(field), x.Path+"."+field, prefix)
	}
	if x.State != nil {
		do("state", func() { a.HasState(*x.State) })
	}
	if x.EndEvent != "" {
		do("endEvent", func() { a.EndedAt(x.EndEvent) })
	}
	if len(x.Passed) > 0 {
		do("passed", func() { a.HasPassedInOrder(x.Passed...) })
	}
	if len(x.PassedSet) > 0 {
		do("passedSet", func() { a.HasPassed(x.PassedSet...) })
	}
	if len(x.NotPassed) > 0 {
		do("notPassed", func() { a.HasNotPassed(x.NotPassed...) })
	}
	if len(x.WaitingAt) > 0 {
		do("waitingAt", func() { a.IsWaitingAt(x.WaitingAt...) })
	}
	for _, m := range x.WaitingForMessages {
		do("waitingForMessages", func() { a.IsWaitingForMessage(m.Name, m.CorrelationKey) })
	}
	if x.Variables != nil {
		do("variables", func() { a.HasVariables(x.Variables) })
	}
	if x.Incidents != nil && len(x.Incidents) == 0 {
		do("incidents", func() { a.HasNoIncidents() })
	}
	for _, m := range x.Incidents {
		do("incidents", func() { a.HasIncident(m) })
	}
	if x.Compensated != nil && len(x.Compensated) == 0 {
		do("compensated", func() { a.HasNoCompensation() })
	}
	if len(x.Compensated) > 0 {
		do("compensated", func() { a.HasCompensated(x.Compensated...) })
	}
}

// assertion matches the "bpmntest: Name(args): " head of a bpmntest
// message, which repeats what the scenario path already says.
var assertion = regexp.MustCompile(`^bpmntest: [A-Za-z]+(\(.*?\))?: `)

// flush turns what bpmntest reported into failures at line and path; it
// reports whether a step failed for good (a Fatalf).
func (r *runner) flush(line int, path, prefix string) bool {
	for _, msg := range r.t.msgs {
		msg = strings.TrimRight(assertion.ReplaceAllString(msg, ""), "\n")
		r.res.Failures = append(r.res.Failures, Failure{File: r.s.File, Line: line, Path: path, Msg: prefix + msg})
	}
	r.t.msgs = r.t.msgs[:0]
	fatal := r.t.fatal
	r.t.fatal = false
	return fatal
}

// result collects the state of the instances.
func (r *runner) result() *Result {
	res := r.res
	res.Trace = r.bt.TraceEvents()
	res.Start, res.End = r.bt.StartedAt(), r.bt.Now()
	if due, ok := r.bt.Interp().NextDue(); ok {
		res.NextDue = due
	}
	for i, inst := range r.insts {
		ir := InstanceResult{Name: r.s.Instances[i].Name, Key: inst.Key, ProcessID: inst.ProcessID, State: inst.State(), Variables: inst.Variables()}
		if end, ok := inst.End(); ok {
			ir.EndEvent = end.EndEvent
		} else if inst.Key != 0 {
			ir.Waits = Waits(r.bt.Interp(), r.defs, inst.Owns)
		}
		for _, inc := range r.bt.Interp().Incidents() {
			if inst.Owns(inc.Instance) {
				ir.Incidents = append(ir.Incidents, inc)
			}
		}
		res.Instances = append(res.Instances, ir)
	}
	return res
}

// recorder is the bpmntest.TB of a run: it keeps the messages; its Fatalf
// returns, and the runner stops the script.
type recorder struct {
	msgs  []string
	fatal bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
	r.fatal = true
}
