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

// ResultsDir is the config's results directory, to read: relative when
// the config was named by a relative path.
func (s *Sweep) ResultsDir() string { return s.Config.Input(s.Config.Results.Dir, "results") }

// LogsDir is the config's logs directory.
func (s *Sweep) LogsDir() string { return s.Config.Resolve(s.Config.Logs.Dir, "logs") }

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

// MissingParent is the content of the parent file written beside a pool of
// this sweep's missing jobs (see ParentFile): it names the sweep they
// belong to.
func (s *Sweep) MissingParent() string {
	return ParentFileText(s.ResultDigest())
}
