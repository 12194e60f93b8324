package jobs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jobsplit/jobsplit/jobs/resources"
	"github.com/jobsplit/jobsplit/machines"
)

// NeedTable holds every job's needs and priority by index in id order.
// Jobs that need the same share one kind, so that a table of millions of
// jobs costs four bytes a job when the needs vary by job, eight more
// when priorities do, and nothing when the config fixes them.
type NeedTable struct {
	// Kinds are the distinct needs, in order of first appearance by id.
	Kinds []resources.Needs
	// kindOf is each job's index into Kinds; nil when every job is of
	// kind 0.
	kindOf []uint32
	// priority is each job's priority; nil when every job has fixed.
	priority []int64
	fixed    int64
}

// Kind is job i's index into Kinds.
func (t *NeedTable) Kind(i int) int {
	if t.kindOf == nil {
		return 0
	}
	return int(t.kindOf[i])
}

// Needs is what job i holds while it runs.
func (t *NeedTable) Needs(i int) resources.Needs { return t.Kinds[t.Kind(i)] }

// Priority is job i's priority: higher runs first.
func (t *NeedTable) Priority(i int) int64 {
	if t.priority == nil {
		return t.fixed
	}
	return t.priority[i]
}

// HasPriorities reports whether any job's priority differs from 0.
func (t *NeedTable) HasPriorities() bool { return t.priority != nil || t.fixed != 0 }

// Uniform reports whether every job needs the same and has the same
// priority: the jobs then start in run order, one kind waiting for room.
func (t *NeedTable) Uniform() bool { return len(t.Kinds) <= 1 && t.priority == nil }

// Used reports whether the sweep needs anything but one core a job, or
// orders jobs by priority: only then do needs enter the digest and the
// split, so that a sweep without them plans exactly as before.
func (t *NeedTable) Used() bool {
	return t.HasPriorities() || slices.ContainsFunc(t.Kinds, func(n resources.Needs) bool { return !n.IsDefault() })
}

// NeedError is a job whose need in the pool is not a valid one.
type NeedError struct {
	File    string
	Job     string
	Column  string
	Problem string
}

func (e *NeedError) Error() string {
	return fmt.Sprintf("%s: job %q: column %q: %s", e.File, e.Job, e.Column, e.Problem)
}

// loadNeeds checks the needs the config sets against the pool and the
// machines, and reads each job's. Without placeholders it reads no row.
func (s *Sweep) loadNeeds() (*NeedTable, error) {
	cfg := s.Config
	specs := cfg.needs
	base := resources.Default()
	base.Memory = cfg.Job.Memory.Bytes
	t := &NeedTable{}
	var perJob []needSpec
	for _, spec := range specs {
		if spec.column != "" {
			if !slices.Contains(s.Pool.Columns, spec.column) {
				return nil, &ConfigError{File: cfg.Name, Line: spec.line, Problem: fmt.Sprintf("[job] %s: placeholder {%s} names no column of %s; the columns are %s",
					spec.name, spec.column, s.Pool.Source, strings.Join(s.Pool.Columns, ", "))}
			}
			perJob = append(perJob, spec)
			continue
		}
		if spec.kind == needPriority {
			t.fixed = spec.fixed
			continue
		}
		setNeed(&base, spec, spec.fixed)
	}
	for _, spec := range specs {
		// Shards are uniform nodes whose resources the scheduler grants.
		if spec.kind == needResource && s.Shards == 0 && !anyMachineHas(s.Machines, spec.resource) {
			return nil, &ConfigError{File: cfg.Name, Line: spec.line, Problem: fmt.Sprintf("[job] %s: no machine of %s has a resource %q", spec.name, s.MachinesPath, spec.resource)}
		}
	}
	t.Kinds = []resources.Needs{normalize(base)}
	if len(perJob) == 0 {
		return t, nil
	}
	return t, s.readJobNeeds(t, base, perJob)
}

