// Package sim is bpmnrun's discrete-event load simulator. It drives the
// same engine as the live runner (package interp) in virtual time: it is a
// third driver of the engine, not a second interpreter, so boundary
// events, retries, incidents, messages and compensation behave exactly as
// they do live.
//
// # Entry points
//
//	ParseParams(file, data) (*Params, error)         bpmnrun's YAML/JSON parameters
//	ImportQBP(defs) (*Params, error)                 a BIMP/QBP scenario in the model
//	ImportProsimos(file, data, defs) (*Params, error) Prosimos JSON, both dialects
//	LoadParams(file, data, defs) (*Params, error)    ParseParams or ImportProsimos
//	NewModel(defs, params) (*Model, error)           check and compile
//	(*Model).Run(ctx, RunOptions) (*Report, error)   simulate
//	(*Report).WriteText / WriteJSON / WriteCSV
//	Compare(a, b *Report) *Comparison                the differences B − A with 95 % intervals
//	SameArrivals(a, b *Params) (bool, []string)      do two runs see the same cases arrive?
//	(*Comparison).WriteText / WriteJSON
//
// The parameter format, the report's JSON schema, the importers'
// conventions, the accuracy of the statistics, the data for plots and the
// comparison method are documented in docs/simulation.md.
//
// # Clock and event order
//
// Time is virtual: nanoseconds since Params.Start, never the wall clock.
// The simulator keeps its own events (arrivals, ends of job attempts,
// retries after a backoff, message publications) in a binary heap ordered
// by (time, sequence number): events at the same time fire in the order
// they were scheduled. The next thing to happen is the earlier of the
// heap's first event and the engine's next due timer (Engine.NextDue:
// timer events, event-based gateways, job backoffs, message expiries); at
// equal times the engine's timers fire first, since AdvanceTo(t) fires
// every timer due at or before t. So a job that would end exactly at its
// boundary timer's deadline is interrupted. The clock never goes back.
//
// Every firing calls the engine API a live driver uses: Start for an
// arrival, CompleteJob, FailJob or ThrowError when an attempt ends,
// Publish for a message, Cancel for an instance with an incident. What
// the engine reports (Observer: jobs created and canceled, incidents,
// ended instances) is recorded during the engine's step and acted upon
// once the step returns, as the Observer contract requires. A job asks
// its task's pool for a server: FIFO queue, Size identical servers; a job
// the engine cancels (an interrupting boundary event, a canceled
// instance) leaves the queue or frees its server at once, and its pending
// end-of-attempt event is dropped.
//
// # Seeds
//
// Every random quantity has its own stream: the arrival process, each
// task's durations and outcomes, each variable, each message's delays
// and losses, each gateway's branches. A stream is a PCG generator
// (math/rand/v2, the Source gonum's distuv takes) seeded from the run
// seed, the replication number and the stream's name. Hence the same
// model, parameters and seed give the same report byte for byte;
// replication r does not depend on how many replications run; adding a
// task does not change the draws of the others. Replications run in
// parallel, one engine per goroutine, and are merged in replication
// order, so the report does not depend on scheduling either. The seed is
// printed in every report.
//
// # Memory
//
// Statistics are streamed (counts, sums, extremes, time-weighted
// integrals and fixed-size log histograms for percentiles), so memory is
// proportional to the active instances, not to the simulated cases.
// Finished instances leave nothing behind; the optional event log is
// written as attempts end. The data for plots keep to this: the
// cycle-time histogram is cut from the log histograms when the report is
// built, and the time series (throughput, WIP, queues) live in at most
// 200 fixed intervals per replication, merged in pairs when a run
// outlasts them.
//
// # Comparisons
//
// Two reports from runs with the same seed and number of replications
// are compared replication by replication: replication r of each shares
// its random streams with the other's (common random numbers), so
// Compare uses the paired t interval of the differences, and Welch's
// interval otherwise. With equal arrival parameters and start variables
// the arrival streams are identical by construction (see Seeds).
//
// # Engine hooks
//
// The simulator drives the engine through the same API as the live
// runner, plus two options: interp.Options.TaskJobs makes the plain tasks
// that have parameters create jobs (they take time and resources), and
// interp.Options.Branch draws the branch of a gateway that has branch
// probabilities from the gateway's own random stream, at the moment the
// token reaches it. The parsed model is never modified.
package sim
