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
