package report

import (
	"strings"
	"unicode/utf8"
)

// Text is measured without fonts: a character of the 11 px sans-serif the
// SVG asks for is taken as charW wide on average, a little more than
// Arial's or DejaVu Sans' mean so that wrapped lines rarely overflow.
const (
	fontSize = 11.0
	charW    = 6.2
	lineH    = 13.0
)

// textWidth estimates the rendered width of s.
func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * charW }

// wrap breaks s into lines of at most width (estimated), at spaces where
// possible; words longer than a line are cut. Newlines in s are kept.
func wrap(s string, width float64) []string {
	maxChars := max(1, int(width/charW))
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		var cur []rune
		for _, word := range strings.Fields(para) {
			w := []rune(word)
			for len(w) > maxChars && len(cur) == 0 {
				lines = append(lines, string(w[:maxChars]))
				w = w[maxChars:]
			}
			switch {
			case len(w) == 0:
			case len(cur) == 0:
				cur = w
			case len(cur)+1+len(w) <= maxChars:
				cur = append(append(cur, ' '), w...)
			default:
				lines = append(lines, string(cur))
				cur = nil
				for len(w) > maxChars {
					lines = append(lines, string(w[:maxChars]))
					w = w[maxChars:]
				}
				cur = w
			}
		}
		if len(cur) > 0 {
			lines = append(lines, string(cur))
		}
	}
	return lines
}

// widest returns the estimated width of the longest of lines.
func widest(lines []string) float64 {
	w := 0.0
	for _, l := range lines {
		w = max(w, textWidth(l))
	}
	return w
}
