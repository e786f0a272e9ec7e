package models_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmntest"
)

// The synchronous pizza order: k calls go unanswered (each times out after
// a minute); the customer calls at most three times.
func TestPizzaSyncCalls(t *testing.T) {
	for unanswered := range 4 {
		t.Run(fmt.Sprintf("%d unanswered", unanswered), func(t *testing.T) {
			bt := bpmntest.New(t, bpmntest.File("pizza-sync/pizza-sync.bpmn"))
			inst := bt.Start("pizza-sync", nil)
			for range unanswered {
				inst.AssertThat().IsWaitingAt("call-pizza-place")
				bt.Advance(time.Minute)
			}
			if unanswered < 3 {
				inst.CompleteJob("call-pizza-place", nil)
				inst.AssertThat().IsCompleted().EndedAt("pizza-ordered").HasVariable("attempts", unanswered+1)
				return
			}
			inst.AssertThat().IsCompleted().EndedAt("gave-up").HasVariable("attempts", 3).HasNotPassed("pizza-ordered")
		})
	}
}

// The timeout bounds the whole call, retries of the job included: a call
// whose line dropped and that is redialled after 50 s is cut off at 60 s.
func TestPizzaSyncTimeoutCoversJobRetries(t *testing.T) {
	bt := bpmntest.New(t, bpmntest.File("pizza-sync/pizza-sync.bpmn"))
	inst := bt.Start("pizza-sync", nil)
	inst.FailJob("call-pizza-place", 2, 50*time.Second, "line dropped")
	bt.Advance(50 * time.Second)
	inst.AssertThat().IsWaitingAt("call-pizza-place").HasVariable("attempts", 1)
	bt.Advance(10 * time.Second)
	inst.AssertThat().HasPassed("no-answer").HasVariable("attempts", 2)
	if j := inst.Job("call-pizza-place"); j.Retries != 3 {
		t.Errorf("the new call's job has %d retries, want 3 (a fresh job)", j.Retries)
	}
}

// The asynchronous pizza order: k orders go unconfirmed (the 5-minute timer
// fires each time); the customer orders at most three times.
func TestPizzaAsyncOrders(t *testing.T) {
	for unconfirmed := range 4 {
		t.Run(fmt.Sprintf("%d unconfirmed", unconfirmed), func(t *testing.T) {
			bt := bpmntest.New(t, bpmntest.File("pizza-async/pizza-async.bpmn"))
			inst := bt.Start("pizza-async", map[string]any{"orderId": "pizza-1"})
			for range unconfirmed {
				inst.CompleteJob("send-pizza-order", nil)
				bt.Advance(5 * time.Minute)
			}
			if unconfirmed < 3 {
				inst.CompleteJob("send-pizza-order", nil)
				inst.AssertThat().IsWaitingForMessage("pizza-confirmed", "pizza-1")
				bt.Publish("pizza-confirmed", "pizza-1", nil)
				inst.AssertThat().IsCompleted().EndedAt("pizza-ordered").HasVariable("attempts", unconfirmed+1)
				return
			}
			inst.AssertThat().IsCompleted().EndedAt("gave-up").HasVariable("attempts", 3).HasNotPassed("pizza-confirmed")
		})
	}
}

// Confirmations correlate by orderId: each reaches its own order, whatever
// the order in which they arrive.
func TestPizzaAsyncCorrelation(t *testing.T) {
	bt := bpmntest.New(t, bpmntest.File("pizza-async/pizza-async.bpmn"))
	a := bt.Start("pizza-async", map[string]any{"orderId": "pizza-a"})
	b := bt.Start("pizza-async", map[string]any{"orderId": "pizza-b"})
	a.CompleteJob("send-pizza-order", nil)
	b.CompleteJob("send-pizza-order", nil)

	res := bt.Publish("pizza-confirmed", "pizza-b", map[string]any{"eta": "20 min"})
	if len(res.Correlated) != 1 || res.Correlated[0] != b.Key {
		t.Fatalf("confirmation of pizza-b correlated to %v, want [%d]", res.Correlated, b.Key)
	}
	a.AssertThat().IsActive().IsWaitingForMessage("pizza-confirmed", "pizza-a")
	b.AssertThat().IsCompleted().EndedAt("pizza-ordered").HasVariable("eta", "20 min")
	bt.Publish("pizza-confirmed", "pizza-a", nil)
	a.AssertThat().IsCompleted().EndedAt("pizza-ordered")
}
