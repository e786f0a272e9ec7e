package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/client"
	"github.com/bpmnrun/bpmnrun/store"
)

// TestServeBenchmark measures the real binary through the HTTP API: the
// throughput of a start -> 3 service tasks -> end model with workers, and
// the latency of the synchronous facade, on SQLite and PostgreSQL, with one
// node and two. It runs only when BPMNRUN_SERVE_BENCH is set:
//
//	BPMNRUN_SERVE_BENCH=1 BPMNRUN_TEST_POSTGRES=$(scripts/postgres.sh) \
//	  go test -run TestServeBenchmark -v -timeout 30m ./serve
//
// BPMNRUN_SERVE_BENCH_N sets the instances of the throughput run (default
// 2000); the facade is measured over 400 awaited starts from 8 clients.
// The servers run with their defaults (trace stored);
// BPMNRUN_SERVE_BENCH_TRACE=false runs them with --trace=false.
func TestServeBenchmark(t *testing.T) {
	if os.Getenv("BPMNRUN_SERVE_BENCH") == "" {
		t.Skip("set BPMNRUN_SERVE_BENCH=1 to run the serve benchmarks (see docs/benchmarks.md)")
	}
	bin := bpmnrunBinary(t)
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("BPMNRUN_SERVE_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	t.Logf("machine: %d CPUs (%s/%s), %s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	t.Logf("| store | nodes | instances | instances/s | jobs/s | facade p50 | facade p99 |")
	t.Logf("|---|---|---|---|---|---|---|")
	for _, cfg := range []struct {
		store string
		nodes int
	}{{"sqlite", 1}, {"sqlite", 2}, {"postgres", 1}, {"postgres", 2}} {
		t.Run(fmt.Sprintf("%s-%d", cfg.store, cfg.nodes), func(t *testing.T) {
			var dbURL string
			if cfg.store == "sqlite" {
				dbURL = "sqlite:" + filepath.Join(t.TempDir(), "bench.db")
			} else {
				dbURL = postgresURL(t)
			}
			models := t.TempDir()
			if err := os.WriteFile(filepath.Join(models, "three.bpmn"), readModel(t, "three.bpmn"), 0o644); err != nil {
				t.Fatal(err)
			}
			var nodes []*node
			for range cfg.nodes {
				nd := newNode(t, bin, dbURL, models)
				if os.Getenv("BPMNRUN_SERVE_BENCH_TRACE") == "false" {
					nd.args = append(nd.args[:len(nd.args)-1], "--trace=false")
				}
				nd.start()
				nodes = append(nodes, nd)
			}
			db, err := store.Open(context.Background(), dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rate, jobRate := benchThroughput(t, nodes, db, n)
			p50, p99 := benchFacade(t, nodes, 400, 8)
			t.Logf("| %s | %d | %d | %.0f | %.0f | %v | %v |", cfg.store, cfg.nodes, n, rate, jobRate, p50.Round(100*time.Microsecond), p99.Round(100*time.Microsecond))
			for _, nd := range nodes {
				nd.stop()
			}
		})
	}
}

// benchWorkers completes the jobs of a, b and c through every node until ctx ends.
func benchWorkers(ctx context.Context, nodes []*node) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, nd := range nodes {
		c := nd.client()
		for _, typ := range []string{"a", "b", "c"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := client.Worker{Type: typ, Concurrency: 16 / len(nodes), Poll: time.Second, Timeout: time.Minute}
				w.Run(ctx, c, func(context.Context, client.Job) (map[string]any, error) { return nil, nil })
			}()
		}
	}
	return &wg
}

// benchThroughput starts n instances as fast as the server takes them and
// returns completed instances per second and jobs per second.
func benchThroughput(t *testing.T, nodes []*node, db *store.DB, n int) (float64, float64) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	before, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	wg := benchWorkers(wctx, nodes)
	start := time.Now()
	var next atomic.Int64
	var sg sync.WaitGroup
	for i := range 8 {
		sg.Add(1)
		go func() {
			defer sg.Done()
			c := nodes[i%len(nodes)].client()
			for next.Add(1) <= int64(n) {
				if _, err := c.Start(ctx, client.StartRequest{ProcessID: "three"}); err != nil {
					t.Errorf("start: %v", err)
					return
				}
			}
		}()
	}
	sg.Wait()
	for {
		c, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c["completed"]-before["completed"] >= int64(n) {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("throughput run did not finish: %v", c)
		}
		time.Sleep(5 * time.Millisecond)
	}
	el := time.Since(start).Seconds()
	stop()
	wg.Wait()
	return float64(n) / el, float64(3*n) / el
}

// benchFacade measures awaited starts (the synchronous facade) from
// clients in parallel, with workers running.
func benchFacade(t *testing.T, nodes []*node, n, clients int) (p50, p99 time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	wctx, stop := context.WithCancel(ctx)
	wg := benchWorkers(wctx, nodes)
	defer func() { stop(); wg.Wait() }()
	var (
		mu   sync.Mutex
		lat  []time.Duration
		next atomic.Int64
		sg   sync.WaitGroup
	)
	for i := range clients {
		sg.Add(1)
		go func() {
			defer sg.Done()
			c := nodes[i%len(nodes)].client()
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				inst, err := c.Start(ctx, client.StartRequest{ProcessID: "three", Await: true, Timeout: 30 * time.Second})
				d := time.Since(t0)
				if err != nil || inst.State != "completed" {
					t.Errorf("awaited start: %v %+v", err, inst)
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	sg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) == 0 {
		return 0, 0
	}
	return lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
}
