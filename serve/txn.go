package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// An input runs in one transaction (txn): it loads the stored instances it
// needs, restores them into a fresh engine whose key counter starts at a
// reserved slice, applies the input, and writes back every instance the
// engine touched, with its index rows, before committing. A lost race
// (store.Retryable) runs the whole input again on fresh data.

const maxAttempts = 12

// txn is one attempt of one input.
type txn struct {
	s   *Server
	ctx context.Context
	tx  *store.Tx
	now time.Time // the wall clock at the start of the attempt

	rows     map[uint64]*store.Instance // loaded active instances
	msgs     map[uint64]*store.Message  // loaded buffered messages
	msgPairs map[[2]string]bool         // (name, correlation key) pairs whose messages are loaded
	global   *store.Global              // loaded start timers, if any
	// redeployed lists the processes a deployment gives a new version:
	// their older timer start events are dropped (Zeebe replaces them).
	redeployed []string
	deployed   bool // tell other nodes to read deployments

	// results of the engine run that is persisted
	ended   []interp.InstanceEnd
	started []uint64
	jobs    map[string]int // activatable jobs by type after the input
	minDue  time.Time
	warning string
	after   []func() // run after a successful commit
}

// run runs fn as one input, retrying lost races. fn must not keep state
// across attempts except through its own variables, which it resets.
func (s *Server) run(ctx context.Context, op string, fn func(t *txn) error) error {
	if s.batch != nil {
		return s.batch.submit(ctx, op, fn)
	}
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			s.metrics.retries.Add(1)
			d := time.Duration(rand.IntN(1<<min(attempt, 6))+1) * time.Millisecond
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
			}
		}
		if err = s.keys.ensure(ctx, sliceSize); err != nil {
			return err
		}
		var t *txn
		t, err = s.attempt(ctx, fn)
		if err == nil {
			for _, f := range t.after {
				f()
			}
			return nil
		}
		if !store.Retryable(err) && !errors.Is(err, errNeedKeys) {
			return err
		}
	}
	return fmt.Errorf("%s: gave up after %d attempts: %w", op, maxAttempts, err)
}

func (s *Server) attempt(ctx context.Context, fn func(t *txn) error) (*txn, error) {
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	t := newTxn(s, ctx, tx)
	if err := fn(t); err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		return nil, err
	}
	return t, nil
}

func newTxn(s *Server, ctx context.Context, tx *store.Tx) *txn {
	return &txn{s: s, ctx: ctx, tx: tx, now: s.now(), rows: map[uint64]*store.Instance{},
		msgs: map[uint64]*store.Message{}, msgPairs: map[[2]string]bool{}}
}

// load loads the active instances among keys; missing or ended ones are
// left out (the caller checks t.rows when it needs one).
func (t *txn) load(keys ...uint64) error {
	var need []uint64
	for _, k := range keys {
		if t.rows[k] == nil {
			need = append(need, k)
		}
	}
	rows, err := t.tx.LoadInstances(t.ctx, need)
	if err != nil {
		return err
	}
	for i := range rows {
		if err := t.adopt(rows[i]); err != nil {
			return err
		}
	}
	return nil
}

// adopt adds a loaded instance, reading its deployment if it is new here.
func (t *txn) adopt(r store.Instance) error {
	t.rows[r.Key] = &r
	if t.s.reg.get(r.Deployment) == nil {
		return t.s.reg.refresh(t.ctx, t.tx)
	}
	return nil
}

// loadMessages locks the message keys and loads their buffered messages.
// It reports whether messages were found that were not loaded before.
func (t *txn) loadMessages(pairs [][2]string) (bool, error) {
	var need [][2]string
	for _, p := range pairs {
		if !t.msgPairs[p] {
			t.msgPairs[p] = true
			need = append(need, p)
		}
	}
	if len(need) == 0 {
		return false, nil
	}
	if err := t.tx.LockKeys(t.ctx, need); err != nil {
		return false, err
	}
	msgs, err := t.tx.LoadMessages(t.ctx, need, t.now)
	if err != nil {
		return false, err
	}
	found := false
	for i := range msgs {
		m := msgs[i]
		if t.msgs[m.Key] == nil {
			t.msgs[m.Key] = &m
			found = true
		}
	}
	return found, nil
}

// loadGlobals loads the timer start events.
func (t *txn) loadGlobals() error {
	g, err := t.tx.LoadGlobal(t.ctx, globalStartTimers)
	if err != nil {
		return err
	}
	t.global = &g
	return nil
}

const globalStartTimers = "start-timers"

