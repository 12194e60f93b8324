package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
)

var (
	//go:embed page.html.tmpl
	pageTemplate string
	//go:embed page.js
	pageScript string
	//go:embed page.css
	pageStyle string
)

// maxBars is the most attempts the page carries one by one; past it the
// timeline is binned here, so that the file stays small.
const (
	maxBars      = 100000
	maxBinCells  = 2000000
	binsPerLane  = 1000
	timelineMinW = 1
)

// timeline is the data of the page's timeline, as column arrays.
type timeline struct {
	T0       int64         `json:"t0"`
	T1       int64         `json:"t1"`
	Machines []laneMachine `json:"machines"`
	Lanes    int           `json:"lanes"`
	Colors   []string      `json:"colors"`
	Statuses []string      `json:"statuses"`
	Params   []string      `json:"params"`
	// Bars: one entry per attempt (start and duration in ms from T0).
	Bars *bars `json:"bars,omitempty"`
	// Bins: per lane, binsPerLane cells of busy fraction (0-100) and the
	// worst status in the cell, for sweeps past maxBars.
	Bins *bins `json:"bins,omitempty"`
}

type laneMachine struct {
	Name  string `json:"name"`
	Base  int    `json:"base"`
	Lanes int    `json:"lanes"`
}

type bars struct {
	Start    []int64    `json:"s"`
	Duration []int64    `json:"d"`
	Lane     []int      `json:"l"`
	Status   []int      `json:"st"`
	Exit     []int32    `json:"x"`
	Attempt  []int32    `json:"a"`
	Job      []int      `json:"j"`
	JobIDs   []string   `json:"ids"`
	Values   [][]string `json:"v"`
	// Moved lists the bars of jobs the plan gave another machine (stolen
	// or taken over, with balance), and From that machine for each.
	Moved []int    `json:"mv"`
	From  []string `json:"mvf"`
}

type bins struct {
	Width  int64 `json:"w"`
	N      int   `json:"n"`
	Busy   []int `json:"b"`
	Status []int `json:"st"`
}

func (r *Report) timelineData() timeline {
	a, f := &r.att, &r.fig
	t := timeline{Machines: []laneMachine{}, Colors: statusColors, Statuses: statusNames, Params: r.sweep.Pool.Columns, Lanes: r.laneBase[len(r.laneBase)-1]}
	if t.Params == nil {
		t.Params = []string{}
	}
	for m, name := range r.machineNames {
		if n := r.laneBase[m+1] - r.laneBase[m]; n > 0 {
			t.Machines = append(t.Machines, laneMachine{Name: name, Base: r.laneBase[m], Lanes: n})
		}
	}
	if a.len() == 0 {
		return t
	}
	t.T0, t.T1 = a.start[0], a.end(0)
	for i := range a.len() {
		t.T0, t.T1 = min(t.T0, a.start[i]), max(t.T1, a.end(i))
	}
	_ = f
	if a.len() <= maxBars {
		t.Bars = r.barData(t.T0)
	} else {
		t.Bins = r.binData(t.T0, t.T1, t.Lanes)
	}
	return t
}

func (r *Report) barData(t0 int64) *bars {
	a := &r.att
	b := &bars{JobIDs: []string{}, Values: [][]string{}, Moved: []int{}, From: []string{}}
	jobAt := make(map[int32]int)
	for i := range a.len() {
		b.Start = append(b.Start, a.start[i]-t0)
		b.Duration = append(b.Duration, a.dur[i])
		b.Lane = append(b.Lane, r.laneBase[a.machine[i]]+int(r.lane[i]))
		b.Status = append(b.Status, int(a.status[i]))
		b.Exit = append(b.Exit, a.exit[i])
		b.Attempt = append(b.Attempt, a.attempt[i])
		if a.moved[i] >= 0 {
			b.Moved = append(b.Moved, i)
			b.From = append(b.From, r.machineNames[a.moved[i]])
		}
		j := a.job[i]
		k, seen := jobAt[j]
		if !seen {
			k = len(b.JobIDs)
			jobAt[j] = k
			if j >= 0 {
				job := r.sweep.Pool.Job(int(j))
				b.JobIDs = append(b.JobIDs, job.ID)
				b.Values = append(b.Values, job.Values)
			} else {
				b.JobIDs = append(b.JobIDs, "?")
				b.Values = append(b.Values, []string{})
			}
		}
		b.Job = append(b.Job, k)
	}
	return b
}

