package bpmn

// This file reads the execution dialects found in extensionElements:
// Camunda 8 (zeebe:*) and Camunda 7 (camunda:*). Anything else is kept
// verbatim in Node.Extensions.

// extensions reads the extensionElements of node n.
func (b *builder) extensions(n *Node, e *xelem) {
	for c := e.first; c != nil; c = c.next {
		switch {
		case isSimNS(c.space):
			continue // kept in Definitions.Extensions
		case c.space == nsZeebe && b.zeebe(n, c):
			continue
		case c.space == nsCamunda && b.camunda(n, c):
			continue
		}
		n.Extensions = append(n.Extensions, b.raw(c, n.ID))
	}
}

// zeebe reads one zeebe:* extension element; false means not understood.
func (b *builder) zeebe(n *Node, e *xelem) bool {
	switch e.local {
	case "taskDefinition":
		j := job(n)
		j.Type, j.Retries = e.attr("type"), e.attr("retries")
	case "taskHeaders":
		j := job(n)
		for c := e.first; c != nil; c = c.next {
			if c.is(nsZeebe, "header") {
				j.Headers = append(j.Headers, Header{Key: c.attr("key"), Value: c.attr("value")})
			}
		}
	case "ioMapping":
		for c := e.first; c != nil; c = c.next {
			m := Mapping{Source: c.attr("source"), Target: c.attr("target")}
			switch {
			case c.is(nsZeebe, "input"):
				n.Inputs = append(n.Inputs, m)
			case c.is(nsZeebe, "output"):
				n.Outputs = append(n.Outputs, m)
			}
		}
	case "calledElement":
		n.CalledElement = &CalledElement{
			ProcessID:                   e.attr("processId"),
			PropagateAllChildVariables:  e.attr("propagateAllChildVariables") != "false",
			PropagateAllParentVariables: e.attr("propagateAllParentVariables") != "false",
		}
	case "script":
		n.Script = &Script{Format: "feel", Expression: e.attr("expression"), ResultVariable: e.attr("resultVariable")}
	default:
		return false
	}
	return true
}

// camunda reads one camunda:* extension element; false means not
// understood.
func (b *builder) camunda(n *Node, e *xelem) bool {
	switch e.local {
	case "inputOutput":
		for c := e.first; c != nil; c = c.next {
			m := Mapping{Source: b.text(c), Target: c.attr("name")}
			switch {
			case c.is(nsCamunda, "inputParameter"):
				n.Inputs = append(n.Inputs, m)
			case c.is(nsCamunda, "outputParameter"):
				n.Outputs = append(n.Outputs, m)
			}
		}
	case "in", "out":
		if e.attr("variables") != "all" {
			return false
		}
		if n.CalledElement == nil {
			n.CalledElement = &CalledElement{}
		}
		if e.local == "in" {
			n.CalledElement.PropagateAllParentVariables = true
		} else {
			n.CalledElement.PropagateAllChildVariables = true
		}
	default:
		return false
	}
	return true
}

// job returns the job definition of n, creating it.
func job(n *Node) *JobDefinition {
	if n.Job == nil {
		n.Job = &JobDefinition{}
	}
	return n.Job
}

// finishJob gives job-creating elements a job definition whose type
// defaults to the element id.
func (b *builder) finishJob(n *Node) {
	if createsJob(n) {
		job(n)
	}
	if n.Job != nil && n.Job.Type == "" {
		n.Job.Type = n.ID
	}
}

// createsJob reports whether n is a job-creating element: service, send,
// business rule and user tasks, script tasks without inline script, and
// message throw and end events.
func createsJob(n *Node) bool {
	switch n.Kind {
	case ServiceTask, SendTask, BusinessRuleTask, UserTask:
		return true
	case ScriptTask:
		return n.Script == nil
	case IntermediateThrowEvent, EndEvent:
		return n.EventType() == MessageEvent
	}
	return false
}