// build restores a fresh engine from the loaded state, its key counter at base.
func (t *txn) build(base uint64, advance bool, obs *observer, trace *[]interp.TraceEvent) (*interp.Engine, *programSet, error) {
	need := map[string]int64{}
	keys := make([]uint64, 0, len(t.rows))
	for k, r := range t.rows {
		keys = append(keys, k)
		if id, ok := need[r.ProcessID]; ok && id != r.Deployment {
			return nil, nil, errVersions{r.ProcessID}
		}
		need[r.ProcessID] = r.Deployment
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	ps, err := t.s.reg.programsFor(need)
	if err != nil {
		return nil, nil, err
	}
	snap := engineSnap{Version: interp.SnapshotVersion, Now: t.now, NextKey: base, Seq: base, Processes: ps.processes}
	for _, k := range keys {
		r := t.rows[k]
		snap.Instances = append(snap.Instances, r.Snapshot)
		if advance && r.Clock.Before(snap.Now) {
			snap.Now = r.Clock // timers fire at their own due times
		}
	}
	mkeys := make([]uint64, 0, len(t.msgs))
	for k := range t.msgs {
		mkeys = append(mkeys, k)
	}
	sort.Slice(mkeys, func(i, j int) bool { return mkeys[i] < mkeys[j] })
	for _, k := range mkeys {
		snap.Buffer = append(snap.Buffer, t.msgs[k].Data)
	}
	if t.global != nil && len(t.global.Data) > 0 {
		if err := json.Unmarshal(t.global.Data, &snap.StartTimers); err != nil {
			return nil, nil, fmt.Errorf("reading start timers: %w", err)
		}
	}
	data, err := json.Marshal(snap)
	if err != nil {
		return nil, nil, err
	}
	opts := interp.Options{TrackTouched: true}
	if obs != nil {
		opts.Observer = obs
	}
	if trace != nil {
		opts.Trace = func(ev interp.TraceEvent) { *trace = append(*trace, ev) }
	}
	e, err := interp.Restore(data, opts, ps.progs...)
	if err != nil {
		return nil, nil, fmt.Errorf("restoring engine: %w", err)
	}
	return e, ps, nil
}

// observer records what an input ended and created.
type observer struct {
	interp.NopObserver
	ended []interp.InstanceEnd
}

func (o *observer) InstanceEnded(end interp.InstanceEnd) {
	if end.Parent == 0 {
		o.ended = append(o.ended, end)
	}
}

// committed reports whether an engine error leaves a valid new state to
// persist (the engine turned the problem into incidents).
func committed(err error) bool { return errors.Is(err, interp.ErrStepBudget) }

// exec runs apply on an engine restored from the loaded state and persists
// the result. With advance, due timers fire first (the clock moves to
// now). apply may run more than once (on fresh engines): when the input
// opens subscriptions for which messages are buffered, those messages are
// loaded and the input runs again, so that they correlate as they would
// in one engine holding everything.
func (t *txn) exec(advance bool, apply func(e *interp.Engine) error) error {
	n := uint64(sliceSize)
	base, err := t.s.keys.take(n)
	if err != nil {
		return err
	}
	for {
		obs := &observer{}
		var trace []interp.TraceEvent
		var tp *[]interp.TraceEvent
		if t.s.opts.Trace {
			tp = &trace
		}
		e, ps, err := t.build(base, advance, obs, tp)
		if err != nil {
			return err
		}
		// Restore raises the engine's counters past every key it restored.
		// An instance written by another node may hold keys of a block
		// above this node's: then this node needs a slice above them.
		if nk, sq := e.Counters(); max(nk, sq) > base {
			t.s.keys.needAbove(max(nk, sq))
			return errNeedKeys
		}
		before := waitsOf(e)
		var runErr error
		if advance {
			runErr = e.AdvanceTo(t.now)
		}
		if runErr == nil || committed(runErr) {
			if err := apply(e); err != nil {
				runErr = err
			}
		}
		if runErr != nil && !committed(runErr) {
			return runErr
		}
		nk, sq := e.Counters()
		used := max(nk, sq)
		if used > base+n {
			// The input needed more keys than its slice: run it again
			// with a slice large enough.
			n = 2 * (used - base)
			if base, err = t.s.keys.take(n); err != nil {
				return err
			}
			continue
		}
		after := waitsOf(e)
		var fresh [][2]string
		for _, w := range after {
			for _, sub := range w.index.Subscriptions {
				if sub.Seq > base {
					fresh = append(fresh, [2]string{sub.Name, sub.CorrKey})
				}
			}
		}
		found, err := t.loadMessages(fresh)
		if err != nil {
			return err
		}
		if found {
			continue // run again with the buffered messages in the engine
		}
		t.s.keys.giveBack(base, n, used)
		if runErr != nil {
			t.warning = runErr.Error()
		}
		return t.persist(e, ps, before, after, obs, trace, base)
	}
}

// persist writes what the engine run changed: the touched instances in
// key order (so that transactions touching the same instances lock them in
// the same order), the buffered messages, the start timers, the trace.
func (t *txn) persist(e *interp.Engine, ps *programSet, before, after map[uint64]*waits, obs *observer, trace []interp.TraceEvent, base uint64) error {
	ended := map[uint64]*interp.InstanceEnd{}
	for i := range obs.ended {
		ended[obs.ended[i].Instance] = &obs.ended[i]
	}
	keys := e.Touched()
	for _, k := range e.Instances() { // new instances are touched; be sure
		if t.rows[k] == nil && !slices.Contains(keys, k) {
			if _, err := e.SnapshotInstance(k); err == nil {
				keys = append(keys, k)
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	t.jobs = map[string]int{}
	now := e.Now()
	for _, k := range keys {
		if end := ended[k]; end != nil {
			if err := t.writeEnded(end, before[k], ps, now); err != nil {
				return err
			}
			continue
		}
		raw, err := e.SnapshotInstance(k)
		if err != nil {
			return fmt.Errorf("instance %d was touched but neither runs nor ended: %w", k, err)
		}
		w := after[k]
		if w == nil {
			w = &waits{}
		}
		if err := t.writeActive(k, raw, before[k], w, ps, now); err != nil {
			return err
		}
	}
	if len(t.msgPairs) > 0 || t.global != nil {
		// Buffered messages and timer start events change only when
		// they were loaded (or a message was published, which loads its key).
		raw, err := e.Snapshot()
		if err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		var snap engineSnap
		if err := json.Unmarshal(raw, &snap); err != nil {
			return fmt.Errorf("reading snapshot: %w", err)
		}
		if len(t.msgPairs) > 0 {
			if err := t.persistMessages(&snap); err != nil {
				return err
			}
		}
		if t.global != nil {
			if err := t.persistGlobals(&snap, base); err != nil {
				return err
			}
		}
	}
	if err := t.persistTrace(trace, base); err != nil {
		return err
	}
	return t.notify()
}

// writeActive writes an active instance and its index rows (diffed
// against old, what the instance waited for when it was loaded).
func (t *txn) writeActive(key uint64, raw []byte, old, w *waits, ps *programSet, now time.Time) error {
	ctx := t.ctx
	h, err := readHeader(raw)
	if err != nil {
		return err
	}
	for _, j := range w.index.Jobs {
		if j.State == store.JobActivatable {
			t.jobs[j.Type]++
		}
	}
	if !w.nextDue.IsZero() && (t.minDue.IsZero() || w.nextDue.Before(t.minDue)) {
		t.minDue = w.nextDue
	}
	startName, startKey := h.startMessage()
	r := t.rows[key]
	if r == nil {
		r = &store.Instance{Key: key, ProcessID: h.Process, Deployment: ps.deploy[h.Process], State: store.StateActive,
			Snapshot: raw, Clock: now, NextDue: w.nextDue, StartedAt: h.startedAt(now), StartName: startName, StartKey: startKey}
		if err := t.tx.InsertInstance(ctx, r); err != nil {
			return err
		}
		t.started = append(t.started, key)
		return t.tx.WriteIndex(ctx, key, store.Index{}, w.index)
	}
	r.Snapshot, r.Clock, r.NextDue, r.StartName, r.StartKey = raw, now, w.nextDue, startName, startKey
	if err := t.tx.UpdateInstance(ctx, r); err != nil {
		return err
	}
	var prev store.Index
	if old != nil {
		prev = old.index
	}
	return t.tx.WriteIndex(ctx, key, prev, w.index)
}

// writeEnded writes an instance that ended (keeping its final variables)
// and deletes its index rows.
func (t *txn) writeEnded(end *interp.InstanceEnd, old *waits, ps *programSet, now time.Time) error {
	ctx := t.ctx
	vars, err := json.Marshal(end.Variables)
	if err != nil {
		return fmt.Errorf("instance %d: variables are not JSON: %w", end.Instance, err)
	}
	t.ended = append(t.ended, *end)
	r := t.rows[end.Instance]
	if r == nil { // started and ended in this input
		r = &store.Instance{Key: end.Instance, ProcessID: end.ProcessID, Deployment: ps.deploy[end.ProcessID], Clock: now, StartedAt: end.StartedAt,
			State: end.State.String(), EndedAt: end.EndedAt, EndEvent: end.EndEvent, Variables: vars}
		t.started = append(t.started, end.Instance)
		return t.tx.InsertInstance(ctx, r)
	}
	r.State, r.Snapshot, r.Clock, r.NextDue, r.EndedAt, r.EndEvent, r.Variables = end.State.String(), nil, now, time.Time{}, end.EndedAt, end.EndEvent, vars
	r.StartName, r.StartKey = "", ""
	if err := t.tx.UpdateInstance(ctx, r); err != nil {
		return err
	}
	var prev store.Index
	if old != nil {
		prev = old.index
	}
	return t.tx.WriteIndex(ctx, end.Instance, prev, store.Index{})
}

func (t *txn) persistMessages(snap *engineSnap) error {
	kept := map[uint64]bool{}
	for _, raw := range snap.Buffer {
		var b bufView
		if err := json.Unmarshal(raw, &b); err != nil {
			return fmt.Errorf("reading buffered message: %w", err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return err
		}
		kept[b.MsgKey] = true
		if old := t.msgs[b.MsgKey]; old != nil && bytes.Equal(old.Data, buf.Bytes()) {
			continue
		}
		m := store.Message{Key: b.MsgKey, Name: b.Name, CorrKey: b.Key, MessageID: b.ID, Expires: b.Expires, Data: buf.Bytes()}
		if err := t.tx.PutMessage(t.ctx, m); err != nil {
			return err
		}
	}
	for k := range t.msgs {
		if !kept[k] {
			if err := t.tx.DeleteMessage(t.ctx, k); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *txn) persistGlobals(snap *engineSnap, base uint64) error {
	if len(t.redeployed) > 0 {
		keep := snap.StartTimers[:0]
		for _, raw := range snap.StartTimers {
			var tv timerView
			if err := json.Unmarshal(raw, &tv); err != nil {
				return fmt.Errorf("reading start timer: %w", err)
			}
			if tv.Seq <= base && slices.Contains(t.redeployed, tv.Process) {
				continue
			}
			keep = append(keep, raw)
		}
		snap.StartTimers = keep
	}
	data, err := json.Marshal(snap.StartTimers)
	if err != nil {
		return err
	}
	if snap.StartTimers == nil {
		data = []byte("[]")
	}
	due, err := startTimersDue(snap.StartTimers)
	if err != nil {
		return err
	}
	if t.global.Version > 0 && bytes.Equal(data, t.global.Data) {
		return nil
	}
	t.global.Data, t.global.NextDue = data, due
	if !due.IsZero() && (t.minDue.IsZero() || due.Before(t.minDue)) {
		t.minDue = due
	}
	return t.tx.SaveGlobal(t.ctx, t.global)
}

// traceEvent is a stored trace event.
type traceEvent struct {
	Time      time.Time `json:"time"`
	Kind      string    `json:"kind"`
	Instance  uint64    `json:"instance"`
	ProcessID string    `json:"processId,omitempty"`
	ElementID string    `json:"elementId,omitempty"`
	Element   string    `json:"element,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

func (t *txn) persistTrace(trace []interp.TraceEvent, base uint64) error {
	if len(trace) == 0 {
		return nil
	}
	by := map[uint64][]traceEvent{}
	var order []uint64
	for _, ev := range trace {
		if by[ev.Instance] == nil {
			order = append(order, ev.Instance)
		}
		by[ev.Instance] = append(by[ev.Instance], traceEvent{Time: ev.Time, Kind: ev.Kind.String(), Instance: ev.Instance,
			ProcessID: ev.ProcessID, ElementID: ev.ElementID, Element: ev.Element, Detail: ev.Detail})
	}
	for _, k := range order {
		data, err := json.Marshal(by[k])
		if err != nil {
			return err
		}
		if err := t.tx.AppendTrace(t.ctx, k, t.now, base, data); err != nil {
			return err
		}
	}
	return nil
}

// notify queues the wake-ups of this input: in memory after the commit,
// and for other nodes through the store.
func (t *txn) notify() error {
	var payloads []string
	for typ, n := range t.jobs {
		payloads = append(payloads, "job:"+strconv.Itoa(n)+":"+typ)
	}
	for _, end := range t.ended {
		payloads = append(payloads, "end:"+strconv.FormatUint(end.Instance, 10))
	}
	sort.Strings(payloads)
	if t.deployed {
		payloads = append(payloads, "deploy")
	}
	if err := t.tx.Notify(t.ctx, payloads...); err != nil {
		return err
	}
	s := t.s
	jobs, ended, started, due := t.jobs, t.ended, t.started, t.minDue
	t.after = append(t.after, func() {
		for typ, n := range jobs {
			s.hub.jobReady(typ, n)
		}
		for _, end := range ended {
			s.hub.ended(end.Instance)
			s.metrics.ended(end.State)
		}
		s.metrics.started.Add(uint64(len(started)))
		if !due.IsZero() {
			s.timers.hint(due)
		}
	})
	return nil
}
