package results

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	fixtureParams  = []string{"x", "label"}
	fixtureResults = []string{"loss", "note"}
)

func TestWriterGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "dir", "alpha.csv")
	rows := []Row{
		row("1", "alpha", StatusOK, 1, 0, []string{"0.5", "plain"}, "0.25", ""),
		row("2", "alpha", StatusFailed, 1, time.Second, []string{"1", "has,comma"}, "", `say "no"`),
		row("2", "alpha", StatusTimeout, 2, 2*time.Second, []string{"1", "has,comma"}),
		row("3", "alpha", StatusInterrupted, 1, 3*time.Second, []string{"-1", "$(rm -rf ~)"}, "", "two\nlines"),
	}
	rows[2].ExitCode = -1
	rows[3].Duration = 17*time.Minute + 3*time.Millisecond
	writeRows(t, path, fixtureParams, fixtureResults, rows...)
	golden(t, "writer.golden.csv", mustRead(t, path))
}

func TestWriterReopenAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alpha.csv")
	writeRows(t, path, fixtureParams, fixtureResults, row("1", "alpha", StatusOK, 1, 0, []string{"a", "b"}))
	writeRows(t, path, fixtureParams, fixtureResults, row("2", "alpha", StatusOK, 1, 0, []string{"a", "b"}))
	recs := readCSV(t, mustRead(t, path))
	if len(recs) != 3 || recs[1][0] != "1" || recs[2][0] != "2" {
		t.Fatalf("records after reopening: %q", recs)
	}
}

func TestOpenWriterRefuses(t *testing.T) {
	fixed := strings.Join(FixedColumns(), ",")
	tests := []struct {
		name, content     string
		wantHeader        bool // a *HeaderError
		wantNotResults    bool
		wantMentionsFile  bool
		params, resultCol []string
	}{
		{"other params", fixed + ",x,other,loss,note\n", true, false, true, fixtureParams, fixtureResults},
		{"fewer results", fixed + ",x,label,loss\n", true, false, true, fixtureParams, fixtureResults},
		{"reordered", fixed + ",label,x,loss,note\n", true, false, true, fixtureParams, fixtureResults},
		{"another tool", "name,value\nfoo,1\n", true, true, true, fixtureParams, fixtureResults},
		{"torn foreign", "name,val", true, true, true, fixtureParams, fixtureResults},
		{"param named status", "", false, false, true, []string{"status"}, nil},
		{"corrupt row mid-file", fixed + ",x,label,loss,note\n1,alpha,o\"k,0,1,2026-11-21T10:00:00Z,1,d1,,,,\n" +
			"2,alpha,ok,0,1,2026-11-21T10:00:00Z,1,d1,,,,\n", false, false, true, fixtureParams, fixtureResults},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "alpha.csv")
			if tt.content != "" {
				if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			w, err := OpenWriter(path, tt.params, tt.resultCol)
			if err == nil {
				w.Close()
				t.Fatal("OpenWriter accepted the file")
			}
			var he *HeaderError
			if errors.As(err, &he) != tt.wantHeader {
				t.Errorf("err = %v, want *HeaderError %v", err, tt.wantHeader)
			}
			if errors.Is(err, ErrNotResults) != tt.wantNotResults {
				t.Errorf("err = %v, want ErrNotResults %v", err, tt.wantNotResults)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			if tt.content != "" && string(mustRead(t, path)) != tt.content {
				t.Errorf("OpenWriter changed a file it refused")
			}
		})
	}
}

func TestWriteBadRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alpha.csv")
	w, err := OpenWriter(path, fixtureParams, fixtureResults)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	good := row("1", "alpha", StatusOK, 1, 0, []string{"a", "b"})
	tests := map[string]func(r *Row){
		"empty id":       func(r *Row) { r.JobID = "" },
		"bad status":     func(r *Row) { r.Status = "done" },
		"short params":   func(r *Row) { r.Params = r.Params[:1] },
		"long results":   func(r *Row) { r.Results = []string{"1", "2", "3"} },
		"missing status": func(r *Row) { r.Status = "" },
	}
	for name, spoil := range tests {
		t.Run(name, func(t *testing.T) {
			r := good
			spoil(&r)
			if err := w.Write(r); err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("Write = %v, want an error naming the file", err)
			}
		})
	}
	if err := w.Write(good); err != nil {
		t.Fatal(err)
	}
	if recs := readCSV(t, mustRead(t, path)); len(recs) != 2 {
		t.Fatalf("%d records, want header and one row", len(recs))
	}
	w.Close()
	if err := w.Write(good); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close = %v, want ErrClosed", err)
	}
}

func TestWriterConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alpha.csv")
	w, err := OpenWriter(path, fixtureParams, fixtureResults)
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("%d-%d", g, i)
				long := strings.Repeat("v,\"\n", 2000) // rows larger than any buffer
				if err := w.Write(row(id, "alpha", StatusOK, 1, 0, []string{id, long}, id, "")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, mustRead(t, path))
	if len(recs) != workers*each+1 {
		t.Fatalf("%d records, want %d", len(recs), workers*each+1)
	}
	seen := make(map[string]bool)
	for _, rec := range recs[1:] {
		if rec[8] != rec[0] || rec[10] != rec[0] || seen[rec[0]] {
			t.Fatalf("interleaved or repeated row: %q", rec[:9])
		}
		seen[rec[0]] = true
	}
}

// faultyFile fails its writes or syncs on demand.
type faultyFile struct {
	*os.File
	failWrite bool // write half the data, then fail with ENOSPC
	failSync  bool
	failTrunc bool
}

func (f *faultyFile) Truncate(size int64) error {
	if f.failTrunc {
		return syscall.EIO
	}
	return f.File.Truncate(size)
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if f.failWrite {
		n, _ := f.File.Write(p[:len(p)/2])
		return n, syscall.ENOSPC
	}
	return f.File.Write(p)
}

func (f *faultyFile) Sync() error {
	if f.failSync {
		return syscall.EIO
	}
	return f.File.Sync()
}

func TestWriteFaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alpha.csv")
	w, err := OpenWriter(path, fixtureParams, fixtureResults)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ff := &faultyFile{File: w.f.(*os.File)}
	w.f = ff
	write := func(id string) error {
		return w.Write(row(id, "alpha", StatusOK, 1, 0, []string{"a", "b"}, "1", "x"))
	}
	if err := write("1"); err != nil {
		t.Fatal(err)
	}
	before := mustRead(t, path)

	ff.failWrite = true
	err = write("2")
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Write on a full disk = %v, want ENOSPC naming the file", err)
	}
	if after := mustRead(t, path); string(after) != string(before) {
		t.Fatalf("a failed write left bytes behind:\n%q", after[len(before):])
	}
	ff.failWrite = false
	if err := write("3"); err != nil {
		t.Fatalf("Write after space came back: %v", err)
	}
	before = mustRead(t, path)

	ff.failSync = true
	if err := write("4"); !errors.Is(err, syscall.EIO) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Write with a failing sync = %v, want EIO naming the file", err)
	}
	if after := mustRead(t, path); string(after) != string(before) {
		t.Fatalf("an unsynced row stayed in the file")
	}
	ff.failSync = false
	if err := write("5"); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Write after a failed sync = %v, want the sticky EIO", err)
	}
	done, err := ReadDone(path, idList{"1", "2", "3", "4", "5"})
	if err != nil || !slices.Equal(slices.Sorted(maps.Keys(doneJobs(t, done, idList{"1", "2", "3", "4", "5"}))), []string{"1", "3"}) || done.Repaired != "" {
		t.Fatalf("ReadDone after faults: %+v, %v; want jobs 1 and 3, no repair", done, err)
	}
}

// TestWriteFaultThenReopen leaves a partial row that could not be removed:
// the writer refuses further rows, and reopening repairs the file.
func TestWriteFaultThenReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alpha.csv")
	w, err := OpenWriter(path, fixtureParams, fixtureResults)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(row("1", "alpha", StatusOK, 1, 0, []string{"a", "b"})); err != nil {
		t.Fatal(err)
	}
	w.f = &faultyFile{File: w.f.(*os.File), failWrite: true, failTrunc: true}
	if err := w.Write(row("2", "alpha", StatusOK, 1, 0, []string{"a", "b"})); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Write = %v, want ENOSPC", err)
	}
	w.f.(*faultyFile).failWrite = false
	if err := w.Write(row("3", "alpha", StatusOK, 1, 0, []string{"a", "b"})); err == nil {
		t.Fatal("Write after a partial row that could not be removed succeeded")
	}
	w.Close()
	done, err := ReadDone(path, idList{"1", "2", "3"})
	if err != nil || done.Len() != 1 || done.Repaired == "" {
		t.Fatalf("ReadDone = %+v, %v; want job 1 and a warning about the torn row", done, err)
	}
	w, err = OpenWriter(path, fixtureParams, fixtureResults)
	if err != nil || w.Repaired() == "" {
		t.Fatalf("reopen: %v, repaired %q", err, w.Repaired())
	}
	defer w.Close()
	if err := w.Write(row("2", "alpha", StatusOK, 1, 0, []string{"a", "b"})); err != nil {
		t.Fatal(err)
	}
	if recs := readCSV(t, mustRead(t, path)); len(recs) != 3 || recs[2][0] != "2" {
		t.Fatalf("after reopening: %q", recs)
	}
}
