package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/feel"
	"github.com/bpmnrun/bpmnrun/interp"
	"gonum.org/v1/gonum/stat/distuv"
)

// replication is one run of the model: one engine, one event list, one
// set of random streams and statistics. It is the engine's Observer.
type replication struct {
	m     *Model
	p     *Params
	rep   int
	eng   *interp.Engine
	start time.Time
	ctx   context.Context

	now     int64 // ns since start
	events  evHeap
	seq     uint64
	horizon int64 // 0: none
	warm    int64 // end of the warm-up (ns); math.MaxInt64 until known
	// measuring is set when the warm-up has ended
	measuring bool

	arrivals     sampler
	started      int
	arrivalsDone bool
	active       int
	startVars    []genRT

	pools     []*poolRT
	elems     []*elemRT
	byKey     map[elemKey]*elemRT
	lastEl    *elemRT // the element of the last job created (a one-entry cache)
	msgs      []*msgRT
	gateways  []*gwRT
	byGateway map[*bpmn.Node]*gwRT
	jobs      map[uint64]*jobRec
	free      []*jobRec

	flags map[uint64]uint8 // per instance, set from the trace
	ours  map[uint64]bool  // instances started by arrivals, when others can start (Model.foreign)
	// idleTimers counts engine timers fired since the last own event or
	// ended instance (see maxIdleTimers)
	idleTimers int
	starting   bool                // inside Engine.Start for an arrival
	cases      map[uint64]*caseRec // per instance, when cost or a log needs it
	toCancel   []uint64
	opened     []opened // subscriptions opened during the current input

	// statistics
	cycle     Stat
	wip       timeWeighted
	tl        *timeline // per interval: ended cases, WIP, queue per pool
	outcomes  []*outcomeRT
	outIdx    map[outKey]*outcomeRT
	incidents [6]uint64 // by interp.IncidentKind
	caseCost  Stat
	measured  int // cases started after the warm-up
	steps     uint64
	ended     uint64
	progress  func(int)

	log *eventLog
	err error
}

const (
	fTimedOut uint8 = 1 << iota
	fCompensated
	fIncident
)

type outKey struct{ outcome, end string }

type outcomeRT struct {
	outKey
	cycle Stat
}

type caseRec struct {
	no   int
	cost float64
	xes  []logRow
}

type opened struct {
	inst uint64
	msgs []int
}

// poolRT is a resource pool at run time.
type poolRT struct {
	Pool
	idx      int
	free     []int // idle server numbers (stack)
	queue    []*jobRec
	qhead    int
	busy     timeWeighted
	waiting  timeWeighted
	cost     float64
	attempts uint64
}

// elemRT is a job-creating element at run time.
type elemRT struct {
	info      *elemInfo
	dur       sampler
	outcome   uniformStream
	risky     bool // failure or error probability > 0
	pool      *poolRT
	vars      []genRT
	backoff   int64
	fixedCost float64
	afterMsgs []*msgRT

	wait, proc                                  Stat
	attempts, completed, failed, errs, canceled uint64
	cost                                        float64
	busy                                        float64 // seconds of work of counted attempts, canceled ones included
}

type jobState uint8

const (
	jobQueued jobState = iota
	jobBusy
	jobBackoff
	jobGone
)

// jobRec is a job the simulator works on; recycled through a free list.
type jobRec struct {
	key     uint64
	inst    uint64
	el      *elemRT
	state   jobState
	gen     uint32
	enq     int64
	begin   int64
	server  int
	retries int
	result  uint8 // resultComplete, resultFail, resultError: drawn when the attempt starts
}

const (
	resultComplete uint8 = iota
	resultFail
	resultError
)

// msgRT is a message parameter at run time.
type msgRT struct {
	info  *msgInfo
	loss  uniformStream
	delay sampler
	vars  []genRT
	// counters
	scheduled, lost, published, correlated, buffered, unmatched uint64
}

type publication struct {
	msg     *msgRT
	inst    uint64
	key     string
	hasKey  bool
	counted bool // scheduled after the warm-up
}

type gwRT struct {
	info *gatewayInfo
	u    uniformStream
}

// genRT makes the values of a variable.
type genRT struct {
	name string
	g    *Generator
	s    sampler
	pick distuv.Categorical
	n    int
}

