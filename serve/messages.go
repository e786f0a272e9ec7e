package serve

import (
	"context"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
)

// Messages: publish, correlate, buffer.

// PublishRequest publishes a message.
type PublishRequest struct {
	Name           string         `json:"name"`
	CorrelationKey string         `json:"correlationKey"`
	Variables      map[string]any `json:"variables,omitempty"`
	// TimeToLive is how long (ms) the message stays buffered when nothing
	// waits for it: 0 drops it at once; absent means one hour.
	TimeToLive *int64 `json:"timeToLive,omitempty"`
	MessageID  string `json:"messageId,omitempty"`
}

// PublishResponse says where a message went.
type PublishResponse struct {
	Key        uint64   `json:"key"`
	Correlated []uint64 `json:"correlated"`
	Started    []uint64 `json:"started"`
	Buffered   bool     `json:"buffered"`
	Warning    string   `json:"warning,omitempty"`
}

// Publish correlates a message to the waiting subscriptions (at most one
// per process), starts instances through message start events and
// buffers it for its time to live, in one transaction.
func (s *Server) Publish(ctx context.Context, req PublishRequest) (PublishResponse, error) {
	if req.Name == "" {
		return PublishResponse{}, apiErr(400, "INVALID_ARGUMENT", "name is required")
	}
	m := interp.Message{Name: req.Name, CorrelationKey: req.CorrelationKey, Variables: req.Variables, TTL: -1, ID: req.MessageID}
	if req.TimeToLive != nil {
		if *req.TimeToLive < 0 {
			return PublishResponse{}, apiErr(400, "INVALID_ARGUMENT", "timeToLive must not be negative")
		}
		m.TTL = time.Duration(*req.TimeToLive) * time.Millisecond
	}
	// Always look (one query): a message start event deployed on another
	// node a moment ago must start an instance, not leave the message
	// buffered because the notification has not arrived yet.
	if err := s.readDeployments(ctx); err != nil {
		return PublishResponse{}, err
	}
	var resp PublishResponse
	err := s.run(ctx, "publish", func(t *txn) error {
		pair := [2]string{req.Name, req.CorrelationKey}
		if _, err := t.loadMessages([][2]string{pair}); err != nil {
			return err
		}
		subs, err := t.tx.Subscribers(t.ctx, req.Name, req.CorrelationKey)
		if err != nil {
			return err
		}
		blockers, err := t.tx.StartedBy(t.ctx, req.Name, req.CorrelationKey)
		if err != nil {
			return err
		}
		if err := t.load(append(subs, blockers...)...); err != nil {
			return err
		}
		err = t.exec(true, func(e *interp.Engine) error {
			res, err := e.Publish(m)
			resp = PublishResponse{Key: res.Key, Correlated: res.Correlated, Started: res.Started, Buffered: res.Buffered}
			return err
		})
		resp.Warning = t.warning
		return err
	})
	if resp.Correlated == nil {
		resp.Correlated = []uint64{}
	}
	if resp.Started == nil {
		resp.Started = []uint64{}
	}
	return resp, err
}
