// Package models holds the example models of bpmnrun; its tests run every
// path of the sagas with the Go test API, in both compensation orders.
package models_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/bpmntest"
	"github.com/bpmnrun/bpmnrun/interp"
)

// modes runs f once with sequential compensation (reverse completion order,
// BPMN/Camunda 7) and once with parallel compensation (Zeebe).
func modes(t *testing.T, f func(t *testing.T, opts ...bpmntest.Option)) {
	t.Run("sequential", func(t *testing.T) { f(t) })
	t.Run("parallel", func(t *testing.T) { f(t, bpmntest.ParallelCompensation()) })
}

func TestTripHappyPath(t *testing.T) {
	bt := bpmntest.New(t, bpmntest.File("trip/trip.bpmn"))
	inst := bt.Start("trip-booking", map[string]any{"tripId": "t-1"})
	inst.CompleteJob("book-hotel", nil).CompleteJob("book-car", nil).CompleteJob("book-flight", nil)
	inst.AssertThat().IsCompleted().EndedAt("trip-booked").
		HasPassedInOrder("book-hotel", "book-car", "book-flight").
		HasNotPassed("undo-bookings", "cancel-hotel", "cancel-car", "cancel-flight").HasNoIncidents()
}

// Every failure point of the trip saga: the bookings made before it are
// undone, and only those.
func TestTripFailures(t *testing.T) {
	steps := []string{"book-hotel", "book-car", "book-flight"}
	undo := map[string]string{"book-hotel": "cancel-hotel", "book-car": "cancel-car", "book-flight": "cancel-flight"}
	for fail := range steps {
		t.Run(steps[fail], func(t *testing.T) {
			modes(t, func(t *testing.T, opts ...bpmntest.Option) {
				bt := bpmntest.New(t, append(opts, bpmntest.File("trip/trip.bpmn"))...)
				inst := bt.Start("trip-booking", nil)
				for _, s := range steps[:fail] {
					inst.CompleteJob(s, nil)
				}
				inst.ThrowError(steps[fail], "BOOKING_FAILED", "unavailable", nil)
				var done []string
				for i := fail - 1; i >= 0; i-- { // most recent first
					h := undo[steps[i]]
					inst.CompleteJob(h, nil)
					done = append(done, steps[i])
				}
				inst.AssertThat().IsCompleted().EndedAt("trip-cancelled").
					HasCompensated(done...).HasNotPassed("trip-booked", "cancel-flight").HasNoIncidents()
				if fail == 0 {
					inst.AssertThat().HasNotPassed("cancel-hotel", "cancel-car")
				}
			})
		})
	}
}

// In sequential mode the handlers run one at a time, car before hotel; in
// parallel mode both are open at once.
func TestTripCompensationOrder(t *testing.T) {
	bt := bpmntest.New(t, bpmntest.File("trip/trip.bpmn"))
	inst := bt.Start("trip-booking", nil)
	inst.CompleteJob("book-hotel", nil).CompleteJob("book-car", nil).ThrowError("book-flight", "BOOKING_FAILED", "", nil)
	inst.AssertThat().IsWaitingAt("undo-bookings", "cancel-car")
	inst.CompleteJob("cancel-car", nil)
	inst.AssertThat().IsWaitingAt("undo-bookings", "cancel-hotel")
	inst.CompleteJob("cancel-hotel", nil)
	inst.AssertThat().HasPassedInOrder("cancel-car", "cancel-hotel").EndedAt("trip-cancelled")

	bp := bpmntest.New(t, bpmntest.File("trip/trip.bpmn"), bpmntest.ParallelCompensation())
	p := bp.Start("trip-booking", nil)
	p.CompleteJob("book-hotel", nil).CompleteJob("book-car", nil).ThrowError("book-flight", "BOOKING_FAILED", "", nil)
	p.AssertThat().IsWaitingAt("undo-bookings", "cancel-car", "cancel-hotel")
	p.CompleteJob("cancel-hotel", nil).CompleteJob("cancel-car", nil)
	p.AssertThat().IsCompleted().EndedAt("trip-cancelled")
}

