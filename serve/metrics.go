package serve

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
)

// metrics are the counters of one node, written in the Prometheus text
// exposition format (version 0.0.4) by hand.
type metrics struct {
	started       atomic.Uint64
	completed     atomic.Uint64 // ended normally (end event or terminate)
	canceled      atomic.Uint64
	jobsActivated atomic.Uint64
	jobsCompleted atomic.Uint64
	jobsFailed    atomic.Uint64
	retries       atomic.Uint64 // inputs run again after a lost race
	timerBatches  atomic.Uint64
	batches       atomic.Uint64 // SQLite group commits

	mu   sync.Mutex
	reqs map[string]*histogram // by route
}

// buckets are the upper bounds (seconds) of the latency histogram.
var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, plus +Inf
	sum    float64
	n      uint64
	errors uint64 // answers with status >= 500
}

func newMetrics() *metrics { return &metrics{reqs: map[string]*histogram{}} }

func (m *metrics) ended(s interp.InstanceState) {
	if s == interp.Canceled {
		m.canceled.Add(1)
	} else {
		m.completed.Add(1)
	}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.reqs[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets)+1)}
		m.reqs[route] = h
	}
	sec := d.Seconds()
	i := sort.SearchFloat64s(buckets, sec)
	h.counts[i]++
	h.sum += sec
	h.n++
	if status >= 500 {
		h.errors++
	}
}

func (m *metrics) write(w io.Writer, keyBlocks uint64) {
	counter := func(name, help string, v uint64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	counter("bpmnrun_instances_started_total", "Process instances started by this node.", m.started.Load())
	counter("bpmnrun_instances_completed_total", "Process instances that reached an end (end event or terminate) on this node.", m.completed.Load())
	counter("bpmnrun_instances_canceled_total", "Process instances canceled on this node.", m.canceled.Load())
	counter("bpmnrun_jobs_activated_total", "Jobs activated (locked for a worker) by this node.", m.jobsActivated.Load())
	counter("bpmnrun_jobs_completed_total", "Jobs completed through this node.", m.jobsCompleted.Load())
	counter("bpmnrun_jobs_failed_total", "Failed job attempts reported to this node.", m.jobsFailed.Load())
	counter("bpmnrun_input_retries_total", "Inputs run again after losing a race with another transaction.", m.retries.Load())
	counter("bpmnrun_timer_batches_total", "Inputs that fired due timers.", m.timerBatches.Load())
	counter("bpmnrun_group_commits_total", "SQLite transactions committing a batch of inputs.", m.batches.Load())
	counter("bpmnrun_key_blocks_total", "Blocks of keys reserved by this node (more than one per 65536 keys: it leapt over another node's block).", keyBlocks)

	m.mu.Lock()
	defer m.mu.Unlock()
	routes := make([]string, 0, len(m.reqs))
	for r := range m.reqs {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	const name = "bpmnrun_http_request_duration_seconds"
	fmt.Fprintf(w, "# HELP %s Latency of HTTP requests by route.\n# TYPE %s histogram\n", name, name)
	for _, r := range routes {
		h := m.reqs[r]
		var cum uint64
		for i, b := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "%s_bucket{route=%q,le=%q} %d\n", name, r, fmt.Sprint(b), cum)
		}
		cum += h.counts[len(buckets)]
		fmt.Fprintf(w, "%s_bucket{route=%q,le=\"+Inf\"} %d\n", name, r, cum)
		fmt.Fprintf(w, "%s_sum{route=%q} %g\n%s_count{route=%q} %d\n", name, r, h.sum, name, r, h.n)
	}
	const errs = "bpmnrun_http_server_errors_total"
	fmt.Fprintf(w, "# HELP %s HTTP answers with a 5xx status by route.\n# TYPE %s counter\n", errs, errs)
	for _, r := range routes {
		fmt.Fprintf(w, "%s{route=%q} %d\n", errs, r, m.reqs[r].errors)
	}
}
