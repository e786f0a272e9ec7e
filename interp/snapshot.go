package interp

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/feel"
)

// SnapshotVersion is the version of the snapshot format written by
// Snapshot and SnapshotInstance.
const SnapshotVersion = 1

// Snapshot is the whole state of an engine as a versioned JSON document:
// instances (with their element instances, variables, jobs, timers,
// subscriptions and incidents), buffered messages, start timers and the
// key and sequence counters. Between two inputs the engine has no other
// state, so Restore continues exactly where Snapshot stopped. Variables
// must be JSON values.
type Snapshot struct {
	Version     int                `json:"version"`
	Now         time.Time          `json:"now"`
	NextKey     uint64             `json:"nextKey"`
	Seq         uint64             `json:"seq"`
	Processes   []string           `json:"processes"`
	Instances   []InstanceSnapshot `json:"instances"`
	Buffer      []bufSnap          `json:"buffer,omitempty"`
	StartTimers []timerSnap        `json:"startTimers,omitempty"`
	JobQueues   []queueSnap        `json:"jobQueues,omitempty"`
}

// InstanceSnapshot is one process instance, with the instances it called.
type InstanceSnapshot struct {
	Version   int      `json:"version"`
	Key       uint64   `json:"key"`
	ProcessID string   `json:"process"`
	Root      elemSnap `json:"root"`
}

type elemSnap struct {
	Key         uint64           `json:"key"`
	Process     string           `json:"process,omitempty"` // roots
	Element     string           `json:"element,omitempty"`
	Vars        map[string]any   `json:"vars,omitempty"`
	Tokens      int32            `json:"tokens,omitempty"`
	JoinWait    int32            `json:"joinWait,omitempty"`
	InclWait    int32            `json:"inclWait,omitempty"`
	Epoch       uint32           `json:"epoch,omitempty"`
	Arrivals    map[string]int32 `json:"arrivals,omitempty"`
	ActivatedAt time.Time        `json:"activatedAt"`
	LoopCounter int              `json:"loopCounter,omitempty"`
	EvtSub      bool             `json:"eventSubprocess,omitempty"`
	Info        *infoSnap        `json:"info,omitempty"`
	MI          *miSnap          `json:"multiInstance,omitempty"`
	Comp        *compSnap        `json:"compensation,omitempty"`
	Job         *jobSnap         `json:"job,omitempty"`
	Timers      []timerSnap      `json:"timers,omitempty"`
	Subs        []subSnap        `json:"subscriptions,omitempty"`
	Sigs        []sigSnap        `json:"signals,omitempty"`
	Incident    *incSnap         `json:"incident,omitempty"`
	Children    []elemSnap       `json:"children,omitempty"`
	Called      *elemSnap        `json:"called,omitempty"` // the root of a called instance
}

type infoSnap struct {
	StartedAt time.Time  `json:"startedAt"`
	StartKey  *[2]string `json:"startKey,omitempty"`
	EndEvent  string     `json:"endEvent,omitempty"`
}

type miSnap struct {
	Items   []any `json:"items,omitempty"`
	Total   int   `json:"total"`
	Started int   `json:"started"`
	Done    int   `json:"done"`
	Outputs []any `json:"outputs,omitempty"`
}

type compSnap struct {
	Records []recSnap  `json:"records,omitempty"`
	Throw   *throwSnap `json:"throw,omitempty"`
}

type throwSnap struct {
	Pending []recSnap        `json:"pending,omitempty"`
	Vars    []map[string]any `json:"pendingVars,omitempty"`
}

type recSnap struct {
	Node    string         `json:"node"`
	Handler string         `json:"handler,omitempty"`
	Nested  []recSnap      `json:"nested,omitempty"`
	Vars    map[string]any `json:"vars,omitempty"`
	Seq     uint64         `json:"seq"`
}

type jobSnap struct {
	Key        uint64     `json:"key"`
	Type       string     `json:"type"`
	Retries    int        `json:"retries"`
	Deadline   time.Time  `json:"deadline,omitzero"`
	NotBefore  time.Time  `json:"notBefore,omitzero"`
	ErrorMsg   string     `json:"errorMessage,omitempty"`
	State      JobState   `json:"state"`
	RetryTimer *timerSnap `json:"retryTimer,omitempty"`
}

type timerSnap struct {
	Due     time.Time    `json:"due"`
	Seq     uint64       `json:"seq"`
	Purpose timerPurpose `json:"purpose"`
	Kind    trigKind     `json:"kind"`
	Node    string       `json:"node,omitempty"`
	Process string       `json:"process,omitempty"`
	Repeat  int          `json:"repeat,omitempty"`
	Every   string       `json:"every,omitempty"`
}

