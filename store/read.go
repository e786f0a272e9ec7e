package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Deployment is a deployed model file: its processes get new versions.
type Deployment struct {
	ID         int64
	Name       string
	Digest     string // sha256 of the XML, hex
	XML        []byte
	DeployedAt time.Time
	Processes  []ProcessVersion
}

// ProcessVersion is one process of a deployment.
type ProcessVersion struct {
	ProcessID string
	Version   int
}

// InsertDeployment stores a deployment and gives each of its processes the
// next version. d.ID and d.Processes[i].Version are set.
func (t *Tx) InsertDeployment(ctx context.Context, d *Deployment) error {
	q := `INSERT INTO deployments (name, digest, xml, deployed_at) VALUES (?,?,?,?) RETURNING id`
	if err := t.queryRow(ctx, q, d.Name, d.Digest, d.XML, ns(d.DeployedAt)).Scan(&d.ID); err != nil {
		return err
	}
	for i := range d.Processes {
		p := &d.Processes[i]
		var v int64
		if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM processes WHERE process_id = ?`, p.ProcessID).Scan(&v); err != nil {
			return err
		}
		p.Version = int(v) + 1
		if _, err := t.exec(ctx, `INSERT INTO processes (process_id, version, deployment) VALUES (?,?,?)`, p.ProcessID, p.Version, d.ID); err != nil {
			if IsUniqueViolation(err) {
				return fmt.Errorf("%w: process %s deployed concurrently", ErrConflict, p.ProcessID)
			}
			return err
		}
	}
	return nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Deployments returns the deployments with an id above after, in id order.
func (d *DB) Deployments(ctx context.Context, after int64) ([]Deployment, error) {
	return d.deployments(ctx, d.sql, after)
}

// Deployments is DB.Deployments inside the transaction.
func (t *Tx) Deployments(ctx context.Context, after int64) ([]Deployment, error) {
	return t.d.deployments(ctx, t.tx, after)
}

func (d *DB) deployments(ctx context.Context, q querier, after int64) ([]Deployment, error) {
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT id, name, digest, xml, deployed_at FROM deployments WHERE id > ? ORDER BY id`), after)
	if err != nil {
		return nil, err
	}
	var out []Deployment
	for rows.Next() {
		var (
			dep Deployment
			at  int64
		)
		if err := rows.Scan(&dep.ID, &dep.Name, &dep.Digest, &dep.XML, &at); err != nil {
			rows.Close()
			return nil, err
		}
		dep.DeployedAt = fromNS(at)
		out = append(out, dep)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	byID := map[int64]*Deployment{}
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	rows, err = q.QueryContext(ctx, d.rebind(`SELECT process_id, version, deployment FROM processes WHERE deployment > ? ORDER BY deployment, process_id`), after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			p   ProcessVersion
			dep int64
		)
		if err := rows.Scan(&p.ProcessID, &p.Version, &dep); err != nil {
			return nil, err
		}
		if x := byID[dep]; x != nil {
			x.Processes = append(x.Processes, p)
		}
	}
	return out, rows.Err()
}

// LastDeployment returns the highest deployment id (0 when none).
func (d *DB) LastDeployment(ctx context.Context) (int64, error) {
	var id int64
	err := d.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM deployments`).Scan(&id)
	return id, err
}

// LastDeployment is DB.LastDeployment inside the transaction.
func (t *Tx) LastDeployment(ctx context.Context) (int64, error) {
	var id int64
	err := t.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM deployments`).Scan(&id)
	return id, err
}

// Instance returns a stored instance, active or ended.
func (d *DB) Instance(ctx context.Context, key uint64) (Instance, error) {
	r, err := scanInstance(d.sql.QueryRowContext(ctx, d.rebind(`SELECT `+instanceCols+` FROM instances WHERE key = ?`), int64(key)))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: instance %d", ErrNotFound, key)
	}
	return r, err
}

