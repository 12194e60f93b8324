package report

import "math"

// logStats accumulate log durations for a geometric mean and its variance.
type logStats struct {
	n          int
	sum, sumSq float64
}

func (s *logStats) add(ms int64) {
	x := math.Log(float64(max(ms, 1)))
	s.n++
	s.sum += x
	s.sumSq += x * x
}

func (s logStats) mean() float64 { return s.sum / float64(s.n) }

func (s logStats) variance() float64 {
	if s.n < 2 {
		return 0
	}
	return max(0, (s.sumSq-s.sum*s.sum/float64(s.n))/float64(s.n-1))
}

func (r *Report) machineFigures() {
	s, a, f := r.sweep, &r.att, &r.fig
	n := len(r.machineNames)
	figs := make([]MachineFigures, n)
	stats := make([]logStats, n)
	okSum := make([]int64, n)
	busy := make([]int64, n)
	first := make([]int64, n)
	last := make([]int64, n)
	var all logStats
	for i := range a.len() {
		m := a.machine[i]
		mf := &figs[m]
		if mf.Attempts == 0 || a.start[i] < first[m] {
			first[m] = a.start[i]
		}
		last[m] = max(last[m], a.end(i))
		mf.Attempts++
		if a.moved[i] >= 0 {
			mf.Moved++
		}
		busy[m] += a.dur[i]
		if a.status[i] == stOK {
			mf.OK++
			okSum[m] += a.dur[i]
			stats[m].add(a.dur[i])
			all.add(a.dur[i])
		}
	}
	for m := range figs {
		mf := &figs[m]
		mf.Name = r.machineNames[m]
		if m < len(s.Machines) {
			decl := s.Machines[m]
			mf.Perf, _ = decl.Perf.Float64()
			mf.Cores = decl.Cores
			mf.Weight, _ = decl.Weight().Float64()
			mf.Planned = len(s.Plan.Shares[m].Jobs)
			for _, j := range s.Plan.Shares[m].Jobs {
				if r.final[j] < 0 {
					mf.Missing++
				}
			}
			if f.Planned > 0 {
				mf.PlannedShare = round(float64(mf.Planned)/float64(f.Planned), 4)
			}
		}
		mf.Slots = r.laneBase[m+1] - r.laneBase[m]
		if mf.Attempts > 0 {
			mf.FirstStart, mf.LastEnd = stamp(first[m]), stamp(last[m])
			mf.ActualFinishS = seconds(last[m] - first[m])
			if span := last[m] - first[m]; span > 0 {
				mf.BusyFraction = round(float64(busy[m])/float64(span)/float64(mf.Slots), 4)
			}
		}
		if mf.OK > 0 {
			mean := float64(okSum[m]) / float64(mf.OK) / 1000
			mf.MeanOKS = round(mean, 6)
			if mf.Cores > 0 {
				mf.PredictedFinishS = round(float64(mf.Planned)*mean/float64(mf.Cores), 6)
			}
		}
		others := logStats{n: all.n - stats[m].n, sum: all.sum - stats[m].sum, sumSq: all.sumSq - stats[m].sumSq}
		mf.Speed = relativeSpeed(stats[m], others)
	}
	r.measuredPerf(figs, stats)
	f.Machines = figs
}

// relativeSpeed is exp(mean log duration of the others minus the machine's),
// with a Welch t interval on the log scale: the shuffle gives each machine
// a random sample of the jobs, so the difference is the speed alone.
func relativeSpeed(own, others logStats) *Interval {
	if own.n < 2 || others.n < 2 {
		return nil
	}
	diff := others.mean() - own.mean()
	vo, vm := others.variance()/float64(others.n), own.variance()/float64(own.n)
	se := math.Sqrt(vo + vm)
	half := 0.0
	if se > 0 {
		df := (vo + vm) * (vo + vm) / (vo*vo/float64(others.n-1) + vm*vm/float64(own.n-1))
		half = tQuantile975(df) * se
	}
	return &Interval{
		Value: round(math.Exp(diff), 4), Low: round(math.Exp(diff-half), 4),
		High: round(math.Exp(diff+half), 4), N: own.n,
	}
}

// measuredPerf sets each machine's measured perf: proportional to the
// inverse of its geometric mean ok duration, scaled so that the measured
// machines keep their declared total perf x cores. A machine with no ok
// job keeps its declared perf.
func (r *Report) measuredPerf(figs []MachineFigures, stats []logStats) {
	var declared, raw float64
	for m := range figs {
		figs[m].MeasuredPerf = figs[m].Perf
		if stats[m].n > 0 && figs[m].Cores > 0 {
			declared += figs[m].Perf * float64(figs[m].Cores)
			raw += math.Exp(-stats[m].mean()) * float64(figs[m].Cores)
		}
	}
	if raw == 0 {
		return
	}
	for m := range figs {
		if stats[m].n > 0 && figs[m].Cores > 0 {
			figs[m].MeasuredPerf = round(math.Exp(-stats[m].mean())*declared/raw, 6)
		}
	}
}

// t975 are the 97.5% quantiles of Student's t for 1 to 30 degrees of freedom.
var t975 = [...]float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}

// tQuantile975 is the two-sided 95% t quantile; past 30 degrees of freedom
// 1.96 + 2.4/df is within 0.005 of it.
func tQuantile975(df float64) float64 {
	if df < 1 {
		df = 1
	}
	if df <= 30 {
		return t975[int(df)-1]
	}
	return 1.96 + 2.4/df
}