func (g *genRT) next() any {
	switch g.g.Kind {
	case GenDist:
		return g.s.Rand()
	case GenChoice:
		return g.g.Choices[int(g.pick.Rand())].Value
	case GenSequence:
		g.n++
		return fmt.Sprintf("%s%d", g.g.Prefix, g.n)
	}
	return g.g.Value
}

func (r *replication) gens(vars []Variable, prefix string) []genRT {
	out := make([]genRT, len(vars))
	for i := range vars {
		v := &vars[i]
		g := genRT{name: v.Name, g: &v.Gen}
		src := stream(r.p.Seed, r.rep, prefix+v.Name)
		switch v.Gen.Kind {
		case GenDist:
			g.s = v.Gen.Dist.sampler(src)
		case GenChoice:
			w := make([]float64, len(v.Gen.Choices))
			for j, c := range v.Gen.Choices {
				w[j] = c.Weight
			}
			g.pick = distuv.NewCategorical(w, src)
		}
		out[i] = g
	}
	return out
}

// newReplication sets up replication rep (1-based) of m.
func newReplication(ctx context.Context, m *Model, rep int, log *eventLog) (*replication, error) {
	p := m.params
	r := &replication{m: m, p: p, rep: rep, ctx: ctx, log: log,
		byKey: map[elemKey]*elemRT{}, jobs: map[uint64]*jobRec{}, flags: map[uint64]uint8{},
		outIdx: map[outKey]*outcomeRT{}, cycle: newStat(true), caseCost: newStat(true)}
	r.start = p.Start
	if r.start.IsZero() {
		r.start = interp.DefaultStart
	}
	opts := interp.Options{Start: r.start, Observer: r}
	if len(m.taskJobs) > 0 {
		opts.TaskJobs = func(n *bpmn.Node) bool { return m.taskJobs[n] }
	}
	if len(m.gateways) > 0 {
		opts.Branch = r.branch
	}
	if m.trace {
		opts.Trace = r.trace
	}
	r.eng = interp.New(opts)
	if err := r.eng.Deploy(m.prog); err != nil {
		return nil, fmt.Errorf("%w: deploy: %w", ErrEngine, err)
	}
	r.horizon = toNS(p.Horizon)
	r.warm = toNS(p.WarmUp)
	if p.WarmUpCases > 0 {
		r.warm = math.MaxInt64
	}
	r.arrivals = p.Arrival.sampler(stream(p.Seed, rep, "arrival"))
	r.startVars = r.gens(p.StartVariables, "start:")
	r.tl = newTimeline(initialStep(p), 1+len(m.pools))
	r.wip.tl, r.wip.slot = r.tl, 0
	for i, pl := range m.pools {
		pr := &poolRT{Pool: pl, idx: i}
		pr.waiting.tl, pr.waiting.slot = r.tl, 1+i
		for s := pl.Size - 1; s >= 0; s-- {
			pr.free = append(pr.free, s)
		}
		r.pools = append(r.pools, pr)
	}
	for i, mi := range m.messages {
		name := "message:" + mi.Name + ":"
		r.msgs = append(r.msgs, &msgRT{info: m.messages[i], loss: newUniform(stream(p.Seed, rep, name+"loss")),
			delay: mi.Delay.sampler(stream(p.Seed, rep, name+"delay")), vars: r.gens(mi.Variables, name+"var:")})
	}
	for _, e := range m.elems {
		el := &elemRT{info: e, wait: newStat(true), proc: newStat(true)}
		if t := e.task; t != nil {
			name := "task:" + e.proc + "/" + e.node.ID + ":"
			el.dur = t.Duration.sampler(stream(p.Seed, rep, name+"duration"))
			el.risky = t.Failure > 0 || t.Error > 0
			el.outcome = newUniform(stream(p.Seed, rep, name+"outcome"))
			el.vars = r.gens(t.Variables, name+"var:")
			el.backoff = toNS(t.RetryBackoff)
			el.fixedCost = t.FixedCost
			if e.pool >= 0 {
				el.pool = r.pools[e.pool]
			}
		}
		for _, i := range e.after {
			el.afterMsgs = append(el.afterMsgs, r.msgs[i])
		}
		r.elems = append(r.elems, el)
		r.byKey[elemKey{e.proc, e.node.ID}] = el
	}
	for i, g := range m.gateways {
		gw := &gwRT{info: g, u: newUniform(stream(p.Seed, rep, fmt.Sprintf("branch:%d:%s", i, g.node.ID)))}
		r.gateways = append(r.gateways, gw)
		if r.byGateway == nil {
			r.byGateway = map[*bpmn.Node]*gwRT{}
		}
		r.byGateway[g.node] = gw
	}
	if m.foreign {
		r.ours = map[uint64]bool{}
	}
	if r.needCases() {
		r.cases = map[uint64]*caseRec{}
	}
	return r, nil
}

