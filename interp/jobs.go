package interp

import (
	"fmt"
	"sort"
	"time"
)

type JobState uint8

const (
	JobActivatable JobState = iota
	JobActivated
	JobBackoff  // failed, waiting for its retry backoff
	JobIncident // out of retries or unhandled error
)

// job is the engine's record of a job; the public Job is built on demand.
type job struct {
	Key        uint64
	Type       string
	ElementID  string
	ProcessID  string
	Instance   uint64
	Retries    int
	Deadline   time.Time
	NotBefore  time.Time
	ErrorMsg   string
	ei         *elemInst
	state      JobState
	retryTimer *timer
}

// view returns the public description of j.
func (j *job) view() Job {
	return Job{Key: j.Key, Type: j.Type, ElementID: j.ElementID, ProcessID: j.ProcessID, Instance: j.Instance,
		Root: topRoot(j.ei).key, State: j.state, Retries: j.Retries, Headers: j.ei.pp.nodes[j.ei.node.Index].headers, Activated: j.state == JobActivated,
		Deadline: j.Deadline, NotBefore: j.NotBefore, ErrorMsg: j.ErrorMsg}
}

// jobQueue is the FIFO of activatable jobs of one type; entries whose job
// is gone or not activatable are skipped and compacted lazily.
type jobQueue struct {
	items []jobRef
	head  int
	stale int
}

type jobRef struct {
	j   *job
	key uint64
}

func (e *Engine) createJob(ei *elemInst) {
	cn := &ei.pp.nodes[ei.node.Index]
	var j *job
	if k := len(e.freeJobs); k > 0 {
		j = e.freeJobs[k-1]
		e.freeJobs = e.freeJobs[:k-1]
	} else {
		j = new(job)
	}
	j.ei = ei
	j.Key = e.newKey()
	j.Type = cn.jobType
	j.ElementID = ei.node.ID
	j.ProcessID = ei.pp.proc.ID
	j.Instance = ei.root.key
	j.Retries = cn.retries
	if j.Retries == 0 {
		j.Retries = 1
	}
	ei.job = j
	e.jobs.put(j.Key, j)
	e.trace(TraceJobCreated, ei, nil, ei.node.ID, j.Type)
	e.makeActivatable(j)
	if o := e.opts.Observer; o != nil {
		o.JobCreated(j.view())
	}
}

// makeActivatable makes j available to ActivateJobs. Queues exist only for
// job types that a worker has asked for, so drivers that complete jobs
// straight from the Observer pay nothing for them.
func (e *Engine) makeActivatable(j *job) {
	j.state = JobActivatable
	if len(e.jobQueues) == 0 {
		return
	}
	if q := e.jobQueues[j.Type]; q != nil {
		q.items = append(q.items, jobRef{j, j.Key})
	}
}

// queueFor returns the queue of a job type, building it from the open
// jobs (in creation order) the first time a worker asks for the type.
func (e *Engine) queueFor(jobType string) *jobQueue {
	if q := e.jobQueues[jobType]; q != nil {
		return q
	}
	q := &jobQueue{}
	e.jobs.each(func(_ uint64, j *job) {
		if j.Type == jobType && j.state == JobActivatable {
			q.items = append(q.items, jobRef{j, j.Key})
		}
	})
	sort.Slice(q.items, func(a, b int) bool { return q.items[a].key < q.items[b].key })
	e.jobQueues[jobType] = q
	return q
}

// dequeue marks a queued job as gone from its queue.
func (e *Engine) unqueue(j *job) {
	if len(e.jobQueues) == 0 {
		return
	}
	q := e.jobQueues[j.Type]
	if q == nil {
		return
	}
	q.stale++
	if q.stale > 32 && q.stale*2 > len(q.items)-q.head {
		live := q.items[:0]
		for _, r := range q.items[q.head:] {
			if x := e.jobs.get(r.key); x == r.j && x.state == JobActivatable {
				live = append(live, r)
			}
		}
		for i := len(live); i < len(q.items); i++ {
			q.items[i] = jobRef{}
		}
		q.items, q.head, q.stale = live, 0, 0
	}
	if q.head == len(q.items) {
		q.items, q.head, q.stale = q.items[:0], 0, 0
	}
}

func (e *Engine) cancelJob(j *job) {
	e.removeJob(j)
	e.trace(TraceTerminated, j.ei, nil, j.ElementID, "job withdrawn")
	if o := e.opts.Observer; o != nil {
		o.JobCanceled(j.view())
	}
}

// removeJob forgets j; the record is recycled after the current input.
func (e *Engine) removeJob(j *job) {
	if e.jobs.get(j.Key) == j {
		e.deadJobs = append(e.deadJobs, j)
	}
	e.jobs.del(j.Key)
	if j.retryTimer != nil {
		e.timers.remove(j.retryTimer)
		j.retryTimer = nil
	}
	if j.state == JobActivatable {
		e.unqueue(j)
	}
	j.state = JobIncident
}

func (e *Engine) liveJob(key uint64) (*job, error) {
	j := e.jobs.get(key)
	if j == nil {
		return nil, errorf(ErrNotFound, "", "", 0, "no open job with key %d (completed, canceled or never created)", key)
	}
	return j, nil
}

