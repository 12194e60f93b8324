package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jobsplit/jobsplit/jobs"
)

// Source names what a report reads: the sweep as planned, its result files
// and its logs (which may be none).
type Source struct {
	Sweep       *jobs.Sweep
	ResultFiles []string
	LogFiles    []string
}

// Report is a sweep's attempts as read, and the figures made of them.
type Report struct {
	sweep        *jobs.Sweep
	att          attempts
	machineNames []string // the plan's machines first, then any others by first sight
	machineAt    map[string]int32
	jobAt        map[string]int32
	unknownJobs  int
	warnings     []string
	found        *logFindings
	// lane is each attempt's worker slot on its machine; laneBase the
	// first timeline lane of each machine.
	lane     []int32
	laneBase []int
	// final is each planned job's attempt that counts, -1 when missing.
	final []int32
	fig   Figures
}

// Build reads every file of src and computes the figures. Result files
// must be readable; logs are best effort (a damaged one is a warning).
func Build(src Source) (*Report, error) {
	s := src.Sweep
	r := &Report{sweep: s, machineAt: make(map[string]int32)}
	for _, m := range s.Machines {
		r.machineIndex(m.Name)
	}
	logsDone := make(chan *logFindings, 1)
	go func() { logsDone <- readLogs(src.LogFiles) }()
	r.indexJobs()
	digest := s.ResultDigest()
	var err error
	for _, path := range src.ResultFiles {
		if err = r.readResults(path, digest); err != nil {
			break
		}
	}
	r.found = <-logsDone
	if err != nil {
		return nil, err
	}
	r.warnings = append(r.warnings, r.found.warnings...)
	r.markBadResults()
	r.compute()
	return r, nil
}

// Warnings are the problems met while reading, one line each naming the file.
func (r *Report) Warnings() []string { return r.warnings }

// Figures are the report's figures, as --json prints them.
func (r *Report) Figures() Figures { return r.fig }

func (r *Report) warn(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

// markBadResults turns ok attempts whose result file the run ignored (a
// job_end record with an error) into bad_result.
func (r *Report) markBadResults() {
	if len(r.found.badResult) == 0 {
		return
	}
	a := &r.att
	for i := range a.len() {
		if a.status[i] != stOK || a.job[i] < 0 {
			continue
		}
		key := attemptKey{machine: r.machineNames[a.machine[i]], job: r.sweep.Pool.ID(int(a.job[i])), attempt: int(a.attempt[i])}
		if _, bad := r.found.badResult[key]; bad {
			a.status[i] = stBadResult
		}
	}
}

func (r *Report) compute() {
	s := r.sweep
	f := &r.fig
	f.Digest = s.ResultDigest()
	f.Command = strings.Join(s.Command, " ")
	f.Strategy = string(s.Strategy)
	f.Planned = s.Pool.Len()
	r.sortAttempts()
	f.Attempts = r.att.len()
	f.UnknownRows = r.unknownJobs
	r.pickFinal()
	r.countJobs()
	r.assignLanes()
	r.machineFigures()
	r.suggest()
	r.durationFigures()
	r.failureGroups()
	r.throughput()
	f.Warnings = append([]string{}, r.warnings...)
}

// pickFinal chooses each job's attempt that counts: its latest ok attempt,
// else its latest attempt, as collect-results keeps.
func (r *Report) pickFinal() {
	a := &r.att
	r.final = make([]int32, r.sweep.Pool.Len())
	for i := range r.final {
		r.final[i] = -1
	}
	for i := range a.len() {
		j := a.job[i]
		if j < 0 {
			continue
		}
		k := r.final[j]
		if k < 0 || better(a, i, int(k)) {
			r.final[j] = int32(i)
		}
	}
}

// better reports whether attempt i supersedes attempt k of the same job.
func better(a *attempts, i, k int) bool {
	iok, kok := a.status[i] == stOK, a.status[k] == stOK
	if iok != kok {
		return iok
	}
	if a.start[i] != a.start[k] {
		return a.start[i] > a.start[k]
	}
	return a.attempt[i] > a.attempt[k]
}

func (r *Report) countJobs() {
	f := &r.fig
	a := &r.att
	for _, k := range r.final {
		if k < 0 {
			f.Counts.Missing++
			continue
		}
		switch a.status[k] {
		case stOK:
			f.Counts.OK++
		case stFailed:
			f.Counts.Failed++
		case stTimeout:
			f.Counts.Timeout++
		case stBadResult:
			f.Counts.BadResult++
		case stInterrupted:
			f.Counts.Interrupted++
		}
	}
	f.Complete = f.Counts.OK == f.Planned
	if a.len() == 0 {
		return
	}
	first, last := a.start[0], a.end(0)
	for i := range a.len() {
		first = min(first, a.start[i])
		last = max(last, a.end(i))
	}
	f.FirstStart, f.LastEnd = stamp(first), stamp(last)
	f.WallS = seconds(last - first)
	if last > first {
		f.JobsPerMin = round(float64(f.Counts.OK)/(float64(last-first)/60000), 4)
	}
}

// stamp writes unix milliseconds as RFC 3339 in UTC.
func stamp(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

// seconds turns milliseconds into seconds.
func seconds(ms int64) float64 { return float64(ms) / 1000 }

// round keeps digits significant digits, so that figures print the same
// everywhere and read easily.
func round(x float64, digits int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	scale := math.Pow(10, float64(digits-1-int(math.Floor(math.Log10(math.Abs(x))))))
	return math.Round(x*scale) / scale
}
