package serve

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// The operations of the server, one input (one transaction) each, as the
// HTTP handlers call them (this file, instances.go, messages.go, jobs.go,
// incidents.go). Their request and response types are the JSON bodies of
// the API (openapi.yaml).

// Error is an error of an operation with its HTTP status and a stable code.
type Error struct {
	Status  int      `json:"-"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Key     uint64   `json:"key,omitempty"` // the instance of a timed-out synchronous start
	Details []string `json:"details,omitempty"`
}

func (e *Error) Error() string { return e.Message }

func apiErr(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *Error { return apiErr(404, "NOT_FOUND", format, args...) }

// syncRegistry reads the deployments made by other nodes. On PostgreSQL
// it asks only after a "deploy" notification (or a reconnection of the
// listener); inputs that meet an unknown deployment read it themselves.
func (s *Server) syncRegistry(ctx context.Context) error {
	if s.db.Kind() == store.Postgres && !s.regStale.Swap(false) {
		return nil
	}
	return s.readDeployments(ctx)
}

// readDeployments reads deployments made elsewhere, if any.
func (s *Server) readDeployments(ctx context.Context) error {
	last, err := s.db.LastDeployment(ctx)
	if err != nil {
		return err
	}
	if last > s.reg.lastID() {
		return s.reg.refresh(ctx, s.db)
	}
	return nil
}

// compatible drops loaded instances that need another version of a
// process than an instance loaded before them; they stay due or ready and
// are taken by a later input.
func (t *txn) compatible() {
	keys := make([]uint64, 0, len(t.rows))
	for k := range t.rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	chosen := map[string]int64{}
	for _, k := range keys {
		r := t.rows[k]
		if d, ok := chosen[r.ProcessID]; ok && d != r.Deployment {
			delete(t.rows, k)
			continue
		}
		chosen[r.ProcessID] = r.Deployment
	}
}

// Deployments.

// ProcessInfo is a deployed process version.
type ProcessInfo struct {
	ProcessID     string `json:"processId"`
	Version       int    `json:"version"`
	DeploymentKey int64  `json:"deploymentKey"`
}

// DeployResponse answers a deployment.
type DeployResponse struct {
	Key        int64         `json:"key"`
	Name       string        `json:"name"`
	Digest     string        `json:"digest"`
	Duplicate  bool          `json:"duplicate"`
	DeployedAt time.Time     `json:"deployedAt"`
	Processes  []ProcessInfo `json:"processes"`
}

func deployResponse(d *deployment, dup bool) DeployResponse {
	r := DeployResponse{Key: d.ID, Name: d.Name, Digest: d.Digest, Duplicate: dup, DeployedAt: d.DeployedAt}
	for _, p := range d.Processes {
		r.Processes = append(r.Processes, ProcessInfo{ProcessID: p.ProcessID, Version: p.Version, DeploymentKey: d.ID})
	}
	return r
}

// Deploy deploys a model file. Deploying the same file again is a no-op
// (Duplicate); a changed file gives its processes new versions, which new
// instances use while running instances keep theirs.
func (s *Server) Deploy(ctx context.Context, name string, xml []byte) (DeployResponse, error) {
	prog, err := compileModel(name, xml)
	if err != nil {
		return DeployResponse{}, modelError(err)
	}
	if len(prog.Processes()) == 0 {
		return DeployResponse{}, apiErr(400, "INVALID_MODEL", "%s: no executable process", name)
	}
	sum := digest(xml)
	if err := s.syncRegistry(ctx); err != nil {
		return DeployResponse{}, err
	}
	if d := s.reg.sameAsLatest(prog, sum); d != nil {
		return deployResponse(d, true), nil
	}
	var dep store.Deployment
	err = s.run(ctx, "deploy", func(t *txn) error {
		dep = store.Deployment{Name: name, Digest: sum, XML: xml, DeployedAt: t.now}
		for _, pid := range prog.Processes() {
			dep.Processes = append(dep.Processes, store.ProcessVersion{ProcessID: pid})
		}
		if err := t.tx.InsertDeployment(t.ctx, &dep); err != nil {
			return err
		}
		if err := t.loadGlobals(); err != nil {
			return err
		}
		t.redeployed, t.deployed = prog.Processes(), true
		return t.exec(false, func(e *interp.Engine) error {
			if err := e.Deploy(prog); err != nil {
				return modelError(err)
			}
			return nil
		})
	})
	if err != nil {
		return DeployResponse{}, err
	}
	d := &deployment{Deployment: dep, prog: prog}
	s.reg.add(d)
	s.logf("deployed %s as deployment %d (%s)", name, dep.ID, processList(dep.Processes))
	return deployResponse(s.reg.get(dep.ID), false), nil
}

func processList(ps []store.ProcessVersion) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s v%d", p.ProcessID, p.Version)
	}
	return s
}

// modelError turns a parse, validation or compile error into a 400 that
// lists every problem.
func modelError(err error) error {
	e := apiErr(400, "INVALID_MODEL", "%s", firstLine(err.Error()))
	for _, line := range splitLines(err.Error()) {
		e.Details = append(e.Details, line)
	}
	return e
}
