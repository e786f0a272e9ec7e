package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/client"
	"github.com/bpmnrun/bpmnrun/store"
)

// The fault tests start the real bpmnrun binary (built with go build), put
// load on it over loopback, kill -9 it in the middle, restart it on the
// same database, and check that every instance completed exactly once in
// effect: each job completed once (later completions of redelivered jobs
// are rejected), each timer fired once, each message correlated once.
//
// The model (testdata/fault.bpmn): start -> job fa -> timer (=delay) ->
// message "go" (correlation key =id) -> job fb -> end. The worker of fa
// publishes the message before completing fa, so it is mostly buffered
// when published and correlates when the instance reaches the catch event
// after its timer.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// bpmnrunBinary builds cmd/bpmnrun once per test run.
func bpmnrunBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("fault tests start processes: skipped with -short")
	}
	if raceEnabled {
		t.Skip("fault tests skipped under -race: they test a separately built binary; the race detector covers the server in the in-process tests")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bpmnrun-fault")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "bpmnrun")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/bpmnrun/bpmnrun/cmd/bpmnrun")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// node is one bpmnrun serve process.
type node struct {
	t      *testing.T
	bin    string
	args   []string
	addr   string
	cmd    *exec.Cmd
	log    *bytes.Buffer
	logMu  sync.Mutex
	starts int
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func newNode(t *testing.T, bin, dbURL, models string) *node {
	n := &node{t: t, bin: bin, addr: freeAddr(t), log: &bytes.Buffer{}}
	n.args = []string{"serve", "--db", dbURL, "--listen", n.addr, "--models", models, "--poll", "200ms", "--trace"}
	t.Cleanup(func() {
		if n.cmd != nil {
			n.cmd.Process.Kill()
			n.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("log of node %s:\n%s", n.addr, n.logText())
		}
	})
	return n
}

type lockedWriter struct{ n *node }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.n.logMu.Lock()
	defer w.n.logMu.Unlock()
	return w.n.log.Write(p)
}

func (n *node) logText() string {
	n.logMu.Lock()
	defer n.logMu.Unlock()
	return n.log.String()
}

// start starts the process and waits until it answers /healthz.
func (n *node) start() {
	n.t.Helper()
	n.starts++
	fmt.Fprintf(lockedWriter{n}, "--- start %d\n", n.starts)
	n.cmd = exec.Command(n.bin, n.args...)
	n.cmd.Stdout, n.cmd.Stderr = lockedWriter{n}, lockedWriter{n}
	if err := n.cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + n.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("node %s did not come up:\n%s", n.addr, n.logText())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL and reaps the process.
func (n *node) kill() {
	n.cmd.Process.Signal(syscall.SIGKILL)
	n.cmd.Wait()
	n.cmd = nil
}

// stop sends SIGTERM and waits for a clean exit.
func (n *node) stop() {
	n.t.Helper()
	n.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- n.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			n.t.Errorf("node %s exited with %v", n.addr, err)
		}
	case <-time.After(15 * time.Second):
		n.cmd.Process.Kill()
		n.t.Errorf("node %s did not stop on SIGTERM", n.addr)
		<-done
	}
	n.cmd = nil
}

func (n *node) client() *client.Client { return client.New("http://" + n.addr) }

// faultLoad is the load of a fault test and what its clients saw.
type faultLoad struct {
	instances int           // instances to start
	kills     int           // kill -9 (and restarts) during the run
	delay     string        // timer of the model
	lock      time.Duration // job lock timeout

	mu         sync.Mutex
	started    map[uint64]bool // keys returned by successful starts
	seen       map[uint64]bool // instances seen in activated jobs
	acked      map[string]int  // "instance/element" -> completions answered 204
	activated  map[uint64]int  // job key -> activations
	rejected   atomic.Int64    // completions answered 404 (job already completed)
	dropped    atomic.Int64    // jobs a worker "crashed" on: left to their lock timeout
	doubled    atomic.Int64    // jobs completed twice on purpose
	lostStarts atomic.Int64    // starts whose answer was lost (outcome unknown)
	clientErrs atomic.Int64    // calls that failed (connection refused, reset, 503)
	nStarted   atomic.Int64
}

func newFaultLoad(n, kills int) *faultLoad {
	return &faultLoad{instances: n, kills: kills, delay: "PT0.3S", lock: time.Second, started: map[uint64]bool{}, seen: map[uint64]bool{},
		acked: map[string]int{}, activated: map[uint64]int{}}
}

// transient reports errors after which a client retries: the node is
// down or restarting.
func transient(err error) bool {
	var ce *client.Error
	if errors.As(err, &ce) {
		return ce.Status == 503
	}
	return err != nil
}

