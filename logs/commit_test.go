package logs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestCommitWritesAndSyncs reads the file while the Writer is open, as after
// a kill -9: nothing logged is there before Commit (the periodic flush never
// ticks here), everything is after it, synced once; a second Commit with
// nothing new costs nothing.
func TestCommitWritesAndSyncs(t *testing.T) {
	var syncs atomic.Int32
	opts := testOptions(nil)
	opts.NoSync = false
	opts.syncFile = func(*os.File) error { syncs.Add(1); return nil }
	w, dir := openTest(t, "alpha", opts)
	path := filepath.Join(dir, "alpha.jsonl.gz")
	w.RunStart(RunStart{Version: "1", Digest: "d", Share: 2, Workers: 1})
	w.JobStart("1", 1)
	w.Output("1", StreamStdout, []byte("hello"), false)
	w.JobEnd(JobEnd{Job: "1", Attempt: 1, Status: "ok"})
	if got := mustGzipLines(t, path); len(got) != 0 {
		t.Fatalf("records reached the file before Commit: %q", got)
	}
	for i := range 2 {
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := mustGzipLines(t, path); len(got) != 4 {
			t.Fatalf("after Commit %d the file holds %d records, want 4", i+1, len(got))
		}
		if n := syncs.Load(); n != 1 {
			t.Errorf("after Commit %d: %d syncs, want 1", i+1, n)
		}
	}
}

// TestCommitGroups holds one Commit in its sync while other jobs log and
// commit: all of them are covered by a single further member and sync.
func TestCommitGroups(t *testing.T) {
	const followers = 20
	var syncs atomic.Int32
	inSync, release := make(chan struct{}), make(chan struct{})
	opts := testOptions(nil)
	opts.NoSync = false
	opts.syncFile = func(*os.File) error {
		if syncs.Add(1) == 1 {
			close(inSync)
			<-release
		}
		return nil
	}
	w, dir := openTest(t, "alpha", opts)
	leader := make(chan error)
	go func() {
		w.JobStart("leader", 1)
		leader <- w.Commit()
	}()
	<-inSync
	var logged, committed sync.WaitGroup
	errs := make(chan error, followers)
	for i := range followers {
		logged.Add(1)
		committed.Add(1)
		go func() {
			defer committed.Done()
			w.JobEnd(JobEnd{Job: fmt.Sprint(i), Attempt: 1, Status: "ok"})
			logged.Done()
			errs <- w.Commit()
		}()
	}
	logged.Wait()
	close(release)
	if err := <-leader; err != nil {
		t.Fatal(err)
	}
	committed.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := syncs.Load(); n != 2 {
		t.Errorf("%d syncs for 1 + %d commits, want 2", n, followers)
	}
	data, err := os.ReadFile(filepath.Join(dir, "alpha.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if members := countMembers(t, data); members != 2 {
		t.Errorf("file holds %d gzip members, want 2", members)
	}
	if got := mustGzipLines(t, filepath.Join(dir, "alpha.jsonl.gz")); len(got) != 1+followers {
		t.Errorf("file holds %d records, want %d", len(got), 1+followers)
	}
}

// countMembers counts the complete gzip members of data.
func countMembers(t *testing.T, data []byte) int {
	t.Helper()
	n := 0
	for off := int64(0); off < int64(len(data)); n++ {
		end, ok := memberEnd(strings.NewReader(string(data)), off, int64(len(data)))
		if !ok {
			t.Fatalf("no complete gzip member at byte %d", off)
		}
		off = end
	}
	return n
}

// TestWriterErrorSticks writes to a log on /dev/full, which refuses every
// write with ENOSPC: the first error names the file and the cause, and
// every later call returns it.
func TestWriterErrorSticks(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	dir := t.TempDir()
	if err := os.Symlink("/dev/full", filepath.Join(dir, "alpha.jsonl.gz")); err != nil {
		t.Fatal(err)
	}
	w, err := Open(dir, "alpha", testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	w.JobStart("1", 1)
	first := w.Commit()
	want := "write log " + filepath.Join(dir, "alpha.jsonl.gz") + ": no space left on device"
	if first == nil || first.Error() != want {
		t.Fatalf("Commit = %v, want %q", first, want)
	}
	calls := map[string]func() error{
		"JobStart": func() error { return w.JobStart("2", 1) },
		"Output":   func() error { return w.Output("2", StreamStdout, []byte("x"), false) },
		"JobEnd":   func() error { return w.JobEnd(JobEnd{Job: "2", Status: "ok"}) },
		"Commit":   w.Commit,
		"Flush":    w.Flush,
		"Close":    w.Close,
		"Close2":   w.Close,
	}
	for _, name := range []string{"JobStart", "Output", "JobEnd", "Commit", "Flush", "Close", "Close2"} {
		if err := calls[name](); !errors.Is(err, first) {
			t.Errorf("%s after the failed write = %v, want %v", name, err, first)
		}
	}
}
