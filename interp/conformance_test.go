package interp

// Conformance tests: BPMN fixtures from the test suites of other engines
// (Camunda 7, bpmn-elements, SpiffWorkflow, bpmn-js-token-simulation and
// lib-bpmn-engine), each run against the behaviour that its source test
// asserts. The fixtures are copied into testdata/conformance with an
// attribution line; testdata/conformance/LEFT_OUT.md lists every fixture
// of the corpus that is not run here, and why.
//
// The source engines' APIs translate as follows.
//
//   - User tasks are jobs of type UserTaskJobType, completed by element id.
//   - Camunda 7 service tasks with camunda:class, camunda:expression or
//     camunda:delegateExpression run synchronously in Camunda 7; here they
//     are jobs whose type is the element id, and the driver completes them
//     as soon as they are created. The UndoService compensation handler
//     increments the variable named by its counterName field: the driver
//     completes its job with that variable incremented.
//   - runtimeService.signal on a receive task without messageRef: the
//     engine rejects such receive tasks at load (a receive task waits for
//     a message, as in Zeebe), so before compiling the driver gives each of
//     them the message signalName(id), and "signal" publishes it.
//   - Timers fire through Engine.Advance (Camunda 7 sets its clock and runs
//     the job executor).
//   - SpiffWorkflow's none tasks (bpmn:task) stay READY until the test
//     completes them; the driver turns them into user tasks.
//   - lib-bpmn-engine's handlers complete every job as soon as it exists, in
//     creation order; the call path is the order of completion.
//   - bpmn-js-token-simulation traces list the flow nodes a token enters;
//     entered() derives the same list from the trace (targets of the flows
//     taken, plus compensation handlers), and Options.Branch plays the
//     simulator's gateway configuration.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

const (
	conformanceDir = "testdata/conformance"
	corpusDir      = "../../shared/corpus/engines" // the shared corpus, beside the repository
)

// readFixture reads a fixture from testdata/conformance, else from the
// shared corpus; the test is skipped when neither has it.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	for _, dir := range []string{conformanceDir, corpusDir} {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err == nil {
			return data
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	t.Skipf("fixture %s is neither in %s nor in %s", name, conformanceDir, corpusDir)
	return nil
}

// signalName is the message a receive task without messageRef is given,
// so that Camunda 7's runtimeService.signal can be played by Publish.
func signalName(receiveTask string) string { return "signal:" + receiveTask }

func signalableReceiveTasks(d *bpmn.Definitions) {
	for _, p := range d.Processes {
		for _, n := range p.AllNodes {
			if n.Kind == bpmn.ReceiveTask && n.MessageRef == nil {
				n.MessageRef = &bpmn.Message{ID: signalName(n.ID), Name: signalName(n.ID)}
			}
		}
	}
}

// noneTasksWait turns none tasks into user tasks (SpiffWorkflow's NoneTask
// waits until the test completes it).
func noneTasksWait(d *bpmn.Definitions) {
	for _, p := range d.Processes {
		for _, n := range p.AllNodes {
			if n.Kind == bpmn.Task {
				n.Kind = bpmn.UserTask
			}
		}
	}
}

var counterField = regexp.MustCompile(`name="counterName"\s+stringValue="([^"]+)"`)

// camunda7Delegate completes the jobs of Camunda 7 service tasks (Java
// delegates and expressions, synchronous in Camunda 7); UndoService
// handlers increment their counter variable.
func camunda7Delegate(n *bpmn.Node, vars map[string]any) (map[string]any, bool) {
	if n.Kind != bpmn.ServiceTask || n.Job == nil || n.Job.Type != n.ID {
		return nil, false // a user task, or an external task with a topic
	}
	for _, x := range n.Extensions {
		if m := counterField.FindStringSubmatch(x.XML); m != nil {
			count, _ := vars[m[1]].(float64)
			return map[string]any{m[1]: count + 1}, true
		}
	}
	return nil, true
}

// completeAll is lib-bpmn-engine's handler: every job completes at once.
func completeAll(*bpmn.Node, map[string]any) (map[string]any, bool) { return nil, true }

// cdriver drives one engine through a conformance fixture.
type cdriver struct {
	*harness
	t      *testing.T
	files  []string
	opts   []func(*Options)
	edit   []func(*bpmn.Definitions)
	auto   func(n *bpmn.Node, vars map[string]any) (map[string]any, bool)
	defs   []*bpmn.Definitions
	events []TraceEvent
	calls  []string // elements of the jobs the driver completed, in order
}

func newCDriver(t *testing.T, files []string) *cdriver {
	c := &cdriver{t: t, files: files}
	switch strings.Split(files[0], "/")[0] {
	case "camunda7":
		c.edit = append(c.edit, signalableReceiveTasks)
		c.auto = camunda7Delegate
	case "spiffworkflow":
		c.edit = append(c.edit, noneTasksWait)
	case "lib-bpmn-engine":
		c.auto = completeAll
	}
	return c
}

