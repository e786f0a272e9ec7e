package serve

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// Instances: start (and the synchronous facade), read, cancel, set variables.

// StartRequest starts a process instance.
type StartRequest struct {
	ProcessID string         `json:"processId"`
	Variables map[string]any `json:"variables,omitempty"`
	// AwaitCompletion answers only when the instance has ended, with its
	// variables (the synchronous facade); after RequestTimeout (ms,
	// default 10 s) the answer is 504 and the instance keeps running.
	AwaitCompletion bool     `json:"awaitCompletion,omitempty"`
	RequestTimeout  int64    `json:"requestTimeout,omitempty"`
	FetchVariables  []string `json:"fetchVariables,omitempty"`
}

// InstanceResponse describes a process instance.
type InstanceResponse struct {
	Key       uint64         `json:"key"`
	ProcessID string         `json:"processId"`
	Version   int            `json:"version,omitempty"`
	State     string         `json:"state"`
	StartedAt *time.Time     `json:"startedAt,omitempty"`
	EndedAt   *time.Time     `json:"endedAt,omitempty"`
	EndEvent  string         `json:"endEvent,omitempty"`
	Variables map[string]any `json:"variables,omitempty"`
	Elements  []ElementInfo  `json:"elements,omitempty"`
	Jobs      []JobInfo      `json:"jobs,omitempty"`
	Incidents []IncidentInfo `json:"incidents,omitempty"`
	Trace     []traceEvent   `json:"trace,omitempty"`
	Warning   string         `json:"warning,omitempty"`
}

// ElementInfo is an active element instance.
type ElementInfo struct {
	Key       uint64    `json:"key"`
	ElementID string    `json:"elementId"`
	Kind      string    `json:"kind"`
	Depth     int       `json:"depth"`
	Since     time.Time `json:"since"`
	Incident  bool      `json:"incident,omitempty"`
}

// JobInfo is an open job of an instance.
type JobInfo struct {
	Key       uint64     `json:"key"`
	Type      string     `json:"type"`
	State     string     `json:"state"`
	ElementID string     `json:"elementId"`
	Instance  uint64     `json:"processInstanceKey"`
	Retries   int        `json:"retries"`
	Deadline  *time.Time `json:"deadline,omitempty"`
	ErrorMsg  string     `json:"errorMessage,omitempty"`
}

var jobStates = [...]string{"activatable", "activated", "backoff", "incident"}

func (s *Server) version(deploymentID int64, pid string) int {
	if d := s.reg.get(deploymentID); d != nil {
		for _, p := range d.Processes {
			if p.ProcessID == pid {
				return p.Version
			}
		}
	}
	return 0
}

// Start starts an instance of the latest version of a process at its none
// start event; with AwaitCompletion it waits for the instance to end.
func (s *Server) Start(ctx context.Context, req StartRequest) (InstanceResponse, error) {
	if req.ProcessID == "" {
		return InstanceResponse{}, apiErr(400, "INVALID_ARGUMENT", "processId is required")
	}
	if req.RequestTimeout < 0 {
		return InstanceResponse{}, apiErr(400, "INVALID_ARGUMENT", "requestTimeout must not be negative")
	}
	if err := s.syncRegistry(ctx); err != nil {
		return InstanceResponse{}, err
	}
	var (
		key     uint64
		end     *interp.InstanceEnd
		warning string
	)
	start := func(t *txn) error {
		key, end = 0, nil
		err := t.exec(false, func(e *interp.Engine) error {
			var err error
			key, err = e.Start(req.ProcessID, req.Variables)
			return err
		})
		if err != nil {
			return err
		}
		warning = t.warning
		for i := range t.ended {
			if t.ended[i].Instance == key {
				end = &t.ended[i]
			}
		}
		return nil
	}
	known := s.reg.lastID()
	err := s.run(ctx, "start", start)
	if errors.Is(err, interp.ErrNotFound) {
		// Deployed on another node a moment ago? (The notification may
		// not have arrived, or another request may have read it since.)
		if rerr := s.reg.refresh(ctx, s.db); rerr == nil && s.reg.lastID() > known {
			err = s.run(ctx, "start", start)
		}
	}
	if err != nil {
		return InstanceResponse{}, err
	}
	resp := InstanceResponse{Key: key, ProcessID: req.ProcessID, State: "active", Warning: warning}
	if d := s.reg.latestOf(req.ProcessID); d != nil {
		resp.Version = s.version(d.ID, req.ProcessID)
	}
	if end != nil {
		resp.State = end.State.String()
		resp.Variables = filterVars(end.Variables, req.FetchVariables)
		return resp, nil
	}
	if !req.AwaitCompletion {
		return resp, nil
	}
	timeout := 10 * time.Second
	if req.RequestTimeout > 0 {
		timeout = time.Duration(req.RequestTimeout) * time.Millisecond
	}
	state, vars, err := s.awaitEnd(ctx, key, timeout)
	if err != nil {
		return resp, err
	}
	resp.State, resp.Variables = state, filterVars(vars, req.FetchVariables)
	return resp, nil
}

