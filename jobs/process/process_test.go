//go:build unix

package process

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer collects a job's output from the pipe goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// eachWait runs test with the worker waiting in the runtime's poller, then
// with a fast wait (where there are fast waits).
func eachWait(t *testing.T, test func(t *testing.T)) {
	t.Helper()
	t.Run("poller", test)
	t.Run("fast", func(t *testing.T) {
		release := ReserveFastWaits(1)
		defer release()
		before := fast.taken.Load()
		test(t)
		if fastWaits && fast.taken.Load() == before {
			t.Error("no fast wait was taken")
		}
	})
}

func TestRunProcessOutcomes(t *testing.T) { eachWait(t, testRunProcessOutcomes) }

func testRunProcessOutcomes(t *testing.T) {
	tests := []struct {
		name     string
		script   string
		timeout  time.Duration
		stopped  Stop
		exitCode int
	}{
		{"ok", "exit 0", 0, NotStopped, 0},
		{"failed", "exit 3", 0, NotStopped, 3},
		{"killed by a signal", "kill -9 $$", 0, NotStopped, 137},
		{"timeout", "sleep 5", 100 * time.Millisecond, TimedOut, 128 + 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Run(context.Background(), Spec{
				Args: []string{"sh", "-c", tt.script}, Timeout: tt.timeout, Grace: time.Second,
			})
			if out.Stopped != tt.stopped || out.ExitCode != tt.exitCode || out.OK() != (tt.exitCode == 0) {
				t.Errorf("got %q/%d, want %q/%d", out.Stopped, out.ExitCode, tt.stopped, tt.exitCode)
			}
		})
	}
}

func TestRunProcessMissingCommand(t *testing.T) {
	out := Run(context.Background(), Spec{Args: []string{"./no-such-program"}})
	if out.OK() || out.ExitCode != 127 || out.Err == nil {
		t.Errorf("got %d/%v, want 127 with an error", out.ExitCode, out.Err)
	}
}

func TestRunProcessCapturesBothStreams(t *testing.T) {
	eachWait(t, testRunProcessCapturesBothStreams)
}

func testRunProcessCapturesBothStreams(t *testing.T) {
	var stdout, stderr lockedBuffer
	out := Run(context.Background(), Spec{
		Args:   []string{"sh", "-c", "echo out; echo err >&2; printf tail"},
		Stdout: &stdout, Stderr: &stderr,
	})
	if !out.OK() {
		t.Fatalf("ended %+v", out)
	}
	if stdout.String() != "out\ntail" || stderr.String() != "err\n" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
}

// TestTimeoutStopsGrandchildrenIgnoringTERM: a job whose children ignore
// SIGTERM is timed out, and nothing of it is left running.
func TestTimeoutStopsGrandchildrenIgnoringTERM(t *testing.T) {
	eachWait(t, testTimeoutStopsGrandchildrenIgnoringTERM)
}

func testTimeoutStopsGrandchildrenIgnoringTERM(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	script := `trap '' TERM; (trap '' TERM; sleep 30 & echo $! >>` + pidFile + `; wait) & echo $! >>` + pidFile + `; sleep 30 & echo $! >>` + pidFile + `; wait`
	start := time.Now()
	out := Run(context.Background(), Spec{
		Args: []string{"sh", "-c", script}, Timeout: 300 * time.Millisecond, Grace: 200 * time.Millisecond,
	})
	if out.Stopped != TimedOut {
		t.Fatalf("stopped %q, want timeout", out.Stopped)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %s: the group was not killed after the grace period", elapsed)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pids := strings.Fields(string(data))
	if len(pids) != 3 {
		t.Fatalf("pids %q, want 3", pids)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("process %s of the timed-out job still runs", pid)
		}
	}
}

func TestInterruptStopsJob(t *testing.T) { eachWait(t, testInterruptStopsJob) }

func testInterruptStopsJob(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() { <-started; cancel() }()
	out := Run(ctx, Spec{
		Args: []string{"sleep", "30"}, Grace: time.Second,
		Started: func(int, StartSpan) { close(started) },
	})
	if out.Stopped != Interrupted {
		t.Errorf("stopped %q, want interrupted", out.Stopped)
	}
}

// alive reports whether a process exists and is not a zombie.
func alive(pid string) bool {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// TestRunProcessRelativeToDir: a program named ./prog.sh is the one in the
// job's directory, not in jobsplit's (it failed with 127 when jobsplit ran
// elsewhere, with --config dir/jobsplit.toml).
func TestRunProcessRelativeToDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prog.sh"), []byte("#!/bin/sh\nexit 7\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := Run(context.Background(), Spec{Args: []string{"./prog.sh"}, Dir: dir})
	if out.ExitCode != 7 || out.Err != nil {
		t.Errorf("got %d/%v, want 7 from ./prog.sh in %s", out.ExitCode, out.Err, dir)
	}
}
