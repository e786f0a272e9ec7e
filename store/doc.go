// Package store persists the state of bpmnrun serve: deployed models,
// process instances as engine snapshots, and the index rows derived from
// them (jobs by type and state, timers by due time, message subscriptions
// by name and correlation key, buffered messages, incidents), in SQLite
// (one node, the default) or PostgreSQL (several nodes on one database).
//
// # Contract
//
// The store is the source of truth. A driver (package serve) runs every
// input in one transaction (Begin): it reads the instances the input
// touches, advances a deterministic engine, and writes the new snapshots
// together with their index rows, so that a crash leaves either the whole
// input or nothing. The store knows nothing of BPMN: snapshots and
// message bodies are opaque JSON documents.
//
// Concurrency control, for several nodes on one PostgreSQL database:
//
//   - Instances carry a version. UpdateInstance writes only if the row
//     still has the version that was read, else it returns ErrConflict
//     and the driver retries the whole input (optimistic locking).
//   - LockActivatable and LockDue select the instances with ready jobs of a
//     type, or with due timers, and lock them with FOR UPDATE SKIP LOCKED:
//     two nodes take disjoint work without waiting for each other. The row
//     lock is the lease: it ends with the transaction, also when a node
//     dies (its connection closes).
//   - LockKeys takes transaction-scoped advisory locks on message
//     (name, correlation key) pairs, so that publishing a message and
//     opening a subscription for it are serialized and never miss each
//     other.
//   - Deadlocks and serialization failures are reported as retryable
//     (Retryable) like ErrConflict.
//
// SQLite runs in WAL mode with one connection and BEGIN IMMEDIATE
// transactions: inputs are serialized, the locking clauses are left out.
//
// Times are stored as Unix nanoseconds (UTC); keys as 64-bit integers.
package store
