package logs

import (
	"bufio"
	"fmt"
	"github.com/jobsplit/jobsplit/internal/oserr"
	"os"
	"path/filepath"
	"time"
)

// Event names, the value of every typed record's "event" field.
const (
	EventRunStart = "run_start"
	EventJobStart = "job_start"
	EventJobEnd   = "job_end"
	EventOutput   = "output"
	EventProgress = "progress"
	EventRunEnd   = "run_end"
)

// Stream names, the value of an output record's "stream" field.
const (
	StreamStdout = "stdout"
	StreamStderr = "stderr"
)

// RunStart describes a run as it starts: fields version, digest, share
// (number of jobs in this machine's share) and workers.
type RunStart struct {
	Version string
	Digest  string
	Share   int
	Workers int
}

// JobEnd describes a finished attempt: fields job, attempt, status (ok,
// failed, timeout, interrupted), exit_code, duration_s and, when set, error.
type JobEnd struct {
	Job      string
	Attempt  int
	Status   string
	ExitCode int
	Duration time.Duration
	Error    string
}

// RunEnd counts a run's outcome: fields total, ok, failed, timeout,
// interrupted, skipped (already done before this run) and duration_s.
type RunEnd struct {
	Total, OK, Failed, Timeout, Interrupted, Skipped int
	Duration                                         time.Duration
}

// begin starts a typed record: time, level, machine, event. w.mu must be held.
func (w *Writer) begin(level, event string) []byte {
	b := w.stamp()
	b = append(b, `,"level":"`...)
	b = append(b, level...)
	b = append(b, `","machine":`...)
	b = append(b, w.machineJSON...)
	b = append(b, `,"event":"`...)
	b = append(b, event...)
	return append(b, '"')
}

// end closes a typed record and writes it. w.mu must be held.
func (w *Writer) end(b []byte) error {
	return w.appendRecord(append(b, '}', '\n'))
}

// RunStart logs a run_start record (level info).
func (w *Writer) RunStart(r RunStart) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.begin("info", EventRunStart)
	b = appendStrField(b, "version", r.Version)
	b = appendStrField(b, "digest", r.Digest)
	b = appendIntField(b, "share", r.Share)
	b = appendIntField(b, "workers", r.Workers)
	return w.end(b)
}

// JobStart logs a job_start record (level info) with fields job and attempt.
func (w *Writer) JobStart(job string, attempt int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.begin("info", EventJobStart)
	b = appendStrField(b, "job", job)
	b = appendIntField(b, "attempt", attempt)
	return w.end(b)
}

// JobEnd logs a job_end record, level info when the status is ok, warn when
// interrupted and error otherwise, and closes the job's per-job log.
func (w *Writer) JobEnd(e JobEnd) error {
	level := "error"
	switch e.Status {
	case "ok":
		level = "info"
	case "interrupted":
		level = "warn"
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if jf := w.jobs[e.Job]; jf != nil {
		delete(w.jobs, e.Job)
		if err := jf.close(); err != nil && w.err == nil {
			w.err = err
		}
	}
	b := w.begin(level, EventJobEnd)
	b = appendStrField(b, "job", e.Job)
	b = appendIntField(b, "attempt", e.Attempt)
	b = appendStrField(b, "status", e.Status)
	b = appendIntField(b, "exit_code", e.ExitCode)
	b = appendFloatField(b, "duration_s", e.Duration.Seconds())
	if e.Error != "" {
		b = appendStrField(b, "error", e.Error)
	}
	return w.end(b)
}

// Output logs one line a job printed (level info): fields job, stream and
// line, plus "partial":true when the line was cut because it was too long and
// continues in the next record. Bytes that are not UTF-8 become U+FFFD in the
// JSON record; the per-job log (Options.PerJob) keeps them as printed, in the
// file JobLogName(job) names. A per-job log that cannot be opened or written
// is an error of the Writer, like one of the log itself.
func (w *Writer) Output(job, stream string, line []byte, partial bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.begin("info", EventOutput)
	b = appendStrField(b, "job", job)
	b = appendStrField(b, "stream", stream)
	b = appendJSONString(appendKey(b, "line"), line)
	if partial {
		b = append(b, `,"partial":true`...)
	}
	if err := w.end(b); err != nil {
		return err
	}
	if w.opts.PerJob {
		return w.jobOutput(job, line, partial)
	}
	return nil
}

// Progress logs a progress record (level debug) with fields job and progress,
// the fraction from 0 to 1 the job reported.
func (w *Writer) Progress(job string, p float64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.begin("debug", EventProgress)
	b = appendStrField(b, "job", job)
	b = appendFloatField(b, "progress", p)
	return w.end(b)
}

// RunEnd logs a run_end record (level info) with the run's counts.
func (w *Writer) RunEnd(r RunEnd) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.begin("info", EventRunEnd)
	b = appendIntField(b, "total", r.Total)
	b = appendIntField(b, "ok", r.OK)
	b = appendIntField(b, "failed", r.Failed)
	b = appendIntField(b, "timeout", r.Timeout)
	b = appendIntField(b, "interrupted", r.Interrupted)
	b = appendIntField(b, "skipped", r.Skipped)
	b = appendFloatField(b, "duration_s", r.Duration.Seconds())
	return w.end(b)
}

// jobFile is an open per-job log.
type jobFile struct {
	f  *os.File
	bw *bufio.Writer
}

func (jf *jobFile) close() error {
	err := jf.bw.Flush()
	if cerr := jf.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write job log %s: %w", jf.f.Name(), oserr.Bare(err))
	}
	return nil
}

// jobOutput appends a line to the job's per-job log, opening it on first use.
// w.mu must be held.
func (w *Writer) jobOutput(job string, line []byte, partial bool) error {
	jf := w.jobs[job]
	if jf == nil {
		path := filepath.Join(w.dir, w.machine, JobLogName(job))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			w.err = fmt.Errorf("open job log %s: %w", path, oserr.Bare(err))
			return w.err
		}
		jf = &jobFile{f: f, bw: bufio.NewWriterSize(f, 16<<10)}
		w.jobs[job] = jf
	}
	jf.bw.Write(line)
	if !partial {
		jf.bw.WriteByte('\n')
	}
	return nil
}
