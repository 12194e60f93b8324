package jobs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
)

// maxResultFile bounds the JSON a job may leave at $JOBSPLIT_RESULT.
const maxResultFile = 1 << 20

// runJob runs job i, retrying a failed attempt up to the config's retries
// with a short backoff. It returns only errors that must stop the run.
func (r *Runner) runJob(ctx context.Context, i int32) error {
	job := r.sweep.Pool.Job(int(i))
	attempt := r.lastAttempt[job.ID]
	for try := 0; ; try++ {
		if ctx.Err() != nil {
			return nil
		}
		attempt++
		status, err := r.runAttempt(ctx, job, attempt)
		if err != nil {
			return err
		}
		if status != results.StatusFailed && status != results.StatusTimeout || try >= r.sweep.Config.Job.Retries {
			return nil
		}
		select {
		case <-time.After(backoff(try)):
		case <-ctx.Done():
			return nil
		}
	}
}

// backoff is the pause before retry k+1: 0.5s, 1s, 2s ... up to 10s.
func backoff(k int) time.Duration {
	return min(500*time.Millisecond<<min(k, 5), 10*time.Second)
}

// runAttempt runs one attempt and writes its row and log records.
func (r *Runner) runAttempt(ctx context.Context, job Job, attempt int) (results.Status, error) {
	base := filepath.Join(r.workDir, fmt.Sprintf("%d-%d", r.sweep.Pool.Index(job.ID), attempt))
	resultFile, progressFile := base+".result.json", base+".progress"
	defer os.Remove(resultFile)
	defer os.Remove(progressFile)

	seed := strconv.FormatUint(r.sweep.Seed(job.ID), 10)
	lookup := r.lookup(job, seed, attempt)
	args := r.template.Expand(lookup)
	if r.template.Shell() {
		if direct, ok := Direct(args[0]); ok {
			args = direct
		} else {
			args = []string{"/bin/sh", "-c", args[0]}
		}
	}
	stdout := logs.NewLineSplitter(0, func(line []byte, partial bool) {
		_ = r.log.Output(job.ID, logs.StreamStdout, line, partial)
	})
	stderr := logs.NewLineSplitter(0, func(line []byte, partial bool) {
		_ = r.log.Output(job.ID, logs.StreamStderr, line, partial)
	})
	_ = r.log.JobStart(job.ID, attempt)
	r.progress.jobStarted(job.ID, attempt, progressFile)
	out := runProcess(ctx, processSpec{
		Args:    args,
		Dir:     r.sweep.Config.Dir,
		Env:     r.environ(job, seed, attempt, resultFile, progressFile),
		Stdout:  stdout,
		Stderr:  stderr,
		Timeout: r.sweep.Config.Job.Timeout.Duration,
		Grace:   r.opts.KillGrace,
	})
	stdout.Close()
	stderr.Close()
	if out.Err != nil {
		_ = r.log.Output(job.ID, logs.StreamStderr, []byte("jobsplit: "+out.Err.Error()), false)
	}
	row := results.Row{
		JobID: job.ID, Machine: r.opts.Machine, Status: out.Status, ExitCode: out.ExitCode,
		Attempt: attempt, StartedAt: out.Started, Duration: out.Duration,
		Digest: r.sweep.ResultDigest(), Params: job.Values,
	}
	var warning string
	row.Results, warning = r.readResult(resultFile)
	if warning != "" {
		_ = r.log.Output(job.ID, logs.StreamStderr, []byte("jobsplit: "+warning), false)
	}
	if err := r.results.Write(row); err != nil {
		r.progress.jobEnded(job.ID, results.StatusInterrupted)
		return out.Status, err
	}
	errText := ""
	if out.Err != nil {
		errText = out.Err.Error()
	}
	_ = r.log.JobEnd(logs.JobEnd{
		Job: job.ID, Attempt: attempt, Status: string(out.Status),
		ExitCode: out.ExitCode, Duration: out.Duration, Error: errText,
	})
	r.progress.jobEnded(job.ID, out.Status)
	return out.Status, nil
}

// readResult reads the JSON object a job left at $JOBSPLIT_RESULT into the
// result columns; a missing file leaves them empty.
func (r *Runner) readResult(path string) ([]string, string) {
	columns := r.sweep.Config.Results.Columns
	if len(columns) == 0 {
		return nil, ""
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, ""
	}
	defer f.Close()
	data := make([]byte, maxResultFile+1)
	n, _ := f.Read(data)
	if n > maxResultFile {
		return nil, fmt.Sprintf("result file larger than %d bytes ignored", maxResultFile)
	}
	cells, err := results.DecodeResultCells(data[:n], columns)
	if err != nil {
		return nil, fmt.Sprintf("result file ignored: %v", err)
	}
	return cells, ""
}

// lookup gives a job's placeholder values: its columns, [params], id,
// seed, machine and attempt.
func (r *Runner) lookup(job Job, seed string, attempt int) Lookup {
	return func(name string) (string, bool) {
		switch name {
		case "id":
			return job.ID, true
		case "seed":
			return seed, true
		case "machine":
			return r.opts.Machine, true
		case "attempt":
			return strconv.Itoa(attempt), true
		}
		for k, c := range r.sweep.Pool.Columns {
			if c == name {
				return job.Values[k], true
			}
		}
		for _, p := range r.sweep.Params {
			if p.Name == name {
				return p.Value, true
			}
		}
		return "", false
	}
}

// environ is the job's environment: jobsplit's own variables and one
// JOBSPLIT_PARAM_<NAME> per parameter, on top of jobsplit's environment.
func (r *Runner) environ(job Job, seed string, attempt int, resultFile, progressFile string) []string {
	env := append(os.Environ(),
		"JOBSPLIT_JOB_ID="+job.ID,
		"JOBSPLIT_SEED="+seed,
		"JOBSPLIT_MACHINE="+r.opts.Machine,
		"JOBSPLIT_ATTEMPT="+strconv.Itoa(attempt),
		"JOBSPLIT_CONFIG="+r.sweep.Config.Path,
		"JOBSPLIT_RESULT="+resultFile,
		"JOBSPLIT_PROGRESS="+progressFile,
	)
	for _, p := range r.sweep.Params {
		env = append(env, "JOBSPLIT_PARAM_"+envName(p.Name)+"="+p.Value)
	}
	for k, c := range r.sweep.Pool.Columns {
		env = append(env, "JOBSPLIT_PARAM_"+envName(c)+"="+job.Values[k])
	}
	return env
}

// envName turns a parameter name into an environment variable's: upper
// case, with '-' and '.' as '_'.
func envName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return '_'
		}
		return r
	}, strings.ToUpper(name))
}
