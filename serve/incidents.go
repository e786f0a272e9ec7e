package serve

import (
	"context"
	"errors"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// Incidents: list and resolve.

// IncidentInfo is an open incident.
type IncidentInfo struct {
	Key                    uint64    `json:"key"`
	Kind                   string    `json:"kind"`
	ProcessInstanceKey     uint64    `json:"processInstanceKey"`
	RootProcessInstanceKey uint64    `json:"rootProcessInstanceKey"`
	ProcessID              string    `json:"processId"`
	ElementID              string    `json:"elementId"`
	JobKey                 uint64    `json:"jobKey,omitempty"`
	Message                string    `json:"message"`
	ErrorCode              string    `json:"errorCode,omitempty"`
	At                     time.Time `json:"at"`
}

func incidentInfo(i store.Incident) IncidentInfo {
	return IncidentInfo{Key: i.Key, Kind: i.Kind, ProcessInstanceKey: i.Instance, RootProcessInstanceKey: i.Root, ProcessID: i.ProcessID,
		ElementID: i.ElementID, JobKey: i.JobKey, Message: i.Message, ErrorCode: i.ErrorCode, At: i.At}
}

// Incidents lists the open incidents (of one instance when root != 0).
func (s *Server) Incidents(ctx context.Context, root uint64) ([]IncidentInfo, error) {
	rows, err := s.db.Incidents(ctx, root)
	if err != nil {
		return nil, err
	}
	out := make([]IncidentInfo, 0, len(rows))
	for _, r := range rows {
		out = append(out, incidentInfo(r))
	}
	return out, nil
}

// ResolveRequest resolves an incident; for a job out of retries, Retries
// (> 0) gives the job new retries first.
type ResolveRequest struct {
	Retries *int `json:"retries,omitempty"`
}

// Resolve resolves an incident: the failed step runs again.
func (s *Server) Resolve(ctx context.Context, key uint64, req ResolveRequest) (string, error) {
	var warning string
	err := s.run(ctx, "resolve", func(t *txn) error {
		root, err := t.tx.IncidentRoot(t.ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("no open incident with key %d", key)
		}
		if err != nil {
			return err
		}
		if err := t.load(root); err != nil {
			return err
		}
		if t.rows[root] == nil {
			return notFound("no open incident with key %d (its instance has ended)", key)
		}
		err = t.exec(true, func(e *interp.Engine) error {
			if req.Retries != nil {
				for _, inc := range e.Incidents() {
					if inc.Key == key && inc.JobKey != 0 {
						if err := e.UpdateJobRetries(inc.JobKey, *req.Retries); err != nil {
							return err
						}
					}
				}
			}
			return e.ResolveIncident(key)
		})
		warning = t.warning
		return err
	})
	return warning, err
}
