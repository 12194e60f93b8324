package jobs

import (
	"slices"
	"sync"

	"github.com/jobsplit/jobsplit/jobs/pool"
	"github.com/jobsplit/jobsplit/results"
	"github.com/jobsplit/jobsplit/split"
)

// ResultsPlan is the plan as collect-results sees it: the digest every row
// must carry and every planned job with its machine, in plan order, read
// from the pool and the plan without copying them.
func (s *Sweep) ResultsPlan() results.Plan {
	p := &planJobs{pool: s.Pool, shares: s.Plan.Shares, starts: make([]int, len(s.Plan.Shares)+1)}
	for k, share := range s.Plan.Shares {
		p.starts[k+1] = p.starts[k] + len(share.Jobs)
	}
	return results.Plan{Digest: s.ResultDigest(), Params: s.Pool.Columns, Source: p}
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

// MissingParent is the content of the parent file written beside a pool of
// this sweep's missing jobs (see ParentFile): it names the sweep they
// belong to.
func (s *Sweep) MissingParent() string {
	return pool.ParentFileText(s.ResultDigest())
}

// planJobs gives collect-results the planned jobs where the sweep holds
// them: plan order is the shares in machines order, each in run order.
type planJobs struct {
	pool   *pool.Pool
	shares []split.Share
	starts []int // plan position of each share's first job
	// atPool is the plan position of each pool job, -1 for a job not
	// planned: made once, on the first ScanLen.
	atPool     []int32
	atPoolOnce sync.Once
}

func (p *planJobs) Len() int { return p.starts[len(p.starts)-1] }

// locate returns job j's share and its index in the pool.
func (p *planJobs) locate(j int) (*split.Share, int) {
	k, found := slices.BinarySearch(p.starts, j)
	if !found {
		k--
	}
	for len(p.shares[k].Jobs) == 0 { // an empty share starts where the next does
		k++
	}
	return &p.shares[k], int(p.shares[k].Jobs[j-p.starts[k]])
}

func (p *planJobs) AppendID(dst []byte, j int) []byte {
	_, i := p.locate(j)
	return p.pool.AppendID(dst, i)
}

func (p *planJobs) Machine(j int) string {
	share, _ := p.locate(j)
	return share.Machine
}

func (p *planJobs) Params(j int) []string {
	_, i := p.locate(j)
	return p.pool.Job(i).Values
}

// ScanLen is the number of pool jobs: ScanID reads the plan's ids in the
// pool's order, one after the other in memory, where reading them by
// plan position jumps about the pool, a few cache misses an id.
func (p *planJobs) ScanLen() int {
	p.atPoolOnce.Do(func() {
		p.atPool = make([]int32, p.pool.Len())
		for i := range p.atPool {
			p.atPool[i] = -1
		}
		for k, share := range p.shares {
			for n, i := range share.Jobs {
				p.atPool[i] = int32(p.starts[k] + n)
			}
		}
	})
	return len(p.atPool)
}

// ScanID appends the id of pool job i to dst and returns it with the
// job's plan position, or dst and -1 when the plan does not hold it.
// ScanLen must have been called first.
func (p *planJobs) ScanID(dst []byte, i int) ([]byte, int) {
	j := int(p.atPool[i])
	if j < 0 {
		return dst, -1
	}
	return p.pool.AppendID(dst, i), j
}

// AppendIDs appends the ids of the jobs from plan position lo to hi to
// dst, appending to ends where each ends: a share's jobs at once, whose
// reads of the pool overlap.
func (p *planJobs) AppendIDs(dst []byte, ends []int, lo, hi int) ([]byte, []int) {
	for k := range p.shares {
		from, to := max(lo, p.starts[k]), min(hi, p.starts[k+1])
		if from < to {
			dst, ends = p.pool.AppendIDs(dst, ends, p.shares[k].Jobs[from-p.starts[k]:to-p.starts[k]])
		}
	}
	return dst, ends
}
