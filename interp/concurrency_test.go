package interp

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// TestEnginesShareProgram runs engines on several goroutines over one
// compiled Program (run with -race): the program is immutable, all run state
// lives in each engine, and every engine produces the same trace.
func TestEnginesShareProgram(t *testing.T) {
	d, err := bpmn.ParseBytes("trip", []byte(trip))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	const workers = 4
	traces := make([]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lines []string
			e := New(Options{Trace: func(ev TraceEvent) { lines = append(lines, ev.Format(DefaultStart)) }})
			if err := e.Deploy(prog); err != nil {
				t.Error(err)
				return
			}
			for range 50 {
				if _, err := e.Start("trip", map[string]any{"w": float64(w)}); err != nil {
					t.Error(err)
					return
				}
			}
			for len(e.Jobs()) > 0 {
				j := e.Jobs()[0]
				var err error
				if j.ElementID == "flight" && j.Instance%2 == 0 {
					err = e.ThrowError(j.Key, "FLIGHT", "", nil)
				} else {
					err = e.CompleteJob(j.Key, nil)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
			traces[w] = strings.Join(lines, "\n")
		}()
	}
	wg.Wait()
	for w := 1; w < workers; w++ {
		if traces[w] != traces[0] {
			t.Fatalf("engine %d produced a different trace", w)
		}
	}
	if !strings.Contains(traces[0], "compensating") {
		t.Fatal("the run never compensated: the test does not exercise the saga")
	}
}

func TestContextCancellation(t *testing.T) {
	m := defs(proc("p", `<startEvent id="s"/><exclusiveGateway id="g"/><task id="t"/>`+chain("s", "g", "t", "g")))
	h := newHarness(t, m, func(o *Options) { o.Trace = nil })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.e.SetContext(ctx)
	_, err := h.e.Start("p", nil)
	if !errors.Is(err, ErrCanceled) {
		t.Fatalf("err = %v, want ErrCanceled", err)
	}
	if len(h.e.Incidents()) == 0 {
		t.Fatal("the interrupted token is lost: no incident holds it")
	}
}
