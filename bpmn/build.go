package bpmn

import (
	"fmt"
	"strconv"
	"strings"
)

// Namespaces matched by URI, whatever prefix a file uses.
const (
	nsBPMN        = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	nsBPMNDI      = "http://www.omg.org/spec/BPMN/20100524/DI"
	nsDC          = "http://www.omg.org/spec/DD/20100524/DC"
	nsDI          = "http://www.omg.org/spec/DD/20100524/DI"
	nsZeebe       = "http://camunda.org/schema/zeebe/1.0"
	nsCamunda     = "http://camunda.org/schema/1.0/bpmn"
	nsQBP         = "http://www.qbp-simulator.com/Schema201212"
	nsBPSimPrefix = "http://www.bpsim.org/schemas/"
)

// isSimNS reports whether space holds simulation parameters kept in
// Definitions.Extensions.
func isSimNS(space string) bool { return space == nsQBP || strings.HasPrefix(space, nsBPSimPrefix) }

// nodeInfo is what the builder remembers about a node of the process being
// built until references are resolved and the process is validated.
type nodeInfo struct {
	el                            *xelem
	attachedTo, dflt, activityRef string
}

// flowInfo is the same for a sequence flow.
type flowInfo struct {
	el             *xelem
	source, target string
}

// builder turns an element tree into Definitions, recording problems.
type builder struct {
	file     string
	doc      *xdoc
	defs     *Definitions
	probs    []Problem
	ids      map[string]*xelem // first BPMN element with each id
	implicit map[string]any    // errors and escalations named only by a ref
	flowSeq  int               // last generated flow number
	budget   int               // edit-distance cells left for suggestions
	textSize int               // bytes of paths and messages, see spend
	idList   []string          // see allIDs

	// The process being built.
	proc   *Process
	nodes  []nodeInfo // by Node.Index
	flows  []flowInfo // by SequenceFlow.Index
	assocs []*xelem   // association elements anywhere in the process
}

func newBuilder(file string, doc *xdoc) *builder {
	return &builder{file: file, doc: doc, budget: 4 << 20}
}

// build constructs the model. Its errors are a non-BPMN root element and
// a model whose paths and messages exceed maxText.
func (b *builder) build() (*Definitions, error) {
	root := b.doc.root
	if !root.is(nsBPMN, "definitions") {
		return nil, syntaxErr(b.doc.src, int(root.start), ErrSyntax,
			"root element <%s> is not BPMN 2.0 definitions (namespace %s)", b.qname(root), nsBPMN)
	}
	d := &Definitions{
		ID:              b.id(root),
		Name:            root.attr("name"),
		TargetNamespace: root.attr("targetNamespace"),
		File:            b.file,
	}
	b.defs = d
	b.ids = make(map[string]*xelem, (root.end-root.start)/256+8)
	d.byID = make(map[string]any, len(b.ids))
	if id := b.id(root); id != "" {
		b.claim(id, root)
	}
	b.collect(root, "", false)
	b.rootElements(root)
	if b.textSize > maxText {
		return nil, syntaxErr(b.doc.src, 0, ErrTooLarge,
			"model too large: element paths and problem messages exceed %d bytes", maxText)
	}
	return d, nil
}

// rootElements builds the children of <definitions>: shared elements
// first, so that references to them resolve, then processes, then
// collaborations and diagrams, which refer to processes.
func (b *builder) rootElements(root *xelem) {
	d := b.defs
	for c := root.first; c != nil; c = c.next {
		switch {
		case c.is(nsBPMN, "message"):
			d.Messages = append(d.Messages, b.message(c))
		case c.is(nsBPMN, "error"):
			e := &Error{ID: b.id(c), Name: c.attr("name"), ErrorCode: c.attr("errorCode")}
			b.register(e.ID, e)
			d.Errors = append(d.Errors, e)
		case c.is(nsBPMN, "escalation"):
			e := &Escalation{ID: b.id(c), Name: c.attr("name"), EscalationCode: c.attr("escalationCode")}
			b.register(e.ID, e)
			d.Escalations = append(d.Escalations, e)
		case c.is(nsBPMN, "signal"):
			s := &Signal{ID: b.id(c), Name: c.attr("name")}
			b.register(s.ID, s)
			d.Signals = append(d.Signals, s)
		}
	}
	for c := root.first; c != nil; c = c.next {
		if c.is(nsBPMN, "process") {
			b.process(c)
		}
	}
	for c := root.first; c != nil; c = c.next {
		switch {
		case c.is(nsBPMN, "collaboration"):
			b.collaboration(c)
		case c.is(nsBPMN, "choreography") || c.is(nsBPMN, "globalChoreographyTask"):
			b.unsupported(c, b.path(c), "")
		case c.is(nsBPMNDI, "BPMNDiagram"):
			b.diagram(c)
		}
	}
}

