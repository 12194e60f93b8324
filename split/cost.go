package split

import "sort"

// assignByCost gives jobs, longest first, to the share whose expected finish
// grows least; equal costs keep shuffle order and equal finishes go to the
// earlier machine. It returns the ideal makespan.
//
// A machine's expected finish is its load over its weight (perf x cores),
// but never less than its longest job over its perf: one job runs on one
// core, however many the machine has.
//
// The arithmetic is only additions and divisions of float64, which IEEE 754
// rounds the same way on every architecture (no fused multiply-add can form).
func assignByCost(shares []Share, bins []Bin, order []int32, costs []float64) float64 {
	byCost := make([]int32, len(order))
	copy(byCost, order)
	sort.SliceStable(byCost, func(a, b int) bool {
		return costs[byCost[a]] > costs[byCost[b]]
	})
	weights := make([]float64, len(bins))
	perfs := make([]float64, len(bins))
	var totalWeight, fastest float64
	for i, b := range bins {
		weights[i], _ = b.Weight.Float64()
		perfs[i], _ = b.Perf.Float64()
		totalWeight += weights[i]
		fastest = max(fastest, perfs[i])
	}
	loads := make([]float64, len(bins))
	longestOn := make([]float64, len(bins))
	var totalCost, longest float64
	for _, job := range byCost {
		c := costs[job]
		totalCost += c
		longest = max(longest, c)
		best, bestFinish := 0, 0.0
		for i := range bins {
			finish := max((loads[i]+c)/weights[i], max(longestOn[i], c)/perfs[i])
			if i == 0 || finish < bestFinish {
				best, bestFinish = i, finish
			}
		}
		loads[best] += c
		longestOn[best] = max(longestOn[best], c)
		shares[best].Jobs = append(shares[best].Jobs, job)
	}
	for i := range shares {
		shares[i].Finish = max(loads[i]/weights[i], longestOn[i]/perfs[i])
	}
	return max(totalCost/totalWeight, longest/fastest)
}
