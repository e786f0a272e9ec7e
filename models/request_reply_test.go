package models_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/bpmntest"
	"github.com/bpmnrun/bpmnrun/interp"
)

// A reply within 30 seconds answers the request; at 30 seconds the timer
// wins, and a later reply changes nothing.
func TestRequestReplyDeadline(t *testing.T) {
	cases := []struct {
		after time.Duration // reply after; < 0: never
		end   string
	}{
		{0, "answered"},
		{29*time.Second + 999*time.Millisecond, "answered"},
		{30 * time.Second, "timed-out"},
		{-1, "timed-out"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.after), func(t *testing.T) {
			bt := bpmntest.New(t, bpmntest.File("request-reply/request-reply.bpmn"))
			inst := bt.Start("request-reply", map[string]any{"requestId": "r-1"})
			inst.CompleteJob("send-request", nil)
			if tc.after >= 0 {
				bt.Advance(tc.after)
				bt.Publish("reply", "r-1", map[string]any{"answer": 42})
			}
			bt.Advance(time.Minute)
			inst.AssertThat().IsCompleted().EndedAt(tc.end)
			if tc.end == "answered" {
				inst.AssertThat().HasVariable("answer", 42)
			} else {
				inst.AssertThat().HasVariables(map[string]any{"requestId": "r-1"})
			}
		})
	}
}

// Many requests share one compiled model, each run on its own engine, in
// parallel (go test -race proves they share no mutable state); within an
// engine, replies published in reverse order each reach their request.
func TestRequestReplyConcurrent(t *testing.T) {
	defs, err := bpmn.ParseFile("request-reply/request-reply.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	prog, err := interp.Compile(defs)
	if err != nil {
		t.Fatal(err)
	}
	for run := range 4 {
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			t.Parallel()
			bt := bpmntest.New(t, bpmntest.Program(prog))
			var insts []*bpmntest.Instance
			for i := range 50 {
				inst := bt.Start("request-reply", map[string]any{"requestId": fmt.Sprintf("r-%d", i)})
				inst.CompleteJob("send-request", nil)
				insts = append(insts, inst)
			}
			for i := len(insts) - 1; i >= 0; i-- {
				if i%10 == 0 {
					continue // these get no reply
				}
				bt.Publish("reply", fmt.Sprintf("r-%d", i), map[string]any{"answer": i})
			}
			bt.Advance(30 * time.Second)
			for i, inst := range insts {
				if i%10 == 0 {
					inst.AssertThat().EndedAt("timed-out")
					continue
				}
				inst.AssertThat().EndedAt("answered").HasVariable("answer", i)
			}
		})
	}
}
