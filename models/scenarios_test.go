package models_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/scenario"
)

// guideModels are the folders docs/guide.md walks through: each holds one
// model, scenario files for its paths and a simulation parameter file.
var guideModels = []string{"pizza-sync", "pizza-async", "onboarding", "fulfilment", "trip", "request-reply"}

// neverRun lists the flow nodes of a model that no scenario can complete,
// with the reason. Every other flow node and every sequence flow must be
// passed by at least one scenario of the model.
var neverRun = map[string]map[string]string{
	"trip/trip.bpmn": {"cancel-flight": "book-flight is the last step: nothing after it fails, so a booked flight is never compensated"},
}

// TestScenarios runs every scenario file under models/ (as `bpmnrun test
// models/*/*.scenario.yaml` does), then checks that the scenarios of each
// model together pass every flow node and take every sequence flow.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("*/*.scenario.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	cov := map[string]*coverage{} // by model path
	var models []string           // in the order first seen
	for _, file := range files {
		t.Run(strings.TrimSuffix(file, ".scenario.yaml"), func(t *testing.T) {
			s, err := scenario.Load(file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := scenario.Run(s, scenario.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Failures {
				t.Error(f)
			}
			if !res.Passed() {
				t.Logf("trace:\n%s", formatTrace(res))
			}
			model := filepath.ToSlash(s.ModelPath())
			if cov[model] == nil {
				cov[model] = &coverage{passed: map[string]bool{}}
				models = append(models, model)
			}
			cov[model].add(res.Trace)
		})
	}
	for _, model := range models {
		t.Run("coverage/"+model, func(t *testing.T) { cov[model].check(t, model) })
	}
}

// coverage collects the flow nodes completed and the flows taken by the
// scenarios of one model.
type coverage struct{ passed map[string]bool }

func (c *coverage) add(trace []interp.TraceEvent) {
	for _, ev := range trace {
		if ev.Kind == interp.TraceCompleted || ev.Kind == interp.TraceTaken {
			c.passed[ev.ProcessID+"/"+ev.ElementID] = true
		}
	}
}

func (c *coverage) check(t *testing.T, model string) {
	defs, err := bpmn.ParseFile(model)
	if err != nil {
		t.Fatal(err)
	}
	var missed []string
	for _, p := range defs.Processes {
		for _, n := range p.AllNodes {
			if isCompensationMarker(n) || neverRun[model][n.ID] != "" {
				continue
			}
			if !c.passed[p.ID+"/"+n.ID] {
				missed = append(missed, n.ID)
			}
		}
		for _, f := range p.AllFlows {
			if !c.passed[p.ID+"/"+f.ID] {
				missed = append(missed, f.ID)
			}
		}
	}
	if len(missed) > 0 {
		t.Errorf("%s: no scenario passes %s", model, strings.Join(missed, ", "))
	}
	for _, id := range slices.Sorted(maps.Keys(neverRun[model])) {
		if c.passed[procOf(defs, id)+"/"+id] {
			t.Errorf("%s: %s is listed in neverRun but a scenario passes it", model, id)
		}
	}
}

// isCompensationMarker reports whether n is a compensation boundary event:
// it only links an activity to its handler and is never passed.
func isCompensationMarker(n *bpmn.Node) bool {
	return n.Kind == bpmn.BoundaryEvent && n.EventType() == bpmn.CompensateEvent
}

func procOf(defs *bpmn.Definitions, id string) string {
	for _, p := range defs.Processes {
		if slices.ContainsFunc(p.AllNodes, func(n *bpmn.Node) bool { return n.ID == id }) {
			return p.ID
		}
	}
	return ""
}

func formatTrace(res *scenario.Result) string {
	var b strings.Builder
	for _, ev := range res.Trace {
		fmt.Fprintln(&b, ev.Format(res.Start))
	}
	return b.String()
}

// TestGuideModelFolders checks that each model of the guide comes with
// scenario files and a simulation parameter file.
func TestGuideModelFolders(t *testing.T) {
	for _, dir := range guideModels {
		models, _ := filepath.Glob(filepath.Join(dir, "*.bpmn"))
		scenarios, _ := filepath.Glob(filepath.Join(dir, "*.scenario.yaml"))
		sims, _ := filepath.Glob(filepath.Join(dir, "sim.yaml"))
		if len(models) != 1 || len(scenarios) == 0 || len(sims) != 1 {
			t.Errorf("%s: %d models, %d scenario files, %d sim.yaml; want 1, at least 1, 1", dir, len(models), len(scenarios), len(sims))
		}
	}
}