// collect registers the ids of BPMN elements, reports duplicates and keeps
// simulation extension blocks wherever they are. owner is the id of the
// nearest enclosing element; ext is set below extension content.
func (b *builder) collect(e *xelem, owner string, ext bool) {
	for c := e.first; c != nil; c = c.next {
		if isSimNS(c.space) {
			b.defs.Extensions = append(b.defs.Extensions, b.raw(c, owner))
			continue
		}
		own, cext := owner, ext || c.space != nsBPMN || c.local == "extensionElements" || c.local == "documentation"
		if !cext {
			if id := b.id(c); id != "" {
				b.claim(id, c)
				own = id
			}
		}
		if c.first != nil {
			b.collect(c, own, cext)
		}
	}
}

// claim records the first element with id and reports later ones.
func (b *builder) claim(id string, c *xelem) {
	first, dup := b.ids[id]
	if !dup {
		b.ids[id] = c
		return
	}
	b.add(SeverityError, CodeDuplicateID, c, id, b.path(c),
		"duplicate id %q: already used by <%s> at %s", id, first.local, b.path(first))
}

// register makes v findable by id; the first element with an id wins.
func (b *builder) register(id string, v any) {
	if _, ok := b.defs.byID[id]; !ok && id != "" {
		b.defs.byID[id] = v
	}
}

// id returns the id attribute of e, trimmed.
func (b *builder) id(e *xelem) string { return strings.TrimSpace(e.attr("id")) }

func (b *builder) qname(e *xelem) string { return b.doc.src[e.start+1 : e.start+1+e.qlen] }

// text returns the trimmed character data of e.
func (b *builder) text(e *xelem) string { return strings.TrimSpace(b.doc.text(e)) }

// path returns the element path of e, e.g. "process[p]/task[t]", or ""
// once the text budget is spent.
func (b *builder) path(e *xelem) string {
	if b.textSize > maxText {
		return ""
	}
	var segs []string
	for x := e; x != nil && x.parent != nil; x = x.parent {
		segs = append(segs, segment(x.local, b.id(x)))
	}
	var sb strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		sb.WriteString(segs[i])
		if i > 0 {
			sb.WriteByte('/')
		}
	}
	return sb.String()
}

// maxPathID is the length beyond which ids are shortened in paths.
const maxPathID = 200

// segment formats one path step.
func segment(local, id string) string {
	if id == "" {
		return local
	}
	if len(id) > maxPathID {
		id = strings.ToValidUTF8(id[:maxPathID], "") + "…"
	}
	return local + "[" + id + "]"
}

// childPath appends a step to a path.
func childPath(path, local, id string) string {
	if id == "" || len(id) > maxPathID {
		return path + "/" + segment(local, id)
	}
	return path + "/" + local + "[" + id + "]"
}

// maxText bounds the bytes of node paths and problem texts of one
// document, so that deeply nested or hostile models cannot amplify their
// size without bound.
const maxText = 64 << 20

// spend accounts n bytes of generated text, reporting whether the budget
// still holds.
func (b *builder) spend(n int) bool {
	b.textSize += n
	return b.textSize <= maxText
}

