package serve

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/client"
)

func TestThreeTasks(t *testing.T) {
	stores(t, func(t *testing.T, newURL func(*testing.T) string) {
		ts := startServer(t, newURL(t))
		ctx := context.Background()
		d := deploy(t, ts.c, "three.bpmn")
		if len(d.Processes) != 1 || d.Processes[0].ProcessID != "three" || d.Processes[0].Version != 1 || d.Duplicate {
			t.Fatalf("deployment %+v", d)
		}
		if d2 := deploy(t, ts.c, "three.bpmn"); !d2.Duplicate || d2.Key != d.Key {
			t.Fatalf("deploying the same file again: %+v, want a duplicate of %d", d2, d.Key)
		}
		workers(t, ts.c, func(j client.Job) map[string]any {
			n, _ := j.Variables["n"].(float64)
			return map[string]any{"n": n + 1, j.Type: true}
		}, "a", "b", "c")
		inst, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "three", Variables: map[string]any{"n": 0}, Await: true, Timeout: 20 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if inst.State != "completed" || inst.Variables["n"] != 3.0 || inst.Variables["c"] != true {
			t.Fatalf("awaited instance: %+v", inst)
		}
		got := waitState(t, ts.c, inst.Key, "completed", 5*time.Second)
		var kinds []string
		for _, ev := range got.Trace {
			if ev.Kind == "job-completed" || ev.Kind == "ended" {
				kinds = append(kinds, ev.Kind+":"+ev.ElementID)
			}
		}
		if want := "job-completed:a job-completed:b job-completed:c ended:three"; strings.Join(kinds, " ") != want {
			t.Errorf("trace: %s, want %s", strings.Join(kinds, " "), want)
		}
	})
}

func TestAwaitTimeoutKeepsRunning(t *testing.T) {
	ts := startServer(t, sqliteURL(t))
	ctx := context.Background()
	deploy(t, ts.c, "three.bpmn")
	_, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "three", Await: true, Timeout: 200 * time.Millisecond})
	var ce *client.Error
	if !errors.As(err, &ce) || !errors.Is(err, client.ErrTimeout) || ce.Key == 0 {
		t.Fatalf("start without workers: %v, want a 504 with the instance key", err)
	}
	inst := waitState(t, ts.c, ce.Key, "active", time.Second)
	if len(inst.Jobs) != 1 || inst.Jobs[0].Type != "a" || inst.Jobs[0].State != "activatable" {
		t.Fatalf("jobs of the timed-out instance: %+v", inst.Jobs)
	}
	workers(t, ts.c, nil, "a", "b", "c")
	waitState(t, ts.c, ce.Key, "completed", 10*time.Second)
}

func TestCompleteTwice(t *testing.T) {
	stores(t, func(t *testing.T, newURL func(*testing.T) string) {
		ts := startServer(t, newURL(t))
		ctx := context.Background()
		deploy(t, ts.c, "three.bpmn")
		inst, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "three"})
		if err != nil {
			t.Fatal(err)
		}
		jobs, err := ts.c.Activate(ctx, client.ActivateRequest{Type: "a", MaxJobs: 5})
		if err != nil || len(jobs) != 1 || jobs[0].ProcessInstanceKey != inst.Key {
			t.Fatalf("activate: %v %+v", err, jobs)
		}
		if again, err := ts.c.Activate(ctx, client.ActivateRequest{Type: "a"}); err != nil || len(again) != 0 {
			t.Fatalf("a locked job was activated again: %v %+v", err, again)
		}
		if err := ts.c.Complete(ctx, jobs[0].Key, map[string]any{"x": 1}); err != nil {
			t.Fatal(err)
		}
		err = ts.c.Complete(ctx, jobs[0].Key, map[string]any{"x": 2})
		if !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("second completion: %v, want 404", err)
		}
		got, err := ts.c.Instance(ctx, inst.Key, false)
		if err != nil {
			t.Fatal(err)
		}
		if got.Variables["x"] != 1.0 || len(got.Jobs) != 1 || got.Jobs[0].Type != "b" {
			t.Fatalf("after the rejected second completion: %+v", got)
		}
	})
}

