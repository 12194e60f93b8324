package runner

import (
	"math/bits"

	"github.com/jobsplit/jobsplit/results"
)

// readDone sorts the share into jobs to run and jobs earlier runs finished.
func (r *Runner) readDone() error {
	done, err := results.ReadDone(r.paths.ResultsFile(r.opts.Machine), r.sweep.Pool)
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
