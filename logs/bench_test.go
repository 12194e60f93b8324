package logs

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkMerge merges 8 hosts' gzip logs of 50,000 records each.
func BenchmarkMerge(b *testing.B) {
	dir := b.TempDir()
	var files []string
	for h := 0; h < 8; h++ {
		opts := Options{NoSync: true, Now: fakeClock(t0.Add(time.Duration(h)*time.Microsecond), 8*time.Microsecond)}
		w, err := Open(dir, fmt.Sprintf("host%d", h), opts)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 50000; i++ {
			w.Output(fmt.Sprint(i/10), StreamStdout, []byte("iteration 12345 loss=0.0123 accuracy=0.98"), false)
		}
		w.Close()
		files = append(files, filepath.Join(dir, fmt.Sprintf("host%d.jsonl.gz", h)))
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Merge(io.Discard, files, MergeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(8*50000*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkWriterOutput logs output lines through a Writer.
func BenchmarkWriterOutput(b *testing.B) {
	w, err := Open(b.TempDir(), "alpha", Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	line := []byte("iteration 12345 loss=0.0123 accuracy=0.98")
	for b.Loop() {
		w.Output("042", StreamStdout, line, false)
	}
}
