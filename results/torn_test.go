package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tornFixture writes a results file whose last row has quoted fields with
// newlines, commas and quotes, and returns its bytes and where the last row starts.
func tornFixture(t *testing.T) (full []byte, lastRow int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "alpha.csv")
	writeRows(t, path, fixtureParams, fixtureResults,
		row("1", "alpha", StatusOK, 1, 0, []string{"1", "one"}, "0.1", ""),
		row("2", "alpha", StatusFailed, 1, 0, []string{"2", "two"}, "", ""))
	prefix := mustRead(t, path)
	writeRows(t, path, fixtureParams, fixtureResults,
		row("3", "alpha", StatusOK, 1, 0, []string{"3", "a,\"b\"\nc"}, "0.3", "x\n\"y\",\nz"))
	return mustRead(t, path), len(prefix)
}

var tornPlan = Plan{Digest: "d1", Params: fixtureParams, Jobs: []PlannedJob{
	{ID: "1", Machine: "alpha", Params: []string{"1", "one"}},
	{ID: "2", Machine: "alpha", Params: []string{"2", "two"}},
	{ID: "3", Machine: "alpha", Params: []string{"3", "a,\"b\"\nc"}},
}}

// TestTornLastRow cuts the file at every byte of its last row: readers skip
// the torn row with a warning, and the writer cuts it off and appends cleanly.
func TestTornLastRow(t *testing.T) {
	full, lastRow := tornFixture(t)
	dir := t.TempDir()
	for cut := lastRow; cut <= len(full); cut++ {
		path := filepath.Join(dir, "alpha.csv")
		if err := os.WriteFile(path, full[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		torn := cut != lastRow && cut != len(full)
		wantJobs := 2
		if cut == len(full) {
			wantJobs = 3
		}

		done, err := ReadDone(path, idList{"1", "2", "3"})
		if err != nil {
			t.Fatalf("cut %d: ReadDone: %v", cut, err)
		}
		if done.Len() != wantJobs || (done.Repaired != "") != torn {
			t.Fatalf("cut %d: ReadDone saw %d jobs, warning %q; want %d jobs, torn %v", cut, done.Len(), done.Repaired, wantJobs, torn)
		}

		c, err := Collect(tornPlan, []string{path}, Options{})
		if err != nil {
			t.Fatalf("cut %d: Collect: %v", cut, err)
		}
		if c.Summary.Total.OK+c.Summary.Total.Failed != wantJobs || (len(c.Warnings) > 0) != torn {
			t.Fatalf("cut %d: Collect kept %+v, warnings %q", cut, c.Summary.Total, c.Warnings)
		}
		if torn && !strings.Contains(c.Warnings[0], path) {
			t.Fatalf("cut %d: warning does not name the file: %q", cut, c.Warnings[0])
		}

		// The writer finds the torn row by itself, and also when it takes
		// ReadDone's word for where the complete rows end.
		for _, after := range []*Done{nil, done} {
			if err := os.WriteFile(path, full[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			if after != nil {
				if after, err = ReadDone(path, idList{"1", "2", "3"}); err != nil {
					t.Fatal(err)
				}
			}
			w, err := OpenWriterAfter(path, fixtureParams, fixtureResults, after)
			if err != nil {
				t.Fatalf("cut %d: OpenWriter: %v", cut, err)
			}
			if (w.Repaired() != "") != torn {
				t.Fatalf("cut %d: Repaired() = %q, want torn %v", cut, w.Repaired(), torn)
			}
			if err := w.Write(row("4", "alpha", StatusOK, 1, 0, []string{"4", "four"})); err != nil {
				t.Fatal(err)
			}
			w.Close()
			got := mustRead(t, path)
			keep := lastRow
			if cut == len(full) {
				keep = len(full)
			}
			if string(got[:keep]) != string(full[:keep]) {
				t.Fatalf("cut %d: the writer changed complete rows", cut)
			}
			recs := readCSV(t, got)
			if len(recs) != wantJobs+2 || recs[len(recs)-1][0] != "4" {
				t.Fatalf("cut %d: after repair and append: %q", cut, recs)
			}
		}
	}
}

// TestWriterAfterChangedFile: a file that changed after ReadDone read it
// (here a torn row appended) is read through again, not taken on done's word.
func TestWriterAfterChangedFile(t *testing.T) {
	full, lastRow := tornFixture(t)
	path := filepath.Join(t.TempDir(), "alpha.csv")
	if err := os.WriteFile(path, full[:lastRow], 0o644); err != nil {
		t.Fatal(err)
	}
	done, err := ReadDone(path, idList{"1", "2", "3"})
	if err != nil || done.Repaired != "" {
		t.Fatalf("ReadDone: %v, warning %q", err, done.Repaired)
	}
	if err := os.WriteFile(path, full[:lastRow+7], 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := OpenWriterAfter(path, fixtureParams, fixtureResults, done)
	if err != nil {
		t.Fatal(err)
	}
	if w.Repaired() == "" {
		t.Error("the torn row written after ReadDone was not cut")
	}
	if err := w.Write(row("4", "alpha", StatusOK, 1, 0, []string{"4", "four"})); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if recs := readCSV(t, mustRead(t, path)); len(recs) != 4 || recs[3][0] != "4" {
		t.Fatalf("after repair and append: %q", recs)
	}
}

// TestTornHeader cuts a new file inside its header: the writer rewrites the
// header, readers see an empty file (ReadDone with a warning, Collect an error).
func TestTornHeader(t *testing.T) {
	full, _ := tornFixture(t)
	headerLen := strings.IndexByte(string(full), '\n') + 1
	dir := t.TempDir()
	for cut := 1; cut < headerLen; cut++ {
		path := filepath.Join(dir, "alpha.csv")
		if err := os.WriteFile(path, full[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		done, err := ReadDone(path, idList{"1", "2", "3"})
		if err != nil || done.Len() != 0 || done.Repaired == "" {
			t.Fatalf("cut %d: ReadDone = %+v, %v; want empty with a warning", cut, done, err)
		}
		if _, err := Collect(tornPlan, []string{path}, Options{}); err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("cut %d: Collect = %v, want an error naming the file", cut, err)
		}
		w, err := OpenWriter(path, fixtureParams, fixtureResults)
		if err != nil {
			t.Fatalf("cut %d: OpenWriter: %v", cut, err)
		}
		w.Close()
		if w.Repaired() == "" || string(mustRead(t, path)) != string(full[:headerLen]) {
			t.Fatalf("cut %d: header not repaired: %q", cut, mustRead(t, path))
		}
	}
}
