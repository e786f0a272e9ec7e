package serve

import (
	"sort"
	"strings"
)

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func sortInt64(a []int64) { sort.Slice(a, func(i, j int) bool { return a[i] < a[j] }) }
