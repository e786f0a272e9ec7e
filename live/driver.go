package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bpmnrun/bpmnrun/feel"
	"github.com/bpmnrun/bpmnrun/interp"
)

// Options configure a Driver.
type Options struct {
	// Workers do the jobs, by job type. Jobs of other types wait.
	Workers map[string]Worker
	// JobTimeout bounds one attempt of a job (default 30s); a worker that
	// has not answered by then is canceled and the attempt failed.
	JobTimeout time.Duration
	// RetryBackoff is the wait before a failed job is tried again
	// (default 1s).
	RetryBackoff time.Duration
	// MaxInFlight bounds the jobs being worked on at once (default 16).
	MaxInFlight int
	// Listening says that messages may still be published (Publish,
	// Handler): the run then waits for them when nothing else can happen,
	// instead of stopping.
	Listening bool
	// Engine holds the options of the engine (compensation mode, step
	// budget, ...); Start is set to the time the driver is created.
	Engine interp.Options
	// Trace, when set, is called with every step of the engine, from the
	// goroutine of Run.
	Trace func(interp.TraceEvent)
	// Note, when set, is told what the driver does besides the trace (a
	// failed attempt, a result for a job that no longer exists), from the
	// goroutine of Run.
	Note func(string)
}

// Driver runs instances of a program on the real clock. Run owns the
// engine: it runs it in one goroutine and takes its inputs — worker
// outcomes, published messages, timers — from channels, so the engine
// itself stays a single-threaded state machine. Publish and Handler may be
// used from any goroutine while Run runs.
type Driver struct {
	opts    Options
	eng     *interp.Engine
	start   time.Time
	types   []string // job types with a worker, sorted
	ends    map[uint64]interp.InstanceEnd
	results chan result
	publish chan publishRequest
	done    chan struct{} // closed when Run returns
	ran     atomic.Bool

	inflight map[uint64]*flight
	jobsCtx  context.Context
	stopJobs context.CancelFunc
	wg       sync.WaitGroup
}

type flight struct {
	job   interp.Job
	since time.Time
}

type result struct {
	job interp.Job
	out Outcome
}

type publishRequest struct {
	m     interp.Message
	reply chan publishReply
}

type publishReply struct {
	res interp.PublishResult
	err error
}

// Errors of a Driver.
var (
	ErrStopped = errors.New("the run has stopped") // Publish after Run returned
	ErrRunOnce = errors.New("live: a driver runs once")
)

// New returns a driver for prog, deployed into a new engine whose clock
// starts now.
func New(prog *interp.Program, opts Options) (*Driver, error) {
	if opts.JobTimeout <= 0 {
		opts.JobTimeout = 30 * time.Second
	}
	if opts.RetryBackoff <= 0 {
		opts.RetryBackoff = time.Second
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 16
	}
	d := &Driver{opts: opts, start: time.Now(), ends: map[uint64]interp.InstanceEnd{},
		results: make(chan result, opts.MaxInFlight), publish: make(chan publishRequest),
		done: make(chan struct{}), inflight: map[uint64]*flight{}}
	d.types = slices.Sorted(maps.Keys(opts.Workers))
	eo := opts.Engine
	eo.Start = d.start
	eo.Trace = opts.Trace
	eo.Observer = observer{d: d}
	d.eng = interp.New(eo)
	if err := d.eng.Deploy(prog); err != nil {
		return nil, err
	}
	return d, nil
}

type observer struct {
	interp.NopObserver
	d *Driver
}

func (o observer) InstanceEnded(end interp.InstanceEnd) { o.d.ends[end.Instance] = end }

// Start returns the time the driver was created: the origin of trace times.
func (d *Driver) Start() time.Time { return d.start }

// Engine returns the engine, for queries once Run has returned.
func (d *Driver) Engine() *interp.Engine { return d.eng }

// Summary says how a run ended.
type Summary struct {
	Instance    uint64
	End         *interp.InstanceEnd // nil while the instance is active
	Interrupted bool                // ctx ended before the instances
	Stuck       bool                // nothing could happen any more
	InFlight    []InFlight          // jobs being worked on when the run stopped
	Stopped     time.Time
}

// InFlight is a job a worker was doing when the run stopped.
type InFlight struct {
	Job   interp.Job
	Since time.Time
}