// fresh starts over with a new engine with the fixtures deployed.
func (c *cdriver) fresh() {
	t := c.t
	t.Helper()
	h := &harness{t: t}
	c.harness, c.events, c.calls, c.defs = h, nil, nil, nil
	o := Options{Observer: recorder{h}}
	o.Trace = func(ev TraceEvent) {
		h.lines = append(h.lines, ev.Format(DefaultStart))
		c.events = append(c.events, ev)
	}
	for _, f := range c.opts {
		f(&o)
	}
	h.e = New(o)
	for _, name := range c.files {
		d, err := bpmn.ParseBytes(name, readFixture(t, name))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		for _, f := range c.edit {
			f(d)
		}
		if h.prog, err = h.e.DeployDefinitions(d); err != nil {
			t.Fatalf("deploy: %v", err)
		}
		c.defs = append(c.defs, d)
	}
}

// with starts over with extra engine options.
func (c *cdriver) with(f func(*Options)) { c.opts = append(c.opts, f); c.fresh() }

// rewrite starts over with an extra translation of the parsed model.
func (c *cdriver) rewrite(f func(*bpmn.Definitions)) { c.edit = append(c.edit, f); c.fresh() }

// settle completes the jobs the driver completes itself (c.auto), oldest
// first, until none is left.
func (c *cdriver) settle() {
	c.t.Helper()
	for {
		progressed := false
		for _, j := range c.e.Jobs() {
			if c.auto == nil || c.e.jobs.get(j.Key).state == jobIncident {
				continue
			}
			vars, err := c.e.JobVariables(j.Key)
			if err != nil {
				c.t.Fatal(err)
			}
			out, ok := c.auto(c.e.procs[j.ProcessID].proc.Node(j.ElementID), vars)
			if !ok {
				continue
			}
			if err := c.e.CompleteJob(j.Key, out); err != nil {
				c.t.Fatalf("complete %s: %v", j.ElementID, err)
			}
			c.calls = append(c.calls, j.ElementID)
			progressed = true
			break
		}
		if !progressed {
			return
		}
	}
}

func (c *cdriver) start(pid string, vars map[string]any) uint64 {
	c.t.Helper()
	k := c.harness.start(pid, vars)
	c.settle()
	return k
}

// do completes the oldest open job of an element (a user task).
func (c *cdriver) do(id string, vars map[string]any) {
	c.t.Helper()
	c.complete(id, vars)
	c.settle()
}

// doNamed completes the open job of the element with the given name.
func (c *cdriver) doNamed(name string) {
	c.t.Helper()
	c.do(c.idOf(name), nil)
}

func (c *cdriver) idOf(name string) string {
	c.t.Helper()
	for _, d := range c.defs {
		for _, p := range d.Processes {
			for _, n := range p.AllNodes {
				if n.Name == name {
					return n.ID
				}
			}
		}
	}
	c.t.Fatalf("no element named %q", name)
	return ""
}

func (c *cdriver) pub(name, key string, vars map[string]any) PublishResult {
	c.t.Helper()
	r := c.publish(name, key, vars, 0)
	c.settle()
	return r
}

// signal continues the instance waiting in a receive task without
// messageRef (Camunda 7's runtimeService.signal).
func (c *cdriver) signal(inst uint64, receiveTask string) {
	c.t.Helper()
	r := c.pub(signalName(receiveTask), "", nil)
	eq(c.t, "signalled instances", r.Correlated, []uint64{inst})
}

func (c *cdriver) broadcast(name string) {
	c.t.Helper()
	if err := c.e.BroadcastSignal(name, nil); err != nil {
		c.t.Fatal(err)
	}
	c.settle()
}

func (c *cdriver) wait(d time.Duration) {
	c.t.Helper()
	c.advance(d)
	c.settle()
}

// tasks returns the element ids of the open jobs, sorted.
func (c *cdriver) tasks() []string {
	ids := c.openIDs()
	slices.Sort(ids)
	return ids
}

// wantTasks asserts the set of open jobs (by element id).
func (c *cdriver) wantTasks(want ...string) {
	c.t.Helper()
	slices.Sort(want)
	if got := c.tasks(); !slices.Equal(got, want) {
		c.t.Fatalf("open tasks = %v, want %v\ntrace:\n%s", got, want, c.trace())
	}
}

// wantActive asserts that an instance has not ended.
func (c *cdriver) wantActive(inst uint64) {
	c.t.Helper()
	if e, ok := c.ended1(inst); ok {
		c.t.Fatalf("instance %d ended (%s at %q), want it active\ntrace:\n%s", inst, e.State, e.EndEvent, c.trace())
	}
}

// vars returns the root variables of an instance, active or ended.
func (c *cdriver) vars(inst uint64) map[string]any {
	if v, ok := c.e.Variables(inst); ok {
		return v
	}
	if e, ok := c.ended1(inst); ok {
		return e.Variables
	}
	c.t.Fatalf("no instance %d", inst)
	return nil
}

