package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// TestValidateTooLarge: a file over the parser's size limit is an invalid
// file with one "too-large" problem (exit 1), not an I/O error.
func TestValidateTooLarge(t *testing.T) {
	file := filepath.Join(t.TempDir(), "huge.bpmn")
	if err := os.WriteFile(file, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(file, bpmn.MaxFileSize+1); err != nil { // sparse: cheap
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"validate", "--format", "json", file}, strings.NewReader(""), &stdout, &stderr)
	if code != exitFailure {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitFailure, stderr.String())
	}
	for _, want := range []string{`"valid": false`, `"code": "too-large"`, `"severity": "error"`} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %s:\n%s", want, stdout.String())
		}
	}
	if stderr.Len() > 0 {
		t.Errorf("unexpected stderr:\n%s", stderr.String())
	}
}
