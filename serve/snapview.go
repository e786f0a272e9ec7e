package serve

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// This file reads the engine's versioned snapshot format (interp.Snapshot,
// version interp.SnapshotVersion) for what the public engine API does not
// tell (see docs/serve-engine-needs.md): the state of each job (backing
// off or not), the due times of an instance's timers, the age (sequence
// number) of subscriptions, and the top-level instance that owns a
// called instance's jobs. It also builds the engine-wide snapshot that
// Restore reads, with the key counter set to a reserved block.

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

// instView is the part of an instance snapshot that the index needs.
type instView struct {
	Version int      `json:"version"`
	Key     uint64   `json:"key"`
	Process string   `json:"process"`
	Root    elemView `json:"root"`
}

type elemView struct {
	Key     uint64 `json:"key"`
	Process string `json:"process"` // set on roots (top-level and called)
	Element string `json:"element"`
	Info    *struct {
		StartKey *[2]string `json:"startKey"`
	} `json:"info"`
	Job *struct {
		Key        uint64     `json:"key"`
		Type       string     `json:"type"`
		Retries    int        `json:"retries"`
		Deadline   time.Time  `json:"deadline"`
		ErrorMsg   string     `json:"errorMessage"`
		State      int        `json:"state"`
		RetryTimer *timerView `json:"retryTimer"`
	} `json:"job"`
	Timers   []timerView `json:"timers"`
	Subs     []subView   `json:"subscriptions"`
	Incident *struct {
		Key       uint64
		Kind      interp.IncidentKind
		ElementID string
		JobKey    uint64
		Message   string
		ErrorCode string
		At        time.Time
	} `json:"incident"`
	Children []elemView `json:"children"`
	Called   *elemView  `json:"called"`
}

type timerView struct {
	Due     time.Time `json:"due"`
	Seq     uint64    `json:"seq"`
	Process string    `json:"process"`
}

type subView struct {
	Name string `json:"name"`
	Key  string `json:"key"`
	Node string `json:"node"`
	Seq  uint64 `json:"seq"`
}

// bufView is the part of a buffered message that the store needs.
type bufView struct {
	Name    string    `json:"name"`
	Key     string    `json:"correlationKey"`
	ID      string    `json:"id"`
	MsgKey  uint64    `json:"messageKey"`
	Expires time.Time `json:"expires"`
}

// indexed is what one stored instance waits for, read from its snapshot.
type indexed struct {
	key       uint64
	process   string
	nextDue   time.Time
	startName string
	startKey  string
	index     store.Index
}

// indexInstance reads the index rows of one instance snapshot.
func indexInstance(raw []byte) (*indexed, error) {
	var v instView
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("reading instance snapshot: %w", err)
	}
	if v.Version != interp.SnapshotVersion {
		return nil, fmt.Errorf("instance snapshot version %d, this server reads %d", v.Version, interp.SnapshotVersion)
	}
	ix := &indexed{key: v.Key, process: v.Process}
	if in := v.Root.Info; in != nil && in.StartKey != nil {
		ix.startName, ix.startKey = in.StartKey[0], in.StartKey[1]
	}
	ix.walk(&v.Root, v.Key, v.Process)
	return ix, nil
}

func (ix *indexed) due(t time.Time) {
	if !t.IsZero() && (ix.nextDue.IsZero() || t.Before(ix.nextDue)) {
		ix.nextDue = t
	}
}

// walk collects the waits of e; inst and process are those of the engine
// instance e belongs to (a called instance has its own).
func (ix *indexed) walk(e *elemView, inst uint64, process string) {
	if e.Process != "" {
		inst, process = e.Key, e.Process
	}
	if j := e.Job; j != nil {
		ix.index.Jobs = append(ix.index.Jobs, store.Job{Key: j.Key, Root: ix.key, Instance: inst, Type: j.Type, State: j.State,
			ProcessID: process, ElementID: e.Element, Retries: j.Retries, Deadline: j.Deadline, ErrorMsg: j.ErrorMsg})
		if j.RetryTimer != nil {
			ix.due(j.RetryTimer.Due)
		}
	}
	for _, t := range e.Timers {
		ix.due(t.Due)
	}
	for _, s := range e.Subs {
		ix.index.Subscriptions = append(ix.index.Subscriptions, store.Subscription{Seq: s.Seq, Root: ix.key, Instance: inst,
			Name: s.Name, CorrKey: s.Key, ProcessID: process, ElementID: s.Node})
	}
	if in := e.Incident; in != nil {
		ix.index.Incidents = append(ix.index.Incidents, store.Incident{Key: in.Key, Root: ix.key, Instance: inst, Kind: in.Kind.String(),
			ProcessID: process, ElementID: in.ElementID, JobKey: in.JobKey, Message: in.Message, ErrorCode: in.ErrorCode, At: in.At})
	}
	for i := range e.Children {
		ix.walk(&e.Children[i], inst, process)
	}
	if e.Called != nil {
		ix.walk(e.Called, inst, process)
	}
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
