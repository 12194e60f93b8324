package balance

import (
	"math"
	"sort"
)

// victim is a share to steal from, and the most cost this host should take
// from it: more than the owner would need to get there itself only makes
// the sweep end later.
type victim struct {
	share int
	left  float64 // the owner's estimated time left
	limit float64 // cost this host can run in that time; +Inf for a dead owner
}

// victims are the shares with unclaimed jobs, the one whose owner has the
// most estimated time left first. Time left is the owner's unclaimed and
// held work, by cost, over its rate: measured (cost finished per second)
// once it has finished jobs, its declared weight scaled to the measured
// rates before. An owner with no live incarnation (dead, or never started)
// has all the time in the world.
func (b *Balancer) victims() []victim {
	rate := make([]float64, len(b.shares))
	held := make([]float64, len(b.shares))
	live := make([]bool, len(b.shares))
	measured := make([]bool, len(b.shares))
	add := func(m int, doneJobs int, doneCost, busy, backlogCost float64) {
		live[m] = true
		held[m] += backlogCost
		if doneJobs > 0 && busy > 0 {
			rate[m] += doneCost / busy
			measured[m] = true
		}
	}
	add(b.self, b.doneJobs, b.doneCost, b.busySeconds(), 0)
	for _, inc := range b.incs {
		if inc.id == b.me || inc.heir != "" || inc.machine < 0 || inc.machine >= len(b.shares) || b.dead(inc) {
			continue
		}
		h := inc.info
		add(inc.machine, h.doneJobs, h.doneCost, h.busy, h.backlogCost)
	}
	// Declared weights in the unit of the measured rates.
	var sumRate, sumWeight float64
	for m, v := range b.shares {
		if measured[m] {
			sumRate += rate[m]
			sumWeight += v.weight
		}
	}
	scale := 1.0
	if sumRate > 0 && sumWeight > 0 {
		scale = sumRate / sumWeight
	}
	for m, v := range b.shares {
		if live[m] && !measured[m] {
			rate[m] = v.weight * scale
		}
	}
	var out []victim
	for s, v := range b.shares {
		if s == b.self || v.unclaimed() == 0 {
			continue
		}
		left, limit := math.Inf(1), math.Inf(1)
		if rate[s] > 0 {
			left = (v.cost(v.front, v.back) + held[s]) / rate[s]
		}
		// Only an owner seen at work (a measured rate, jobs in hand) is
		// trusted to get to its last jobs itself: one that holds nothing may
		// be stuck, or not yet started, and a thief must not wait for it.
		if measured[s] && held[s] > 0 && rate[b.self] > 0 {
			limit = left * rate[b.self] * (1 + 1e-9)
			if v.cost(v.back-1, v.back) > limit {
				continue // even its last job would end sooner with its owner
			}
		}
		out = append(out, victim{share: s, left: left, limit: limit})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].left > out[j].left })
	return out
}

// totalCost is a share's cost: the sum of its costs, or its job count.
func totalCost(s Share) float64 {
	if s.Costs == nil {
		return float64(len(s.Jobs))
	}
	var c float64
	for _, x := range s.Costs {
		c += x
	}
	return c
}