// InstanceState returns the state of a stored instance and, when it has
// ended, its final variables.
func (d *DB) InstanceState(ctx context.Context, key uint64) (state string, vars []byte, err error) {
	err = d.sql.QueryRowContext(ctx, d.rebind(`SELECT state, variables FROM instances WHERE key = ?`), int64(key)).Scan(&state, &vars)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("%w: instance %d", ErrNotFound, key)
	}
	return state, vars, err
}

// Jobs returns the open jobs of a stored instance.
func (d *DB) Jobs(ctx context.Context, root uint64) ([]Job, error) {
	rows, err := d.sql.QueryContext(ctx, d.rebind(`SELECT key, root, instance, type, state, process_id, element_id, retries, deadline, error_msg FROM jobs WHERE root = ? ORDER BY key`), int64(root))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var (
			j                   Job
			key, r, inst, dline int64
		)
		if err := rows.Scan(&key, &r, &inst, &j.Type, &j.State, &j.ProcessID, &j.ElementID, &j.Retries, &dline, &j.ErrorMsg); err != nil {
			return nil, err
		}
		j.Key, j.Root, j.Instance, j.Deadline = uint64(key), uint64(r), uint64(inst), fromNS(dline)
		out = append(out, j)
	}
	return out, rows.Err()
}

// Incidents returns the open incidents, of one stored instance when root
// is not 0, in key order.
func (d *DB) Incidents(ctx context.Context, root uint64) ([]Incident, error) {
	q, args := `SELECT key, root, instance, kind, process_id, element_id, job_key, message, error_code, at FROM incidents ORDER BY key`, []any{}
	if root != 0 {
		q, args = `SELECT key, root, instance, kind, process_id, element_id, job_key, message, error_code, at FROM incidents WHERE root = ? ORDER BY key`, []any{int64(root)}
	}
	rows, err := d.sql.QueryContext(ctx, d.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		var (
			i                     Incident
			key, r, inst, job, at int64
		)
		if err := rows.Scan(&key, &r, &inst, &i.Kind, &i.ProcessID, &i.ElementID, &job, &i.Message, &i.ErrorCode, &at); err != nil {
			return nil, err
		}
		i.Key, i.Root, i.Instance, i.JobKey, i.At = uint64(key), uint64(r), uint64(inst), uint64(job), fromNS(at)
		out = append(out, i)
	}
	return out, rows.Err()
}

// Trace returns the stored trace batches of an instance, in order.
func (d *DB) Trace(ctx context.Context, instance uint64) ([][]byte, error) {
	rows, err := d.sql.QueryContext(ctx, d.rebind(`SELECT data FROM trace WHERE instance = ? ORDER BY at, seq`), int64(instance))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// NextDue returns the earliest due time of an instance timer or of a
// global row (false when nothing is scheduled).
func (d *DB) NextDue(ctx context.Context) (time.Time, bool, error) {
	var a, b sql.NullInt64
	if err := d.sql.QueryRowContext(ctx, `SELECT MIN(next_due) FROM instances WHERE next_due IS NOT NULL`).Scan(&a); err != nil {
		return time.Time{}, false, err
	}
	if err := d.sql.QueryRowContext(ctx, `SELECT MIN(next_due) FROM globals WHERE next_due IS NOT NULL`).Scan(&b); err != nil {
		return time.Time{}, false, err
	}
	switch {
	case a.Valid && b.Valid:
		return fromNS(min(a.Int64, b.Int64)), true, nil
	case a.Valid:
		return fromNS(a.Int64), true, nil
	case b.Valid:
		return fromNS(b.Int64), true, nil
	}
	return time.Time{}, false, nil
}

// Counts returns the number of stored instances by state and the number
// of open jobs (for /metrics and tests).
func (d *DB) Counts(ctx context.Context) (map[string]int64, error) {
	rows, err := d.sql.QueryContext(ctx, `SELECT state, COUNT(*) FROM instances GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var (
			s string
			n int64
		)
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
