package live

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/feel"
	"go.yaml.in/yaml/v3"
)

// Config is a workers file (bpmnrun run --live --config FILE):
//
//	workers:
//	  reserve-stock: ./reserve.sh                   # a shell command
//	  charge-payment: http://127.0.0.1:8080/charge  # an HTTP endpoint
//	jobTimeout: PT30S
//	retryBackoff: PT1S
//	maxInFlight: 16
//	listen: 127.0.0.1:8089
//
// Shell commands run in the directory of the file.
type Config struct {
	Workers      map[string]string // job type -> command or URL
	JobTimeout   time.Duration
	RetryBackoff time.Duration
	MaxInFlight  int
	Listen       string
	Dir          string // directory of the file
}

var configFields = []string{"workers", "jobTimeout", "retryBackoff", "maxInFlight", "listen"}

// LoadConfig reads a workers file. Unknown fields and bad values are
// errors, located by line.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	c := &Config{Workers: map[string]string{}, Dir: filepath.Dir(path)}
	var errs []string
	bad := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%s:%d: %s", path, n.Line, fmt.Sprintf(format, args...)))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: want a mapping with %s", path, strings.Join(configFields, ", "))
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "workers":
			readWorkers(c, v, bad)
		case "jobTimeout", "retryBackoff":
			d, err := feel.ParseDuration(v.Value)
			if err != nil || v.Kind != yaml.ScalarNode || d.Months != 0 || d.Days < 0 || d.Time <= 0 && d.Days == 0 {
				bad(v, "%s: want a positive ISO 8601 duration such as PT30S, got %q", k.Value, v.Value)
				continue
			}
			dur := time.Duration(d.Days)*24*time.Hour + d.Time
			if k.Value == "jobTimeout" {
				c.JobTimeout = dur
			} else {
				c.RetryBackoff = dur
			}
		case "maxInFlight":
			n, err := strconv.Atoi(v.Value)
			if err != nil || n <= 0 {
				bad(v, "maxInFlight: want a positive integer, got %q", v.Value)
			}
			c.MaxInFlight = n
		case "listen":
			c.Listen = v.Value
		default:
			bad(k, "unknown field %q (want one of %s)", k.Value, strings.Join(configFields, ", "))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return c, nil
}

func readWorkers(c *Config, v *yaml.Node, bad func(*yaml.Node, string, ...any)) {
	if v.Kind != yaml.MappingNode {
		bad(v, "workers: want a mapping of job types to commands or URLs")
		return
	}
	for j := 0; j+1 < len(v.Content); j += 2 {
		t, spec := v.Content[j], v.Content[j+1]
		if spec.Kind != yaml.ScalarNode || spec.Value == "" {
			bad(spec, "workers.%s: want a command or a URL", t.Value)
			continue
		}
		c.Workers[t.Value] = spec.Value
	}
}

// NewWorker returns the worker a spec names: HTTP for an http:// or
// https:// URL, else a shell command run in dir.
func NewWorker(spec, dir string) Worker {
	if strings.HasPrefix(spec, "http://") || strings.HasPrefix(spec, "https://") {
		return HTTP{URL: spec}
	}
	return Shell{Command: spec, Dir: dir}
}
