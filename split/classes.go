package split

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"sort"
)

// VersionNeeds is the digest version of a sweep whose jobs need more than
// one core or have priorities: its encoding also covers each job's needs
// and priority and each machine's capacity. A sweep without them keeps
// Version and plans exactly as before.
const VersionNeeds = 2

// Classes tell the split which machines may run which jobs. Jobs of one
// class can run on the same machines; a machine's weight for a class is
// perf x how many of the class's jobs it holds at once (its bounding
// resource), 0 when it cannot run them.
type Classes struct {
	// Of returns job i's class.
	Of func(job int) int
	// Weights[c][b] is bin b's weight for class c.
	Weights [][]*big.Rat
	// Priority returns job i's priority, higher first; nil when every job
	// has the same.
	Priority func(job int) int64
}

// MakeClassed plans n jobs onto bins like Make, but each job only onto the
// bins of its class, in proportion to the class's weights. Within each
// share jobs run by priority, higher first, then in plan order (shuffle
// order; for the cost strategy longest first, so that its bound holds
// within each priority level).
func MakeClassed(digest Digest, n int, bins []Bin, strategy Strategy, costs []float64, classes Classes) (*Plan, error) {
	if len(bins) == 0 {
		return nil, fmt.Errorf("no machines to plan onto")
	}
	for c, w := range classes.Weights {
		if len(w) != len(bins) || !slices.ContainsFunc(w, func(r *big.Rat) bool { return r.Sign() > 0 }) {
			return nil, fmt.Errorf("class %d: no machine can run its jobs", c)
		}
	}
	p := &Plan{Digest: digest, Strategy: strategy, Total: n, Shares: make([]Share, len(bins)), Classes: len(classes.Weights)}
	for i, b := range bins {
		p.Shares[i] = Share{Machine: b.Name, Weight: b.Weight, PerClass: make([]int, p.Classes)}
	}
	order := Shuffle(n, digest)
	members := make([][]int32, p.Classes)
	for _, job := range order {
		c := classes.Of(int(job))
		members[c] = append(members[c], job)
	}
	switch strategy {
	case Proportional:
		// Each class is cut like a plan of its own; the shares then take
		// their jobs in plan order, which the classes' cuts interleave.
		machineOf := make([]int32, n)
		for c, jobs := range members {
			capable, sub := capableBins(bins, classes.Weights[c])
			counts := Apportion(len(jobs), sub)
			at := 0
			for k, b := range capable {
				for _, job := range jobs[at : at+counts[k]] {
					machineOf[job] = int32(b)
				}
				p.Shares[b].PerClass[c] += counts[k]
				at += counts[k]
			}
		}
		for i := range p.Shares {
			total := 0
			for _, count := range p.Shares[i].PerClass {
				total += count
			}
			p.Shares[i].Jobs = make([]int32, 0, total)
		}
		for _, job := range order {
			share := &p.Shares[machineOf[job]]
			share.Jobs = append(share.Jobs, job)
		}
	case Cost:
		if len(costs) != n {
			return nil, fmt.Errorf("cost strategy: %d costs for %d jobs", len(costs), n)
		}
		p.Ideal = assignClassesByCost(p.Shares, bins, order, costs, classes, members)
	default:
		return nil, fmt.Errorf("unknown strategy %q", strategy)
	}
	if classes.Priority != nil {
		for i := range p.Shares {
			byPriority(p.Shares[i].Jobs, classes.Priority)
		}
	}
	return p, nil
}

// byPriority sorts jobs by priority, higher first, keeping the order of
// jobs of equal priority.
func byPriority(jobs []int32, priority func(int) int64) {
	type ranked struct {
		priority int64
		job      int32
	}
	keyed := make([]ranked, len(jobs))
	for k, job := range jobs {
		keyed[k] = ranked{priority(int(job)), job}
	}
	slices.SortStableFunc(keyed, func(a, b ranked) int { return cmp.Compare(b.priority, a.priority) })
	for k := range keyed {
		jobs[k] = keyed[k].job
	}
}

// capableBins lists the bins of a class and themselves with the class's
// weights.
func capableBins(bins []Bin, weights []*big.Rat) ([]int, []Bin) {
	var idx []int
	var sub []Bin
	for b, w := range weights {
		if w.Sign() > 0 {
			idx = append(idx, b)
			sub = append(sub, Bin{Name: bins[b].Name, Weight: w, Perf: bins[b].Perf})
		}
	}
	return idx, sub
}

// assignClassesByCost gives jobs, longest first, to the capable share
// whose expected finish grows least. A job of cost c adds c over the
// machine's weight for its class to the machine's time for that class; the
// classes run side by side (GPU jobs on the GPUs, CPU jobs on the cores),
// so a machine's expected finish is its longest class time. It
// returns a lower bound of the makespan: the slowest class alone on its
// machines, or the longest job on its fastest machine.
func assignClassesByCost(shares []Share, bins []Bin, order []int32, costs []float64, classes Classes, members [][]int32) float64 {
	byCost := slices.Clone(order)
	sort.SliceStable(byCost, func(a, b int) bool { return costs[byCost[a]] > costs[byCost[b]] })
	weights := make([][]float64, len(classes.Weights))
	for c, ws := range classes.Weights {
		weights[c] = make([]float64, len(bins))
		for b, w := range ws {
			weights[c][b], _ = w.Float64()
		}
	}
	perfs := make([]float64, len(bins))
	for b, bin := range bins {
		perfs[b], _ = bin.Perf.Float64()
	}
	// times[b][c] is bin b's time for its jobs of class c; finish[b] the
	// longest of them.
	times := make([][]float64, len(bins))
	for b := range times {
		times[b] = make([]float64, len(classes.Weights))
	}
	finishes := make([]float64, len(bins))
	longestOn := make([]float64, len(bins))
	var ideal float64
	for _, job := range byCost {
		c, class := costs[job], classes.Of(int(job))
		best, bestFinish, fastest := -1, 0.0, 0.0
		for b := range bins {
			w := weights[class][b]
			if w == 0 {
				continue
			}
			fastest = max(fastest, perfs[b])
			finish := max(finishes[b], times[b][class]+c/w, max(longestOn[b], c)/perfs[b])
			if best < 0 || finish < bestFinish {
				best, bestFinish = b, finish
			}
		}
		times[best][class] += c / weights[class][best]
		finishes[best] = max(finishes[best], times[best][class])
		longestOn[best] = max(longestOn[best], c)
		shares[best].Jobs = append(shares[best].Jobs, job)
		shares[best].PerClass[class]++
		ideal = max(ideal, c/fastest)
	}
	for b := range shares {
		shares[b].Finish = max(finishes[b], longestOn[b]/perfs[b])
	}
	for c, jobs := range members {
		var total, weight float64
		for _, job := range jobs {
			total += costs[job]
		}
		for _, w := range weights[c] {
			weight += w
		}
		ideal = max(ideal, total/weight)
	}
	return ideal
}
