package interp

import (
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// jobSink collects created job keys for a driver that completes them at once.
type jobSink struct {
	NopObserver
	keys []uint64
	done int
}

func (s *jobSink) JobCreated(j Job)          { s.keys = append(s.keys, j.Key) }
func (s *jobSink) InstanceEnded(InstanceEnd) { s.done++ }

// runInstances starts n instances of pid and completes every job at once.
func runInstances(b testing.TB, e *Engine, sink *jobSink, pid string, n int) {
	for range n {
		if _, err := e.Start(pid, nil); err != nil {
			b.Fatal(err)
		}
		for len(sink.keys) > 0 {
			k := sink.keys[0]
			sink.keys = sink.keys[:copy(sink.keys, sink.keys[1:])]
			if err := e.CompleteJob(k, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchModel(b *testing.B, xml, pid string) {
	d, err := bpmn.ParseBytes(pid, []byte(xml))
	if err != nil {
		b.Fatal(err)
	}
	sink := &jobSink{}
	e := New(Options{Observer: sink})
	if _, err := e.DeployDefinitions(d); err != nil {
		b.Fatal(err)
	}
	runInstances(b, e, sink, pid, 100) // warm up free lists
	sink.done = 0
	b.ReportAllocs()
	b.ResetTimer()
	runInstances(b, e, sink, pid, b.N)
	b.StopTimer()
	if sink.done != b.N || e.insts.len() != 0 || e.jobs.len() != 0 {
		b.Fatalf("completed %d of %d; %d instances and %d jobs left", sink.done, b.N, e.insts.len(), e.jobs.len())
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "instances/s")
}

func BenchmarkSeq3(b *testing.B)  { benchModel(b, seq3, "seq3") }
func BenchmarkFork2(b *testing.B) { benchModel(b, fork2, "fork2") }

// TestNothingRetained checks that a completed instance leaves no state.
func TestNothingRetained(t *testing.T) {
	d, err := bpmn.ParseBytes("fork2", []byte(fork2))
	if err != nil {
		t.Fatal(err)
	}
	sink := &jobSink{}
	e := New(Options{Observer: sink})
	if _, err := e.DeployDefinitions(d); err != nil {
		t.Fatal(err)
	}
	runInstances(t, e, sink, "fork2", 1000)
	if sink.done != 1000 || e.insts.len() != 0 || e.jobs.len() != 0 || len(e.timers) != 0 || len(e.subs) != 0 {
		t.Fatalf("done=%d insts=%d jobs=%d timers=%d subs=%d", sink.done, e.insts.len(), e.jobs.len(), len(e.timers), len(e.subs))
	}
	for typ, q := range e.jobQueues {
		if len(q.items)-q.head > 64 {
			t.Errorf("job queue %q keeps %d stale entries", typ, len(q.items)-q.head)
		}
	}
}
