package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/bpmnrun/bpmnrun/client"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/live"
	"github.com/spf13/cobra"
)

// serverPoll is how often run --live --server reads the instance.
const serverPoll = 100 * time.Millisecond

// runLiveServer is bpmnrun run --live --server: MODEL is deployed to a
// running bpmnrun serve, one instance started there, and its jobs done by
// the --worker bindings through client.Worker, one per job type, until
// the instance ends, has an incident, or SIGINT (Ctrl-C) or SIGTERM.
func runLiveServer(cmd *cobra.Command, model string, f runFlags, vars map[string]any) error {
	stdout, stderr := &lockedWriter{w: cmd.OutOrStdout()}, &lockedWriter{w: cmd.ErrOrStderr()}
	if f.live.listen != "" {
		return usageError("--listen does not go with --server: publish messages to the server (POST /v1/messages)")
	}
	defs, err := loadModel(stderr, model)
	if err != nil {
		return err
	}
	pid, err := startProcess(defs, f.process)
	if err != nil {
		return &exitError{code: exitFailure, err: &fileError{file: model, err: err}}
	}
	cfg, workers, err := liveConfig(f.live)
	if err != nil {
		return err
	}
	if cfg.Listen != "" {
		return usageError("listen (in %s) does not go with --server: publish messages to the server (POST /v1/messages)", f.live.config)
	}
	xml, err := os.ReadFile(model)
	if err != nil {
		return &fileError{file: model, err: err}
	}
	token := f.live.token
	if token == "" {
		token = os.Getenv("BPMNRUN_TOKEN")
	}
	var opts []client.Option
	if token != "" {
		opts = append(opts, client.WithToken(token))
	}
	c := client.New(f.live.server, opts...)
	serverErr := func(what string, err error) error {
		return &exitError{code: exitFailure, err: fmt.Errorf("--server %s: %s: %w", f.live.server, what, err)}
	}

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dep, err := c.Deploy(ctx, filepath.Base(model), xml)
	if err != nil {
		return serverErr("deploying "+model, err)
	}
	inst, err := c.Start(ctx, client.StartRequest{ProcessID: pid, Variables: vars})
	if err != nil {
		return serverErr("starting "+pid, err)
	}
	start, key := time.Now(), inst.Key
	fmt.Fprintf(stderr, "note: live: server %s, deployment %d, instance %d of %s\n", f.live.server, dep.Key, key, pid)
	fmt.Fprintf(stderr, "note: live: workers: %s\n", orNone(describeWorkers(cfg.Workers)))

	jobTimeout, backoff, conc := cfg.JobTimeout, cfg.RetryBackoff, cfg.MaxInFlight
	if jobTimeout <= 0 {
		jobTimeout = 30 * time.Second
	}
	if backoff <= 0 {
		backoff = time.Second
	}
	if conc <= 0 {
		conc = 16
	}
	wctx, stopWorkers := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, typ := range slices.Sorted(maps.Keys(workers)) {
		w := workers[typ]
		cw := client.Worker{Type: typ, Name: "bpmnrun-run", Concurrency: conc, Timeout: jobTimeout + 10*time.Second,
			Poll: 5 * time.Second, Backoff: backoff,
			OnError: func(err error) { fmt.Fprintf(stderr, "note: worker %s: %v\n", typ, err) }}
		h := serverHandler(w, key, start, jobTimeout, backoff, stdout, stderr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cw.Run(wctx, c, h)
		}()
	}

	end, err := pollInstance(ctx, c, key, stderr)
	stopWorkers()
	wg.Wait()
	if err != nil {
		return serverErr(fmt.Sprintf("reading instance %d", key), err)
	}
	if err := writeServerSummary(stdout, end); err != nil {
		return err
	}
	if end.State != "completed" || len(end.Incidents) > 0 {
		return silentExit(exitFailure)
	}
	return nil
}

