package serve

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/bpmnrun/bpmnrun/store"
)

// Keys (of instances, element instances, jobs, incidents, messages) and
// engine sequence numbers must be unique across all nodes sharing a
// database. Each node reserves blocks of keys from the store in a
// transaction of their own; each input takes a slice of the node's block
// (inputs run concurrently), sets the engine's key counter to its start,
// and checks afterwards that the engine stayed inside it.
//
// interp.Restore raises the counters past every key it restores. When an
// input restores an instance written by another node from a higher block,
// the engine would hand out keys of that block: the input then asks for a
// block above that key (needAbove) and runs again. Two nodes that work on
// each other's instances thus leap over each other's blocks; the store's
// counter, above every key ever handed out, guarantees a fresh block is
// above any key seen.

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
	floor     uint64 // the next block must start above this key
	blocks    atomic.Uint64
}

// ensure reserves a new block when fewer than n keys are left. It runs
// outside any input transaction (a reservation must commit on its own, or
// two nodes could get the same block).
func (p *keyPool) ensure(ctx context.Context, n uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	n = max(n, p.want)
	if p.end-p.next >= n && p.next >= p.floor {
		return nil
	}
	size := max(uint64(blockSize), 2*n)
	first, err := p.db.ReserveKeys(ctx, size)
	if err != nil {
		return err
	}
	if first < p.floor {
		// Cannot happen: the store's counter is above every key handed
		// out, and floor is such a key.
		return fmt.Errorf("reserved keys from %d, below key %d seen in the store", first, p.floor)
	}
	p.next, p.end, p.want, p.floor = first, first+size, 0, 0
	p.blocks.Add(1)
	return nil
}

// needAbove asks the next ensure for a block above key: an input restored
// an instance holding keys above this node's block (written by another
// node), and the engine hands out keys above the largest it restored.
func (p *keyPool) needAbove(key uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if key >= p.next {
		p.floor = max(p.floor, key)
	}
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
