package report

import (
	"math"
	"math/big"
	"strconv"

	"github.com/jobsplit/jobsplit/machines"
	"github.com/jobsplit/jobsplit/split"
)

// suggest proposes perfs from the measured speeds (two significant digits,
// as jobsplit bench writes them; cores unchanged) and compares the makespan
// of the plan with them against the declared weights. Each job's cost is
// its ok duration times the measured perf of the machine that ran it;
// jobs without an ok attempt cost the mean.
func (r *Report) suggest() {
	s, a, f := r.sweep, &r.att, &r.fig
	nm := len(s.Machines)
	perf := make([]float64, nm)
	for m := range nm {
		perf[m] = f.Machines[m].MeasuredPerf
	}
	costs := make([]float64, len(r.final))
	var known float64
	var nknown int
	for j, k := range r.final {
		costs[j] = math.NaN()
		if k >= 0 && a.status[k] == stOK && int(a.machine[k]) < nm {
			costs[j] = float64(a.dur[k]) / 1000 * perf[a.machine[k]]
			known += costs[j]
			nknown++
		}
	}
	mean := 1.0
	if nknown > 0 {
		mean = known / float64(nknown)
	}
	var total, capacity float64
	for j := range costs {
		if math.IsNaN(costs[j]) {
			costs[j] = mean
		}
		total += costs[j]
	}
	bins := make([]split.Bin, nm)
	f.Suggested.Machines = make([]SuggestedMachine, nm)
	for m, decl := range s.Machines {
		capacity += perf[m] * float64(decl.Cores)
		text := machines.FormatPerf(perf[m])
		rounded, _ := strconv.ParseFloat(text, 64)
		f.Suggested.Machines[m] = SuggestedMachine{Name: decl.Name, Perf: rounded, Cores: decl.Cores}
		exact, ok := new(big.Rat).SetString(text)
		if !ok || exact.Sign() <= 0 {
			exact = decl.Perf
		}
		next := machines.Machine{Name: decl.Name, Perf: exact, Cores: decl.Cores}
		bins[m] = split.Bin{Name: decl.Name, Weight: next.Weight(), Perf: exact}
	}
	if nknown == 0 || capacity == 0 {
		return
	}
	f.Suggested.IdealS = round(total/capacity, 6)
	f.Suggested.CurrentMakespanS = round(simulate(s.Plan, costs, perf, s.Machines), 6)
	if next, err := split.Make(s.Plan.Digest, len(costs), bins, s.Strategy, s.Costs); err == nil {
		f.Suggested.MakespanS = round(simulate(next, costs, perf, s.Machines), 6)
	}
}

// simulate runs each share in run order on its machine's cores, each job
// on the first core free, and returns the latest finish.
func simulate(p *split.Plan, costs, perf []float64, list machines.List) float64 {
	var makespan float64
	for m, share := range p.Shares {
		cores := max(list[m].Cores, 1)
		if perf[m] <= 0 {
			continue
		}
		lanes := make(floatHeap, cores)
		for _, j := range share.Jobs {
			lanes.replaceMin(lanes[0] + costs[j]/perf[m])
		}
		for _, end := range lanes {
			makespan = max(makespan, end)
		}
	}
	return makespan
}

// floatHeap is a min-heap of core finish times.
type floatHeap []float64

// replaceMin replaces the smallest value with v.
func (h floatHeap) replaceMin(v float64) {
	h[0] = v
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < len(h) && h[l] < h[small] {
			small = l
		}
		if l+1 < len(h) && h[l+1] < h[small] {
			small = l + 1
		}
		if small == i {
			return
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
}

// SuggestedMachines returns machines.json content with the suggested perfs:
// data is the current file (nil or "{}" for none), whose form, order and
// other fields are kept; file names it in errors.
func (r *Report) SuggestedMachines(data []byte, file string) ([]byte, error) {
	if len(data) == 0 {
		data = []byte("{}\n")
	}
	for _, m := range r.fig.Suggested.Machines {
		if !(m.Perf > 0) {
			continue
		}
		var err error
		if data, err = machines.Update(data, file, machines.Entry{Name: m.Name, Perf: m.Perf, Cores: m.Cores}); err != nil {
			return nil, err
		}
	}
	return data, nil
}
