package bpmn

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkParseSeq3 parses start → 3 service tasks (zeebe:taskDefinition)
// → end, with DI. Goal: ≤ 100 µs and ≤ 50 KiB per parse.
func BenchmarkParseSeq3(b *testing.B) {
	benchParse(b, "testdata/seq3.bpmn")
}

// BenchmarkParseLargestMIWG parses the largest MIWG file of the corpus.
func BenchmarkParseLargestMIWG(b *testing.B) {
	dir := filepath.Join(corpusDir(b), "miwg")
	var largest string
	var size int64
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".bpmn") {
			return err
		}
		if fi, err := d.Info(); err == nil && fi.Size() > size {
			largest, size = p, fi.Size()
		}
		return nil
	})
	b.Logf("%s: %d bytes", largest, size)
	benchParse(b, largest)
}

func benchParse(b *testing.B, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseBytes(file, data); err != nil {
			b.Fatal(err)
		}
	}
}