// Run starts an instance of a process and drives the engine until every
// instance has ended, nothing can happen any more (no job a worker can do,
// no timer, no message to wait for: Stuck), or ctx ends (Interrupted).
// Workers still running are then canceled and waited for. The error is
// for an instance that could not be started.
func (d *Driver) Run(ctx context.Context, processID string, vars map[string]any) (*Summary, error) {
	if d.ran.Swap(true) {
		return nil, ErrRunOnce
	}
	defer close(d.done)
	d.jobsCtx, d.stopJobs = context.WithCancel(context.Background())
	defer d.stopJobs()
	d.advance()
	key, err := d.eng.Start(processID, vars)
	if err != nil && key == 0 {
		return nil, err
	}
	d.noteErr("start", err)
	sum := &Summary{Instance: key}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
loop:
	for {
		d.dispatch()
		if len(d.eng.Instances()) == 0 {
			break
		}
		due, hasDue := d.eng.NextDue()
		if !hasDue && len(d.inflight) == 0 && !d.opts.Listening {
			sum.Stuck = true
			break
		}
		var tick <-chan time.Time
		if hasDue {
			timer.Reset(max(0, time.Until(due)))
			tick = timer.C
		}
		select {
		case <-ctx.Done():
			sum.Interrupted = true
			break loop
		case r := <-d.results:
			d.apply(r)
		case req := <-d.publish:
			d.advance()
			res, err := d.eng.Publish(req.m)
			req.reply <- publishReply{res, err}
		case <-tick:
			d.advance()
		}
		timer.Stop()
	}
	sum.Stopped = time.Now()
	for _, f := range d.inflight {
		sum.InFlight = append(sum.InFlight, InFlight{Job: f.job, Since: f.since})
	}
	sort.Slice(sum.InFlight, func(i, j int) bool { return sum.InFlight[i].Job.Key < sum.InFlight[j].Job.Key })
	d.stopWorkers()
	if end, ok := d.ends[key]; ok {
		sum.End = &end
	}
	return sum, nil
}

// advance moves the engine's clock to now, firing the timers due.
func (d *Driver) advance() {
	d.noteErr("timers", d.eng.AdvanceTo(time.Now()))
}

// dispatch hands activatable jobs to their workers, each in a goroutine,
// up to MaxInFlight at once.
func (d *Driver) dispatch() {
	for _, typ := range d.types {
		free := d.opts.MaxInFlight - len(d.inflight)
		if free <= 0 {
			return
		}
		w := d.opts.Workers[typ]
		for _, j := range d.eng.ActivateJobs(typ, free, 0) {
			vars, err := d.eng.JobVariables(j.Key)
			if err != nil {
				d.noteErr("job variables", err)
				continue
			}
			d.inflight[j.Key] = &flight{job: j, since: time.Now()}
			ctx, cancel := context.WithTimeout(d.jobsCtx, d.opts.JobTimeout)
			d.wg.Add(1)
			go func() {
				defer d.wg.Done()
				out := w.Work(ctx, Job{Job: j, Variables: vars})
				cancel()
				d.results <- result{j, out} // buffered for MaxInFlight: never blocks
			}()
		}
	}
}

// apply feeds a worker's outcome to the engine.
func (d *Driver) apply(r result) {
	delete(d.inflight, r.job.Key)
	d.advance()
	j, out := r.job, r.out
	var err error
	switch {
	case out.Err != nil:
		d.note(FailedNote(j, out.Err, d.opts.RetryBackoff))
		err = d.eng.FailJob(j.Key, j.Retries-1, d.opts.RetryBackoff, out.Err.Error(), nil)
	case out.ErrorCode != "":
		err = d.eng.ThrowError(j.Key, out.ErrorCode, out.ErrorMessage, out.Variables)
	default:
		err = d.eng.CompleteJob(j.Key, out.Variables)
	}
	if errors.Is(err, interp.ErrNotFound) {
		d.note(fmt.Sprintf("job %d at %s ended while its worker ran (interrupted by an event?): the outcome is dropped", j.Key, j.ElementID))
		return
	}
	d.noteErr(fmt.Sprintf("job %d", j.Key), err)
}

