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
	snap   bool     // snapshot and restore the engine at every wait state
	trips  int      // round trips done
	o      Options
	progs  []*Program
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
	if c.harness != nil {
		c.checkEnds()
	}
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
	c.o, c.progs = o, nil
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
		c.progs = append(c.progs, h.prog)
		c.defs = append(c.defs, d)
	}
}

// checkEnds asserts that nothing happens in an instance after it ended
// and that it left no job behind.
func (c *cdriver) checkEnds() {
	c.t.Helper()
	ended := map[uint64]bool{}
	for _, ev := range c.events {
		if ended[ev.Instance] {
			c.t.Fatalf("instance %d: %s %s after it ended\ntrace:\n%s", ev.Instance, ev.Kind, ev.ElementID, c.trace())
		}
		if ev.Kind == TraceEnded {
			ended[ev.Instance] = true
		}
	}
	for _, j := range c.e.Jobs() {
		if ended[j.Instance] {
			c.t.Fatalf("job %s left open in ended instance %d", j.ElementID, j.Instance)
		}
	}
	if len(c.e.Instances()) == 0 {
		if n := len(c.e.Subscriptions()) + c.signalSubs() + c.timers(); n > 0 {
			c.t.Fatalf("%d subscriptions or timers left after every instance ended", n)
		}
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
		c.roundtrip()
		progressed := false
		for _, j := range c.e.Jobs() {
			if c.auto == nil || c.e.jobs.get(j.Key).state == JobIncident {
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

// roundtrip, in snapshot mode, replaces the engine by one restored from
// its snapshot: the run must go on exactly as without it.
func (c *cdriver) roundtrip() {
	c.t.Helper()
	if !c.snap {
		return
	}
	r := restoreSame(c.t, c.e, c.o, c.progs...)
	c.e = r
	c.trips++
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
			c.checkEnds()
		})
	}
}

// TestConformanceSnapshots runs every conformance scenario again, with the
// engine snapshotted and restored at every wait state (after each input and
// each job the driver completes): the traces must be identical.
func TestConformanceSnapshots(t *testing.T) {
	for _, cc := range conformanceCases {
		t.Run(cc.file, func(t *testing.T) {
			run := func(snap bool) string {
				c := newCDriver(t, append([]string{cc.file}, cc.also...))
				c.fresh()
				c.snap = snap
				cc.run(c)
				c.roundtrip()
				c.checkEnds()
				if snap && c.trips == 0 {
					t.Fatal("no snapshot was taken")
				}
				return c.trace()
			}
			plain, snapped := run(false), run(true)
			if plain != snapped {
				t.Fatalf("trace with snapshots differs:\n%s\n---\n%s", snapped, plain)
			}
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

		// ParallelCompensation (Zeebe): one handler run per
		// multi-instance body, all at once.
		c.with(func(o *Options) { o.ParallelCompensation = true })
		k = c.start("compensateProcess", nil)
		v = c.vars(k)
		eq(c.t, "Zeebe counters", []any{v["undoBookHotel"], v["undoBookFlight"]}, []any{1.0, 1.0})
	}},
	{file: "camunda7/CompensateEventTest.testCompensateSubprocess.bpmn20.xml", run: func(c *cdriver) {
		k := c.start("compensateProcess", nil)
		eq(c.t, "undoBookHotel", c.vars(k)["undoBookHotel"], 5.0) // once per completed MI instance
		eq(c.t, "live elements", c.elements(k), "0:beforeEnd")
		c.signal(k, "beforeEnd")
		c.mustEnd(k, Completed, "end")

		c.with(func(o *Options) { o.ParallelCompensation = true })
		k = c.start("compensateProcess", nil)
		eq(c.t, "Zeebe: once per MI body", c.vars(k)["undoBookHotel"], 1.0)
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

// bpmn-elements: test/feature/... (the {taken, discarded} counters of
// its dead-path elimination have no equivalent; the runs are compared).
var bpmnElementsCases = []confCase{
	{file: "bpmn-elements/event-based-gateway-with-same-target.bpmn", run: func(c *cdriver) {
		k := c.start("Process_0", nil)
		eq(c.t, "signal subscriptions (one per flow)", c.signalSubs(), 2)
		c.broadcast("signalEvent")
		c.mustEnd(k, Completed, "end")
		eq(c.t, "task runs", c.count(TraceCompleted, "Task_1pfzr39"), 1)

		c.fresh() // the timer wins: the signal event is never entered
		k = c.start("Process_0", nil)
		c.wait(hours(1))
		c.mustEnd(k, Completed, "end")
		eq(c.t, "signal event entered", c.count(TraceActivated, "signalEvent"), 0)
		eq(c.t, "task runs", c.count(TraceCompleted, "Task_1pfzr39"), 1)
	}},
}

// SpiffWorkflow: tests/SpiffWorkflow/bpmn/... (none tasks are user tasks,
// see noneTasksWait; names are task names).
var spiffCases = []confCase{
	{file: "spiffworkflow/Parallel-Multiple-Splits-And-Joins.bpmn20.xml", run: func(c *cdriver) {
		// "X" completes the READY task named X; "!X" asserts that X is not
		// READY yet.
		for _, order := range [][]string{
			{"1", "!Done", "2", "1A", "!Done", "2A", "1B", "2B", "!Done", "1 Done", "!Done", "2 Done", "Done"},
			{"1", "!Done", "1A", "1B", "1 Done", "!Done", "2", "2A", "2B", "2 Done", "Done"},
			{"1", "2", "!Done", "1B", "2B", "!2 Done", "1A", "!Done", "2A", "1 Done", "!Done", "2 Done", "Done"},
			{"1", "1B", "1A", "1 Done", "!Done", "2", "2B", "2A", "2 Done", "Done"},
		} {
			c.fresh()
			k := c.start("sid-a90fa1f1-32a9-4a62-8ad4-8820a3fc6cc4", nil)
			for _, step := range order {
				if name, ok := strings.CutPrefix(step, "!"); ok {
					if len(c.open(c.idOf(name))) > 0 {
						c.t.Fatalf("order %v: %q is ready too early", order, name)
					}
					continue
				}
				c.doNamed(step)
			}
			c.mustEnd(k, Completed, "")
			c.wantTasks()
		}
	}},
	{file: "spiffworkflow/collaboration.bpmn", run: func(c *cdriver) {
		// The send task is a job: its worker sends "Love Letter". The
		// correlation key "lover" (correlation properties) is not
		// interpreted: the catch event matches the message by name.
		k := c.start("process_buddy", map[string]any{"lover_name": "Peggy"})
		c.wantTasks("ActivitySendLetter")
		c.do("ActivitySendLetter", nil)
		subs := c.e.Subscriptions()
		if len(subs) != 1 || subs[0].Message != "Love Letter Response" || subs[0].ElementID != "EventReceiveLetter" {
			c.t.Fatalf("subscriptions = %+v", subs)
		}
		c.pub("Love Letter Response", "", map[string]any{"from_name": "Peggy", "other_nonsense": 1234.0})
		end := c.mustEnd(k, Completed, "Event_01h5zqa")
		eq(c.t, "from_name", end.Variables["from_name"], "Peggy")
		// Only executable processes start; the other participant has none.
		if _, err := c.e.Start("random_person_process", nil); err == nil {
			c.t.Fatal("started the non-executable participant")
		}
	}},
	{file: "spiffworkflow/event-subprocess.bpmn", run: func(c *cdriver) {
		k := c.start("main", nil)
		c.wantTasks("set_data")
		c.do("set_data", map[string]any{"v1": true, "v2": false})
		c.wantTasks("task") // in the event subprocess started by signal start_sub
		j := c.open("task")[0]
		v, err := c.e.JobVariables(j.Key)
		if err != nil {
			c.t.Fatal(err)
		}
		eq(c.t, "data", []any{v["v1"], v["v2"]}, []any{true, false})
		c.do("task", nil)
		c.mustEnd(k, Completed, "")
	}},
}

// bpmn-js-token-simulation: test/spec/simulator/SimulatorSpec.js; the
// expected values are the flow nodes entered (see entered), the nodes the
// simulator reports as triggered ("X!") left out.
var tokenSimCases = []confCase{
	{file: "token-simulation/Simulator.compensation-intermediate-throw.bpmn", run: func(c *cdriver) {
		k := c.start("Process_1", nil)
		eq(c.t, "entered", c.entered(), "A,COMP_A,COMPENSATE_A,END")
		c.mustEnd(k, Completed, "END")
	}},
	{file: "token-simulation/Simulator.compensation-end.bpmn", run: func(c *cdriver) {
		k := c.start("Process_1", nil)
		eq(c.t, "entered", c.entered(), "A,COMP_A_END,COMPENSATE_A")
		c.mustEnd(k, Completed, "COMP_A_END")
	}},
	{file: "token-simulation/Simulator.compensation-event-sub-process.bpmn", run: func(c *cdriver) {
		// START! A ESCALATE_END E_START! E_COMP_A_END COMPENSATE_A E!
		k := c.start("Process_1", nil)
		eq(c.t, "entered", c.entered(), "A,ESCALATE_END,E_COMP_A_END,COMPENSATE_A")
		eq(c.t, "event subprocess completed", c.count(TraceCompleted, "E"), 1)
		c.mustEnd(k, Completed, "")
	}},
	{file: "token-simulation/Simulator.error-trigger-boundary.bpmn", run: func(c *cdriver) {
		k := c.start("Process_1", nil)
		eq(c.t, "entered", c.entered(), "S,S_END,Error_End")
		c.mustEnd(k, Completed, "Error_End")
	}},
	{file: "token-simulation/Simulator.inclusive-gateway-default-flow.bpmn", run: func(c *cdriver) {
		c.with(branch("F_GATE", "Flow_4")) // the default flow only
		k := c.start("Process_1", nil)
		eq(c.t, "entered", c.entered(), "F_GATE,J_GATE,END")
		c.mustEnd(k, Completed, "END")
	}},
	{file: "token-simulation/Simulator.inclusive-gateway-fork-join.bpmn", run: func(c *cdriver) {
		// The configured flows (Flow_2, Flow_3; Flow_4, Flow_5) are all
		// the unconditional flows of the gateways: no Branch needed.
		k := c.start("Process_1", nil)
		eq(c.t, "entered", c.entered(), "INC_FORK,INC_FORK_JOIN,INC_FORK_JOIN,INC_JOIN,INC_JOIN,END")
		eq(c.t, "joins fired", []int{c.count(TraceCompleted, "INC_FORK_JOIN"), c.count(TraceCompleted, "INC_JOIN")}, []int{1, 1})
		c.mustEnd(k, Completed, "END")
	}},
	{file: "token-simulation/Simulator.inclusive-gateway-sync.bpmn", run: func(c *cdriver) {
		c.with(branch("F_GATE", "Flow_3", "Flow_5"))
		k := c.start("Process_1", nil)
		eq(c.t, "entered", c.entered(), "F_GATE,J_GATE,J_GATE,END")
		eq(c.t, "join fired", c.count(TraceCompleted, "J_GATE"), 1)
		c.mustEnd(k, Completed, "END")
	}},
	{file: "token-simulation/Simulator.parallel-gateway.bpmn", run: func(c *cdriver) {
		k := c.start("Process_1", nil)
		eq(c.t, "entered", c.entered(), "F_GATE,J_GATE,J_GATE,J_GATE,END")
		eq(c.t, "join fired", c.count(TraceCompleted, "J_GATE"), 1)
		c.mustEnd(k, Completed, "END")
	}},
	{file: "token-simulation/Simulator.parallel-gateway-stuck.bpmn", run: func(c *cdriver) {
		// Triggering START only: the join waits for MESSAGE_START's flow.
		k, err := c.e.StartAt("Process_1", "START", nil)
		if err != nil {
			c.t.Fatal(err)
		}
		eq(c.t, "entered", c.entered(), "GATE")
		c.wantActive(k)
		eq(c.t, "live elements", c.elements(k), "")
	}},
}

// branch plays the token simulator's gateway configuration
// (activeOutgoing) through Options.Branch.
func branch(gateway string, flows ...string) func(*Options) {
	return func(o *Options) {
		o.Branch = func(_ uint64, g *bpmn.Node) []*bpmn.SequenceFlow {
			if g.ID != gateway {
				return nil
			}
			var out []*bpmn.SequenceFlow
			for _, f := range g.Outgoing {
				if slices.Contains(flows, f.ID) {
					out = append(out, f)
				}
			}
			return out
		}
	}
}

// lib-bpmn-engine: pkg/bpmn_engine/... (the call path is c.calls).
var libBpmnEngineCases = []confCase{
	{file: "lib-bpmn-engine/exclusive-gateway-multiple-tasks-no-default.bpmn", run: func(c *cdriver) {
		// lib-bpmn-engine returns an error; the engine raises an incident.
		k := c.start("exclusive-gateway-multiple-tasks-no-default", map[string]any{"price": -99.0})
		incs := c.e.Incidents()
		if len(incs) != 1 || incs[0].Kind != ConditionError || incs[0].ElementID != "Gateway_01wr5g0" {
			c.t.Fatalf("incidents = %+v", incs)
		}
		eq(c.t, "call path", strings.Join(c.calls, ","), "")
		c.wantActive(k)
	}},
	{file: "lib-bpmn-engine/exclusive-gateway-multiple-tasks.bpmn", run: func(c *cdriver) {
		k := c.start("exclusive-gateway-multiple-tasks", map[string]any{"price": 0.0})
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-a") // first true flow only
		c.mustEnd(k, Completed, "Event_1g3ipua")
		c.fresh()
		k = c.start("exclusive-gateway-multiple-tasks", map[string]any{"price": -99.0})
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-default")
		c.mustEnd(k, Completed, "Event_1cibpyu")
	}},
	{file: "lib-bpmn-engine/exclusive-gateway-with-condition.bpmn", run: func(c *cdriver) {
		k := c.start("exclusive-gateway-with-condition", map[string]any{"price": -50.0})
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-b")
		c.mustEnd(k, Completed, "Event_196zxhe")
		// Deviation: without variables lib-bpmn-engine completes the
		// instance; here null > 0 and null < 0 are not true and there is no
		// default flow, so a CONDITION_ERROR incident holds the token (Zeebe).
		c.fresh()
		k = c.start("exclusive-gateway-with-condition", nil)
		incs := c.e.Incidents()
		if len(incs) != 1 || incs[0].ElementID != "Gateway_01wr5g0" {
			c.t.Fatalf("incidents = %+v", incs)
		}
		c.wantActive(k)
	}},
	{file: "lib-bpmn-engine/fork-controlled-exclusive-join.bpmn", run: func(c *cdriver) {
		k := c.start("fork-controlled-exclusive-join", nil)
		eq(c.t, "call path", strings.Join(c.calls, ","), "id-a-1,id-a-2,id-b-1,id-b-1")
		c.mustEnd(k, Completed, "id-c-1")
	}},
	{file: "lib-bpmn-engine/fork-controlled-parallel-join.bpmn", run: func(c *cdriver) {
		k := c.start("fork-controlled-parallel-join", nil)
		eq(c.t, "call path", strings.Join(c.calls, ","), "id-a-1,id-a-2,id-b-1")
		c.mustEnd(k, Completed, "id-c-1")
	}},
	{file: "lib-bpmn-engine/fork-uncontrolled-join.bpmn", run: func(c *cdriver) {
		k := c.start("fork-uncontrolled-join", nil)
		eq(c.t, "call path", strings.Join(c.calls, ","), "id-a-1,id-a-2,id-b-1,id-b-1")
		c.mustEnd(k, Completed, "id-c-1")
	}},
	{file: "lib-bpmn-engine/forked-flow.bpmn", run: func(c *cdriver) {
		k := c.start("Simple_Task_Process", nil)
		eq(c.t, "call path", strings.Join(c.calls, ","), "id-a-1,id-b-1,id-b-2")
		c.mustEnd(k, Completed, "Event_03es32a")
	}},
	{file: "lib-bpmn-engine/inclusive-gateway-multiple-tasks.bpmn", run: func(c *cdriver) {
		// Deviation: lib-bpmn-engine also takes the default flow
		// ("task-a,task-b,task-default"); BPMN 2.0.2 §13.3.4 and Zeebe take
		// it only when no condition is true.
		k := c.start("inclusive-gateway-multiple-tasks", map[string]any{"price": 0.0})
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-a,task-b")
		c.mustEnd(k, Completed, "")
	}},
	{file: "lib-bpmn-engine/inclusive-gateway-with-condition-and-default.bpmn", run: func(c *cdriver) {
		// The flow "default" is an unconditional flow, not the default.
		k := c.start("exclusive-gateway-with-condition-and-default", map[string]any{"price": -1.0})
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-b")
		c.mustEnd(k, Completed, "Event_196zxhe")
	}},
	{file: "lib-bpmn-engine/message-EventBasedGateway.bpmn", run: func(c *cdriver) {
		// Published before the instance runs: buffered, then correlated.
		c.publish("msg-b", "k1", nil, time.Minute)
		k := c.start("message-EventBasedGateway", map[string]any{"key": "k1"})
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-b")
		c.mustEnd(k, Completed, "Event_182vnrp")
	}},
	{file: "lib-bpmn-engine/message-intermediate-catch-event-and-parallel-tasks.bpmn", run: func(c *cdriver) {
		k := c.start("message-intermediate-catch-event-and-parallel-tasks", map[string]any{"test": "t1"})
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-2")
		c.wantActive(k)
		c.pub("event-1", "t1", nil)
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-2,task-1")
		c.mustEnd(k, Completed, "Event_18kz9ge")
	}},
	{file: "lib-bpmn-engine/message-intermediate-catch-event.bpmn", run: func(c *cdriver) {
		const key = "correlation-key-one" // a literal correlation key
		k := c.start("message-intermediate-catch-event", nil)
		subs := c.e.Subscriptions()
		if len(subs) != 1 || subs[0].Message != "globalMsgRef" || subs[0].CorrelationKey != key || subs[0].Instance != k || subs[0].Root != k || subs[0].ElementID != "id-1" {
			c.t.Fatalf("subscriptions = %+v", subs)
		}
		c.pub("random-message", key, nil)
		c.wantActive(k)
		c.pub("globalMsgRef", key, nil)
		c.mustEnd(k, Completed, "Event_1jn3jqk")

		c.fresh() // published before the instance runs
		c.publish("globalMsgRef", key, nil, time.Minute)
		k = c.start("message-intermediate-catch-event", nil)
		c.mustEnd(k, Completed, "Event_1jn3jqk")

		c.fresh() // two instances, one message each
		k1 := c.start("message-intermediate-catch-event", nil)
		k2 := c.start("message-intermediate-catch-event", nil)
		eq(c.t, "first", c.pub("globalMsgRef", key, nil).Correlated, []uint64{k1})
		c.wantActive(k2)
		eq(c.t, "second", c.pub("globalMsgRef", key, nil).Correlated, []uint64{k2})
		c.mustEnd(k1, Completed, "Event_1jn3jqk")
		c.mustEnd(k2, Completed, "Event_1jn3jqk")
	}},
	{file: "lib-bpmn-engine/message-intermediate-timer-event.bpmn", run: func(c *cdriver) {
		k := c.start("message-intermediate-timer-event", map[string]any{"message": "m1"})
		c.pub("message", "m1", nil)
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-for-message")
		c.mustEnd(k, Completed, "Event_1nquajk")
		eq(c.t, "timers", c.timers(), 0)

		c.fresh() // no message: the timer (PT1S) wins
		k = c.start("message-intermediate-timer-event", map[string]any{"message": "m1"})
		c.wait(time.Second)
		eq(c.t, "call path", strings.Join(c.calls, ","), "task-for-timer")
		c.mustEnd(k, Completed, "Event_1nquajk")
	}},
	{file: "lib-bpmn-engine/message-multiple-intermediate-catch-events-parallel.bpmn", run: func(c *cdriver) {
		vars := map[string]any{"key": "k1"}
		k := c.start("message-multiple-intermediate-catch-events-parallel", vars)
		for _, m := range []string{"msg-event-1", "msg-event-2", "msg-event-3"} {
			c.pub(m, "k1", nil)
		}
		c.mustEnd(k, Completed, "Event_0k3jka7")

		c.fresh()
		k = c.start("message-multiple-intermediate-catch-events-parallel", vars)
		c.pub("msg-event-2", "k1", nil)
		c.wantActive(k)
	}},
	{file: "lib-bpmn-engine/parallel-gateway-flow.bpmn", run: func(c *cdriver) {
		k := c.start("Simple_Task_Process", nil)
		eq(c.t, "call path", strings.Join(c.calls, ","), "id-a-1,id-b-1,id-b-2")
		c.mustEnd(k, Completed, "Event_1qu1nt8")
	}},
	{file: "lib-bpmn-engine/simple-link-events.bpmn", run: func(c *cdriver) {
		k := c.start("simple-link-events", nil)
		eq(c.t, "call path", strings.Join(c.calls, ","), "Task-A,Task-B")
		c.mustEnd(k, Completed, "")
	}},
	{file: "lib-bpmn-engine/subprocess-fork-controlled-parallel-join.bpmn", run: func(c *cdriver) {
		// lib-bpmn-engine's call path is "Sub-A-Task-A1,Sub-A-Task-A2,
		// Sub-A-Task-B1,Sub-B-Task-A1,Task-C" (depth first); the engine
		// interleaves concurrent branches in FIFO order, so only the
		// order the joins impose is asserted.
		k := c.start("fork-controlled-exclusive-join", nil)
		c.mustEnd(k, Completed, "End-Event")
		calls := slices.Clone(c.calls)
		slices.Sort(calls)
		eq(c.t, "calls", calls, []string{"Sub-A-Task-A1", "Sub-A-Task-A2", "Sub-A-Task-B1", "Sub-B-Task-A1", "Task-C"})
		c.before("Sub-A-Task-A1", "Sub-A-Task-B1")
		c.before("Sub-A-Task-A2", "Sub-A-Task-B1")
		c.before("Sub-A-Task-B1", "Task-C")
		c.before("Sub-B-Task-A1", "Task-C")
	}},
	{file: "lib-bpmn-engine/subprocess-with-gateways.bpmn", run: func(c *cdriver) {
		c.auto = func(n *bpmn.Node, _ map[string]any) (map[string]any, bool) {
			if n.ID == "random_generator" {
				return map[string]any{"COUNT": 28.0}, true
			}
			return nil, true
		}
		k := c.start("Process_0gjrx3e", nil)
		eq(c.t, "call path", strings.Join(c.calls, ","), "random_generator,print_30,say_goodbye")
		c.mustEnd(k, Completed, "Event_0qo8kf3")
	}},
}

// TestConformanceCoverage checks that every fixture of the shared corpus
// either runs here or is listed, with its reason, in LEFT_OUT.md.
func TestConformanceCoverage(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*"))
	if len(files) == 0 {
		t.Skipf("shared corpus not present in %s", corpusDir)
	}
	doc, err := os.ReadFile(filepath.Join(conformanceDir, "LEFT_OUT.md"))
	if err != nil {
		t.Fatal(err)
	}
	section, _, _ := strings.Cut(string(doc), "## Run with")
	_, section, _ = strings.Cut(section, "## Left out")
	left := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if name, _, ok := strings.Cut(strings.TrimPrefix(line, "| "), " |"); ok && strings.Contains(name, "/") {
			left[name] = true
		}
	}
	run := map[string]bool{}
	for _, cc := range conformanceCases {
		run[cc.file] = true
	}
	for _, f := range files {
		rel, _ := filepath.Rel(corpusDir, f)
		rel = filepath.ToSlash(rel)
		switch {
		case run[rel] && left[rel]:
			t.Errorf("%s runs and is listed as left out", rel)
		case !run[rel] && !left[rel]:
			t.Errorf("%s neither runs nor is listed in LEFT_OUT.md", rel)
		}
		delete(left, rel)
	}
	for name := range left {
		t.Errorf("LEFT_OUT.md lists %s, which is not in the corpus", name)
	}
	t.Logf("%d fixtures run, %d left out", len(run), len(files)-len(run))
}
