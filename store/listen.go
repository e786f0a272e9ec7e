package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listen calls fn with the payload of every notification sent by Notify
// (on any node) until ctx ends. On PostgreSQL it holds one connection
// with LISTEN, reconnecting after errors (fn("") is called after each
// reconnection, since notifications may have been missed). On SQLite it
// returns at once: there is one node, which notifies itself in memory.
func (d *DB) Listen(ctx context.Context, fn func(payload string)) error {
	if d.kind != Postgres {
		return nil
	}
	for ctx.Err() == nil {
		err := d.listenOnce(ctx, fn)
		if ctx.Err() != nil {
			return nil
		}
		_ = err // connection lost: try again shortly
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
	return nil
}

func (d *DB) listenOnce(ctx context.Context, fn func(string)) error {
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN bpmnrun"); err != nil {
		return err
	}
	fn("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}
