package jobs

import "github.com/jobsplit/jobsplit/results"

// ResultsPlan is the plan as collect-results sees it: the digest every row
// must carry and every planned job with its machine, in plan order.
func (s *Sweep) ResultsPlan() results.Plan {
	p := results.Plan{Digest: s.Plan.Digest.String(), Params: s.Pool.Columns}
	p.Jobs = make([]results.PlannedJob, 0, s.Pool.Len())
	for _, share := range s.Plan.Shares {
		for _, i := range share.Jobs {
			job := s.Pool.Job(int(i))
			p.Jobs = append(p.Jobs, results.PlannedJob{ID: job.ID, Machine: share.Machine, Params: job.Values})
		}
	}
	return p
}

// ResultsDir is the config's results directory.
func (s *Sweep) ResultsDir() string { return s.Config.Resolve(s.Config.Results.Dir, "results") }

// LogsDir is the config's logs directory.
func (s *Sweep) LogsDir() string { return s.Config.Resolve(s.Config.Logs.Dir, "logs") }