type subSnap struct {
	Name string   `json:"name"`
	Key  string   `json:"key"`
	Kind trigKind `json:"kind"`
	Node string   `json:"node"`
	Seq  uint64   `json:"seq"`
}

type sigSnap struct {
	Name string   `json:"name"`
	Kind trigKind `json:"kind"`
	Node string   `json:"node"`
	Seq  uint64   `json:"seq"`
}

type incSnap struct {
	Incident
	Retry retry     `json:"retry"`
	Work  *workSnap `json:"work,omitempty"`
}

type workSnap struct {
	Op        op             `json:"op"`
	Scope     uint64         `json:"scope"`
	Node      string         `json:"node,omitempty"`
	Flow      string         `json:"flow,omitempty"`
	Vars      map[string]any `json:"vars,omitempty"`
	Triggered bool           `json:"triggered,omitempty"`
	AfterJoin bool           `json:"afterJoin,omitempty"`
}

type bufSnap struct {
	Name       string         `json:"name"`
	Key        string         `json:"correlationKey"`
	ID         string         `json:"id,omitempty"`
	Vars       map[string]any `json:"vars,omitempty"`
	TTL        time.Duration  `json:"ttl"`
	MsgKey     uint64         `json:"messageKey"`
	Expires    time.Time      `json:"expires"`
	Correlated []string       `json:"correlated,omitempty"`
	Seq        uint64         `json:"seq"`
}

type queueSnap struct {
	Type string   `json:"type"`
	Keys []uint64 `json:"keys"`
}

// ---- writing ----

// Snapshot returns the engine state as JSON (see the Snapshot type).
func (e *Engine) Snapshot() ([]byte, error) {
	s := Snapshot{Version: SnapshotVersion, Now: e.now, NextKey: e.nextKey, Seq: e.seq}
	seen := map[string]bool{}
	for _, pp := range e.procOrder {
		if !seen[pp.proc.ID] {
			seen[pp.proc.ID] = true
			s.Processes = append(s.Processes, pp.proc.ID)
		}
	}
	for _, k := range e.Instances() {
		if r := e.insts.get(k); r.info.caller == nil {
			s.Instances = append(s.Instances, e.instanceSnap(r))
		}
	}
	for _, b := range e.bufferedInOrder() {
		s.Buffer = append(s.Buffer, bufSnap{Name: b.Name, Key: b.CorrelationKey, ID: b.ID, Vars: b.Variables, TTL: b.TTL,
			MsgKey: b.msgKey, Expires: b.expires, Correlated: b.correlated, Seq: b.timer.seq})
	}
	for _, t := range e.timers {
		if t.purpose == tmEvent && t.trig.kind == trigStart {
			s.StartTimers = append(s.StartTimers, snapTimer(t))
		}
	}
	sort.Slice(s.StartTimers, func(i, j int) bool { return s.StartTimers[i].Seq < s.StartTimers[j].Seq })
	types := make([]string, 0, len(e.jobQueues))
	for t := range e.jobQueues {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		q := queueSnap{Type: t, Keys: []uint64{}}
		for _, r := range e.jobQueues[t].items[e.jobQueues[t].head:] {
			if j := e.jobs.get(r.key); j == r.j && j.state == JobActivatable {
				q.Keys = append(q.Keys, r.key)
			}
		}
		s.JobQueues = append(s.JobQueues, q)
	}
	return json.Marshal(s)
}

// SnapshotInstance returns one instance (with the instances it called) as
// JSON, for stores that persist instances one by one.
func (e *Engine) SnapshotInstance(key uint64) ([]byte, error) {
	r := e.insts.get(key)
	if r == nil {
		return nil, errorf(ErrNotFound, "", "", key, "no active instance with this key")
	}
	if r.info.caller != nil {
		return nil, errorf(ErrInvalidInput, r.pp.proc.ID, "", key, "instance was called by instance %d: snapshot that one", r.info.caller.root.key)
	}
	return json.Marshal(e.instanceSnap(r))
}

func (e *Engine) instanceSnap(r *elemInst) InstanceSnapshot {
	return InstanceSnapshot{Version: SnapshotVersion, Key: r.key, ProcessID: r.pp.proc.ID, Root: e.snapElem(r)}
}