func (r *replication) needCases() bool {
	if r.log != nil {
		return true
	}
	for _, e := range r.elems {
		if e.fixedCost != 0 || (e.pool != nil && e.pool.CostPerHour != 0) {
			return true
		}
	}
	return false
}

// toNS converts seconds to nanoseconds, saturating; NaN and negative
// values give 0.
func toNS(s float64) int64 {
	switch {
	case !(s > 0):
		return 0
	case s >= 9.2e9:
		return math.MaxInt64 / 2
	}
	return int64(s*1e9 + 0.5)
}

func (r *replication) at(t int64) time.Time { return r.start.Add(time.Duration(t)) }

func (r *replication) schedule(at int64, e event) {
	r.seq++
	e.at, e.seq = at, r.seq
	r.events.push(e)
}

// maxIdleTimers bounds the engine timers that may fire after the last
// arrival without an own event or an ended instance in between; past it
// the run ends and the remaining instances count as active at the end.
const maxIdleTimers = 100000

// run is the event loop. The next event is the earlier of the simulator's
// own next event and the engine's next due timer; at equal times the
// engine's timers fire first (AdvanceTo fires everything due at or before
// the time it is given).
func (r *replication) run() error {
	r.schedule(0, event{kind: evArrival})
	for r.err == nil {
		if r.arrivalsDone && r.active == 0 {
			break
		}
		own := int64(math.MaxInt64)
		if len(r.events) > 0 {
			own = r.events[0].at
		}
		due := int64(math.MaxInt64)
		if t, ok := r.eng.NextDue(); ok {
			due = max(int64(t.Sub(r.start)), r.now)
		}
		next := min(own, due)
		if next == math.MaxInt64 {
			break // nothing can happen any more; waiting instances are stuck
		}
		if r.horizon > 0 && next > r.horizon {
			r.now = r.horizon
			break
		}
		r.steps++
		if r.steps&4095 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		if next >= r.warm && !r.measuring {
			r.endWarmUp(r.warm) // a warm-up by time ends between events
		}
		// Only engine timers left after the last arrival, and they move
		// nothing of ours: the remaining instances are stuck behind
		// endlessly repeating timers.
		if due <= own && r.arrivalsDone && len(r.events) == 0 && r.idleTimers > maxIdleTimers {
			break
		}
		r.now = next
		if due <= own {
			r.idleTimers++
			r.engineErr(r.eng.AdvanceTo(r.at(due)))
		} else {
			r.idleTimers = 0
			ev := r.events.pop()
			r.engineErr(r.eng.AdvanceTo(r.at(ev.at)))
			r.handle(ev)
		}
		r.afterInput()
	}
	if r.p.Cases == 0 && r.horizon > 0 && r.err == nil {
		r.now = r.horizon // a run by horizon measures up to the horizon
	}
	return r.err
}

func (r *replication) handle(ev event) {
	switch ev.kind {
	case evArrival:
		r.arrive()
	case evJobDone:
		if ev.job.gen == ev.gen && ev.job.state == jobBusy {
			r.attemptDone(ev.job)
		}
	case evRetry:
		if ev.job.gen == ev.gen && ev.job.state == jobBackoff {
			r.request(ev.job)
		}
	case evPublish:
		r.publish(ev.pub)
	default:
		panic(fmt.Sprintf("sim: unknown event kind %d", ev.kind))
	}
}

// engineErr records an engine error. A step budget exhausted is not one:
// the engine has raised an incident for it, which the observer handles.
func (r *replication) engineErr(err error) {
	if err != nil && !errors.Is(err, interp.ErrStepBudget) && r.err == nil {
		r.err = fmt.Errorf("%w: %w", ErrEngine, err)
	}
}

