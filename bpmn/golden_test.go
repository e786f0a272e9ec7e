package bpmn

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// TestGolden parses every model in testdata and compares its dump (or,
// for invalid models, its problems) with testdata/<name>.golden.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		base := filepath.Base(file)
		if !strings.HasSuffix(base, ".bpmn") && !strings.HasSuffix(base, ".bpmn20.xml") {
			continue
		}
		name, _, _ := strings.Cut(base, ".")
		t.Run(name, func(t *testing.T) {
			got := goldenText(t, file)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (run go test -update and review the diff):\n%s", file, golden, got)
			}
		})
	}
}

// goldenText is the dump of a valid model or the problem list of an
// invalid one.
func goldenText(t *testing.T, file string) string {
	d, err := ParseFile(file)
	var ve *ValidationError
	switch {
	case errors.As(err, &ve):
		var b strings.Builder
		b.WriteString("invalid\n")
		for _, p := range ve.Problems {
			b.WriteString(p.Code + " " + p.String() + "\n")
		}
		return b.String()
	case err != nil:
		t.Fatal(err)
	}
	return dumpString(t, d)
}
