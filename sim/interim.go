package sim

import (
	"fmt"
	"strconv"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// This file holds the stop-gaps for two engine hooks that package interp
// does not have yet. Both adapt the parsed model before it is compiled,
// which is why NewModel wants definitions that nobody else uses. When the
// hooks exist, adapt disappears and the run sets them instead:
//
//  1. Options.TaskJobs (or a compile option): plain tasks and manual tasks
//     create jobs instead of passing through, so that they take time and
//     use resources (QBP and Prosimos models are made of plain tasks).
//     Stop-gap: such nodes that have task parameters become service tasks
//     with job type = element id.
//
//  2. Options.ChooseFlows func(instance uint64, gateway *bpmn.Node) []*bpmn.SequenceFlow:
//     asked at every exclusive and inclusive gateway split before the
//     conditions; a non-nil result is taken as the chosen flow(s). The
//     simulator draws the branch from its own stream.
//     Stop-gap: each outgoing flow of a gateway with branch probabilities
//     gets a condition on a hidden variable (_sim_b<N> = <flow position>
//     for exclusive gateways, _sim_f<N>_<position> for inclusive ones),
//     and the simulator sets fresh draws of these variables when it starts
//     an instance, completes a job and publishes a message. Limits, which
//     the hook removes: the draw comes with the last job completion,
//     message or start before the gateway (after a timer the previous draw
//     is reused); completion variables of a task with output mappings stay
//     local, so gateways after it see an older draw; the variables show up
//     among the instance's variables.

// adapt applies the stop-gaps to m.defs.
func (m *Model) adapt() {
	for _, e := range m.elems {
		n := e.node
		if n.Kind == bpmn.Task || n.Kind == bpmn.ManualTask {
			n.Kind = bpmn.ServiceTask
			n.Job = &bpmn.JobDefinition{Type: n.ID}
		}
	}
	for i, g := range m.gateways {
		if g.inclusive {
			for j, f := range g.node.Outgoing {
				name := fmt.Sprintf("_sim_f%d_%d", i, j)
				g.vars = append(g.vars, name)
				if !f.IsDefault {
					f.Condition = "=" + name
				}
			}
			continue
		}
		name := "_sim_b" + strconv.Itoa(i)
		g.vars = []string{name}
		for j, f := range g.node.Outgoing {
			if !f.IsDefault {
				f.Condition = "=" + name + " = " + strconv.Itoa(j)
			}
		}
	}
}
