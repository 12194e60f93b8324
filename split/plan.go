package split

import (
	"fmt"
	"math/big"
	"sort"
)

// Strategy is how the shuffled jobs are cut into shares.
type Strategy string

// The strategies.
const (
	// Proportional cuts contiguous shares in proportion to perf x cores.
	Proportional Strategy = "proportional"
	// Cost assigns jobs longest first to the machine that finishes earliest.
	Cost Strategy = "cost"
)

// ParseStrategy reads a strategy name; "" means Proportional.
func ParseStrategy(s string) (Strategy, error) {
	switch Strategy(s) {
	case "", Proportional:
		return Proportional, nil
	case Cost:
		return Cost, nil
	}
	return "", fmt.Errorf("unknown strategy %q: want %q or %q", s, Proportional, Cost)
}

// Bin is a machine as the split sees it: a name and an exact weight.
type Bin struct {
	Name   string
	Weight *big.Rat
	// Perf is the machine's single-thread speed, used by the cost strategy
	// to bound the time of its longest job.
	Perf *big.Rat
}

// Share is one machine's part of the plan.
type Share struct {
	Machine string
	Weight  *big.Rat
	// Jobs are indices into the id-sorted job list, in run order.
	Jobs []int32
	// Finish is the expected finish time of the share (cost strategy only),
	// in the unit of the costs.
	Finish float64
	// PerClass counts the share's jobs of each class (MakeClassed only).
	PerClass []int
}

// Plan is the whole split: who runs what, in what order.
type Plan struct {
	Digest   Digest
	Strategy Strategy
	Total    int
	Shares   []Share
	// Ideal is the best possible makespan for the cost strategy: total cost
	// over total weight, or the longest job on the fastest machine if larger.
	Ideal float64
	// Classes is the number of classes of jobs by the machines that can
	// run them (MakeClassed only; 0 for a plan made by Make).
	Classes int
}

// For returns the share of the named machine.
func (p *Plan) For(machine string) (*Share, bool) {
	for i := range p.Shares {
		if p.Shares[i].Machine == machine {
			return &p.Shares[i], true
		}
	}
	return nil, false
}

// Makespan is the latest expected finish among the shares (cost strategy).
func (p *Plan) Makespan() float64 {
	var m float64
	for _, s := range p.Shares {
		m = max(m, s.Finish)
	}
	return m
}

// Make plans n jobs (identified by their index in id order) onto bins. For
// the cost strategy, costs[i] is job i's cost; it is ignored otherwise.
func Make(digest Digest, n int, bins []Bin, strategy Strategy, costs []float64) (*Plan, error) {
	if len(bins) == 0 {
		return nil, fmt.Errorf("no machines to plan onto")
	}
	p := &Plan{Digest: digest, Strategy: strategy, Total: n, Shares: make([]Share, len(bins))}
	for i, b := range bins {
		p.Shares[i] = Share{Machine: b.Name, Weight: b.Weight}
	}
	order := Shuffle(n, digest)
	switch strategy {
	case Proportional:
		counts := Apportion(n, bins)
		at := 0
		for i, c := range counts {
			p.Shares[i].Jobs = order[at : at+c : at+c]
			at += c
		}
	case Cost:
		if len(costs) != n {
			return nil, fmt.Errorf("cost strategy: %d costs for %d jobs", len(costs), n)
		}
		p.Ideal = assignByCost(p.Shares, bins, order, costs)
	default:
		return nil, fmt.Errorf("unknown strategy %q", strategy)
	}
	return p, nil
}

// Apportion divides n jobs among bins in proportion to their weights by the
// largest remainder method: every count is within one of exact, and ties
// go to the earlier bin.
func Apportion(n int, bins []Bin) []int {
	total := new(big.Rat)
	for _, b := range bins {
		total.Add(total, b.Weight)
	}
	counts := make([]int, len(bins))
	remainders := make([]*big.Rat, len(bins))
	given := 0
	for i, b := range bins {
		quota := new(big.Rat).Mul(big.NewRat(int64(n), 1), b.Weight)
		quota.Quo(quota, total)
		whole := new(big.Int).Quo(quota.Num(), quota.Denom())
		counts[i] = int(whole.Int64())
		given += counts[i]
		remainders[i] = quota.Sub(quota, new(big.Rat).SetInt(whole))
	}
	byRemainder := make([]int, len(bins))
	for i := range byRemainder {
		byRemainder[i] = i
	}
	sort.SliceStable(byRemainder, func(a, b int) bool {
		return remainders[byRemainder[a]].Cmp(remainders[byRemainder[b]]) > 0
	})
	for k := 0; given < n; k++ {
		counts[byRemainder[k]]++
		given++
	}
	return counts
}