func TestJobLockExpires(t *testing.T) {
	ts := startServer(t, sqliteURL(t))
	ctx := context.Background()
	deploy(t, ts.c, "three.bpmn")
	if _, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "three"}); err != nil {
		t.Fatal(err)
	}
	first, err := ts.c.Activate(ctx, client.ActivateRequest{Type: "a", Timeout: 300 * time.Millisecond})
	if err != nil || len(first) != 1 {
		t.Fatalf("activate: %v %+v", err, first)
	}
	// Long polling: the job comes back when its lock expires.
	again, err := ts.c.Activate(ctx, client.ActivateRequest{Type: "a", RequestTimeout: 5 * time.Second})
	if err != nil || len(again) != 1 || again[0].Key != first[0].Key {
		t.Fatalf("after the lock timeout: %v %+v, want job %d again", err, again, first[0].Key)
	}
	if err := ts.c.Complete(ctx, again[0].Key, nil); err != nil {
		t.Fatal(err)
	}
	if err := ts.c.Complete(ctx, first[0].Key, nil); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("late completion by the first worker: %v, want 404", err)
	}
}

func TestFailAndIncident(t *testing.T) {
	stores(t, func(t *testing.T, newURL func(*testing.T) string) {
		ts := startServer(t, newURL(t))
		ctx := context.Background()
		deploy(t, ts.c, "risky.bpmn")
		inst, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "risky"})
		if err != nil {
			t.Fatal(err)
		}
		jobs, _ := ts.c.Activate(ctx, client.ActivateRequest{Type: "risky"})
		if len(jobs) != 1 || jobs[0].Retries != 2 {
			t.Fatalf("jobs %+v", jobs)
		}
		if err := ts.c.Fail(ctx, jobs[0].Key, client.FailRequest{Retries: 1, ErrorMessage: "boom", RetryBackOff: time.Second}); err != nil {
			t.Fatal(err)
		}
		if j, _ := ts.c.Activate(ctx, client.ActivateRequest{Type: "risky"}); len(j) != 0 {
			t.Fatalf("job activatable during its backoff: %+v", j)
		}
		jobs, _ = ts.c.Activate(ctx, client.ActivateRequest{Type: "risky", RequestTimeout: 5 * time.Second})
		if len(jobs) != 1 || jobs[0].Retries != 1 {
			t.Fatalf("after the backoff: %+v", jobs)
		}
		if err := ts.c.Fail(ctx, jobs[0].Key, client.FailRequest{Retries: 0, ErrorMessage: "boom again"}); err != nil {
			t.Fatal(err)
		}
		incs, err := ts.c.Incidents(ctx, inst.Key)
		if err != nil || len(incs) != 1 || incs[0].Kind != "JOB_NO_RETRIES" || incs[0].JobKey != jobs[0].Key {
			t.Fatalf("incidents: %v %+v", err, incs)
		}
		if err := ts.c.Complete(ctx, jobs[0].Key, nil); !errors.Is(err, client.ErrConflict) {
			t.Fatalf("completing a job with an incident: %v, want 409", err)
		}
		if err := ts.c.Resolve(ctx, incs[0].Key, 0); !errors.Is(err, client.ErrConflict) {
			t.Fatalf("resolving without retries: %v, want 409", err)
		}
		if err := ts.c.Resolve(ctx, incs[0].Key, 2); err != nil {
			t.Fatal(err)
		}
		if incs, _ := ts.c.Incidents(ctx, 0); len(incs) != 0 {
			t.Fatalf("incidents after resolving: %+v", incs)
		}
		jobs, _ = ts.c.Activate(ctx, client.ActivateRequest{Type: "risky"})
		if len(jobs) != 1 {
			t.Fatalf("after resolving: %+v", jobs)
		}
		if err := ts.c.ThrowError(ctx, jobs[0].Key, "E1", "declined", map[string]any{"why": "no"}); err != nil {
			t.Fatal(err)
		}
		got := waitState(t, ts.c, inst.Key, "completed", time.Second)
		if got.EndEvent != "failed" || got.Variables["why"] != "no" {
			t.Fatalf("after the BPMN error: %+v", got)
		}
	})
}

