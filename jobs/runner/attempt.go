package runner

import (
	"context"
	"strconv"
	"time"

	"github.com/jobsplit/jobsplit/jobs/pool"
	"github.com/jobsplit/jobsplit/jobs/process"
	"github.com/jobsplit/jobsplit/jobs/resources"
	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
)

// runJob runs job i, retrying a failed attempt up to the config's retries
// with a short backoff. Errors that must stop the run stop it through
// r.stop.
func (r *Runner) runJob(ctx context.Context, i int32, grant resources.Grant) {
	defer r.guard.jobDone()
	job := r.sweep.Pool.Job(int(i))
	attempt := r.lastAttempt(i)
	for try := 0; ; try++ {
		if ctx.Err() != nil {
			return
		}
		attempt++
		final := try >= r.sweep.Config.Job.Retries
		status, recorded := r.runAttempt(ctx, i, job, attempt, final, grant)
		failed := failedStatus(status)
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

// failedStatus reports whether an attempt that ended so failed: it counts
// for --halt and is retried.
func failedStatus(s results.Status) bool {
	return s == results.StatusFailed || s == results.StatusTimeout || s == results.StatusBadResult
}

// backoff is the pause before retry k+1: 0.5s, 1s, 2s ... up to 10s.
func backoff(k int) time.Duration {
	return min(500*time.Millisecond<<min(k, 5), 10*time.Second)
}

// ended is one finished attempt, on its way to the log and the results.
type ended struct {
	job     pool.Job
	attempt int
	status  results.Status
	out     process.Ending
	// cells are the result columns' values.
	cells []string
	// reason says why the attempt is not ok when the exit code does not.
	reason string
	// planned is the machine the plan gave the job to.
	planned string
	final   bool
}

// runAttempt runs one attempt of job i, which is job, reads what it left
// at $JOBSPLIT_RESULT and hands it to the committer; the returned channel
// is closed once its row is on disk (or the run stopped without one).
func (r *Runner) runAttempt(ctx context.Context, i int32, job pool.Job, attempt int, final bool, grant resources.Grant) (results.Status, <-chan struct{}) {
	files := newAttemptFiles(r.files.workDir, i, attempt)
	_ = r.files.log.JobStart(job.ID, attempt)
	planned := r.opts.Machine
	if r.balancer != nil {
		planned, _ = r.balancer.PlannedMachine(job.ID)
	}
	r.events.JobStarted(JobStart{Job: job.ID, Attempt: attempt, Time: time.Now(), Planned: planned})
	var out process.Ending
	// The watch keeps the attempt's files from the sweep until its
	// result is read.
	r.watch.add(job.ID, files)
	if err := files.create(r.sweep.Config.Results.Columns); err != nil {
		// A temp folder that is full or gone: the attempt fails, saying
		// where, without running.
		out = process.Ending{Started: time.Now(), ExitCode: 126, Err: err}
	} else {
		out = r.start(ctx, job, attempt, files, grant)
	}
	e := ended{job: job, attempt: attempt, status: statusOf(out), out: out, final: final, planned: planned}
	if out.Err != nil {
		e.reason = out.Err.Error()
		r.output(job.ID, logs.StreamStderr, []byte("jobsplit: "+e.reason), false)
	}
	result := files.read(r.sweep.Config.Results.Columns)
	r.watch.remove(job.ID, files)
	e.cells = result.cells
	if result.problem != "" {
		r.output(job.ID, logs.StreamStderr, []byte("jobsplit: "+result.problem), false)
		if e.status == results.StatusOK {
			e.status, e.reason = results.StatusBadResult, result.problem
		}
	}
	if e.status != results.StatusOK && e.status != results.StatusInterrupted {
		if full := files.folderFull(); full != "" {
			e.reason = joinReasons(e.reason, full)
			r.output(job.ID, logs.StreamStderr, []byte("jobsplit: "+full), false)
		}
	}
	e.final = e.final || !failedStatus(e.status)
	// The committer writes the attempt's end and row apart from the
	// worker, which starts its next job meanwhile; once recordingPerWorker
	// attempts per worker are waiting, the worker waits too.
	p := &pending{ended: e, done: make(chan struct{})}
	r.recording <- struct{}{}
	r.commits <- p
	return e.status, p.done
}

// start runs the attempt's process, noting it in the journal.
func (r *Runner) start(ctx context.Context, job pool.Job, attempt int, files attemptFiles, grant resources.Grant) process.Ending {
	seed := strconv.FormatUint(r.sweep.Seed(job.ID), 10)
	stdout := r.outputLines(job.ID, logs.StreamStdout)
	stderr := r.outputLines(job.ID, logs.StreamStderr)
	journal := r.files.journal
	pid := 0
	env, unique := r.environ(job, seed, attempt, files, grant)
	journal.Starting(job.ID)
	out := process.Run(ctx, process.Spec{
		Args:      r.command(job, seed, attempt, grant),
		LookPath:  r.programs.LookPath,
		Dir:       r.sweep.Config.Dir,
		Env:       env,
		EnvUnique: unique,
		Stdin:     r.files.devNull,
		Stdout:    stdout,
		Stderr:    stderr,
		Timeout:   r.sweep.Config.Job.Timeout.Duration,
		Grace:     r.opts.KillGrace,
		Hard:      r.opts.Hard,
		Started:   func(p int, start process.StartSpan) { pid = p; journal.Started(job.ID, p, start) },
	})
	r.envDone(env)
	if pid != 0 {
		journal.Ended(pid)
	}
	stdout.Close()
	stderr.Close()
	return out
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

func joinReasons(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
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
