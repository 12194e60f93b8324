package jobs

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
)

// maxResultFile bounds the JSON a job may leave at $JOBSPLIT_RESULT.
const maxResultFile = 1 << 20

// runJob runs job i, retrying a failed attempt up to the config's retries
// with a short backoff. Errors that must stop the run stop it through
// r.stop.
func (r *Runner) runJob(ctx context.Context, i int32) {
	defer r.guard.jobDone()
	job := r.sweep.Pool.Job(int(i))
	attempt := r.lastAttempt[job.ID]
	for try := 0; ; try++ {
		if ctx.Err() != nil {
			return
		}
		attempt++
		status, recorded := r.runAttempt(ctx, i, job, attempt)
		failed := status == results.StatusFailed || status == results.StatusTimeout
		if !failed || try >= r.sweep.Config.Job.Retries {
			if status != results.StatusInterrupted {
				r.halting.jobFinished(failed, r.stopRun)
			}
			return
		}
		// The next attempt's row must follow this one's in the file.
		<-recorded
		select {
		case <-time.After(backoff(try)):
		case <-ctx.Done():
			return
		}
	}
}

// backoff is the pause before retry k+1: 0.5s, 1s, 2s ... up to 10s.
func backoff(k int) time.Duration {
	return min(500*time.Millisecond<<min(k, 5), 10*time.Second)
}

// attemptFiles are the paths an attempt may write: $JOBSPLIT_RESULT and
// $JOBSPLIT_PROGRESS.
type attemptFiles struct {
	result, progress string
}

// runAttempt runs one attempt of job i, which is job, and hands it to
// record; the returned channel is closed once its row is on disk.
func (r *Runner) runAttempt(ctx context.Context, i int32, job Job, attempt int) (results.Status, <-chan struct{}) {
	base := filepath.Join(r.workDir, strconv.Itoa(int(i))+"-"+strconv.Itoa(attempt))
	files := attemptFiles{result: base + ".result.json", progress: base + ".progress"}
	seed := strconv.FormatUint(r.sweep.Seed(job.ID), 10)
	stdout := logs.NewLineSplitter(0, func(line []byte, partial bool) {
		_ = r.log.Output(job.ID, logs.StreamStdout, line, partial)
	})
	stderr := logs.NewLineSplitter(0, func(line []byte, partial bool) {
		_ = r.log.Output(job.ID, logs.StreamStderr, line, partial)
	})
	_ = r.log.JobStart(job.ID, attempt)
	r.progress.jobStarted(job.ID, attempt, files.progress)
	pid := 0
	r.running.starting(job.ID)
	out := runProcess(ctx, processSpec{
		Args:     r.command(job, seed, attempt),
		LookPath: r.programs.lookPath,
		Dir:      r.sweep.Config.Dir,
		Env:      r.environ(job, seed, attempt, files),
		Stdin:    r.devNull,
		Stdout:   stdout,
		Stderr:   stderr,
		Timeout:  r.sweep.Config.Job.Timeout.Duration,
		Grace:    r.opts.KillGrace,
		Hard:     r.opts.Hard,
		Started:  func(p int) { pid = p; r.running.started(job.ID, p) },
	})
	if pid != 0 {
		r.running.ended(pid)
	}
	stdout.Close()
	stderr.Close()
	r.progress.jobExited(job.ID)
	if out.Err != nil {
		_ = r.log.Output(job.ID, logs.StreamStderr, []byte("jobsplit: "+out.Err.Error()), false)
	}
	recorded := make(chan struct{})
	r.recordSlots <- struct{}{}
	r.recording.Add(1)
	go func() {
		defer r.recording.Done()
		defer func() { <-r.recordSlots }()
		defer close(recorded)
		r.record(job, attempt, out, files)
	}()
	return out.Status, recorded
}

// command is the job's argument list, run directly when the shell would
// do nothing but split words.
func (r *Runner) command(job Job, seed string, attempt int) []string {
	args := r.template.Expand(r.lookup(job, seed, attempt))
	if !r.template.Shell() {
		return args
	}
	if direct, ok := Direct(args[0]); ok {
		return direct
	}
	return []string{"/bin/sh", "-c", args[0]}
}

// record writes a finished attempt's row and logs its end; the job counts
// as done once the row is on disk. It runs apart from the worker, which
// starts its next job meanwhile, so that syncing the row does not hold the
// worker back and the rows of jobs that end close together share one fsync
// (results.Writer commits in groups).
func (r *Runner) record(job Job, attempt int, out outcome, files attemptFiles) {
	row := results.Row{
		JobID: job.ID, Machine: r.opts.Machine, Status: out.Status, ExitCode: out.ExitCode,
		Attempt: attempt, StartedAt: out.Started, Duration: out.Duration,
		Digest: r.digest, Params: job.Values,
	}
	var warning string
	row.Results, warning = r.readResult(files.result)
	removeFile(files.progress)
	if warning != "" {
		_ = r.log.Output(job.ID, logs.StreamStderr, []byte("jobsplit: "+warning), false)
	}
	if err := r.results.Write(row); err != nil {
		r.progress.jobEnded(job.ID, results.StatusInterrupted)
		r.stop(err)
		return
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
}

// readResult reads the JSON object a job left at $JOBSPLIT_RESULT into the
// result columns, and removes the file; a missing file leaves them empty.
func (r *Runner) readResult(path string) ([]string, string) {
	columns := r.sweep.Config.Results.Columns
	if len(columns) == 0 {
		removeFile(path)
		return nil, ""
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "" // most often, the job wrote no file: nothing to remove
	}
	data, err := io.ReadAll(io.LimitReader(f, maxResultFile+1))
	f.Close()
	removeFile(path)
	switch {
	case err != nil:
		return nil, fmt.Sprintf("result file ignored: %v", err)
	case len(data) > maxResultFile:
		return nil, fmt.Sprintf("result file larger than %d bytes ignored", maxResultFile)
	}
	cells, err := results.DecodeResultCells(data, columns)
	if err != nil {
		return nil, fmt.Sprintf("result file ignored: %v", err)
	}
	return cells, ""
}

// removeFile removes a file a job may have left. Unlike os.Remove it does
// not try again to remove a directory: most jobs leave no file, and then
// this costs one failing system call instead of two.
func removeFile(path string) { _ = syscall.Unlink(path) }

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

// sharedEnviron is the part of every job's environment that does not
// depend on the job: jobsplit's environment, the machine, the config and
// one JOBSPLIT_PARAM_<NAME> per parameter.
func (r *Runner) sharedEnviron() []string {
	env := append(os.Environ(),
		"JOBSPLIT_MACHINE="+r.opts.Machine,
		"JOBSPLIT_CONFIG="+r.sweep.Config.Path,
	)
	for _, p := range r.sweep.Params {
		env = append(env, "JOBSPLIT_PARAM_"+envName(p.Name)+"="+p.Value)
	}
	return env
}

// environ is the job's environment: the shared part, then the job's own
// variables and one JOBSPLIT_PARAM_<NAME> per pool column, which wins
// over a parameter of the same name.
func (r *Runner) environ(job Job, seed string, attempt int, files attemptFiles) []string {
	env := make([]string, 0, len(r.env)+5+len(job.Values))
	env = append(env, r.env...)
	env = append(env,
		"JOBSPLIT_JOB_ID="+job.ID,
		"JOBSPLIT_SEED="+seed,
		"JOBSPLIT_ATTEMPT="+strconv.Itoa(attempt),
		"JOBSPLIT_RESULT="+files.result,
		"JOBSPLIT_PROGRESS="+files.progress,
	)
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
