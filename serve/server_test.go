package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
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
		if err := ts.c.Fail(ctx, jobs[0].Key, client.FailRequest{Retries: 1, ErrorMessage: "boom", RetryBackOff: 200 * time.Millisecond}); err != nil {
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