// FailedNote describes a failed attempt of job j, which is failed with
// its retries minus one and tried again after backoff: the note of a live
// run, also used by bpmnrun run --live --server.
func FailedNote(j interp.Job, err error, backoff time.Duration) string {
	if retries := j.Retries - 1; retries > 0 {
		return fmt.Sprintf("job %d at %s (%s) failed: %v; retrying in %v (%d retries left)", j.Key, j.ElementID, j.Type, err, backoff, retries)
	}
	return fmt.Sprintf("job %d at %s (%s) failed: %v; no retries left", j.Key, j.ElementID, j.Type, err)
}

// stopWorkers cancels the workers still running and waits for them.
func (d *Driver) stopWorkers() {
	d.stopJobs()
	d.wg.Wait()
	for len(d.results) > 0 {
		<-d.results
	}
	d.inflight = map[uint64]*flight{}
}

func (d *Driver) note(msg string) {
	if d.opts.Note != nil {
		d.opts.Note(msg)
	}
}

func (d *Driver) noteErr(what string, err error) {
	if err != nil {
		d.note(what + ": " + err.Error())
	}
}

// Publish publishes a message into the running engine, from any
// goroutine: it waits for Run to take it (or ctx to end). After Run has
// returned it fails with ErrStopped.
func (d *Driver) Publish(ctx context.Context, m interp.Message) (interp.PublishResult, error) {
	req := publishRequest{m: m, reply: make(chan publishReply, 1)}
	select {
	case d.publish <- req:
	case <-d.done:
		return interp.PublishResult{}, ErrStopped
	case <-ctx.Done():
		return interp.PublishResult{}, ctx.Err()
	}
	r := <-req.reply
	return r.res, r.err
}

// Handler serves POST /messages: the body {"name": ..., "correlationKey":
// ..., "variables": {...}, "ttl": "PT1H", "id": ...} is published (ttl is
// an ISO 8601 duration, default one hour). The answer is 200 with
// {"key": ..., "correlated": [instance keys], "started": [...],
// "buffered": bool}; 400 for a bad request, 409 for a duplicate message
// id, 503 once the run has stopped.
func (d *Driver) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /messages", d.serveMessage)
	return mux
}

type messageRequest struct {
	Name           string         `json:"name"`
	CorrelationKey string         `json:"correlationKey"`
	Variables      map[string]any `json:"variables"`
	TTL            string         `json:"ttl"`
	ID             string         `json:"id"`
}

type messageResponse struct {
	Key        uint64   `json:"key"`
	Correlated []uint64 `json:"correlated"`
	Started    []uint64 `json:"started"`
	Buffered   bool     `json:"buffered"`
}

func (d *Driver) serveMessage(w http.ResponseWriter, r *http.Request) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxOutput))
	dec.DisallowUnknownFields()
	var req messageRequest
	if err := dec.Decode(&req); err != nil {
		httpError(w, http.StatusBadRequest, "invalid message: "+err.Error())
		return
	}
	if req.Name == "" {
		httpError(w, http.StatusBadRequest, `invalid message: "name" is missing`)
		return
	}
	m := interp.Message{Name: req.Name, CorrelationKey: req.CorrelationKey, Variables: req.Variables, TTL: -1, ID: req.ID}
	if req.TTL != "" {
		ttl, err := feel.ParseDuration(req.TTL)
		if err != nil || ttl.Months != 0 || ttl.Days < 0 || ttl.Time < 0 {
			httpError(w, http.StatusBadRequest, fmt.Sprintf("invalid message: ttl %q is not an ISO 8601 duration such as PT1H", req.TTL))
			return
		}
		m.TTL = time.Duration(ttl.Days)*24*time.Hour + ttl.Time
	}
	res, err := d.Publish(r.Context(), m)
	switch {
	case errors.Is(err, ErrStopped):
		httpError(w, http.StatusServiceUnavailable, err.Error())
		return
	case errors.Is(err, interp.ErrDuplicateMessage):
		httpError(w, http.StatusConflict, err.Error())
		return
	case err != nil:
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	resp := messageResponse{Key: res.Key, Correlated: res.Correlated, Started: res.Started, Buffered: res.Buffered}
	if resp.Correlated == nil {
		resp.Correlated = []uint64{}
	}
	if resp.Started == nil {
		resp.Started = []uint64{}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