// afterInput does what the observer could not do inside the engine's step:
// cancel instances with incidents and schedule the answers to newly opened
// subscriptions.
func (r *replication) afterInput() {
	for len(r.toCancel) > 0 {
		inst := r.toCancel[0]
		r.toCancel = r.toCancel[1:]
		if err := r.eng.Cancel(inst); err != nil && !errors.Is(err, interp.ErrNotFound) {
			r.engineErr(err)
		}
	}
	r.toCancel = r.toCancel[:0]
	for len(r.opened) > 0 {
		o := r.opened[0]
		r.opened = r.opened[1:]
		for _, i := range o.msgs {
			r.scheduleMessage(r.msgs[i], o.inst)
		}
	}
	r.opened = r.opened[:0]
}

// ---- arrivals ----

func (r *replication) arrive() {
	r.started++
	if r.p.WarmUpCases > 0 && r.started == r.p.WarmUpCases+1 {
		r.endWarmUp(r.now)
	}
	var vars map[string]any
	if n := len(r.startVars); n > 0 {
		vars = make(map[string]any, n)
		for i := range r.startVars {
			vars[r.startVars[i].name] = r.startVars[i].next()
		}
	}
	r.active++
	r.wip.set(r.now, r.warm, r.active)
	if r.now >= r.warm {
		r.measured++
	}
	r.starting = true
	key, err := r.eng.Start(r.m.proc.ID, vars)
	r.starting = false
	r.engineErr(err)
	if r.ours != nil {
		if _, alive := r.eng.InstanceProcess(key); alive {
			r.ours[key] = true
		}
	}
	if r.cases != nil {
		if _, alive := r.eng.InstanceProcess(key); alive {
			r.caseOf(key).no = r.started
		}
	}
	for _, m := range r.msgs {
		if m.info.start {
			r.scheduleMessage(m, key)
		}
	}
	if r.p.Cases > 0 && r.started >= r.p.Cases {
		r.arrivalsDone = true
		return
	}
	next := r.now + toNS(r.arrivals.Rand())
	if r.horizon > 0 && next > r.horizon {
		r.arrivalsDone = true
		return
	}
	r.schedule(next, event{kind: evArrival})
}

// endWarmUp starts the time-weighted statistics at time t: the current
// levels are their first maxima.
func (r *replication) endWarmUp(t int64) {
	r.warm, r.measuring = t, true
	r.tl.start(t)
	for _, tw := range r.levels() {
		tw.advance(t, t)
		tw.startMeasuring()
	}
}

func (r *replication) levels() []*timeWeighted {
	out := []*timeWeighted{&r.wip}
	for _, p := range r.pools {
		out = append(out, &p.busy, &p.waiting)
	}
	return out
}

func (r *replication) caseOf(inst uint64) *caseRec {
	c := r.cases[inst]
	if c == nil {
		c = &caseRec{}
		r.cases[inst] = c
	}
	return c
}

// branch draws the outgoing flow(s) of a gateway that has branch
// probabilities (interp.Options.Branch), from the gateway's own stream.
func (r *replication) branch(_ uint64, gw *bpmn.Node) []*bpmn.SequenceFlow {
	g := r.byGateway[gw]
	if g == nil {
		return nil
	}
	gi := g.info
	if !gi.inclusive {
		u := g.u.Float64()
		choice := len(gi.probs) - 1
		for j, p := range gi.probs {
			if u < p {
				choice = j
				break
			}
			u -= p
		}
		return gw.Outgoing[choice : choice+1]
	}
	var out []*bpmn.SequenceFlow
	for j, p := range gi.probs {
		if g.u.Float64() < p {
			out = append(out, gw.Outgoing[j])
		}
	}
	if len(out) > 0 {
		return out
	}
	if gw.Default != nil {
		return []*bpmn.SequenceFlow{gw.Default}
	}
	// take one flow rather than raise an incident
	u, total := g.u.Float64(), 0.0
	for _, p := range gi.probs {
		total += p
	}
	u *= total
	for j, p := range gi.probs {
		if u < p || j == len(gi.probs)-1 {
			return gw.Outgoing[j : j+1]
		}
		u -= p
	}
	return nil
}

// ---- jobs and resources ----