// count counts the trace events of a kind for an element.
func (c *cdriver) count(k TraceKind, id string) int {
	n := 0
	for _, ev := range c.events {
		if ev.Kind == k && ev.ElementID == id {
			n++
		}
	}
	return n
}

// before asserts that element a completed before element b first did.
func (c *cdriver) before(a, b string) {
	c.t.Helper()
	ia, ib := -1, -1
	for i, ev := range c.events {
		if ev.Kind != TraceCompleted {
			continue
		}
		if ev.ElementID == a && ia < 0 {
			ia = i
		}
		if ev.ElementID == b && ib < 0 {
			ib = i
		}
	}
	if ia < 0 || ib < 0 || ia > ib {
		c.t.Fatalf("%s did not complete before %s\ntrace:\n%s", a, b, c.trace())
	}
}

// entered lists the flow nodes tokens entered, in order, as the token
// simulator reports them: the target of every flow taken, and every
// compensation handler started (triggered start, catch and boundary
// events are not entered).
func (c *cdriver) entered() string {
	targets := map[string]string{}
	for _, d := range c.defs {
		for _, p := range d.Processes {
			for _, f := range p.AllFlows {
				targets[f.ID] = f.Target.ID
			}
		}
	}
	var out []string
	for _, ev := range c.events {
		switch ev.Kind {
		case TraceTaken:
			out = append(out, targets[ev.ElementID])
		case TraceCompensating:
			out = append(out, strings.TrimPrefix(ev.Detail, "handler "))
		}
	}
	return strings.Join(out, ",")
}

// elements lists the live element instances of an instance as
// "depth:id" pairs.
func (c *cdriver) elements(inst uint64) string {
	var out []string
	for _, el := range c.e.ActiveElements(inst) {
		out = append(out, fmt.Sprintf("%d:%s", el.Depth, el.ElementID))
	}
	return strings.Join(out, ",")
}

func (c *cdriver) signalSubs() int {
	n := 0
	for _, s := range c.e.signals {
		if s.pp == nil {
			n++
		}
	}
	return n
}

func (c *cdriver) timers() int {
	n := 0
	for _, tm := range c.e.timers {
		if tm.purpose == tmEvent {
			n++
		}
	}
	return n
}

// confCase is one fixture: the file, further files deployed with it, and
// the behaviour its source test asserts.
type confCase struct {
	file string
	also []string
	run  func(c *cdriver)
}

