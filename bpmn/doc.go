// Package bpmn reads BPMN 2.0 XML into an immutable model, validates it,
// and writes a canonical text dump of it.
//
// # Entry points
//
//	Parse(r io.Reader) (*Definitions, error)
//	ParseFile(path string) (*Definitions, error)
//	ParseBytes(name string, data []byte) (*Definitions, error)
//	Dump(w io.Writer, d *Definitions) error
//
// Parsing reads the document, builds the model and validates it. Validation
// collects every problem of the model — never only the first — each located
// by element id and element path (e.g. "process[p]/subProcess[s]/task[t]")
// and sorted by document order. If any has SeverityError, the model is
// rejected with a *ValidationError holding all problems, warnings included;
// otherwise the warnings are in Definitions.Warnings. The returned model is
// never modified again, so any number of goroutines and engine instances may
// share it.
//
// # Supported subset
//
// Flow nodes (Kind): start, end, intermediate catch and throw, and boundary
// events; task, service, send, receive, user, manual, script and business
// rule tasks; embedded subprocesses, event subprocesses (triggeredByEvent)
// and call activities; exclusive, parallel, inclusive and event-based
// gateways. Event definitions: message, timer (timeDate, timeDuration,
// timeCycle), error, escalation, signal, compensate (activityRef,
// waitForCompletion), terminate, link, conditional, and cancel, one per
// event; root-level definitions referenced by eventDefinitionRef are
// accepted. Also: sequence flows with condition expressions and default
// flows (ids are generated as "flow_<n>" when missing, as in Camunda 7 test
// files), multi-instance characteristics, compensation handlers
// (isForCompensation, linked to their boundary event by an association in
// either direction), messages, errors, escalations, signals,
// collaborations with participants and message flows, documentation, and
// BPMN DI (shapes, edges, labels) of every diagram. Data objects, data
// stores, lanes, text annotations, groups and I/O specifications are
// accepted and ignored.
//
// The BPMN model namespace (http://www.omg.org/spec/BPMN/20100524/MODEL) and
// the DI, DC, Zeebe and Camunda 7 namespaces are recognised by URI, whatever
// prefix a file uses. References written as QNames ("tns:order") resolve by
// their local part when the whole reference does not.
//
// # Dialects
//
// Camunda 8 (namespace http://camunda.org/schema/zeebe/1.0):
// zeebe:taskDefinition (type, retries), zeebe:taskHeaders, zeebe:ioMapping,
// zeebe:calledElement, zeebe:loopCharacteristics, zeebe:script and, on
// messages, zeebe:subscription correlationKey. Camunda 7 (namespace
// http://camunda.org/schema/1.0/bpmn): camunda:type="external" with
// camunda:topic, camunda:inputOutput, camunda:collection and
// camunda:elementVariable, camunda:in/out variables="all", and script tasks
// with an inline <script>, scriptFormat and camunda:resultVariable. An
// errorRef or escalationRef naming no element is taken as the code itself,
// as Camunda 7 does, with a warning. Job-creating elements (service, send,
// business rule and user tasks, script tasks without inline script, message
// throw and end events) always get a JobDefinition whose type defaults to
// the element id. Other extension elements are kept verbatim as
// RawExtension; simulation parameters — qbp:processSimulationInfo
// (http://www.qbp-simulator.com/Schema201212) and BPSim blocks
// (http://www.bpsim.org/schemas/...) — are collected in
// Definitions.Extensions wherever they appear. Raw XML carries the namespace
// declarations it needs, so it parses on its own.
//
// # Rejected
//
// Unsupported elements are reported by name with code "unsupported-element":
// complexGateway, adHocSubProcess, standardLoopCharacteristics, transaction
// (modelled as Kind Transaction, but reported as "transaction subprocess not
// supported") and choreographies. Events with more than one event
// definition (multiple, parallel multiple) are rejected too. Semantic rules
// follow Camunda 7 and Zeebe deployment checks; the Code constants in
// errors.go list every problem code.
//
// # Input handling and limits
//
// Documents are read by a small strict XML reader (xml.go) rather than
// encoding/xml, which is several times slower. UTF-8 is expected; a UTF-8
// byte order mark is skipped, and ISO-8859-1, ISO-8859-15 and windows-1252
// documents are transcoded (golang.org/x/text/encoding/charmap). Entity
// references other than the five predefined ones and character references
// are errors: a DOCTYPE with an internal subset (entity declarations, the
// "billion laughs" and external-entity attacks) is refused before any
// expansion, and nothing is ever fetched. Reading fails fast, in memory
// proportional to the input, beyond MaxFileSize bytes, MaxDepth levels of
// nesting, MaxElements elements or MaxAttrs attributes on one element; a
// model whose element paths and problem messages would exceed 64 MiB
// (subprocesses nested very deeply) is refused the same way. Work spent on
// "did you mean" suggestions is bounded per document.
//
// # Errors
//
// A document that cannot be read yields a *SyntaxError with file, line and
// column, matching ErrSyntax (malformed XML, truncated input, non-BPMN
// root), ErrTooLarge (a limit) or ErrUnsupported (DTD internal subset,
// unknown encoding). An invalid model yields a *ValidationError matching
// ErrInvalid, and also ErrUnsupported when an unsupported element was found.
// ParseFile returns I/O errors from the os package unchanged.
package bpmn
