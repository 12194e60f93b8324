package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobsplit/jobsplit/jobs"
)

// testSweep writes a sweep of n jobs (ids 0..n-1, one parameter x) on the
// machines given, and returns it loaded.
func testSweep(t testing.TB, n int, machinesJSON string) *jobs.Sweep {
	t.Helper()
	dir := t.TempDir()
	var pool strings.Builder
	pool.WriteString("id,x\n")
	for i := range n {
		fmt.Fprintf(&pool, "%d,%d\n", i, i%10)
	}
	for name, text := range map[string]string{
		"jobsplit.toml": "[job]\ncommand = \"true {x}\"\n[pool]\nfile = \"jobs.csv\"\n",
		"jobs.csv":      pool.String(), "machines.json": machinesJSON,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := jobs.Load(jobs.Options{Config: filepath.Join(dir, "jobsplit.toml")})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// row is one attempt to write: job id, machine, status, start and end in
// seconds after a fixed time.
type row struct {
	job, machine, status string
	start, end           float64
}

var t0 = time.Date(2026, 5, 6, 7, 0, 0, 0, time.UTC)

func writeRows(t *testing.T, s *jobs.Sweep, rows []row) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("job_id,machine,status,exit_code,attempt,started_at,duration_s,digest,x\n")
	for _, r := range rows {
		start := t0.Add(time.Duration(r.start * float64(time.Second)))
		fmt.Fprintf(&b, "%s,%s,%s,0,1,%s,%.3f,%s,0\n", r.job, r.machine, r.status,
			start.Format("2006-01-02T15:04:05.000Z"), r.end-r.start, s.ResultDigest())
	}
	path := filepath.Join(t.TempDir(), "rows.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLanes(t *testing.T) {
	s := testSweep(t, 5, `{"a": [1, 4]}`)
	rows := []row{
		{"0", "a", "ok", 0, 10}, {"1", "a", "ok", 0, 5}, {"2", "a", "ok", 5, 8},
		{"3", "a", "ok", 6, 12}, {"4", "a", "failed", 10, 11},
	}
	r, err := Build(Source{Sweep: s, ResultFiles: []string{writeRows(t, s, rows)}})
	if err != nil {
		t.Fatal(err)
	}
	// Each attempt on the lowest lane free at its start; of equal starts the
	// one that ends first goes first.
	want := map[string]int32{"0": 1, "1": 0, "2": 0, "3": 2, "4": 0}
	for i, lane := range r.lane {
		id := s.Pool.ID(int(r.att.job[i]))
		if lane != want[id] {
			t.Errorf("attempt of job %s on lane %d, want %d", id, lane, want[id])
		}
	}
	m := r.Figures().Machines[0]
	if m.Slots != 3 {
		t.Errorf("slots %d, want 3", m.Slots)
	}
	// 10+5+3+6+1 = 25 busy seconds over 3 slots x 12 s.
	if math.Abs(m.BusyFraction-25.0/36) > 1e-3 {
		t.Errorf("busy %.4f, want %.4f", m.BusyFraction, 25.0/36)
	}
}

// TestReadTwice reads the same file twice, as when one host's results are
// copied into two folders: every attempt counts once, with a warning.
func TestReadTwice(t *testing.T) {
	s := testSweep(t, 3, `{"a": [1, 2]}`)
	path := writeRows(t, s, []row{{"0", "a", "ok", 0, 2}, {"1", "a", "ok", 0, 3}, {"2", "a", "failed", 2, 4}})
	r, err := Build(Source{Sweep: s, ResultFiles: []string{path, path}})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Figures()
	if f.Attempts != 3 || f.Machines[0].Slots != 2 || f.Counts.OK != 2 {
		t.Errorf("attempts %d, slots %d, ok %d: want 3, 2, 2", f.Attempts, f.Machines[0].Slots, f.Counts.OK)
	}
	if len(r.Warnings()) != 1 || !strings.Contains(r.Warnings()[0], "3 rows were read twice") {
		t.Errorf("warnings %q", r.Warnings())
	}
}

func TestRelativeSpeed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ratio float64
	}{{"twice as fast", 2}, {"half as fast", 0.5}, {"same", 1}} {
		t.Run(tc.name, func(t *testing.T) {
			var own, others logStats
			for i := range 200 {
				base := float64(1000 + 37*(i%23)*(i%7))
				others.add(int64(base))
				own.add(int64(base / tc.ratio))
			}
			got := relativeSpeed(own, others)
			if got == nil || math.Abs(got.Value/tc.ratio-1) > 0.01 {
				t.Fatalf("speed %+v, want %.2f", got, tc.ratio)
			}
			if !(got.Low < got.Value && got.Value < got.High) || got.High/got.Low > 1.5 {
				t.Errorf("interval %.3f-%.3f around %.3f", got.Low, got.High, got.Value)
			}
		})
	}
	if relativeSpeed(logStats{n: 1}, logStats{n: 10}) != nil {
		t.Error("a speed from one job")
	}
}

