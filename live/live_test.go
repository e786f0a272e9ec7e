package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/live"
)

// model wraps a process body into a definitions document.
func model(t *testing.T, body string) *interp.Program {
	t.Helper()
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
<error id="declined" errorCode="DECLINED"/>
<message id="msg" name="confirmed"><extensionElements><zeebe:subscription correlationKey="=orderId"/></extensionElements></message>
<process id="p" isExecutable="true">` + body + `</process></definitions>`
	defs, err := bpmn.ParseBytes("test.bpmn", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := interp.Compile(defs)
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

func task(id, typ string, retries int) string {
	return fmt.Sprintf(`<serviceTask id="%s"><extensionElements><zeebe:taskDefinition type="%s" retries="%d"/></extensionElements></serviceTask>`, id, typ, retries)
}

func flow(from, to string) string {
	return fmt.Sprintf(`<sequenceFlow id="%s-%s" sourceRef="%s" targetRef="%s"/>`, from, to, from, to)
}

// script writes an executable sh script and returns the command to run it.
func script(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "worker.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return "sh " + path
}

// run runs a driver to its end within a few seconds and returns its
// summary, the trace and the notes.
type runOut struct {
	sum   *live.Summary
	d     *live.Driver
	trace []string
	notes []string
}

func runDriver(t *testing.T, prog *interp.Program, opts live.Options, vars map[string]any) runOut {
	t.Helper()
	var out runOut
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts.Trace = func(ev interp.TraceEvent) { out.trace = append(out.trace, ev.Kind.String()+" "+ev.ElementID) }
	opts.Note = func(s string) { out.notes = append(out.notes, s) }
	d, err := live.New(prog, opts)
	if err != nil {
		t.Fatal(err)
	}
	out.d = d
	out.sum, err = d.Run(ctx, "p", vars)
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the run took too long: %v", ctx.Err())
	}
	return out
}

func (o runOut) has(t *testing.T, lines ...string) {
	t.Helper()
	all := strings.Join(o.trace, "\n")
	for _, l := range lines {
		if !strings.Contains(all, l) {
			t.Errorf("trace lacks %q:\n%s\nnotes: %q", l, all, o.notes)
		}
	}
}

func wantEnd(t *testing.T, o runOut, endEvent string) map[string]any {
	t.Helper()
	if o.sum.End == nil {
		t.Fatalf("the instance did not end (stuck %v); trace:\n%s\nnotes: %q", o.sum.Stuck, strings.Join(o.trace, "\n"), o.notes)
	}
	if o.sum.End.EndEvent != endEvent || o.sum.End.State != interp.Completed {
		t.Fatalf("ended %s at %s, want completed at %s; notes %q", o.sum.End.State, o.sum.End.EndEvent, endEvent, o.notes)
	}
	return o.sum.End.Variables
}

// A shell worker and an HTTP worker complete their jobs with the
// variables they return; they see the job's variables and description.
func TestShellAndHTTPWorkers(t *testing.T) {
	prog := model(t, `<startEvent id="s"/>`+task("reserve", "reserve", 3)+task("charge", "charge", 3)+`<endEvent id="e"/>`+
		flow("s", "reserve")+flow("reserve", "charge")+flow("charge", "e"))
	shell := script(t, `input=$(cat)
printf '{"seen": %s, "jobType": "%s", "element": "%s", "retries": %s}' "$input" "$BPMNRUN_JOB_TYPE" "$BPMNRUN_ELEMENT_ID" "$BPMNRUN_RETRIES"`)
	var got struct {
		vars    map[string]any
		headers http.Header
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewDecoder(r.Body).Decode(&got.vars)
		got.headers = r.Header.Clone()
		fmt.Fprint(w, `{"charged": true}`)
	}))
	defer srv.Close()
	o := runDriver(t, prog, live.Options{Workers: map[string]live.Worker{
		"reserve": live.Shell{Command: shell},
		"charge":  live.HTTP{URL: srv.URL + "/charge"},
	}}, map[string]any{"orderId": "o-1"})
	vars := wantEnd(t, o, "e")
	if fmt.Sprint(vars["seen"]) != "map[orderId:o-1]" || vars["jobType"] != "reserve" || vars["element"] != "reserve" || vars["retries"] != 3.0 || vars["charged"] != true {
		t.Errorf("variables %v", vars)
	}
	if got.vars["orderId"] != "o-1" || got.vars["jobType"] != "reserve" {
		t.Errorf("the HTTP worker got %v", got.vars)
	}
	if got.headers.Get("Bpmnrun-Job-Type") != "charge" || got.headers.Get("Bpmnrun-Element-Id") != "charge" || got.headers.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", got.headers)
	}
}

// Exit status 3 (shell) and 422 (HTTP) throw the BPMN error in the output.
func TestBPMNErrors(t *testing.T) {
	body := `<startEvent id="s"/>` + task("charge", "charge", 3) + `<boundaryEvent id="b" attachedToRef="charge"><errorEventDefinition errorRef="declined"/></boundaryEvent>
		<endEvent id="ok"/><endEvent id="declined_end"/>` + flow("s", "charge") + flow("charge", "ok") + flow("b", "declined_end")
	t.Run("shell", func(t *testing.T) {
		w := live.Shell{Command: script(t, `echo '{"errorCode": "DECLINED", "errorMessage": "card expired", "variables": {"reason": "expired"}}'; exit 3`)}
		o := runDriver(t, model(t, body), live.Options{Workers: map[string]live.Worker{"charge": w}}, nil)
		wantEnd(t, o, "declined_end")
		o.has(t, "error-thrown charge")
	})
	t.Run("http", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"errorCode": "DECLINED", "errorMessage": "no funds"}`)
		}))
		defer srv.Close()
		o := runDriver(t, model(t, body), live.Options{Workers: map[string]live.Worker{"charge": live.HTTP{URL: srv.URL}}}, nil)
		wantEnd(t, o, "declined_end")
	})
}

