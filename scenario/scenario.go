// Package scenario reads scenario files and runs them on bpmnrun's
// deterministic engine: a test of a BPMN model written in YAML instead of
// Go. The format (version 1) is specified in docs/scenarios.md:
//
//	version: 1
//	name: payment confirmed in time
//	model: order.bpmn            # relative to the scenario file
//	variables: {orderId: o-1}
//	steps:
//	  - complete: reserve-stock
//	  - complete: charge-payment
//	    variables: {paid: true}
//	  - advance: PT5M
//	  - publish: payment-confirmed
//	    correlationKey: o-1
//	expect:
//	  state: completed
//	  endEvent: order_completed
//	  passed: [reserve_stock, charge_payment, payment_confirmed]
//	  notPassed: [confirmation_timeout]
//
// Parse checks a file completely before anything runs: unknown fields,
// wrong types, bad durations and missing values are reported together,
// each with its line and the path of the field ("scenario.yaml:12:
// steps[2].publish: unknown field "corelationKey" (did you mean
// "correlationKey"?)"). Run drives the engine through package bpmntest, so
// a scenario fails with the same messages as a Go test would.
package scenario

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/feel"
	"github.com/bpmnrun/bpmnrun/interp"
)

// Version is the scenario format version this package reads.
const Version = 1

// ErrInvalid is wrapped by every error about the content of a scenario file.
var ErrInvalid = errors.New("invalid scenario")

// Scenario is a parsed scenario file.
type Scenario struct {
	File                 string // the path it was read from ("" when parsed from memory)
	Name                 string // name, default the file name
	Model                string // model path as written, relative to File
	Process              string // process to start, "" for the model's only startable process
	Variables            map[string]any
	StartTime            time.Time // zero: interp.DefaultStart
	ParallelCompensation bool
	Instances            []*Instance // at least one
	Steps                []*Step
	Expect               *Expect // expectations of every instance, nil if none
}

// ModelPath returns the path of the model: Model relative to the
// directory of File.
func (s *Scenario) ModelPath() string {
	if s.Model == "" || filepath.IsAbs(s.Model) || s.File == "" {
		return s.Model
	}
	return filepath.Join(filepath.Dir(s.File), s.Model)
}

// Instance is an instance the scenario starts, in order, before the steps.
type Instance struct {
	Name      string // default "1", "2", ... by position
	Process   string // default Scenario.Process
	Variables map[string]any
	Expect    *Expect
	Line      int
}

// StepKind says what a step does.
type StepKind uint8

// Step kinds, named as in the file.
const (
	StepComplete StepKind = iota
	StepFail
	StepError
	StepPublish
	StepSignal
	StepAdvance
	StepAdvanceTo
	StepExpect // "expect:" among the steps
)

var stepNames = [...]string{"complete", "fail", "error", "publish", "signal", "advance", "advanceTo", "expect"}

func (k StepKind) String() string { return stepNames[k] }

// Step is one step of the script. Which fields are set depends on Kind.
type Step struct {
	Kind     StepKind
	Line     int
	Path     string // "steps[2].publish", for messages
	Target   string // job type or element id; message or signal name
	Instance string // "" for any instance (jobs) or every instance (expect)

	Variables map[string]any
	Retries   *int          // fail: nil means the job's retries minus one
	Backoff   time.Duration // fail
	Message   string        // fail, error: the error message
	Code      string        // error: the BPMN error code

	CorrelationKey string         // publish
	TTL            *time.Duration // publish: nil means the engine default (one hour)
	MessageID      string         // publish

	Duration feel.Duration // advance
	Time     time.Time     // advanceTo
	Expect   *Expect       // expect
}

// Expect holds expectations about an instance; unset fields are not checked.
type Expect struct {
	Line      int
	Path      string
	State     *interp.InstanceState
	Passed    []string // in this order, others possibly between
	PassedSet []string // in any order
	NotPassed []string
	WaitingAt []string
	EndEvent  string
	Variables map[string]any
	// Incidents lists the open incidents, each matched by kind or element
	// id; an empty, non-nil list means no incident.
	Incidents          []string
	Compensated        []string
	WaitingForMessages []MessageKey
	lines              map[string]int // line of each field, for failures
}

// MessageKey names a message subscription.
type MessageKey struct {
	Name           string
	CorrelationKey string
}

// Error is a problem of a scenario file, located by line and field path.
type Error struct {
	File string
	Line int    // 1-based, 0 when unknown
	Path string // "steps[2].publish.ttl", "" for the whole file
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(":")
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// Errors lists every problem of a file, in line order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the errors, so that errors.Is(err, ErrInvalid) holds.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
