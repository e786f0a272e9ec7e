package serve

import (
	"context"
	"errors"
	"sync"

	"github.com/bpmnrun/bpmnrun/store"
)

// Keys (of instances, element instances, jobs, incidents, messages) and
// engine sequence numbers must be unique across all nodes sharing a
// database. Each node reserves blocks of keys from the store in a
// transaction of their own; each input takes a slice of the node's block
// (inputs run concurrently), sets the engine's key counter to its start,
// and checks afterwards that the engine stayed inside it.

const (
	blockSize = 1 << 16 // keys reserved from the store at a time
	sliceSize = 256     // keys given to one input first
)

// errNeedKeys asks the caller to reserve more keys and run the input again.
var errNeedKeys = errors.New("input needs more keys than reserved")

type keyPool struct {
	mu        sync.Mutex
	db        *store.DB
	next, end uint64 // free keys: (next, end]
	want      uint64 // reserve at least this many next time
}

// ensure reserves a new block when fewer than n keys are left. It runs
// outside any input transaction (a reservation must commit on its own, or
// two nodes could get the same block).
func (p *keyPool) ensure(ctx context.Context, n uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	n = max(n, p.want)
	if p.end-p.next >= n {
		return nil
	}
	size := max(uint64(blockSize), 2*n)
	first, err := p.db.ReserveKeys(ctx, size)
	if err != nil {
		return err
	}
	p.next, p.end, p.want = first, first+size, 0
	return nil
}

// take returns the start of a slice of n keys: the engine may use keys
// base+1 .. base+n.
func (p *keyPool) take(n uint64) (uint64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.end-p.next < n {
		p.want = max(p.want, n)
		return 0, errNeedKeys
	}
	base := p.next
	p.next += n
	return base, nil
}

// giveBack returns the unused end of a slice (base, base+n] of which
// the keys up to used were used, when no later slice was taken.
func (p *keyPool) giveBack(base, n, used uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next == base+n && used >= base && used <= base+n {
		p.next = used
	}
}
