package results

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// writeRaw writes a results file without syncing, for tests that make many.
func writeRaw(t interface{ Fatal(...any) }, path string, params, resultCols []string, rows []Row) {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(append(append(FixedColumns(), params...), resultCols...))
	for _, r := range rows {
		rec, err := appendRecord(nil, r, len(params), len(resultCols))
		if err != nil {
			t.Fatal(err)
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCollectProperty checks Collect against a direct model: one row per job
// that has any, the latest ok attempt or else the latest attempt, and every
// count of the summary: planned and missing by the planning machine, kept
// rows by the machine that ran them, duplicates as the ok rows not kept.
func TestCollectProperty(t *testing.T) {
	root := t.TempDir()
	run := 0
	rapid.Check(t, func(t *rapid.T) {
		run++
		dir := filepath.Join(root, strconv.Itoa(run))
		os.Mkdir(dir, 0o755)
		machines := []string{"alpha", "beta", "gamma"}[:rapid.IntRange(1, 3).Draw(t, "machines")]
		nJobs := rapid.IntRange(0, 25).Draw(t, "jobs")
		plan := Plan{Digest: "d1", Params: []string{"p"}}
		for i := range nJobs {
			m := machines[i*len(machines)/nJobs] // shares in machines order
			plan.Jobs = append(plan.Jobs, PlannedJob{ID: fmt.Sprintf("j%d", i), Machine: m, Params: []string{strconv.Itoa(i)}})
		}
		statuses := []Status{StatusOK, StatusFailed, StatusTimeout, StatusInterrupted}
		nRows := rapid.IntRange(0, 60).Draw(t, "rows")
		nFiles := rapid.IntRange(1, 3).Draw(t, "files")
		files := make([][]Row, nFiles)
		type attempt struct {
			tag     string
			ok      bool
			started int64
			runner  string
		}
		byJob := make(map[string][]attempt)
		dropped := 0
		timeOf := make(map[string]time.Duration)
		for i := range nRows {
			id := fmt.Sprintf("j%d", rapid.IntRange(0, nJobs).Draw(t, "job")) // j<nJobs> is not planned
			runner := rapid.SampledFrom(slices.Concat(machines, []string{"extra"})).Draw(t, "runner")
			st := rapid.SampledFrom(statuses).Draw(t, "status")
			// distinct start times, in any order, so that "latest" is unambiguous
			start := time.Duration(rapid.IntRange(0, 100).Draw(t, "start"))*time.Second + time.Duration(i)*time.Millisecond
			r := row(id, runner, st, rapid.IntRange(1, 3).Draw(t, "attempt"), start, []string{"v"}, "r"+strconv.Itoa(i))
			r.Duration = time.Duration(rapid.IntRange(0, 5000).Draw(t, "ms")) * time.Millisecond
			f := rapid.IntRange(0, nFiles-1).Draw(t, "file")
			files[f] = append(files[f], r)
			if id == fmt.Sprintf("j%d", nJobs) {
				dropped++
				continue
			}
			byJob[id] = append(byJob[id], attempt{r.Results[0], st == StatusOK, r.StartedAt.UnixNano(), runner})
			timeOf[runner] += r.Duration
		}
		var paths []string
		for i, rows := range files {
			path := filepath.Join(dir, fmt.Sprintf("f%d.csv", i))
			writeRaw(t, path, []string{"p"}, []string{"tag"}, rows)
			paths = append(paths, path)
		}

		c, err := Collect(plan, paths, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := c.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		recs = recs[1:]
		want := make(map[string]*MachineSummary)
		for _, m := range machines {
			want[m] = &MachineSummary{Machine: m}
		}
		line := func(name string) *MachineSummary {
			if want[name] == nil {
				want[name] = &MachineSummary{Machine: name}
			}
			return want[name]
		}
		for _, job := range plan.Jobs {
			m := want[job.Machine]
			m.Planned++
			atts := byJob[job.ID]
			if len(atts) == 0 {
				m.Missing++
				continue
			}
			var best *attempt
			for i := range atts {
				a := &atts[i]
				if best == nil || (a.ok && !best.ok) || (a.ok == best.ok && a.started > best.started) {
					best = a
				}
			}
			for i := range atts {
				if a := &atts[i]; a.ok && a != best {
					line(a.runner).Duplicates++
				}
			}
			runner := line(best.runner)
			if best.ok {
				runner.OK++
			} else {
				runner.Failed++
			}
			if best.runner != job.Machine {
				runner.Taken++
				line(job.Machine).Given++
			}
			if len(recs) == 0 || recs[0][0] != job.ID || recs[0][9] != best.tag {
				t.Fatalf("job %s: table row %q, want the row tagged %s", job.ID, recs[:min(1, len(recs))], best.tag)
			}
			recs = recs[1:]
		}
		if len(recs) != 0 {
			t.Fatalf("extra table rows: %q", recs)
		}
		if c.Summary.Dropped != dropped {
			t.Fatalf("dropped %d, want %d", c.Summary.Dropped, dropped)
		}
		for _, got := range c.Summary.Machines {
			w := line(got.Machine)
			if got.Total != timeOf[got.Machine] {
				t.Fatalf("%s total %v, want %v", got.Machine, got.Total, timeOf[got.Machine])
			}
			got.Total, got.Longest = 0, 0
			if got != *w {
				t.Fatalf("summary %+v, want %+v", got, *w)
			}
		}
	})
}
