package serve

import "sync"

// hub wakes up waiting requests: job activations long-polling for a job
// type, and synchronous starts waiting for their instance to end. A wake-up
// only means "look again": waiters always re-read the store.
type hub struct {
	mu   sync.Mutex
	jobs map[string]chan struct{} // closed when a job of the type may be ready
	ends map[uint64]chan struct{} // closed when the instance may have ended
}

func newHub() *hub {
	return &hub{jobs: map[string]chan struct{}{}, ends: map[uint64]chan struct{}{}}
}

// jobWait returns a channel closed at the next jobReady(jobType).
func (h *hub) jobWait(jobType string) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := h.jobs[jobType]
	if ch == nil {
		ch = make(chan struct{})
		h.jobs[jobType] = ch
	}
	return ch
}

func (h *hub) jobReady(jobType string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ch := h.jobs[jobType]; ch != nil {
		close(ch)
		delete(h.jobs, jobType)
	}
}

// endWait returns a channel closed when ended(key) is called.
func (h *hub) endWait(key uint64) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := h.ends[key]
	if ch == nil {
		ch = make(chan struct{})
		h.ends[key] = ch
	}
	return ch
}

// endDone forgets the waiters of key after a wait gave up.
func (h *hub) endDone(key uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.ends, key)
}

func (h *hub) ended(key uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ch := h.ends[key]; ch != nil {
		close(ch)
		delete(h.ends, key)
	}
}

// all wakes every waiter.
func (h *hub) all() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, ch := range h.jobs {
		close(ch)
		delete(h.jobs, k)
	}
	for k, ch := range h.ends {
		close(ch)
		delete(h.ends, k)
	}
}
