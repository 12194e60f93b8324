package runner

import (
	"math/bits"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/results"
)

// ReadAhead is a machine's results file being read before its run's New,
// as soon as the results folder and the machine are known: reading a
// million rows is about as long as loading the pool, and the two need
// nothing of each other. New takes what it read when it is the file of
// the run's machine and the file is unchanged once New holds the
// machine's lock; else New reads the file again. A read New does not take
// (no share to run, an error before) goes on to its end and is dropped.
type ReadAhead struct {
	path string
	done chan struct{} // closed once scan and err are set
	scan *results.DoneScan
	err  error
}

// StartReadAhead starts reading the results file of machine in the
// sweep's results folder.
func StartReadAhead(paths jobs.Paths, machine string) *ReadAhead {
	a := &ReadAhead{path: paths.Abs().ResultsFile(machine), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.scan, a.err = results.ScanDone(a.path)
	}()
	return a
}

// scanDone reads the machine's results file, or takes the read ahead when
// it still holds: the lock is held, so the file only changes now if it
// changed before.
func (r *Runner) scanDone() (*results.DoneScan, error) {
	path := r.paths.ResultsFile(r.opts.Machine)
	if a := r.opts.ReadAhead; a != nil && a.path == path {
		<-a.done
		// A read not taken must not stay in memory for the whole run.
		scan := a.scan
		a.scan = nil
		if a.err == nil && scan.Unchanged() {
			return scan, nil
		}
	}
	return results.ScanDone(path)
}

// readDone sorts the share into jobs to run and jobs earlier runs finished.
func (r *Runner) readDone() error {
	scan, err := r.scanDone()
	if err != nil {
		return err
	}
	done, err := scan.Join(r.sweep.Pool)
	if err != nil {
		return err
	}
	// Rows of another sweep (the pool or the command changed since) are
	// not this sweep's work: counting them done would skip jobs never run.
	if err := done.CheckDigest(r.digest); err != nil && !r.opts.AllowMixed {
		return err
	}
	r.done = done
	// A re-plan (a pool of missing jobs) lists the jobs to get done,
	// failed ones included: the user listed them to run them.
	retryFailed := r.opts.RetryFailed || r.sweep.Pool.Parent != ""
	// Only a balanced run needs the closed jobs (to tell the folder).
	balanced := r.opts.Balance.Dir != ""
	if balanced {
		r.closed = make([]uint64, (r.sweep.Pool.Len()+63)/64)
	}
	for _, i := range r.share.Jobs {
		closed := true
		switch done.Status(int(i)) {
		case "", results.StatusInterrupted:
			closed = false
		case results.StatusOK:
			r.skipped++
		default:
			if retryFailed {
				closed = false
				break
			}
			r.skipped++
			r.earlierFailed = append(r.earlierFailed, r.sweep.Pool.ID(int(i)))
		}
		if !closed {
			r.pending = append(r.pending, i)
		} else if balanced {
			r.closed[i/64] |= 1 << (i % 64)
		}
	}
	return nil
}

// lastAttempt is job i's latest attempt number in earlier runs, 0 if none.
func (r *Runner) lastAttempt(i int32) int {
	if r.done == nil {
		return 0
	}
	return r.done.LastAttempt(int(i))
}

// isClosed reports whether an earlier run closed job i of the share.
func (r *Runner) isClosed(i int32) bool {
	return r.closed != nil && r.closed[i/64]&(1<<(i%64)) != 0
}

// closedIDs lists the ids of the jobs of the share earlier runs closed, in
// pool order.
func (r *Runner) closedIDs() []string {
	var ids []string
	for w, word := range r.closed {
		for ; word != 0; word &= word - 1 {
			ids = append(ids, r.sweep.Pool.ID(w*64+bits.TrailingZeros64(word)))
		}
	}
	return ids
}