func TestBadResults(t *testing.T) {
	s := testSweep(t, 3, `{"a": [1, 1]}`)
	good := "job_id,machine,status,exit_code,attempt,started_at,duration_s,digest,x\n0,a,ok,0,1,2026-05-06T07:00:00.000Z,1.000," + s.ResultDigest() + ",0\n"
	for _, tc := range []struct {
		name, text, want string
	}{
		{"not results", "a,b,c\n1,2,3\n", "the header lacks job_id"},
		{"bad status", strings.Replace(good, ",ok,", ",fine,", 1), "line 2: status \"fine\""},
		{"bad time", strings.Replace(good, "2026-05-06T07:00:00.000Z", "yesterday", 1), "line 2: started_at"},
		{"short row", good + "1,a,ok\n", "line 3: row has 3 fields but the header has 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.csv")
			os.WriteFile(path, []byte(tc.text), 0o644)
			_, err := Build(Source{Sweep: s, ResultFiles: []string{path}})
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %s and saying %q", err, path, tc.want)
			}
		})
	}
	t.Run("torn last line", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a.csv")
		os.WriteFile(path, []byte(good+"1,a,ok,0,1,2026"), 0o644)
		r, err := Build(Source{Sweep: s, ResultFiles: []string{path}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Figures().Attempts != 1 || len(r.Warnings()) != 1 || !strings.Contains(r.Warnings()[0], "torn last line") {
			t.Errorf("attempts %d, warnings %q", r.Figures().Attempts, r.Warnings())
		}
	})
	t.Run("damaged log", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a.csv")
		os.WriteFile(path, []byte(good), 0o644)
		dir := t.TempDir()
		torn := filepath.Join(dir, "a.jsonl")
		os.WriteFile(torn, []byte(`{"time":"2026-05-06T07:00:00Z","event":"job_start","job":"0"}`+"\n"+`{"time":"2026-05-06T07:0`), 0o644)
		notLog := filepath.Join(dir, "b.jsonl.gz")
		os.WriteFile(notLog, []byte("plain text"), 0o644)
		r, err := Build(Source{Sweep: s, ResultFiles: []string{path}, LogFiles: []string{torn, notLog}})
		if err != nil {
			t.Fatal(err)
		}
		w := strings.Join(r.Warnings(), "\n")
		if !strings.Contains(w, torn) || !strings.Contains(w, notLog) {
			t.Errorf("warnings do not name both damaged logs:\n%s", w)
		}
	})
}

// TestBinnedTimeline checks that a sweep past maxBars is binned on the Go
// side and the page stays small.
func TestBinnedTimeline(t *testing.T) {
	n := maxBars + 5000
	s := testSweep(t, n, `{"a": [1, 2], "b": [1, 2]}`)
	rows := make([]row, 0, n)
	for k, m := range []string{"a", "b"} {
		share := s.Plan.Shares[k]
		for i, j := range share.Jobs {
			lane := float64(i % 2)
			step := float64(i / 2)
			rows = append(rows, row{s.Pool.ID(int(j)), m, "ok", step*2 + lane*0.5, step*2 + lane*0.5 + 1})
		}
	}
	r, err := Build(Source{Sweep: s, ResultFiles: []string{writeRows(t, s, rows)}})
	if err != nil {
		t.Fatal(err)
	}
	tl := r.timelineData()
	if tl.Bars != nil || tl.Bins == nil || tl.Lanes != 4 {
		t.Fatalf("bars %v, bins %v, lanes %d: want bins on 4 lanes", tl.Bars != nil, tl.Bins != nil, tl.Lanes)
	}
	// Every lane is busy half its time: one second in two.
	for lane := range tl.Lanes {
		sum := 0
		for c := range tl.Bins.N - 1 {
			sum += tl.Bins.Busy[lane*tl.Bins.N+c]
		}
		if mean := float64(sum) / float64(tl.Bins.N-1); math.Abs(mean-50) > 3 {
			t.Errorf("lane %d busy %.1f%% on average, want 50%%", lane, mean)
		}
	}
	var page bytes.Buffer
	if err := r.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	if page.Len() > 2<<20 {
		t.Errorf("the page of %d attempts is %d bytes", n, page.Len())
	}
}
