package report

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// Bounds that keep the figures small whatever the sweep's size.
const (
	slowestShown   = 10
	paramSample    = 20000
	scatterPoints  = 1500
	valuesShown    = 30
	examplesShown  = 3
	throughputBins = 60
)

// point is one ok attempt in a scatter: parameter value and duration.
type point struct{ x, ms float64 }

func (r *Report) params(job int32) map[string]string {
	p := r.sweep.Pool
	values := p.Job(int(job)).Values
	m := make(map[string]string, len(values))
	for i, c := range p.Columns {
		if i < len(values) {
			m[c] = values[i]
		}
	}
	return m
}

func (r *Report) example(i int) JobExample {
	a := &r.att
	e := JobExample{
		Machine: r.machineNames[a.machine[i]], Attempt: int(a.attempt[i]), Status: statusNames[a.status[i]],
		ExitCode: int(a.exit[i]), DurationS: seconds(a.dur[i]),
	}
	if j := a.job[i]; j >= 0 {
		e.Job = r.sweep.Pool.ID(int(j))
		e.Params = r.params(j)
	}
	return e
}

func (r *Report) durationFigures() {
	a, d := &r.att, &r.fig.Durations
	var ok []int32
	for i := range a.len() {
		if a.status[i] == stOK && a.job[i] >= 0 {
			ok = append(ok, int32(i))
		}
	}
	d.Histogram = histogram(a, ok)
	slow := make([]int32, 0, slowestShown+1)
	for i := range a.len() {
		at, _ := slices.BinarySearchFunc(slow, int32(i), func(k, i int32) int { return cmp.Compare(a.dur[i], a.dur[k]) })
		if at < slowestShown {
			slow = slices.Insert(slow, at, int32(i))
			slow = slow[:min(len(slow), slowestShown)]
		}
	}
	d.Slowest = []JobExample{}
	for _, i := range slow {
		d.Slowest = append(d.Slowest, r.example(int(i)))
	}
	d.Params = r.paramFigures(ok)
}

// histogram counts ok durations in buckets five to a decade.
func histogram(a *attempts, ok []int32) []Bucket {
	if len(ok) == 0 {
		return []Bucket{}
	}
	const perDecade = 5
	bucket := func(ms int64) int { return int(math.Floor(math.Log10(float64(max(ms, 1))) * perDecade)) }
	lo, hi := bucket(a.dur[ok[0]]), bucket(a.dur[ok[0]])
	for _, i := range ok {
		b := bucket(a.dur[i])
		lo, hi = min(lo, b), max(hi, b)
	}
	out := make([]Bucket, hi-lo+1)
	for k := range out {
		out[k].LowS = round(math.Pow(10, float64(lo+k)/perDecade)/1000, 3)
		out[k].HighS = round(math.Pow(10, float64(lo+k+1)/perDecade)/1000, 3)
	}
	for _, i := range ok {
		out[bucket(a.dur[i])-lo].Count++
	}
	return out
}

// paramFigures relate each parameter to the ok durations, on an even
// sample of at most paramSample attempts.
func (r *Report) paramFigures(ok []int32) []ParamFigures {
	a, pool := &r.att, r.sweep.Pool
	stride := max(1, (len(ok)+paramSample-1)/paramSample)
	var sample []int32
	for k := 0; k < len(ok); k += stride {
		sample = append(sample, ok[k])
	}
	values := make([][]string, len(pool.Columns))
	for _, i := range sample {
		row := pool.Job(int(a.job[i])).Values
		for c := range values {
			values[c] = append(values[c], row[c])
		}
	}
	out := []ParamFigures{}
	for c, name := range pool.Columns {
		pf := ParamFigures{Name: name, N: len(sample)}
		if xs, numeric := numbers(values[c]); numeric {
			pf.Kind = "numeric"
			pf.points = scatter(xs, sample, a)
			if corr, ok := correlation(xs, sample, a); ok {
				pf.Correlation = &corr
			}
		} else {
			pf.Kind = "categorical"
			pf.Values = spreads(values[c], sample, a)
		}
		out = append(out, pf)
	}
	return out
}

func numbers(vals []string) ([]float64, bool) {
	xs := make([]float64, len(vals))
	for i, v := range vals {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
		xs[i] = x
	}
	return xs, len(vals) > 0
}

func scatter(xs []float64, sample []int32, a *attempts) []point {
	stride := max(1, (len(xs)+scatterPoints-1)/scatterPoints)
	var pts []point
	for k := 0; k < len(xs); k += stride {
		pts = append(pts, point{x: xs[k], ms: float64(a.dur[sample[k]])})
	}
	return pts
}

// correlation is Pearson's r between the value and the log duration.
func correlation(xs []float64, sample []int32, a *attempts) (float64, bool) {
	n := float64(len(xs))
	var sx, sy, sxx, syy, sxy float64
	for k, x := range xs {
		y := math.Log(float64(max(a.dur[sample[k]], 1)))
		sx, sy, sxx, syy, sxy = sx+x, sy+y, sxx+x*x, syy+y*y, sxy+x*y
	}
	vx, vy := sxx-sx*sx/n, syy-sy*sy/n
	if len(xs) < 3 || vx <= 0 || vy <= 0 {
		return 0, false
	}
	return round((sxy-sx*sy/n)/math.Sqrt(vx*vy), 4), true
}

// spreads gives the duration quantiles of the most common values.
func spreads(vals []string, sample []int32, a *attempts) []ValueSpread {
	by := make(map[string][]int64)
	for k, v := range vals {
		by[v] = append(by[v], a.dur[sample[k]])
	}
	keys := make([]string, 0, len(by))
	for v := range by {
		keys = append(keys, v)
	}
	slices.SortFunc(keys, func(x, y string) int { return cmp.Or(cmp.Compare(len(by[y]), len(by[x])), cmp.Compare(x, y)) })
	keys = keys[:min(len(keys), valuesShown)]
	slices.Sort(keys)
	out := make([]ValueSpread, 0, len(keys))
	for _, v := range keys {
		ds := by[v]
		slices.Sort(ds)
		q := func(p float64) float64 { return seconds(ds[int(p*float64(len(ds)-1)+0.5)]) }
		out = append(out, ValueSpread{Value: v, N: len(ds), MinS: q(0), P10S: q(0.1), MedianS: q(0.5), P90S: q(0.9), MaxS: q(1)})
	}
	return out
}
