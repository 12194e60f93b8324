package results

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Summary counts the planned jobs per machine and in total.
type Summary struct {
	Digest   string           `json:"digest"`
	Complete bool             `json:"complete"` // every planned job is ok
	Machines []MachineSummary `json:"machines"`
	Total    MachineSummary   `json:"total"`
	Dropped  int              `json:"dropped"` // rows of jobs not in the plan
}

// MachineSummary is one line of the summary. Planned and Missing count the
// jobs planned on the machine: all of them, and those with no row. Every row
// counts for the machine that ran it (its machine column), wherever the job
// was planned (re-planned work, work taken over): OK and Failed count the
// jobs whose kept row the machine ran, ok or not (failed, timeout,
// interrupted); Taken those of them planned on another machine; Duplicates
// the machine's ok rows that were not kept, the job having a kept ok row
// anyway. Total and Longest are the sum and the longest of all the machine's
// attempts, kept or not. Machines appear in plan order, then any machine
// only seen in rows, by name.
type MachineSummary struct {
	Machine    string
	Planned    int
	OK         int
	Failed     int
	Missing    int
	Duplicates int
	Taken      int
	// Given counts the jobs planned on this machine whose kept row another
	// machine wrote: stolen from it, or taken over when it died (with
	// balance), or re-planned elsewhere.
	Given   int
	Total   time.Duration
	Longest time.Duration
}

type machineSummaryJSON struct {
	Machine    string  `json:"machine,omitempty"`
	Planned    int     `json:"planned"`
	OK         int     `json:"ok"`
	Failed     int     `json:"failed"`
	Missing    int     `json:"missing"`
	Duplicates int     `json:"duplicates"`
	Taken      int     `json:"taken"`
	Given      int     `json:"given"`
	TotalS     float64 `json:"total_s"`
	LongestS   float64 `json:"longest_s"`
}

// MarshalJSON writes snake_case keys and times in seconds (millisecond precision).
func (m MachineSummary) MarshalJSON() ([]byte, error) {
	return json.Marshal(machineSummaryJSON{m.Machine, m.Planned, m.OK, m.Failed, m.Missing, m.Duplicates,
		m.Taken, m.Given, seconds(m.Total), seconds(m.Longest)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (m *MachineSummary) UnmarshalJSON(data []byte) error {
	var w machineSummaryJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*m = MachineSummary{w.Machine, w.Planned, w.OK, w.Failed, w.Missing, w.Duplicates,
		w.Taken, w.Given, fromSeconds(w.TotalS), fromSeconds(w.LongestS)}
	return nil
}

func fromSeconds(s float64) time.Duration {
	return time.Duration(math.Round(s*1000)) * time.Millisecond
}

func seconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond).Milliseconds()) / 1000
}

func (c *Collection) summarize() Summary {
	s := Summary{Digest: c.plan.Digest, Machines: []MachineSummary{}}
	row := make(map[string]int)
	// line returns the summary line of a machine, adding one if needed.
	line := func(name string) *MachineSummary {
		i, ok := row[name]
		if !ok {
			i = len(s.Machines)
			row[name] = i
			s.Machines = append(s.Machines, MachineSummary{Machine: name})
		}
		return &s.Machines[i]
	}
	last, at := "", -1
	for j := range c.state {
		// Plan order keeps a machine's jobs together: look its line up once.
		if name := c.src.Machine(j); at < 0 || name != last {
			last = name
			line(name)
			at = row[name]
		}
		m := &s.Machines[at]
		m.Planned++
		if c.state[j].Load() == 0 {
			m.Missing++
		}
	}
	planned := len(s.Machines)
	for _, t := range c.tallies {
		s.Dropped += t.dropped
		for name, mt := range t.machines {
			m := line(name)
			m.OK += mt.ok
			m.Failed += mt.failed
			m.Taken += mt.taken
			m.Given += mt.given
			m.Duplicates += mt.okRows - mt.ok // the kept ok row is no duplicate
			m.Total += mt.total
			m.Longest = max(m.Longest, mt.longest)
		}
	}
	// Machines that only ran jobs (none planned on them) follow, by name.
	slices.SortFunc(s.Machines[planned:], func(a, b MachineSummary) int { return strings.Compare(a.Machine, b.Machine) })
	for _, m := range s.Machines {
		s.Total.Planned += m.Planned
		s.Total.OK += m.OK
		s.Total.Failed += m.Failed
		s.Total.Missing += m.Missing
		s.Total.Duplicates += m.Duplicates
		s.Total.Taken += m.Taken
		s.Total.Given += m.Given
		s.Total.Total += m.Total
		s.Total.Longest = max(s.Total.Longest, m.Longest)
	}
	s.Complete = s.Total.OK == s.Total.Planned
	return s
}

// WriteText writes the summary as an aligned table, one line per machine and
// a total line, for a terminal.
func (s Summary) WriteText(w io.Writer) error {
	lines := [][]string{{"machine", "planned", "ok", "failed", "missing", "duplicates", "taken", "given", "total", "longest"}}
	add := func(name string, m MachineSummary) {
		lines = append(lines, []string{name, strconv.Itoa(m.Planned), strconv.Itoa(m.OK), strconv.Itoa(m.Failed),
			strconv.Itoa(m.Missing), strconv.Itoa(m.Duplicates), strconv.Itoa(m.Taken), strconv.Itoa(m.Given), humanDuration(m.Total), humanDuration(m.Longest)})
	}
	for _, m := range s.Machines {
		add(m.Machine, m)
	}
	add("total", s.Total)
	width := make([]int, len(lines[0]))
	for _, l := range lines {
		for i, cell := range l {
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for _, l := range lines {
		for i, cell := range l {
			switch {
			case i == 0:
				fmt.Fprintf(&b, "%-*s", width[i], cell)
			default:
				fmt.Fprintf(&b, "  %*s", width[i], cell)
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// humanDuration writes 12.3s, 4m05s or 3h07m.
func humanDuration(d time.Duration) string {
	d = d.Round(100 * time.Millisecond)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	default:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
}