func (e *Engine) snapElem(ei *elemInst) elemSnap {
	s := elemSnap{Key: ei.key, Vars: ei.vars, Tokens: ei.tokens, JoinWait: ei.joinWait, InclWait: ei.inclWait,
		Epoch: ei.epoch, ActivatedAt: ei.activatedAt, LoopCounter: ei.loopCounter, EvtSub: ei.evtSub}
	if ei.node != nil {
		s.Element = ei.node.ID
	} else {
		s.Process = ei.pp.proc.ID
		s.Info = &infoSnap{StartedAt: ei.info.startedAt, EndEvent: ei.info.endEvent}
		if k := ei.info.startKey; k != nil {
			s.Info.StartKey = &[2]string{k.name, k.key}
		}
	}
	for i, c := range ei.arrivals {
		if c != 0 {
			if s.Arrivals == nil {
				s.Arrivals = map[string]int32{}
			}
			s.Arrivals[ei.pp.flows[i].f.ID] = c
		}
	}
	if mi := ei.mi; mi != nil {
		s.MI = &miSnap{Items: mi.items, Total: mi.total, Started: mi.started, Done: mi.done, Outputs: mi.outputs}
	}
	if c := ei.comp; c != nil {
		s.Comp = &compSnap{Records: snapRecords(c.records)}
		if c.throw != nil {
			s.Comp.Throw = &throwSnap{}
			for _, inv := range c.throw.pending {
				s.Comp.Throw.Pending = append(s.Comp.Throw.Pending, snapRecord(inv.rec))
				s.Comp.Throw.Vars = append(s.Comp.Throw.Vars, inv.vars)
			}
		}
	}
	if j := ei.job; j != nil {
		s.Job = &jobSnap{Key: j.Key, Type: j.Type, Retries: j.Retries, Deadline: j.Deadline,
			NotBefore: j.NotBefore, ErrorMsg: j.ErrorMsg, State: j.state}
		if j.retryTimer != nil {
			t := snapTimer(j.retryTimer)
			s.Job.RetryTimer = &t
		}
	}
	for _, t := range ei.timers {
		s.Timers = append(s.Timers, snapTimer(t))
	}
	for _, m := range ei.subs {
		s.Subs = append(s.Subs, subSnap{Name: m.key.name, Key: m.key.key, Kind: m.trig.kind, Node: m.trig.node.ID, Seq: m.seq})
	}
	for _, g := range ei.sigs {
		s.Sigs = append(s.Sigs, sigSnap{Name: g.name, Kind: g.trig.kind, Node: g.trig.node.ID, Seq: g.seq})
	}
	if inc := ei.inc; inc != nil {
		s.Incident = &incSnap{Incident: inc.Incident, Retry: inc.retry}
		if w := inc.w; w.scope != nil {
			ws := &workSnap{Op: w.op, Scope: w.scope.key, Vars: w.vars, Triggered: w.triggered, AfterJoin: w.afterJoin}
			if w.node != nil {
				ws.Node = w.node.ID
			}
			if w.flow != nil {
				ws.Flow = w.flow.ID
			}
			s.Incident.Work = ws
		}
	}
	for c := ei.first; c != nil; c = c.next {
		s.Children = append(s.Children, e.snapElem(c))
	}
	if c := ei.called; c != nil && c.alive {
		cs := e.snapElem(c)
		s.Called = &cs
	}
	return s
}

func snapRecords(rs []*compRecord) []recSnap {
	var out []recSnap
	for _, r := range rs {
		out = append(out, snapRecord(r))
	}
	return out
}

func snapRecord(r *compRecord) recSnap {
	s := recSnap{Node: r.node.ID, Nested: snapRecords(r.nested), Vars: r.vars, Seq: r.seq}
	if r.handler != nil {
		s.Handler = r.handler.ID
	}
	return s
}

func snapTimer(t *timer) timerSnap {
	s := timerSnap{Due: t.due, Seq: t.seq, Purpose: t.purpose, Kind: t.trig.kind, Repeat: t.repeat}
	if t.trig.node != nil {
		s.Node = t.trig.node.ID
	}
	if t.trig.pp != nil {
		s.Process = t.trig.pp.proc.ID
	}
	if t.every != (feel.Duration{}) {
		s.Every = t.every.String()
	}
	return s
}

// ---- reading ----