func TestMessages(t *testing.T) {
	stores(t, func(t *testing.T, newURL func(*testing.T) string) {
		ts := startServer(t, newURL(t))
		ctx := context.Background()
		deploy(t, ts.c, "fault.bpmn")
		deploy(t, ts.c, "msgstart.bpmn")
		// Published before the instance waits: buffered, then correlated.
		res, err := ts.c.Publish(ctx, client.Message{Name: "go", CorrelationKey: "k1", Variables: map[string]any{"early": true}, MessageID: "m1"})
		if err != nil || !res.Buffered || len(res.Correlated) != 0 {
			t.Fatalf("publish: %v %+v", err, res)
		}
		if _, err := ts.c.Publish(ctx, client.Message{Name: "go", CorrelationKey: "k1", MessageID: "m1"}); !errors.Is(err, client.ErrConflict) {
			t.Fatalf("duplicate message id: %v, want 409", err)
		}
		workers(t, ts.c, nil, "fa", "fb")
		inst, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "fault", Variables: map[string]any{"id": "k1", "delay": "PT0.1S"}, Await: true, Timeout: 10 * time.Second})
		if err != nil || inst.State != "completed" || inst.Variables["early"] != true {
			t.Fatalf("instance with a buffered message: %v %+v", err, inst)
		}
		// Published while the instance waits: correlated at once.
		inst2, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "fault", Variables: map[string]any{"id": "k2", "delay": "PT0S"}})
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			got, _ := ts.c.Instance(ctx, inst2.Key, false)
			if len(got.Elements) > 0 && got.Elements[0].ElementID == "go" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("instance never waited for the message: %+v", got)
			}
			time.Sleep(20 * time.Millisecond)
		}
		res, err = ts.c.Publish(ctx, client.Message{Name: "go", CorrelationKey: "k2", TTL: client.NoBuffer})
		if err != nil || len(res.Correlated) != 1 || res.Correlated[0] != inst2.Key || res.Buffered {
			t.Fatalf("publish to a waiting instance: %v %+v", err, res)
		}
		waitState(t, ts.c, inst2.Key, "completed", 5*time.Second)
		// Message start event.
		workers(t, ts.c, nil, "work")
		res, err = ts.c.Publish(ctx, client.Message{Name: "order", CorrelationKey: "o1", TTL: client.NoBuffer, Variables: map[string]any{"o": 1}})
		if err != nil || len(res.Started) != 1 {
			t.Fatalf("message start: %v %+v", err, res)
		}
		got := waitState(t, ts.c, res.Started[0], "completed", 5*time.Second)
		if got.ProcessID != "msgstart" || got.Variables["o"] != 1.0 {
			t.Fatalf("message-started instance: %+v", got)
		}
	})
}

func TestStartTimers(t *testing.T) {
	ts := startServer(t, sqliteURL(t))
	deploy(t, ts.c, "ticker.bpmn")
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := ts.db.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n["completed"] == 3 {
			break
		}
		if n["completed"] > 3 || time.Now().After(deadline) {
			t.Fatalf("instances of the R3 timer start event: %v, want 3 completed", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	if n, _ := ts.db.Counts(context.Background()); n["completed"] != 3 {
		t.Fatalf("after the cycle: %v, want 3 completed", n)
	}
}

// TestTimerAfterRestart: a timer scheduled by one server fires in the next
// one on the same database, exactly once.
func TestTimerAfterRestart(t *testing.T) {
	url := sqliteURL(t)
	ts := startServer(t, url)
	ctx := context.Background()
	deploy(t, ts.c, "fault.bpmn")
	inst, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "fault", Variables: map[string]any{"id": "r1", "delay": "PT0.5S"}})
	if err != nil {
		t.Fatal(err)
	}
	jobs, _ := ts.c.Activate(ctx, client.ActivateRequest{Type: "fa"})
	if len(jobs) != 1 {
		t.Fatalf("jobs %+v", jobs)
	}
	if err := ts.c.Complete(ctx, jobs[0].Key, nil); err != nil {
		t.Fatal(err)
	}
	ts.stop()
	time.Sleep(700 * time.Millisecond) // the timer is due while no server runs
	ts2 := startServer(t, url)
	if _, err := ts2.c.Publish(ctx, client.Message{Name: "go", CorrelationKey: "r1"}); err != nil {
		t.Fatal(err)
	}
	jobs, err = ts2.c.Activate(ctx, client.ActivateRequest{Type: "fb", RequestTimeout: 5 * time.Second})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("after the restart: %v %+v", err, jobs)
	}
	if err := ts2.c.Complete(ctx, jobs[0].Key, nil); err != nil {
		t.Fatal(err)
	}
	got := waitState(t, ts2.c, inst.Key, "completed", 5*time.Second)
	fired := 0
	for _, ev := range got.Trace {
		if ev.Kind == "timer-fired" {
			fired++
		}
	}
	if fired != 1 {
		t.Fatalf("timer fired %d times, want 1", fired)
	}
}

