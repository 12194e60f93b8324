package report

import (
	"bytes"
	"encoding/json"

	"github.com/jobsplit/jobsplit/logs"
)

// What the log pass keeps: the last stderr lines of a bounded number of
// failed attempts, so that memory stays small with a million jobs.
const (
	tailLines    = 5
	tailLineMax  = 300
	maxTails     = 2000
	maxRunningID = 100000
)

// attemptKey names one attempt of a job on a machine.
type attemptKey struct {
	machine, job string
	attempt      int
}

// logFindings is what the logs add to the result rows: the stderr tails of
// failed attempts and which ok attempts had their result file ignored.
type logFindings struct {
	tails     map[attemptKey][]string
	badResult map[attemptKey]string
	records   int64
	warnings  []string
}

// readLogs reads every log once, in file order. A damaged log is a warning:
// the records before the damage still count.
func readLogs(files []string) *logFindings {
	found := &logFindings{tails: make(map[attemptKey][]string), badResult: make(map[attemptKey]string)}
	for _, path := range files {
		r, err := logs.OpenReader(path)
		if err != nil {
			found.warnings = append(found.warnings, err.Error()+" (skipped)")
			continue
		}
		found.readLog(r)
		if err := r.Err(); err != nil {
			found.warnings = append(found.warnings, err.Error()+" (skipped)")
		}
		found.warnings = append(found.warnings, r.Warnings()...)
		found.records += r.Records()
		r.Close()
	}
	return found
}

var (
	statusOK   = []byte(`"status":"ok"`)
	errorField = []byte(`"error":`)
)

func (f *logFindings) readLog(r *logs.Reader) {
	running := make(map[string][]string)
	for r.Next() {
		rec := r.Record()
		switch rec.Event {
		case logs.EventJobStart:
			if len(running) < maxRunningID {
				running[rec.Job] = running[rec.Job][:0]
			}
		case logs.EventOutput:
			if rec.Stream != logs.StreamStderr {
				continue
			}
			tail, ok := running[rec.Job]
			if !ok {
				continue
			}
			var out struct {
				Line string `json:"line"`
			}
			if json.Unmarshal(rec.Raw, &out) != nil {
				continue
			}
			if len(out.Line) > tailLineMax {
				out.Line = out.Line[:tailLineMax] + "…"
			}
			if len(tail) == tailLines {
				tail = append(tail[:0], tail[1:]...)
			}
			running[rec.Job] = append(tail, out.Line)
		case logs.EventJobEnd:
			tail := running[rec.Job]
			delete(running, rec.Job)
			if bytes.Contains(rec.Raw, statusOK) && !bytes.Contains(rec.Raw, errorField) {
				continue
			}
			var end struct {
				Attempt int    `json:"attempt"`
				Status  string `json:"status"`
				Error   string `json:"error"`
			}
			if json.Unmarshal(rec.Raw, &end) != nil {
				continue
			}
			key := attemptKey{machine: rec.Machine, job: rec.Job, attempt: end.Attempt}
			if end.Status == "ok" {
				f.badResult[key] = end.Error
				continue
			}
			if len(f.tails) < maxTails {
				f.tails[key] = append([]string(nil), tail...)
			}
		}
	}
}
