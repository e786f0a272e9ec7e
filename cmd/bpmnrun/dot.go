package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// writeDOT writes defs as a Graphviz digraph: one cluster per process and
// per subprocess, events as circles, gateways as diamonds, activities as
// rounded boxes. Everything is emitted in document order, so the output is
// byte-for-byte deterministic.
//
// A subprocess is a cluster holding an invisible anchor node with the
// subprocess's id; its flows are drawn to and from the cluster's border
// (compound=true with lhead/ltail).
func writeDOT(buf *bytes.Buffer, defs *bpmn.Definitions) {
	name := defs.ID
	if name == "" {
		name = "bpmn"
	}
	fmt.Fprintf(buf, "digraph %s {\n", dotID(name))
	buf.WriteString("\trankdir=LR;\n\tcompound=true;\n")
	buf.WriteString("\tgraph [fontname=\"Helvetica\", fontsize=12];\n")
	buf.WriteString("\tnode [fontname=\"Helvetica\", fontsize=10];\n")
	buf.WriteString("\tedge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, p := range defs.Processes {
		fmt.Fprintf(buf, "\tsubgraph %s {\n", dotID("cluster_"+p.ID))
		fmt.Fprintf(buf, "\t\tlabel=%s;\n", dotID(labelOf(p.Name, p.ID)))
		writeDOTScope(buf, p.Scope, "\t\t")
		buf.WriteString("\t}\n")
	}
	buf.WriteString("}\n")
}

func writeDOTScope(buf *bytes.Buffer, s bpmn.Scope, indent string) {
	for _, n := range s.Nodes {
		if isCluster(n) {
			writeDOTCluster(buf, n, indent)
			continue
		}
		fmt.Fprintf(buf, "%s%s [%s];\n", indent, dotID(n.ID), nodeStyle(n))
		if n.AttachedTo != nil {
			// Boundary events hang off their activity by a dotted line.
			fmt.Fprintf(buf, "%s%s -> %s [%s];\n", indent, dotID(n.AttachedTo.ID), dotID(n.ID),
				joinAttrs(clusterEnds(n.AttachedTo, nil), "style=dotted", "arrowhead=none"))
		}
	}
	for _, n := range s.Nodes {
		for _, f := range n.Outgoing {
			fmt.Fprintf(buf, "%s%s -> %s%s;\n", indent, dotID(f.Source.ID), dotID(f.Target.ID), flowStyle(f))
		}
	}
}

// isCluster reports whether n is drawn as a cluster of its children.
func isCluster(n *bpmn.Node) bool {
	return n.Kind == bpmn.SubProcess || n.Kind == bpmn.Transaction
}

func writeDOTCluster(buf *bytes.Buffer, n *bpmn.Node, indent string) {
	style := "rounded"
	switch {
	case n.TriggeredByEvent:
		style = "rounded,dashed"
	case n.Kind == bpmn.Transaction:
		style = "rounded,bold"
	}
	fmt.Fprintf(buf, "%ssubgraph %s {\n", indent, dotID("cluster_"+n.ID))
	fmt.Fprintf(buf, "%s\tlabel=%s;\n%s\tstyle=%s;\n", indent, dotID(labelOf(n.Name, n.ID)), indent, dotID(style))
	fmt.Fprintf(buf, "%s\t%s [shape=point, style=invis, width=0, height=0, label=\"\"];\n", indent, dotID(n.ID))
	writeDOTScope(buf, n.Scope, indent+"\t")
	fmt.Fprintf(buf, "%s}\n", indent)
}

// nodeStyle returns the attributes of the DOT node for n.
func nodeStyle(n *bpmn.Node) string {
	label := labelOf(n.Name, n.ID)
	switch {
	case n.Kind.IsEvent():
		if t := n.EventType(); t != bpmn.NoneEvent {
			label += "\n(" + t.String() + ")"
		}
		attrs := []string{"shape=" + eventShape(n.Kind), `label=""`, "xlabel=" + dotID(label), "width=0.4", "height=0.4", "fixedsize=true"}
		if n.Kind == bpmn.EndEvent {
			attrs = append(attrs, "penwidth=3")
		}
		if n.AttachedTo != nil && !n.CancelActivity {
			attrs = append(attrs, "style=dashed")
		}
		return joinAttrs(attrs)
	case n.Kind.IsGateway():
		return joinAttrs([]string{"shape=diamond", "label=" + dotID(gatewayMarker(n.Kind)), "xlabel=" + dotID(label),
			"width=0.5", "height=0.5", "fixedsize=true"})
	default:
		var notes []string
		if n.Kind != bpmn.Task {
			notes = append(notes, n.Kind.String())
		}
		if n.Loop != nil {
			notes = append(notes, "multi-instance")
		}
		if len(notes) > 0 {
			label += "\n(" + strings.Join(notes, ", ") + ")"
		}
		style := "rounded"
		if n.Kind == bpmn.CallActivity {
			style = "rounded,bold"
		}
		return joinAttrs([]string{"shape=box", "style=" + dotID(style), "label=" + dotID(label)})
	}
}

func eventShape(k bpmn.Kind) string {
	if k == bpmn.StartEvent || k == bpmn.EndEvent {
		return "circle"
	}
	return "doublecircle"
}

// gatewayMarker is the symbol BPMN draws inside each kind of gateway,
// approximated in ASCII.
func gatewayMarker(k bpmn.Kind) string {
	switch k {
	case bpmn.ExclusiveGateway:
		return "X"
	case bpmn.ParallelGateway:
		return "+"
	case bpmn.InclusiveGateway:
		return "O"
	default: // event-based
		return "E"
	}
}

// flowStyle returns the attribute list, " [...]" or "", of the edge for f:
// clipping at subprocess borders and a label with the flow's name,
// condition and "(default)".
func flowStyle(f *bpmn.SequenceFlow) string {
	var lines []string
	if f.Name != "" {
		lines = append(lines, f.Name)
	}
	if f.Condition != "" {
		lines = append(lines, "["+f.Condition+"]")
	}
	if f.IsDefault {
		lines = append(lines, "(default)")
	}
	attrs := clusterEnds(f.Source, f.Target)
	if len(lines) > 0 {
		attrs = append(attrs, "label="+dotID(strings.Join(lines, "\n")))
	}
	if len(attrs) == 0 {
		return ""
	}
	return " [" + joinAttrs(attrs) + "]"
}

// clusterEnds returns the ltail/lhead attributes that clip an edge at the
// border of a subprocess cluster.
func clusterEnds(from, to *bpmn.Node) []string {
	var attrs []string
	if from != nil && isCluster(from) {
		attrs = append(attrs, "ltail="+dotID("cluster_"+from.ID))
	}
	if to != nil && isCluster(to) {
		attrs = append(attrs, "lhead="+dotID("cluster_"+to.ID))
	}
	return attrs
}

func joinAttrs(attrs []string, more ...string) string {
	return strings.Join(append(attrs, more...), ", ")
}

func labelOf(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// dotID quotes s as a DOT string: backslashes and double quotes are
// escaped and line breaks become DOT's centred "\n".
func dotID(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return `"` + r.Replace(s) + `"`
}
