package models_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/sim"
)

// TestSimParams runs every simulation parameter file of the guide's models
// (models/*/sim*.yaml) with the model of its folder, briefly: the file must
// fit the model (every task, message and pool exists) and give parameters
// for every job-creating element, so that the report has no notes.
func TestSimParams(t *testing.T) {
	files, err := filepath.Glob("*/sim*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no parameter files: %v", err)
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			models, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "*.bpmn"))
			if len(models) != 1 {
				t.Fatalf("%d models next to %s, want 1", len(models), file)
			}
			defs, err := bpmn.ParseFile(models[0])
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := sim.LoadParams(file, data, defs)
			if err != nil {
				t.Fatal(err)
			}
			p.Cases, p.Horizon, p.WarmUpCases, p.WarmUp, p.Replications = 200, 0, 0, 0, 1
			m, err := sim.NewModel(defs, p)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := m.Run(context.Background(), sim.RunOptions{ModelName: models[0], Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Ended.Value != 200 {
				t.Errorf("seed %d: %v of 200 cases ended", rep.Seed, rep.Ended.Value)
			}
			for _, n := range rep.Notes {
				t.Errorf("seed %d: note: %s", rep.Seed, n)
			}
		})
	}
}
