package bpmn

// Kind is the closed set of flow-node kinds bpmnrun models.
// Every node of a parsed model has exactly one Kind; switches over Kind in
// the engine are exhaustive.
type Kind uint8

// Flow node kinds. The order is part of the dump format; append only.
const (
	KindInvalid Kind = iota
	StartEvent
	EndEvent
	IntermediateCatchEvent
	IntermediateThrowEvent
	BoundaryEvent
	Task
	ServiceTask
	SendTask
	ReceiveTask
	UserTask
	ManualTask
	ScriptTask
	BusinessRuleTask
	SubProcess // embedded subprocess; TriggeredByEvent marks an event subprocess
	CallActivity
	Transaction
	ExclusiveGateway
	ParallelGateway
	InclusiveGateway
	EventBasedGateway
	kindCount
)

var kindNames = [...]string{
	KindInvalid:            "invalid",
	StartEvent:             "startEvent",
	EndEvent:               "endEvent",
	IntermediateCatchEvent: "intermediateCatchEvent",
	IntermediateThrowEvent: "intermediateThrowEvent",
	BoundaryEvent:          "boundaryEvent",
	Task:                   "task",
	ServiceTask:            "serviceTask",
	SendTask:               "sendTask",
	ReceiveTask:            "receiveTask",
	UserTask:               "userTask",
	ManualTask:             "manualTask",
	ScriptTask:             "scriptTask",
	BusinessRuleTask:       "businessRuleTask",
	SubProcess:             "subProcess",
	CallActivity:           "callActivity",
	Transaction:            "transaction",
	ExclusiveGateway:       "exclusiveGateway",
	ParallelGateway:        "parallelGateway",
	InclusiveGateway:       "inclusiveGateway",
	EventBasedGateway:      "eventBasedGateway",
}

// String returns the BPMN element name of k (e.g. "serviceTask").
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// IsActivity reports whether k is a task, subprocess or call activity.
func (k Kind) IsActivity() bool { return k >= Task && k <= Transaction }

// IsGateway reports whether k is a gateway.
func (k Kind) IsGateway() bool { return k >= ExclusiveGateway && k <= EventBasedGateway }

// IsEvent reports whether k is an event.
func (k Kind) IsEvent() bool { return k >= StartEvent && k <= BoundaryEvent }

// EventType is the kind of an event definition.
type EventType uint8

// Event definition types.
const (
	NoneEvent EventType = iota
	MessageEvent
	TimerEvent
	ErrorEvent
	EscalationEvent
	SignalEvent
	CompensateEvent
	TerminateEvent
	LinkEvent
	ConditionalEvent
	CancelEvent
)

var eventTypeNames = [...]string{
	NoneEvent:        "none",
	MessageEvent:     "message",
	TimerEvent:       "timer",
	ErrorEvent:       "error",
	EscalationEvent:  "escalation",
	SignalEvent:      "signal",
	CompensateEvent:  "compensate",
	TerminateEvent:   "terminate",
	LinkEvent:        "link",
	ConditionalEvent: "conditional",
	CancelEvent:      "cancel",
}

// String returns the short name of t ("message", "timer", ...).
func (t EventType) String() string {
	if int(t) < len(eventTypeNames) {
		return eventTypeNames[t]
	}
	return "invalid"
}

// Definitions is the root of a parsed BPMN file. It is immutable after
// Parse returns; any number of engines and goroutines may share it.
type Definitions struct {
	ID              string
	Name            string
	TargetNamespace string
	File            string // file name given to ParseFile, or "" for Parse

	Processes      []*Process
	Collaborations []*Collaboration
	Messages       []*Message
	Errors         []*Error
	Escalations    []*Escalation
	Signals        []*Signal

	Diagram  *Diagram   // BPMN DI, nil when the file has none (first of Diagrams)
	Diagrams []*Diagram // every BPMNDiagram, document order

	// Warnings lists the warning-severity problems of a model that passed
	// validation, sorted by document order.
	Warnings []Problem

	// Extensions holds simulation extension blocks found anywhere in the
	// file (qbp:processSimulationInfo, BPSim), as raw XML, for the simulator.
	Extensions []RawExtension

	byID map[string]any
}

