package main

import (
	"bufio"
	"container/heap"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/klauspost/compress/gzip"
)

// logWriter writes one machine's log, logs/<machine>.jsonl.gz, in the
// record format of package logs: a run_start, for every attempt a
// job_start, one output line (stderr for a failed attempt, stdout for an ok
// one) and a job_end, then a run_end. The records are in time order, as a
// real run writes them: an attempt's end waits in a heap until no attempt
// starts before it. The file is a sequence of gzip members (level 1) of
// about memberSize uncompressed bytes, as the periodic flush of a busy run
// leaves it.
type logWriter struct {
	f          *os.File
	bw         *bufio.Writer
	gz         *gzip.Writer
	machine    string
	memberSize int
	inMember   int
	pending    endHeap
	seq        int
	last       time.Time
	share, ok  int
	failed     int
	buf        []byte
}

// attemptEnd is the end of an attempt, waiting for its turn in the log.
type attemptEnd struct {
	at            time.Time
	seq           int
	job           string
	attempt, exit int
	status        string
	dur           time.Duration
}

// endHeap orders the waiting ends by time, then by when they started.
type endHeap []attemptEnd

func (h endHeap) Len() int { return len(h) }
func (h endHeap) Less(i, j int) bool {
	if c := h[i].at.Compare(h[j].at); c != 0 {
		return c < 0
	}
	return h[i].seq < h[j].seq
}
func (h endHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *endHeap) Push(x any)   { *h = append(*h, x.(attemptEnd)) }
func (h *endHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func createLog(dir, machine string, memberSize int) (*logWriter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, machine+".jsonl.gz"))
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	gz, err := gzip.NewWriterLevel(bw, gzip.BestSpeed)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &logWriter{f: f, bw: bw, gz: gz, machine: machine, memberSize: max(memberSize, 1)}, nil
}

// begin starts a record: time, level, machine, event.
func (l *logWriter) begin(at time.Time, level, event string) []byte {
	l.last = at
	b := append(l.buf[:0], `{"time":"`...)
	b = at.AppendFormat(b, "2006-01-02T15:04:05.000000Z")
	b = append(b, `","level":"`...)
	b = append(b, level...)
	b = append(b, `","machine":"`...)
	b = append(b, l.machine...)
	b = append(b, `","event":"`...)
	b = append(b, event...)
	return append(b, '"')
}

func str(b []byte, key, value string) []byte {
	b = append(append(append(b, `,"`...), key...), `":"`...)
	return append(append(b, value...), '"')
}

func num(b []byte, key string, value int) []byte {
	b = append(append(append(b, `,"`...), key...), `":`...)
	return strconv.AppendInt(b, int64(value), 10)
}

func secs(b []byte, key string, d time.Duration) []byte {
	b = append(append(append(b, `,"`...), key...), `":`...)
	return strconv.AppendFloat(b, d.Seconds(), 'f', -1, 64)
}

// end closes a record and writes it, ending the gzip member when it is full.
func (l *logWriter) end(b []byte) {
	b = append(b, "}\n"...)
	l.buf = b
	l.gz.Write(b)
	l.inMember += len(b)
	if l.inMember >= l.memberSize {
		l.gz.Close()
		l.gz.Reset(l.bw)
		l.inMember = 0
	}
}

func (l *logWriter) runStart(digest string, share, workers int) {
	l.share = share
	b := l.begin(start.Add(-time.Second), "info", "run_start")
	b = str(b, "version", "sweepgen")
	b = str(b, "digest", digest)
	b = num(b, "share", share)
	b = num(b, "workers", workers)
	l.end(b)
}

// attempt logs an attempt's job_start now and its output and job_end when
// their time comes.
func (l *logWriter) attempt(job string, attempt int, status string, exit int, at time.Time, dur time.Duration) {
	l.flushUntil(at)
	b := l.begin(at, "info", "job_start")
	b = str(b, "job", job)
	l.end(num(b, "attempt", attempt))
	l.seq++
	heap.Push(&l.pending, attemptEnd{at: at.Add(dur), seq: l.seq, job: job, attempt: attempt, exit: exit, status: status, dur: dur})
}

// flushUntil writes the ends of the attempts that ended at or before t.
func (l *logWriter) flushUntil(t time.Time) {
	for len(l.pending) > 0 && !l.pending[0].at.After(t) {
		e := heap.Pop(&l.pending).(attemptEnd)
		level, stream, line := "info", "stdout", "score "+strconv.Itoa(e.seq%1000)
		if e.status == "ok" {
			l.ok++
		} else {
			l.failed++
			level, stream, line = "error", "stderr", "sim: did not converge"
		}
		b := l.begin(e.at, "info", "output")
		b = str(b, "job", e.job)
		b = str(b, "stream", stream)
		l.end(str(b, "line", line))
		b = l.begin(e.at, level, "job_end")
		b = str(b, "job", e.job)
		b = num(b, "attempt", e.attempt)
		b = str(b, "status", e.status)
		b = num(b, "exit_code", e.exit)
		l.end(secs(b, "duration_s", e.dur))
	}
}

// close writes the waiting ends and the run_end, and closes the file.
func (l *logWriter) close() error {
	for len(l.pending) > 0 {
		l.flushUntil(l.pending[0].at)
	}
	b := l.begin(l.last, "info", "run_end")
	b = num(b, "total", l.share)
	b = num(b, "ok", l.ok)
	b = num(b, "failed", l.failed)
	b = num(b, "timeout", 0)
	b = num(b, "interrupted", 0)
	b = num(b, "skipped", 0)
	l.end(secs(b, "duration_s", l.last.Sub(start)))
	if err := l.gz.Close(); err != nil {
		l.f.Close()
		return err
	}
	if err := l.bw.Flush(); err != nil {
		l.f.Close()
		return err
	}
	return l.f.Close()
}
