package jobs

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/jobsplit/jobsplit/jobs/resources"
	"github.com/jobsplit/jobsplit/machines"
	"github.com/jobsplit/jobsplit/split"
)

// JobClass is a class of jobs by the machines that can run them.
type JobClass struct {
	// Widest is the most of each need among the class's jobs.
	Widest resources.Needs
	// Machines are the indices of the machines that can run the class.
	Machines []int
	// total is what the class's jobs need together, per resource: the
	// resource a machine runs out of first bounds its share of them.
	total needTotal
}

// needTotal sums needs in 64 bits, which millions of jobs fit also on
// 32-bit hosts.
type needTotal struct {
	count       int64
	cores, gpus int64
	resources   map[string]int64
}

func (t *needTotal) add(n resources.Needs, times int64) {
	t.count += times
	t.cores += int64(n.Cores) * times
	t.gpus += int64(n.GPUs) * times
	for _, a := range n.Resources {
		if t.resources == nil {
			t.resources = map[string]int64{}
		}
		t.resources[a.Name] += int64(a.Count) * times
	}
}

// weight is m's weight for a class that needs t in total: perf x how
// many of the class's average job m holds at once, by the resource that
// bounds it (16 cores hold 4 four-core jobs; 3 GPUs 1.5 two-GPU jobs).
// For jobs of one core and nothing else it is perf x cores, as without
// needs.
func (t needTotal) weight(m machines.Machine) *big.Rat {
	count := max(t.count, 1)
	ratio := big.NewRat(int64(m.Cores)*count, max(t.cores, 1))
	bound := func(have, need int64) {
		if need > 0 {
			if r := big.NewRat(have*count, need); r.Cmp(ratio) < 0 {
				ratio = r
			}
		}
	}
	bound(int64(len(m.GPUs))*resources.GPUUnit, t.gpus)
	for name, need := range t.resources {
		r, _ := m.Resource(name)
		bound(int64(r.Count), need)
	}
	return ratio.Mul(ratio, m.Perf)
}

// Label names a class in plan's output by its widest needs.
func (c JobClass) Label() string { return "up to " + c.Widest.String() }

// CapableError is a job that no machine can run alone.
type CapableError struct {
	Job      string
	Needs    resources.Needs
	Machines string
	Largest  machines.Machine
}

func (e *CapableError) Error() string {
	return fmt.Sprintf("job %q needs %s: no machine of %s can run it; the largest is %s (%s)",
		e.Job, e.Needs, e.Machines, e.Largest.Name, describeMachine(e.Largest))
}

func describeMachine(m machines.Machine) string {
	parts := []string{fmt.Sprintf("%d cores", m.Cores)}
	if len(m.GPUs) > 0 {
		parts = append(parts, fmt.Sprintf("%d gpus", len(m.GPUs)))
	}
	for _, r := range m.Resources {
		parts = append(parts, fmt.Sprintf("%s %d", r.Name, r.Count))
	}
	return strings.Join(parts, ", ")
}

// classify groups the needs kinds into classes by the machines that can
// run them, in order of first appearance; kindClass maps kind to class.
func (s *Sweep) classify() (classes []JobClass, kindClass []int, err error) {
	t := s.Needs
	kindClass = make([]int, len(t.Kinds))
	index := map[string]int{}
	for k, n := range t.Kinds {
		var capable []int
		var key strings.Builder
		for i, m := range s.Machines {
			// Shards are uniform nodes whose resources the scheduler
			// grants: each can run any job.
			if s.Shards > 0 || resources.CapacityOf(m).Fits(n) {
				capable = append(capable, i)
				fmt.Fprintf(&key, "%d,", i)
			}
		}
		if len(capable) == 0 {
			return nil, nil, s.incapable(k)
		}
		c, ok := index[key.String()]
		if !ok {
			c = len(classes)
			index[key.String()] = c
			classes = append(classes, JobClass{Widest: n, Machines: capable})
		} else {
			classes[c].Widest = widest(classes[c].Widest, n)
		}
		kindClass[k] = c
	}
	counts := make([]int64, len(t.Kinds))
	if t.kindOf == nil {
		counts[0] = int64(s.Pool.Len())
	}
	for _, k := range t.kindOf {
		counts[k]++
	}
	for k, n := range t.Kinds {
		classes[kindClass[k]].total.add(n, counts[k])
	}
	return classes, kindClass, nil
}

