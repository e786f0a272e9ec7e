package bpmn

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestScratch(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	if f := os.Getenv("SCRATCH_FILE"); f != "" {
		d, err := ParseFile(f)
		if err != nil {
			fmt.Println(err)
			var ve *ValidationError
			if errors.As(err, &ve) {
				for _, p := range ve.Problems {
					fmt.Println("  ", p)
				}
			}
			return
		}
		Dump(os.Stdout, d)
		return
	}
	filepath.Walk("../../shared/corpus", func(p string, info os.FileInfo, err error) error {
		if info.IsDir() || strings.HasSuffix(p, ".md") {
			return nil
		}
		_, err = ParseFile(p)
		if err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				codes := map[string]int{}
				for _, pr := range ve.Problems {
					if pr.Severity == SeverityError {
						codes[pr.Code]++
					}
				}
				fmt.Println("REJ", p, codes)
				if os.Getenv("V") != "" {
					for _, pr := range ve.Problems {
						if pr.Severity == SeverityError {
							fmt.Println("     ", pr)
						}
					}
				}
			} else {
				fmt.Println("ERR", p, err)
			}
		} else {
			fmt.Println("OK ", p)
		}
		return nil
	})
}

func TestScratchWarn(t *testing.T) {
	if os.Getenv("SCRATCHW") == "" {
		t.Skip()
	}
	filepath.Walk("../../shared/corpus", func(p string, info os.FileInfo, err error) error {
		if info.IsDir() || strings.HasSuffix(p, ".md") {
			return nil
		}
		d, err := ParseFile(p)
		var probs []Problem
		var ve *ValidationError
		if errors.As(err, &ve) {
			probs = ve.Problems
		} else if d != nil {
			probs = d.Warnings
		}
		for _, pr := range probs {
			if pr.Severity == SeverityWarning {
				fmt.Println("W", pr.Code, "|", p, "|", pr.Message)
			}
		}
		return nil
	})
}

func TestScratchTable(t *testing.T) {
	if os.Getenv("SCRATCHT") == "" {
		t.Skip()
	}
	root := "../../shared/corpus"
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if info.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		_, err = ParseFile(p)
		var ve *ValidationError
		if errors.As(err, &ve) {
			seen := map[string]bool{}
			var codes []string
			for _, pr := range ve.Problems {
				if pr.Severity == SeverityError && !seen[pr.Code] {
					seen[pr.Code] = true
					codes = append(codes, pr.Code)
				}
			}
			sort.Strings(codes)
			fmt.Printf("\t%q: %q,\n", rel, strings.Join(codes, " "))
		}
		return nil
	})
}
