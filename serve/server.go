package serve

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bpmnrun/bpmnrun/store"
)

// Options configure a Server.
type Options struct {
	// DB is the store (required). The server does not close it.
	DB *store.DB
	// Now is the wall clock (default time.Now). Tests inject their own.
	Now func() time.Time
	// Log receives one line per notable event (startup, deploys, timer
	// loop errors). Nil discards.
	Log io.Writer
	// Token, when set, is required as "Authorization: Bearer TOKEN" on
	// every request except GET /healthz.
	Token string
	// MaxBody bounds request bodies (default 4 MiB); larger ones get 413.
	MaxBody int64
	// Trace stores the engine trace of every input, for GET
	// /v1/process-instances/{key}?trace=true.
	Trace bool
	// Poll is how often waits (long-polling job activation, awaited
	// instances, the timer loop) look at the store for work done by other
	// nodes, in case a notification was missed (default 1s).
	Poll time.Duration
}

// Server is a durable engine server: an HTTP API over a store.
type Server struct {
	opts    Options
	db      *store.DB
	reg     *registry
	keys    *keyPool
	hub     *hub
	timers  *timerLoop
	metrics *metrics
	batch   *batcher // SQLite: group commit
	// regStale asks syncRegistry to read deployments (PostgreSQL).
	regStale atomic.Bool
	quit     chan struct{} // closed when the server stops: long polls end
	quitOnce sync.Once
	logMu    sync.Mutex
}

// New returns a server over the store of opts, with the deployments read.
func New(ctx context.Context, opts Options) (*Server, error) {
	if opts.DB == nil {
		return nil, fmt.Errorf("serve: no store")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 4 << 20
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	s := &Server{opts: opts, db: opts.DB, reg: newRegistry(), keys: &keyPool{db: opts.DB}, hub: newHub(), metrics: newMetrics(), quit: make(chan struct{})}
	s.timers = newTimerLoop(s)
	if err := s.reg.refresh(ctx, s.db); err != nil {
		return nil, err
	}
	if s.db.Kind() == store.SQLite {
		s.batch = newBatcher(s)
	}
	s.regStale.Store(true)
	return s, nil
}

// Close stops the server's background work (after Run and the HTTP server
// have stopped). It does not close the store.
func (s *Server) Close() {
	s.stopWaits()
	if s.batch != nil {
		s.batch.close()
		s.batch = nil
	}
}

func (s *Server) now() time.Time { return s.opts.Now().UTC() }

func (s *Server) logf(format string, args ...any) {
	if s.opts.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.opts.Log, "%s "+format+"\n", append([]any{s.now().Format(time.RFC3339)}, args...)...)
}

// stopWaits ends the long polls and awaited starts in progress.
func (s *Server) stopWaits() { s.quitOnce.Do(func() { close(s.quit) }) }

// Run fires timers on the real clock and, on PostgreSQL, listens for the
// notifications of other nodes, until ctx ends. Then it ends the waiting
// requests (long polls answer with no jobs) so that the HTTP server can
// shut down.
func (s *Server) Run(ctx context.Context) error {
	defer s.stopWaits()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.db.Listen(ctx, s.onNotify)
	}()
	err := s.timers.run(ctx)
	wg.Wait()
	return err
}

// onNotify handles a notification from another node (or "" after the
// listener reconnected: anything may have been missed).
func (s *Server) onNotify(payload string) {
	switch {
	case payload == "deploy":
		s.regStale.Store(true)
	case payload == "":
		s.regStale.Store(true)
		s.hub.all()
		s.timers.hint(time.Time{})
	case strings.HasPrefix(payload, "job:"): // job:N:TYPE
		if n, typ, ok := strings.Cut(payload[4:], ":"); ok {
			k, _ := strconv.Atoi(n)
			s.hub.jobReady(typ, max(k, 1))
		}
	case len(payload) > 4 && payload[:4] == "end:":
		var k uint64
		if _, err := fmt.Sscan(payload[4:], &k); err == nil {
			s.hub.ended(k)
		}
	case payload == "due":
		s.timers.hint(time.Time{})
	}
}

// Handler returns the HTTP API (see openapi.yaml).
func (s *Server) Handler() http.Handler { return s.routes() }
