package bpmntest_test

import (
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmntest"
)

//go:embed testdata/trip.bpmn
var models embed.FS

// printT stands in for the *testing.T of a test, which examples lack: it
// prints failures instead of failing a test.
type printT struct{}

func (printT) Helper()                           {}
func (printT) Errorf(format string, args ...any) { fmt.Printf("ERROR: "+format+"\n", args...) }
func (printT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }

// A saga: when no flight is available the car and the hotel are cancelled
// by compensation, most recent booking first. In a test, t is the test's
// *testing.T.
func Example_saga() {
	t := printT{}
	bt := bpmntest.New(t, bpmntest.FS(models, "testdata/trip.bpmn"))

	inst := bt.Start("trip", map[string]any{"tripId": "t-1"})
	inst.CompleteJob("book-hotel", map[string]any{"hotel": "H-7"}).
		CompleteJob("book-car", nil).
		ThrowError("book-flight", "NO_SEATS", "sold out", nil)
	inst.AssertThat().IsWaitingAt("undo_bookings")
	inst.CompleteJob("cancel-car", nil).CompleteJob("cancel-hotel", nil)

	inst.AssertThat().
		IsCompleted().
		EndedAt("trip_cancelled").
		HasCompensated("book_car", "book_hotel").
		HasPassedInOrder("book_hotel", "book_car", "cancel_car", "cancel_hotel").
		HasNotPassed("book_flight", "trip_booked").
		HasVariable("hotel", "H-7").
		HasNoIncidents()
	fmt.Println(strings.Join(inst.Passed(), " "))
	// Output:
	// trip_requested book_hotel book_car no_seats cancel_car cancel_hotel undo_bookings trip_cancelled
}

// Timers fire when the test moves the virtual clock: ten minutes without
// a payment confirmation time the order out, at once and deterministically.
func Example_timer() {
	t := printT{}
	bt := bpmntest.New(t, bpmntest.File("../models/order/order.bpmn"))

	inst := bt.Start("order", map[string]any{"orderId": "o-1"})
	inst.CompleteJob("reserve-stock", nil).CompleteJob("charge-payment", map[string]any{"paid": true})
	inst.AssertThat().IsActive().IsWaitingAt("await_confirmation")

	bt.Advance(9 * time.Minute)
	inst.AssertThat().IsActive()
	bt.Advance(time.Minute)
	inst.AssertThat().IsCompleted().EndedAt("order_timed_out")
	fmt.Print(inst.Trace())
	// Output:
	// 00:00:00.000 #1 started     order
	// 00:00:00.000 #1 activated   order_placed (startEvent)
	// 00:00:00.000 #1 completed   order_placed (startEvent)
	// 00:00:00.000 #1 taken       to_reserve_stock
	// 00:00:00.000 #1 activated   reserve_stock (serviceTask)
	// 00:00:00.000 #1 job-created reserve_stock reserve-stock
	// 00:00:00.000 #1 job-completed reserve_stock
	// 00:00:00.000 #1 completed   reserve_stock (serviceTask)
	// 00:00:00.000 #1 taken       to_charge_payment
	// 00:00:00.000 #1 activated   charge_payment (serviceTask)
	// 00:00:00.000 #1 job-created charge_payment charge-payment
	// 00:00:00.000 #1 job-completed charge_payment
	// 00:00:00.000 #1 completed   charge_payment (serviceTask)
	// 00:00:00.000 #1 taken       to_payment_accepted
	// 00:00:00.000 #1 activated   payment_accepted (exclusiveGateway)
	// 00:00:00.000 #1 completed   payment_accepted (exclusiveGateway)
	// 00:00:00.000 #1 taken       payment_ok
	// 00:00:00.000 #1 activated   await_confirmation (eventBasedGateway)
	// 00:10:00.000 #1 timer-fired confirmation_timeout (timer intermediateCatchEvent)
	// 00:10:00.000 #1 completed   await_confirmation (eventBasedGateway)
	// 00:10:00.000 #1 taken       to_confirmation_timeout
	// 00:10:00.000 #1 activated   confirmation_timeout (timer intermediateCatchEvent)
	// 00:10:00.000 #1 completed   confirmation_timeout (timer intermediateCatchEvent)
	// 00:10:00.000 #1 taken       to_order_timed_out
	// 00:10:00.000 #1 activated   order_timed_out (endEvent)
	// 00:10:00.000 #1 completed   order_timed_out (endEvent)
	// 00:10:00.000 #1 ended       order completed
}

// A message correlates by name and correlation key; its variables become
// variables of the instance.
func Example_message() {
	t := printT{}
	bt := bpmntest.New(t, bpmntest.File("../models/order/order.bpmn"))

	inst := bt.Start("order", map[string]any{"orderId": "o-1"})
	inst.CompleteJob("reserve_stock", nil).CompleteJob("charge_payment", map[string]any{"paid": true})
	inst.AssertThat().IsWaitingForMessage("payment-confirmed", "o-1")

	res := bt.Publish("payment-confirmed", "o-1", map[string]any{"receipt": "R-1"})
	fmt.Println("correlated to", res.Correlated)

	inst.AssertThat().
		IsCompleted().
		EndedAt("order_completed").
		HasNotPassed("confirmation_timeout").
		HasVariables(map[string]any{"orderId": "o-1", "paid": true, "receipt": "R-1"})
	// Output:
	// correlated to [1]
}

// A failing assertion says what the instance is doing and shows its trace.
func Example_failure() {
	t := printT{}
	bt := bpmntest.New(t, bpmntest.File("../models/order/order.bpmn"))

	inst := bt.Start("order", map[string]any{"orderId": "o-1"})
	inst.CompleteJob("reserve-stock", nil)
	inst.AssertThat().IsCompleted()
	// Output:
	// FATAL: bpmntest: IsCompleted: instance #1 is active, want completed
	// instance #1 of "order": active
	//   waiting at: charge_payment
	//   open jobs: charge_payment (type charge-payment, retries 3)
	//   variables: {"orderId":"o-1"}
	// trace:
	//   00:00:00.000 #1 started     order
	//   00:00:00.000 #1 activated   order_placed (startEvent)
	//   00:00:00.000 #1 completed   order_placed (startEvent)
	//   00:00:00.000 #1 taken       to_reserve_stock
	//   00:00:00.000 #1 activated   reserve_stock (serviceTask)
	//   00:00:00.000 #1 job-created reserve_stock reserve-stock
	//   00:00:00.000 #1 job-completed reserve_stock
	//   00:00:00.000 #1 completed   reserve_stock (serviceTask)
	//   00:00:00.000 #1 taken       to_charge_payment
	//   00:00:00.000 #1 activated   charge_payment (serviceTask)
	//   00:00:00.000 #1 job-created charge_payment charge-payment
}
