package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Instance states as stored.
const (
	StateActive = "active"
)

// Instance is a row of the instances table. Active instances have a
// Snapshot; ended ones have their final Variables (JSON) instead.
type Instance struct {
	Key        uint64
	ProcessID  string
	Deployment int64
	State      string // active, completed, terminated, canceled
	Version    int64  // incremented by every update
	Snapshot   []byte // engine snapshot of the instance (active only)
	Clock      time.Time
	NextDue    time.Time // earliest timer of the instance; zero: none
	StartedAt  time.Time
	EndedAt    time.Time
	EndEvent   string
	Variables  []byte // root variables at the end (JSON)
	StartName  string // message start: name and correlation key (single-instance rule)
	StartKey   string
}

// Job states in the jobs table (the engine's job states).
const (
	JobActivatable = 0
	JobActivated   = 1
	JobBackoff     = 2
	JobIncident    = 3
)

// Job is an index row: an open job of an instance.
type Job struct {
	Key       uint64
	Root      uint64 // the stored (top-level) instance
	Instance  uint64 // the engine instance (a called instance's key for its jobs)
	Type      string
	State     int
	ProcessID string
	ElementID string
	Retries   int
	Deadline  time.Time
	ErrorMsg  string
}

// Subscription is an index row: an open message subscription.
type Subscription struct {
	Seq       uint64 // engine sequence number: orders subscriptions by age
	Root      uint64
	Instance  uint64
	Name      string
	CorrKey   string
	ProcessID string
	ElementID string
}

// Incident is an index row: an open incident.
type Incident struct {
	Key       uint64
	Root      uint64
	Instance  uint64
	Kind      string
	ProcessID string
	ElementID string
	JobKey    uint64
	Message   string
	ErrorCode string
	At        time.Time
}

// Index is what an active instance waits for.
type Index struct {
	Jobs          []Job
	Subscriptions []Subscription
	Incidents     []Incident
}

// Message is a buffered message. Data is the engine's description of it.
type Message struct {
	Key       uint64
	Name      string
	CorrKey   string
	MessageID string
	Expires   time.Time
	Data      []byte
}

// Global is a row of engine-wide state (timer start events).
type Global struct {
	Name    string
	Version int64
	NextDue time.Time
	Data    []byte
}

// Tx is one transaction: one input of the engine, or on SQLite a batch
// of inputs each in its own savepoint (group commit).
type Tx struct {
	tx    *sql.Tx
	d     *DB
	stmts map[string]*sql.Stmt // SQLite: statements prepared in this transaction
}

// Begin starts a transaction (BEGIN IMMEDIATE on SQLite).
func (d *DB) Begin(ctx context.Context) (*Tx, error) {
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Tx{tx: tx, d: d}, nil
}

// Commit commits the transaction.
func (t *Tx) Commit() error { return t.tx.Commit() }

// Rollback abandons the transaction; after Commit it does nothing.
func (t *Tx) Rollback() error { return t.tx.Rollback() }

// Savepoint starts a savepoint: RollbackTo undoes what followed it.
func (t *Tx) Savepoint(ctx context.Context) error {
	_, err := t.tx.ExecContext(ctx, "SAVEPOINT input")
	return err
}

// RollbackTo undoes everything since Savepoint and ends the savepoint.
func (t *Tx) RollbackTo(ctx context.Context) error {
	if _, err := t.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT input"); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(ctx, "RELEASE SAVEPOINT input")
	return err
}

// Release ends a savepoint, keeping what followed it.
func (t *Tx) Release(ctx context.Context) error {
	_, err := t.tx.ExecContext(ctx, "RELEASE SAVEPOINT input")
	return err
}

