package runner

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestSweepKeepsRunningAttemptsFiles: a sweep of the private folder
// removes what ended attempts left, files and folders, and keeps the
// owner file and every file of a running attempt, whether it is still
// running or has ended and its result is not read yet.
func TestSweepKeepsRunningAttemptsFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte("0.5\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var w progressWatch
	running := newAttemptFiles(dir, 1, 1)
	unread := newAttemptFiles(dir, 11, 2)
	ended := newAttemptFiles(dir, 1, 2) // a later attempt's name, not running
	read := newAttemptFiles(dir, 7, 1)
	w.add("a", running)
	w.add("b", unread)
	w.add("c", read)
	w.remove("c", read)
	write(ownerFile)
	for _, f := range []attemptFiles{running, unread, ended, read} {
		write(filepath.Base(f.progress))
		write(filepath.Base(f.result))
	}
	write(filepath.Base(running.result) + ".tmp")
	if err := os.MkdirAll(filepath.Join(dir, "7-1.progress", "sub"), 0o755); err == nil {
		t.Fatal("a file and a folder of one name")
	}
	if err := os.MkdirAll(filepath.Join(dir, "9-1.result.json", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("stray")

	w.sweep(dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{"1-1.progress", "1-1.result.json", "1-1.result.json.tmp", "11-2.progress", "11-2.result.json", ownerFile}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Errorf("left after the sweep: %q\nwant %q", left, want)
	}

	w.remove("a", running)
	w.remove("b", unread)
	w.sweep(dir)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != ownerFile {
		t.Errorf("after the last attempts ended, left %v, want only %s", entries, ownerFile)
	}
}
