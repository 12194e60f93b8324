package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/process"
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
		final := try >= r.sweep.Config.Job.Retries
		status, recorded := r.runAttempt(ctx, i, job, attempt, final)
		failed := status == results.StatusFailed || status == results.StatusTimeout
		if !failed || final {
			if status != results.StatusInterrupted {
				if halted := r.halting.jobFinished(failed, r.stopRun); halted != nil {
					r.events.Halted(halted)
				}
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
func (r *Runner) runAttempt(ctx context.Context, i int32, job jobs.Job, attempt int, final bool) (results.Status, <-chan struct{}) {
	base := filepath.Join(r.files.workDir, strconv.Itoa(int(i))+"-"+strconv.Itoa(attempt))
	files := attemptFiles{result: base + ".result.json", progress: base + ".progress"}
	seed := strconv.FormatUint(r.sweep.Seed(job.ID), 10)
	stdout := r.outputLines(job.ID, logs.StreamStdout)
	stderr := r.outputLines(job.ID, logs.StreamStderr)
	log, journal := r.files.log, r.files.journal
	_ = log.JobStart(job.ID, attempt)
	r.events.JobStarted(JobStart{Job: job.ID, Attempt: attempt, Time: time.Now()})
	r.watch.add(job.ID, files.progress)
	pid := 0
	journal.Starting(job.ID)
	out := process.Run(ctx, process.Spec{
		Args:     r.command(job, seed, attempt),
		LookPath: r.programs.LookPath,
		Dir:      r.sweep.Config.Dir,
		Env:      r.environ(job, seed, attempt, files),
		Stdin:    r.files.devNull,
		Stdout:   stdout,
		Stderr:   stderr,
		Timeout:  r.sweep.Config.Job.Timeout.Duration,
		Grace:    r.opts.KillGrace,
		Hard:     r.opts.Hard,
		Started:  func(p int) { pid = p; journal.Started(job.ID, p) },
	})
	if pid != 0 {
		journal.Ended(pid)
	}
	stdout.Close()
	stderr.Close()
	r.watch.remove(job.ID)
	if out.Err != nil {
		r.output(job.ID, logs.StreamStderr, []byte("jobsplit: "+out.Err.Error()), false)
	}
	status := statusOf(out)
	recorded := make(chan struct{})
	r.recordSlots <- struct{}{}
	r.recorded.Add(1)
	go func() {
		defer r.recorded.Done()
		defer func() { <-r.recordSlots }()
		defer close(recorded)
		r.record(job, attempt, status, out, files, final || status == results.StatusOK)
	}()
	return status, recorded
}

// statusOf is the status a process's ending gives its attempt.
func statusOf(out process.Ending) results.Status {
	switch {
	case out.Stopped == process.TimedOut:
		return results.StatusTimeout
	case out.Stopped == process.Interrupted:
		return results.StatusInterrupted
	case out.OK():
		return results.StatusOK
	}
	return results.StatusFailed
}

// outputLines cuts a job's stream into lines for the log and the events.
func (r *Runner) outputLines(job, stream string) *logs.LineSplitter {
	return logs.NewLineSplitter(0, func(line []byte, partial bool) { r.output(job, stream, line, partial) })
}

// output logs one line of a job's output and reports it.
func (r *Runner) output(job, stream string, line []byte, partial bool) {
	_ = r.files.log.Output(job, stream, line, partial)
	r.events.JobOutput(Output{Job: job, Stream: stream, Line: line, Partial: partial})
}

// record writes a finished attempt's row and logs its end; the job counts
// as done once the row is on disk. It runs apart from the worker, which
// starts its next job meanwhile, so that syncing the row does not hold the
// worker back and the rows of jobs that end close together share one fsync
// (results.Writer commits in groups).
func (r *Runner) record(job jobs.Job, attempt int, status results.Status, out process.Ending, files attemptFiles, final bool) {
	row := results.Row{
		JobID: job.ID, Machine: r.opts.Machine, Status: status, ExitCode: out.ExitCode,
		Attempt: attempt, StartedAt: out.Started, Duration: out.Duration,
		Digest: r.digest, Params: job.Values,
	}
	var warning string
	row.Results, warning = r.readResult(files.result)
	removeFile(files.progress)
	if warning != "" {
		r.output(job.ID, logs.StreamStderr, []byte("jobsplit: "+warning), false)
	}
	if err := r.files.results.Write(row); err != nil {
		r.tally.jobEnded(job.ID, results.StatusInterrupted)
		r.stop(err)
		return
	}
	reason := ""
	if out.Err != nil {
		reason = out.Err.Error()
	}
	_ = r.files.log.JobEnd(logs.JobEnd{
		Job: job.ID, Attempt: attempt, Status: string(status),
		ExitCode: out.ExitCode, Duration: out.Duration, Error: reason,
	})
	r.tally.jobEnded(job.ID, status)
	r.events.JobEnded(JobEnd{
		Job: job.ID, Attempt: attempt, Status: status, ExitCode: out.ExitCode,
		Duration: out.Duration, Reason: reason, Final: final,
	})
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
