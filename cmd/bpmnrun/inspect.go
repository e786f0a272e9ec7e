package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/report"
	"github.com/spf13/cobra"
)

func newInspectCmd() *cobra.Command {
	var (
		dot, svg bool
		out      string
	)
	cmd := &cobra.Command{
		Use:   "inspect FILE",
		Short: "Show the process graph of a BPMN file",
		Long: `Inspect parses FILE and prints its processes: every flow node in document
order as "ID: KIND "NAME" ATTRIBUTES", followed by its outgoing sequence
flows as "-> TARGET [FLOW "NAME"] default when "CONDITION"". The nodes of
a subprocess are listed between braces after it.

With --dot it writes the graph in Graphviz DOT instead: events are circles,
gateways diamonds, activities boxes, subprocesses clusters, and flows are
labelled with their name and condition. Render it with "dot -Tsvg".

With --svg it draws the diagram itself as a standalone SVG, from the file's
BPMN DI, or laid out automatically when the file has none (see
docs/reports.md). Each element is a group with the element's id in
data-element and its name and kind as hover text. The same file always gives
the same SVG.

--out FILE writes the output to FILE instead of stdout.

An invalid model is reported as by validate, on stderr, with exit status 1.`,
		Example: `  bpmnrun inspect models/order/order.bpmn
  bpmnrun inspect --dot models/order/order.bpmn | dot -Tsvg > order.svg
  bpmnrun inspect --svg --out order.svg models/order/order.bpmn`,
		Args: fileArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			defs, err := loadModel(cmd.ErrOrStderr(), args[0])
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			switch {
			case svg:
				if err := report.WriteSVG(&buf, defs, report.SVGOptions{}); err != nil {
					return err
				}
			case dot:
				writeDOT(&buf, defs)
			default:
				writeGraph(&buf, defs)
			}
			if out != "" {
				if err := os.WriteFile(out, buf.Bytes(), 0o666); err != nil {
					return &fileError{file: out, err: err}
				}
				return nil
			}
			_, err = cmd.OutOrStdout().Write(buf.Bytes())
			return err
		},
	}
	cmd.Flags().BoolVar(&dot, "dot", false, "write Graphviz DOT instead of text")
	cmd.Flags().BoolVar(&svg, "svg", false, "draw the diagram as SVG (from BPMN DI, or laid out)")
	cmd.Flags().StringVar(&out, "out", "", "write to `FILE` instead of stdout")
	cmd.MarkFlagsMutuallyExclusive("dot", "svg")
	return cmd
}

// writeGraph writes the readable view of defs described in inspect's help.
func writeGraph(buf *bytes.Buffer, defs *bpmn.Definitions) {
	for i, p := range defs.Processes {
		if i > 0 {
			buf.WriteByte('\n')
		}
		fmt.Fprintf(buf, "process %s%s", p.ID, quoted(p.Name))
		if p.IsExecutable {
			buf.WriteString(" executable")
		}
		buf.WriteByte('\n')
		writeScope(buf, p.Scope, "  ")
	}
}

func writeScope(buf *bytes.Buffer, s bpmn.Scope, indent string) {
	for _, n := range s.Nodes {
		fmt.Fprintf(buf, "%s%s: %s%s", indent, n.ID, n.Kind, quoted(n.Name))
		for _, a := range nodeAttrs(n) {
			buf.WriteString(" " + a)
		}
		if len(n.Nodes) > 0 {
			buf.WriteString(" {\n")
			writeScope(buf, n.Scope, indent+"  ")
			buf.WriteString(indent + "}")
		}
		buf.WriteByte('\n')
		for _, f := range n.Outgoing {
			fmt.Fprintf(buf, "%s  -> %s\n", indent, flowText(f))
		}
	}
}

// flowText returns `TARGET [ID "NAME"] default when "CONDITION"`.
func flowText(f *bpmn.SequenceFlow) string {
	s := f.Target.ID + " [" + f.ID + quoted(f.Name) + "]"
	if f.IsDefault {
		s += " default"
	}
	if f.Condition != "" {
		s += " when " + strconv.Quote(f.Condition)
	}
	return s
}

// nodeAttrs returns the execution-relevant settings of n as key=value
// words, in a fixed order.
func nodeAttrs(n *bpmn.Node) []string {
	var as []string
	add := func(key, value string) {
		if value != "" {
			as = append(as, key+"="+attrValue(value))
		}
	}
	flag := func(key string, on bool) {
		if on {
			as = append(as, key)
		}
	}
	if n.AttachedTo != nil {
		add("attachedTo", n.AttachedTo.ID)
		flag("nonInterrupting", !n.CancelActivity)
	}
	if n.Kind == bpmn.StartEvent && n.Parent != nil && n.Parent.TriggeredByEvent {
		flag("nonInterrupting", !n.Interrupting)
	}
	as = append(as, eventAttrs(n.Event)...)
	flag("triggeredByEvent", n.TriggeredByEvent)
	flag("isForCompensation", n.IsForCompensation)
	flag("instantiate", n.Instantiate)
	if j := n.Job; j != nil {
		add("job", j.Type)
		add("retries", j.Retries)
	}
	if m := n.MessageRef; m != nil {
		add("message", m.Name)
	}
	if s := n.Script; s != nil {
		add("script", s.Expression)
		add("result", s.ResultVariable)
	}
	if c := n.CalledElement; c != nil {
		add("calls", c.ProcessID)
	}
	if l := n.Loop; l != nil {
		mode := "parallel"
		if l.IsSequential {
			mode = "sequential"
		}
		add("multiInstance", mode)
	}
	return as
}

// eventAttrs describes an event definition: its trigger and what it needs.
func eventAttrs(e *bpmn.EventDefinition) []string {
	if e == nil {
		return nil
	}
	var as []string
	add := func(key, value string) {
		if value != "" {
			as = append(as, key+"="+attrValue(value))
		}
	}
	switch e.Type {
	case bpmn.MessageEvent:
		if e.Message == nil {
			return []string{"message"}
		}
		add("message", e.Message.Name)
		add("correlationKey", e.Message.CorrelationKey)
	case bpmn.TimerEvent:
		add("timeDate", e.TimeDate)
		add("timeDuration", e.TimeDuration)
		add("timeCycle", e.TimeCycle)
	case bpmn.ErrorEvent:
		if e.Error == nil {
			return []string{"error=*"}
		}
		add("error", e.Error.ErrorCode)
	case bpmn.EscalationEvent:
		if e.Escalation == nil {
			return []string{"escalation=*"}
		}
		add("escalation", e.Escalation.EscalationCode)
	case bpmn.SignalEvent:
		if e.Signal != nil {
			add("signal", e.Signal.Name)
		}
	case bpmn.CompensateEvent:
		as = append(as, "compensate")
		if e.ActivityRef != nil {
			add("activity", e.ActivityRef.ID)
		}
	case bpmn.LinkEvent:
		add("link", e.LinkName)
	case bpmn.ConditionalEvent:
		add("condition", e.Condition)
	default: // terminate, cancel, none
		as = append(as, e.Type.String())
	}
	if len(as) == 0 {
		as = append(as, e.Type.String())
	}
	return as
}

// quoted returns ` "s"` (Go-quoted, so always one line), or "" for "".
func quoted(s string) string {
	if s == "" {
		return ""
	}
	return " " + strconv.Quote(s)
}

// attrValue returns v as is when it is a plain word, else Go-quoted.
func attrValue(v string) string {
	plain := strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.:/+", r))
	}) < 0
	if plain {
		return v
	}
	return strconv.Quote(v)
}
