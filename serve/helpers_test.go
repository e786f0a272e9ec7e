package serve

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/client"
	"github.com/bpmnrun/bpmnrun/store"
)

// postgresEnv names the variable holding a PostgreSQL DSN for the tests
// (scripts/postgres.sh prints one); without it PostgreSQL tests skip.
const postgresEnv = "BPMNRUN_TEST_POSTGRES"

// stores runs f once per available store kind.
func stores(t *testing.T, f func(t *testing.T, newURL func(t *testing.T) string)) {
	t.Run("sqlite", func(t *testing.T) { f(t, sqliteURL) })
	t.Run("postgres", func(t *testing.T) { f(t, postgresURL) })
}

func sqliteURL(t *testing.T) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "bpmnrun.db")
}

// postgresURL creates a fresh database in the cluster of $BPMNRUN_TEST_POSTGRES
// (dropped at the end of the test) and returns its URL, or skips the test.
func postgresURL(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skip("PostgreSQL tests skipped: set " + postgresEnv + " to a DSN (scripts/postgres.sh starts a throwaway cluster and prints one)")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("%s: %v", postgresEnv, err)
	}
	defer admin.Close()
	name := fmt.Sprintf("bpmnrun_test_%d_%d", time.Now().UnixNano()%1e9, rand.IntN(1e6))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("creating a test database with %s=%s: %v", postgresEnv, dsn, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", postgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// testServer is a Server on httptest, with its timer loop running.
type testServer struct {
	srv    *Server
	http   *httptest.Server
	c      *client.Client
	db     *store.DB
	cancel context.CancelFunc
	done   chan struct{}
}

func startServer(t *testing.T, dbURL string, opt ...func(*Options)) *testServer {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{DB: db, Trace: true, Poll: 200 * time.Millisecond}
	for _, o := range opt {
		o(&opts)
	}
	srv, err := New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: srv, db: db, done: make(chan struct{})}
	ts.http = httptest.NewServer(srv.Handler())
	ts.c = client.New(ts.http.URL, client.WithToken(opts.Token))
	runCtx, cancel := context.WithCancel(ctx)
	ts.cancel = cancel
	go func() {
		defer close(ts.done)
		srv.Run(runCtx)
	}()
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) stop() {
	if ts.cancel == nil {
		return
	}
	ts.cancel()
	<-ts.done
	ts.http.Close()
	ts.srv.Close()
	ts.db.Close()
	ts.cancel = nil
}

func readModel(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func deploy(t *testing.T, c *client.Client, name string) client.Deployment {
	t.Helper()
	d, err := c.Deploy(context.Background(), name, readModel(t, name))
	if err != nil {
		t.Fatalf("deploying %s: %v", name, err)
	}
	return d
}

// workers runs a worker per job type until the test ends; each completes
// its jobs with the variables returned by fn (nil fn: no variables).
func workers(t *testing.T, c *client.Client, fn func(client.Job) map[string]any, types ...string) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, typ := range types {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := client.Worker{Type: typ, Concurrency: 4, Poll: 200 * time.Millisecond, Timeout: 10 * time.Second}
			w.Run(ctx, c, func(_ context.Context, j client.Job) (map[string]any, error) {
				if fn == nil {
					return nil, nil
				}
				return fn(j), nil
			})
		}()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// waitState polls an instance until it has the wanted state.
func waitState(t *testing.T, c *client.Client, key uint64, want string, within time.Duration) client.Instance {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		inst, err := c.Instance(context.Background(), key, true)
		if err != nil {
			t.Fatalf("reading instance %d: %v", key, err)
		}
		if inst.State == want {
			return inst
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance %d is %s after %v, want %s (elements %+v, jobs %+v, incidents %+v)", key, inst.State, within, want, inst.Elements, inst.Jobs, inst.Incidents)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func isStatus(err error, target error) bool { return errors.Is(err, target) }
