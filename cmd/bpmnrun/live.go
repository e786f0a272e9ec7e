package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/live"
	"github.com/bpmnrun/bpmnrun/scenario"
	"github.com/spf13/cobra"
)

// liveFlags are the flags of bpmnrun run --live.
type liveFlags struct {
	on           bool
	workers      []string
	config       string
	listen       string
	jobTimeout   isoDuration
	retryBackoff isoDuration
	server       string
	token        string
}

func (l *liveFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&l.on, "live", false, "run on the real clock, jobs done by real workers (--worker, --config)")
	fl.StringArrayVar(&l.workers, "worker", nil, "with --live: TYPE=COMMAND or TYPE=URL, the worker of a job type (repeatable)")
	fl.StringVar(&l.config, "config", "", "with --live: a workers file (see docs/cli.md)")
	fl.StringVar(&l.listen, "listen", "", "with --live: accept POST /messages on this address, e.g. 127.0.0.1:8089")
	fl.Var(&l.jobTimeout, "job-timeout", "with --live: time limit of one job attempt, ISO 8601 (default PT30S)")
	fl.Var(&l.retryBackoff, "retry-backoff", "with --live: wait before a failed job is tried again, ISO 8601 (default PT1S)")
	fl.StringVar(&l.server, "server", "", "with --live: run on this bpmnrun serve, e.g. http://127.0.0.1:8080, instead of in-process")
	fl.StringVar(&l.token, "token", "", "with --live --server: bearer token of the server (default $BPMNRUN_TOKEN)")
}

// used reports the live-only flags given, for a usage error without --live.
func (l *liveFlags) used() []string {
	var out []string
	for name, set := range map[string]bool{"--worker": len(l.workers) > 0, "--config": l.config != "", "--listen": l.listen != "",
		"--job-timeout": l.jobTimeout.set, "--retry-backoff": l.retryBackoff.set, "--server": l.server != "", "--token": l.token != ""} {
		if set {
			out = append(out, name)
		}
	}
	return out
}

// liveConfig is the configuration of a live run: the workers file, then
// the flags.
func liveConfig(l liveFlags) (*live.Config, map[string]live.Worker, error) {
	cfg := &live.Config{Workers: map[string]string{}}
	if l.config != "" {
		c, err := live.LoadConfig(l.config)
		var pe *os.PathError
		switch {
		case errors.As(err, &pe):
			return nil, nil, &fileError{file: l.config, err: err}
		case err != nil:
			return nil, nil, &exitError{code: exitFailure, err: err}
		}
		cfg = c
	}
	workers := map[string]live.Worker{}
	for t, spec := range cfg.Workers {
		workers[t] = live.NewWorker(spec, cfg.Dir)
	}
	for _, w := range l.workers {
		t, spec, err := parseWorkerFlag(w)
		if err != nil {
			return nil, nil, usageError("%v", err)
		}
		cfg.Workers[t] = spec
		workers[t] = live.NewWorker(spec, "")
	}
	if l.listen != "" {
		cfg.Listen = l.listen
	}
	if l.jobTimeout.set {
		cfg.JobTimeout = exact(l.jobTimeout)
	}
	if l.retryBackoff.set {
		cfg.RetryBackoff = exact(l.retryBackoff)
	}
	return cfg, workers, nil
}

func exact(d isoDuration) time.Duration {
	return time.Duration(d.d.Days)*24*time.Hour + d.d.Time + time.Duration(d.d.Months)*30*24*time.Hour
}

// runLive is bpmnrun run --live: the instance runs on the real clock, its
// jobs done by workers, until it ends, nothing can happen any more, or
// SIGINT (Ctrl-C) or SIGTERM.
func runLive(cmd *cobra.Command, model string, f runFlags, vars map[string]any) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if f.scenario != "" || f.advance.set || f.format == formatJSON {
		return usageError("--live does not go with --scenario, --advance or --format json")
	}
	if f.live.server != "" {
		return runLiveServer(cmd, model, f, vars)
	}
	if f.live.token != "" {
		return usageError("--token only goes with --server")
	}
	defs, err := loadModel(stderr, model)
	if err != nil {
		return err
	}
	prog, err := interp.Compile(defs)
	if err != nil {
		return &exitError{code: exitFailure, err: &fileError{file: model, err: err}}
	}
	pid, err := startProcess(defs, f.process)
	if err != nil {
		return &exitError{code: exitFailure, err: &fileError{file: model, err: err}}
	}
	cfg, workers, err := liveConfig(f.live)
	if err != nil {
		return err
	}
	var d *live.Driver
	opts := live.Options{Workers: workers, JobTimeout: cfg.JobTimeout, RetryBackoff: cfg.RetryBackoff, MaxInFlight: cfg.MaxInFlight,
		Listening: cfg.Listen != "",
		Trace:     func(ev interp.TraceEvent) { fmt.Fprintln(stdout, ev.Format(d.Start())) },
		Note:      func(s string) { fmt.Fprintf(stderr, "note: %s\n", s) }}
	if d, err = live.New(prog, opts); err != nil {
		return &exitError{code: exitFailure, err: &fileError{file: model, err: err}}
	}
	fmt.Fprintf(stderr, "note: live: workers: %s\n", orNone(describeWorkers(cfg.Workers)))
	stopServer, err := serveMessages(stderr, d, cfg.Listen)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := d.Run(ctx, pid, vars)
	stopServer()
	if err != nil {
		return &exitError{code: exitFailure, err: &fileError{file: model, err: err}}
	}
	if err := writeLiveSummary(stdout, d, defs, sum); err != nil {
		return err
	}
	if sum.End == nil || sum.End.State == interp.Canceled {
		return silentExit(exitFailure)
	}
	return nil
}

