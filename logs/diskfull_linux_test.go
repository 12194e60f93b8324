//go:build linux

package logs

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of size on a new folder, unmounted when the test
// ends. It needs root: without it the test skips, unless
// JOBSPLIT_TEST_DISKFULL is set (CI sets it), which makes it a failure.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if v := os.Getenv("JOBSPLIT_TEST_DISKFULL"); v != "" && v != "0" {
			t.Fatal("JOBSPLIT_TEST_DISKFULL is set but the tests do not run as root, which mounting a small file system needs")
		}
		t.Skip("needs root to mount a small tmpfs (JOBSPLIT_TEST_DISKFULL=1 makes this a failure)")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Fatalf("mount tmpfs of %s on %s: %v", size, dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// TestWriterDiskFull fills a real 64 KiB file system with a job's output,
// committing after every record: the first failed write is the Writer's
// error, naming the file and the kernel's cause, every later call returns
// it, every committed record reads back, and once there is room again the
// next Open cuts the torn member (keeping what of it reads back) and
// appends after it.
func TestWriterDiskFull(t *testing.T) {
	dir := mountTmpfs(t, "64k")
	opts := Options{} // fsync and all, as jobsplit run opens it
	w, err := Open(dir, "alpha", opts)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "alpha.jsonl.gz")
	rng := rand.New(rand.NewPCG(3, 4))
	line := make([]byte, 700)
	committed := 0
	var first error
	for i := 0; i < 10000 && first == nil; i++ {
		for j := range line {
			line[j] = 'a' + byte(rng.IntN(26)) // barely compressible
		}
		if first = w.Output("1", StreamStdout, line, false); first == nil {
			if first = w.Commit(); first == nil {
				committed++
			}
		}
	}
	want := "write log " + path + ": no space left on device"
	if first == nil || first.Error() != want {
		t.Fatalf("writing 7 MB to a 64 KiB disk: error %v, want %q", first, want)
	}
	if !errors.Is(first, syscall.ENOSPC) {
		t.Errorf("error %v does not wrap ENOSPC", first)
	}
	if committed < 10 {
		t.Errorf("only %d records committed before the disk was full", committed)
	}
	for name, call := range map[string]func() error{
		"JobStart": func() error { return w.JobStart("2", 1) },
		"Output":   func() error { return w.Output("1", StreamStdout, []byte("x"), false) },
		"Commit":   w.Commit,
		"Close":    w.Close,
	} {
		if err := call(); err != first {
			t.Errorf("%s after the disk filled = %v, want the first error", name, err)
		}
	}
	raws, warnings, err := readAll(t, path)
	if err != nil {
		t.Fatal(err)
	}
	// The failed commit's member is torn. Where the disk filled within its
	// last bytes (the gzip trailer), its record is whole and reads back, as
	// every complete record before a torn tail does; the reader then says
	// it found a torn tail.
	if len(raws) < committed || len(raws) > committed+1 {
		t.Errorf("read %d records back, want the %d committed (warnings: %q)", len(raws), committed, warnings)
	} else if len(raws) > committed && len(warnings) == 0 {
		t.Errorf("read the failed commit's record back, with no torn tail reported")
	}

	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, "size=1m"); err != nil {
		t.Fatalf("remount: %v", err)
	}
	w, err = Open(dir, "alpha", opts)
	if err != nil {
		t.Fatal(err)
	}
	w.JobStart("2", 1)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := mustGzipLines(t, path)
	if len(lines) != len(raws)+1 {
		t.Errorf("after the repair the log holds %d records, want %d", len(lines), len(raws)+1)
	}
	if got := decodeJSON(t, lines[len(lines)-1])["job"]; got != "2" {
		t.Errorf("last record is of job %v, want 2", got)
	}
}
