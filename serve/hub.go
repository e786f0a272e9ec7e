package serve

import "sync"

// hub wakes up waiting requests: job activations long-polling for a job
// type, and synchronous starts waiting for their instance to end. A wake-up
// only means "look again": waiters always re-read the store.
type hub struct {
	mu   sync.Mutex
	jobs map[string][]chan struct{} // waiting activations by job type, oldest first
	ends map[uint64]chan struct{}   // closed when the instance may have ended
}

func newHub() *hub {
	return &hub{jobs: map[string][]chan struct{}{}, ends: map[uint64]chan struct{}{}}
}

// jobWait returns a channel closed when jobs of the type may be ready,
// and a function to call when the caller stops waiting.
func (h *hub) jobWait(jobType string) (<-chan struct{}, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := make(chan struct{})
	h.jobs[jobType] = append(h.jobs[jobType], ch)
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		list := h.jobs[jobType]
		for i, c := range list {
			if c == ch {
				h.jobs[jobType] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(h.jobs[jobType]) == 0 {
			delete(h.jobs, jobType)
		}
	}
}

// jobReady wakes up to n waiters of a type (n <= 0: all of them). Waking
// one waiter per ready job, rather than all, keeps idle workers from
// running an empty activation each.
func (h *hub) jobReady(jobType string, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := h.jobs[jobType]
	if n <= 0 || n > len(list) {
		n = len(list)
	}
	for _, ch := range list[:n] {
		close(ch)
	}
	if rest := list[n:]; len(rest) > 0 {
		h.jobs[jobType] = append([]chan struct{}(nil), rest...)
	} else {
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
	for k, list := range h.jobs {
		for _, ch := range list {
			close(ch)
		}
		delete(h.jobs, k)
	}
	for k, ch := range h.ends {
		close(ch)
		delete(h.ends, k)
	}
}
