package serve

import (
	"context"
	"sync"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
)

// The timer loop fires timers on the real clock. Due times live in the
// store (instances.next_due, the earliest timer of each instance, and the
// global row of timer start events), so timers survive restarts and any
// node may fire them: LockDue takes due instances with FOR UPDATE SKIP
// LOCKED, so two nodes never fire the same timer, and a timer fires in the
// same transaction that writes its effects, so it fires exactly once.

const timerBatch = 32 // instances advanced in one transaction

type timerLoop struct {
	s       *Server
	wake    chan struct{}
	mu      sync.Mutex
	planned time.Time // when the loop looks next
	// failing holds instances whose timers could not be fired (a broken
	// snapshot, say), left alone until the time given, so that one of them
	// does not hold up the timers of all others. Used by run only.
	failing map[uint64]time.Time
}

func newTimerLoop(s *Server) *timerLoop {
	return &timerLoop{s: s, wake: make(chan struct{}, 1), failing: map[uint64]time.Time{}}
}

// hint tells the loop that something is due at t (the zero time: look now).
func (l *timerLoop) hint(t time.Time) {
	l.mu.Lock()
	p := l.planned
	l.mu.Unlock()
	if t.IsZero() || p.IsZero() || t.Before(p) {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

func (l *timerLoop) run(ctx context.Context) error {
	s := l.s
	var lastCleanup time.Time
	for ctx.Err() == nil {
		progress := false
		for ctx.Err() == nil {
			n, err := l.fire(ctx, timerBatch)
			if err != nil {
				break
			}
			progress = progress || n > 0
			if n < timerBatch {
				break
			}
		}
		now := s.now()
		if now.Sub(lastCleanup) > 10*time.Second {
			lastCleanup = now
			if _, err := s.db.DeleteExpiredMessages(ctx, now); err != nil && ctx.Err() == nil {
				s.logf("timers: deleting expired messages: %v", err)
			}
		}
		wait := s.opts.Poll
		if next, ok, err := s.db.NextDue(ctx); err == nil && ok {
			wait = min(wait, next.Sub(s.now()))
		}
		if wait < 10*time.Millisecond && !progress {
			wait = 10 * time.Millisecond // due but taken by another node, or failing: do not spin
		}
		l.mu.Lock()
		l.planned = s.now().Add(wait)
		l.mu.Unlock()
		if wait <= 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-l.wake:
		case <-t.C:
		}
		t.Stop()
	}
	return nil
}

// fire fires due timers of up to limit instances. When that fails, it
// fires them one instance at a time, and sets aside for a minute (with a
// log line) an instance that fails on its own.
func (l *timerLoop) fire(ctx context.Context, limit int) (int, error) {
	s := l.s
	now := s.now()
	var except []uint64
	for k, until := range l.failing {
		if now.After(until) {
			delete(l.failing, k)
		} else {
			except = append(except, k)
		}
	}
	n, _, err := s.fireDue(ctx, limit, except)
	if err == nil || ctx.Err() != nil {
		return n, err
	}
	fired := 0
	for range limit {
		n, keys, err := s.fireDue(ctx, 1, except)
		if err != nil {
			if ctx.Err() != nil {
				return fired, err
			}
			if len(keys) == 0 {
				s.logf("timers: %v", err)
				return fired, err
			}
			s.logf("timers: instance %d: %v (set aside for a minute)", keys[0], err)
			l.failing[keys[0]] = now.Add(time.Minute)
			except = append(except, keys[0])
			continue
		}
		if n == 0 {
			break
		}
		fired += n
	}
	return fired, nil
}

// fireDue advances the instances (and timer start events) that are due,
// at most limit instances except those given, and returns how many it
// advanced and which instances it tried.
func (s *Server) fireDue(ctx context.Context, limit int, except []uint64) (int, []uint64, error) {
	if err := s.syncRegistry(ctx); err != nil {
		return 0, nil, err
	}
	var (
		n    int
		keys []uint64
	)
	err := s.run(ctx, "timers", func(t *txn) error {
		n, keys = 0, nil
		roots, err := t.tx.LockDue(t.ctx, t.now, limit, except...)
		keys = roots
		if err != nil {
			return err
		}
		global, err := t.tx.LockDueGlobal(t.ctx, globalStartTimers, t.now)
		if err != nil {
			return err
		}
		if len(roots) == 0 && !global {
			return nil
		}
		if global {
			if err := t.loadGlobals(); err != nil {
				return err
			}
		}
		if err := t.load(roots...); err != nil {
			return err
		}
		t.compatible()
		n = len(t.rows)
		if global {
			n++
		}
		s.metrics.timerBatches.Add(1)
		return t.exec(true, func(*interp.Engine) error { return nil })
	})
	return n, keys, err
}
