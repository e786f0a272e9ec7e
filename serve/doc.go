// Package serve is bpmnrun's durable engine server: an HTTP/JSON API
// (openapi.yaml) for job workers and clients over a store (package store)
// that is the source of truth. It is the fourth driver of the engine
// (package interp), beside the live runner, the Go test API and the
// simulator, and like them it keeps the engine deterministic: the server
// reads the wall clock and hands it to the engine as a value.
//
// # Inputs
//
// Every input (deploy, start, publish, activate, complete, fail, throw,
// resolve, cancel, set variables, a due timer) is one transaction:
//
//  1. read the stored instances the input needs (the instance of a job,
//     the subscribers of a message, the instances with due timers, ...)
//     and, for messages, lock the (name, correlation key) and read its
//     buffered messages;
//  2. restore them into a fresh engine (interp.Restore of a snapshot built
//     from the stored parts) whose key counter starts at a slice of keys
//     reserved for this node, move its clock to now (firing due timers) and
//     apply the input;
//  3. if the input opened subscriptions for which messages are buffered,
//     read those too and go back to 2, so they correlate as in one engine;
//  4. write back each instance the engine touched (its snapshot, version
//     checked, and its index rows: jobs, subscriptions, incidents, next due
//     time), ended instances with their final variables, buffered messages,
//     timer start events and the trace, and commit.
//
// A transaction that loses a race (another node changed an instance in
// between: the version check fails, or PostgreSQL reports a deadlock or
// serialization failure) runs again from step 1. Nothing is answered
// before the commit. On SQLite, inputs are group-committed: several run in
// one transaction, each in its own savepoint (see batch.go).
//
// # Guarantees
//
// Jobs are delivered at least once: a job whose worker does not answer
// within its lock timeout becomes activatable again; completing (failing,
// throwing on) a job that is no longer open is rejected with 404 and
// changes nothing. A timer fires in the same transaction that writes its
// effects, from the due-time index of the store, so it fires once, also
// across restarts and nodes. A message is correlated, buffered and
// deduplicated in the same transaction that reads the subscriptions, under
// a lock on its (name, correlation key).
//
// See docs/serve.md for the design and its limits.
package serve
