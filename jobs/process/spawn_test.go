//go:build unix

package process

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestRunLargeOutputBothStreams: a job that writes far more than a pipe
// holds to both streams at once gets all of it read, in order, and ends.
func TestRunLargeOutputBothStreams(t *testing.T) { eachWait(t, testRunLargeOutputBothStreams) }

func testRunLargeOutputBothStreams(t *testing.T) {
	var stdout, stderr lockedBuffer
	const lines = 40000 // about 1 MiB a stream, 16 pipes' worth
	script := "seq 1 " + strconv.Itoa(lines) + " | sed 's/^/out /' & seq 1 " + strconv.Itoa(lines) + " | sed 's/^/err /' >&2; wait"
	out := Run(context.Background(), Spec{Args: []string{"sh", "-c", script}, Stdout: &stdout, Stderr: &stderr})
	if !out.OK() {
		t.Fatalf("ended %+v", out)
	}
	for name, got := range map[string]string{"out": stdout.String(), "err": stderr.String()} {
		var want strings.Builder
		for i := 1; i <= lines; i++ {
			want.WriteString(name + " " + strconv.Itoa(i) + "\n")
		}
		if got != want.String() {
			t.Errorf("std%s: got %d bytes, want %d", name, len(got), want.Len())
		}
	}
}

// TestRunOutputHeldByDetachedProcess: a job that leaves a process of
// another session holding its stdout still ends, with the output it wrote:
// the read of the pipe gives up drainTimeout after the job's group is gone,
// while that process still runs.
func TestRunOutputHeldByDetachedProcess(t *testing.T) {
	eachWait(t, testRunOutputHeldByDetachedProcess)
}

func testRunOutputHeldByDetachedProcess(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	var stdout lockedBuffer
	// The job waits until the process is in a session of its own, out of
	// reach of the kill that clears the job's group.
	script := `echo first; setsid sh -c 'echo $$ >"$0"; exec sleep 60' "$1" & ` +
		`while [ ! -s "$1" ]; do sleep 0.01; done; echo last`
	out := Run(context.Background(), Spec{Args: []string{"sh", "-c", script, "sh", pidFile}, Stdout: &stdout})
	data, _ := os.ReadFile(pidFile)
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatalf("no pid of the detached process: %q", data)
	}
	defer syscall.Kill(pid, syscall.SIGKILL)
	if !out.OK() || stdout.String() != "first\nlast\n" {
		t.Errorf("ended %+v with stdout %q", out, stdout.String())
	}
	if syscall.Kill(pid, 0) != nil {
		t.Error("the detached process ended: the test did not hold the pipe open")
	}
}

// TestRunStartFailure: a program the system cannot run ends with 126 and
// an error that names it.
func TestRunStartFailure(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "prog")
	if err := os.WriteFile(prog, []byte("\x7fELF not a program"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := Run(context.Background(), Spec{Args: []string{prog}})
	if out.ExitCode != 126 || out.Err == nil || !strings.Contains(out.Err.Error(), prog) {
		t.Errorf("got %d/%v, want 126 with an error naming %s", out.ExitCode, out.Err, prog)
	}
}