// readJobNeeds reads the needs that placeholders take from each job's row.
func (s *Sweep) readJobNeeds(t *NeedTable, base resources.Needs, perJob []needSpec) error {
	n := s.Pool.Len()
	columns := make([]int, len(perJob))
	varyKinds := false
	for k, spec := range perJob {
		columns[k] = slices.Index(s.Pool.Columns, spec.column)
		if spec.kind == needPriority {
			t.priority = make([]int64, n)
		} else {
			varyKinds = true
		}
	}
	if varyKinds {
		t.kindOf = make([]uint32, n)
		t.Kinds = t.Kinds[:0]
	}
	// Values repeat: parse each distinct text once per need.
	parsed := make([]map[string]int64, len(perJob))
	for k := range parsed {
		parsed[k] = map[string]int64{}
	}
	kindIndex := map[string]uint32{}
	var key []byte
	for i := range n {
		job := s.Pool.Job(i)
		needs := base
		needs.Resources = slices.Clone(base.Resources)
		for k, spec := range perJob {
			text := strings.TrimSpace(job.Values[columns[k]])
			v, ok := parsed[k][text]
			if !ok {
				var problem string
				if v, problem = parseNeed(spec.kind, text); problem != "" {
					return &NeedError{File: s.Pool.Source, Job: job.ID, Column: spec.column, Problem: problem}
				}
				parsed[k][text] = v
			}
			if spec.kind == needPriority {
				t.priority[i] = v
				continue
			}
			setNeed(&needs, spec, v)
		}
		if !varyKinds {
			continue
		}
		needs = normalize(needs)
		key = needsKey(key[:0], needs)
		kind, ok := kindIndex[string(key)]
		if !ok {
			kind = uint32(len(t.Kinds))
			kindIndex[string(key)] = kind
			t.Kinds = append(t.Kinds, needs)
		}
		t.kindOf[i] = kind
	}
	if n == 0 && varyKinds {
		t.Kinds = []resources.Needs{normalize(base)}
	}
	// Columns that hold one value for every job cost nothing from here on,
	// and a priority column of zeros is no priority at all.
	if len(t.Kinds) == 1 {
		t.kindOf = nil
	}
	if t.priority != nil && !slices.ContainsFunc(t.priority, func(p int64) bool { return p != t.priority[0] }) {
		if len(t.priority) > 0 {
			t.fixed = t.priority[0]
		}
		t.priority = nil
	}
	return nil
}

// setNeed sets one need in n.
func setNeed(n *resources.Needs, spec needSpec, v int64) {
	switch spec.kind {
	case needCores:
		n.Cores = int(v)
	case needGPUs:
		n.GPUs = int(v)
	case needResource:
		n.Resources = append(n.Resources, resources.Amount{Name: spec.resource, Count: int(v)})
	}
}

// normalize drops resources needed 0 times and sorts the rest by name,
// so that equal needs compare and encode alike.
func normalize(n resources.Needs) resources.Needs {
	n.Resources = slices.DeleteFunc(slices.Clone(n.Resources), func(a resources.Amount) bool { return a.Count == 0 })
	slices.SortFunc(n.Resources, func(a, b resources.Amount) int { return strings.Compare(a.Name, b.Name) })
	if len(n.Resources) == 0 {
		n.Resources = nil
	}
	return n
}

// needsKey encodes needs for finding equal ones.
func needsKey(dst []byte, n resources.Needs) []byte {
	dst = strconv.AppendInt(dst, int64(n.Cores), 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(n.GPUs), 10)
	for _, a := range n.Resources {
		dst = append(dst, ' ')
		dst = append(dst, a.Name...)
		dst = append(dst, '=')
		dst = strconv.AppendInt(dst, int64(a.Count), 10)
	}
	return dst
}

func anyMachineHas(list machines.List, resource string) bool {
	return slices.ContainsFunc(list, func(m machines.Machine) bool {
		r, ok := m.Resource(resource)
		return ok && r.Count > 0
	})
}
