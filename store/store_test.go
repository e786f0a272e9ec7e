package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// dbs runs f on a fresh SQLite file and, when BPMNRUN_TEST_POSTGRES is
// set (scripts/postgres.sh prints a DSN), on a fresh PostgreSQL database.
func dbs(t *testing.T, f func(t *testing.T, d *DB)) {
	t.Run("sqlite", func(t *testing.T) {
		d, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		f(t, d)
	})
	t.Run("postgres", func(t *testing.T) {
		d := openPostgresTest(t)
		defer d.Close()
		f(t, d)
	})
}

func openPostgresTest(t *testing.T) *DB {
	t.Helper()
	dsn := os.Getenv("BPMNRUN_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PostgreSQL tests skipped: set BPMNRUN_TEST_POSTGRES (scripts/postgres.sh prints a DSN)")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("bpmnrun_store_%d_%d", time.Now().UnixNano()%1e9, rand.IntN(1e6))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", dsn)
		if err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	u, _ := url.Parse(dsn)
	u.Path = "/" + name
	d, err := Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestOpenURLs(t *testing.T) {
	ctx := context.Background()
	for _, bad := range []string{"mysql://x", "sqlite:", "sqlite:x.db?sync=sometimes", "sqlite:x.db?journal=off", "file.db"} {
		if _, err := Open(ctx, bad); !errors.Is(err, ErrURL) {
			t.Errorf("Open(%q): %v, want ErrURL", bad, err)
		}
	}
	d, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "n.db")+"?sync=normal")
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	mem, err := Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if mem.Kind() != SQLite {
		t.Fatal(mem.Kind())
	}
}

func TestSchemaVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.db")
	d, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	d.sql.Exec(`UPDATE meta SET value = 99 WHERE name = 'schema'`)
	d.Close()
	if _, err := Open(ctx, "sqlite:"+path); !errors.Is(err, ErrSchema) {
		t.Fatalf("opening a newer schema: %v, want ErrSchema", err)
	}
}

func TestReserveKeysUnique(t *testing.T) {
	dbs(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		var mu sync.Mutex
		seen := map[uint64]bool{}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					first, err := d.ReserveKeys(ctx, 100)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if seen[first] {
						t.Errorf("block %d reserved twice", first)
					}
					seen[first] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 80 {
			t.Fatalf("%d blocks", len(seen))
		}
	})
}

func TestInstanceVersions(t *testing.T) {
	dbs(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		tx, _ := d.Begin(ctx)
		r := &Instance{Key: 7, ProcessID: "p", Deployment: 1, State: StateActive, Snapshot: []byte(`{}`), Clock: time.Unix(1, 0), StartedAt: time.Unix(1, 0), NextDue: time.Unix(5, 0)}
		if err := tx.InsertInstance(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		// Two transactions read version 1; the second write conflicts.
		tx1, _ := d.Begin(ctx)
		a, err := tx1.LoadInstances(ctx, []uint64{7})
		if err != nil || len(a) != 1 || a[0].Version != 1 || !a[0].NextDue.Equal(time.Unix(5, 0)) {
			t.Fatalf("load: %v %+v", err, a)
		}
		stale := a[0]
		a[0].Snapshot = []byte(`{"x":1}`)
		if err := tx1.UpdateInstance(ctx, &a[0]); err != nil || a[0].Version != 2 {
			t.Fatalf("update: %v %d", err, a[0].Version)
		}
		tx1.Commit()
		tx2, _ := d.Begin(ctx)
		defer tx2.Rollback()
		err = tx2.UpdateInstance(ctx, &stale)
		if !errors.Is(err, ErrConflict) || !Retryable(err) {
			t.Fatalf("stale update: %v, want a retryable ErrConflict", err)
		}
	})
}