// parseWorkerFlag parses TYPE=COMMAND or TYPE=URL.
func parseWorkerFlag(s string) (jobType, spec string, err error) {
	jobType, spec, ok := strings.Cut(s, "=")
	if !ok || jobType == "" || spec == "" {
		return "", "", fmt.Errorf("--worker %q: want TYPE=COMMAND or TYPE=URL", s)
	}
	return jobType, spec, nil
}

// describeWorkers lists workers sorted by job type as "TYPE: SPEC, ...".
func describeWorkers(specs map[string]string) string {
	types := slices.Sorted(maps.Keys(specs))
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = t + ": " + specs[t]
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// startProcess returns the process to start: the given one, or the
// model's only process with a none start event.
func startProcess(defs *bpmn.Definitions, pid string) (string, error) {
	var ids, startable []string
	for _, p := range defs.Processes {
		ids = append(ids, p.ID)
		for _, n := range p.Nodes {
			if n.Kind == bpmn.StartEvent && n.EventType() == bpmn.NoneEvent {
				startable = append(startable, p.ID)
				break
			}
		}
	}
	switch {
	case pid != "" && defs.Process(pid) == nil:
		return "", fmt.Errorf("the model has no process %q (processes: %s)", pid, strings.Join(ids, ", "))
	case pid != "":
		return pid, nil
	case len(startable) == 1:
		return startable[0], nil
	case len(startable) == 0:
		return "", errors.New("the model has no process with a none start event")
	}
	return "", fmt.Errorf("the model has several processes to start (%s): name one with --process", strings.Join(startable, ", "))
}

// serveMessages serves POST /messages on addr while the run lasts; the
// returned function stops the server. Without addr it does nothing.
func serveMessages(stderr io.Writer, d *live.Driver, addr string) (func(), error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &exitError{code: exitIO, err: fmt.Errorf("--listen %s: %w", addr, err)}
	}
	srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(stderr, "note: listening on http://%s/messages\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// writeLiveSummary says how the run stopped, what was in flight, and the
// state of the instance.
func writeLiveSummary(w io.Writer, d *live.Driver, defs *bpmn.Definitions, sum *live.Summary) error {
	var b strings.Builder
	b.WriteByte('\n')
	switch {
	case sum.Interrupted:
		b.WriteString("interrupted\n")
	case sum.Stuck && sum.End == nil:
		b.WriteString("stopped: nothing can happen any more (a job no worker takes, an incident, a message to publish without --listen)\n")
	}
	for _, f := range sum.InFlight {
		fmt.Fprintf(&b, "in flight: %s (job %d, type %s, for %s)\n", f.Job.ElementID, f.Job.Key, f.Job.Type, sum.Stopped.Sub(f.Since).Round(time.Millisecond))
	}
	eng := d.Engine()
	res := &scenario.Result{}
	ir := scenario.InstanceResult{Name: "1", Key: sum.Instance}
	if sum.End != nil {
		ir.ProcessID, ir.State, ir.EndEvent, ir.Variables = sum.End.ProcessID, sum.End.State, sum.End.EndEvent, sum.End.Variables
	} else {
		ir.ProcessID, _ = eng.InstanceProcess(sum.Instance)
		ir.Variables, _ = eng.Variables(sum.Instance)
		ir.Waits = scenario.Waits(eng, defs, func(uint64) bool { return true })
		ir.Incidents = eng.Incidents()
	}
	res.Instances = []scenario.InstanceResult{ir}
	writeInstances(&b, res)
	_, err := io.WriteString(w, b.String())
	return err
}