// ActivateJobs locks up to max activatable jobs of a type for a worker for
// timeout (0 means no lock expiry) and returns them in creation order.
func (e *Engine) ActivateJobs(jobType string, max int, timeout time.Duration) []Job {
	q := e.queueFor(jobType)
	var out []Job
	for q != nil && len(out) < max && q.head < len(q.items) {
		r := q.items[q.head]
		q.items[q.head] = jobRef{}
		q.head++
		j := e.jobs.get(r.key)
		if j != r.j || j.state != JobActivatable {
			if q.stale > 0 {
				q.stale--
			}
			continue
		}
		j.state = JobActivated
		e.touch(j.ei)
		if timeout > 0 {
			j.Deadline = e.now.Add(timeout)
			j.retryTimer = &timer{purpose: tmJobTimeout, due: j.Deadline, job: j}
			e.addTimer(j.retryTimer)
		}
		out = append(out, j.view())
	}
	if q != nil && q.head == len(q.items) {
		q.items, q.head, q.stale = q.items[:0], 0, 0
	}
	return out
}

// CompleteJob completes an open job with variables: they propagate like
// Zeebe job variables (nearest scope defining the name, else the root), or
// become local when the task has output mappings.
func (e *Engine) CompleteJob(key uint64, vars map[string]any) error {
	j, err := e.liveJob(key)
	if err != nil {
		return err
	}
	if j.state == JobIncident {
		return errorf(ErrInvalidInput, j.ProcessID, j.ElementID, j.Instance, "job %d has an open incident", key)
	}
	e.removeJob(j)
	ei := j.ei
	ei.job = nil
	e.trace(TraceJobCompleted, ei, nil, ei.node.ID, "")
	e.completeElem(ei, vars)
	return e.drain()
}

// FailJob reports a failed attempt. With retries > 0 the job becomes
// activatable again (after backoff); with 0 an incident is raised.
func (e *Engine) FailJob(key uint64, retries int, backoff time.Duration, msg string, vars map[string]any) error {
	j, err := e.liveJob(key)
	if err != nil {
		return err
	}
	if j.state == JobIncident {
		return errorf(ErrInvalidInput, j.ProcessID, j.ElementID, j.Instance, "job %d has an open incident", key)
	}
	if j.state == JobActivatable {
		e.unqueue(j)
	}
	if j.retryTimer != nil {
		e.timers.remove(j.retryTimer)
		j.retryTimer = nil
	}
	e.touch(j.ei)
	j.Retries, j.ErrorMsg = retries, msg
	for k, v := range vars {
		j.ei.setLocal(k, v)
	}
	e.trace(TraceJobFailed, j.ei, nil, j.ElementID, fmt.Sprintf("retries=%d %s", retries, msg))
	switch {
	case retries <= 0:
		j.state = JobIncident
		e.incidentOn(j.ei, JobNoRetries, "job failed with no retries left: "+msg, "", retryJob)
	case backoff > 0:
		j.state = JobBackoff
		j.NotBefore = e.now.Add(backoff)
		j.retryTimer = &timer{purpose: tmJobRetry, due: j.NotBefore, job: j}
		e.addTimer(j.retryTimer)
	default:
		e.makeActivatable(j)
	}
	return e.drain()
}

// ThrowError throws a BPMN error from a job's task: the nearest matching
// error boundary event or error event subprocess catches it; otherwise an
// UNHANDLED_ERROR_EVENT incident is raised on the task.
func (e *Engine) ThrowError(key uint64, code, msg string, vars map[string]any) error {
	j, err := e.liveJob(key)
	if err != nil {
		return err
	}
	if j.state == JobIncident {
		return errorf(ErrInvalidInput, j.ProcessID, j.ElementID, j.Instance, "job %d has an open incident", key)
	}
	ei := j.ei
	if j.state == JobActivatable {
		e.unqueue(j)
	}
	if j.retryTimer != nil {
		e.timers.remove(j.retryTimer)
		j.retryTimer = nil
	}
	ei.job = nil
	e.jobs.del(j.Key)
	if e.throwError(ei, ei.node, code, msg, vars, false) {
		e.deadJobs = append(e.deadJobs, j)
		return e.drain()
	}
	e.jobs.put(j.Key, j)
	ei.job = j
	j.state = JobIncident
	e.incidentOn(ei, UnhandledError, fmt.Sprintf("error %q was not caught: %s", code, msg), code, retryJob)
	return e.drain()
}

// UpdateJobRetries sets the retries of a job (before resolving its incident).
func (e *Engine) UpdateJobRetries(key uint64, retries int) error {
	j, err := e.liveJob(key)
	if err != nil {
		return err
	}
	e.touch(j.ei)
	j.Retries = retries
	return nil
}

// Jobs returns the open jobs (activatable, activated, backing off or with
// an incident) in creation order.
func (e *Engine) Jobs() []Job {
	out := make([]Job, 0, e.jobs.len())
	e.jobs.each(func(_ uint64, j *job) { out = append(out, j.view()) })
	sort.Slice(out, func(a, b int) bool { return out[a].Key < out[b].Key })
	return out
}

// JobVariables returns the variables a worker of the job sees: every
// variable visible from the task, its local ones (input mappings) winning.
func (e *Engine) JobVariables(key uint64) (map[string]any, error) {
	j, err := e.liveJob(key)
	if err != nil {
		return nil, err
	}
	return j.ei.visibleVars(), nil
}
