package results

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// base is the fixed start time of the fixtures.
var base = time.Date(2026, 11, 21, 10, 0, 0, 123_000_000, time.UTC)

// row builds a row with the fixture defaults.
func row(id, machine string, status Status, attempt int, startOffset time.Duration, params []string, results ...string) Row {
	exit := 0
	if status != StatusOK {
		exit = 1
	}
	r := Row{
		JobID: id, Machine: machine, Status: status, ExitCode: exit, Attempt: attempt,
		StartedAt: base.Add(startOffset), Duration: 1234 * time.Millisecond, Digest: "d1",
		Params: params,
	}
	if len(results) > 0 {
		r.Results = results
	}
	return r
}

// writeRows writes rows into a new results file at path.
func writeRows(t testing.TB, path string, params, resultCols []string, rows ...Row) {
	t.Helper()
	w, err := OpenWriter(path, params, resultCols)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// readCSV parses a whole CSV file strictly.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v\n%s", err, data)
	}
	return recs
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// idList is an IDSource over a list of ids, a pool for ReadDone.
type idList []string

func (l idList) Len() int                          { return len(l) }
func (l idList) AppendID(dst []byte, j int) []byte { return append(dst, l[j]...) }

// doneJobs returns the state of every job of pool that done has rows of,
// by id, checking that Job, Lookup, LastAttempt and Len agree.
func doneJobs(t testing.TB, done *Done, pool idList) map[string]JobState {
	t.Helper()
	jobs := make(map[string]JobState)
	for j, id := range pool {
		s, ok := done.Job(j)
		byID, okByID := done.Lookup(id)
		if ok != okByID || s != byID || done.LastAttempt(j) != s.LastAttempt || done.Status(j) != s.Status {
			t.Fatalf("job %q: Job = %+v %v, Lookup = %+v %v, LastAttempt = %d, Status = %q", id, s, ok, byID, okByID, done.LastAttempt(j), done.Status(j))
		}
		if ok {
			jobs[id] = s
		}
	}
	if done.Len() != len(jobs) {
		t.Fatalf("Len = %d, but %d jobs have rows", done.Len(), len(jobs))
	}
	return jobs
}
