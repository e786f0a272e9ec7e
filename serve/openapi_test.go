package serve

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestOpenAPICoversRoutes: openapi.yaml documents exactly the routes of the
// server, and every error code the server answers with.
func TestOpenAPICoversRoutes(t *testing.T) {
	data, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		OpenAPI    string                               `yaml:"openapi"`
		Paths      map[string]map[string]map[string]any `yaml:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `yaml:"enum"`
				} `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(data, &spec); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.") {
		t.Fatalf("openapi: %q, want 3.x", spec.OpenAPI)
	}
	var documented, routed []string
	for path, ops := range spec.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	for _, r := range apiRoutes {
		routed = append(routed, r.pattern)
	}
	sort.Strings(documented)
	sort.Strings(routed)
	if strings.Join(documented, "\n") != strings.Join(routed, "\n") {
		t.Errorf("openapi.yaml documents\n%s\nthe server routes\n%s", strings.Join(documented, "\n"), strings.Join(routed, "\n"))
	}
	codes := map[string]bool{}
	for _, c := range spec.Components.Schemas["Error"].Properties["code"].Enum {
		codes[c] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(data)
	}
	calls := strings.Split(src.String(), `apiErr(`)[1:]
	if len(calls) < 20 {
		t.Fatalf("found %d apiErr calls in the package: the scan is broken", len(calls))
	}
	for _, part := range calls {
		fields := strings.SplitN(part, `"`, 3)
		if len(fields) == 3 && !codes[fields[1]] {
			t.Errorf("error code %s is not in the Error schema of openapi.yaml", fields[1])
		}
	}
}
