package sim

import (
	"context"
	"io"
	"runtime"
	"sync"
)

// RunOptions are the options of a run that are not simulation parameters.
type RunOptions struct {
	// ModelName names the model in the report (e.g. its file name).
	ModelName string
	// Log, when set, receives the event log of replication 1 as CSV: one
	// row per job attempt (case, activity, element, resource, enqueue,
	// start, end, result). XES receives the same log as XES.
	Log, XES io.Writer
	// Workers bounds the replications run at once (default GOMAXPROCS).
	Workers int
	// Progress, when set, is told how many cases ended since its last call,
	// every few thousand cases. It is called with a lock held, from the
	// replications' goroutines.
	Progress func(ended int)
}

// Run simulates the model: Params.Replications independent replications,
// in parallel on up to Workers goroutines, one engine each. The report
// merges them in replication order, so it depends only on the model and
// the parameters (seed included), never on scheduling.
func (m *Model) Run(ctx context.Context, o RunOptions) (*Report, error) {
	n := max(1, m.params.Replications)
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	var progress func(int)
	if o.Progress != nil {
		var mu sync.Mutex
		progress = func(k int) {
			mu.Lock()
			defer mu.Unlock()
			o.Progress(k)
		}
	}
	reps := make([]*replication, n)
	errs := make([]error, n)
	var logErr error
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var log *eventLog
				if i == 0 && (o.Log != nil || o.XES != nil) {
					log = newEventLog(o.Log, o.XES)
				}
				r, err := newReplication(ctx, m, i+1, log)
				if err == nil {
					r.progress = progress
					err = r.run()
				}
				if log != nil {
					if lerr := log.close(); lerr != nil {
						logErr = lerr
					}
				}
				reps[i], errs[i] = r, err
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if logErr != nil {
		return nil, logErr
	}
	return collect(m, reps, o.ModelName), nil
}