// add records a problem about element e.
func (b *builder) add(sev Severity, code string, e *xelem, id, path, format string, args ...any) {
	if b.textSize > maxText {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if b.spend(len(path) + len(msg)) {
		b.probs = append(b.probs, Problem{
			Severity: sev, Code: code, File: b.file, ElementID: id, Path: path, Message: msg, seq: e.seq,
		})
	}
}

// nodeProblem records a problem about a node of the process being built.
func (b *builder) nodeProblem(n *Node, sev Severity, code, format string, args ...any) {
	b.add(sev, code, b.nodes[n.Index].el, n.ID, n.Path, format, args...)
}

// label names a node in messages: `serviceTask "charge"`.
func (b *builder) label(n *Node) string {
	return fmt.Sprintf("%s %q", b.nodes[n.Index].el.local, n.ID)
}

// unsupported reports an element outside the supported subset.
func (b *builder) unsupported(e *xelem, path, msg string) {
	if msg == "" {
		msg = fmt.Sprintf("unsupported element %s", e.local)
		if id := b.id(e); id != "" {
			msg += fmt.Sprintf(" %q", id)
		}
	}
	b.add(SeverityError, CodeUnsupported, e, b.id(e), path, "%s", msg)
}

// lookup resolves ref to a model object of type T. A QName prefix
// ("tns:order") is dropped when the full ref does not resolve.
func lookup[T any](b *builder, ref string) (T, bool) {
	ref = strings.TrimSpace(ref)
	if v, ok := b.defs.byID[ref].(T); ok {
		return v, true
	}
	if _, local, ok := strings.Cut(ref, ":"); ok {
		v, ok := b.defs.byID[local].(T)
		return v, ok
	}
	var zero T
	return zero, false
}

// exists reports whether ref names any BPMN element of the document.
func (b *builder) exists(ref string) bool {
	if _, ok := b.ids[ref]; ok {
		return true
	}
	if _, ok := b.defs.byID[ref]; ok {
		return true
	}
	_, local, ok := strings.Cut(ref, ":")
	return ok && b.ids[local] != nil
}

// dangling reports a reference of node n that resolves to nothing, or to
// an element of the wrong kind or in another process.
func (b *builder) dangling(n *Node, attr, ref string, cands func() []string) {
	what := "does not exist"
	if e := b.ids[ref]; e != nil {
		what = fmt.Sprintf("names <%s> at %s, not a valid target", e.local, b.path(e))
	}
	b.nodeProblem(n, SeverityError, CodeDanglingRef, "%s: %s %q %s%s",
		b.label(n), attr, ref, what, b.suggest(ref, cands))
}

// ids returns a function listing the ids of model objects, for suggest.
func ids[T any](xs []T, id func(T) string) func() []string {
	return func() []string {
		out := make([]string, 0, len(xs))
		for _, x := range xs {
			out = append(out, id(x))
		}
		return out
	}
}

// message builds a bpmn:message.
func (b *builder) message(e *xelem) *Message {
	m := &Message{ID: b.id(e), Name: e.attr("name")}
	for c := e.first; c != nil; c = c.next {
		if !c.is(nsBPMN, "extensionElements") {
			continue
		}
		for x := c.first; x != nil; x = x.next {
			if x.is(nsZeebe, "subscription") {
				m.CorrelationKey = x.attr("correlationKey")
			}
		}
	}
	b.register(m.ID, m)
	return m
}

// process builds, links and validates one process.
func (b *builder) process(e *xelem) {
	p := &Process{ID: b.id(e), Name: e.attr("name"), IsExecutable: e.attr("isExecutable") == "true"}
	b.proc, b.nodes, b.flows, b.assocs = p, b.nodes[:0], b.flows[:0], b.assocs[:0]
	b.register(p.ID, p)
	path := segment("process", p.ID)
	for c := e.first; c != nil; c = c.next {
		switch {
		case c.is(nsBPMN, "documentation"):
			p.Documentation = joinDoc(p.Documentation, b.text(c))
		case c.is(nsBPMN, "extensionElements"):
			p.Extensions = b.rawChildren(p.Extensions, c, p.ID)
		}
	}
	b.scope(&p.Scope, nil, e, path)
	b.link(p)
	b.validate(p, e)
	b.defs.Processes = append(b.defs.Processes, p)
}

// joinDoc appends documentation text.
func joinDoc(doc, s string) string {
	if doc == "" || s == "" {
		return doc + s
	}
	return doc + "\n" + s
}

// rawChildren appends the extension elements inside ext, except simulation
// blocks, which are in Definitions.Extensions.
func (b *builder) rawChildren(dst []RawExtension, ext *xelem, owner string) []RawExtension {
	for c := ext.first; c != nil; c = c.next {
		if !isSimNS(c.space) {
			dst = append(dst, b.raw(c, owner))
		}
	}
	return dst
}

func (b *builder) raw(c *xelem, owner string) RawExtension {
	return RawExtension{Space: c.space, Tag: c.local, ElementID: owner, XML: b.doc.raw(c)}
}

// flowNodeKind maps an element name to its Kind. complexGateway is known
// but unsupported (KindInvalid).
func flowNodeKind(local string) (Kind, bool) {
	switch local {
	case "startEvent":
		return StartEvent, true
	case "endEvent":
		return EndEvent, true
	case "intermediateCatchEvent":
		return IntermediateCatchEvent, true
	case "intermediateThrowEvent":
		return IntermediateThrowEvent, true
	case "boundaryEvent":
		return BoundaryEvent, true
	case "task":
		return Task, true
	case "serviceTask":
		return ServiceTask, true
	case "sendTask":
		return SendTask, true
	case "receiveTask":
		return ReceiveTask, true
	case "userTask":
		return UserTask, true
	case "manualTask":
		return ManualTask, true
	case "scriptTask":
		return ScriptTask, true
	case "businessRuleTask":
		return BusinessRuleTask, true
	case "subProcess", "adHocSubProcess":
		return SubProcess, true
	case "callActivity":
		return CallActivity, true
	case "transaction":
		return Transaction, true
	case "exclusiveGateway":
		return ExclusiveGateway, true
	case "parallelGateway":
		return ParallelGateway, true
	case "inclusiveGateway":
		return InclusiveGateway, true
	case "eventBasedGateway":
		return EventBasedGateway, true
	case "complexGateway":
		return KindInvalid, true
	}
	return KindInvalid, false
}

// ignored lists BPMN elements that may appear inside a process or
// subprocess and carry nothing bpmnrun executes.
var ignored = map[string]bool{
	"documentation": true, "extensionElements": true, "auditing": true, "monitoring": true,
	"property": true, "laneSet": true, "dataObject": true, "dataObjectReference": true,
	"dataStoreReference": true, "textAnnotation": true, "group": true, "ioSpecification": true,
	"ioBinding": true, "dataInputAssociation": true, "dataOutputAssociation": true,
	"incoming": true, "outgoing": true, "multiInstanceLoopCharacteristics": true,
	"standardLoopCharacteristics": true, "resourceRole": true, "performer": true,
	"humanPerformer": true, "potentialOwner": true, "correlationSubscription": true,
	"supports": true, "categoryValueRef": true, "lane": true,
}

// scope builds the flow elements directly inside e.
func (b *builder) scope(sc *Scope, parent *Node, e *xelem, path string) {
	for c := e.first; c != nil; c = c.next {
		if c.space != nsBPMN {
			continue
		}
		if kind, ok := flowNodeKind(c.local); ok {
			b.node(sc, parent, c, kind, path)
			continue
		}
		switch c.local {
		case "sequenceFlow":
			b.flow(sc, parent, c, path)
		case "association":
			b.association(sc, c)
		case "callChoreography", "choreographyTask", "subChoreography":
			b.unsupported(c, path+"/"+segment(c.local, b.id(c)), "")
		default:
			if !ignored[c.local] {
				b.add(SeverityWarning, CodeUnknownElement, c, b.id(c), path+"/"+segment(c.local, b.id(c)),
					"unknown element %s ignored", c.local)
			}
		}
	}
}

// node builds one flow node and, for subprocesses, its content.
func (b *builder) node(sc *Scope, parent *Node, e *xelem, kind Kind, path string) {
	p := b.proc
	n := &Node{ID: b.id(e), Name: e.attr("name"), Kind: kind, Process: p, Parent: parent, Index: len(p.AllNodes)}
	n.Path = childPath(path, e.local, n.ID)
	if !b.spend(len(n.Path)) {
		return // build reports ErrTooLarge
	}
	p.AllNodes = append(p.AllNodes, n)
	sc.Nodes = append(sc.Nodes, n)
	b.nodes = append(b.nodes, nodeInfo{el: e})
	b.register(n.ID, n)
	if n.ID == "" {
		b.nodeProblem(n, SeverityError, CodeMissingID, "%s without id", e.local)
	}
	b.nodeAttrs(n, e)
	b.nodeChildren(n, e)
	switch e.local {
	case "complexGateway", "adHocSubProcess":
		b.unsupported(e, n.Path, "")
	case "transaction":
		b.nodeProblem(n, SeverityError, CodeUnsupported, "%s: transaction subprocess not supported", b.label(n))
	}
	if kind == SubProcess || kind == Transaction {
		b.scope(&n.Scope, n, e, n.Path)
	}
	b.finishJob(n)
}

// nodeAttrs reads the attributes of a flow node.
func (b *builder) nodeAttrs(n *Node, e *xelem) {
	info := &b.nodes[n.Index]
	n.IsForCompensation = e.attr("isForCompensation") == "true"
	n.TriggeredByEvent = e.attr("triggeredByEvent") == "true"
	n.ParallelMultiple = e.attr("parallelMultiple") == "true"
	n.Instantiate = e.attr("instantiate") == "true"
	info.dflt = strings.TrimSpace(e.attr("default"))
	switch n.Kind {
	case BoundaryEvent:
		n.CancelActivity = e.attr("cancelActivity") != "false"
		info.attachedTo = strings.TrimSpace(e.attr("attachedToRef"))
	case StartEvent:
		n.Interrupting = e.attr("isInterrupting") != "false"
	case CallActivity:
		if ce := strings.TrimSpace(e.attr("calledElement")); ce != "" {
			n.CalledElement = &CalledElement{ProcessID: ce}
		}
	case ReceiveTask, SendTask:
		n.MessageRef = b.refMessage(n, e)
	}
	if t, _ := e.attrNS(nsCamunda, "type"); t == "external" {
		topic, _ := e.attrNS(nsCamunda, "topic")
		n.Job = &JobDefinition{Type: topic}
	}
}

// nodeChildren reads the child elements of a flow node (not its flow
// elements, which scope reads).
func (b *builder) nodeChildren(n *Node, e *xelem) {
	defs := 0
	for c := e.first; c != nil; c = c.next {
		if c.space != nsBPMN {
			continue
		}
		switch c.local {
		case "documentation":
			n.Documentation = joinDoc(n.Documentation, b.text(c))
		case "extensionElements":
			b.extensions(n, c)
		case "multiInstanceLoopCharacteristics":
			n.Loop = b.multiInstance(c)
		case "standardLoopCharacteristics":
			b.unsupported(c, n.Path+"/"+c.local,
				fmt.Sprintf("standard loop (standardLoopCharacteristics) on %s is not supported; use multiInstanceLoopCharacteristics", b.label(n)))
		case "script":
			if n.Kind == ScriptTask && n.Script == nil {
				rv, _ := e.attrNS(nsCamunda, "resultVariable")
				n.Script = &Script{Format: e.attr("scriptFormat"), Expression: b.text(c), ResultVariable: rv}
			}
		case "eventDefinitionRef":
			defs++
			b.setEvent(n, b.globalEventDef(n, b.text(c)))
		default:
			if strings.HasSuffix(c.local, "EventDefinition") {
				defs++
				b.setEvent(n, b.eventDef(n, c))
			}
		}
	}
	if defs > 1 {
		b.nodeProblem(n, SeverityError, CodeMultipleEventDefs,
			"%s has %d event definitions; multiple and parallel multiple events are not supported", b.label(n), defs)
	}
}

// multiInstance reads multiInstanceLoopCharacteristics in the standard,
// Zeebe and Camunda 7 dialects.
func (b *builder) multiInstance(e *xelem) *MultiInstance {
	mi := &MultiInstance{IsSequential: e.attr("isSequential") == "true"}
	mi.InputCollection, _ = e.attrNS(nsCamunda, "collection")
	mi.InputElement, _ = e.attrNS(nsCamunda, "elementVariable")
	for c := e.first; c != nil; c = c.next {
		if c.space != nsBPMN {
			continue
		}
		switch c.local {
		case "loopCardinality":
			mi.LoopCardinality = b.text(c)
		case "completionCondition":
			mi.CompletionCondition = b.text(c)
		case "loopDataInputRef":
			mi.InputCollection = orElse(mi.InputCollection, b.text(c))
		case "loopDataOutputRef":
			mi.OutputCollection = orElse(mi.OutputCollection, b.text(c))
		case "inputDataItem":
			mi.InputElement = orElse(mi.InputElement, orElse(c.attr("name"), b.id(c)))
		case "outputDataItem":
			mi.OutputElement = orElse(mi.OutputElement, orElse(c.attr("name"), b.id(c)))
		case "extensionElements":
			for x := c.first; x != nil; x = x.next {
				if x.is(nsZeebe, "loopCharacteristics") {
					mi.InputCollection = x.attr("inputCollection")
					mi.InputElement = x.attr("inputElement")
					mi.OutputCollection = x.attr("outputCollection")
					mi.OutputElement = x.attr("outputElement")
				}
			}
		}
	}
	return mi
}

// orElse returns a unless it is empty, then b.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// flow builds a sequence flow; ids are generated for flows without one.
func (b *builder) flow(sc *Scope, parent *Node, e *xelem, path string) {
	p := b.proc
	f := &SequenceFlow{ID: b.id(e), Name: e.attr("name"), Parent: parent, Index: len(p.AllFlows)}
	if f.ID == "" {
		f.ID = b.genFlowID()
	}
	for c := e.first; c != nil; c = c.next {
		if c.is(nsBPMN, "conditionExpression") {
			f.Condition = b.text(c)
		}
	}
	b.register(f.ID, f)
	sc.Flows = append(sc.Flows, f)
	p.AllFlows = append(p.AllFlows, f)
	b.flows = append(b.flows, flowInfo{el: e,
		source: strings.TrimSpace(e.attr("sourceRef")), target: strings.TrimSpace(e.attr("targetRef"))})
}

// genFlowID returns an unused id "flow_<n>".
func (b *builder) genFlowID() string {
	for {
		b.flowSeq++
		id := "flow_" + strconv.Itoa(b.flowSeq)
		if !b.exists(id) {
			return id
		}
	}
}

// association builds an association.
func (b *builder) association(sc *Scope, e *xelem) {
	a := &Association{ID: b.id(e), Source: strings.TrimSpace(e.attr("sourceRef")),
		Target: strings.TrimSpace(e.attr("targetRef"))}
	b.register(a.ID, a)
	sc.Associations = append(sc.Associations, a)
	b.assocs = append(b.assocs, e)
}

// collaboration builds participants and message flows and checks their
// references.
func (b *builder) collaboration(e *xelem) {
	c := &Collaboration{ID: b.id(e), Name: e.attr("name")}
	b.register(c.ID, c)
	for x := e.first; x != nil; x = x.next {
		switch {
		case x.is(nsBPMN, "participant"):
			c.Participants = append(c.Participants, b.participant(x))
		case x.is(nsBPMN, "messageFlow"):
			c.MessageFlows = append(c.MessageFlows, b.messageFlow(x))
		case x.space == nsBPMN && strings.Contains(x.local, "horeography"):
			b.unsupported(x, b.path(x), "")
		}
	}
	b.defs.Collaborations = append(b.defs.Collaborations, c)
}

func (b *builder) participant(e *xelem) *Participant {
	pt := &Participant{ID: b.id(e), Name: e.attr("name"), ProcessRef: strings.TrimSpace(e.attr("processRef"))}
	b.register(pt.ID, pt)
	if pt.ProcessRef == "" {
		return pt
	}
	if p, ok := lookup[*Process](b, pt.ProcessRef); ok {
		pt.ProcessRef = p.ID
		return pt
	}
	b.refProblem(e, pt.ID, "processRef", pt.ProcessRef, ids(b.defs.Processes, func(p *Process) string { return p.ID }))
	return pt
}

func (b *builder) messageFlow(e *xelem) *MessageFlow {
	mf := &MessageFlow{ID: b.id(e), Name: e.attr("name"), SourceRef: strings.TrimSpace(e.attr("sourceRef")),
		TargetRef: strings.TrimSpace(e.attr("targetRef")), MessageRef: strings.TrimSpace(e.attr("messageRef"))}
	b.register(mf.ID, mf)
	for _, ref := range [...]struct{ attr, v string }{{"sourceRef", mf.SourceRef}, {"targetRef", mf.TargetRef}} {
		if !b.exists(ref.v) {
			b.refProblem(e, mf.ID, ref.attr, ref.v, b.allIDs)
		}
	}
	if mf.MessageRef != "" {
		if m, ok := lookup[*Message](b, mf.MessageRef); ok {
			mf.MessageRef = m.ID
		} else {
			b.refProblem(e, mf.ID, "messageRef", mf.MessageRef, ids(b.defs.Messages, func(m *Message) string { return m.ID }))
		}
	}
	return mf
}

// refProblem reports a dangling reference of a non-node element.
func (b *builder) refProblem(e *xelem, id, attr, ref string, cands func() []string) {
	b.add(SeverityError, CodeDanglingRef, e, id, b.path(e), "%s %q: %s %q does not exist%s",
		e.local, id, attr, ref, b.suggest(ref, cands))
}

// allIDs lists every BPMN id in document order, computed once.
func (b *builder) allIDs() []string {
	if b.idList == nil {
		b.idList = []string{}
		walk(b.doc.root, func(x *xelem) {
			if id := b.id(x); id != "" && b.ids[id] == x {
				b.idList = append(b.idList, id)
			}
		})
	}
	return b.idList
}
