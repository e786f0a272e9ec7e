package serve

import (
	"context"
	"errors"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// Jobs: activation (long polling), completion, failure, BPMN errors.

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
		ch, done := s.hub.jobWait(req.Type)
		jobs, err := s.activateOnce(ctx, req)
		left := time.Until(deadline)
		if err != nil || len(jobs) > 0 || left <= 0 {
			done()
			if jobs == nil {
				jobs = []ActivatedJob{}
			}
			return ActivateResponse{Jobs: jobs}, err
		}
		t := time.NewTimer(min(left, s.opts.Poll))
		stop := false
		select {
		case <-ch:
		case <-t.C:
		case <-ctx.Done():
			stop = true
		case <-s.quit:
			stop = true
		}
		t.Stop()
		done()
		if stop {
			return ActivateResponse{Jobs: []ActivatedJob{}}, nil
		}
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
		r, err := t.tx.LoadJobInstance(t.ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("no open job with key %d (completed, canceled or never created)", key)
		}
		if err != nil {
			return err
		}
		if err := t.adopt(r); err != nil {
			return err
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
