package logs

import (
	"bytes"
	"fmt"
	"github.com/klauspost/compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
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

// logJob logs what one short job leaves: job_start, lines of output, job_end.
func logJob(w *Writer, job string, lines int) {
	w.JobStart(job, 1)
	for i := range lines {
		w.Output(job, StreamStdout, fmt.Appendf(nil, "iteration %d loss=0.0123 accuracy=0.98", i), false)
	}
	w.JobEnd(JobEnd{Job: job, Attempt: 1, Status: "ok", Duration: time.Second})
}

// BenchmarkCommit logs short jobs (job_start, 5 lines, job_end) and commits
// after each, as the run loop does before a job's row, from one worker and
// from 8 whose commits group. Modes: "none" commits nothing (the periodic
// flush alone, as before Commit), "nosync" writes members without syncing,
// "sync" syncs for real on the benchmark's temp folder. B/job is the log's
// size per job, syncs/job how many syncs the group commit needed.
func BenchmarkCommit(b *testing.B) {
	for _, mode := range []string{"none", "nosync", "sync"} {
		run := func(b *testing.B, parallel bool) {
			var syncs atomic.Int64
			opts := Options{NoSync: mode != "sync"}
			opts.syncFile = func(f *os.File) error { syncs.Add(1); return f.Sync() }
			w, err := Open(b.TempDir(), "alpha", opts)
			if err != nil {
				b.Fatal(err)
			}
			var n atomic.Int64
			job := func() {
				logJob(w, strconv.FormatInt(n.Add(1), 10), 5)
				if mode != "none" {
					if err := w.Commit(); err != nil {
						b.Error(err)
					}
				}
			}
			if parallel {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						job()
					}
				})
			} else {
				for b.Loop() {
					job()
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			st, err := os.Stat(w.Path())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(st.Size())/float64(b.N), "B/job")
			b.ReportMetric(float64(syncs.Load())/float64(b.N), "syncs/job")
		}
		b.Run("serial/"+mode, func(b *testing.B) { run(b, false) })
		b.Run("parallel/"+mode, func(b *testing.B) { run(b, true) })
	}
}

// BenchmarkMember measures one gzip member holding a short job's records
// alone (reset, write, close) at several compression levels. Measured: about
// 8us of CPU at every level, most of it building the block's Huffman
// tables, and the same size: the level does not decide what a commit costs.
func BenchmarkMember(b *testing.B) {
	var text []byte
	rec := `{"time":"2026-11-21T10:00:00.%06dZ","level":"info","machine":"alpha","event":`
	text = fmt.Appendf(text, rec+`"job_start","job":"042","attempt":1}`+"\n", 0)
	for i := range 5 {
		text = fmt.Appendf(text, rec+`"output","job":"042","stream":"stdout","line":"iteration %d loss=0.0123 accuracy=0.98"}`+"\n", i+1, i)
	}
	text = fmt.Appendf(text, rec+`"job_end","job":"042","attempt":1,"status":"ok","exit_code":0,"duration_s":1}`+"\n", 6)
	for _, level := range []int{gzip.DefaultCompression, gzip.BestSpeed, 3} {
		b.Run(fmt.Sprintf("level=%d", level), func(b *testing.B) {
			zw, _ := gzip.NewWriterLevel(nil, level)
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				zw.Reset(&out)
				zw.Write(text)
				zw.Close()
			}
			b.ReportMetric(float64(out.Len()), "B/member")
			b.ReportMetric(float64(len(text)), "B/plain")
		})
	}
}
