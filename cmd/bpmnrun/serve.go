package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/bpmnrun/bpmnrun/serve"
	"github.com/bpmnrun/bpmnrun/store"
	"github.com/spf13/cobra"
)

// serveFlags are the flags of bpmnrun serve.
type serveFlags struct {
	db      string
	listen  string
	models  string
	token   string
	trace   bool
	maxBody int64
	poll    time.Duration
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a durable engine server: job workers over HTTP, state in SQLite or PostgreSQL",
		Long: `serve runs process instances durably behind an HTTP/JSON API (serve/openapi.yaml):
deploy models, start instances (optionally waiting for their end), publish
messages, activate and complete jobs from workers, resolve incidents.

Every input is one database transaction; timers fire on the real clock from
the database, also after a restart. --db sqlite:FILE (the default,
sqlite:bpmnrun.db) runs one node; --db postgres://... lets several serve
processes share one database and its work.

The server listens on loopback unless told otherwise; any other address
needs --token (or $BPMNRUN_TOKEN): clients then send "Authorization: Bearer
TOKEN". It stops on SIGINT or SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), f, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.db, "db", "sqlite:bpmnrun.db", "store: sqlite:FILE[?sync=normal] or postgres://USER@HOST:PORT/DB")
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to listen on (non-loopback addresses need --token)")
	fl.StringVar(&f.models, "models", "", "deploy every .bpmn file of this directory at startup (unchanged files are not redeployed)")
	fl.StringVar(&f.token, "token", "", "require this bearer token (default $BPMNRUN_TOKEN)")
	fl.BoolVar(&f.trace, "trace", true, "store the engine trace of every instance (GET /v1/process-instances/KEY?trace=true)")
	fl.Int64Var(&f.maxBody, "max-body", 4<<20, "largest request body accepted, in bytes")
	fl.DurationVar(&f.poll, "poll", time.Second, "how often waits look at the database for work of other nodes")
	return cmd
}

func runServe(ctx context.Context, f serveFlags, stderr io.Writer) error {
	if f.token == "" {
		f.token = os.Getenv("BPMNRUN_TOKEN")
	}
	if !strings.HasPrefix(f.db, "sqlite:") && !strings.HasPrefix(f.db, "postgres://") && !strings.HasPrefix(f.db, "postgresql://") {
		return usageError("--db %q: want sqlite:FILE or postgres://...", f.db)
	}
	loop, err := isLoopback(f.listen)
	if err != nil {
		return usageError("--listen %q: %v", f.listen, err)
	}
	if !loop && f.token == "" {
		return usageError("--listen %s is not a loopback address: set --token (or $BPMNRUN_TOKEN) so that clients must authenticate", f.listen)
	}
	if f.maxBody <= 0 || f.poll <= 0 {
		return usageError("--max-body and --poll must be positive")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	db, err := store.Open(ctx, f.db)
	if err != nil {
		return &exitError{code: exitIO, err: fmt.Errorf("opening %s: %w", redact(f.db), err)}
	}
	defer db.Close()
	srv, err := serve.New(ctx, serve.Options{DB: db, Log: stderr, Token: f.token, MaxBody: f.maxBody, Trace: f.trace, Poll: f.poll})
	if err != nil {
		return &exitError{code: exitIO, err: err}
	}
	if f.models != "" {
		if err := deployDir(ctx, srv, f.models, stderr); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return &exitError{code: exitIO, err: err}
	}
	// No WriteTimeout: long polls and awaited starts answer late by design.
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stderr, "bpmnrun serve: listening on http://%s (store %s)\n", ln.Addr(), redact(f.db))

	runCtx, cancelRun := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- srv.Run(runCtx) }()
	httpDone := make(chan error, 1)
	go func() { httpDone <- hs.Serve(ln) }()

	select {
	case <-ctx.Done():
	case err = <-httpDone:
	}
	cancelRun() // stops the timers and ends long polls
	<-runDone
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hs.Shutdown(shutdown)
	srv.Close()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return &exitError{code: exitIO, err: err}
	}
	fmt.Fprintln(stderr, "bpmnrun serve: stopped")
	return nil
}

// deployDir deploys the .bpmn files of dir in name order.
func deployDir(ctx context.Context, srv *serve.Server, dir string, stderr io.Writer) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.bpmn"))
	if err != nil {
		return usageError("--models %q: %v", dir, err)
	}
	if st, err := os.Stat(dir); err != nil {
		return &fileError{file: dir, err: err}
	} else if !st.IsDir() {
		return usageError("--models %s: not a directory", dir)
	}
	sort.Strings(files)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return &fileError{file: file, err: err}
		}
		resp, err := srv.Deploy(ctx, filepath.Base(file), data)
		var ae *serve.Error
		if errors.As(err, &ae) {
			for _, d := range ae.Details {
				fmt.Fprintf(stderr, "bpmnrun: %s\n", d)
			}
			return &exitError{code: exitFailure, err: &fileError{file: file, err: errors.New(ae.Message)}}
		}
		if err != nil {
			return &exitError{code: exitIO, err: err}
		}
		if resp.Duplicate {
			fmt.Fprintf(stderr, "bpmnrun serve: %s already deployed (deployment %d)\n", file, resp.Key)
		}
	}
	return nil
}

// isLoopback reports whether a listen address binds only to loopback.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// redact hides the password of a database URL.
func redact(db string) string {
	if i := strings.Index(db, "://"); i >= 0 {
		rest := db[i+3:]
		if at := strings.Index(rest, "@"); at >= 0 {
			if c := strings.Index(rest[:at], ":"); c >= 0 {
				return db[:i+3] + rest[:c] + ":xxx" + rest[at:]
			}
		}
	}
	return db
}
