package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/pool"
	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
)

// reportSweep is a sweep whose results and logs a test writes itself, with
// known durations: job j takes size x factor(kind) seconds at speed 1, and
// each machine runs at its true speed, which machines.json gets wrong.
type reportSweep struct {
	dir       string
	jobs      int
	machines  string             // machines.json
	trueSpeed map[string]float64 // the speeds the durations are made with
	// outcome overrides the status of a job's attempts: "failed",
	// "timeout", "interrupted", "bad_result", "missing" or "retried" (a
	// failed attempt, then an ok one).
	outcome map[string]string
}

var reportT0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func (rs *reportSweep) base(i int) float64 {
	size := 1 + i%5
	factor := []float64{1, 2, 4}[i%3]
	return float64(size) * factor
}

func reportJobID(i int) string { return fmt.Sprintf("j%03d", i) }

// write writes the sweep's inputs, results and logs, and returns the sweep.
func (rs *reportSweep) write(t *testing.T) *jobs.Sweep {
	t.Helper()
	jobsCSV := "id,size,kind\n"
	for i := range rs.jobs {
		jobsCSV += fmt.Sprintf("%s,%d,%s\n", reportJobID(i), 1+i%5, []string{"a", "b", "c"}[i%3])
	}
	writeFiles(t, rs.dir, map[string]string{
		"jobsplit.toml": "[job]\ncommand = [\"./sim\", \"{size}\", \"{kind}\"]\n[pool]\nfile = \"jobs.csv\"\n[results]\ncolumns = [\"score\"]\n",
		"jobs.csv":      jobsCSV,
		"machines.json": rs.machines,
	})
	s, err := loadSweep(jobs.Options{Config: filepath.Join(rs.dir, "jobsplit.toml")})
	if err != nil {
		t.Fatal(err)
	}
	now := reportT0
	for k, share := range s.Plan.Shares {
		m := s.Machines[k]
		w, err := results.OpenWriter(filepath.Join(rs.dir, "results", m.Name+".csv"), s.Pool.Columns, []string{"score"})
		if err != nil {
			t.Fatal(err)
		}
		lw, err := logs.Open(filepath.Join(rs.dir, "logs"), m.Name, logs.Options{NoSync: true, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		lanes := make([]time.Duration, m.Cores)
		run := func(job pool.Job, attempt int, status results.Status, exit int, d time.Duration, errText string, stderr []string) {
			lane := 0
			for l := range lanes {
				if lanes[l] < lanes[lane] {
					lane = l
				}
			}
			start := reportT0.Add(lanes[lane])
			lanes[lane] += d
			now = start
			lw.JobStart(job.ID, attempt)
			for _, line := range stderr {
				lw.Output(job.ID, logs.StreamStderr, []byte(line), false)
			}
			now = start.Add(d)
			lw.JobEnd(logs.JobEnd{Job: job.ID, Attempt: attempt, Status: string(status), ExitCode: exit, Duration: d, Error: errText})
			row := results.Row{JobID: job.ID, Machine: m.Name, Status: status, ExitCode: exit, Attempt: attempt,
				StartedAt: start, Duration: d, Digest: s.ResultDigest(), Params: job.Values}
			if status == results.StatusOK && errText == "" {
				row.Results = []string{strconv.Itoa(len(job.ID))}
			}
			if err := w.Write(row); err != nil {
				t.Fatal(err)
			}
		}
		for _, j := range share.Jobs {
			job := s.Pool.Job(int(j))
			d := time.Duration(rs.base(int(j))/rs.trueSpeed[m.Name]*1000) * time.Millisecond
			switch rs.outcome[job.ID] {
			case "missing":
			case "failed":
				run(job, 1, results.StatusFailed, 3, d/2, "", []string{"reading input", "error: no convergence at step 7"})
			case "timeout":
				run(job, 1, results.StatusTimeout, -1, d, "", []string{"still working"})
			case "interrupted":
				run(job, 1, results.StatusInterrupted, -1, d/3, "", nil)
			case "bad_result":
				run(job, 1, results.StatusOK, 0, d, "result file ignored: result is not a JSON object", nil)
			case "retried":
				run(job, 1, results.StatusFailed, 1, d/4, "", []string{"flaky: try again"})
				run(job, 2, results.StatusOK, 0, d, "", nil)
			default:
				run(job, 1, results.StatusOK, 0, d, "", nil)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := lw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// appendFile appends text to a file, such as a torn last line.
func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
