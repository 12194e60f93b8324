package jobs

import "github.com/jobsplit/jobsplit/results"

// ResultsPlan is the plan as collect-results sees it: the digest every row
// must carry and every planned job with its machine, in plan order.
func (s *Sweep) ResultsPlan() results.Plan {
	p := results.Plan{Digest: s.ResultDigest(), Params: s.Pool.Columns}
	p.Jobs = make([]results.PlannedJob, 0, s.Pool.Len())
	for _, share := range s.Plan.Shares {
		for _, i := range share.Jobs {
			job := s.Pool.Job(int(i))
			p.Jobs = append(p.Jobs, results.PlannedJob{ID: job.ID, Machine: share.Machine, Params: job.Values})
		}
	}
	return p
}

// ResultDigest is the digest written in every result row: the sweep's. A
// re-plan of a sweep's missing jobs (a pool written by collect-results
// --missing) plans with a digest of its own, but its rows carry the
// original sweep's, so that one collect joins both runs.
func (s *Sweep) ResultDigest() string {
	if s.Pool.Parent != "" {
		return s.Pool.Parent
	}
	return s.Plan.Digest.String()
}

// MissingHeader is the first line of a pool of missing jobs: it names the
// sweep they belong to.
func (s *Sweep) MissingHeader() string {
	return "# jobsplit: re-plan of digest " + s.ResultDigest() + "\n"
}
