package bpmn

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// corpusDir returns the shared corpus (../shared/corpus from the repository
// root), skipping the test when it is absent.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	return dir
}

// corpusRejected lists every corpus model bpmnrun rejects, with the codes
// of its error-severity problems. Every other .bpmn/.xml file must parse.
var corpusRejected = map[string]string{
	// Transaction subprocesses are not supported (yet).
	"engines/bpmn-elements/throw-compensate.bpmn":                          "unsupported-element",
	"engines/bpmn-elements/transaction.bpmn":                               "unsupported-element",
	"engines/camunda7/TransactionSubProcessTest.testSimpleCase.bpmn20.xml": "unsupported-element",
	"engines/spiffworkflow/transaction.bpmn":                               "unsupported-element",
	// The README's INVALID MODEL fixtures; see TestCorpusInvalidFixtures.
	"engines/camunda7/CompensationEventParseInvalidProcessTest.compensationEventSubProcessesAtProcessLevel.bpmn20.xml": "compensation-event-subprocess",
	"engines/camunda7/CompensationEventParseInvalidProcessTest.invalidActivityRefFails.bpmn20.xml":                     "dangling-ref",
	"engines/camunda7/CompensationEventParseInvalidProcessTest.invalidOutgoingSequenceflow.bpmn20.xml":                 "compensation-flow",
	"engines/camunda7/CompensationEventParseInvalidProcessTest.multipleCompensationCatchEventsFails.bpmn20.xml":        "compensation-multiple",
	"engines/camunda7/EventBasedGatewayTest.testConnectedToActivity.bpmn20.xml":                                        "event-gateway-target",
	"engines/spiffworkflow/No-Start-Event.bpmn20.xml":                                                                  "missing-start",
	// Multiple event definitions on one event.
	"engines/spiffworkflow/multiple-throw.bpmn": "multiple-event-definitions",
	// A compensation boundary event without handler (the token simulator
	// tolerates it; Zeebe and bpmnrun do not).
	"engines/token-simulation/Simulator.compensation-no-compensate-activity.bpmn": "compensation-handler",
	// MIWG references with a standard loop (see TestMIWGReference).
	"miwg/reference/B.2.0.bpmn": "unsupported-element",
	"miwg/reference/C.4.0.bpmn": "unsupported-element",
	// Vendor round trips: the standard loop of B.2.0/C.4.0, plus broken
	// exports (boundary events and flows pointing into another process,
	// messages that were dropped, duplicate ids).
	"miwg/vendors/aris-10.2025.07/B.2.0-roundtrip.bpmn":                   "dangling-ref unsupported-element",
	"miwg/vendors/aris-10.2025.07/C.4.0-roundtrip.bpmn":                   "unsupported-element",
	"miwg/vendors/bizagi-modeler-2.8.0.8/A.4.0-roundtrip.bpmn":            "dangling-ref",
	"miwg/vendors/bizagi-modeler-2.8.0.8/B.1.0-roundtrip.bpmn":            "dangling-ref",
	"miwg/vendors/bizagi-modeler-2.8.0.8/B.2.0-roundtrip.bpmn":            "dangling-ref unsupported-element",
	"miwg/vendors/bpmn.io-camunda-modeler-18.6.1/B.2.0-roundtrip.bpmn":    "unsupported-element",
	"miwg/vendors/bpmn.io-camunda-modeler-18.6.1/C.4.0-roundtrip.bpmn":    "unsupported-element",
	"miwg/vendors/camunda-eclipse-plugin-3.0.0/B.2.0-roundtrip.bpmn":      "unsupported-element",
	"miwg/vendors/enterprise-architect-12.0.1207/B.2.0-roundtrip.bpmn":    "unsupported-element",
	"miwg/vendors/mid-innovator-15.1.1.11026/B.2.0-roundtrip.bpmn":        "unsupported-element",
	"miwg/vendors/mid-innovator-15.1.1.11026/C.4.0-roundtrip.bpmn":        "unsupported-element",
	"miwg/vendors/omnitracker-bpmn-12.3/B.2.0-roundtrip.bpmn":             "unsupported-element",
	"miwg/vendors/omnitracker-bpmn-12.3/C.4.0-roundtrip.bpmn":             "unsupported-element",
	"miwg/vendors/open-bpmn-1.2.8_2/B.2.0-roundtrip.bpmn":                 "unsupported-element",
	"miwg/vendors/open-bpmn-1.2.8_2/C.4.0-roundtrip.bpmn":                 "unsupported-element",
	"miwg/vendors/sap-signavio-19.9.0/B.1.0-roundtrip.bpmn":               "duplicate-id",
	"miwg/vendors/sap-signavio-19.9.0/B.2.0-roundtrip.bpmn":               "dangling-ref duplicate-id unsupported-element",
	"miwg/vendors/sap-signavio-19.9.0/C.4.0-roundtrip.3.bpmn":             "unsupported-element",
	"miwg/vendors/sap-signavio-19.9.0/C.5.0-roundtrip.1.bpmn":             "duplicate-id",
	"miwg/vendors/trisotech-workflow-modeler-12.6.3/B.2.0-roundtrip.bpmn": "unsupported-element",
	"miwg/vendors/trisotech-workflow-modeler-12.6.3/C.4.0-roundtrip.bpmn": "unsupported-element",
	"miwg/vendors/w4-bpmn-composer-10.4/B.2.0-roundtrip.bpmn":             "unsupported-element",
	"miwg/vendors/w4-bpmn-composer-10.4/C.4.0-roundtrip.bpmn":             "unsupported-element",
	"miwg/vendors/yaoqiang-bpmn-editor-4.0/B.2.0-roundtrip.bpmn":          "unsupported-element",
	// Cross-file participant references (imports are not followed).
	"miwg/work-in-progress/Imports-BPMN/ModelD_3_1.0/modeld.3.bpmn": "dangling-ref",
}