// serverHandler runs a live worker for the jobs client.Worker activates:
// the same shell and HTTP semantics as an in-process live run. Each job
// handled is printed with the time since start.
func serverHandler(w live.Worker, instance uint64, start time.Time, jobTimeout, backoff time.Duration, stdout, stderr io.Writer) client.Handler {
	return func(ctx context.Context, j client.Job) (map[string]any, error) {
		jctx, cancel := context.WithTimeout(ctx, jobTimeout)
		defer cancel()
		ij := interp.Job{Key: j.Key, Type: j.Type, ElementID: j.ElementID, ProcessID: j.ProcessID, Instance: j.ProcessInstanceKey,
			Root: j.ProcessInstanceKey, Retries: j.Retries, Headers: j.CustomHeaders}
		out := w.Work(jctx, live.Job{Job: ij, Variables: j.Variables})
		if ctx.Err() != nil {
			return nil, ctx.Err() // the run stops: client.Worker leaves the job to its lock timeout
		}
		where := fmt.Sprintf("%s job %d at %s (%s)", offset(start, time.Now()), j.Key, j.ElementID, j.Type)
		if j.ProcessInstanceKey != instance {
			where += fmt.Sprintf(" of instance %d", j.ProcessInstanceKey)
		}
		switch {
		case out.Err != nil:
			fmt.Fprintf(stderr, "note: %s\n", live.FailedNote(ij, out.Err, backoff))
			return nil, out.Err
		case out.ErrorCode != "":
			fmt.Fprintf(stdout, "%s: error %s %s\n", where, out.ErrorCode, jsonText(out.Variables))
			return out.Variables, &client.BPMNError{Code: out.ErrorCode, Message: out.ErrorMessage}
		}
		fmt.Fprintf(stdout, "%s: completed %s\n", where, jsonText(out.Variables))
		return out.Variables, nil
	}
}

// serverEnd is how the instance of a run on a server stopped.
type serverEnd struct {
	client.Instance
	interrupted bool
}

// pollInstance reads the instance until it is no longer active, has an
// incident, or ctx ends. Errors other than "not found" and "unauthorized"
// are retried for a while: the server may be restarting.
func pollInstance(ctx context.Context, c *client.Client, key uint64, stderr io.Writer) (*serverEnd, error) {
	const maxErrors = 50
	tick := time.NewTicker(serverPoll)
	defer tick.Stop()
	errs := 0
	for {
		inst, err := c.Instance(ctx, key, false)
		switch {
		case ctx.Err() != nil:
			rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			last, err := c.Instance(rctx, key, false)
			if err != nil {
				last = client.Instance{Key: key, State: "active"}
			}
			return &serverEnd{Instance: last, interrupted: true}, nil
		case errors.Is(err, client.ErrNotFound), errors.Is(err, client.ErrUnauthorized):
			return nil, err
		case err != nil:
			if errs++; errs >= maxErrors {
				return nil, err
			}
			if errs == 1 {
				fmt.Fprintf(stderr, "note: reading instance %d: %v (retrying)\n", key, err)
			}
		case inst.State != "active" || len(inst.Incidents) > 0:
			return &serverEnd{Instance: inst}, nil
		default:
			errs = 0
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
}

// writeServerSummary says how the run stopped and the state of the
// instance, as a local live run does.
func writeServerSummary(w io.Writer, end *serverEnd) error {
	var b strings.Builder
	b.WriteByte('\n')
	switch {
	case end.interrupted:
		b.WriteString("interrupted (the instance stays on the server)\n")
	case end.State == "active":
		b.WriteString("stopped: the instance has an incident (resolve it on the server)\n")
	}
	fmt.Fprintf(&b, "#%d %s: %s", end.Key, end.ProcessID, end.State)
	if end.EndEvent != "" {
		fmt.Fprintf(&b, " at %s", end.EndEvent)
	}
	b.WriteByte('\n')
	for _, j := range end.Jobs {
		fmt.Fprintf(&b, "waiting: %s (job %q, %s)\n", j.ElementID, j.Type, j.State)
	}
	for _, inc := range end.Incidents {
		fmt.Fprintf(&b, "incident: %s at %s: %s\n", inc.Kind, inc.ElementID, inc.Message)
	}
	fmt.Fprintf(&b, "variables: %s\n", jsonText(end.Variables))
	_, err := io.WriteString(w, b.String())
	return err
}

// lockedWriter serializes the writes of workers running concurrently.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