// JobCreated asks for a server for the job (Observer).
func (r *replication) JobCreated(j interp.Job) {
	el := r.lastEl
	if el == nil || el.info.node.ID != j.ElementID || el.info.proc != j.ProcessID {
		el = r.byKey[elemKey{j.ProcessID, j.ElementID}]
		r.lastEl = el
	}
	if el == nil {
		r.err = fmt.Errorf("%w: job for unknown element %q of process %q", ErrEngine, j.ElementID, j.ProcessID)
		return
	}
	var rec *jobRec
	if n := len(r.free); n > 0 {
		rec = r.free[n-1]
		r.free = r.free[:n-1]
	} else {
		rec = new(jobRec)
	}
	rec.key, rec.inst, rec.el, rec.retries = j.Key, j.Instance, el, j.Retries
	r.jobs[j.Key] = rec
	r.request(rec)
}

// request puts the job on its pool: it starts at once if a server is
// free, else it queues (FIFO).
func (r *replication) request(rec *jobRec) {
	rec.enq = r.now
	p := rec.el.pool
	if p == nil {
		r.begin(rec, -1)
		return
	}
	if n := len(p.free); n > 0 {
		s := p.free[n-1]
		p.free = p.free[:n-1]
		r.begin(rec, s)
		return
	}
	rec.state = jobQueued
	p.queue = append(p.queue, rec)
	p.waiting.set(r.now, r.warm, p.waiting.level+1)
}

// begin starts an attempt of the job on server s (-1: no pool): its
// duration and result are drawn now.
func (r *replication) begin(rec *jobRec, s int) {
	el := rec.el
	rec.state, rec.begin, rec.server = jobBusy, r.now, s
	if p := el.pool; p != nil {
		p.busy.set(r.now, r.warm, p.busy.level+1)
	}
	var d int64
	if el.dur != nil {
		d = toNS(el.dur.Rand())
	}
	rec.result = resultComplete
	if el.risky {
		t := el.info.task
		switch u := el.outcome.Float64(); {
		case u < t.Failure:
			rec.result = resultFail
		case u < t.Failure+t.Error:
			rec.result = resultError
		}
	}
	r.schedule(r.now+d, event{kind: evJobDone, job: rec, gen: rec.gen})
}

// release frees the server of a busy job and starts the next queued one.
func (r *replication) release(rec *jobRec) {
	p := rec.el.pool
	if p == nil {
		return
	}
	p.busy.set(r.now, r.warm, p.busy.level-1)
	for p.qhead < len(p.queue) {
		next := p.queue[p.qhead]
		p.queue[p.qhead] = nil
		p.qhead++
		if next.state != jobQueued { // canceled while it waited
			r.recycle(next)
			continue
		}
		p.waiting.set(r.now, r.warm, p.waiting.level-1)
		r.compactQueue(p)
		r.begin(next, rec.server)
		return
	}
	r.compactQueue(p)
	p.free = append(p.free, rec.server)
}

func (r *replication) compactQueue(p *poolRT) {
	switch {
	case p.qhead == len(p.queue):
		p.queue, p.qhead = p.queue[:0], 0
	case p.qhead > 1024 && p.qhead*2 > len(p.queue):
		n := copy(p.queue, p.queue[p.qhead:])
		clear(p.queue[n:])
		p.queue, p.qhead = p.queue[:n], 0
	}
}

func (r *replication) recycle(rec *jobRec) {
	rec.gen++
	rec.state = jobGone
	rec.el = nil
	r.free = append(r.free, rec)
}

