package report

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// The charts that need no script are drawn here as inline SVG, so that they
// read with scripts off; each mark has a <title> the browser shows on hover.

const chartW, chartH, pad = 640.0, 220.0, 40.0

// statusColors are the colours of the statuses, shared with page.js.
var statusColors = []string{"#3a9d5d", "#d64541", "#e67e22", "#9b59b6", "#95a5a6", "#cccccc"}

var seriesColors = []string{"#2c7fb8", "#e6550d", "#31a354", "#756bb1", "#636363", "#d6616b", "#8c6d31", "#3182bd"}

type svgBuilder struct{ b strings.Builder }

func newSVG() *svgBuilder {
	s := &svgBuilder{}
	fmt.Fprintf(&s.b, `<svg class="chart" viewBox="0 0 %g %g" width="%g" height="%g">`, chartW, chartH, chartW, chartH)
	fmt.Fprintf(&s.b, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/><line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/>`,
		pad, chartH-pad, chartW-10, chartH-pad, pad, 10.0, pad, chartH-pad)
	return s
}

func (s *svgBuilder) text(x, y float64, anchor, t string) {
	fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" text-anchor="%s">%s</text>`, x, y, anchor, template.HTMLEscapeString(t))
}

func (s *svgBuilder) done() template.HTML {
	s.b.WriteString(`</svg>`)
	return template.HTML(s.b.String())
}

// histogramSVG draws the log-scale histogram of ok durations.
func histogramSVG(h []Bucket) template.HTML {
	s := newSVG()
	peak := 1
	for _, b := range h {
		peak = max(peak, b.Count)
	}
	w := (chartW - pad - 10) / float64(max(len(h), 1))
	for k, b := range h {
		bh := (chartH - 2*pad + 30) * float64(b.Count) / float64(peak)
		x := pad + float64(k)*w
		fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2c7fb8"><title>%s to %s: %d</title></rect>`,
			x+1, chartH-pad-bh, w-2, bh, human(b.LowS), human(b.HighS), b.Count)
		if k%2 == 0 || len(h) < 8 {
			s.text(x, chartH-pad+14, "middle", human(b.LowS))
		}
	}
	s.text(pad-4, 18, "end", fmt.Sprint(peak))
	s.text(chartW-10, chartH-8, "end", "duration (log scale)")
	return s.done()
}

// scatterSVG draws duration (log) against a numeric parameter.
func scatterSVG(pts []point, name string) template.HTML {
	s := newSVG()
	if len(pts) == 0 {
		return s.done()
	}
	xlo, xhi, ylo, yhi := pts[0].x, pts[0].x, math.Log10(max(pts[0].ms, 1)), math.Log10(max(pts[0].ms, 1))
	for _, p := range pts {
		y := math.Log10(max(p.ms, 1))
		xlo, xhi, ylo, yhi = min(xlo, p.x), max(xhi, p.x), min(ylo, y), max(yhi, y)
	}
	sx := scale(xlo, xhi, pad, chartW-10)
	sy := scale(ylo, yhi, chartH-pad, 10)
	for _, p := range pts {
		fmt.Fprintf(&s.b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#2c7fb8" fill-opacity="0.5"><title>%s=%g: %s</title></circle>`,
			sx(p.x), sy(math.Log10(max(p.ms, 1))), template.HTMLEscapeString(name), p.x, human(p.ms/1000))
	}
	s.text(pad, chartH-pad+14, "start", fmt.Sprintf("%g", xlo))
	s.text(chartW-10, chartH-pad+14, "end", fmt.Sprintf("%g", xhi))
	s.text(pad-4, chartH-pad, "end", human(math.Pow(10, ylo)/1000))
	s.text(pad-4, 18, "end", human(math.Pow(10, yhi)/1000))
	s.text((chartW+pad)/2, chartH-8, "middle", name)
	return s.done()
}

// spreadSVG draws, per value of a categorical parameter, the 10-90% range
// of durations (log) as a bar, the median as a tick and min-max as a line.
func spreadSVG(vals []ValueSpread) template.HTML {
	s := newSVG()
	if len(vals) == 0 {
		return s.done()
	}
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		ylo, yhi = min(ylo, lg(v.MinS)), max(yhi, lg(v.MaxS))
	}
	sy := scale(ylo, yhi, chartH-pad, 10)
	w := (chartW - pad - 10) / float64(len(vals))
	for k, v := range vals {
		cx := pad + (float64(k)+0.5)*w
		fmt.Fprintf(&s.b, `<g><title>%s: n=%d, median %s, 10-90%% %s to %s</title>`, template.HTMLEscapeString(v.Value), v.N, human(v.MedianS), human(v.P10S), human(v.P90S))
		fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888"/>`, cx, sy(lg(v.MinS)), cx, sy(lg(v.MaxS)))
		fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#9ecae1" stroke="#2c7fb8"/>`,
			cx-w/4, sy(lg(v.P90S)), w/2, max(1, sy(lg(v.P10S))-sy(lg(v.P90S))))
		fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000" stroke-width="2"/></g>`, cx-w/4, sy(lg(v.MedianS)), cx+w/4, sy(lg(v.MedianS)))
		s.text(cx, chartH-pad+14, "middle", v.Value)
	}
	s.text(pad-4, chartH-pad, "end", human(math.Pow(10, ylo)))
	s.text(pad-4, 18, "end", human(math.Pow(10, yhi)))
	return s.done()
}

// throughputSVG draws ok attempts per minute over time, one line a machine.
func throughputSVG(t Throughput) template.HTML {
	s := newSVG()
	peak, n := 1.0, 1
	for _, m := range t.Machines {
		n = max(n, len(m.Counts))
		for _, c := range m.Counts {
			peak = max(peak, float64(c)*60/t.BinS)
		}
	}
	sx := scale(0, float64(max(n-1, 1)), pad, chartW-10)
	sy := scale(0, peak, chartH-pad, 10)
	for k, m := range t.Machines {
		color := seriesColors[k%len(seriesColors)]
		var pts []string
		for i, c := range m.Counts {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", sx(float64(i)), sy(float64(c)*60/t.BinS)))
		}
		fmt.Fprintf(&s.b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"><title>%s</title></polyline>`, color, strings.Join(pts, " "), template.HTMLEscapeString(m.Name))
		fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" style="fill:%s">%s</text>`, chartW-120, 20+14*float64(k), color, template.HTMLEscapeString(m.Name))
	}
	s.text(pad-4, 18, "end", fmt.Sprintf("%.3g/min", peak))
	s.text(chartW-10, chartH-8, "end", fmt.Sprintf("time (bins of %s)", human(t.BinS)))
	return s.done()
}

func lg(sec float64) float64 { return math.Log10(max(sec, 0.001)) }

// scale maps [lo, hi] onto [a, b]; a flat range maps to the middle.
func scale(lo, hi, a, b float64) func(float64) float64 {
	if hi <= lo {
		return func(float64) float64 { return (a + b) / 2 }
	}
	return func(v float64) float64 { return a + (v-lo)/(hi-lo)*(b-a) }
}

// human writes seconds briefly: 350ms, 4.2s, 3m05s, 2h10m.
func human(sec float64) string {
	switch {
	case sec < 1:
		return fmt.Sprintf("%.0fms", sec*1000)
	case sec < 60:
		return fmt.Sprintf("%.3gs", sec)
	case sec < 3600:
		return fmt.Sprintf("%dm%02ds", int(sec)/60, int(sec)%60)
	}
	return fmt.Sprintf("%dh%02dm", int(sec)/3600, int(sec)%3600/60)
}