// A failing worker is retried after the backoff, with the retries counted
// down, and ends in an incident; the run then stops, stuck.
func TestRetriesEndInAnIncident(t *testing.T) {
	prog := model(t, `<startEvent id="s"/>`+task("reserve", "reserve", 2)+`<endEvent id="e"/>`+flow("s", "reserve")+flow("reserve", "e"))
	w := live.Shell{Command: script(t, `echo "warehouse down" >&2; exit 1`)}
	start := time.Now()
	o := runDriver(t, prog, live.Options{Workers: map[string]live.Worker{"reserve": w}, RetryBackoff: 50 * time.Millisecond}, nil)
	if o.sum.End != nil || !o.sum.Stuck {
		t.Fatalf("summary %+v", o.sum)
	}
	if time.Since(start) < 50*time.Millisecond {
		t.Error("no backoff between the attempts")
	}
	incs := o.d.Engine().Incidents()
	if len(incs) != 1 || incs[0].Kind != interp.JobNoRetries || !strings.Contains(incs[0].Message, "exit status 1: warehouse down") {
		t.Errorf("incidents %+v", incs)
	}
	notes := strings.Join(o.notes, "\n")
	for _, want := range []string{"reserve (reserve) failed: exit status 1: warehouse down; retrying in 50ms (1 retries left)", "failed: exit status 1: warehouse down; no retries left"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

// 5xx answers are retried; a later 2xx completes the job.
func TestHTTPRetryThenSuccess(t *testing.T) {
	prog := model(t, `<startEvent id="s"/>`+task("charge", "charge", 3)+`<endEvent id="e"/>`+flow("s", "charge")+flow("charge", "e"))
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	o := runDriver(t, prog, live.Options{Workers: map[string]live.Worker{"charge": live.HTTP{URL: srv.URL}}, RetryBackoff: 10 * time.Millisecond}, nil)
	wantEnd(t, o, "e")
	if calls.Load() != 3 {
		t.Errorf("%d calls, want 3", calls.Load())
	}
	if !strings.Contains(strings.Join(o.notes, "\n"), "failed: 503 Service Unavailable: try later; retrying") {
		t.Errorf("notes %q", o.notes)
	}
}

// An attempt that outlives the job timeout is canceled and failed.
func TestJobTimeout(t *testing.T) {
	prog := model(t, `<startEvent id="s"/>`+task("slow", "slow", 1)+`<endEvent id="e"/>`+flow("s", "slow")+flow("slow", "e"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // then the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	for name, w := range map[string]live.Worker{
		"shell": live.Shell{Command: script(t, "sleep 5")},
		"http":  live.HTTP{URL: srv.URL},
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			o := runDriver(t, prog, live.Options{Workers: map[string]live.Worker{"slow": w}, JobTimeout: 100 * time.Millisecond}, nil)
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("took %v", el)
			}
			incs := o.d.Engine().Incidents()
			if len(incs) != 1 || !strings.Contains(incs[0].Message, "timed out") {
				t.Errorf("incidents %+v", incs)
			}
		})
	}
}

