package main

import (
	"github.com/jobsplit/jobsplit/internal/golden"

	"bytes"
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobsplit/jobsplit/jobs"
	sweepreport "github.com/jobsplit/jobsplit/report"
)

// goldenReportSweep has every outcome once, a retried job, a torn last
// line and machines.json that has the speeds wrong.
func goldenReportSweep(dir string) *reportSweep {
	return &reportSweep{
		dir: dir, jobs: 24,
		machines:  `{"fast": [1, 2], "mid": [1, 1], "slow": [1, 2]}`,
		trueSpeed: map[string]float64{"fast": 2, "mid": 1, "slow": 0.5},
		outcome: map[string]string{
			"j003": "failed", "j007": "failed", "j011": "timeout", "j013": "interrupted",
			"j017": "bad_result", "j019": "missing", "j021": "retried",
		},
	}
}

func reportJSON(t *testing.T, dir string, extra ...string) (figures sweepreport.Figures, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := reportOptions{
		Sweep: jobs.Options{Config: filepath.Join(dir, "jobsplit.toml")}, JSON: true,
		Paths: []string{dir}, Stdout: &out, Stderr: &errOut,
	}
	if len(extra) > 0 {
		opts.SuggestMachines = extra[0]
	}
	if err := runReport(context.Background(), opts); err != nil {
		t.Fatalf("report: %v\n%s", err, errOut.String())
	}
	var f sweepreport.Figures
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		t.Fatalf("--json is not JSON: %v\n%s", err, out.String())
	}
	return f, out.String(), errOut.String()
}

// TestReportGoldenJSON pins `jobsplit report --json` for a sweep with known
// durations; regenerate with go test -run ReportGolden -update.
func TestReportGoldenJSON(t *testing.T) {
	dir := t.TempDir()
	goldenReportSweep(dir).write(t)
	appendFile(t, filepath.Join(dir, "results", "mid.csv"), "j999,mid,ok,0,1,2026-01-02T03:04:05.000Z")
	f, out, stderr := reportJSON(t, dir)
	golden.Check(t, "testdata/report/sweep.json", []byte(strings.ReplaceAll(out, dir, "DIR")))

	// The figures the golden file must hold, checked independently of it.
	want := sweepreport.Counts{OK: 18, Failed: 2, Timeout: 1, BadResult: 1, Interrupted: 1, Missing: 1}
	if f.Counts != want {
		t.Errorf("counts %+v, want %+v", f.Counts, want)
	}
	if f.Attempts != 24 { // 23 jobs ran, one of them twice
		t.Errorf("attempts %d, want 24", f.Attempts)
	}
	if !strings.Contains(stderr, "torn last line") {
		t.Errorf("no warning about the torn line in mid.csv:\n%s", stderr)
	}
	byName := map[string]sweepreport.MachineFigures{}
	for _, m := range f.Machines {
		byName[m.Name] = m
	}
	if byName["mid"].Slots != 1 || byName["fast"].Slots != 2 {
		t.Errorf("slots mid %d fast %d, want 1 and 2", byName["mid"].Slots, byName["fast"].Slots)
	}
	if byName["mid"].BusyFraction != 1 {
		t.Errorf("mid ran back to back on one core but is busy %.3f", byName["mid"].BusyFraction)
	}
	var failedStderr []string
	for _, g := range f.Failures {
		if g.Status == "failed" && g.ExitCode == 3 {
			failedStderr = g.Examples[0].Stderr
			if g.Count != 2 {
				t.Errorf("failed exit 3: %d jobs, want 2", g.Count)
			}
		}
	}
	if len(failedStderr) != 2 || failedStderr[1] != "error: no convergence at step 7" {
		t.Errorf("failed job's stderr %q", failedStderr)
	}
}

// TestReportSuggestedWeights feeds the suggested machines.json back to the
// plan: with the true speeds the sweep's makespan must come closer to the
// ideal than with the declared weights.
func TestReportSuggestedWeights(t *testing.T) {
	dir := t.TempDir()
	rs := &reportSweep{
		dir: dir, jobs: 600,
		machines:  `{"fast": [1, 4], "mid": [1, 2], "slow": [2, 2]}`,
		trueSpeed: map[string]float64{"fast": 3, "mid": 1, "slow": 0.5},
	}
	before := rs.write(t)
	next := filepath.Join(dir, "next.json")
	f, _, _ := reportJSON(t, dir, next)
	after, err := loadSweep(jobs.Options{Config: filepath.Join(dir, "jobsplit.toml"), Machines: next})
	if err != nil {
		t.Fatalf("the suggested machines.json does not load: %v", err)
	}
	var work, capacity float64
	for i := range rs.jobs {
		work += rs.base(i)
	}
	for _, m := range before.Machines {
		capacity += rs.trueSpeed[m.Name] * float64(m.Cores)
	}
	ideal := work / capacity
	old, suggested := trueMakespan(rs, before), trueMakespan(rs, after)
	t.Logf("ideal %.1fs, declared weights %.1fs, suggested %.1fs (report: %.1fs, %.1fs)", ideal, old, suggested,
		f.Suggested.CurrentMakespanS, f.Suggested.MakespanS)
	if !(suggested-ideal < old-ideal) {
		t.Errorf("suggested weights give %.1fs, declared %.1fs: not closer to the ideal %.1fs", suggested, old, ideal)
	}
	if !(f.Suggested.MakespanS < f.Suggested.CurrentMakespanS) {
		t.Errorf("the report's own simulation does not favour its suggestion: %+v", f.Suggested)
	}
	measured := map[string]float64{}
	for _, m := range f.Machines {
		measured[m.Name] = m.MeasuredPerf
		if m.Speed == nil || !(m.Speed.Low <= m.Speed.Value && m.Speed.Value <= m.Speed.High) {
			t.Errorf("%s: speed %+v is not an interval around its value", m.Name, m.Speed)
		}
	}
	// fast runs 3x as fast as mid and 6x as fast as slow: the measured
	// perfs must find those ratios from the random sample each drew.
	for _, c := range []struct {
		a, b string
		want float64
	}{{"fast", "mid", 3}, {"fast", "slow", 6}, {"mid", "slow", 2}} {
		if r := measured[c.a] / measured[c.b]; math.Abs(r/c.want-1) > 0.25 {
			t.Errorf("measured perf %s/%s = %.2f, want %.0f within 25%%", c.a, c.b, r, c.want)
		}
	}
	for _, m := range after.Machines {
		if m.Cores != map[string]int{"fast": 4, "mid": 2, "slow": 2}[m.Name] {
			t.Errorf("%s: cores changed to %d", m.Name, m.Cores)
		}
	}
}

// trueMakespan runs each share of s's plan on its machine's cores at the
// machine's true speed, each job on the first free core.
func trueMakespan(rs *reportSweep, s *jobs.Sweep) float64 {
	var makespan float64
	for k, share := range s.Plan.Shares {
		m := s.Machines[k]
		lanes := make([]float64, m.Cores)
		for _, j := range share.Jobs {
			lane := 0
			for l := range lanes {
				if lanes[l] < lanes[lane] {
					lane = l
				}
			}
			lanes[lane] += rs.base(int(j)) / rs.trueSpeed[m.Name]
			makespan = max(makespan, lanes[lane])
		}
	}
	return makespan
}