func TestWriteIndexDiff(t *testing.T) {
	dbs(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		job := func(k uint64, state int) Job {
			return Job{Key: k, Root: 1, Instance: 1, Type: "t", State: state, ProcessID: "p", ElementID: "e"}
		}
		v1 := Index{Jobs: []Job{job(10, JobActivatable), job(11, JobActivatable)},
			Subscriptions: []Subscription{{Seq: 3, Root: 1, Instance: 1, Name: "m", CorrKey: "k", ProcessID: "p", ElementID: "c"}}}
		v2 := Index{Jobs: []Job{job(11, JobActivated), job(12, JobActivatable)},
			Incidents: []Incident{{Key: 20, Root: 1, Instance: 1, Kind: "JOB_NO_RETRIES", ProcessID: "p", ElementID: "e", JobKey: 11, At: time.Unix(9, 0).UTC()}}}
		tx, _ := d.Begin(ctx)
		if err := tx.InsertInstance(ctx, &Instance{Key: 1, ProcessID: "p", State: StateActive, Snapshot: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		if err := tx.WriteIndex(ctx, 1, Index{}, v1); err != nil {
			t.Fatal(err)
		}
		if err := tx.WriteIndex(ctx, 1, v1, v2); err != nil {
			t.Fatal(err)
		}
		roots, err := tx.LockActivatable(ctx, "t", 10)
		if err != nil || len(roots) != 1 || roots[0] != 1 {
			t.Fatalf("activatable: %v %v", err, roots)
		}
		if subs, _ := tx.Subscribers(ctx, "m", "k"); len(subs) != 0 {
			t.Fatalf("subscription not deleted: %v", subs)
		}
		tx.Commit()
		jobs, err := d.Jobs(ctx, 1)
		if err != nil || len(jobs) != 2 || jobs[0].Key != 11 || jobs[0].State != JobActivated || jobs[1].Key != 12 {
			t.Fatalf("jobs: %v %+v", err, jobs)
		}
		incs, err := d.Incidents(ctx, 1)
		if err != nil || len(incs) != 1 || incs[0].Key != 20 || !incs[0].At.Equal(time.Unix(9, 0)) {
			t.Fatalf("incidents: %v %+v", err, incs)
		}
		// A job key already held by another instance is refused.
		tx, _ = d.Begin(ctx)
		err = tx.WriteIndex(ctx, 2, Index{}, Index{Jobs: []Job{{Key: 11, Root: 2, Instance: 2, Type: "t", ProcessID: "p", ElementID: "e"}}})
		if !errors.Is(err, ErrKeyCollision) {
			t.Fatalf("job key of another instance: %v, want ErrKeyCollision", err)
		}
		tx.Rollback()
		tx, _ = d.Begin(ctx)
		tx.WriteIndex(ctx, 1, v2, Index{})
		tx.Commit()
		if jobs, _ := d.Jobs(ctx, 1); len(jobs) != 0 {
			t.Fatalf("jobs after the end: %+v", jobs)
		}
	})
}

// TestSkipLocked: two transactions selecting activatable jobs get
// disjoint instances (PostgreSQL).
func TestSkipLocked(t *testing.T) {
	d := openPostgresTest(t)
	defer d.Close()
	ctx := context.Background()
	tx, _ := d.Begin(ctx)
	for k := uint64(1); k <= 4; k++ {
		r := &Instance{Key: k, ProcessID: "p", Deployment: 1, State: StateActive, Snapshot: []byte(`{}`), Clock: time.Unix(1, 0), StartedAt: time.Unix(1, 0), NextDue: time.Unix(1, 0)}
		if err := tx.InsertInstance(ctx, r); err != nil {
			t.Fatal(err)
		}
		tx.WriteIndex(ctx, k, Index{}, Index{Jobs: []Job{{Key: 100 + k, Instance: k, Type: "t", ProcessID: "p", ElementID: "e"}}})
	}
	tx.Commit()
	a, _ := d.Begin(ctx)
	defer a.Rollback()
	b, _ := d.Begin(ctx)
	defer b.Rollback()
	ra, err := a.LockActivatable(ctx, "t", 2)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.LockActivatable(ctx, "t", 10)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ra) != "[1 2]" || fmt.Sprint(rb) != "[3 4]" {
		t.Fatalf("activatable: %v and %v, want [1 2] and [3 4]", ra, rb)
	}
	// a sees its own locked instances as due, not those b holds.
	if da, _ := a.LockDue(ctx, time.Unix(2, 0), 10); fmt.Sprint(da) != "[1 2]" {
		t.Fatalf("due instances: %v, want [1 2]", da)
	}
}

func TestMessagesAndGlobals(t *testing.T) {
	dbs(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		now := time.Unix(100, 0)
		tx, _ := d.Begin(ctx)
		for i, exp := range []int64{50, 150, 200} {
			m := Message{Key: uint64(i + 1), Name: "m", CorrKey: "k", MessageID: fmt.Sprint(i), Expires: time.Unix(exp, 0), Data: []byte(`{}`)}
			if err := tx.PutMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.LockKeys(ctx, [][2]string{{"m", "k"}, {"m", "k"}}); err != nil {
			t.Fatal(err)
		}
		ms, err := tx.LoadMessages(ctx, [][2]string{{"m", "k"}, {"x", "y"}}, now)
		if err != nil || len(ms) != 2 || ms[0].Key != 2 {
			t.Fatalf("messages: %v %+v", err, ms)
		}
		g, err := tx.LoadGlobal(ctx, "g")
		if err != nil || g.Version != 0 {
			t.Fatalf("missing global: %v %+v", err, g)
		}
		g.Data, g.NextDue = []byte(`[]`), time.Unix(90, 0)
		if err := tx.SaveGlobal(ctx, &g); err != nil {
			t.Fatal(err)
		}
		if due, err := tx.LockDueGlobal(ctx, "g", now); err != nil || !due {
			t.Fatalf("due global: %v %v", due, err)
		}
		tx.Commit()
		if n, err := d.DeleteExpiredMessages(ctx, now); err != nil || n != 1 {
			t.Fatalf("expired: %d %v", n, err)
		}
		if at, ok, err := d.NextDue(ctx); err != nil || !ok || !at.Equal(time.Unix(90, 0)) {
			t.Fatalf("next due: %v %v %v", at, ok, err)
		}
	})
}

func TestDeployments(t *testing.T) {
	dbs(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		for i := range 2 {
			tx, _ := d.Begin(ctx)
			dep := &Deployment{Name: "a.bpmn", Digest: fmt.Sprint(i), XML: []byte("<x/>"), DeployedAt: time.Unix(1, 0),
				Processes: []ProcessVersion{{ProcessID: "p"}, {ProcessID: "q"}}}
			if err := tx.InsertDeployment(ctx, dep); err != nil {
				t.Fatal(err)
			}
			if dep.Processes[0].Version != i+1 {
				t.Fatalf("version %d, want %d", dep.Processes[0].Version, i+1)
			}
			tx.Commit()
		}
		deps, err := d.Deployments(ctx, 0)
		if err != nil || len(deps) != 2 || len(deps[1].Processes) != 2 || deps[1].Processes[1].Version != 2 {
			t.Fatalf("deployments: %v %+v", err, deps)
		}
		if last, _ := d.LastDeployment(ctx); last != deps[1].ID {
			t.Fatalf("last %d", last)
		}
	})
}