// errorCodes returns the sorted distinct codes of the error-severity
// problems.
func errorCodes(probs []Problem) string {
	var codes []string
	for _, p := range probs {
		if p.Severity == SeverityError && !slices.Contains(codes, p.Code) {
			codes = append(codes, p.Code)
		}
	}
	slices.Sort(codes)
	return strings.Join(codes, " ")
}

// TestCorpus runs every file of the corpus through ParseFile: BPMN models
// parse or are rejected as listed in corpusRejected; other files (README,
// XSD, WSDL) are syntax errors. Dumps of accepted models are deterministic.
func TestCorpus(t *testing.T) {
	root := corpusDir(t)
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(path[len(root)+1:])
		seen[rel] = true
		t.Run(rel, func(t *testing.T) { checkCorpusFile(t, path, rel) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel := range corpusRejected {
		if !seen[rel] {
			t.Errorf("corpusRejected lists %s, which is not in the corpus", rel)
		}
	}
}

func checkCorpusFile(t *testing.T, path, rel string) {
	d, err := ParseFile(path)
	if !strings.HasSuffix(rel, ".bpmn") && !strings.HasSuffix(rel, ".xml") {
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("non-BPMN file: err = %v, want a *SyntaxError", err)
		}
		return
	}
	var ve *ValidationError
	switch {
	case errors.As(err, &ve):
		if got, want := errorCodes(ve.Problems), corpusRejected[rel]; got != want {
			t.Errorf("rejected with %q, want %q:\n%v", got, want, err)
		}
	case err != nil:
		t.Errorf("unexpected error: %v", err)
	case corpusRejected[rel] != "":
		t.Errorf("accepted, want rejection with %q", corpusRejected[rel])
	default:
		if a, b := dumpString(t, d), dumpString(t, d); a != b {
			t.Error("dump not deterministic")
		}
	}
}

// invalidFixtures are the engine fixtures marked INVALID MODEL in the
// corpus README, with the problem that must name the element the README
// names.
var invalidFixtures = map[string]struct{ code, id string }{
	"camunda7/CompensationEventParseInvalidProcessTest.invalidActivityRefFails.bpmn20.xml":                     {CodeDanglingRef, "throwCompensate"},
	"camunda7/CompensationEventParseInvalidProcessTest.multipleCompensationCatchEventsFails.bpmn20.xml":        {CodeCompensationMultiple, "compensateBookHotelEvt2"},
	"camunda7/CompensationEventParseInvalidProcessTest.invalidOutgoingSequenceflow.bpmn20.xml":                 {CodeCompensationFlow, "undoTask"},
	"camunda7/CompensationEventParseInvalidProcessTest.compensationEventSubProcessesAtProcessLevel.bpmn20.xml": {CodeCompensationEventSub, "startInCompensationScope"},
	"camunda7/EventBasedGatewayTest.testConnectedToActivity.bpmn20.xml":                                        {CodeEventGatewayTarget, "gw1"},
	"spiffworkflow/No-Start-Event.bpmn20.xml":                                                                  {CodeMissingStart, "sid-669ddebf-4196-41ee-8b04-bcc90bc5f983"},
}

// readmeInvalid returns the fixtures the README marks "INVALID MODEL".
func readmeInvalid(t *testing.T, readme string) []string {
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Skip(err)
	}
	heading := regexp.MustCompile("(?m)^### `([^`]+)`")
	var out []string
	for _, sec := range strings.Split(string(data), "\n### ")[1:] {
		if m := heading.FindStringSubmatch("### " + sec); m != nil && strings.Contains(sec, "INVALID MODEL") {
			out = append(out, m[1])
		}
	}
	return out
}