func TestFulfilmentHappyPath(t *testing.T) {
	bt := bpmntest.New(t, bpmntest.File("fulfilment/fulfilment.bpmn"))
	inst := bt.Start("order-fulfilment", map[string]any{"orderId": "o-1"})
	inst.CompleteJob("reserve-stock", nil).CompleteJob("charge-payment", nil)
	inst.AssertThat().IsWaitingForMessage("payment-confirmed", "o-1")
	bt.Advance(10 * time.Minute)
	bt.Publish("payment-confirmed", "o-1", map[string]any{"paymentId": "p-9"})
	inst.CompleteJob("ship-order", nil)
	inst.AssertThat().IsCompleted().EndedAt("order-fulfilled").HasVariable("paymentId", "p-9").
		HasNotPassed("undo-order", "release-stock", "refund-payment")
}

// Every failure point of the fulfilment saga, in both compensation modes.
func TestFulfilmentFailures(t *testing.T) {
	cases := []struct {
		name     string
		drive    func(bt *bpmntest.Engine, inst *bpmntest.Instance)
		undone   []string // compensated activities, most recent first
		handlers []string
	}{
		{"stock", func(bt *bpmntest.Engine, inst *bpmntest.Instance) {
			inst.ThrowError("reserve-stock", "OUT_OF_STOCK", "", nil)
		}, nil, nil},
		{"payment", func(bt *bpmntest.Engine, inst *bpmntest.Instance) {
			inst.CompleteJob("reserve-stock", nil).ThrowError("charge-payment", "PAYMENT_DECLINED", "", nil)
		}, []string{"reserve-stock"}, []string{"release-stock"}},
		{"confirmation timeout", func(bt *bpmntest.Engine, inst *bpmntest.Instance) {
			inst.CompleteJob("reserve-stock", nil).CompleteJob("charge-payment", nil)
			bt.Advance(time.Hour)
		}, []string{"charge-payment", "reserve-stock"}, []string{"refund-payment", "release-stock"}},
		{"shipping", func(bt *bpmntest.Engine, inst *bpmntest.Instance) {
			inst.CompleteJob("reserve-stock", nil).CompleteJob("charge-payment", nil)
			bt.Publish("payment-confirmed", "o-1", nil)
			inst.ThrowError("ship-order", "SHIPPING_FAILED", "", nil)
		}, []string{"charge-payment", "reserve-stock"}, []string{"refund-payment", "release-stock"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			modes(t, func(t *testing.T, opts ...bpmntest.Option) {
				bt := bpmntest.New(t, append(opts, bpmntest.File("fulfilment/fulfilment.bpmn"))...)
				inst := bt.Start("order-fulfilment", map[string]any{"orderId": "o-1"})
				tc.drive(bt, inst)
				for _, h := range tc.handlers {
					inst.CompleteJob(h, nil)
				}
				inst.AssertThat().IsCompleted().EndedAt("order-cancelled").
					HasCompensated(tc.undone...).HasNotPassed("order-fulfilled").HasNoIncidents()
				if len(tc.handlers) > 1 {
					inst.AssertThat().HasPassedInOrder(tc.handlers...)
				}
			})
		})
	}
}

// A saga test runs in microseconds: the engine is in memory, the clock
// virtual; the model is parsed once, as a test suite would with a shared
// program.
func BenchmarkFulfilmentSagaTest(b *testing.B) {
	defs, err := bpmn.ParseFile("fulfilment/fulfilment.bpmn")
	if err != nil {
		b.Fatal(err)
	}
	prog, err := interp.Compile(defs)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := range b.N {
		bt := bpmntest.New(b, bpmntest.Program(prog))
		inst := bt.Start("order-fulfilment", map[string]any{"orderId": fmt.Sprint(i)})
		inst.CompleteJob("reserve-stock", nil).CompleteJob("charge-payment", nil)
		bt.Advance(time.Hour)
		inst.CompleteJob("refund-payment", nil).CompleteJob("release-stock", nil)
		inst.AssertThat().EndedAt("order-cancelled")
	}
}
