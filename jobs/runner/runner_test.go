//go:build unix

package runner

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/jobsplit/jobsplit/jobs"
)

// runSweep writes the files into a fresh directory, runs machine solo's
// share there on two workers and returns the directory.
func runSweep(t *testing.T, files map[string]string) string {
	t.Helper()
	dir, r := newRunner(t, files, 2)
	procs := runtime.GOMAXPROCS(0)
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(r.files.workDir); !os.IsNotExist(err) {
		t.Errorf("work directory %s left behind (%v)", r.files.workDir, err)
	}
	// The run's fast waits (see process.ReserveFastWaits) are given back.
	if got := runtime.GOMAXPROCS(0); got != procs {
		t.Errorf("GOMAXPROCS %d after the run, %d before", got, procs)
	}
	return dir
}

// newRunner writes the files into a fresh directory and returns it with a
// runner of machine solo's share on that many workers (its cores too).
func newRunner(t *testing.T, files map[string]string, workers int) (string, *Runner) {
	t.Helper()
	dir := t.TempDir()
	files["machines.json"] = `{"solo": [1, ` + strconv.Itoa(workers) + `]}`
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s, err := jobs.Load(jobs.Options{Config: filepath.Join(dir, "jobsplit.toml")})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(s, Options{Machine: "solo", Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return dir, r
}

// readRows reads results/solo.csv as maps from column to value.
func readRows(t *testing.T, dir string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "results", "solo.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range records[0] {
			row[name] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// readLog reads logs/solo.jsonl.gz, one map per record.
func readLog(t *testing.T, dir string) []map[string]any {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "logs", "solo.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var records []map[string]any
	sc := bufio.NewScanner(gz)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log record %q: %v", sc.Text(), err)
		}
		records = append(records, rec)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return records
}

// TestRunRecordsEveryJob: rows are synced by recorders while the workers
// go on, and still every job gets its row with its result, and its start,
// output and end records in that order.
func TestRunRecordsEveryJob(t *testing.T) {
	const n = 40
	var pool strings.Builder
	for i := range n {
		pool.WriteString(strings.Repeat("x", i%3) + strconv.Itoa(i) + "\n")
	}
	dir := runSweep(t, map[string]string{
		"jobsplit.toml": "[job]\ncommand = [\"./job.sh\", \"{arg}\"]\n" +
			"[pool]\nfile = \"jobs.txt\"\nformat = \"lines\"\n[results]\ncolumns = [\"len\"]\n",
		"jobs.txt": pool.String(),
		"job.sh": "#!/bin/sh\necho \"out $1\"\necho err >&2\n" +
			"printf '{\"len\": %d}' ${#1} >\"$JOBSPLIT_RESULT\"\necho 0.5 >\"$JOBSPLIT_PROGRESS\"\n",
	})
	rows := readRows(t, dir)
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for _, row := range rows {
		if row["status"] != "ok" || row["len"] != strconv.Itoa(len(row["arg"])) {
			t.Errorf("row %v: want ok with len %d", row, len(row["arg"]))
		}
	}
	const (
		started = iota + 1
		printed
		ended
	)
	stage := map[string]int{}
	for _, rec := range readLog(t, dir) {
		job, _ := rec["job"].(string)
		switch rec["event"] {
		case "job_start":
			stage[job] = started
		case "output":
			if stage[job] != started && stage[job] != printed {
				t.Errorf("job %s: output outside start and end", job)
			}
			stage[job] = printed
		case "job_end":
			if stage[job] != printed {
				t.Errorf("job %s: end before its output", job)
			}
			stage[job] = ended
		}
	}
	if len(stage) != n {
		t.Errorf("%d jobs in the log, want %d", len(stage), n)
	}
	for job, s := range stage {
		if s != ended {
			t.Errorf("job %s: no end record", job)
		}
	}
}

// TestRunRetryRowsInOrder: a retried job's rows follow each other in the
// file, though rows are written apart from the workers.
func TestRunRetryRowsInOrder(t *testing.T) {
	dir := runSweep(t, map[string]string{
		"jobsplit.toml": "[job]\ncommand = \"./job.sh\"\nretries = 1\n" +
			"[pool]\nfile = \"jobs.txt\"\nformat = \"lines\"\n",
		"jobs.txt": "a\nb\n",
		"job.sh":   "#!/bin/sh\n[ \"$JOBSPLIT_ATTEMPT\" = 2 ]\n",
	})
	attempts := map[string][]string{}
	for _, row := range readRows(t, dir) {
		attempts[row["job_id"]] = append(attempts[row["job_id"]], row["attempt"]+":"+row["status"])
	}
	for job, got := range attempts {
		if strings.Join(got, " ") != "1:failed 2:ok" {
			t.Errorf("job %s: rows %v, want 1:failed then 2:ok", job, got)
		}
	}
	if len(attempts) != 2 {
		t.Errorf("rows for %d jobs, want 2", len(attempts))
	}
}

// TestJobEnvironment: the environment shared by all jobs is built once;
// each job still gets its own variables, which win over jobsplit's own
// environment.
func TestJobEnvironment(t *testing.T) {
	t.Setenv("JOBSPLIT_JOB_ID", "from-outside")
	t.Setenv("JOBSPLIT_PARAM_X", "from-outside")
	t.Setenv("JOBSPLIT_PARAM_MODEL", "from-outside")
	dir := runSweep(t, map[string]string{
		"jobsplit.toml": "[job]\ncommand = \"./job.sh\"\n[pool]\nfile = \"jobs.csv\"\n" +
			"[params]\nmodel = \"toy\"\n",
		"jobs.csv": "id,x\na,column-a\nb,column-b\n",
		"job.sh": "#!/bin/sh\necho \"$JOBSPLIT_JOB_ID $JOBSPLIT_PARAM_X $JOBSPLIT_PARAM_MODEL $JOBSPLIT_MACHINE $JOBSPLIT_ATTEMPT\"\n" +
			// The environment as the job got it, not as the shell passes it on.
			"if [ -r /proc/$$/environ ]; then tr '\\0' '\\n' </proc/$$/environ; else env; fi | grep -c '^JOBSPLIT_JOB_ID='\n",
	})
	lines := map[string][]string{}
	for _, rec := range readLog(t, dir) {
		if rec["event"] == "output" {
			job := rec["job"].(string)
			lines[job] = append(lines[job], rec["line"].(string))
		}
	}
	for _, job := range []string{"a", "b"} {
		want := job + " column-" + job + " toy solo 1|1"
		if got := strings.Join(lines[job], "|"); got != want {
			t.Errorf("job %s printed %q, want %q", job, got, want)
		}
	}
}

// TestResultFileMadeForColumns: with result columns a job finds an empty
// regular file at $JOBSPLIT_RESULT (so that appending works); without, no
// file is made, and a job that writes one anyway ends ok, its file removed.
func TestResultFileMadeForColumns(t *testing.T) {
	job := "#!/bin/sh\nif [ -f \"$JOBSPLIT_RESULT\" ] && [ ! -s \"$JOBSPLIT_RESULT\" ]; then echo made; else echo none; fi\n" +
		"echo '{\"n\": 1}' >>\"$JOBSPLIT_RESULT\"\n"
	for _, tc := range []struct {
		name, results, want, n string
	}{
		{"columns", "[results]\ncolumns = [\"n\"]\n", "made", "1"},
		{"no columns", "", "none", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := runSweep(t, map[string]string{
				"jobsplit.toml": "[job]\ncommand = \"./job.sh\"\n[pool]\nfile = \"jobs.csv\"\n" + tc.results,
				"jobs.csv":      "id\na\nb\n",
				"job.sh":        job,
			})
			seen := 0
			for _, rec := range readLog(t, dir) {
				if rec["event"] != "output" {
					continue
				}
				seen++
				if rec["line"] != tc.want {
					t.Errorf("job %v found %v at $JOBSPLIT_RESULT, want %s", rec["job"], rec["line"], tc.want)
				}
			}
			if seen != 2 {
				t.Errorf("%d output lines in the log, want one per job", seen)
			}
			rows := readRows(t, dir)
			if len(rows) != 2 {
				t.Fatalf("%d rows, want 2", len(rows))
			}
			for _, row := range rows {
				if row["status"] != "ok" || row["n"] != tc.n {
					t.Errorf("row %v: want ok with n=%q", row, tc.n)
				}
			}
		})
	}
}

// TestRunStartsInRunOrder: jobs start in the plan's run order, which with
// one worker is the order of their starts in the log.
func TestRunStartsInRunOrder(t *testing.T) {
	var pool strings.Builder
	for i := range 60 {
		pool.WriteString(strconv.Itoa(i) + "\n")
	}
	dir, r := newRunner(t, map[string]string{
		"jobsplit.toml": "[job]\ncommand = \"true\"\n[pool]\nfile = \"jobs.txt\"\nformat = \"lines\"\n",
		"jobs.txt":      pool.String(),
	}, 1)
	var want []string
	for _, i := range r.pending {
		want = append(want, r.sweep.Pool.Job(int(i)).ID)
	}
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range readLog(t, dir) {
		if rec["event"] == "job_start" {
			got = append(got, rec["job"].(string))
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("started\n%v\nwant run order\n%v", got, want)
	}
}