// RawExtension is an extension element retained verbatim.
type RawExtension struct {
	Space     string // namespace URI
	Tag       string // local name, e.g. "processSimulationInfo"
	ElementID string // id of the element that carries it ("" for definitions)
	XML       string
}

// Process is an executable (or not) process: a scope holding flow nodes.
type Process struct {
	ID            string
	Name          string
	IsExecutable  bool
	Documentation string

	Scope // the top-level flow elements

	// AllNodes lists every node of the process, nested ones included, in
	// document order (pre-order); Node.Index is the position in it.
	AllNodes []*Node
	// AllFlows lists every sequence flow of the process, nested ones
	// included; SequenceFlow.Index is the position in it.
	AllFlows []*SequenceFlow

	Extensions []RawExtension

	nodeByID map[string]*Node
}

// Node returns the flow node with the given id anywhere in the process, or nil.
func (p *Process) Node(id string) *Node { return p.nodeByID[id] }

// Element returns the model object with the given id — *Process, *Node,
// *SequenceFlow, *Association, *Message, *Error, *Escalation, *Signal,
// *Collaboration, *Participant or *MessageFlow — or nil.
func (d *Definitions) Element(id string) any { return d.byID[id] }

// Process returns the process with the given id, or nil.
func (d *Definitions) Process(id string) *Process {
	for _, p := range d.Processes {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Scope holds the flow elements of a process or of a subprocess, in
// document order.
type Scope struct {
	Nodes        []*Node         // direct children, document order
	Flows        []*SequenceFlow // direct child flows, document order
	Associations []*Association
}

// Node is a flow node: an event, activity or gateway.
type Node struct {
	ID            string
	Name          string
	Kind          Kind
	Documentation string
	Path          string // element path, e.g. "process[p]/subProcess[s]/serviceTask[t]"

	Process *Process // the process that contains the node
	Parent  *Node    // enclosing subprocess, nil at process level
	Index   int      // dense index of the node within its Process (see Process.AllNodes)

	Incoming []*SequenceFlow // document order of the flows
	Outgoing []*SequenceFlow // document order of the flows
	Default  *SequenceFlow   // default flow of a gateway or activity

	// Events.
	Event            *EventDefinition // nil for none events; see EventType()
	AttachedTo       *Node            // boundary events
	CancelActivity   bool             // boundary events: interrupting (default true)
	Interrupting     bool             // start events of event subprocesses (default true)
	Boundaries       []*Node          // activities: attached boundary events, document order
	ParallelMultiple bool

	// Activities.
	IsForCompensation   bool
	CompensationHandler *Node          // compensation boundary event: the associated handler
	Scope                              // subprocess children
	TriggeredByEvent    bool           // event subprocess
	Loop                *MultiInstance // multi-instance characteristics, nil if none
	Job                 *JobDefinition // job-creating elements
	Script              *Script        // inline script (zeebe:script, or scriptTask/script)
	CalledElement       *CalledElement // call activities
	Inputs              []Mapping      // input mappings (zeebe:ioMapping, camunda:inputOutput)
	Outputs             []Mapping      // output mappings
	MessageRef          *Message       // receive task, send task
	Condition           string         // conditional events

	// EventBasedGateway.
	Instantiate bool

	// Extensions not interpreted by bpmnrun, kept verbatim.
	Extensions []RawExtension
}

// EventType returns the type of the node's event definition, NoneEvent for
// nodes without one.
func (n *Node) EventType() EventType {
	if n.Event == nil {
		return NoneEvent
	}
	return n.Event.Type
}

// EventDefinition is the (single) event definition of an event.
type EventDefinition struct {
	ID   string
	Type EventType

	Message    *Message    // MessageEvent
	Error      *Error      // ErrorEvent; nil catches all
	Escalation *Escalation // EscalationEvent; nil catches all
	Signal     *Signal     // SignalEvent

	// TimerEvent: exactly one is set.
	TimeDate     string
	TimeDuration string
	TimeCycle    string

	// CompensateEvent.
	ActivityRef       *Node
	WaitForCompletion bool // default true

	LinkName  string // LinkEvent
	Condition string // ConditionalEvent
}

// SequenceFlow connects two nodes of one scope.
type SequenceFlow struct {
	ID        string // may be generated ("flow_<n>") when the file has none
	Name      string
	Source    *Node
	Target    *Node
	Parent    *Node  // enclosing subprocess, nil at process level
	Condition string // raw condition expression, trimmed, "" if none
	IsDefault bool   // the source's default flow
	Index     int    // dense index within its Process
}

// Association links, among others, a compensation boundary event to its handler.
type Association struct {
	ID     string
	Source string // id
	Target string // id
}

// Message is a bpmn:message.
type Message struct {
	ID             string
	Name           string
	CorrelationKey string // zeebe:subscription correlationKey expression
}

// Error is a bpmn:error.
type Error struct {
	ID        string
	Name      string
	ErrorCode string
}

// Escalation is a bpmn:escalation.
type Escalation struct {
	ID             string
	Name           string
	EscalationCode string
}

// Signal is a bpmn:signal.
type Signal struct {
	ID   string
	Name string
}

// Collaboration holds participants and message flows.
type Collaboration struct {
	ID           string
	Name         string
	Participants []*Participant
	MessageFlows []*MessageFlow
}

// Participant is a pool, optionally referencing a process.
type Participant struct {
	ID         string
	Name       string
	ProcessRef string
}

// MessageFlow connects elements of two participants.
type MessageFlow struct {
	ID         string
	Name       string
	SourceRef  string
	TargetRef  string
	MessageRef string
}

// MultiInstance is a multiInstanceLoopCharacteristics element (with the
// zeebe:loopCharacteristics / camunda:collection dialects folded in).
type MultiInstance struct {
	IsSequential        bool
	LoopCardinality     string // expression
	InputCollection     string // expression
	InputElement        string // variable name
	OutputCollection    string // variable name
	OutputElement       string // expression
	CompletionCondition string // expression
}

// JobDefinition says what job a task creates.
type JobDefinition struct {
	Type    string // job type; defaults to the element id
	Retries string // expression or number; "" means the default (3)
	Headers []Header
}

// Header is a custom task header (zeebe:taskHeaders).
type Header struct {
	Key, Value string
}

// Script is an inline script expression.
type Script struct {
	Format         string // e.g. "feel", "juel"
	Expression     string
	ResultVariable string
}

// CalledElement is the target of a call activity.
type CalledElement struct {
	ProcessID                   string
	PropagateAllChildVariables  bool
	PropagateAllParentVariables bool
}

// Mapping is one input or output mapping: Target = Source.
type Mapping struct {
	Source string // expression
	Target string // variable name (may be a path a.b)
}

// Diagram is the BPMN DI: shapes and edges, by element id.
type Diagram struct {
	ID     string
	Name   string
	Shapes []*Shape
	Edges  []*Edge
}

// Bounds is a rectangle in diagram coordinates.
type Bounds struct {
	X, Y, Width, Height float64
}

// Point is a waypoint.
type Point struct {
	X, Y float64
}

// Shape is a BPMNShape.
type Shape struct {
	ID           string
	ElementID    string
	Bounds       Bounds
	IsExpanded   bool
	IsHorizontal bool
	Label        *Bounds
}

// Edge is a BPMNEdge.
type Edge struct {
	ID        string
	ElementID string
	Waypoints []Point
	Label     *Bounds
}
