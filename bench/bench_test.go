package bench

import (
	"testing"
)

// Driver runs one instance per Run call on an engine created beforehand.
type Driver interface {
	Run() error
	Counts() (instances, jobs int)
}

// benchmark measures one instance per iteration on one engine (created by
// the caller, before the timed loop) and checks afterwards that every
// iteration really completed an instance and all its jobs.
//
// Besides instances/s (wall clock) it reports cpu-ns/op, the process CPU
// time (all threads, GC included) per instance, which is less disturbed
// than wall time when other processes compete for the CPUs.
func benchmark(b *testing.B, m Model, d Driver) {
	b.ReportAllocs()
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		if err := d.Run(); err != nil {
			b.Fatal(err)
		}
	}
	cpu1, _ := processCPU()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "instances/s")
	if cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
	if inst, jobs := d.Counts(); inst != b.N || jobs != b.N*m.Jobs {
		b.Fatalf("%d iterations completed %d instances and %d jobs, want %d and %d", b.N, inst, jobs, b.N, b.N*m.Jobs)
	}
}

func newBpmnrun(tb testing.TB, m Model) *Bpmnrun {
	d, err := NewBpmnrun(m)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func newLib(tb testing.TB, m Model) *Lib {
	d, err := NewLib(m)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func BenchmarkBpmnrunSeq3(b *testing.B)        { benchmark(b, Seq3, newBpmnrun(b, Seq3)) }
func BenchmarkBpmnrunFork2(b *testing.B)       { benchmark(b, Fork2, newBpmnrun(b, Fork2)) }
func BenchmarkLibBpmnEngineSeq3(b *testing.B)  { benchmark(b, Seq3, newLib(b, Seq3)) }
func BenchmarkLibBpmnEngineFork2(b *testing.B) { benchmark(b, Fork2, newLib(b, Fork2)) }