func TestBadRequests(t *testing.T) {
	ts := startServer(t, sqliteURL(t), func(o *Options) { o.MaxBody = 4 << 10 })
	deploy(t, ts.c, "three.bpmn")
	post := func(path, body string) (int, map[string]any) {
		resp, err := http.Post(ts.http.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if resp.StatusCode != 204 {
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatalf("POST %s: answer is not JSON: %q", path, data)
			}
		}
		return resp.StatusCode, m
	}
	for _, tc := range []struct {
		path, body string
		status     int
		code       string
	}{
		{"/v1/process-instances", `{"processId":`, 400, "INVALID_ARGUMENT"},
		{"/v1/process-instances", ``, 400, "INVALID_ARGUMENT"},
		{"/v1/process-instances", `{"processId":"three","bogus":1}`, 400, "INVALID_ARGUMENT"},
		{"/v1/process-instances", `{"processId":"three"} {}`, 400, "INVALID_ARGUMENT"},
		{"/v1/process-instances", `{"processId":"three","variables":"x"}`, 400, "INVALID_ARGUMENT"},
		{"/v1/process-instances", `{"processId":"nope"}`, 404, "NOT_FOUND"},
		{"/v1/process-instances", `{"processId":"three","variables":{"big":"` + strings.Repeat("x", 5000) + `"}}`, 413, "TOO_LARGE"},
		{"/v1/jobs/activation", `{"maxJobsToActivate":1}`, 400, "INVALID_ARGUMENT"},
		{"/v1/jobs/activation", `{"type":"a","maxJobsToActivate":100000}`, 400, "INVALID_ARGUMENT"},
		{"/v1/jobs/12/completion", `{}`, 404, "NOT_FOUND"},
		{"/v1/jobs/abc/completion", `{}`, 400, "INVALID_ARGUMENT"},
		{"/v1/jobs/12/failure", `{"retries":"x"}`, 400, "INVALID_ARGUMENT"},
		{"/v1/messages", `{"correlationKey":"k"}`, 400, "INVALID_ARGUMENT"},
		{"/v1/messages", `{"name":"m","timeToLive":-5}`, 400, "INVALID_ARGUMENT"},
		{"/v1/deployments", `<definitions/>`, 400, "INVALID_MODEL"},
		{"/v1/nowhere", `{}`, 404, "NOT_FOUND"},
	} {
		status, m := post(tc.path, tc.body)
		if status != tc.status || m["code"] != tc.code || m["message"] == "" {
			t.Errorf("POST %s %.40q: %d %v, want %d %s", tc.path, tc.body, status, m, tc.status, tc.code)
		}
	}
	n, err := ts.db.Counts(context.Background())
	if err != nil || len(n) != 0 {
		t.Fatalf("rejected requests changed the store: %v %v", n, err)
	}
	if jobs, _ := ts.c.Activate(context.Background(), client.ActivateRequest{Type: "a"}); len(jobs) != 0 {
		t.Fatalf("jobs after rejected requests: %+v", jobs)
	}
}

func TestToken(t *testing.T) {
	ts := startServer(t, sqliteURL(t), func(o *Options) { o.Token = "s3cret" })
	ctx := context.Background()
	if err := client.New(ts.http.URL).Health(ctx); err != nil {
		t.Fatalf("healthz needs no token: %v", err)
	}
	_, err := client.New(ts.http.URL).Deploy(ctx, "three.bpmn", readModel(t, "three.bpmn"))
	if !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("deploy without a token: %v, want 401", err)
	}
	_, err = client.New(ts.http.URL, client.WithToken("wrong")).Deploy(ctx, "three.bpmn", readModel(t, "three.bpmn"))
	if !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("deploy with a wrong token: %v, want 401", err)
	}
	deploy(t, ts.c, "three.bpmn")
}

