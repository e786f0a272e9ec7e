package bench

import (
	"os"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/nitram509/lib-bpmn-engine/pkg/bpmn_engine/exporter"
)

const correctnessN = 1000

var models = []struct {
	m     Model
	tasks []string // service task ids
	path  string   // elements completed by one bpmnrun instance, in order
}{
	{Seq3, []string{"t1", "t2", "t3"}, "start,t1,t2,t3,end"},
	{Fork2, []string{"a", "b"}, "start,fork,a,b,join,end"},
}

// TestBpmnrunCompletes runs N instances with the benchmark driver and
// checks every one completed with all its jobs and left nothing behind.
func TestBpmnrunCompletes(t *testing.T) {
	for _, tc := range models {
		t.Run(tc.m.ProcessID, func(t *testing.T) {
			d := newBpmnrun(t, tc.m)
			for range correctnessN {
				if err := d.Run(); err != nil {
					t.Fatal(err)
				}
			}
			inst, jobs := d.Counts()
			if inst != correctnessN || jobs != correctnessN*tc.m.Jobs || d.Abnormal() != 0 {
				t.Fatalf("completed %d instances, %d jobs, %d abnormal; want %d, %d, 0", inst, jobs, d.Abnormal(), correctnessN, correctnessN*tc.m.Jobs)
			}
			if open := d.Engine.Jobs(); len(open) != 0 {
				t.Fatalf("%d jobs still open", len(open))
			}
		})
	}
}

// TestBpmnrunPath checks with a trace that one instance takes the intended
// path through the model (the benchmark itself runs without a trace).
func TestBpmnrunPath(t *testing.T) {
	for _, tc := range models {
		t.Run(tc.m.ProcessID, func(t *testing.T) {
			data, err := os.ReadFile(tc.m.Path())
			if err != nil {
				t.Fatal(err)
			}
			defs, err := bpmn.ParseBytes(tc.m.File, data)
			if err != nil {
				t.Fatal(err)
			}
			var done []string
			obs := &collector{}
			e := interp.New(interp.Options{Observer: obs, Trace: func(ev interp.TraceEvent) {
				if ev.Kind == interp.TraceCompleted && ev.Element != "" {
					done = append(done, ev.ElementID)
				}
			}})
			if _, err := e.DeployDefinitions(defs); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Start(tc.m.ProcessID, nil); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(obs.keys); i++ {
				if err := e.CompleteJob(obs.keys[i], nil); err != nil {
					t.Fatal(err)
				}
			}
			if got := strings.Join(done, ","); got != tc.path || obs.completed != 1 {
				t.Fatalf("completed elements %q, instances %d; want %q, 1", got, obs.completed, tc.path)
			}
		})
	}
}

// counter is a lib-bpmn-engine exporter counting what happened.
type counter struct {
	ended     int
	activated map[string]int
}

func (c *counter) NewProcessEvent(*exporter.ProcessEvent)                 {}
func (c *counter) NewProcessInstanceEvent(*exporter.ProcessInstanceEvent) {}
func (c *counter) EndProcessEvent(*exporter.ProcessInstanceEvent)         { c.ended++ }
func (c *counter) NewElementEvent(_ *exporter.ProcessInstanceEvent, el *exporter.ElementInfo) {
	if el.Intent == string(exporter.ElementActivated) {
		c.activated[el.ElementId]++
	}
}

// TestLibBpmnEngineCompletes runs N instances with the benchmark driver
// (plus a counting exporter, not used in the benchmark) and checks every
// instance completed, each task ran once per instance and the end event
// was reached once per instance.
func TestLibBpmnEngineCompletes(t *testing.T) {
	for _, tc := range models {
		t.Run(tc.m.ProcessID, func(t *testing.T) {
			d := newLib(t, tc.m)
			c := &counter{activated: map[string]int{}}
			d.Engine.AddEventExporter(c)
			for range correctnessN {
				if err := d.Run(); err != nil {
					t.Fatal(err)
				}
			}
			inst, jobs := d.Counts()
			if inst != correctnessN || jobs != correctnessN*tc.m.Jobs || c.ended != correctnessN {
				t.Fatalf("completed %d instances (%d end events exported), %d jobs; want %d, %d", inst, c.ended, jobs, correctnessN, correctnessN*tc.m.Jobs)
			}
			for _, id := range append(tc.tasks, "end") {
				if c.activated[id] != correctnessN {
					t.Fatalf("%s activated %d times, want %d (all: %v)", id, c.activated[id], correctnessN, c.activated)
				}
			}
		})
	}
}
