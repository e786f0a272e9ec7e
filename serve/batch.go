package serve

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bpmnrun/bpmnrun/store"
)

// Group commit (SQLite). SQLite has one writer and pays one fsync per
// commit, so a node that committed every input on its own would be bound
// by the disk's flush rate. The batcher runs inputs one after another in
// one database transaction, each in its own savepoint, and commits when
// no more inputs are waiting (or after maxBatch): an input that fails is
// rolled back to its savepoint and answered at once; the others are
// answered after the commit. Every input is still atomic, and nothing is
// answered before it is durable. Inputs that arrive during a commit form
// the next batch, so batches grow with the load.
//
// PostgreSQL runs inputs as concurrent transactions instead, and groups
// their WAL flushes itself.

const maxBatch = 128

type batcher struct {
	s    *Server
	reqs chan *batchReq
	stop chan struct{}
	done chan struct{}
}

type batchReq struct {
	ctx  context.Context
	fn   func(t *txn) error
	done chan error
	t    *txn
}

func newBatcher(s *Server) *batcher {
	b := &batcher{s: s, reqs: make(chan *batchReq, 4*maxBatch), stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

// close stops the batcher after the batch in progress.
func (b *batcher) close() {
	close(b.stop)
	<-b.done
}

var errStopped = errors.New("server stopped")

// submit runs fn in a batch, retrying lost races like Server.run.
func (b *batcher) submit(ctx context.Context, op string, fn func(t *txn) error) error {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		req := &batchReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
		select {
		case b.reqs <- req:
		case <-ctx.Done():
			return ctx.Err()
		case <-b.stop:
			return errStopped
		}
		// Wait even if ctx ends: the batch may commit this input.
		select {
		case err = <-req.done:
		case <-b.done:
			select {
			case err = <-req.done:
			default:
				return errStopped
			}
		}
		if err == nil {
			for _, f := range req.t.after {
				f()
			}
			return nil
		}
		if !store.Retryable(err) && !errors.Is(err, errNeedKeys) {
			return err
		}
		b.s.metrics.retries.Add(1)
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("%s: gave up after %d attempts: %w", op, maxAttempts, err)
}

func (b *batcher) loop() {
	defer close(b.done)
	for {
		select {
		case <-b.stop:
			b.drain()
			return
		case req := <-b.reqs:
			b.batch(req)
		}
	}
}

// drain answers the requests still queued after stop.
func (b *batcher) drain() {
	for {
		select {
		case req := <-b.reqs:
			req.done <- errStopped
		default:
			return
		}
	}
}

// batch runs first and whatever else is queued in one transaction.
func (b *batcher) batch(first *batchReq) {
	ctx := context.Background()
	fail := func(reqs []*batchReq, err error) {
		for _, r := range reqs {
			r.done <- err
		}
	}
	if err := b.s.keys.ensure(ctx, maxBatch*sliceSize); err != nil {
		fail([]*batchReq{first}, err)
		return
	}
	tx, err := b.s.db.Begin(ctx)
	if err != nil {
		fail([]*batchReq{first}, err)
		return
	}
	var ok []*batchReq
	run := func(req *batchReq) {
		if err := req.ctx.Err(); err != nil {
			req.done <- err
			return
		}
		if err := tx.Savepoint(ctx); err != nil {
			req.done <- err
			return
		}
		t := newTxn(b.s, ctx, tx)
		if err := req.fn(t); err != nil {
			if rerr := tx.RollbackTo(ctx); rerr != nil {
				err = fmt.Errorf("%w (and rolling back: %v)", err, rerr)
			}
			req.done <- err
			return
		}
		if err := tx.Release(ctx); err != nil {
			req.done <- err
			return
		}
		req.t = t
		ok = append(ok, req)
	}
	run(first)
	for n := 1; n < maxBatch; n++ {
		select {
		case req := <-b.reqs:
			run(req)
			continue
		default:
		}
		break
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		fail(ok, err)
		return
	}
	b.s.metrics.batches.Add(1)
	for _, r := range ok {
		r.done <- nil
	}
}
