package sim

// evKind is the kind of a simulator event.
type evKind uint8

const (
	evArrival evKind = iota // start the next instance
	evJobDone               // a job attempt ends (complete, fail or throw)
	evRetry                 // a failed job's backoff is over: it asks for a server again
	evPublish               // a message is published
)

// event is an entry of the event list. Events that refer to a job carry
// the job record's generation: a record recycled since (the job was
// canceled) makes the event stale, and it is dropped.
type event struct {
	at   int64  // virtual time, ns since the start
	seq  uint64 // scheduling order: ties fire first-scheduled first
	kind evKind
	gen  uint32
	job  *jobRec
	pub  *publication
}

// evHeap is a binary min-heap of events ordered by (at, seq), written out
// like container/heap's priority-queue example but on values, so that
// scheduling an event allocates nothing.
type evHeap []event

func (h evHeap) less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}

func (h *evHeap) push(e event) {
	*h = append(*h, e)
	s := *h
	j := len(s) - 1
	for j > 0 {
		i := (j - 1) / 2
		if !s.less(j, i) {
			break
		}
		s[i], s[j] = s[j], s[i]
		j = i
	}
}

func (h *evHeap) pop() event {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s[n] = event{}
	s = s[:n]
	*h = s
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		j := l
		if r := l + 1; r < n && s.less(r, l) {
			j = r
		}
		if !s.less(j, i) {
			break
		}
		s[i], s[j] = s[j], s[i]
		i = j
	}
	return top
}
