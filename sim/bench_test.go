package sim

import (
	"context"
	"testing"
)

// mm1Params is the M/M/1 model of the benchmark: λ = 1/60 s⁻¹, E[S] = 48 s (ρ = 0.8).
const mm1Params = `
seed: 1
cases: 1000000
arrival: {interarrival: {dist: exponential, mean: 60s}}
pools: {server: 1}
tasks:
  work: {duration: {dist: exponential, mean: 48s}, pool: server}
`

// BenchmarkMM1Million simulates one million cases of the one-task M/M/1
// model per iteration and reports simulator events per second.
func BenchmarkMM1Million(b *testing.B) {
	m, err := NewModel(parseModel(b, chainModel("mm1", "work")), parseParams(b, mm1Params))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var steps uint64
	for b.Loop() {
		r, err := newReplication(context.Background(), m, 1, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.run(); err != nil {
			b.Fatal(err)
		}
		steps += r.steps
		if r.cycle.N != 1000000 {
			b.Fatalf("ended %d cases", r.cycle.N)
		}
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "cases/s")
}
