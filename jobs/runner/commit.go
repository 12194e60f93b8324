package runner

import (
	"fmt"
	"time"

	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
)

// pending is a finished attempt on its way to disk; done closes once its
// row is on disk or the run stopped without it.
type pending struct {
	ended
	done chan struct{}
}

// gatherWindow is how long the committer waits for more finished attempts
// to share a commit with the first one waiting. Syncs cost the run more
// than anything else it does per job, and a commit costs two (the log's,
// then the results'); a row reaches the disk this much later at most, and
// recordingPerWorker bounds the jobs that start meanwhile. At 10 ms, 10k
// short jobs on two workers shared a commit by 13 on average; at 40 ms,
// by 37, which took about 8% off jobsplit's own time per job.
const gatherWindow = 40 * time.Millisecond

// commitLoop commits the finished attempts that arrive on in, until in is
// closed; the returned channel closes then. Each commit takes the attempts
// that arrived until gatherWindow after the first of them, or until as
// many as may wait at once (recordingPerWorker per worker) are there, so
// that the workers never wait for a commit that is only gathering: they
// share one gzip member and one sync of the log, then one sync of the
// results file.
func (r *Runner) commitLoop(in <-chan *pending) <-chan struct{} {
	stopped := make(chan struct{})
	limit := cap(r.recording)
	go func() {
		defer close(stopped)
		batch := make([]*pending, 0, limit)
		window := time.NewTimer(gatherWindow)
		window.Stop()
		for first := range in {
			batch = append(batch[:0], first)
			window.Reset(gatherWindow)
		gather:
			for len(batch) < limit {
				select {
				case p, ok := <-in:
					if !ok {
						break gather
					}
					batch = append(batch, p)
				case <-window.C:
					break gather
				}
			}
			window.Stop()
			r.commit(batch)
		}
	}()
	return stopped
}

// commit makes a group of finished attempts durable: their ends go into
// the log, the log is made durable (every record of each job, from
// job_start to job_end, on disk), and only then are their rows written and
// synced; a job counts as done once its row is on disk. A log or a results
// file that cannot be written stops the run, and its jobs have no row:
// they run again next time.
func (r *Runner) commit(batch []*pending) {
	all := batch // batch shrinks below to the attempts whose rows were written
	defer func() {
		for _, p := range all {
			close(p.done)
			<-r.recording
		}
	}()
	log := r.files.log
	for _, p := range batch {
		_ = log.JobEnd(logs.JobEnd{
			Job: p.job.ID, Attempt: p.attempt, Status: string(p.status),
			ExitCode: p.out.ExitCode, Duration: p.out.Duration, Error: p.reason,
		})
	}
	if err := log.Commit(); err != nil {
		r.lost(batch, err)
		return
	}
	rows := make([]results.Row, len(batch))
	for k, p := range batch {
		rows[k] = r.row(p.ended)
	}
	if written, err := r.files.results.WriteRows(rows); err != nil {
		r.lost(batch[written:], err)
		batch = batch[:written]
	}
	for _, p := range batch {
		if r.balancer != nil && p.final && p.status != results.StatusInterrupted {
			// The job is closed for every host: its row is on disk.
			if err := r.balancer.Done(p.job.ID); err != nil {
				r.stop(fmt.Errorf("balance folder %s: %w", r.opts.Balance.Dir, err))
			}
		}
		r.tally.jobEnded(p.job.ID, p.status, p.reason)
		r.events.JobEnded(JobEnd{
			Job: p.job.ID, Attempt: p.attempt, Status: p.status, ExitCode: p.out.ExitCode,
			Duration: p.out.Duration, Reason: p.reason, Final: p.final,
		})
	}
}

// lost counts attempts whose rows could not be written as interrupted (they
// run again) and stops the run.
func (r *Runner) lost(batch []*pending, err error) {
	for _, p := range batch {
		r.tally.jobEnded(p.job.ID, results.StatusInterrupted, "")
	}
	r.stop(err)
}

// row is a finished attempt's results row.
func (r *Runner) row(e ended) results.Row {
	row := results.Row{
		JobID: e.job.ID, Machine: r.opts.Machine, Status: e.status, ExitCode: e.out.ExitCode,
		Attempt: e.attempt, StartedAt: e.out.Started, Duration: e.out.Duration,
		Digest: r.digest, Params: e.job.Values, Results: e.cells,
	}
	if r.files.planned {
		if row.Results == nil {
			row.Results = make([]string, len(r.sweep.Config.Results.Columns))
		}
		row.Results = append(row.Results, e.planned)
	}
	return row
}
