package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// deployment is a stored deployment with its compiled program.
type deployment struct {
	store.Deployment
	prog *interp.Program
}

// registry caches the deployments of the store, compiled once. Every node
// reads new deployments from the store when an input needs them.
type registry struct {
	mu     sync.Mutex
	last   int64
	byID   map[int64]*deployment
	latest map[string]*deployment // process id -> latest deployment
	order  []string               // process ids in order of first deployment
}

func newRegistry() *registry {
	return &registry{byID: map[int64]*deployment{}, latest: map[string]*deployment{}}
}

// compileModel parses and compiles a model file.
func compileModel(name string, xml []byte) (*interp.Program, error) {
	defs, err := bpmn.ParseBytes(name, xml)
	if err != nil {
		return nil, err
	}
	return interp.Compile(defs)
}

func digest(xml []byte) string {
	sum := sha256.Sum256(xml)
	return hex.EncodeToString(sum[:])
}

// lister reads deployments: a *store.DB or a *store.Tx.
type lister interface {
	Deployments(ctx context.Context, after int64) ([]store.Deployment, error)
}

// refresh loads the deployments added since the last refresh.
func (r *registry) refresh(ctx context.Context, db lister) error {
	r.mu.Lock()
	after := r.last
	r.mu.Unlock()
	deps, err := db.Deployments(ctx, after)
	if err != nil {
		return fmt.Errorf("reading deployments: %w", err)
	}
	for _, d := range deps {
		prog, err := compileModel(d.Name, d.XML)
		if err != nil {
			return fmt.Errorf("deployment %d (%s) no longer compiles: %w", d.ID, d.Name, err)
		}
		r.add(&deployment{Deployment: d, prog: prog})
	}
	return nil
}

// add records a deployment (idempotent).
func (r *registry) add(d *deployment) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID[d.ID] != nil {
		return
	}
	r.byID[d.ID] = d
	if d.ID > r.last {
		r.last = d.ID
	}
	for _, p := range d.Processes {
		old := r.latest[p.ProcessID]
		if old == nil {
			r.order = append(r.order, p.ProcessID)
		}
		if old == nil || old.ID < d.ID {
			r.latest[p.ProcessID] = d
		}
	}
}

// lastID returns the highest deployment id known.
func (r *registry) lastID() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// get returns a deployment by id.
func (r *registry) get(id int64) *deployment {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byID[id]
}

// latestOf returns the latest deployment of a process id.
func (r *registry) latestOf(pid string) *deployment {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.latest[pid]
}

// sameAsLatest returns the existing deployment when every process of prog
// is deployed in its latest version from a file with this digest.
func (r *registry) sameAsLatest(prog *interp.Program, sum string) *deployment {
	r.mu.Lock()
	defer r.mu.Unlock()
	var found *deployment
	for _, pid := range prog.Processes() {
		d := r.latest[pid]
		if d == nil || d.Digest != sum || (found != nil && found != d) {
			return nil
		}
		found = d
	}
	return found
}

// programSet is the set of programs one engine runs with: the latest
// version of every process, except that the processes of loaded instances
// use the deployment those instances were started with.
type programSet struct {
	processes []string
	progs     []*interp.Program
	deploy    map[string]int64 // process id -> deployment used
}

// errVersions reports two loaded instances that need different versions of
// one process in the same engine (the engine keys programs by process id).
type errVersions struct{ process string }

func (e errVersions) Error() string {
	return fmt.Sprintf("instances of two versions of process %q in one input: not supported yet", e.process)
}

// programsFor returns the program set for instances started with the given
// deployments (process id -> deployment id).
func (r *registry) programsFor(need map[string]int64) (*programSet, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ps := &programSet{processes: append([]string(nil), r.order...), deploy: map[string]int64{}}
	var ids []int64
	seen := map[int64]bool{}
	for _, pid := range r.order {
		d := r.latest[pid]
		ps.deploy[pid] = d.ID
		if !seen[d.ID] {
			seen[d.ID] = true
			ids = append(ids, d.ID)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		ps.progs = append(ps.progs, r.byID[id].prog)
	}
	// Older versions needed by loaded instances come last: Restore takes
	// the last program given for a process id.
	var old []int64
	pids := make([]string, 0, len(need))
	for pid := range need {
		pids = append(pids, pid)
	}
	sort.Strings(pids)
	for _, pid := range pids {
		id := need[pid]
		if id == ps.deploy[pid] {
			continue
		}
		d := r.byID[id]
		if d == nil {
			return nil, fmt.Errorf("deployment %d of process %q is unknown", id, pid)
		}
		old = append(old, id)
	}
	sort.Slice(old, func(i, j int) bool { return old[i] < old[j] })
	for _, id := range old {
		d := r.byID[id]
		for _, p := range d.Processes {
			if want, ok := need[p.ProcessID]; ok && want != id && want != ps.deploy[p.ProcessID] {
				return nil, errVersions{p.ProcessID}
			}
			ps.deploy[p.ProcessID] = id
		}
		ps.progs = append(ps.progs, d.prog)
	}
	return ps, nil
}