// binData bins a huge timeline: each lane's time cut into cells holding
// the fraction of the cell its attempts filled and their worst status.
func (r *Report) binData(t0, t1 int64, lanes int) *bins {
	a := &r.att
	n := min(binsPerLane, max(1, maxBinCells/max(lanes, 1)))
	width := max(1, (t1-t0+int64(n)-1)/int64(n))
	busy := make([]float64, lanes*n)
	notOK := make([]float64, lanes*n)
	worst := make([]int, lanes*n)
	b := &bins{Width: width, N: n, Busy: make([]int, lanes*n), Status: make([]int, lanes*n)}
	for i := range a.len() {
		base := (r.laneBase[a.machine[i]] + int(r.lane[i])) * n
		s, e := a.start[i]-t0, a.end(i)-t0
		st := int(a.status[i])
		for c := s / width; c <= (e-1)/width && c < int64(n); c++ {
			k := base + int(c)
			part := float64(min(e, (c+1)*width)-max(s, c*width)) / float64(width)
			busy[k] += part
			if st != int(stOK) {
				notOK[k] += part
				if worst[k] == int(stOK) || st < worst[k] {
					worst[k] = st
				}
			}
		}
	}
	// A cell takes the colour of its failures when they filled a quarter
	// of its busy time: a few short failures do not paint a lane red.
	for k, v := range busy {
		b.Busy[k] = int(min(100, v*100+0.5))
		if notOK[k] >= v/4 && v > 0 {
			b.Status[k] = worst[k]
		}
	}
	return b
}

// page is what the template fills in.
type page struct {
	F          Figures
	Style      template.CSS
	Script     template.JS
	Data       template.JS
	Histogram  template.HTML
	Params     []paramChart
	Throughput template.HTML
	Machines   string
}

type paramChart struct {
	ParamFigures
	Chart template.HTML
}

// WriteHTML writes the page: one file, every script and style inline, no
// request to the network or any other file.
func (r *Report) WriteHTML(w io.Writer) error {
	data, err := json.Marshal(r.timelineData())
	if err != nil {
		return err
	}
	suggested, err := r.SuggestedMachines(nil, "suggested machines.json")
	if err != nil {
		suggested = []byte(err.Error())
	}
	p := page{
		F: r.fig, Style: template.CSS(pageStyle), Script: template.JS(pageScript), Data: template.JS(data),
		Histogram: histogramSVG(r.fig.Durations.Histogram), Throughput: throughputSVG(r.fig.Throughput),
		Machines: string(suggested),
	}
	for _, pf := range r.fig.Durations.Params {
		c := paramChart{ParamFigures: pf}
		if pf.Kind == "numeric" {
			c.Chart = scatterSVG(pf.points, pf.Name)
		} else {
			c.Chart = spreadSVG(pf.Values)
		}
		p.Params = append(p.Params, c)
	}
	tmpl, err := template.New("page").Funcs(template.FuncMap{
		"human":   human,
		"pct":     func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) },
		"num":     number,
		"color":   func(status string) template.CSS { return template.CSS(statusColor(status)) },
		"fixed":   func(x float64) string { return fmt.Sprintf("%.2f", x) },
		"joinTip": func(lines []string) string { return joinLines(lines) },
	}).Parse(pageTemplate)
	if err != nil {
		return err
	}
	return tmpl.Execute(w, p)
}

func statusColor(status string) string {
	for i, s := range statusNames {
		if s == status {
			return statusColors[i]
		}
	}
	return "#000"
}

func joinLines(lines []string) string {
	out := ""
	for i, l := range lines {
		if i > 0 {
			out += "\n"
		}
		out += l
	}
	return out
}

// number writes a rate briefly and never in e-notation: 3061, 31.8, 0.25.
func number(x float64) string {
	if x >= 100 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.3g", x)
}
