package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// The operations of the server, one input (one transaction) each, as the
// HTTP handlers call them. Their request and response types are the JSON
// bodies of the API (openapi.yaml).

// Error is an error of an operation with its HTTP status and a stable code.
type Error struct {
	Status  int      `json:"-"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Key     uint64   `json:"key,omitempty"` // the instance of a timed-out synchronous start
	Details []string `json:"details,omitempty"`
}

func (e *Error) Error() string { return e.Message }

func apiErr(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *Error { return apiErr(404, "NOT_FOUND", format, args...) }

// syncRegistry reads the deployments made by other nodes.
func (s *Server) syncRegistry(ctx context.Context) error {
	last, err := s.db.LastDeployment(ctx)
	if err != nil {
		return err
	}
	if last > s.reg.lastID() {
		return s.reg.refresh(ctx, s.db)
	}
	return nil
}

// compatible drops loaded instances that need another version of a
// process than an instance loaded before them; they stay due or ready and
// are taken by a later input.
func (t *txn) compatible() {
	keys := make([]uint64, 0, len(t.rows))
	for k := range t.rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	chosen := map[string]int64{}
	for _, k := range keys {
		r := t.rows[k]
		if d, ok := chosen[r.ProcessID]; ok && d != r.Deployment {
			delete(t.rows, k)
			continue
		}
		chosen[r.ProcessID] = r.Deployment
	}
}

// ---- deploy ----

// ProcessInfo is a deployed process version.
type ProcessInfo struct {
	ProcessID     string `json:"processId"`
	Version       int    `json:"version"`
	DeploymentKey int64  `json:"deploymentKey"`
}

// DeployResponse answers a deployment.
type DeployResponse struct {
	Key        int64         `json:"key"`
	Name       string        `json:"name"`
	Digest     string        `json:"digest"`
	Duplicate  bool          `json:"duplicate"`
	DeployedAt time.Time     `json:"deployedAt"`
	Processes  []ProcessInfo `json:"processes"`
}

func deployResponse(d *deployment, dup bool) DeployResponse {
	r := DeployResponse{Key: d.ID, Name: d.Name, Digest: d.Digest, Duplicate: dup, DeployedAt: d.DeployedAt}
	for _, p := range d.Processes {
		r.Processes = append(r.Processes, ProcessInfo{ProcessID: p.ProcessID, Version: p.Version, DeploymentKey: d.ID})
	}
	return r
}

// Deploy deploys a model file. Deploying the same file again is a no-op
// (Duplicate); a changed file gives its processes new versions, which new
// instances use while running instances keep theirs.
func (s *Server) Deploy(ctx context.Context, name string, xml []byte) (DeployResponse, error) {
	prog, err := compileModel(name, xml)
	if err != nil {
		return DeployResponse{}, modelError(err)
	}
	if len(prog.Processes()) == 0 {
		return DeployResponse{}, apiErr(400, "INVALID_MODEL", "%s: no executable process", name)
	}
	sum := digest(xml)
	if err := s.syncRegistry(ctx); err != nil {
		return DeployResponse{}, err
	}
	if d := s.reg.sameAsLatest(prog, sum); d != nil {
		return deployResponse(d, true), nil
	}
	var dep store.Deployment
	err = s.run(ctx, "deploy", func(t *txn) error {
		dep = store.Deployment{Name: name, Digest: sum, XML: xml, DeployedAt: t.now}
		for _, pid := range prog.Processes() {
			dep.Processes = append(dep.Processes, store.ProcessVersion{ProcessID: pid})
		}
		if err := t.tx.InsertDeployment(t.ctx, &dep); err != nil {
			return err
		}
		if err := t.loadGlobals(); err != nil {
			return err
		}
		t.redeployed = prog.Processes()
		return t.exec(false, func(e *interp.Engine) error {
			if err := e.Deploy(prog); err != nil {
				return modelError(err)
			}
			return nil
		})
	})
	if err != nil {
		return DeployResponse{}, err
	}
	d := &deployment{Deployment: dep, prog: prog}
	s.reg.add(d)
	s.logf("deployed %s as deployment %d (%s)", name, dep.ID, processList(dep.Processes))
	return deployResponse(s.reg.get(dep.ID), false), nil
}

func processList(ps []store.ProcessVersion) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s v%d", p.ProcessID, p.Version)
	}
	return s
}

// modelError turns a parse, validation or compile error into a 400 that
// lists every problem.
func modelError(err error) error {
	e := apiErr(400, "INVALID_MODEL", "%s", firstLine(err.Error()))
	for _, line := range splitLines(err.Error()) {
		e.Details = append(e.Details, line)
	}
	return e
}

// ---- start ----

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
	err := s.run(ctx, "start", func(t *txn) error {
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
	})
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

// ---- messages ----

// PublishRequest publishes a message.
type PublishRequest struct {
	Name           string         `json:"name"`
	CorrelationKey string         `json:"correlationKey"`
	Variables      map[string]any `json:"variables,omitempty"`
	// TimeToLive is how long (ms) the message stays buffered when nothing
	// waits for it: 0 drops it at once; absent means one hour.
	TimeToLive *int64 `json:"timeToLive,omitempty"`
	MessageID  string `json:"messageId,omitempty"`
}

// PublishResponse says where a message went.
type PublishResponse struct {
	Key        uint64   `json:"key"`
	Correlated []uint64 `json:"correlated"`
	Started    []uint64 `json:"started"`
	Buffered   bool     `json:"buffered"`
	Warning    string   `json:"warning,omitempty"`
}

// Publish correlates a message to the waiting subscriptions (at most one
// per process), starts instances through message start events and
// buffers it for its time to live, in one transaction.
func (s *Server) Publish(ctx context.Context, req PublishRequest) (PublishResponse, error) {
	if req.Name == "" {
		return PublishResponse{}, apiErr(400, "INVALID_ARGUMENT", "name is required")
	}
	m := interp.Message{Name: req.Name, CorrelationKey: req.CorrelationKey, Variables: req.Variables, TTL: -1, ID: req.MessageID}
	if req.TimeToLive != nil {
		if *req.TimeToLive < 0 {
			return PublishResponse{}, apiErr(400, "INVALID_ARGUMENT", "timeToLive must not be negative")
		}
		m.TTL = time.Duration(*req.TimeToLive) * time.Millisecond
	}
	if err := s.syncRegistry(ctx); err != nil {
		return PublishResponse{}, err
	}
	var resp PublishResponse
	err := s.run(ctx, "publish", func(t *txn) error {
		pair := [2]string{req.Name, req.CorrelationKey}
		if _, err := t.loadMessages([][2]string{pair}); err != nil {
			return err
		}
		subs, err := t.tx.Subscribers(t.ctx, req.Name, req.CorrelationKey)
		if err != nil {
			return err
		}
		blockers, err := t.tx.StartedBy(t.ctx, req.Name, req.CorrelationKey)
		if err != nil {
			return err
		}
		if err := t.load(append(subs, blockers...)...); err != nil {
			return err
		}
		err = t.exec(true, func(e *interp.Engine) error {
			res, err := e.Publish(m)
			resp = PublishResponse{Key: res.Key, Correlated: res.Correlated, Started: res.Started, Buffered: res.Buffered}
			return err
		})
		resp.Warning = t.warning
		return err
	})
	if resp.Correlated == nil {
		resp.Correlated = []uint64{}
	}
	if resp.Started == nil {
		resp.Started = []uint64{}
	}
	return resp, err
}

// ---- jobs ----

// ActivateRequest asks for jobs of a type.
type ActivateRequest struct {
	Type              string   `json:"type"`
	Worker            string   `json:"worker,omitempty"`
	MaxJobsToActivate int      `json:"maxJobsToActivate,omitempty"` // default 10, at most 1000
	Timeout           int64    `json:"timeout,omitempty"`           // lock (ms): default 5 minutes
	RequestTimeout    int64    `json:"requestTimeout,omitempty"`    // long polling (ms): 0 answers at once
	FetchVariables    []string `json:"fetchVariables,omitempty"`
}

// ActivatedJob is a job locked for a worker.
type ActivatedJob struct {
	Key                uint64            `json:"key"`
	Type               string            `json:"type"`
	ProcessInstanceKey uint64            `json:"processInstanceKey"`
	ProcessID          string            `json:"processId"`
	ElementID          string            `json:"elementId"`
	Retries            int               `json:"retries"`
	Deadline           time.Time         `json:"deadline"`
	Variables          map[string]any    `json:"variables"`
	CustomHeaders      map[string]string `json:"customHeaders,omitempty"`
}

// ActivateResponse lists activated jobs.
type ActivateResponse struct {
	Jobs []ActivatedJob `json:"jobs"`
}

// Activate locks up to MaxJobsToActivate activatable jobs of a type, the
// oldest first; with RequestTimeout it waits for jobs when none is ready.
func (s *Server) Activate(ctx context.Context, req ActivateRequest) (ActivateResponse, error) {
	switch {
	case req.Type == "":
		return ActivateResponse{}, apiErr(400, "INVALID_ARGUMENT", "type is required")
	case req.MaxJobsToActivate < 0 || req.MaxJobsToActivate > 1000:
		return ActivateResponse{}, apiErr(400, "INVALID_ARGUMENT", "maxJobsToActivate must be between 1 and 1000")
	case req.Timeout < 0 || req.RequestTimeout < 0:
		return ActivateResponse{}, apiErr(400, "INVALID_ARGUMENT", "timeout and requestTimeout must not be negative")
	}
	if req.MaxJobsToActivate == 0 {
		req.MaxJobsToActivate = 10
	}
	if req.Timeout == 0 {
		req.Timeout = 5 * 60 * 1000
	}
	wait := time.Duration(min(req.RequestTimeout, 10*60*1000)) * time.Millisecond
	deadline := time.Now().Add(wait)
	for {
		ch := s.hub.jobWait(req.Type)
		jobs, err := s.activateOnce(ctx, req)
		if err != nil || len(jobs) > 0 {
			return ActivateResponse{Jobs: jobs}, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return ActivateResponse{Jobs: []ActivatedJob{}}, nil
		}
		t := time.NewTimer(min(left, s.opts.Poll))
		select {
		case <-ch:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ActivateResponse{Jobs: []ActivatedJob{}}, nil
		}
		t.Stop()
	}
}

func (s *Server) activateOnce(ctx context.Context, req ActivateRequest) ([]ActivatedJob, error) {
	var out []ActivatedJob
	err := s.run(ctx, "activate", func(t *txn) error {
		out = nil
		roots, err := t.tx.LockActivatable(t.ctx, req.Type, req.MaxJobsToActivate)
		if err != nil || len(roots) == 0 {
			return err
		}
		if err := t.load(roots...); err != nil {
			return err
		}
		t.compatible()
		return t.exec(false, func(e *interp.Engine) error {
			out = out[:0]
			for _, j := range e.ActivateJobs(req.Type, req.MaxJobsToActivate, time.Duration(req.Timeout)*time.Millisecond) {
				vars, err := e.JobVariables(j.Key)
				if err != nil {
					return err
				}
				out = append(out, ActivatedJob{Key: j.Key, Type: j.Type, ProcessInstanceKey: j.Instance, ProcessID: j.ProcessID,
					ElementID: j.ElementID, Retries: j.Retries, Deadline: j.Deadline, Variables: filterVars(vars, req.FetchVariables),
					CustomHeaders: j.Headers})
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	s.metrics.jobsActivated.Add(uint64(len(out)))
	if out == nil {
		out = []ActivatedJob{}
	}
	return out, nil
}

// jobInput runs an input on the instance that holds an open job.
func (s *Server) jobInput(ctx context.Context, op string, key uint64, apply func(e *interp.Engine) error) (string, error) {
	var warning string
	err := s.run(ctx, op, func(t *txn) error {
		root, err := t.tx.JobRoot(t.ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("no open job with key %d (completed, canceled or never created)", key)
		}
		if err != nil {
			return err
		}
		if err := t.load(root); err != nil {
			return err
		}
		if t.rows[root] == nil {
			return notFound("no open job with key %d (its instance has ended)", key)
		}
		err = t.exec(true, apply)
		warning = t.warning
		return err
	})
	return warning, err
}

// CompleteRequest completes a job.
type CompleteRequest struct {
	Variables map[string]any `json:"variables,omitempty"`
}

// Complete completes an open job with variables.
func (s *Server) Complete(ctx context.Context, key uint64, req CompleteRequest) (string, error) {
	w, err := s.jobInput(ctx, "complete", key, func(e *interp.Engine) error { return e.CompleteJob(key, req.Variables) })
	if err == nil {
		s.metrics.jobsCompleted.Add(1)
	}
	return w, err
}

// FailRequest reports a failed attempt at a job.
type FailRequest struct {
	Retries      int            `json:"retries"`
	ErrorMessage string         `json:"errorMessage,omitempty"`
	RetryBackOff int64          `json:"retryBackOff,omitempty"` // ms
	Variables    map[string]any `json:"variables,omitempty"`
}

// Fail fails a job: with retries left it is activatable again (after the
// backoff), else a JOB_NO_RETRIES incident is raised.
func (s *Server) Fail(ctx context.Context, key uint64, req FailRequest) (string, error) {
	if req.RetryBackOff < 0 {
		return "", apiErr(400, "INVALID_ARGUMENT", "retryBackOff must not be negative")
	}
	w, err := s.jobInput(ctx, "fail", key, func(e *interp.Engine) error {
		return e.FailJob(key, req.Retries, time.Duration(req.RetryBackOff)*time.Millisecond, req.ErrorMessage, req.Variables)
	})
	if err == nil {
		s.metrics.jobsFailed.Add(1)
	}
	return w, err
}

// ErrorRequest throws a BPMN error from a job.
type ErrorRequest struct {
	ErrorCode    string         `json:"errorCode"`
	ErrorMessage string         `json:"errorMessage,omitempty"`
	Variables    map[string]any `json:"variables,omitempty"`
}

// ThrowError throws a BPMN error from a job's task.
func (s *Server) ThrowError(ctx context.Context, key uint64, req ErrorRequest) (string, error) {
	if req.ErrorCode == "" {
		return "", apiErr(400, "INVALID_ARGUMENT", "errorCode is required")
	}
	return s.jobInput(ctx, "error", key, func(e *interp.Engine) error {
		return e.ThrowError(key, req.ErrorCode, req.ErrorMessage, req.Variables)
	})
}

// ---- incidents ----

// IncidentInfo is an open incident.
type IncidentInfo struct {
	Key                    uint64    `json:"key"`
	Kind                   string    `json:"kind"`
	ProcessInstanceKey     uint64    `json:"processInstanceKey"`
	RootProcessInstanceKey uint64    `json:"rootProcessInstanceKey"`
	ProcessID              string    `json:"processId"`
	ElementID              string    `json:"elementId"`
	JobKey                 uint64    `json:"jobKey,omitempty"`
	Message                string    `json:"message"`
	ErrorCode              string    `json:"errorCode,omitempty"`
	At                     time.Time `json:"at"`
}

func incidentInfo(i store.Incident) IncidentInfo {
	return IncidentInfo{Key: i.Key, Kind: i.Kind, ProcessInstanceKey: i.Instance, RootProcessInstanceKey: i.Root, ProcessID: i.ProcessID,
		ElementID: i.ElementID, JobKey: i.JobKey, Message: i.Message, ErrorCode: i.ErrorCode, At: i.At}
}

// Incidents lists the open incidents (of one instance when root != 0).
func (s *Server) Incidents(ctx context.Context, root uint64) ([]IncidentInfo, error) {
	rows, err := s.db.Incidents(ctx, root)
	if err != nil {
		return nil, err
	}
	out := make([]IncidentInfo, 0, len(rows))
	for _, r := range rows {
		out = append(out, incidentInfo(r))
	}
	return out, nil
}

// ResolveRequest resolves an incident; for a job out of retries, Retries
// (> 0) gives the job new retries first.
type ResolveRequest struct {
	Retries *int `json:"retries,omitempty"`
}

// Resolve resolves an incident: the failed step runs again.
func (s *Server) Resolve(ctx context.Context, key uint64, req ResolveRequest) (string, error) {
	var warning string
	err := s.run(ctx, "resolve", func(t *txn) error {
		root, err := t.tx.IncidentRoot(t.ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("no open incident with key %d", key)
		}
		if err != nil {
			return err
		}
		if err := t.load(root); err != nil {
			return err
		}
		if t.rows[root] == nil {
			return notFound("no open incident with key %d (its instance has ended)", key)
		}
		err = t.exec(true, func(e *interp.Engine) error {
			if req.Retries != nil {
				for _, inc := range e.Incidents() {
					if inc.Key == key && inc.JobKey != 0 {
						if err := e.UpdateJobRetries(inc.JobKey, *req.Retries); err != nil {
							return err
						}
					}
				}
			}
			return e.ResolveIncident(key)
		})
		warning = t.warning
		return err
	})
	return warning, err
}

// ---- instances ----

// instanceInput runs an input on an active stored instance.
func (s *Server) instanceInput(ctx context.Context, op string, key uint64, apply func(e *interp.Engine) error) (string, error) {
	var warning string
	err := s.run(ctx, op, func(t *txn) error {
		if err := t.load(key); err != nil {
			return err
		}
		if t.rows[key] == nil {
			return s.notActive(ctx, key)
		}
		err := t.exec(true, apply)
		warning = t.warning
		return err
	})
	return warning, err
}

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