// awaitEnd waits until a stored instance has ended.
func (s *Server) awaitEnd(ctx context.Context, key uint64, timeout time.Duration) (string, map[string]any, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		ch := s.hub.endWait(key)
		state, raw, err := s.db.InstanceState(ctx, key)
		if err != nil {
			s.hub.endDone(key)
			return "", nil, err
		}
		if state != store.StateActive {
			s.hub.endDone(key)
			var vars map[string]any
			if len(raw) > 0 {
				if err := json.Unmarshal(raw, &vars); err != nil {
					return "", nil, err
				}
			}
			return state, vars, nil
		}
		poll := time.NewTimer(s.opts.Poll)
		select {
		case <-ch:
		case <-poll.C:
		case <-deadline.C:
			poll.Stop()
			s.hub.endDone(key)
			e := apiErr(504, "DEADLINE_EXCEEDED", "instance %d did not end within %v; it keeps running", key, timeout)
			e.Key = key
			return "", nil, e
		case <-ctx.Done():
			poll.Stop()
			s.hub.endDone(key)
			return "", nil, ctx.Err()
		case <-s.quit:
			poll.Stop()
			s.hub.endDone(key)
			return "", nil, apiErr(503, "UNAVAILABLE", "server stopping; instance %d keeps running", key)
		}
		poll.Stop()
	}
}

func filterVars(vars map[string]any, names []string) map[string]any {
	if vars == nil {
		vars = map[string]any{}
	}
	if len(names) == 0 {
		return vars
	}
	out := map[string]any{}
	for _, n := range names {
		if v, ok := vars[n]; ok {
			out[n] = v
		}
	}
	return out
}

// instanceInput runs an input on an active stored instance.
func (s *Server) instanceInput(ctx context.Context, op string, key uint64, apply func(e *interp.Engine) error) (string, error) {
	var warning string
	err := s.run(ctx, op, func(t *txn) error {
		if err := t.load(key); err != nil {
			return err
		}
		if t.rows[key] == nil {
			return errNotActive
		}
		err := t.exec(true, apply)
		warning = t.warning
		return err
	})
	if errors.Is(err, errNotActive) {
		// Outside the transaction: on SQLite it holds the one connection.
		return "", s.notActive(ctx, key)
	}
	return warning, err
}

var errNotActive = errors.New("instance not active")

func (s *Server) notActive(ctx context.Context, key uint64) error {
	if _, _, err := s.db.InstanceState(ctx, key); err == nil {
		return apiErr(409, "INVALID_STATE", "instance %d has ended", key)
	}
	return notFound("no process instance with key %d (called instances are part of their caller)", key)
}

// Cancel cancels an active instance.
func (s *Server) Cancel(ctx context.Context, key uint64) (string, error) {
	return s.instanceInput(ctx, "cancel", key, func(e *interp.Engine) error { return e.Cancel(key) })
}

// VariablesRequest sets variables of an instance.
type VariablesRequest struct {
	Variables map[string]any `json:"variables"`
}

// SetVariables sets variables of an active instance.
func (s *Server) SetVariables(ctx context.Context, key uint64, req VariablesRequest) (string, error) {
	return s.instanceInput(ctx, "variables", key, func(e *interp.Engine) error { return e.SetVariables(key, req.Variables) })
}

// Instance reads a stored instance: state, variables, active elements,
// jobs and incidents, and with trace its trace.
func (s *Server) Instance(ctx context.Context, key uint64, trace bool) (InstanceResponse, error) {
	r, err := s.db.Instance(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return InstanceResponse{}, notFound("no process instance with key %d (called instances are part of their caller)", key)
	}
	if err != nil {
		return InstanceResponse{}, err
	}
	resp := InstanceResponse{Key: r.Key, ProcessID: r.ProcessID, Version: s.version(r.Deployment, r.ProcessID), State: r.State, StartedAt: &r.StartedAt}
	if r.State != store.StateActive {
		resp.EndedAt, resp.EndEvent = &r.EndedAt, r.EndEvent
		if err := json.Unmarshal(r.Variables, &resp.Variables); err != nil {
			return resp, err
		}
	} else if err := s.describeActive(ctx, &r, &resp); err != nil {
		return resp, err
	}
	if trace {
		batches, err := s.db.Trace(ctx, key)
		if err != nil {
			return resp, err
		}
		for _, b := range batches {
			var evs []traceEvent
			if err := json.Unmarshal(b, &evs); err != nil {
				return resp, err
			}
			resp.Trace = append(resp.Trace, evs...)
		}
	}
	return resp, nil
}

// describeActive restores an active instance into a scratch engine to
// read its variables and active elements.
func (s *Server) describeActive(ctx context.Context, r *store.Instance, resp *InstanceResponse) error {
	if s.reg.get(r.Deployment) == nil {
		if err := s.reg.refresh(ctx, s.db); err != nil {
			return err
		}
	}
	t := &txn{s: s, ctx: ctx, now: r.Clock, rows: map[uint64]*store.Instance{r.Key: r}}
	e, _, err := t.build(0, false, nil, nil)
	if err != nil {
		return err
	}
	resp.Variables, _ = e.Variables(r.Key)
	for _, el := range e.ActiveElements(r.Key) {
		resp.Elements = append(resp.Elements, ElementInfo{Key: el.Key, ElementID: el.ElementID, Kind: el.Kind, Depth: el.Depth, Since: el.Since, Incident: el.Incident})
	}
	jobs, err := s.db.Jobs(ctx, r.Key)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		ji := JobInfo{Key: j.Key, Type: j.Type, State: jobStates[j.State%4], ElementID: j.ElementID, Instance: j.Instance, Retries: j.Retries, ErrorMsg: j.ErrorMsg}
		if !j.Deadline.IsZero() && j.State == store.JobActivated {
			d := j.Deadline
			ji.Deadline = &d
		}
		resp.Jobs = append(resp.Jobs, ji)
	}
	incs, err := s.db.Incidents(ctx, r.Key)
	if err != nil {
		return err
	}
	for _, i := range incs {
		resp.Incidents = append(resp.Incidents, incidentInfo(i))
	}
	return nil
}
