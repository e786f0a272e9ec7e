package serve

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// The index rows of an instance come from the engine's queries (Jobs with
// State and Root, Subscriptions with Root and Seq, Incidents with Root,
// Timers). What the public API does not give is read from the engine's
// versioned snapshot format (interp.Snapshot, version
// interp.SnapshotVersion): when and by which message an instance started,
// and the buffered messages and timer start events as they are written
// back. This file also builds the engine-wide snapshot that Restore reads.

// engineSnap is interp.Snapshot with its parts kept as raw JSON.
type engineSnap struct {
	Version     int               `json:"version"`
	Now         time.Time         `json:"now"`
	NextKey     uint64            `json:"nextKey"`
	Seq         uint64            `json:"seq"`
	Processes   []string          `json:"processes"`
	Instances   []json.RawMessage `json:"instances"`
	Buffer      []json.RawMessage `json:"buffer,omitempty"`
	StartTimers []json.RawMessage `json:"startTimers,omitempty"`
}

// instHeader is what the store needs of an instance snapshot beyond the
// engine's queries.
type instHeader struct {
	Version int    `json:"version"`
	Key     uint64 `json:"key"`
	Process string `json:"process"`
	Root    struct {
		Info *struct {
			StartedAt time.Time  `json:"startedAt"`
			StartKey  *[2]string `json:"startKey"`
		} `json:"info"`
	} `json:"root"`
}

func readHeader(raw []byte) (*instHeader, error) {
	var h instHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("reading instance snapshot: %w", err)
	}
	if h.Version != interp.SnapshotVersion {
		return nil, fmt.Errorf("instance snapshot version %d, this server reads %d", h.Version, interp.SnapshotVersion)
	}
	return &h, nil
}

// startedAt returns the start time of the instance (def when unknown).
func (h *instHeader) startedAt(def time.Time) time.Time {
	if in := h.Root.Info; in != nil && !in.StartedAt.IsZero() {
		return in.StartedAt
	}
	return def
}

// startMessage returns the name and correlation key of the message that
// started the instance (Zeebe's single-instance rule), or "", "".
func (h *instHeader) startMessage() (string, string) {
	if in := h.Root.Info; in != nil && in.StartKey != nil {
		return in.StartKey[0], in.StartKey[1]
	}
	return "", ""
}

type timerView struct {
	Due     time.Time `json:"due"`
	Seq     uint64    `json:"seq"`
	Process string    `json:"process"`
}

// bufView is the part of a buffered message that the store needs.
type bufView struct {
	Name    string    `json:"name"`
	Key     string    `json:"correlationKey"`
	ID      string    `json:"id"`
	MsgKey  uint64    `json:"messageKey"`
	Expires time.Time `json:"expires"`
}

// waits is what one stored (top-level) instance waits for: its index rows.
type waits struct {
	index   store.Index
	nextDue time.Time // earliest timer; zero: none
}

var jobStates4 = map[interp.JobState]int{
	interp.JobActivatable: store.JobActivatable,
	interp.JobActivated:   store.JobActivated,
	interp.JobBackoff:     store.JobBackoff,
	interp.JobIncident:    store.JobIncident,
}

// waitsOf returns the waits of every active top-level instance of e.
func waitsOf(e *interp.Engine) map[uint64]*waits {
	out := map[uint64]*waits{}
	get := func(root uint64) *waits {
		w := out[root]
		if w == nil {
			w = &waits{}
			out[root] = w
		}
		return w
	}
	for _, j := range e.Jobs() {
		w := get(j.Root)
		w.index.Jobs = append(w.index.Jobs, store.Job{Key: j.Key, Root: j.Root, Instance: j.Instance, Type: j.Type, State: jobStates4[j.State],
			ProcessID: j.ProcessID, ElementID: j.ElementID, Retries: j.Retries, Deadline: j.Deadline, ErrorMsg: j.ErrorMsg})
	}
	for _, s := range e.Subscriptions() {
		pid, _ := e.InstanceProcess(s.Instance)
		w := get(s.Root)
		w.index.Subscriptions = append(w.index.Subscriptions, store.Subscription{Seq: s.Seq, Root: s.Root, Instance: s.Instance,
			Name: s.Message, CorrKey: s.CorrelationKey, ProcessID: pid, ElementID: s.ElementID})
	}
	for _, i := range e.Incidents() {
		w := get(i.Root)
		w.index.Incidents = append(w.index.Incidents, store.Incident{Key: i.Key, Root: i.Root, Instance: i.Instance, Kind: i.Kind.String(),
			ProcessID: i.ProcessID, ElementID: i.ElementID, JobKey: i.JobKey, Message: i.Message, ErrorCode: i.ErrorCode, At: i.At})
	}
	for _, tm := range e.Timers() { // in firing order: the first of an instance is its next due time
		if tm.Instance == 0 {
			continue // timer start events and message expiries
		}
		if w := get(tm.Instance); w.nextDue.IsZero() {
			w.nextDue = tm.Due
		}
	}
	return out
}

// startTimersDue returns the earliest due time among raw start timers.
func startTimersDue(raws []json.RawMessage) (time.Time, error) {
	var due time.Time
	for _, r := range raws {
		var t timerView
		if err := json.Unmarshal(r, &t); err != nil {
			return due, fmt.Errorf("reading start timer: %w", err)
		}
		if due.IsZero() || t.Due.Before(due) {
			due = t.Due
		}
	}
	return due, nil
}
