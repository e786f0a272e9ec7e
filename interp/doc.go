// Package interp is bpmnrun's deterministic BPMN engine.
//
// # Design
//
// The engine never reads the wall clock and never starts a goroutine. It is
// a state machine over an immutable compiled model (Program): inputs advance
// it (Start, CompleteJob, FailJob, ThrowError, Publish, BroadcastSignal,
// AdvanceTo, ResolveIncident, SetVariables, Cancel) and it reports what it
// now waits for (Jobs, Subscriptions, NextDue, Incidents), through queries
// and through an optional Observer. Time is a value: timers are due times
// that a driver fires by calling AdvanceTo. The live runner, the Go test API
// (package bpmntest) and the load simulator (package sim) are three drivers
// of this one engine.
//
// Every input runs the same loop: a FIFO queue of steps, each activating a
// node, completing a scope or firing a trigger, dispatched by one exhaustive
// switch over the node kind. A step budget (Options.StepBudget) stops
// endless loops of immediate steps with ErrStepBudget; the steps that were
// cut off become resolvable incidents. SetContext makes long inputs honour
// cancellation.
//
// # Determinism
//
// Outgoing flows are evaluated in document order; tokens are processed in
// FIFO order; timers due at the same instant fire in creation order; message
// subscriptions are matched oldest first. The engine never iterates a map
// to decide what runs next. The same program and the same inputs always
// produce the same trace.
//
// # Token semantics (BPMN 2.0.2 chapter 13, Zeebe where BPMN is silent)
//
//   - Tasks: service, send, business-rule, user tasks and script tasks
//     without an inline script create a job (type from zeebe:taskDefinition,
//     camunda:topic, else the element id; user tasks default to
//     UserTaskJobType) and wait for CompleteJob, FailJob or ThrowError. A
//     script task with an inline expression evaluates it into its result
//     variable. Receive tasks wait for a message. Task and manual task pass
//     through. Message intermediate throw and end events create jobs, like
//     send tasks (Zeebe).
//   - Activities leave through every unconditional outgoing flow, every flow
//     whose condition holds, else the default flow.
//   - Exclusive gateway: the first flow (document order) whose condition
//     holds, else the default; neither raises a CONDITION_ERROR incident.
//   - Parallel gateway: waits for a token on every incoming flow, then forks.
//   - Inclusive gateway: forks on every true condition (else the default);
//     joins when every incoming flow has a token or when no other token of
//     the scope can still reach it (reachability over sequence flows,
//     boundary events and links is computed at load).
//   - Event-based gateway: opens the message subscriptions, timers and
//     signal subscriptions of its targets; the first to trigger wins, the
//     others are withdrawn.
//   - Embedded subprocesses are variable scopes; they complete when their
//     last token ends. A terminate end event ends every token of its scope.
//   - Boundary events: interrupting ones terminate the activity (and its
//     children) and continue from the boundary; non-interrupting ones start
//     an extra token each time they fire (timer cycles repeat).
//   - Errors (from ThrowError or an error end event) are caught by the
//     nearest error boundary event or error event subprocess, searching
//     outward and into calling processes; a specific error code wins over a
//     catch-all at the same level. Uncaught: an UNHANDLED_ERROR_EVENT
//     incident (Zeebe), resolvable for jobs.
//   - Escalations are caught like errors but may be non-interrupting; an
//     uncaught escalation is ignored. Signals are broadcast to every waiting
//     catch event, boundary event, event subprocess and signal start event.
//   - Event subprocesses (message, timer, signal, error, escalation starts;
//     interrupting or not) at process level and inside subprocesses.
//   - Multi-instance activities (parallel and sequential; cardinality or
//     input collection with an input element; output collection; completion
//     condition; local loopCounter).
//   - Call activities start an instance of a deployed process; variables
//     are copied in (all, or only the input mappings' targets) and out (all,
//     or through output mappings); errors propagate to the call activity's
//     boundary events.
//   - Compensation (BPMN 2.0.2 §10.5.6): every completed instance of an
//     activity with a compensation boundary event leaves a record in its
//     flow scope (an activity completed twice is compensated twice; active,
//     terminated or never-run activities are not); a completed subprocess
//     holding records leaves one too, so compensation descends into it. A
//     compensation throw (intermediate or end) with activityRef compensates
//     that activity's records, without it every record of its scope (a throw
//     inside an event subprocess compensates the enclosing scope); each
//     record is compensated at most once; the throw waits for its handlers,
//     then continues or ends its path. By default handlers run one after
//     another in reverse order of completion (BPMN, Camunda 7), one run per
//     completed multi-instance inner instance; Options.ParallelCompensation
//     starts them all at once and compensates a multi-instance body once
//     (Zeebe). Handlers run as children of the throw event and see the
//     throw scope's variables; a handler of an embedded subprocess also sees
//     a snapshot of that subprocess's local variables taken at completion
//     (Camunda 7). Compensation does not cross call activities unless the
//     call activity has its own compensation boundary. Compensation event
//     subprocesses are rejected by Compile (Zeebe does not support them).
//   - Not supported, rejected at load: transaction subprocesses and cancel
//     events, compensation event subprocesses, conditional boundary events
//     and conditional event subprocess starts, complex gateways.
//
// # Variables
//
// Variables are JSON-like values (nil, bool, float64, string, []any,
// map[string]any). Start variables go to the process instance. Variables of
// a completed job, a correlated message or a signal propagate like Zeebe's:
// each name is set in the nearest enclosing scope that already defines it,
// else on the process instance. Input mappings create local variables of the
// element; with output mappings, completion variables stay local and only
// the mapped targets propagate. Expressions are compiled once by Compile
// (package feel), never re-parsed per evaluation.
//
// # Messages
//
// Publish correlates a message by name and correlation key to at most one
// subscription per process id (the oldest), starts instances through
// message start events (at most one active instance per correlation key,
// Zeebe's single-instance rule), and buffers the message for its TTL so
// that subscriptions opened later correlate it; messages with an ID are
// deduplicated against the buffer.
//
// # Incidents
//
// A job out of retries, an uncaught error, a gateway without a matching
// flow, a failing expression or a missing called process raises an
// incident that holds its token. ResolveIncident runs the failed step again
// (after UpdateJobRetries or SetVariables fixed the cause).
package interp