func TestCorpusInvalidFixtures(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "engines")
	listed := readmeInvalid(t, filepath.Join(dir, "README.md"))
	if len(listed) != len(invalidFixtures) {
		t.Errorf("README lists %d INVALID MODEL fixtures %v, the test knows %d", len(listed), listed, len(invalidFixtures))
	}
	for _, rel := range listed {
		want, ok := invalidFixtures[rel]
		if !ok {
			t.Errorf("no expectation for INVALID MODEL fixture %s", rel)
			continue
		}
		_, err := ParseFile(filepath.Join(dir, rel))
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: err = %v, want *ValidationError", rel, err)
			continue
		}
		if !slices.ContainsFunc(ve.Problems, func(p Problem) bool {
			return p.Severity == SeverityError && p.Code == want.code && p.ElementID == want.id
		}) {
			t.Errorf("%s: no %s error on %q:\n%v", rel, want.code, want.id, err)
		}
	}
}

// TestMIWGReference checks the MIWG reference models: all parse except
// those using an unsupported element, each reported by name.
func TestMIWGReference(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir(t), "miwg", "reference", "*.bpmn"))
	if len(files) != 21 {
		t.Fatalf("found %d reference models, want 21", len(files))
	}
	var rejected []string
	for _, f := range files {
		_, err := ParseFile(f)
		var ve *ValidationError
		if err != nil && !errors.As(err, &ve) {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if ve == nil {
			continue
		}
		for _, p := range ve.Problems {
			if p.Severity == SeverityError && (p.Code != CodeUnsupported || !strings.Contains(p.Message, "standardLoopCharacteristics")) {
				t.Errorf("%s: rejected for something else than an unsupported element: %s", f, p)
			}
		}
		rejected = append(rejected, filepath.Base(f))
		t.Logf("rejected %s:\n%v", filepath.Base(f), err)
	}
	if want := []string{"B.2.0.bpmn", "C.4.0.bpmn"}; !slices.Equal(rejected, want) {
		t.Errorf("rejected %v, want %v", rejected, want)
	}
}

// TestCorpusParallel parses one model from many goroutines and checks
// that the shared, immutable model dumps identically (run with -race).
func TestCorpusParallel(t *testing.T) {
	data, err := os.ReadFile("testdata/c8_order.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	d := mustParse(t, string(data))
	want := dumpString(t, d)
	done := make(chan string)
	for range 8 {
		go func() {
			var buf bytes.Buffer
			_ = Dump(&buf, d)
			d2, _ := ParseBytes("x", data)
			_ = Dump(&buf, d2)
			done <- buf.String()
		}()
	}
	for range 8 {
		if got := <-done; got != want+want {
			t.Error("concurrent dump differs")
		}
	}
}
