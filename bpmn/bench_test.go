package bpmn

import (
	"os"
	"testing"
)

func BenchmarkParseSeq3(b *testing.B) {
	data, err := os.ReadFile("testdata/seq3.bpmn")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseBytes("seq3.bpmn", data); err != nil {
			b.Fatal(err)
		}
	}
}
