// Package bench compares the throughput of bpmnrun's interp engine with
// github.com/nitram509/lib-bpmn-engine on the same BPMN models. It is a
// separate module so the root module does not depend on lib-bpmn-engine.
package bench

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/nitram509/lib-bpmn-engine/pkg/bpmn_engine"
)

// Model is one benchmark model: a file in testdata/, its process id and
// how many service-task jobs one instance runs.
type Model struct {
	File      string
	ProcessID string
	Jobs      int
}

// The two compared models.
var (
	Seq3  = Model{File: "seq3.bpmn", ProcessID: "seq3", Jobs: 3}
	Fork2 = Model{File: "fork2.bpmn", ProcessID: "fork2", Jobs: 2}
)

// Path is the model's file path relative to the bench module.
func (m Model) Path() string { return filepath.Join("testdata", m.File) }

// collector is the bpmnrun Observer of the driver: it collects created job
// keys into a reused slice and counts completed instances.
type collector struct {
	interp.NopObserver
	keys      []uint64
	completed int
	other     int // instances that ended otherwise, and incidents
}

func (c *collector) JobCreated(j interp.Job) { c.keys = append(c.keys, j.Key) }

func (c *collector) IncidentRaised(interp.Incident) { c.other++ }

func (c *collector) InstanceEnded(end interp.InstanceEnd) {
	if end.State == interp.Completed {
		c.completed++
	} else {
		c.other++
	}
}

// Bpmnrun drives one bpmnrun engine (no trace) that runs many instances of
// one model, completing every job as soon as it is created.
type Bpmnrun struct {
	Engine *interp.Engine
	pid    string
	obs    *collector
	Jobs   int // jobs completed so far
}

// NewBpmnrun parses and deploys the model into a new engine.
func NewBpmnrun(m Model) (*Bpmnrun, error) {
	data, err := os.ReadFile(m.Path())
	if err != nil {
		return nil, err
	}
	defs, err := bpmn.ParseBytes(m.File, data)
	if err != nil {
		return nil, err
	}
	obs := &collector{keys: make([]uint64, 0, 16)}
	e := interp.New(interp.Options{Observer: obs})
	if _, err := e.DeployDefinitions(defs); err != nil {
		return nil, err
	}
	return &Bpmnrun{Engine: e, pid: m.ProcessID, obs: obs}, nil
}

// Run starts one instance and completes its jobs (FIFO) until none is left.
func (d *Bpmnrun) Run() error {
	d.obs.keys = d.obs.keys[:0]
	if _, err := d.Engine.Start(d.pid, nil); err != nil {
		return err
	}
	// CompleteJob may create further jobs, appended to d.obs.keys.
	for i := 0; i < len(d.obs.keys); i++ {
		if err := d.Engine.CompleteJob(d.obs.keys[i], nil); err != nil {
			return err
		}
	}
	d.Jobs += len(d.obs.keys)
	return nil
}

// Completed is the number of instances that ended normally.
func (d *Bpmnrun) Completed() int { return d.obs.completed }

// Abnormal is the number of instances that ended otherwise plus incidents.
func (d *Bpmnrun) Abnormal() int { return d.obs.other }

// Counts returns the instances completed and jobs completed so far.
func (d *Bpmnrun) Counts() (instances, jobs int) { return d.obs.completed, d.Jobs }

// Lib drives one lib-bpmn-engine engine that runs many instances of one
// model; a task handler for the job type completes every job at once.
type Lib struct {
	Engine     bpmn_engine.BpmnEngineState
	processKey int64
	Jobs       int // handler calls that completed a job
	Completed  int // instances in state COMPLETED after CreateAndRunInstance
}

// NewLib loads the model into a new lib-bpmn-engine engine.
func NewLib(m Model) (*Lib, error) {
	d := &Lib{Engine: bpmn_engine.New()}
	p, err := d.Engine.LoadFromFile(m.Path())
	if err != nil {
		return nil, err
	}
	if p.BpmnProcessId != m.ProcessID {
		return nil, fmt.Errorf("%s: loaded process %q, want %q", m.File, p.BpmnProcessId, m.ProcessID)
	}
	d.processKey = p.ProcessKey
	d.Engine.NewTaskHandler().Type("work").Handler(func(job bpmn_engine.ActivatedJob) {
		d.Jobs++
		job.Complete()
	})
	return d, nil
}

// Run creates and runs one instance to its end. CreateAndRunInstance (by
// process key) is used rather than CreateAndRunInstanceById, which runs
// the instance twice in v0.3.0-rc1.
func (d *Lib) Run() error {
	inst, err := d.Engine.CreateAndRunInstance(d.processKey, nil)
	if err != nil {
		return err
	}
	if s := inst.GetState(); s != bpmn_engine.Completed {
		return fmt.Errorf("instance %d ended in state %s", inst.GetInstanceKey(), s)
	}
	d.Completed++
	return nil
}

// Counts returns the instances completed and jobs completed so far.
func (d *Lib) Counts() (instances, jobs int) { return d.Completed, d.Jobs }