func TestConformance(t *testing.T) {
	names := map[string]bool{}
	for _, cc := range conformanceCases {
		if names[cc.file] {
			t.Fatalf("fixture %s listed twice", cc.file)
		}
		names[cc.file] = true
		t.Run(cc.file, func(t *testing.T) {
			c := newCDriver(t, append([]string{cc.file}, cc.also...))
			c.fresh()
			cc.run(c)
		})
	}
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

// conformanceCases lists the fixtures by source, then file name.
var conformanceCases = slices.Concat(camunda7Cases, bpmnElementsCases, spiffCases, tokenSimCases, libBpmnEngineCases)

// Camunda 7: engine/src/test/java/org/camunda/bpm/engine/test/... (names
// in comments are task names the Camunda 7 tests use).
var camunda7Cases = []confCase{
	{file: "camunda7/BoundaryErrorEventTest.testCatchErrorInConcurrentEmbeddedSubprocesses.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("boundaryEventTestConcurrentSubprocesses", nil)
		c.wantTasks("taskA", "taskB")
		c.do("taskA", nil) // error1 ends innerSubProcess1, caught on outerSubProcess
		c.wantTasks("taskD")
		c.do("taskD", nil)
		c.mustEnd(k, Completed, "end2")

		k = c.start("boundaryEventTestConcurrentSubprocesses", nil)
		c.do("taskB", nil) // error2 caught on innerSubProcess2
		c.wantTasks("taskA", "taskC")
		c.do("taskC", nil)
		c.wantTasks("taskA")
		c.do("taskA", nil)
		c.wantTasks("taskD")
		c.do("taskD", nil)
		c.mustEnd(k, Completed, "end2")
	}},
	{file: "camunda7/BoundaryErrorEventTest.testCatchErrorOfInnerSubprocessOnOuterSubprocess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("boundaryErrorTest", nil)
		c.wantTasks("innerTask1", "innerTask2")
		c.do("innerTask2", nil) // error 123: the inner boundary catches 456 only
		c.wantTasks("taskAfterErrorCatch")
		eq(c.t, "live elements", c.elements(k), "0:taskAfterErrorCatch")
		c.do("taskAfterErrorCatch", nil)
		c.mustEnd(k, Completed, "")
	}},
	{file: "camunda7/BoundaryErrorEventTest.testCatchErrorOnEmbeddedSubprocess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("boundaryErrorOnEmbeddedSubprocess", nil)
		c.wantTasks("subprocessTask")
		c.do("subprocessTask", nil)
		c.wantTasks("taskAfterErrorCatch") // "task after catching the error"
		c.do("taskAfterErrorCatch", nil)
		c.mustEnd(k, Completed, "")
	}},
	{file: "camunda7/BoundaryErrorEventTest.testCatchErrorOnParallelMultiInstance.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("catchErrorOnParallelMi", nil)
		eq(c.t, "instances", len(c.open("subProcessTask")), 5)
		c.do("subProcessTask", map[string]any{"throwError": false})
		c.do("subProcessTask", map[string]any{"throwError": false})
		c.do("subProcessTask", map[string]any{"throwError": true})
		c.wantTasks()
		c.mustEnd(k, Completed, "processEnd")
	}},
	{file: "camunda7/BoundaryErrorEventTest.testDeeplyNestedErrorThrownOnlyAutomaticSteps.bpmn20.xml", run: func(c *cdriver) {
		// The errorRefs name no <error>: the reference is the error code.
		k := c.start("deeplyNestedErrorThrown", map[string]any{"input": 1.0})
		c.mustEnd(k, Completed, "processEnd1") // caught on subprocess2
		k = c.start("deeplyNestedErrorThrown", map[string]any{"input": 2.0})
		c.mustEnd(k, Completed, "processEnd2") // caught on subprocess1
	}},
	{file: "camunda7/BoundaryTimerEventTest.testMultipleTimersOnUserTask.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("multipleTimersOnUserTask", nil)
		eq(c.t, "timers", c.timers(), 3)
		c.wait(time.Hour + 5*time.Second)
		eq(c.t, "timers", c.timers(), 0)
		c.wantTasks("thirdTask")
		c.do("thirdTask", nil)
		c.mustEnd(k, Completed, "escalatedEnd")
	}},
	{file: "camunda7/BoundaryTimerEventTest.testTimerOnNestingOfSubprocesses.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("timerOnNestedSubprocesses", nil)
		c.wantTasks("innerTask1", "innerTask2")
		eq(c.t, "timers", c.timers(), 1)
		c.wait(hours(2))
		c.wantTasks("taskAfterCatch")
		eq(c.t, "live elements", c.elements(k), "0:taskAfterCatch")
	}},
	{file: "camunda7/BoundaryTimerNonInterruptingEventTest.testJoin.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("testJoin", nil)
		c.wantTasks("Main_Task")
		c.wait(hours(1))
		c.wantTasks("Escalation_Task", "Main_Task")
		c.do("Main_Task", nil)
		c.wantTasks("Escalation_Task")
		c.do("Escalation_Task", nil)
		c.mustEnd(k, Completed, "EndNoneEvent")
	}},
	{file: "camunda7/BoundaryTimerNonInterruptingEventTest.testTimerOnConcurrentTasks.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("nonInterruptingOnConcurrentTasks", nil)
		c.wantTasks("firstTask", "secondTask")
		c.wait(hours(1))
		c.wantTasks("firstTask", "secondTask", "timerFiredTask")
		c.do("timerFiredTask", nil)
		c.wantTasks("firstTask", "secondTask")
		c.do("firstTask", nil)
		c.do("secondTask", nil)
		c.mustEnd(k, Completed, "")

		c.fresh() // testTimerOnConcurrentTasks2: the join fires first
		k = c.start("nonInterruptingOnConcurrentTasks", nil)
		c.wait(hours(1))
		c.do("firstTask", nil)
		c.do("secondTask", nil)
		c.wantTasks("timerFiredTask")
		c.wantActive(k)
		c.do("timerFiredTask", nil)
		c.mustEnd(k, Completed, "")
	}},
	{file: "camunda7/CompensateEventTest.testCompensateActivityInConcurrentSubprocess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		c.wantTasks("outerTask", "scopeTask")
		c.do("scopeTask", nil)
		c.do("outerTask", nil)
		c.wantTasks()
		c.signal(k, "beforeCompensate")
		c.wantTasks("undoScopeTask")
		c.do("undoScopeTask", nil)
		c.signal(k, "beforeEnd")
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/CompensateEventTest.testCompensateActivityInSubprocess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		c.wantTasks("scopeTask")
		c.do("scopeTask", nil)
		c.wantTasks()
		eq(c.t, "live elements", c.elements(k), "0:beforeCompensate")
		c.signal(k, "beforeCompensate")
		c.wantTasks("undoScopeTask")
		c.do("undoScopeTask", nil)
		c.signal(k, "beforeEnd")
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/CompensateEventTest.testCompensateActivityRef.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		v := c.vars(k)
		eq(c.t, "undoBookHotel", v["undoBookHotel"], 5.0)
		if _, ok := v["undoBookFlight"]; ok {
			c.t.Fatalf("undoBookFlight ran: %v", v)
		}
		c.signal(k, "beforeEnd")
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/CompensateEventTest.testCompensateConcurrentMiActivity.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		eq(c.t, "Book Hotel", len(c.open("bookHotel")), 5)
		for range 4 {
			c.do("bookHotel", nil)
		}
		c.do("parallelTask", map[string]any{"accept": false}) // throws compensation
		c.wantTasks("bookHotel")                              // no "Cancel Hotel": bookHotel has not completed
		eq(c.t, "handlers", c.count(TraceCompensating, "bookHotel"), 0)
		c.do("bookHotel", nil)
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/CompensateEventTest.testCompensateParallelSubprocess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		eq(c.t, "undoBookHotel", c.vars(k)["undoBookHotel"], 5.0) // compensated right after start
		c.wantTasks("parallelTask")
		c.do("parallelTask", nil)
		c.signal(k, "beforeEnd")
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/CompensateEventTest.testCompensateScope.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		v := c.vars(k)
		eq(c.t, "undoBookHotel", v["undoBookHotel"], 5.0)
		eq(c.t, "undoBookFlight", v["undoBookFlight"], 5.0)
		c.signal(k, "beforeEnd")
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/CompensateEventTest.testCompensateSubprocess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		eq(c.t, "undoBookHotel", c.vars(k)["undoBookHotel"], 5.0) // once per completed MI instance
		eq(c.t, "live elements", c.elements(k), "0:beforeEnd")
		c.signal(k, "beforeEnd")
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/CompensateEventTest.testCompensateSubprocessInsideSubprocess.bpmn20.xml", run: func(c *cdriver) {
		// Camunda 7 does not assert whether the handlers run one after
		// another or at once; the default runs the most recently
		// completed activity's handler first.
		k := c.start("compensateProcess", nil)
		c.do("bookHotel", nil)
		c.do("bookFlight", nil)
		c.do("throwCompensation", nil)
		c.wantTasks("undoBookFlight") // "Cancel Flight"
		c.do("undoBookFlight", nil)
		c.wantTasks("undoBookHotel") // "Cancel Hotel"
		c.do("undoBookHotel", nil)
		c.mustEnd(k, Completed, "end")

		// ParallelCompensation: both handlers at once; complete them in the
		// order the Camunda 7 test does.
		c.with(func(o *Options) { o.ParallelCompensation = true })
		k = c.start("compensateProcess", nil)
		c.do("bookHotel", nil)
		c.do("bookFlight", nil)
		c.do("throwCompensation", nil)
		c.wantTasks("undoBookFlight", "undoBookHotel")
		c.do("undoBookHotel", nil)
		c.do("undoBookFlight", nil)
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/CompensateEventTest.testCompensateSubprocessWithBoundaryEvent.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		c.wantTasks("undoSubprocess")
		c.do("undoSubprocess", nil)
		c.signal(k, "beforeEnd")
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/CompensateEventTest.testCompensationEndEventWithActivityRef.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		end := c.mustEnd(k, Completed, "end")
		eq(c.t, "undoBookHotel runs", c.count(TraceActivated, "undoBookHotel"), 5)
		eq(c.t, "undoBookFlight runs", c.count(TraceActivated, "undoBookFlight"), 0)
		eq(c.t, "undoBookHotel", end.Variables["undoBookHotel"], 5.0)
	}},
	{file: "camunda7/CompensateEventTest.testCompensationEndEventWithScope.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		end := c.mustEnd(k, Completed, "end")
		eq(c.t, "undoBookHotel runs", c.count(TraceActivated, "undoBookHotel"), 5)
		eq(c.t, "undoBookFlight runs", c.count(TraceActivated, "undoBookFlight"), 5)
		eq(c.t, "counters", []any{end.Variables["undoBookHotel"], end.Variables["undoBookFlight"]}, []any{5.0, 5.0})
	}},
	{file: "camunda7/CompensateEventTest.testConcurrentScopeCompensation.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("concurrentScopeCompensation", nil)
		c.wantTasks("beforeCompensationTask", "concurrentTask")
		c.do("beforeCompensationTask", nil)
		v := c.vars(k)
		eq(c.t, "counters", []any{v["compensateScope1Task"], v["compensateScope2Task"]}, []any{1.0, 1.0})
		c.wantTasks("concurrentTask")
		c.do("concurrentTask", nil)
		c.mustEnd(k, Completed, "")
	}},
	{file: "camunda7/CompensateEventTest.testSubprocessCompensationHandler.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("subProcessCompensationHandler", nil)
		c.do("activity", nil)
		c.wantTasks("subProcessTask")
		eq(c.t, "live elements", c.elements(k), "0:throwCompensate,1:compensationHandler,2:subProcessTask")
		c.do("subProcessTask", nil)
		c.wantTasks("beforeEnd")
		c.do("beforeEnd", nil)
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/EventBasedGatewayTest.testCatchAlertAndTimer.bpmn20.xml", also: []string{"camunda7/EventBasedGatewayTest.throwAlertSignal.bpmn20.xml"}, run: func(c *cdriver) {
		// testCatchSignalCancelsTimer
		k := c.start("catchSignal", nil)
		eq(c.t, "signal subscriptions", c.signalSubs(), 1)
		eq(c.t, "timers", c.timers(), 1) // PT0S: due now, fires when the clock is advanced
		c.start("throwSignal", nil)
		eq(c.t, "signal subscriptions", c.signalSubs(), 0)
		eq(c.t, "timers", c.timers(), 0)
		c.wantTasks("task2") // "afterSignal"
		c.wantActive(k)

		c.fresh() // testCatchTimerCancelsSignal
		k = c.start("catchSignal", nil)
		c.wait(10 * time.Second)
		eq(c.t, "signal subscriptions", c.signalSubs(), 0)
		c.wantTasks("task1") // "afterTimer"
		c.do("task1", nil)
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/EventBasedGatewayTest.throwAlertSignal.bpmn20.xml", also: []string{"camunda7/EventBasedGatewayTest.testCatchAlertAndTimer.bpmn20.xml"}, run: func(c *cdriver) {
		waiting := c.start("catchSignal", nil)
		k := c.start("throwSignal", nil)
		c.mustEnd(k, Completed, "end")
		eq(c.t, "signal thrown", c.count(TraceSignal, "alert"), 1)
		c.wantTasks("task2")
		c.wantActive(waiting)
	}},
	{file: "camunda7/EventBasedGatewayTest.testCatchSignalAndMessageAndTimer.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("catchSignal", nil)
		subs := c.e.Subscriptions()
		eq(c.t, "message subscriptions", len(subs), 1)
		eq(c.t, "signal subscriptions", c.signalSubs(), 1)
		eq(c.t, "timers", c.timers(), 1)
		eq(c.t, "on the gateway", subs[0].ElementID, "messageEvent")
		c.pub("newInvoice", "", nil)
		eq(c.t, "subscriptions left", len(c.e.Subscriptions())+c.signalSubs()+c.timers(), 0)
		c.wantTasks("task3") // "afterMessage"
		c.do("task3", nil)
		c.mustEnd(k, Completed, "end")
	}},
	{file: "camunda7/InclusiveGatewayTest.testDefaultSequenceFlow.bpmn20.xml", run: func(c *cdriver) {
		for _, tc := range []struct {
			input float64
			tasks []string
		}{{1, []string{"theTask1", "theTask3"}}, {3, []string{"theTask3"}}, {5, []string{"theTask2"}}} {
			c.fresh()
			c.start("inclusiveGwDefaultSequenceFlow", map[string]any{"input": tc.input})
			c.wantTasks(tc.tasks...)
		}
	}},
	{file: "camunda7/InclusiveGatewayTest.testDivergingInclusiveGateway.bpmn20.xml", run: func(c *cdriver) {
		for _, tc := range []struct {
			input float64
			tasks []string
		}{{1, []string{"theTask1", "theTask2", "theTask3"}}, {2, []string{"theTask2", "theTask3"}}, {3, []string{"theTask3"}}} {
			c.fresh()
			k := c.start("inclusiveGwDiverging", map[string]any{"input": tc.input})
			c.wantTasks(tc.tasks...)
			for _, id := range tc.tasks {
				c.do(id, nil)
			}
			c.mustEnd(k, Completed, "theEnd")
		}
		// testUnknownVariableInExpression: Camunda 7 fails the call; the
		// engine raises an incident at the gateway.
		c.fresh()
		c.start("inclusiveGwDiverging", nil)
		incs := c.e.Incidents()
		if len(incs) != 1 || incs[0].ElementID != "inclusiveGw" {
			c.t.Fatalf("incidents = %+v, want one at inclusiveGw", incs)
		}
		c.wantTasks()
	}},
	{file: "camunda7/InclusiveGatewayTest.testJoinAfterEventBasedGateway.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("process", nil)
		c.wantTasks("theTask")
		c.do("theTask", nil)
		c.wantTasks() // the join waits for the event-based gateway's branch
		c.pub("foo", "", nil)
		c.wantTasks("taskAfterJoin")
		c.do("taskAfterJoin", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/InclusiveGatewayTest.testMergingInclusiveGateway.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("inclusiveGwMerging", map[string]any{"input": 2.0})
		c.wantTasks("theTask") // two tokens merged into one
		c.do("theTask", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/InclusiveGatewayTest.testNoSequenceFlowSelected.bpmn20.xml", run: func(c *cdriver) {
		// Camunda 7 fails the call with ENGINE-02004; the engine raises a
		// CONDITION_ERROR incident that holds the token (Zeebe).
		k := c.start("inclusiveGwNoSeqFlowSelected", map[string]any{"input": 4.0})
		incs := c.e.Incidents()
		if len(incs) != 1 || incs[0].Kind != ConditionError || incs[0].ElementID != "inclusiveGw" {
			c.t.Fatalf("incidents = %+v", incs)
		}
		c.wantTasks()
		c.wantActive(k)
	}},
	{file: "camunda7/InclusiveGatewayTest.testPartialMergingInclusiveGateway.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("partialInclusiveGwMerging", map[string]any{"input": 2.0})
		c.wantTasks("partialTask")
		c.do("partialTask", nil)
		c.wantTasks("theTask")
		c.do("theTask", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/InclusiveGatewayTest.testSplitMergeSplit.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("inclusiveGwSplitAndMerge", map[string]any{"input": 1.0})
		c.wantTasks("theTask1", "theTask2")
		c.do("theTask1", nil)
		c.do("theTask2", nil)
		c.wantTasks("theTask3")
		eq(c.t, "live elements", c.elements(k), "0:theTask3")
		c.do("theTask3", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/IntermediateTimerEventTest.testCatchingTimerEvent.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("intermediateTimerEventExample", nil)
		eq(c.t, "timers", c.timers(), 1)
		c.wait(50*time.Minute + 5*time.Second)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/MessageBoundaryEventTest.testBoundaryMessageEventOnSubprocess.bpmn20.xml", run: func(c *cdriver) {
		for _, tc := range []struct{ msg, task string }{{"messageName_one", "taskAfterMessage_one"}, {"messageName_two", "taskAfterMessage_two"}} {
			c.fresh()
			k := c.start("process", nil)
			eq(c.t, "subscriptions", len(c.e.Subscriptions()), 2)
			c.pub(tc.msg, "", nil)
			eq(c.t, "subscriptions", len(c.e.Subscriptions()), 0)
			c.wantTasks(tc.task)
			c.do(tc.task, nil)
			c.mustEnd(k, Completed, "theEnd")
		}
		c.fresh()
		k := c.start("process", nil)
		c.do("taskSubProcess", nil)
		eq(c.t, "subscriptions", len(c.e.Subscriptions()), 0)
		c.wantTasks("taskAfterSubProcess")
		c.do("taskAfterSubProcess", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/MessageBoundaryEventTest.testDoubleBoundaryMessageEvent.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("process", nil)
		eq(c.t, "subscriptions", len(c.e.Subscriptions()), 2)
		c.pub("messageName_1", "", nil)
		eq(c.t, "subscriptions", len(c.e.Subscriptions()), 0)
		r := c.pub("messageName_2", "", nil) // Camunda 7: "does not have a subscription"
		eq(c.t, "correlated", len(r.Correlated), 0)
		c.wantTasks("taskAfterMessage_1")
		c.do("taskAfterMessage_1", nil)
		c.mustEnd(k, Completed, "theEnd")

		c.fresh()
		k = c.start("process", nil)
		c.do("task", nil)
		eq(c.t, "subscriptions", len(c.e.Subscriptions()), 0)
		c.wantTasks("taskAfterTask")
		c.do("taskAfterTask", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/MessageBoundaryEventTest.testSingleBoundaryMessageEvent.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("process", nil)
		c.pub("messageName", "", nil)
		c.wantTasks("taskAfterMessage")
		c.do("taskAfterMessage", nil)
		c.mustEnd(k, Completed, "theEnd")

		c.fresh()
		k = c.start("process", nil)
		c.do("task", nil)
		eq(c.t, "subscriptions", len(c.e.Subscriptions()), 0)
		c.wantTasks("taskAfterTask")
		c.do("taskAfterTask", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/MessageCorrelationTest.testCatchingMessageEventCorrelation.bpmn20.xml", run: func(c *cdriver) {
		// Camunda 7 correlates by process variable (aKey); the engine
		// correlates by correlation key, so the message gets "=aKey".
		c.rewrite(func(d *bpmn.Definitions) { d.Messages[0].CorrelationKey = "=aKey" })
		k1 := c.start("process", map[string]any{"aKey": "aValue"})
		k2 := c.start("process", map[string]any{"aKey": "anotherValue"})
		r := c.pub("newInvoiceMessage", "aValue", nil)
		eq(c.t, "correlated", r.Correlated, []uint64{k1})
		c.wantTasks("task")
		subs := c.e.Subscriptions()
		if len(subs) != 1 || subs[0].Instance != k2 {
			c.t.Fatalf("subscriptions = %+v, want the other instance's", subs)
		}
		// Two matching instances: Camunda 7's correlate() fails and
		// correlateAll() advances both. A message correlates to one
		// instance per process (Zeebe): publishing twice advances both.
		c.fresh()
		k1 = c.start("process", map[string]any{"aKey": "aValue"})
		k2 = c.start("process", map[string]any{"aKey": "aValue"})
		eq(c.t, "first", c.pub("newInvoiceMessage", "aValue", nil).Correlated, []uint64{k1})
		eq(c.t, "second", c.pub("newInvoiceMessage", "aValue", nil).Correlated, []uint64{k2})
		eq(c.t, "tasks", len(c.open("task")), 2)
		eq(c.t, "subscriptions", len(c.e.Subscriptions()), 0)
	}},
	{file: "camunda7/MessageIntermediateEventTest.testConcurrentIntermediateMessageEvent.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("process", nil)
		eq(c.t, "subscriptions", len(c.e.Subscriptions()), 2)
		c.pub("newInvoiceMessage", "", nil)
		c.wantTasks() // the join waits
		c.pub("newInvoiceMessage", "", nil)
		c.wantTasks("task")
		c.do("task", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/MessageIntermediateEventTest.testSingleIntermediateMessageEvent.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("process", nil)
		eq(c.t, "live elements", c.elements(k), "0:messageCatch")
		c.pub("newInvoiceMessage", "", nil)
		c.wantTasks("task")
		c.do("task", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/MessageStartEventTest.testMessageStartEventAndNoneStartEvent.bpmn20.xml", run: func(c *cdriver) {
		c.start("testProcess", nil)
		c.wantTasks("taskAfterNoneStart")
		r := c.pub("newInvoiceMessage", "", nil)
		eq(c.t, "started", len(r.Started), 1)
		eq(c.t, "new instance waits at", c.elements(r.Started[0]), "0:taskAfterMessageStart")
	}},
	{file: "camunda7/MessageStartEventTest.testMultipleMessageStartEvents.bpmn20.xml", run: func(c *cdriver) {
		r := c.pub("newInvoiceMessage", "", nil)
		eq(c.t, "started", len(r.Started), 1)
		c.wantTasks("taskAfterMessageStart")
		c.do("taskAfterMessageStart", nil)
		c.mustEnd(r.Started[0], Completed, "")
		r = c.pub("newInvoiceMessage2", "", nil)
		eq(c.t, "started", len(r.Started), 1)
		c.wantTasks("taskAfterMessageStart2")
		if _, err := c.e.Start("testProcess", nil); !errors.Is(err, ErrInvalidInput) {
			c.t.Fatalf("start without a none start event: err = %v", err)
		}
	}},
	{file: "camunda7/ParallelGatewayTest.testForkFollowedByOnlyEndEvents.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("forkFollowedByEndEvents", nil)
		c.mustEnd(k, Completed, "")
	}},
	{file: "camunda7/ParallelGatewayTest.testForkJoin.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("forkJoin", nil)
		c.wantTasks("receivePayment", "shipOrder")
		c.do("receivePayment", nil)
		c.do("shipOrder", nil)
		c.wantTasks("archiveOrder")
		c.do("archiveOrder", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/ParallelGatewayTest.testNestedForkJoin.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("nestedForkJoin", nil)
		c.do("Task_0", nil)
		c.wantTasks("Task_A", "Task_B")
		c.do("Task_A", nil)
		c.wantTasks("Task_B")
		c.do("Task_B", nil)
		c.wantTasks("Task_B1", "Task_B2")
		c.do("Task_B1", nil)
		c.do("Task_B2", nil)
		c.wantTasks("Task_C")
		c.do("Task_C", nil)
		c.mustEnd(k, Completed, "End")
	}},
	{file: "camunda7/ParallelGatewayTest.testUnbalancedForkJoin.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("UnbalancedForkJoin", nil)
		c.wantTasks("task1", "task2", "task3")
		c.do("task1", nil)
		c.wantTasks("task2", "task3")
		c.do("task2", nil)
		c.wantTasks("task3", "task4")
		c.do("task3", nil)
		c.do("task4", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/ParallelGatewayTest.testUnstructuredConcurrencyTwoJoins.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("unstructuredConcurrencyTwoJoins", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/SubProcessTest.testNestedSimpleSubProcess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("nestedSimpleSubProcess", nil)
		eq(c.t, "tree", c.elements(k), "0:outerSubProcess,1:innerSubProcess,2:innerSubProcessTask")
		c.do("innerSubProcessTask", nil)
		eq(c.t, "tree", c.elements(k), "0:afterSubProcessTask")
		c.do("afterSubProcessTask", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/SubProcessTest.testSimpleAutomaticSubProcess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("simpleSubProcessAutomatic", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/SubProcessTest.testSimpleSubProcess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("simpleSubProcess", nil)
		eq(c.t, "tree", c.elements(k), "0:subProcess,1:subProcessTask")
		c.do("subProcessTask", nil)
		c.mustEnd(k, Completed, "theEnd")
	}},
	{file: "camunda7/SubProcessTest.testSimpleSubProcessWithTimer.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("simpleSubProcess", nil)
		c.wantTasks("subProcessTask")
		c.wait(hours(2) + time.Second)
		c.wantTasks("escalationTask") // "Fix escalated problem"
		eq(c.t, "tree", c.elements(k), "0:escalationTask")
	}},
	{file: "camunda7/SubProcessTest.testTwoSubProcessInParallel.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("twoSubProcessInParallel", nil)
		c.wantTasks("subProcessATask", "subProcessBTask")
		c.do("subProcessATask", nil)
		c.wantTasks("subProcessBTask", "taskAfterSubProcessA")
		c.do("subProcessBTask", nil)
		c.wantTasks("taskAfterSubProcessA", "taskAfterSubProcessB")
		c.do("taskAfterSubProcessA", nil)
		c.do("taskAfterSubProcessB", nil)
		c.mustEnd(k, Completed, "")
	}},
}

var bpmnElementsCases = []confCase{}
var spiffCases = []confCase{}
var tokenSimCases = []confCase{}
var libBpmnEngineCases = []confCase{}