// attemptDone ends an attempt: statistics, the server is released, then
// the engine hears the result.
func (r *replication) attemptDone(rec *jobRec) {
	el := rec.el
	r.account(rec, false)
	r.release(rec)
	switch rec.result {
	case resultComplete:
		delete(r.jobs, rec.key)
		el.completed += r.counted(rec)
		var vars map[string]any
		if n := len(el.vars); n > 0 {
			vars = make(map[string]any, n)
			for i := range el.vars {
				vars[el.vars[i].name] = el.vars[i].next()
			}
		}
		key, inst := rec.key, rec.inst
		r.recycle(rec)
		r.engineErr(r.eng.CompleteJob(key, vars))
		for _, m := range el.afterMsgs {
			r.scheduleMessage(m, inst)
		}
	case resultFail:
		el.failed += r.counted(rec)
		rec.retries--
		if rec.retries <= 0 {
			delete(r.jobs, rec.key)
			key := rec.key
			r.recycle(rec)
			r.engineErr(r.eng.FailJob(key, 0, 0, "simulated failure", nil))
			return
		}
		r.engineErr(r.eng.FailJob(rec.key, rec.retries, time.Duration(el.backoff), "simulated failure", nil))
		if rec.state == jobGone || r.jobs[rec.key] != rec {
			return
		}
		if el.backoff > 0 {
			rec.state = jobBackoff
			r.schedule(r.now+el.backoff, event{kind: evRetry, job: rec, gen: rec.gen})
		} else {
			r.request(rec)
		}
	case resultError:
		el.errs += r.counted(rec)
		delete(r.jobs, rec.key)
		key := rec.key
		r.recycle(rec)
		r.engineErr(r.eng.ThrowError(key, el.info.task.ErrorCode, "simulated error", nil))
	}
}

// counted is 1 if the job's attempt counts in the statistics (it was
// requested after the warm-up), else 0.
func (r *replication) counted(rec *jobRec) uint64 {
	if rec.enq >= r.warm {
		return 1
	}
	return 0
}

// account records an attempt that ends now: waiting and processing times,
// cost, the log. canceled attempts count their work but not their times.
func (r *replication) account(rec *jobRec, canceled bool) {
	el := rec.el
	work := float64(r.now-rec.begin) / 1e9
	cost := 0.0
	if p := el.pool; p != nil {
		cost = work * p.CostPerHour / 3600
	}
	if !canceled && rec.result == resultComplete {
		cost += el.fixedCost
	}
	if r.counted(rec) == 1 {
		el.attempts++
		if !canceled {
			el.wait.add(float64(rec.begin-rec.enq) / 1e9)
			el.proc.add(work)
		}
		el.cost += cost
		el.busy += work
		if p := el.pool; p != nil {
			p.cost += cost
			p.attempts++
		}
	}
	var c *caseRec
	if r.cases != nil {
		c = r.cases[rec.inst]
		if c != nil {
			c.cost += cost
		}
	}
	if r.log != nil {
		res := [...]string{"completed", "failed", "error"}[rec.result]
		if canceled {
			res = "canceled"
		}
		r.log.row(r, c, rec, res)
	}
}

// JobCanceled withdraws the job: out of its queue, or off its server
// (Observer).
func (r *replication) JobCanceled(j interp.Job) {
	rec := r.jobs[j.Key]
	if rec == nil {
		return
	}
	delete(r.jobs, j.Key)
	rec.el.canceled += r.counted(rec)
	switch rec.state {
	case jobQueued:
		p := rec.el.pool
		p.waiting.set(r.now, r.warm, p.waiting.level-1)
		rec.state = jobGone // the queue drops it when it comes up
		rec.gen++
		return
	case jobBusy:
		rec.begin = min(rec.begin, r.now)
		r.account(rec, true)
		r.release(rec)
	}
	r.recycle(rec)
}

// IncidentRaised marks the instance; unless incidents are kept, it is
// canceled after the current input (Observer).
func (r *replication) IncidentRaised(inc interp.Incident) {
	if int(inc.Kind) < len(r.incidents) {
		r.incidents[inc.Kind]++
	}
	r.flags[inc.Instance] |= fIncident
	if !r.p.KeepIncidents {
		r.toCancel = append(r.toCancel, inc.Instance)
	}
}

