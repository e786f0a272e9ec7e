package client

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Handler does the work of one job and returns the variables to complete
// it with. Returning a *BPMNError throws that BPMN error; any other error
// fails the attempt (retries minus one, after the worker's backoff).
type Handler func(ctx context.Context, job Job) (map[string]any, error)

// BPMNError is returned by a Handler to throw a BPMN error.
type BPMNError struct {
	Code    string
	Message string
}

func (e *BPMNError) Error() string { return "BPMN error " + e.Code + ": " + e.Message }

// Worker runs a Handler for the jobs of one type.
type Worker struct {
	Type        string
	Name        string
	Concurrency int           // jobs handled at once (default 1)
	Timeout     time.Duration // job lock (default 1 minute)
	Poll        time.Duration // long-polling request timeout (default 10 s)
	Backoff     time.Duration // retry backoff after a failed attempt (default 1 s)
	// OnError, when set, is told about errors of the API calls (they are
	// retried after a short pause).
	OnError func(error)
}

// Run activates jobs and handles them until ctx ends. The jobs activated
// when ctx ends are left to their lock timeout.
func (w Worker) Run(ctx context.Context, c *Client, h Handler) error {
	conc := max(w.Concurrency, 1)
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	poll := w.Poll
	if poll <= 0 {
		poll = 10 * time.Second
	}
	backoff := w.Backoff
	if backoff <= 0 {
		backoff = time.Second
	}
	slots := make(chan struct{}, conc)
	var wg sync.WaitGroup
	defer wg.Wait()
	for ctx.Err() == nil {
		slots <- struct{}{}
		free := 1
		for len(slots) < cap(slots) {
			slots <- struct{}{}
			free++
		}
		jobs, err := c.Activate(ctx, ActivateRequest{Type: w.Type, Worker: w.Name, MaxJobs: free, Timeout: timeout, RequestTimeout: poll})
		for i := len(jobs); i < free; i++ {
			<-slots
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			w.report(err)
			pause(ctx, 100*time.Millisecond)
			continue
		}
		for _, j := range jobs {
			wg.Add(1)
			go func(j Job) {
				defer wg.Done()
				defer func() { <-slots }()
				w.handle(ctx, c, h, j, backoff)
			}(j)
		}
	}
	return nil
}

func (w Worker) handle(ctx context.Context, c *Client, h Handler, j Job, backoff time.Duration) {
	vars, err := h(ctx, j)
	if ctx.Err() != nil {
		return
	}
	var be *BPMNError
	switch {
	case err == nil:
		err = c.Complete(ctx, j.Key, vars)
	case errors.As(err, &be):
		err = c.ThrowError(ctx, j.Key, be.Code, be.Message, vars)
	default:
		err = c.Fail(ctx, j.Key, FailRequest{Retries: j.Retries - 1, ErrorMessage: err.Error(), RetryBackOff: backoff})
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		w.report(err)
	}
}

func (w Worker) report(err error) {
	if w.OnError != nil {
		w.OnError(err)
	}
}

func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
