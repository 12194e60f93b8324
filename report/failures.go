package report

import (
	"cmp"
	"slices"
)

// failureGroups groups the jobs that are not ok (their attempt that counts)
// by status and exit code, with a few examples and their last stderr lines.
func (r *Report) failureGroups() {
	a := &r.att
	type key struct {
		status uint8
		exit   int32
	}
	at := make(map[key]int)
	groups := []FailureGroup{}
	for _, k := range r.final {
		if k < 0 || a.status[k] == stOK {
			continue
		}
		g := key{a.status[k], a.exit[k]}
		n, seen := at[g]
		if !seen {
			n = len(groups)
			at[g] = n
			groups = append(groups, FailureGroup{Status: statusNames[g.status], ExitCode: int(g.exit), Examples: []JobExample{}})
		}
		groups[n].Count++
		if len(groups[n].Examples) < examplesShown {
			e := r.example(int(k))
			e.Stderr = r.found.tails[attemptKey{machine: e.Machine, job: e.Job, attempt: e.Attempt}]
			groups[n].Examples = append(groups[n].Examples, e)
		}
	}
	slices.SortStableFunc(groups, func(x, y FailureGroup) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Status, y.Status), cmp.Compare(x.ExitCode, y.ExitCode))
	})
	r.fig.Failures = groups
}

// throughput counts ok attempts per machine by the time bin they ended in.
func (r *Report) throughput() {
	a, f := &r.att, &r.fig
	t := Throughput{Machines: []MachineCounter{}}
	if a.len() == 0 {
		f.Throughput = t
		return
	}
	first, last := a.start[0], a.end(0)
	for i := range a.len() {
		first, last = min(first, a.start[i]), max(last, a.end(i))
	}
	bin := niceStep((last - first + throughputBins - 1) / throughputBins)
	nbins := int((last-first)/bin) + 1
	t.BinS = seconds(bin)
	counts := make([][]int, len(r.machineNames))
	for i := range a.len() {
		if a.status[i] != stOK {
			continue
		}
		m := a.machine[i]
		if counts[m] == nil {
			counts[m] = make([]int, nbins)
		}
		counts[m][(a.end(i)-first)/bin]++
	}
	for m, c := range counts {
		if c != nil {
			t.Machines = append(t.Machines, MachineCounter{Name: r.machineNames[m], Counts: c})
		}
	}
	f.Throughput = t
}

// niceStep rounds a bin width in milliseconds up to 1, 2 or 5 times a power
// of ten, so that the bins read as 200ms, 5s, 10m...
func niceStep(ms int64) int64 {
	for step := int64(1); ; step *= 10 {
		for _, k := range []int64{1, 2, 5} {
			if k*step >= ms {
				return k * step
			}
		}
	}
}