// stmt returns a statement prepared once per transaction on SQLite, where
// parsing SQL costs more than running it; PostgreSQL (pgx) caches
// prepared statements per connection itself.
func (t *Tx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if t.d.kind != SQLite {
		return nil, nil
	}
	if st := t.stmts[q]; st != nil {
		return st, nil
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	st, err := t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	t.stmts[q] = st
	return st, nil
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = t.d.rebind(q)
	if st, err := t.stmt(ctx, q); err != nil {
		return nil, err
	} else if st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = t.d.rebind(q)
	if st, err := t.stmt(ctx, q); err != nil {
		return nil, err
	} else if st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = t.d.rebind(q)
	if st, err := t.stmt(ctx, q); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// skipLocked is the locking clause of work-queue selections.
func (t *Tx) skipLocked(of string) string {
	if t.d.kind != Postgres {
		return ""
	}
	if of != "" {
		return " FOR UPDATE OF " + of + " SKIP LOCKED"
	}
	return " FOR UPDATE SKIP LOCKED"
}

// ---- instances ----

const instanceCols = `key, process_id, deployment, state, version, snapshot, clock, next_due, started_at, ended_at, end_event, variables, start_name, start_key`

func scanInstance(sc interface{ Scan(...any) error }) (Instance, error) {
	var (
		r                          Instance
		key, clock, started, ended int64
		due                        sql.NullInt64
		startName, startKey        sql.NullString
		snap, vars                 []byte
	)
	err := sc.Scan(&key, &r.ProcessID, &r.Deployment, &r.State, &r.Version, &snap, &clock, &due, &started, &ended, &r.EndEvent, &vars, &startName, &startKey)
	if err != nil {
		return r, err
	}
	r.Key, r.Snapshot, r.Variables = uint64(key), snap, vars
	r.Clock, r.StartedAt, r.EndedAt = fromNS(clock), fromNS(started), fromNS(ended)
	if due.Valid {
		r.NextDue = fromNS(due.Int64)
	}
	r.StartName, r.StartKey = startName.String, startKey.String
	return r, nil
}

// LoadInstances returns the active instances among keys, in key order.
func (t *Tx) LoadInstances(ctx context.Context, keys []uint64) ([]Instance, error) {
	keys = uniq(keys)
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := t.query(ctx, `SELECT `+instanceCols+` FROM instances WHERE state = 'active' AND key IN (`+placeholders(len(keys))+`) ORDER BY key`, i64s(keys)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Instance
	for rows.Next() {
		r, err := scanInstance(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InsertInstance writes a new instance with version 1.
func (t *Tx) InsertInstance(ctx context.Context, r *Instance) error {
	r.Version = 1
	_, err := t.exec(ctx, `INSERT INTO instances (`+instanceCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		int64(r.Key), r.ProcessID, r.Deployment, r.State, r.Version, r.Snapshot, ns(r.Clock), nullNS(r.NextDue),
		ns(r.StartedAt), ns(r.EndedAt), r.EndEvent, r.Variables, nullStr(r.StartName, r.StartName != "" || r.StartKey != ""), nullStr(r.StartKey, r.StartName != "" || r.StartKey != ""))
	return err
}

// UpdateInstance writes r if the stored row still has r.Version, and
// increments r.Version; otherwise it returns ErrConflict.
func (t *Tx) UpdateInstance(ctx context.Context, r *Instance) error {
	res, err := t.exec(ctx, `UPDATE instances SET state = ?, version = version + 1, snapshot = ?, clock = ?, next_due = ?,
		ended_at = ?, end_event = ?, variables = ?, start_name = ?, start_key = ? WHERE key = ? AND version = ?`,
		r.State, r.Snapshot, ns(r.Clock), nullNS(r.NextDue), ns(r.EndedAt), r.EndEvent, r.Variables,
		nullStr(r.StartName, r.StartName != "" || r.StartKey != ""), nullStr(r.StartKey, r.StartName != "" || r.StartKey != ""),
		int64(r.Key), r.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return fmt.Errorf("%w: instance %d changed since it was read", ErrConflict, r.Key)
	}
	r.Version++
	return nil
}

func nullStr(s string, valid bool) sql.NullString { return sql.NullString{String: s, Valid: valid} }

// WriteIndex changes the index rows of a stored instance from old (what
// was written with its previous snapshot) to ix: rows that disappeared are
// deleted, new or changed rows written. Ended instances pass an empty ix.
func (t *Tx) WriteIndex(ctx context.Context, root uint64, old, ix Index) error {
	if err := t.writeJobs(ctx, root, old.Jobs, ix.Jobs); err != nil {
		return err
	}
	if err := t.writeSubs(ctx, root, old.Subscriptions, ix.Subscriptions); err != nil {
		return err
	}
	return t.writeIncidents(ctx, root, old.Incidents, ix.Incidents)
}

func (t *Tx) writeJobs(ctx context.Context, root uint64, old, cur []Job) error {
	prev := make(map[uint64]Job, len(old))
	for _, j := range old {
		prev[j.Key] = j
	}
	var put []Job
	for _, j := range cur {
		j.Root = root
		if p, ok := prev[j.Key]; !ok || p != j {
			put = append(put, j)
		}
		delete(prev, j.Key)
	}
	if err := t.deleteKeys(ctx, "jobs", "key", prev); err != nil {
		return err
	}
	if len(put) == 0 {
		return nil
	}
	args := make([]any, 0, 10*len(put))
	for _, j := range put {
		args = append(args, int64(j.Key), int64(root), int64(j.Instance), j.Type, j.State, j.ProcessID, j.ElementID, j.Retries, ns(j.Deadline), j.ErrorMsg)
	}
	res, err := t.exec(ctx, `INSERT INTO jobs (key, root, instance, type, state, process_id, element_id, retries, deadline, error_msg) VALUES `+
		rowsOf(len(put), 10)+` ON CONFLICT (key) DO UPDATE SET state = excluded.state, retries = excluded.retries, deadline = excluded.deadline, error_msg = excluded.error_msg
		WHERE jobs.root = excluded.root`, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != int64(len(put)) {
		// A job key held by another instance: keys were handed out twice.
		return fmt.Errorf("%w: a job key of instance %d belongs to another instance", ErrKeyCollision, root)
	}
	return nil
}

func (t *Tx) writeSubs(ctx context.Context, root uint64, old, cur []Subscription) error {
	prev := make(map[uint64]Subscription, len(old))
	for _, s := range old {
		prev[s.Seq] = s
	}
	var put []Subscription
	for _, s := range cur {
		if _, ok := prev[s.Seq]; !ok {
			put = append(put, s)
		}
		delete(prev, s.Seq)
	}
	if err := t.deleteKeys(ctx, "subscriptions", "seq", prev); err != nil {
		return err
	}
	if len(put) == 0 {
		return nil
	}
	args := make([]any, 0, 7*len(put))
	for _, s := range put {
		args = append(args, int64(s.Seq), int64(root), int64(s.Instance), s.Name, s.CorrKey, s.ProcessID, s.ElementID)
	}
	_, err := t.exec(ctx, `INSERT INTO subscriptions (seq, root, instance, name, corr_key, process_id, element_id) VALUES `+rowsOf(len(put), 7), args...)
	return err
}

func (t *Tx) writeIncidents(ctx context.Context, root uint64, old, cur []Incident) error {
	prev := make(map[uint64]Incident, len(old))
	for _, i := range old {
		prev[i.Key] = i
	}
	var put []Incident
	for _, i := range cur {
		i.Root = root
		if p, ok := prev[i.Key]; !ok || p != i {
			put = append(put, i)
		}
		delete(prev, i.Key)
	}
	if err := t.deleteKeys(ctx, "incidents", "key", prev); err != nil {
		return err
	}
	if len(put) == 0 {
		return nil
	}
	args := make([]any, 0, 10*len(put))
	for _, i := range put {
		args = append(args, int64(i.Key), int64(root), int64(i.Instance), i.Kind, i.ProcessID, i.ElementID, int64(i.JobKey), i.Message, i.ErrorCode, ns(i.At))
	}
	_, err := t.exec(ctx, `INSERT INTO incidents (key, root, instance, kind, process_id, element_id, job_key, message, error_code, at) VALUES `+
		rowsOf(len(put), 10)+` ON CONFLICT (key) DO UPDATE SET message = excluded.message, at = excluded.at`, args...)
	return err
}

// deleteKeys deletes the rows of table whose col is a key of gone.
func (t *Tx) deleteKeys(ctx context.Context, table, col string, gone any) error {
	var keys []uint64
	switch g := gone.(type) {
	case map[uint64]Job:
		for k := range g {
			keys = append(keys, k)
		}
	case map[uint64]Subscription:
		for k := range g {
			keys = append(keys, k)
		}
	case map[uint64]Incident:
		for k := range g {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	_, err := t.exec(ctx, `DELETE FROM `+table+` WHERE `+col+` IN (`+placeholders(len(keys))+`)`, i64s(keys)...)
	return err
}

// rowsOf returns "(?,?),(?,?)" for n rows of k values.
func rowsOf(n, k int) string {
	row := "(" + placeholders(k) + ")"
	return strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

// LoadJobInstance loads the active stored instance that holds an open job
// (ErrNotFound when there is no such job).
func (t *Tx) LoadJobInstance(ctx context.Context, jobKey uint64) (Instance, error) {
	r, err := scanInstance(t.queryRow(ctx, `SELECT i.`+strings.ReplaceAll(instanceCols, ", ", ", i.")+
		` FROM jobs j JOIN instances i ON i.key = j.root WHERE j.key = ? AND i.state = 'active'`, int64(jobKey)))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// JobRoot returns the stored instance that holds an open job.
func (t *Tx) JobRoot(ctx context.Context, jobKey uint64) (uint64, error) {
	return t.rootOf(ctx, "jobs", jobKey)
}

// IncidentRoot returns the stored instance that holds an open incident.
func (t *Tx) IncidentRoot(ctx context.Context, incKey uint64) (uint64, error) {
	return t.rootOf(ctx, "incidents", incKey)
}

func (t *Tx) rootOf(ctx context.Context, table string, key uint64) (uint64, error) {
	var root int64
	err := t.queryRow(ctx, `SELECT root FROM `+table+` WHERE key = ?`, int64(key)).Scan(&root)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return uint64(root), err
}

// LockActivatable returns the stored instances holding the oldest
// activatable jobs of a type (at most limit jobs), locking those instances
// and skipping instances that other transactions hold.
func (t *Tx) LockActivatable(ctx context.Context, jobType string, limit int) ([]uint64, error) {
	q := `SELECT j.root FROM jobs j WHERE j.type = ? AND j.state = 0 ORDER BY j.key LIMIT ?`
	if t.d.kind == Postgres {
		q = `SELECT j.root FROM jobs j JOIN instances i ON i.key = j.root WHERE j.type = ? AND j.state = 0 ORDER BY j.key LIMIT ?` + t.skipLocked("i")
	}
	return t.keys(ctx, q, jobType, limit)
}

// LockDue returns active instances whose earliest timer is due at or
// before now, earliest first, locking them and skipping locked ones and
// those in except.
func (t *Tx) LockDue(ctx context.Context, now time.Time, limit int, except ...uint64) ([]uint64, error) {
	q, args := `SELECT key FROM instances WHERE next_due <= ?`, []any{now.UnixNano()}
	if len(except) > 0 {
		q += ` AND key NOT IN (` + placeholders(len(except)) + `)`
		args = append(args, i64s(except)...)
	}
	return t.keys(ctx, q+` ORDER BY next_due LIMIT ?`+t.skipLocked(""), append(args, limit)...)
}

// Subscribers returns, for each process id, the instance holding the
// oldest subscription for (name, correlation key): a message correlates
// to at most one subscription per process.
func (t *Tx) Subscribers(ctx context.Context, name, corrKey string) ([]uint64, error) {
	return t.keys(ctx, `SELECT root FROM (SELECT root, ROW_NUMBER() OVER (PARTITION BY process_id ORDER BY seq) AS rn
		FROM subscriptions WHERE name = ? AND corr_key = ?) s WHERE rn = 1`, name, corrKey)
}

// StartedBy returns the active instances started by a message with this
// name and correlation key (Zeebe's single-instance rule needs them).
func (t *Tx) StartedBy(ctx context.Context, name, corrKey string) ([]uint64, error) {
	return t.keys(ctx, `SELECT key FROM instances WHERE start_name = ? AND start_key = ? AND state = 'active'`, name, corrKey)
}

func (t *Tx) keys(ctx context.Context, q string, args ...any) ([]uint64, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []uint64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, uint64(k))
	}
	return uniq(out), rows.Err()
}

// uniq sorts keys and drops duplicates (in place).
func uniq(keys []uint64) []uint64 {
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := keys[:0]
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			out = append(out, k)
		}
	}
	return out
}

// ---- messages ----

// LoadMessages returns the buffered messages for the given (name,
// correlation key) pairs that expire after now, oldest first, locking them
// on PostgreSQL.
func (t *Tx) LoadMessages(ctx context.Context, pairs [][2]string, now time.Time) ([]Message, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	var cond []string
	args := []any{now.UnixNano()}
	for _, p := range pairs {
		cond = append(cond, "(name = ? AND corr_key = ?)")
		args = append(args, p[0], p[1])
	}
	lock := ""
	if t.d.kind == Postgres {
		lock = " FOR UPDATE"
	}
	rows, err := t.query(ctx, `SELECT key, name, corr_key, message_id, expires, data FROM messages WHERE expires > ? AND (`+
		strings.Join(cond, " OR ")+`) ORDER BY key`+lock, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var (
			m        Message
			key, exp int64
		)
		if err := rows.Scan(&key, &m.Name, &m.CorrKey, &m.MessageID, &exp, &m.Data); err != nil {
			return nil, err
		}
		m.Key, m.Expires = uint64(key), fromNS(exp)
		out = append(out, m)
	}
	return out, rows.Err()
}

// PutMessage inserts or replaces a buffered message.
func (t *Tx) PutMessage(ctx context.Context, m Message) error {
	_, err := t.exec(ctx, `INSERT INTO messages (key, name, corr_key, message_id, expires, data) VALUES (?,?,?,?,?,?)
		ON CONFLICT (key) DO UPDATE SET data = excluded.data, expires = excluded.expires`,
		int64(m.Key), m.Name, m.CorrKey, m.MessageID, ns(m.Expires), m.Data)
	return err
}

// DeleteMessage deletes a buffered message.
func (t *Tx) DeleteMessage(ctx context.Context, key uint64) error {
	_, err := t.exec(ctx, `DELETE FROM messages WHERE key = ?`, int64(key))
	return err
}

// DeleteExpiredMessages deletes the messages that expired at or before now.
func (d *DB) DeleteExpiredMessages(ctx context.Context, now time.Time) (int64, error) {
	res, err := d.sql.ExecContext(ctx, d.rebind(`DELETE FROM messages WHERE expires <= ?`), now.UnixNano())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// LockKeys takes transaction-scoped advisory locks on message keys
// (PostgreSQL; SQLite transactions are serialized already), in a fixed
// order.
func (t *Tx) LockKeys(ctx context.Context, pairs [][2]string) error {
	if t.d.kind != Postgres || len(pairs) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(pairs))
	for _, p := range pairs {
		ids = append(ids, lockID(p[0], p[1]))
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i, id := range ids {
		if i > 0 && id == ids[i-1] {
			continue
		}
		if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, id); err != nil {
			return err
		}
	}
	return nil
}

// lockID hashes a message key to an advisory lock id (FNV-1a, 64 bits).
func lockID(name, key string) int64 {
	h := uint64(14695981039346656037)
	for _, s := range []string{name, "\x00", key} {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
	}
	return int64(h)
}

// ---- globals ----

// LoadGlobal reads (and on PostgreSQL locks) a global row; a missing row
// is returned with version 0.
func (t *Tx) LoadGlobal(ctx context.Context, name string) (Global, error) {
	lock := ""
	if t.d.kind == Postgres {
		lock = " FOR UPDATE"
	}
	g := Global{Name: name}
	var due sql.NullInt64
	err := t.queryRow(ctx, `SELECT version, next_due, data FROM globals WHERE name = ?`+lock, name).Scan(&g.Version, &due, &g.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return g, nil
	}
	if due.Valid {
		g.NextDue = fromNS(due.Int64)
	}
	return g, err
}

// SaveGlobal writes a global row read with LoadGlobal (version check).
func (t *Tx) SaveGlobal(ctx context.Context, g *Global) error {
	if g.Version == 0 {
		if _, err := t.exec(ctx, `INSERT INTO globals (name, version, next_due, data) VALUES (?, 1, ?, ?)`, g.Name, nullNS(g.NextDue), g.Data); err != nil {
			if IsUniqueViolation(err) {
				return fmt.Errorf("%w: global %s", ErrConflict, g.Name)
			}
			return err
		}
		g.Version = 1
		return nil
	}
	res, err := t.exec(ctx, `UPDATE globals SET version = version + 1, next_due = ?, data = ? WHERE name = ? AND version = ?`, nullNS(g.NextDue), g.Data, g.Name, g.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return fmt.Errorf("%w: global %s", ErrConflict, g.Name)
	}
	g.Version++
	return nil
}

// LockDueGlobal reports whether the global row is due at now, locking it
// (skipping it when another transaction holds it).
func (t *Tx) LockDueGlobal(ctx context.Context, name string, now time.Time) (bool, error) {
	keys, err := t.keys(ctx, `SELECT 1 FROM globals WHERE name = ? AND next_due <= ?`+t.skipLocked(""), name, now.UnixNano())
	return len(keys) > 0, err
}

// ---- trace and notifications ----

// AppendTrace stores the trace events of one input for an instance.
func (t *Tx) AppendTrace(ctx context.Context, instance uint64, at time.Time, seq uint64, data []byte) error {
	_, err := t.exec(ctx, `INSERT INTO trace (instance, at, seq, data) VALUES (?,?,?,?)`, int64(instance), at.UnixNano(), int64(seq), data)
	return err
}

// Notify sends notifications to the nodes listening (PostgreSQL NOTIFY,
// delivered at commit; nothing on SQLite).
func (t *Tx) Notify(ctx context.Context, payloads ...string) error {
	if t.d.kind != Postgres || len(payloads) == 0 {
		return nil
	}
	calls := make([]string, len(payloads))
	args := make([]any, len(payloads))
	for i, p := range payloads {
		calls[i], args[i] = "pg_notify('bpmnrun', ?)", p
	}
	_, err := t.exec(ctx, `SELECT `+strings.Join(calls, ", "), args...)
	return err
}