// starter starts instances (through nodes in turn) until the load is
// started or ctx ends. A start whose answer is lost is not retried with
// the same id: it may have created an instance, which must complete too.
func (l *faultLoad) starter(ctx context.Context, nodes []*node, ids *atomic.Int64) {
	i := 0
	for ctx.Err() == nil {
		id := ids.Add(1)
		if id > int64(l.instances) {
			return
		}
		for ctx.Err() == nil {
			c := nodes[i%len(nodes)].client()
			i++
			inst, err := c.Start(ctx, client.StartRequest{ProcessID: "fault", Variables: map[string]any{"id": fmt.Sprint("i", id), "delay": l.delay}})
			if err == nil {
				l.mu.Lock()
				l.started[inst.Key] = true
				l.mu.Unlock()
				l.nStarted.Add(1)
				break
			}
			l.clientErrs.Add(1)
			var ce *client.Error
			if !errors.As(err, &ce) {
				l.lostStarts.Add(1)
				id = ids.Add(1) // the lost start may exist: go on with a fresh id
				if id > int64(l.instances) {
					return
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// worker works jobs of one type through one node until ctx ends.
func (l *faultLoad) worker(ctx context.Context, n *node, typ string) {
	for ctx.Err() == nil {
		c := n.client()
		jobs, err := c.Activate(ctx, client.ActivateRequest{Type: typ, MaxJobs: 8, Timeout: l.lock, RequestTimeout: 500 * time.Millisecond})
		if err != nil {
			if ctx.Err() == nil {
				l.clientErrs.Add(1)
				time.Sleep(50 * time.Millisecond)
			}
			continue
		}
		for _, j := range jobs {
			l.mu.Lock()
			l.activated[j.Key]++
			first := l.activated[j.Key] == 1
			l.seen[j.ProcessInstanceKey] = true
			l.mu.Unlock()
			if first && j.Key%29 == 0 {
				l.dropped.Add(1) // as if this worker died: the job comes back after its lock
				continue
			}
			if typ == "fa" {
				l.retry(ctx, func() error {
					_, err := c.Publish(ctx, client.Message{Name: "go", CorrelationKey: j.Variables["id"].(string), MessageID: j.Variables["id"].(string), TTL: time.Minute})
					if errors.Is(err, client.ErrConflict) {
						return nil // published before (a redelivered job, or a lost answer)
					}
					return err
				})
			}
			var status string
			l.retry(ctx, func() error {
				err := c.Complete(ctx, j.Key, map[string]any{typ + "Done": true})
				switch {
				case err == nil:
					status = "ok"
				case errors.Is(err, client.ErrNotFound):
					status = "rejected"
					return nil
				}
				return err
			})
			if status == "ok" && j.Key%13 == 0 {
				l.doubled.Add(1)
				if err := c.Complete(ctx, j.Key, map[string]any{typ + "Done": "twice"}); err == nil {
					status = "twice"
				} else if !errors.Is(err, client.ErrNotFound) && !transient(err) {
					status = "twice: " + err.Error()
				} else if errors.Is(err, client.ErrNotFound) {
					l.rejected.Add(1)
				}
			}
			l.mu.Lock()
			switch status {
			case "ok":
				l.acked[fmt.Sprintf("%d/%s", j.ProcessInstanceKey, j.ElementID)]++
			case "rejected":
				l.rejected.Add(1)
			default:
				l.acked[fmt.Sprintf("%d/%s", j.ProcessInstanceKey, j.ElementID)] += 2 // a second completion was accepted: fails the check
			}
			l.mu.Unlock()
		}
	}
}

// retry calls f until it succeeds, fails for good, or ctx ends.
func (l *faultLoad) retry(ctx context.Context, f func() error) {
	for ctx.Err() == nil {
		err := f()
		if err == nil || !transient(err) {
			return
		}
		l.clientErrs.Add(1)
		time.Sleep(50 * time.Millisecond)
	}
}

// run puts the load on the nodes; kill is called l.kills times, evenly
// spread over the starts, and must return after the restart.
func (l *faultLoad) run(t *testing.T, nodes []*node, db *store.DB, kill func(), within time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	var wg sync.WaitGroup
	wctx, stopWorkers := context.WithCancel(ctx)
	defer stopWorkers()
	for _, n := range nodes {
		for _, typ := range []string{"fa", "fb", "fa", "fb"} {
			wg.Add(1)
			go func() { defer wg.Done(); l.worker(wctx, n, typ) }()
		}
	}
	var ids atomic.Int64
	var sg sync.WaitGroup
	for range 4 {
		sg.Add(1)
		go func() { defer sg.Done(); l.starter(ctx, nodes, &ids) }()
	}
	for i := 1; i <= l.kills; i++ {
		for ctx.Err() == nil && l.nStarted.Load() < int64(l.instances*i/(l.kills+1)) {
			time.Sleep(5 * time.Millisecond)
		}
		kill()
	}
	sg.Wait()
	// Wait for every instance in the store to end.
	for {
		n, err := db.Counts(ctx)
		if err == nil && n[store.StateActive] == 0 && ids.Load() >= int64(l.instances) {
			break
		}
		if ctx.Err() != nil {
			stopWorkers()
			wg.Wait()
			t.Fatalf("load did not finish within %v: store %v, %d started", within, n, l.nStarted.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopWorkers()
	wg.Wait()
}

// check verifies the outcome through a running node and the store.
func (l *faultLoad) check(t *testing.T, c *client.Client, db *store.DB) {
	ctx := context.Background()
	counts, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := map[uint64]bool{}
	for k := range l.started {
		all[k] = true
	}
	for k := range l.seen {
		all[k] = true
	}
	if counts["completed"] != int64(len(all)) || counts[store.StateActive] != 0 || len(counts) != 1 {
		t.Errorf("store has %v; the clients know %d instances (%d started, %d seen by workers)", counts, len(all), len(l.started), len(l.seen))
	}
	redelivered := 0
	for _, n := range l.activated {
		redelivered += n - 1
	}
	bad := 0
	for k := range all {
		inst, err := c.Instance(ctx, k, true)
		if err != nil {
			t.Fatalf("instance %d: %v", k, err)
		}
		count := map[string]int{}
		for _, ev := range inst.Trace {
			count[ev.Kind+":"+ev.ElementID]++
		}
		want := map[string]int{"job-completed:fa": 1, "timer-fired:wait": 1, "message:go": 1, "job-completed:fb": 1, "ended:fault": 1, "started:fault": 1}
		ok := inst.State == "completed" && inst.EndEvent == "end" && inst.Variables["faDone"] == true && inst.Variables["fbDone"] == true
		for kind, n := range want {
			ok = ok && count[kind] == n
		}
		for _, el := range []string{"fa", "fb"} {
			ok = ok && l.acked[fmt.Sprintf("%d/%s", k, el)] <= 1
		}
		if !ok && bad < 5 {
			t.Errorf("instance %d: state %s, end %q, variables %v, trace counts %v, acknowledged completions fa %d fb %d",
				k, inst.State, inst.EndEvent, inst.Variables, count, l.acked[fmt.Sprintf("%d/fa", k)], l.acked[fmt.Sprintf("%d/fb", k)])
		}
		if !ok {
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d instances did not complete exactly once", bad, len(all))
	}
	t.Logf("%d instances completed exactly once (%d started with an answer, %d starts without one); %d jobs and %d timers and %d messages each done once; %d jobs redelivered (%d dropped by a worker on purpose), %d completions rejected as duplicates (404; %d sent twice on purpose); %d client calls failed while a node was down",
		len(all), len(l.started), l.lostStarts.Load(), 2*len(all), len(all), len(all), redelivered, l.dropped.Load(), l.rejected.Load(), l.doubled.Load(), l.clientErrs.Load())
}

func modelsDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fault.bpmn"), readModel(t, "fault.bpmn"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestFaultSQLiteKill9: one node on SQLite, killed with SIGKILL three
// times during the load, restarted on the same file each time.
func TestFaultSQLiteKill9(t *testing.T) {
	bin := bpmnrunBinary(t)
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "fault.db")
	n := newNode(t, bin, dbURL, modelsDir(t))
	n.start()
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := newFaultLoad(300, 3)
	start := time.Now()
	l.run(t, []*node{n}, db, func() {
		n.kill()
		time.Sleep(300 * time.Millisecond)
		n.start()
	}, 90*time.Second)
	elapsed := time.Since(start)
	l.check(t, n.client(), db)
	n.stop()
	t.Logf("SQLite, 1 node, killed with -9 %d times: %d instances in %v", l.kills, l.instances, elapsed.Round(time.Millisecond))
}

// TestFaultPostgresTwoNodes: two nodes on one PostgreSQL database share the
// load; one is killed with SIGKILL and restarted.
func TestFaultPostgresTwoNodes(t *testing.T) {
	bin := bpmnrunBinary(t)
	dbURL := postgresURL(t)
	models := modelsDir(t)
	n1 := newNode(t, bin, dbURL, models)
	n2 := newNode(t, bin, dbURL, models)
	n1.start()
	n2.start()
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := newFaultLoad(300, 2)
	start := time.Now()
	l.run(t, []*node{n1, n2}, db, func() {
		n1.kill()
		time.Sleep(300 * time.Millisecond)
		n1.start()
	}, 90*time.Second)
	elapsed := time.Since(start)
	l.check(t, n2.client(), db)
	for _, n := range []*node{n1, n2} {
		if a := metric(t, n, "bpmnrun_jobs_activated_total"); a == 0 {
			t.Errorf("node %s activated no jobs: the nodes did not share the work", n.addr)
		} else {
			t.Logf("node %s: %d jobs activated since its last start", n.addr, a)
		}
	}
	n1.stop()
	n2.stop()
	t.Logf("PostgreSQL, 2 nodes, one killed with -9 %d times: %d instances in %v", l.kills, l.instances, elapsed.Round(time.Millisecond))
}

// metric reads a counter from a node's /metrics.
func metric(t *testing.T, n *node, name string) int64 {
	resp, err := http.Get("http://" + n.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	for _, line := range strings.Split(buf.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			x, _ := strconv.ParseInt(v, 10, 64)
			return x
		}
	}
	return 0
}
