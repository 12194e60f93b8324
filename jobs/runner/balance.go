package runner

import (
	"time"

	"github.com/jobsplit/jobsplit/balance"
)

// Balance says where a run shares its work with the other hosts' runs.
type Balance struct {
	// Dir is the folder every host can read and write; "" runs the
	// static share only.
	Dir string
	// Lease is how long a host's heartbeat may stand still before the
	// others presume it dead; 0 means balance's default (60s).
	Lease time.Duration
}

// joinBalance enters the sweep's state in the balance folder: every
// machine's share as the plan cuts it, with their weights and costs, and
// marks done the jobs this machine's results file already closes.
func (r *Runner) joinBalance() (*balance.Balancer, error) {
	s := r.sweep
	shares := make([]balance.Share, len(s.Plan.Shares))
	for k, share := range s.Plan.Shares {
		m, _ := s.Machines.Find(share.Machine)
		weight, _ := m.Weight().Float64()
		bs := balance.Share{Machine: share.Machine, Weight: weight, Jobs: make([]string, len(share.Jobs))}
		if s.Costs != nil {
			bs.Costs = make([]float64, len(share.Jobs))
		}
		for n, i := range share.Jobs {
			bs.Jobs[n] = s.Pool.Job(int(i)).ID
			if s.Costs != nil {
				bs.Costs[n] = s.Costs[i]
			}
		}
		shares[k] = bs
	}
	b, err := balance.Join(r.opts.Balance.Dir, s.Plan.Digest.String(), r.opts.Machine, shares,
		balance.Options{Lease: r.opts.Balance.Lease, Warn: r.events.Warning})
	if err != nil {
		return nil, err
	}
	if closed := r.closedIDs(); len(closed) > 0 {
		if err := b.Done(closed...); err != nil {
			b.Close()
			return nil, err
		}
	}
	return b, nil
}