// InstanceEnded records a case (Observer). Called processes are part of
// their case and are not counted.
func (r *replication) InstanceEnded(end interp.InstanceEnd) {
	if end.Parent != 0 {
		return
	}
	if r.ours != nil {
		own := r.ours[end.Instance] || (r.starting && end.ProcessID == r.m.proc.ID && end.StartedAt.Equal(r.at(r.now)))
		if !own {
			return // started by a timer, message or signal start event
		}
		delete(r.ours, end.Instance)
	}
	r.active--
	r.idleTimers = 0
	r.wip.set(r.now, r.warm, r.active)
	flags := r.flags[end.Instance]
	if flags != 0 {
		delete(r.flags, end.Instance)
	}
	var c *caseRec
	if r.cases != nil {
		c = r.cases[end.Instance]
		delete(r.cases, end.Instance)
	}
	if r.log != nil && c != nil {
		r.log.caseEnded(r, c, end.Instance)
	}
	startedAt := int64(end.StartedAt.Sub(r.start))
	if startedAt < r.warm {
		return
	}
	ct := end.EndedAt.Sub(end.StartedAt).Seconds()
	outcome := "completed"
	switch {
	case flags&fIncident != 0:
		outcome = "incident"
	case end.State == interp.Canceled:
		outcome = "canceled"
	case flags&fCompensated != 0:
		outcome = "compensated"
	case flags&fTimedOut != 0:
		outcome = "timed out"
	}
	k := outKey{outcome, end.EndEvent}
	o := r.outIdx[k]
	if o == nil {
		o = &outcomeRT{outKey: k, cycle: newStat(false)}
		r.outIdx[k] = o
		r.outcomes = append(r.outcomes, o)
	}
	o.cycle.add(ct)
	r.cycle.add(ct)
	r.tl.count(r.now)
	if r.cases != nil {
		cost := 0.0
		if c != nil {
			cost = c.cost
		}
		r.caseCost.add(cost)
	}
	r.ended++
	if r.progress != nil && r.ended&0xfff == 0 {
		r.progress(0x1000)
	}
}

// trace watches the engine's steps for timeouts, compensation and opened
// subscriptions; it is installed only when the model has them.
func (r *replication) trace(ev interp.TraceEvent) {
	switch ev.Kind {
	case interp.TraceTimerFired:
		if r.m.timeouts[ev.ElementID] {
			r.flags[ev.Instance] |= fTimedOut
		}
	case interp.TraceCompensating:
		r.flags[ev.Instance] |= fCompensated
	case interp.TraceActivated, interp.TraceStarted:
		if msgs := r.m.openers[ev.ElementID]; msgs != nil {
			r.opened = append(r.opened, opened{ev.Instance, msgs})
		}
	}
}

// ---- messages ----

// scheduleMessage draws whether and when the answer to message m for
// instance inst is published.
func (r *replication) scheduleMessage(m *msgRT, inst uint64) {
	counted := r.now >= r.warm
	if counted {
		m.scheduled++
	}
	if m.info.Loss > 0 && m.loss.Float64() < m.info.Loss {
		if counted {
			m.lost++
		}
		return
	}
	pub := &publication{msg: m, inst: inst, counted: counted}
	if v := m.info.CorrelationKeyVar; v != "" {
		vars, _ := r.eng.Variables(inst)
		if s, ok := feel.ToString(vars[v]); ok {
			pub.key, pub.hasKey = s, true
		}
	} else {
		pub.key, pub.hasKey = r.subscriptionKey(inst, m.info.Name)
	}
	r.schedule(r.now+toNS(m.delay.Rand()), event{kind: evPublish, pub: pub})
}

// subscriptionKey returns the correlation key of the newest open
// subscription of instance inst to message name.
func (r *replication) subscriptionKey(inst uint64, name string) (key string, ok bool) {
	for _, s := range r.eng.Subscriptions() {
		if s.Instance == inst && s.Message == name {
			key, ok = s.CorrelationKey, true
		}
	}
	return key, ok
}

func (r *replication) publish(pub *publication) {
	m := pub.msg
	if !pub.hasKey {
		var found bool
		pub.key, found = r.subscriptionKey(pub.inst, m.info.Name)
		if !found {
			if pub.counted {
				m.unmatched++
			}
			return
		}
	}
	var vars map[string]any
	if n := len(m.vars); n > 0 {
		vars = make(map[string]any, n)
		for i := range m.vars {
			vars[m.vars[i].name] = m.vars[i].next()
		}
	}
	ttl := time.Duration(-1)
	if m.info.TTL >= 0 {
		ttl = time.Duration(toNS(m.info.TTL))
	}
	res, err := r.eng.Publish(interp.Message{Name: m.info.Name, CorrelationKey: pub.key, Variables: vars, TTL: ttl})
	r.engineErr(err)
	if !pub.counted {
		return
	}
	m.published++
	switch {
	case len(res.Correlated) > 0:
		m.correlated++
	case res.Buffered:
		m.buffered++
	}
}