// Restore returns a new engine with the state of a snapshot. The programs
// that define the snapshot's processes must be given (they are deployed
// first; their timer start events are taken from the snapshot).
func Restore(data []byte, opts Options, progs ...*Program) (*Engine, error) {
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, errorf(ErrSnapshot, "", "", 0, "%v", err)
	}
	if s.Version != SnapshotVersion {
		return nil, errorf(ErrSnapshot, "", "", 0, "snapshot version %d, want %d", s.Version, SnapshotVersion)
	}
	e := New(opts)
	byID := map[string]*procProg{}
	for _, p := range progs {
		for _, pp := range p.procs {
			byID[pp.proc.ID] = pp
		}
	}
	for _, id := range s.Processes {
		pp := byID[id]
		if pp == nil {
			return nil, errorf(ErrSnapshot, id, "", 0, "process of the snapshot not among the given programs")
		}
		e.procs[id] = pp
		e.procOrder = append(e.procOrder, pp)
		for _, n := range pp.sigStarts {
			e.signals = append(e.signals, &sigSub{name: n.Event.Signal.Name, node: n, pp: pp})
		}
	}
	e.now, e.nextKey = s.Now, s.NextKey
	for _, is := range s.Instances {
		if err := e.restoreInstance(is); err != nil {
			return nil, err
		}
	}
	for _, b := range s.Buffer {
		m := &bufMsg{Message: Message{Name: b.Name, CorrelationKey: b.Key, Variables: b.Vars, TTL: b.TTL, ID: b.ID},
			key: subKey{b.Name, b.Key}, msgKey: b.MsgKey, expires: b.Expires, correlated: b.Correlated}
		m.timer = &timer{purpose: tmMsgExpiry, due: b.Expires, msg: m, seq: b.Seq}
		e.buffer[m.key] = append(e.buffer[m.key], m)
		e.nbuf++
		e.timers.push(m.timer)
	}
	for _, ts := range s.StartTimers {
		pp := e.procs[ts.Process]
		if pp == nil {
			return nil, errorf(ErrSnapshot, ts.Process, ts.Node, 0, "start timer of an unknown process")
		}
		t, err := e.restoreTimer(ts, nil, pp)
		if err != nil {
			return nil, err
		}
		e.timers.push(t)
	}
	for _, q := range s.JobQueues {
		jq := &jobQueue{}
		for _, k := range q.Keys {
			if j := e.jobs.get(k); j != nil {
				jq.items = append(jq.items, jobRef{j, k})
			}
		}
		e.jobQueues[q.Type] = jq
	}
	e.seq = s.Seq
	e.sortIndexes()
	return e, nil
}

// RestoreInstance adds an instance written by SnapshotInstance to the
// engine (replacing an active instance with the same key).
func (e *Engine) RestoreInstance(data []byte) error {
	var is InstanceSnapshot
	if err := json.Unmarshal(data, &is); err != nil {
		return errorf(ErrSnapshot, "", "", 0, "%v", err)
	}
	if is.Version != SnapshotVersion {
		return errorf(ErrSnapshot, "", "", is.Key, "snapshot version %d, want %d", is.Version, SnapshotVersion)
	}
	if old := e.insts.get(is.Key); old != nil {
		e.terminate(old)
		e.insts.del(is.Key)
		e.forgetStartKey(old)
	}
	if err := e.restoreInstance(is); err != nil {
		return err
	}
	e.sortIndexes()
	return nil
}

// sortIndexes puts subscriptions and signal listeners back in creation order.
func (e *Engine) sortIndexes() {
	for k, l := range e.subs {
		sort.SliceStable(l, func(i, j int) bool { return l[i].seq < l[j].seq })
		e.subs[k] = l
	}
	sort.SliceStable(e.signals, func(i, j int) bool { return e.signals[i].seq < e.signals[j].seq })
}

type restorer struct {
	e      *Engine
	pp     *procProg
	elems  map[uint64]*elemInst
	incs   []pendingInc
	maxKey uint64 // largest key restored
	maxSeq uint64 // largest sequence number restored
}

func (r *restorer) sawKey(k uint64) { r.maxKey = max(r.maxKey, k) }
func (r *restorer) sawSeq(s uint64) { r.maxSeq = max(r.maxSeq, s) }

type pendingInc struct {
	ei *elemInst
	s  *incSnap
}

func (e *Engine) restoreInstance(is InstanceSnapshot) error {
	pp := e.procs[is.ProcessID]
	if pp == nil {
		return errorf(ErrSnapshot, is.ProcessID, "", is.Key, "process not deployed")
	}
	r := &restorer{e: e, pp: pp, elems: map[uint64]*elemInst{}}
	root, err := r.elem(is.Root, nil, nil)
	if err != nil {
		return err
	}
	for _, p := range r.incs {
		if err := r.incident(p.ei, p.s); err != nil {
			return err
		}
	}
	_ = root
	// keys and sequence numbers handed out later must not collide with
	// anything restored
	e.SetCounters(r.maxKey, r.maxSeq)
	return nil
}

