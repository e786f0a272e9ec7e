package models_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmntest"
	"github.com/bpmnrun/bpmnrun/interp"
)

// The onboarding team's commands: each business failure ends the
// onboarding where the team handles it, and nothing after it runs.
func TestOnboardingFailures(t *testing.T) {
	cases := []struct {
		task, code, end string
		before          []string // jobs completed before the failing one
		then            []string // jobs completed after it
	}{
		{"check-address", "ADDRESS_INVALID", "rejected-address", nil, nil},
		{"check-credit", "CREDIT_REJECTED", "rejected-credit", []string{"check-address"}, nil},
		{"send-welcome-letter", "LETTER_UNDELIVERABLE", "customer-onboarded",
			[]string{"check-address", "check-credit", "create-customer", "publish-customer-created"}, []string{"welcome-by-phone"}},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			bt := bpmntest.New(t, bpmntest.File("onboarding/onboarding.bpmn"))
			inst := bt.Start("customer-onboarding", map[string]any{"customerId": "c-1"})
			for _, j := range tc.before {
				inst.CompleteJob(j, nil)
			}
			inst.ThrowError(tc.task, tc.code, "", nil)
			for _, j := range tc.then {
				inst.CompleteJob(j, nil)
			}
			inst.AssertThat().IsCompleted().EndedAt(tc.end).HasNoIncidents()
			if tc.end != "customer-onboarded" {
				inst.AssertThat().HasNotPassed("create-customer", "customer-created")
			}
		})
	}
}

// Technical failures are retried by the job's retries (3); when they run
// out an incident holds the onboarding until an operator steps in.
func TestOnboardingRetries(t *testing.T) {
	bt := bpmntest.New(t, bpmntest.File("onboarding/onboarding.bpmn"))
	inst := bt.Start("customer-onboarding", map[string]any{"customerId": "c-1"})
	inst.CompleteJob("check-address", nil)
	for retries := 2; retries >= 0; retries-- {
		inst.FailJob("check-credit", retries, time.Minute, "bureau unavailable")
		bt.Advance(time.Minute)
	}
	inst.AssertThat().IsActive().IsWaitingAt("check-credit").HasIncident("JOB_NO_RETRIES").HasNotPassed("credit-rejected")
}

// The event: publishing customer-created starts one instance of each
// subscribed service; onboarding neither waits for them nor knows them.
func TestOnboardingChoreography(t *testing.T) {
	bt := bpmntest.New(t, bpmntest.File("onboarding/onboarding.bpmn"))
	inst := bt.Start("customer-onboarding", map[string]any{"customerId": "c-1"})
	inst.CompleteJob("check-address", nil).CompleteJob("check-credit", nil).CompleteJob("create-customer", nil)

	job := inst.Job("publish-customer-created")
	if job.ElementID != "customer-created" {
		t.Fatalf("the event's job belongs to %q, want customer-created", job.ElementID)
	}
	inst.CompleteJob("publish-customer-created", nil)
	// What the job's worker does: publish the event.
	res := bt.Publish("customer-created", "c-1", map[string]any{"customerId": "c-1"})
	var procs []string
	for _, k := range res.Started {
		procs = append(procs, bt.Instance(k).ProcessID)
	}
	if !slices.Equal(procs, []string{"notification", "loyalty"}) {
		t.Fatalf("customer-created started %v, want [notification loyalty]", procs)
	}
	notification, loyalty := bt.Instance(res.Started[0]), bt.Instance(res.Started[1])
	notification.AssertThat().IsWaitingAt("send-account-email").HasVariable("customerId", "c-1")
	loyalty.AssertThat().IsWaitingAt("credit-welcome-points")

	// Onboarding goes on at once, and ends before the subscribers.
	inst.AssertThat().IsWaitingAt("send-welcome-letter")
	inst.CompleteJob("send-welcome-letter", nil)
	inst.AssertThat().IsCompleted().EndedAt("customer-onboarded")
	notification.AssertThat().IsActive()

	notification.CompleteJob("send-account-email", nil)
	loyalty.CompleteJob("credit-welcome-points", nil)
	notification.AssertThat().IsCompleted().EndedAt("account-email-sent")
	loyalty.AssertThat().IsCompleted().EndedAt("welcome-points-credited")
}

// Events are delivered at least once: a worker that publishes
// customer-created again after a crash must not credit the welcome points
// twice. Publishing with a message id makes the duplicate fail while the
// first is buffered (its time to live, one hour by default).
func TestOnboardingDuplicateEvent(t *testing.T) {
	bt := bpmntest.New(t, bpmntest.File("onboarding/onboarding.bpmn"))
	event := interp.Message{Name: "customer-created", CorrelationKey: "c-1", ID: "customer-created/c-1", TTL: -1}
	first := bt.PublishMessage(event)
	if len(first.Started) != 2 {
		t.Fatalf("the event started %v, want two instances", first.Started)
	}
	bt.CompleteJob("credit-welcome-points", nil)
	bt.Advance(10 * time.Minute)
	if _, err := bt.Interp().Publish(event); !errors.Is(err, interp.ErrDuplicateMessage) {
		t.Fatalf("publishing the event again: %v, want ErrDuplicateMessage", err)
	}
	if jobs := bt.Interp().Jobs(); len(jobs) != 1 || jobs[0].Type != "send-account-email" {
		t.Errorf("open jobs %v, want only the first event's send-account-email", jobs)
	}
}