func TestMetrics(t *testing.T) {
	ts := startServer(t, sqliteURL(t))
	ctx := context.Background()
	deploy(t, ts.c, "three.bpmn")
	workers(t, ts.c, nil, "a", "b", "c")
	if _, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "three", Await: true}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(ts.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	io.Copy(&buf, resp.Body)
	text := buf.String()
	for _, want := range []string{
		"bpmnrun_instances_started_total 1\n",
		"bpmnrun_instances_completed_total 1\n",
		"bpmnrun_jobs_completed_total 3\n",
		`bpmnrun_http_request_duration_seconds_count{route="start"} 1`,
		`bpmnrun_http_request_duration_seconds_bucket{route="start",le="+Inf"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, text)
		}
	}
}

// TestConcurrentLoad runs instances of the three-task model concurrently
// and checks from the trace that every job completed exactly once.
func TestConcurrentLoad(t *testing.T) {
	stores(t, func(t *testing.T, newURL func(*testing.T) string) {
		ts := startServer(t, newURL(t))
		deploy(t, ts.c, "three.bpmn")
		workers(t, ts.c, func(j client.Job) map[string]any { return map[string]any{j.Type: j.Key} }, "a", "b", "c")
		checkLoad(t, []*client.Client{ts.c}, 60)
	})
}

// TestTwoNodes: two servers on one PostgreSQL database. A model deployed
// on one is started on the other; workers on both share the jobs; a
// message published on one correlates to an instance waiting on the other.
func TestTwoNodes(t *testing.T) {
	url := postgresURL(t)
	a := startServer(t, url)
	b := startServer(t, url)
	ctx := context.Background()
	deploy(t, a.c, "three.bpmn")
	deploy(t, a.c, "fault.bpmn")
	workers(t, a.c, func(j client.Job) map[string]any { return map[string]any{j.Type: j.Key} }, "a", "b", "c", "fa", "fb")
	workers(t, b.c, func(j client.Job) map[string]any { return map[string]any{j.Type: j.Key} }, "a", "b", "c", "fa", "fb")
	checkLoad(t, []*client.Client{b.c, a.c}, 60)
	inst, err := b.c.Start(ctx, client.StartRequest{ProcessID: "fault", Variables: map[string]any{"id": "two", "delay": "PT0.2S"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.c.Publish(ctx, client.Message{Name: "go", CorrelationKey: "two"}); err != nil {
		t.Fatal(err)
	}
	got := waitState(t, b.c, inst.Key, "completed", 10*time.Second)
	if got.Variables["fb"] == nil {
		t.Fatalf("instance across nodes: %+v", got)
	}
}

// checkLoad starts n instances of "three" through the clients in turn,
// 8 at a time, awaiting each, and checks each job completed once.
func checkLoad(t *testing.T, cs []*client.Client, n int) {
	t.Helper()
	ctx := context.Background()
	keys := make(chan uint64, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := range n {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			inst, err := cs[i%len(cs)].Start(ctx, client.StartRequest{ProcessID: "three", Await: true, Timeout: 30 * time.Second})
			if err != nil {
				errs <- err
				return
			}
			keys <- inst.Key
		}()
	}
	for range cap(sem) {
		sem <- struct{}{}
	}
	close(keys)
	close(errs)
	for err := range errs {
		t.Fatalf("start: %v", err)
	}
	count := 0
	for k := range keys {
		count++
		inst, err := cs[0].Instance(ctx, k, true)
		if err != nil {
			t.Fatal(err)
		}
		done := map[string]int{}
		for _, ev := range inst.Trace {
			if ev.Kind == "job-completed" || ev.Kind == "ended" {
				done[ev.ElementID]++
			}
		}
		if inst.State != "completed" || done["a"] != 1 || done["b"] != 1 || done["c"] != 1 || done["three"] != 1 {
			t.Errorf("instance %d: %s, completions %v", k, inst.State, done)
		}
	}
	if count != n {
		t.Fatalf("%d instances completed, want %d", count, n)
	}
}

// TestBrokenInstanceDoesNotBlockTimers: an instance whose snapshot cannot
// be restored is set aside (and logged); the timers of others still fire.
func TestBrokenInstanceDoesNotBlockTimers(t *testing.T) {
	url := sqliteURL(t)
	var log lockedBuffer
	ts := startServer(t, url, func(o *Options) { o.Log = &log })
	ctx := context.Background()
	deploy(t, ts.c, "sleep.bpmn")
	var keys []uint64
	for range 3 {
		inst, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "sleep", Variables: map[string]any{"delay": "PT0.5S"}})
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, inst.Key)
	}
	raw, err := sql.Open("sqlite", strings.TrimPrefix(url, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE instances SET snapshot = ? WHERE key = ?`, `{"version":1,"key":1,"process":"sleep","root":{"key":1,"process":"gone"}}`, int64(keys[0])); err != nil {
		t.Fatal(err)
	}
	waitState(t, ts.c, keys[1], "completed", 10*time.Second)
	waitState(t, ts.c, keys[2], "completed", 10*time.Second)
	if !strings.Contains(log.String(), fmt.Sprintf("timers: instance %d: ", keys[0])) {
		t.Errorf("log does not name the broken instance:\n%s", log.String())
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestKeysAcrossNodes: an input on one node that restores an instance
// written by another node, from a higher key block, must not hand out
// keys of that node's block (interp.Restore raises the engine's key
// counter past every restored key).
func TestKeysAcrossNodes(t *testing.T) {
	url := postgresURL(t)
	a := startServer(t, url)
	b := startServer(t, url)
	ctx := context.Background()
	deploy(t, a.c, "three.bpmn")
	if _, err := a.c.Start(ctx, client.StartRequest{ProcessID: "three"}); err != nil { // a reserves its block
		t.Fatal(err)
	}
	y, err := b.c.Start(ctx, client.StartRequest{ProcessID: "three"}) // b reserves the next block
	if err != nil {
		t.Fatal(err)
	}
	b.srv.keys.mu.Lock()
	bStart, bEnd := b.srv.keys.end-blockSize, b.srv.keys.end
	b.srv.keys.mu.Unlock()
	if y.Key <= bStart || y.Key > bEnd {
		t.Fatalf("instance %d not in b's block (%d, %d]", y.Key, bStart, bEnd)
	}
	jobs, err := a.c.Activate(ctx, client.ActivateRequest{Type: "a", MaxJobs: 10})
	if err != nil || len(jobs) != 2 {
		t.Fatalf("activate through a: %v %+v", err, jobs)
	}
	for _, j := range jobs {
		if err := a.c.Complete(ctx, j.Key, nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := a.c.Instance(ctx, y.Key, false)
	if err != nil || len(got.Jobs) != 1 {
		t.Fatalf("instance %d: %v %+v", y.Key, err, got)
	}
	if k := got.Jobs[0].Key; k > bStart && k <= bEnd {
		t.Fatalf("node a handed out key %d of node b's block (%d, %d]", k, bStart, bEnd)
	}
	// b goes on in its block; nothing collides.
	workers(t, b.c, nil, "a", "b", "c")
	checkLoad(t, []*client.Client{b.c, a.c}, 20)
}

func TestCancelAndVariables(t *testing.T) {
	stores(t, func(t *testing.T, newURL func(*testing.T) string) {
		ts := startServer(t, newURL(t))
		ctx := context.Background()
		deploy(t, ts.c, "three.bpmn")
		inst, err := ts.c.Start(ctx, client.StartRequest{ProcessID: "three", Variables: map[string]any{"a": 1}})
		if err != nil {
			t.Fatal(err)
		}
		if err := ts.c.SetVariables(ctx, inst.Key, map[string]any{"b": "two"}); err != nil {
			t.Fatal(err)
		}
		got, _ := ts.c.Instance(ctx, inst.Key, false)
		if got.Variables["a"] != 1.0 || got.Variables["b"] != "two" || len(got.Elements) != 1 || got.Elements[0].ElementID != "a" {
			t.Fatalf("instance: %+v", got)
		}
		if err := ts.c.Cancel(ctx, inst.Key); err != nil {
			t.Fatal(err)
		}
		got = waitState(t, ts.c, inst.Key, "canceled", time.Second)
		if got.Variables["b"] != "two" {
			t.Fatalf("canceled instance: %+v", got)
		}
		if jobs, _ := ts.c.Activate(ctx, client.ActivateRequest{Type: "a"}); len(jobs) != 0 {
			t.Fatalf("job of a canceled instance: %+v", jobs)
		}
		if err := ts.c.Cancel(ctx, inst.Key); !errors.Is(err, client.ErrConflict) {
			t.Fatalf("canceling an ended instance: %v, want 409", err)
		}
		if err := ts.c.SetVariables(ctx, 999999, map[string]any{"x": 1}); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("variables of an unknown instance: %v, want 404", err)
		}
		if _, err := ts.c.Instance(ctx, 999999, false); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("unknown instance: %v, want 404", err)
		}
	})
}