func (r *restorer) fail(s elemSnap, format string, args ...any) error {
	return errorf(ErrSnapshot, r.pp.proc.ID, s.Element, s.Key, format, args...)
}

// elem rebuilds an element instance and its children under scope (nil for
// a root; caller set for a called root).
func (r *restorer) elem(s elemSnap, scope, caller *elemInst) (*elemInst, error) {
	e := r.e
	ei := &elemInst{key: s.Key, alive: true, vars: s.Vars, tokens: s.Tokens, joinWait: s.JoinWait, inclWait: s.InclWait,
		epoch: s.Epoch, activatedAt: s.ActivatedAt, loopCounter: s.LoopCounter, evtSub: s.EvtSub}
	if scope == nil {
		pp := e.procs[s.Process]
		if pp == nil {
			return nil, r.fail(s, "process %q not deployed", s.Process)
		}
		r.pp = pp
		ei.pp, ei.root = pp, ei
		ei.info = &ei.infoData
		if s.Info != nil {
			ei.info.startedAt, ei.info.endEvent = s.Info.StartedAt, s.Info.EndEvent
			if k := s.Info.StartKey; k != nil {
				e.holdStartKey(ei, subKey{k[0], k[1]})
			}
		}
		ei.info.caller = caller
		e.insts.put(ei.key, ei)
	} else {
		ei.pp, ei.root, ei.parent = scope.pp, scope.root, scope
		ei.node = ei.pp.proc.Node(s.Element)
		if ei.node == nil {
			return nil, r.fail(s, "element not in process %q", ei.pp.proc.ID)
		}
		scope.link(ei)
	}
	r.elems[ei.key] = ei
	r.sawKey(ei.key)
	pp := ei.pp
	if len(s.Arrivals) > 0 {
		ei.arrivals = make([]int32, len(pp.flows))
		for id, c := range s.Arrivals {
			f := flowByID(pp, id)
			if f == nil {
				return nil, r.fail(s, "unknown flow %q", id)
			}
			ei.arrivals[f.Index] = c
		}
	}
	if m := s.MI; m != nil {
		ei.mi = &miState{items: m.Items, total: m.Total, started: m.Started, done: m.Done, outputs: m.Outputs}
	}
	if c := s.Comp; c != nil {
		recs, err := r.records(pp, c.Records)
		if err != nil {
			return nil, err
		}
		ei.comp = &compState{records: recs}
		if c.Throw != nil {
			ei.comp.throw = &compThrow{}
			pend, err := r.records(pp, c.Throw.Pending)
			if err != nil {
				return nil, err
			}
			for i, rec := range pend {
				inv := invocation{rec: rec}
				if i < len(c.Throw.Vars) {
					inv.vars = c.Throw.Vars[i]
				}
				ei.comp.throw.pending = append(ei.comp.throw.pending, inv)
			}
		}
	}
	if err := r.waits(ei, s); err != nil {
		return nil, err
	}
	if s.Incident != nil {
		r.incs = append(r.incs, pendingInc{ei, s.Incident})
	}
	for _, c := range s.Children {
		if _, err := r.elem(c, ei, nil); err != nil {
			return nil, err
		}
	}
	if s.Called != nil {
		saved := r.pp
		child, err := r.elem(*s.Called, nil, ei)
		if err != nil {
			return nil, err
		}
		r.pp = saved
		ei.called = child
	}
	return ei, nil
}

func flowByID(pp *procProg, id string) *bpmn.SequenceFlow {
	for _, f := range pp.proc.AllFlows {
		if f.ID == id {
			return f
		}
	}
	return nil
}

func (r *restorer) records(pp *procProg, ss []recSnap) ([]*compRecord, error) {
	var out []*compRecord
	for _, s := range ss {
		rec := &compRecord{node: pp.proc.Node(s.Node), vars: s.Vars, seq: s.Seq}
		r.sawSeq(s.Seq)
		if rec.node == nil {
			return nil, errorf(ErrSnapshot, pp.proc.ID, s.Node, 0, "compensation record of an unknown element")
		}
		if s.Handler != "" {
			if rec.handler = pp.proc.Node(s.Handler); rec.handler == nil {
				return nil, errorf(ErrSnapshot, pp.proc.ID, s.Handler, 0, "unknown compensation handler")
			}
		}
		nested, err := r.records(pp, s.Nested)
		if err != nil {
			return nil, err
		}
		rec.nested = nested
		out = append(out, rec)
	}
	return out, nil
}

