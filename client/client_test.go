package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/jobs/1/completion":
			w.WriteHeader(404)
			io.WriteString(w, `{"code":"NOT_FOUND","message":"no open job with key 1"}`)
		case "/v1/process-instances":
			w.WriteHeader(504)
			io.WriteString(w, `{"code":"DEADLINE_EXCEEDED","message":"slow","key":42}`)
		default:
			w.WriteHeader(502)
			io.WriteString(w, "bad gateway")
		}
	}))
	defer srv.Close()
	c := New(srv.URL)
	ctx := context.Background()
	err := c.Complete(ctx, 1, nil)
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		t.Fatalf("404: %v", err)
	}
	_, err = c.Start(ctx, StartRequest{ProcessID: "p", Await: true})
	var ce *Error
	if !errors.Is(err, ErrTimeout) || !errors.As(err, &ce) || ce.Key != 42 {
		t.Fatalf("504: %v", err)
	}
	err = c.Health(ctx)
	if !errors.As(err, &ce) || ce.Status != 502 || ce.Message != "bad gateway" || !errors.Is(err, ErrServer) {
		t.Fatalf("502 without JSON: %#v", err)
	}
}

// TestWorker: a handler error fails the job with one retry less, a
// BPMNError throws it, success completes with the handler's variables.
func TestWorker(t *testing.T) {
	var (
		mu    sync.Mutex
		calls = map[string]map[string]any{}
		given bool
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			return
		}
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/v1/jobs/activation" {
			if given {
				json.NewEncoder(w).Encode(map[string]any{"jobs": []any{}})
				return
			}
			given = true
			json.NewEncoder(w).Encode(map[string]any{"jobs": []any{
				map[string]any{"key": 1, "type": "t", "retries": 3, "variables": map[string]any{"do": "ok"}},
				map[string]any{"key": 2, "type": "t", "retries": 3, "variables": map[string]any{"do": "fail"}},
				map[string]any{"key": 3, "type": "t", "retries": 3, "variables": map[string]any{"do": "throw"}},
			}})
			return
		}
		calls[r.URL.Path] = body
		w.WriteHeader(204)
	}))
	defer srv.Close()
	c := New(srv.URL, WithToken("tok"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Worker{Type: "t", Concurrency: 3, Poll: 50 * time.Millisecond, Backoff: 2 * time.Second}.Run(ctx, c, func(_ context.Context, j Job) (map[string]any, error) {
			switch j.Variables["do"] {
			case "fail":
				return nil, errors.New("broken")
			case "throw":
				return map[string]any{"why": "x"}, &BPMNError{Code: "E", Message: "no"}
			}
			return map[string]any{"ok": true}, nil
		})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(calls)
		mu.Unlock()
		if n == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if v := calls["/v1/jobs/1/completion"]; v == nil || v["variables"].(map[string]any)["ok"] != true {
		t.Errorf("completion: %v", v)
	}
	if v := calls["/v1/jobs/2/failure"]; v == nil || v["retries"] != 2.0 || v["errorMessage"] != "broken" || v["retryBackOff"] != 2000.0 {
		t.Errorf("failure: %v", v)
	}
	if v := calls["/v1/jobs/3/error"]; v == nil || v["errorCode"] != "E" || v["errorMessage"] != "no" {
		t.Errorf("error: %v", v)
	}
}
