package results

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestCollectKeeps checks which of a job's rows Collect keeps.
func TestCollectKeeps(t *testing.T) {
	p := []string{"0.1", "one"}
	at := func(f string, st Status, attempt int, start time.Duration, tag string) fileRow {
		return fileRow{f, row("1", "alpha", st, attempt, start, p, tag, "")}
	}
	tests := []struct {
		name string
		rows []fileRow
		want string // the loss cell of the kept row
		dups int
	}{
		{"ok beats a later failure", []fileRow{at("a", StatusOK, 1, 0, "ok"), at("a", StatusFailed, 2, time.Second, "failed")}, "ok", 0},
		{"latest ok", []fileRow{at("a", StatusOK, 1, time.Second, "late"), at("b", StatusOK, 1, 0, "early")}, "late", 1},
		{"latest failure when none ok", []fileRow{at("a", StatusTimeout, 1, 0, "t"), at("a", StatusInterrupted, 2, time.Second, "i"), at("b", StatusFailed, 1, time.Millisecond, "f")}, "i", 0},
		{"same start: greater attempt", []fileRow{at("a", StatusOK, 2, 0, "two"), at("a", StatusOK, 1, 0, "one")}, "two", 1},
		{"same start and attempt: later file", []fileRow{at("b", StatusOK, 1, 0, "b"), at("a", StatusOK, 1, 0, "a")}, "b", 1},
		{"same everything: later line", []fileRow{at("a", StatusOK, 1, 0, "first"), at("a", StatusOK, 1, 0, "second")}, "second", 1},
		{"three oks, two duplicates", []fileRow{at("a", StatusOK, 1, 0, "x"), at("b", StatusOK, 1, 0, "y"), at("c", StatusOK, 1, 0, "z")}, "z", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			byFile := make(map[string][]Row)
			for _, fr := range tt.rows {
				byFile[fr.file] = append(byFile[fr.file], fr.row)
			}
			for f, rows := range byFile {
				writeRaw(t, filepath.Join(dir, f+".csv"), fixtureParams, fixtureResults, rows)
			}
			plan := Plan{Digest: "d1", Params: fixtureParams, Jobs: []PlannedJob{{ID: "1", Machine: "alpha", Params: p}}}
			for range 5 { // files are read in parallel: the answer must not vary
				c, err := Collect(plan, []string{dir}, Options{})
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				c.WriteTable(&b)
				recs := readCSV(t, b.Bytes())
				if len(recs) != 2 || recs[1][10] != tt.want || c.Summary.Total.Duplicates != tt.dups {
					t.Fatalf("kept %q with %d duplicates, want %q with %d", recs[1:], c.Summary.Total.Duplicates, tt.want, tt.dups)
				}
			}
		})
	}
}

type fileRow struct {
	file string
	row  Row
}

// TestCollectGrowingFile collects while a writer appends, as jobsplit status
// does during a run: every read succeeds and sees a growing prefix.
func TestCollectGrowingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alpha.csv")
	const n = 200
	plan := Plan{Digest: "d1", Params: fixtureParams}
	for i := range n {
		plan.Jobs = append(plan.Jobs, PlannedJob{ID: fmt.Sprint(i), Machine: "alpha", Params: []string{"x", "y"}})
	}
	w, err := OpenWriter(path, fixtureParams, fixtureResults)
	if err != nil {
		t.Fatal(err)
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer w.Close()
		for i := range n {
			if err := w.Write(row(fmt.Sprint(i), "alpha", StatusOK, 1, 0, []string{"x", "y"}, "1", "a\nlong, \"quoted\" note")); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	last := 0
	for running := true; running; {
		select {
		case <-finished:
			running = false
		default:
		}
		c, err := Collect(plan, []string{path}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Summary.Total.OK < last {
			t.Fatalf("saw %d rows after %d", c.Summary.Total.OK, last)
		}
		last = c.Summary.Total.OK
	}
	if last != n {
		t.Fatalf("after the writer finished: %d rows, want %d", last, n)
	}
}
