package interp

import (
	"fmt"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// Options configure an Engine. The zero value is usable.
type Options struct {
	// Start is the initial virtual time. The zero value means
	// 2026-01-01T00:00:00Z, so traces do not depend on the wall clock.
	Start time.Time
	// Trace, when non-nil, receives every step (element activated,
	// completed, terminated, flow taken, ...). Leave nil for speed.
	Trace func(TraceEvent)
	// Observer, when non-nil, is told about jobs, incidents and ended
	// instances as they happen. It must not call back into the engine.
	Observer Observer
	// StepBudget bounds the immediate steps one input may cause (default
	// 1 000 000); exceeding it returns ErrStepBudget and raises an incident.
	StepBudget int
	// ParallelCompensation runs all compensation handlers of one throw at
	// once, as Zeebe does. The default runs them one after another in
	// reverse order of completion, as BPMN 2.0 and Camunda 7 specify.
	ParallelCompensation bool
	// Branch, when non-nil, picks the outgoing flows of exclusive and
	// inclusive gateways instead of their conditions (a simulator with branch
	// probabilities uses it). Returning nil falls back to the conditions.
	// An exclusive gateway takes the first returned flow.
	Branch func(instance uint64, gateway *bpmn.Node) []*bpmn.SequenceFlow
	// TaskJobs, when non-nil, makes the plain tasks and manual tasks for
	// which it returns true create jobs (type = element id) instead of
	// passing through: a simulator gives them durations and resources
	// (BIMP/QBP and Prosimos models are made of plain tasks).
	TaskJobs func(task *bpmn.Node) bool
	// NewKey, when non-nil, hands out every key the engine needs
	// (instances, element instances, jobs, incidents, messages) instead of
	// the engine's own counter: a durable driver with several nodes gives
	// each node its own key blocks. Keys must be unique and non-zero.
	NewKey func() uint64
	// TrackTouched makes the engine record which instances each input
	// changed, for Touched (a durable store persists just those).
	TrackTouched bool
	// DefaultMessageTTL is used when a published message has TTL < 0.
	// The default is one hour (the Zeebe client's default).
	DefaultMessageTTL time.Duration
}

// DefaultStart is the virtual time an engine starts at unless Options.Start is set.
var DefaultStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Observer is told about what the engine now waits for. Calls happen
// synchronously inside the engine's step; an observer records and returns.
type Observer interface {
	JobCreated(j Job)
	JobCanceled(j Job)
	IncidentRaised(inc Incident)
	InstanceEnded(end InstanceEnd)
}

// NopObserver ignores everything; embed it to implement part of Observer.
type NopObserver struct{}

func (NopObserver) JobCreated(Job)            {}
func (NopObserver) JobCanceled(Job)           {}
func (NopObserver) IncidentRaised(Incident)   {}
func (NopObserver) InstanceEnded(InstanceEnd) {}

var _ Observer = NopObserver{}

// Job is a unit of work for a worker (a service task, a send task, ...).
type Job struct {
	Key       uint64
	Type      string
	ElementID string
	ProcessID string
	Instance  uint64 // process instance key
	Root      uint64 // top-level instance (the caller of called instances; else Instance)
	State     JobState
	Retries   int
	Headers   map[string]string // shared, read-only
	Activated bool              // locked by ActivateJobs until Deadline
	Deadline  time.Time
	NotBefore time.Time // retry backoff: not activatable before this time
	ErrorMsg  string    // last failure message
}

// InstanceState is the state of a process instance.
type InstanceState uint8

// Instance states.
const (
	Active InstanceState = iota
	Completed
	Terminated // by a terminate end event at process level: still a normal end
	Canceled   // by Cancel
)

func (s InstanceState) String() string {
	return [...]string{"active", "completed", "terminated", "canceled"}[s]
}

// InstanceEnd describes an instance that ended.
type InstanceEnd struct {
	Instance  uint64
	ProcessID string
	State     InstanceState
	StartedAt time.Time
	EndedAt   time.Time
	EndEvent  string         // id of the end event that ended it ("" if canceled)
	Variables map[string]any // root variables at the end (owned by the receiver)
	Parent    uint64         // calling instance for called processes, else 0
}

// IncidentKind classifies incidents (the Zeebe error types).
type IncidentKind uint8

// Incident kinds.
const (
	JobNoRetries IncidentKind = iota
	UnhandledError
	ConditionError // no outgoing flow of a gateway matched
	ExpressionError
	CalledElementError
	StepBudgetError
)

func (k IncidentKind) String() string {
	return [...]string{"JOB_NO_RETRIES", "UNHANDLED_ERROR_EVENT", "CONDITION_ERROR", "EXTRACT_VALUE_ERROR", "CALLED_ELEMENT_ERROR", "STEP_BUDGET"}[k]
}

// Incident is a problem that stopped a token until resolved.
type Incident struct {
	Key       uint64
	Kind      IncidentKind
	ProcessID string
	Instance  uint64
	Root      uint64 // top-level instance (the unit of SnapshotInstance)
	ElementID string
	JobKey    uint64 // for JobNoRetries and UnhandledError on a job
	Message   string
	ErrorCode string // for UnhandledError
	At        time.Time
}

// Message is a message to publish.
type Message struct {
	Name           string
	CorrelationKey string
	Variables      map[string]any
	// TTL is how long an uncorrelated message stays buffered; 0 drops it
	// at once when nothing waits; < 0 means Options.DefaultMessageTTL.
	TTL time.Duration
	ID  string // optional: deduplicates against buffered messages
}

// PublishResult says where a published message went.
type PublishResult struct {
	Key        uint64   // message key
	Correlated []uint64 // instances it correlated to (including started ones)
	Started    []uint64 // instances started by message start events
	Buffered   bool     // kept for its TTL
}

// TraceKind is the kind of a trace event.
type TraceKind uint8

// Trace event kinds.
const (
	TraceStarted    TraceKind = iota // instance started
	TraceActivated                   // element activated
	TraceCompleted                   // element completed
	TraceTerminated                  // element terminated (interrupted, canceled)
	TraceTaken                       // sequence flow taken
	TraceJobCreated
	TraceJobCompleted
	TraceJobFailed
	TraceErrorThrown
	TraceMessageCorrelated
	TraceTimerFired
	TraceSignal
	TraceCompensating // compensation handler started for an activity
	TraceIncident
	TraceIncidentResolved
	TraceEnded // instance ended
)

var traceNames = [...]string{"started", "activated", "completed", "terminated", "taken", "job-created", "job-completed", "job-failed", "error-thrown", "message", "timer-fired", "signal", "compensating", "incident", "resolved", "ended"}

func (k TraceKind) String() string { return traceNames[k] }

// TraceEvent is one step of the engine.
type TraceEvent struct {
	Time      time.Time
	Kind      TraceKind
	Instance  uint64
	ProcessID string
	ElementID string // element or flow id
	Element   string // kind of element, e.g. "serviceTask"
	Detail    string
}

// String formats the event canonically; start is the time origin.
func (ev TraceEvent) Format(start time.Time) string {
	d := ev.Time.Sub(start)
	s := fmt.Sprintf("%s #%d %-11s %s", fmtDuration(d), ev.Instance, ev.Kind, ev.ElementID)
	if ev.Element != "" {
		s += " (" + ev.Element + ")"
	}
	if ev.Detail != "" {
		s += " " + ev.Detail
	}
	return s
}

// fmtDuration formats d as [Dd]HH:MM:SS.mmm.
func fmtDuration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	ms := d.Milliseconds()
	days := ms / 86400000
	ms %= 86400000
	s := fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
	if days > 0 {
		s = fmt.Sprintf("%dd", days) + s
	}
	if neg {
		s = "-" + s
	}
	return s
}
