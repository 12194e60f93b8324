package logs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// closedLog writes a log of three runs' worth of records in a fresh folder,
// closing it cleanly, and returns the folder and the log's path.
func closedLog(t *testing.T) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	for run := range 3 {
		w, err := Open(dir, "alpha", testOptions(nil))
		if err != nil {
			t.Fatal(err)
		}
		for j := range 50 {
			w.JobStart("job-"+strings.Repeat("x", j%7), run+1)
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir, filepath.Join(dir, "alpha.jsonl.gz")
}

func reopen(t *testing.T, dir string) (*Writer, error) {
	t.Helper()
	w, err := Open(dir, "alpha", testOptions(nil))
	if err == nil {
		t.Cleanup(func() { w.Close() })
	}
	return w, err
}

// TestCheckedNote: a clean close notes that the whole log is checked, and
// the next Open takes the note's word for it: it does not decompress what
// is before the note's end again (a byte changed there goes unnoticed,
// where without the note Open refuses the log).
func TestCheckedNote(t *testing.T) {
	dir, path := closedLog(t)
	data, _ := os.ReadFile(path)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	end, last := checkedUpTo(f, path, int64(len(data)))
	f.Close()
	if end != int64(len(data)) || last <= 0 {
		t.Fatalf("note says whole up to %d, last member at %d; the log has %d bytes", end, last, len(data))
	}
	damaged := append([]byte{}, data...)
	damaged[20] ^= 0xff // inside the first member
	writeFile(t, dir, "alpha.jsonl.gz", damaged)
	if _, err := reopen(t, dir); err != nil {
		t.Fatalf("with the note: %v", err)
	}
	writeFile(t, dir, "alpha.jsonl.gz", damaged)
	if err := os.Remove(checkedPath(path)); err != nil {
		t.Fatal(err)
	}
	if _, err := reopen(t, dir); err == nil || !strings.Contains(err.Error(), "damaged gzip member at byte") {
		t.Fatalf("without the note: %v, want the damaged member refused", err)
	}
}

// TestCheckedNoteThenKilled: members a killed run appended after the note's
// end, and its torn last member, are checked and repaired as without a note.
func TestCheckedNoteThenKilled(t *testing.T) {
	dir, path := closedLog(t)
	data, _ := os.ReadFile(path)
	before := len(mustGzipLines(t, path))
	torn := gzipMembers(`{"time":"2026-11-21T10:00:00Z","event":"torn"}` + "\n")
	killed := append(append(append([]byte{}, data...),
		gzipMembers(`{"time":"2026-11-21T10:00:00Z","event":"killed"}`+"\n")...), torn[:len(torn)-5]...)
	writeFile(t, dir, "alpha.jsonl.gz", killed)
	w, err := reopen(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Repaired(), "cut its torn last") {
		t.Errorf("Repaired() = %q, want the torn member cut", w.Repaired())
	}
	w.JobStart("after", 4)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := mustGzipLines(t, path)
	if len(lines) != before+3 || !strings.Contains(lines[before], "killed") || !strings.Contains(lines[before+1], "torn") {
		t.Errorf("after the repair: %d records (want %d), the new ones %q", len(lines), before+3, lines[before:])
	}
}

// TestCheckedNoteStale: a note that does not match the log (the log was
// replaced) is ignored, and the whole log is checked.
func TestCheckedNoteStale(t *testing.T) {
	dir, path := closedLog(t)
	data, _ := os.ReadFile(path)
	var chunks []string
	for range 400 {
		chunks = append(chunks, `{"time":"2026-11-21T10:00:00Z","event":"other"}`+"\n")
	}
	other := gzipMembers(chunks...)
	if len(other) <= len(data) {
		t.Fatalf("the replacement (%d bytes) must be longer than the log (%d) for the note to be tried", len(other), len(data))
	}
	other[20] ^= 0xff // damage the first member: only a full check sees it
	writeFile(t, dir, "alpha.jsonl.gz", other)
	if _, err := reopen(t, dir); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open = %v, want the damaged replacement refused", err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(other) {
		t.Error("Open changed a file it refused")
	}
}

// TestCheckedNoteDamagedAfter: a damaged member after the note's end,
// followed by an intact one, is refused as without a note.
func TestCheckedNoteDamagedAfter(t *testing.T) {
	dir, path := closedLog(t)
	data, _ := os.ReadFile(path)
	more := gzipMembers(`{"time":"2026-11-21T10:00:00Z","event":"a"}`+"\n", `{"time":"2026-11-21T10:00:01Z","event":"b"}`+"\n")
	more[15] ^= 0xff
	writeFile(t, dir, "alpha.jsonl.gz", append(append([]byte{}, data...), more...))
	if _, err := reopen(t, dir); err == nil || !strings.Contains(err.Error(), "damaged gzip member at byte") {
		t.Fatalf("Open = %v, want the damaged member refused", err)
	}
}