// Timers fire on the real clock.
func TestTimerFires(t *testing.T) {
	prog := model(t, `<startEvent id="s"/><intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT0.2S</timeDuration></timerEventDefinition></intermediateCatchEvent><endEvent id="e"/>`+
		flow("s", "wait")+flow("wait", "e"))
	start := time.Now()
	o := runDriver(t, prog, live.Options{}, nil)
	wantEnd(t, o, "e")
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Errorf("the timer fired after %v", el)
	}
	o.has(t, "timer-fired wait")
}

// A boundary timer interrupts a task whose worker is still running: the
// late outcome is dropped, with a note. (The instance then waits for a
// message that the test publishes once the note is out.)
func TestOutcomeOfAnInterruptedJob(t *testing.T) {
	prog := model(t, `<startEvent id="s"/>`+task("slow", "slow", 1)+`<boundaryEvent id="late" attachedToRef="slow"><timerEventDefinition><timeDuration>PT0.05S</timeDuration></timerEventDefinition></boundaryEvent>
		<intermediateCatchEvent id="confirm"><messageEventDefinition messageRef="msg"/></intermediateCatchEvent>
		<endEvent id="e"/><endEvent id="timeout"/>`+flow("s", "slow")+flow("slow", "e")+flow("late", "confirm")+flow("confirm", "timeout"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var d *live.Driver
	var notes []string
	opts := live.Options{Workers: map[string]live.Worker{"slow": live.Shell{Command: script(t, "sleep 0.2; echo '{}'")}}, Listening: true,
		Note: func(s string) {
			notes = append(notes, s)
			go d.Publish(ctx, interp.Message{Name: "confirmed", CorrelationKey: "o-1"})
		}}
	d, err := live.New(prog, opts)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := d.Run(ctx, "p", map[string]any{"orderId": "o-1"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.End == nil || sum.End.EndEvent != "timeout" {
		t.Fatalf("summary %+v, notes %q", sum, notes)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "at slow ended while its worker ran (interrupted by an event?): the outcome is dropped") {
		t.Errorf("notes %q", notes)
	}
}

// Messages published over HTTP correlate while the run waits for them;
// the handler refuses bad requests and answers 503 once the run stopped.
func TestPublishOverHTTP(t *testing.T) {
	prog := model(t, `<startEvent id="s"/><intermediateCatchEvent id="confirm"><messageEventDefinition messageRef="msg"/></intermediateCatchEvent><endEvent id="e"/>`+
		flow("s", "confirm")+flow("confirm", "e"))
	d, err := live.New(prog, live.Options{Listening: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var sum *live.Summary
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sum, err = d.Run(ctx, "p", map[string]any{"orderId": "o-1"})
	}()
	post := func(body string) (int, string) {
		resp, err := http.Post(srv.URL+"/messages", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(data))
	}
	if code, body := post(`{"name": "confirmed", "corelationKey": "o-1"}`); code != 400 || !strings.Contains(body, `unknown field \"corelationKey\"`) {
		t.Errorf("misspelt field: %d %s", code, body)
	}
	if code, body := post(`{"correlationKey": "o-1"}`); code != 400 || !strings.Contains(body, `"name\" is missing`) {
		t.Errorf("no name: %d %s", code, body)
	}
	if code, body := post(`{"name": "confirmed", "ttl": "1h"}`); code != 400 || !strings.Contains(body, "ttl") {
		t.Errorf("bad ttl: %d %s", code, body)
	}
	if code, body := post(`{"name": "other", "correlationKey": "o-1", "ttl": "PT0S"}`); code != 200 || !strings.HasSuffix(body, `"correlated":[],"started":[],"buffered":false}`) {
		t.Errorf("uncorrelated: %d %s", code, body)
	}
	if code, body := post(`{"name": "confirmed", "correlationKey": "o-1", "variables": {"receipt": "R-1"}}`); code != 200 || !strings.Contains(body, `"correlated":[1]`) {
		t.Errorf("correlated: %d %s", code, body)
	}
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sum.End == nil || sum.End.EndEvent != "e" || sum.End.Variables["receipt"] != "R-1" {
		t.Fatalf("summary %+v", sum)
	}
	if code, _ := post(`{"name": "confirmed"}`); code != http.StatusServiceUnavailable {
		t.Errorf("after the run: %d", code)
	}
	resp, err := http.Get(srv.URL + "/messages")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

// Canceling the context stops the run at once: the workers in flight are
// listed, canceled and waited for.
func TestInterrupt(t *testing.T) {
	prog := model(t, `<startEvent id="s"/><parallelGateway id="fork"/>`+task("a", "slow", 3)+task("b", "slow", 3)+`<parallelGateway id="join"/><endEvent id="e"/>`+
		flow("s", "fork")+flow("fork", "a")+flow("fork", "b")+flow("a", "join")+flow("b", "join")+flow("join", "e"))
	d, err := live.New(prog, live.Options{Workers: map[string]live.Worker{"slow": live.Shell{Command: script(t, "sleep 10")}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	sum, err := d.Run(ctx, "p", nil)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("stopping took %v", el)
	}
	if !sum.Interrupted || sum.End != nil || len(sum.InFlight) != 2 || sum.InFlight[0].Job.ElementID != "a" || sum.InFlight[1].Job.ElementID != "b" {
		t.Errorf("summary %+v", sum)
	}
}

// A job of a type no worker takes: nothing can happen, the run stops.
func TestStuckWithoutWorker(t *testing.T) {
	prog := model(t, `<startEvent id="s"/>`+task("a", "nobody", 3)+`<endEvent id="e"/>`+flow("s", "a")+flow("a", "e"))
	o := runDriver(t, prog, live.Options{}, nil)
	if !o.sum.Stuck || o.sum.End != nil {
		t.Errorf("summary %+v", o.sum)
	}
	if _, err := o.d.Run(context.Background(), "p", nil); err == nil || err.Error() != "live: a driver runs once" {
		t.Errorf("second Run: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	prog := model(t, `<startEvent id="s"/><endEvent id="e"/>`+flow("s", "e"))
	d, err := live.New(prog, live.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Run(context.Background(), "nope", nil); err == nil || !strings.Contains(err.Error(), "no deployed process") {
		t.Errorf("err = %v", err)
	}
}

func TestWorkerOutputErrors(t *testing.T) {
	ctx := context.Background()
	job := live.Job{Job: interp.Job{Key: 7, Type: "t"}, Variables: map[string]any{}}
	tests := []struct {
		w    live.Worker
		want string
	}{
		{live.Shell{Command: "echo not json"}, "exit status 0 but stdout is not a JSON object of variables"},
		{live.Shell{Command: "echo '{}'; exit 3"}, `exit status 3 without {"errorCode": ...}: {}`},
		{live.Shell{Command: "exit 7"}, "exit status 7"},
	}
	for _, tt := range tests {
		out := tt.w.Work(ctx, job)
		if out.Err == nil || !strings.Contains(out.Err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.w, out.Err, tt.want)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		fmt.Fprint(w, "short and stout")
	}))
	defer srv.Close()
	if out := (live.HTTP{URL: srv.URL}).Work(ctx, job); out.Err == nil || out.Err.Error() != "418 I'm a teapot: short and stout" {
		t.Errorf("teapot: %v", out.Err)
	}
	if out := (live.HTTP{URL: "http://127.0.0.1:1/nothing"}).Work(ctx, job); out.Err == nil {
		t.Error("no error for a refused connection")
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "workers.yaml")
	os.WriteFile(path, []byte("workers:\n  a: ./a.sh\n  b: http://127.0.0.1:9/b\njobTimeout: PT10S\nretryBackoff: PT0.5S\nmaxInFlight: 4\nlisten: 127.0.0.1:0\n"), 0o644)
	c, err := live.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Workers["a"] != "./a.sh" || c.JobTimeout != 10*time.Second || c.RetryBackoff != 500*time.Millisecond || c.MaxInFlight != 4 || c.Listen != "127.0.0.1:0" || c.Dir != dir {
		t.Errorf("config %+v", c)
	}
	if _, ok := live.NewWorker("https://x/y", "").(live.HTTP); !ok {
		t.Error("a URL is not an HTTP worker")
	}
	if w, ok := live.NewWorker("./a.sh", dir).(live.Shell); !ok || w.Dir != dir {
		t.Error("a command is not a shell worker")
	}
	os.WriteFile(path, []byte("wrkers: {}\njobTimeout: 10s\n"), 0o644)
	_, err = live.LoadConfig(path)
	want := path + `:1: unknown field "wrkers" (want one of workers, jobTimeout, retryBackoff, maxInFlight, listen)` + "\n" +
		path + `:2: jobTimeout: want a positive ISO 8601 duration such as PT30S, got "10s"`
	if err == nil || err.Error() != want {
		t.Errorf("err =\n%v\nwant\n%s", err, want)
	}
}
