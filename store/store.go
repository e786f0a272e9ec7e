package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Kind is the kind of database behind a DB.
type Kind uint8

// Database kinds.
const (
	SQLite Kind = iota
	Postgres
)

func (k Kind) String() string { return [...]string{"sqlite", "postgres"}[k] }

// Errors. Every error of the store that is not a database error wraps one
// of these.
var (
	ErrConflict = errors.New("concurrent update")  // the row changed since it was read: retry the input
	ErrNotFound = errors.New("not found")          // no such row
	ErrURL      = errors.New("bad database URL")   // Open was given an unknown URL
	ErrSchema   = errors.New("unsupported schema") // the database was written by a newer bpmnrun
	// ErrKeyCollision means a key was handed out twice (a broken
	// invariant of the key allocation): the input is refused.
	ErrKeyCollision = errors.New("key collision")
)

// DB is an open store.
type DB struct {
	sql  *sql.DB
	kind Kind
	url  string // postgres: for the LISTEN connection
}

// Open opens (creating if needed) the store named by url:
//
//	sqlite:FILE             SQLite file (WAL mode, synchronous=FULL)
//	sqlite:FILE?sync=normal synchronous=NORMAL: survives a crash of the
//	                        process, may lose the last commits on power loss
//	sqlite::memory:         an in-memory database (tests)
//	postgres://... or postgresql://...  PostgreSQL (pgx connection string)
func Open(ctx context.Context, rawURL string) (*DB, error) {
	var (
		d   *DB
		err error
	)
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		d, err = openSQLite(strings.TrimPrefix(rawURL, "sqlite:"))
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		d, err = openPostgres(rawURL)
	default:
		return nil, fmt.Errorf("%w %q: want sqlite:FILE or postgres://...", ErrURL, rawURL)
	}
	if err != nil {
		return nil, err
	}
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func openSQLite(spec string) (*DB, error) {
	path, query, _ := strings.Cut(spec, "?")
	if path == "" {
		return nil, fmt.Errorf("%w: sqlite: needs a file name", ErrURL)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrURL, err)
	}
	sync := "FULL"
	for k, v := range q {
		switch {
		case k == "sync" && len(v) == 1 && (strings.EqualFold(v[0], "full") || strings.EqualFold(v[0], "normal")):
			sync = strings.ToUpper(v[0])
		default:
			return nil, fmt.Errorf("%w: sqlite option %s=%s (known: sync=full|normal)", ErrURL, k, strings.Join(v, ","))
		}
	}
	dsn := "file:" + path + "?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=synchronous(" + sync + ")"
	if path != ":memory:" {
		dsn += "&_pragma=journal_mode(WAL)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One connection: SQLite has one writer anyway, and a FIFO of callers
	// waiting for the connection is fairer than SQLite's busy polling.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return &DB{sql: db, kind: SQLite}, nil
}

func openPostgres(u string) (*DB, error) {
	db, err := sql.Open("pgx", u)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrURL, err)
	}
	db.SetMaxOpenConns(24)
	db.SetMaxIdleConns(24)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{sql: db, kind: Postgres, url: u}, nil
}

// Kind returns the kind of database.
func (d *DB) Kind() Kind { return d.kind }

// Close closes the database.
func (d *DB) Close() error { return d.sql.Close() }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.sql.PingContext(ctx) }

// Retryable reports whether err means that the transaction lost a race and
// the whole input should be run again: ErrConflict, a PostgreSQL
// serialization failure or deadlock, or a busy SQLite database.
func Retryable(err error) bool {
	if errors.Is(err, ErrConflict) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return true
		}
	}
	return false
}

// IsUniqueViolation reports whether err is a violated unique constraint.
func IsUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == 2067 || se.Code() == 1555 // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
	}
	return false
}

// rebind turns the ? placeholders of a query into $1, $2, ... for PostgreSQL.
func (d *DB) rebind(q string) string {
	if d.kind != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// placeholders returns "?,?,?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// ReserveKeys reserves n consecutive keys for the caller's engine and
// returns the first. Keys are unique across all nodes of the database.
func (d *DB) ReserveKeys(ctx context.Context, n uint64) (uint64, error) {
	var end int64
	err := d.sql.QueryRowContext(ctx, d.rebind(`UPDATE meta SET value = value + ? WHERE name = 'keys' RETURNING value`), int64(n)).Scan(&end)
	if err != nil {
		return 0, fmt.Errorf("reserving keys: %w", err)
	}
	return uint64(end) - n, nil
}

// ns converts a time to the stored form (0 for the zero time).
func ns(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNS converts a stored time back (the zero time for 0).
func fromNS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

func nullNS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

func i64s(keys []uint64) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = int64(k)
	}
	return out
}