// incapable is the error for needs kind k that no machine can run: it
// names the kind's first job and the machine with the most cores.
func (s *Sweep) incapable(k int) error {
	job := ""
	for i := range s.Pool.Len() {
		if s.Needs.Kind(i) == k {
			job = s.Pool.ID(i)
			break
		}
	}
	largest := slices.MaxFunc(s.Machines, func(a, b machines.Machine) int {
		if a.Cores != b.Cores {
			return a.Cores - b.Cores
		}
		return len(a.GPUs) - len(b.GPUs)
	})
	return &CapableError{Job: job, Needs: s.Needs.Kinds[k], Machines: s.MachinesPath, Largest: largest}
}

// widest is the most of each need in a and b.
func widest(a, b resources.Needs) resources.Needs {
	out := resources.Needs{Cores: max(a.Cores, b.Cores), GPUs: max(a.GPUs, b.GPUs), Memory: max(a.Memory, b.Memory)}
	for _, r := range append(slices.Clone(a.Resources), b.Resources...) {
		if out.Resource(r.Name) == 0 {
			out.Resources = append(out.Resources, resources.Amount{Name: r.Name, Count: max(a.Resource(r.Name), b.Resource(r.Name))})
		}
	}
	return normalize(out)
}

// planClassed plans a sweep whose jobs have needs or priorities.
func (s *Sweep) planClassed(digest split.Digest) (*split.Plan, error) {
	classes, kindClass, err := s.classify()
	if err != nil {
		return nil, err
	}
	s.Classes = classes
	weights := make([][]*big.Rat, len(classes))
	for c, class := range classes {
		weights[c] = make([]*big.Rat, len(s.Machines))
		for i, m := range s.Machines {
			weights[c][i] = new(big.Rat)
			if !slices.Contains(class.Machines, i) {
				continue
			}
			if s.Shards > 0 {
				weights[c][i].SetInt64(1)
				continue
			}
			weights[c][i] = class.total.weight(m)
		}
	}
	t := s.Needs
	spec := split.Classes{Of: func(job int) int { return kindClass[t.Kind(job)] }, Weights: weights}
	if t.HasPriorities() {
		spec.Priority = t.Priority
	}
	return split.MakeClassed(digest, s.Pool.Len(), s.bins(), s.Strategy, s.Costs, spec)
}

// writeNeeds adds to the digest what decides a planned sweep with needs:
// each machine's capacity and each job's needs and priority, by id.
func (s *Sweep) writeNeeds(d *split.Digester) {
	d.String("capacity")
	for _, m := range s.Machines {
		d.Uint(uint64(m.Cores))
		d.Uint(uint64(len(m.GPUs)))
		for _, id := range m.GPUs {
			d.String(id)
		}
		d.Uint(uint64(len(m.Resources)))
		for _, r := range m.Resources {
			d.String(r.Name)
			d.Uint(uint64(r.Count))
		}
	}
	t := s.Needs
	d.String("needs")
	d.Uint(uint64(len(t.Kinds)))
	for _, n := range t.Kinds {
		d.Uint(uint64(n.Cores))
		d.Uint(uint64(n.GPUs))
		d.Uint(uint64(len(n.Resources)))
		for _, a := range n.Resources {
			d.String(a.Name)
			d.Uint(uint64(a.Count))
		}
	}
	d.String("jobs")
	for i := range s.Pool.Len() {
		d.Uint(uint64(t.Kind(i)))
		// Zig-zag, so that negative priorities stay short and distinct.
		p := t.Priority(i)
		d.Uint(uint64(p<<1) ^ uint64(p>>63))
	}
}
