// Package live runs process instances on the real clock with real
// workers: the "live" mode of bpmnrun run.
//
// A Driver owns an engine (package interp, which never reads the clock
// and never starts goroutines) and runs it in the one goroutine that
// calls Run. Everything else reaches the engine through channels: the
// outcomes of workers, each running a job in a goroutine of its own;
// messages published with Publish or POST /messages (Handler); and the
// ticks of one time.Timer, always set to the engine's next due time
// (NextDue). Before each input the engine's clock is moved to the wall
// clock (AdvanceTo), so timers fire on time and traces show real elapsed
// time.
//
// Workers get activated jobs of their type, at most MaxInFlight at once,
// each attempt bounded by JobTimeout. Shell runs a command with the job's
// variables as JSON on stdin and reads the new variables as JSON from
// stdout; exit status ExitBPMNError (3) throws the BPMN error printed on
// stdout. HTTP posts the variables as JSON; 2xx completes with the body,
// 422 throws the BPMN error in the body. Any other outcome — another exit
// status or HTTP status, a connection error, a timeout — is a failed
// attempt: the job is failed with its retries minus one and tried again
// after RetryBackoff, until no retries are left and the engine raises a
// JOB_NO_RETRIES incident. A timed-out attempt counts as failed (Zeebe
// instead lets the lock expire without counting it), so a hanging worker
// ends in an incident rather than retrying forever.
//
// Run returns when every instance has ended, when nothing can happen any
// more (no job a worker can take, no timer, and not Listening for
// messages), or when its context ends (Ctrl-C). Workers still running are
// then canceled and waited for; the Summary lists what was in flight.
package live
