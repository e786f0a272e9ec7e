package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The demo model runs from the repository as the README shows.
func TestRunDemoModel(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"run", "../../models/order/order.bpmn"}, strings.NewReader(""), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	if !strings.Contains(stdout.String(), "\n#1 order: completed at order_rejected\n") {
		t.Errorf("stdout:\n%s", &stdout)
	}
	if stderr.String() != "note: no scenario: jobs complete at once\n" {
		t.Errorf("stderr:\n%s", &stderr)
	}

	stdout.Reset()
	stderr.Reset()
	code = run([]string{"run", "../../models/order/order.bpmn", "--var", "orderId=o-1", "--var", "paid=true", "--advance", "PT10M"}, strings.NewReader(""), &stdout, &stderr)
	if code != exitOK || !strings.Contains(stdout.String(), "\n#1 order: completed at order_timed_out\n") {
		t.Errorf("exit %d\nstdout:\n%s", code, &stdout)
	}
}

func TestRoundDuration(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"12.345µs", "12µs"},
		{"1.23456ms", "1.23ms"},
		{"2.345678s", "2.35s"},
	}
	for _, tt := range tests {
		d, _ := time.ParseDuration(tt.in)
		if got := roundDuration(d).String(); got != tt.want {
			t.Errorf("roundDuration(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in two
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// run --live with an HTTP worker and --listen: the job goes to the worker,
// the message comes in over POST /messages, the instance completes.
func TestRunLiveListen(t *testing.T) {
	worker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var vars map[string]any
		json.NewDecoder(r.Body).Decode(&vars)
		fmt.Fprintf(w, `{"paid": true, "charged": %q}`, vars["orderId"])
	}))
	defer worker.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"run", "--live", "../../models/order/order.bpmn", "--var", "orderId=o-1",
			"--worker", "reserve-stock=" + worker.URL, "--worker", "charge-payment=" + worker.URL, "--listen", addr},
			strings.NewReader(""), &stdout, &stderr)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Post("http://"+addr+"/messages", "application/json",
			strings.NewReader(`{"name": "payment-confirmed", "correlationKey": "o-1"}`))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("POST /messages: %s", resp.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run did not listen: %v\nstderr:\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the run did not end\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "\n#1 order: completed at order_completed\n") || !strings.Contains(out, `"charged":"o-1"`) {
		t.Errorf("stdout:\n%s", out)
	}
	if !strings.Contains(stderr.String(), "note: listening on http://"+addr+"/messages\n") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}