// waits restores the job, timers and subscriptions of an element instance.
func (r *restorer) waits(ei *elemInst, s elemSnap) error {
	e := r.e
	if js := s.Job; js != nil {
		j := &job{Key: js.Key, Type: js.Type, ElementID: ei.node.ID, ProcessID: ei.pp.proc.ID, Instance: ei.root.key,
			Retries: js.Retries, Deadline: js.Deadline, NotBefore: js.NotBefore, ErrorMsg: js.ErrorMsg,
			ei: ei, state: js.State}
		if js.RetryTimer != nil {
			t, err := e.restoreTimer(*js.RetryTimer, nil, nil)
			if err != nil {
				return err
			}
			t.job = j
			r.sawSeq(t.seq)
			j.retryTimer = t
			e.timers.push(t)
		}
		ei.job = j
		r.sawKey(j.Key)
		e.jobs.put(j.Key, j)
		if j.state == JobActivatable {
			if q := e.jobQueues[j.Type]; q != nil {
				q.items = append(q.items, jobRef{j, j.Key})
			}
		}
	}
	for _, ts := range s.Timers {
		t, err := e.restoreTimer(ts, ei, ei.pp)
		if err != nil {
			return err
		}
		ei.timers = append(ei.timers, t)
		r.sawSeq(t.seq)
		e.timers.push(t)
	}
	for _, ss := range s.Subs {
		n := ei.pp.proc.Node(ss.Node)
		if n == nil {
			return r.fail(s, "subscription of unknown element %q", ss.Node)
		}
		m := &msgSub{key: subKey{ss.Name, ss.Key}, trig: trigger{kind: ss.Kind, owner: ei, node: n}, seq: ss.Seq}
		e.subs[m.key] = append(e.subs[m.key], m)
		ei.subs = append(ei.subs, m)
		r.sawSeq(m.seq)
	}
	for _, gs := range s.Sigs {
		n := ei.pp.proc.Node(gs.Node)
		if n == nil {
			return r.fail(s, "signal listener of unknown element %q", gs.Node)
		}
		g := &sigSub{name: gs.Name, node: n, trig: trigger{kind: gs.Kind, owner: ei, node: n}, seq: gs.Seq}
		e.signals = append(e.signals, g)
		ei.sigs = append(ei.sigs, g)
		r.sawSeq(g.seq)
	}
	return nil
}

func (e *Engine) restoreTimer(ts timerSnap, owner *elemInst, pp *procProg) (*timer, error) {
	t := &timer{due: ts.Due, seq: ts.Seq, purpose: ts.Purpose, repeat: ts.Repeat}
	t.trig.kind, t.trig.owner = ts.Kind, owner
	if owner == nil {
		t.trig.pp = pp
	}
	if ts.Node != "" && pp != nil {
		if t.trig.node = pp.proc.Node(ts.Node); t.trig.node == nil {
			return nil, errorf(ErrSnapshot, pp.proc.ID, ts.Node, 0, "timer of an unknown element")
		}
	}
	if ts.Every != "" {
		d, err := feel.ParseDuration(ts.Every)
		if err != nil {
			return nil, errorf(ErrSnapshot, "", ts.Node, 0, "timer interval: %v", err)
		}
		t.every = d
	}
	return t, nil
}

func (r *restorer) incident(ei *elemInst, s *incSnap) error {
	inc := &incident{Incident: s.Incident, ei: ei, retry: s.Retry}
	if ws := s.Work; ws != nil {
		scope := r.elems[ws.Scope]
		if scope == nil {
			return fmt.Errorf("%w: incident %d: unknown scope %d", ErrSnapshot, s.Key, ws.Scope)
		}
		w := work{op: ws.Op, scope: scope, vars: ws.Vars, triggered: ws.Triggered, afterJoin: ws.AfterJoin, epoch: scope.epoch}
		if ws.Node != "" {
			w.node = scope.pp.proc.Node(ws.Node)
		}
		if ws.Flow != "" {
			w.flow = flowByID(scope.pp, ws.Flow)
		}
		inc.w = w
	}
	ei.inc = inc
	r.e.incidents[inc.Key] = inc
	r.sawKey(inc.Key)
	return nil
}
