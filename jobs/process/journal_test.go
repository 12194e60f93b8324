//go:build linux

package process

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startGroup starts sh -c script, which must print its child's pid, in a
// process group of its own with env added; it returns the command and the
// child's pid.
func startGroup(t *testing.T, script string, env ...string) (*exec.Cmd, int) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killGroup(cmd.Process.Pid) })
	line, err := bufio.NewReader(out).ReadString('\n')
	child, cerr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || cerr != nil {
		t.Fatalf("no child pid from %q: %v", script, err)
	}
	return cmd, child
}

// running reports whether pid runs (a zombie does not).
func running(pid int) bool {
	state, _, ok := procState(pid)
	return ok && state != "Z"
}

// gone waits up to a second for pid to end.
func gone(pid int) bool {
	for deadline := time.Now().Add(time.Second); running(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// TestStopOrphans: a run killed with -9 left a job whose main process has
// since ended and been reaped, its child still running in the group; and a
// job whose start it never confirmed (killed between fork and writing the
// pid). The next run stops both, and leaves a process of another machine.
func TestStopOrphans(t *testing.T) {
	dir := t.TempDir()
	marks := Marks{Config: filepath.Join(dir, "jobsplit.toml"), Machine: "solo"}
	env := func(job, machine string) []string {
		return []string{"JOBSPLIT_JOB_ID=" + job, "JOBSPLIT_CONFIG=" + marks.Config, "JOBSPLIT_MACHINE=" + machine}
	}
	const script = "sleep 30 & echo $!; wait"

	left, leftChild := startGroup(t, "sleep 30 & echo $!", env("left", "solo")...)
	leftStart := processStart(left.Process.Pid)
	if err := left.Wait(); err != nil { // the main process ends and is reaped
		t.Fatal(err)
	}
	unconfirmed, unconfirmedChild := startGroup(t, script, env("unconfirmed", "solo")...)
	other, _ := startGroup(t, script, env("unconfirmed", "beta")...)

	path := filepath.Join(dir, ".solo.running")
	content := fmt.Sprintf("starting \"left\"\nstart \"left\" %d %d\nstarting \"unconfirmed\"\n", left.Process.Pid, leftStart)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	stopped := stopOrphans(path, time.Second, marks)
	if len(stopped) != 2 {
		t.Errorf("stopped %d groups, want 2: %q", len(stopped), stopped)
	}
	if !gone(leftChild) {
		t.Error("the child a finished job left in its group still runs")
	}
	if !gone(unconfirmed.Process.Pid) || !gone(unconfirmedChild) {
		t.Error("the job whose start was not recorded still runs")
	}
	if !running(other.Process.Pid) {
		t.Error("another machine's job was stopped")
	}
}

// TestStartSpanHoldsStartTime: the span Run hands to Started holds the
// start time /proc gives the process, which is what a later run compares.
func TestStartSpanHoldsStartTime(t *testing.T) {
	for range 20 {
		var start uint64
		var span StartSpan
		out := Run(context.Background(), Spec{
			Args:    []string{"true"},
			Started: func(pid int, s StartSpan) { start, span = processStart(pid), s },
		})
		if !out.OK() {
			t.Fatalf("true failed: %+v", out)
		}
		if start == 0 || !span.Holds(start) {
			t.Fatalf("span %+v does not hold the start time %d", span, start)
		}
	}
}

// TestStopOrphansBySpan: a job a killed run journaled with its start span is
// stopped; a process with the same pid but a start time outside the span
// (the pid was reused) is left alone.
func TestStopOrphansBySpan(t *testing.T) {
	dir := t.TempDir()
	marks := Marks{Config: filepath.Join(dir, "jobsplit.toml"), Machine: "solo"}
	path := filepath.Join(dir, ".solo.running")
	t.Run("same process", func(t *testing.T) {
		from := bootTicks()
		cmd, child := startGroup(t, "sleep 30 & echo $!; wait")
		span := StartSpan{from, bootTicks()}
		j, _, err := OpenJournal(path, time.Second, marks)
		if err != nil {
			t.Fatal(err)
		}
		j.Starting("job")
		j.Started("job", cmd.Process.Pid, span)
		// The run dies here, without closing its journal.
		if stopped := stopOrphans(path, time.Second, marks); len(stopped) != 1 {
			t.Errorf("stopped %q, want the job", stopped)
		}
		if !gone(child) {
			t.Error("the job's child still runs")
		}
	})
	t.Run("pid reused", func(t *testing.T) {
		cmd, child := startGroup(t, "sleep 30 & echo $!; wait")
		start := processStart(cmd.Process.Pid)
		content := fmt.Sprintf("starting \"job\"\nstart \"job\" %d %d %d\n", cmd.Process.Pid, start-200, start-100)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if stopped := stopOrphans(path, time.Second, marks); len(stopped) != 0 {
			t.Errorf("stopped %q, a process that started after the span", stopped)
		}
		if !running(cmd.Process.Pid) || !running(child) {
			t.Error("a process that is not the job's was stopped")
		}
	})
}

// TestJournalExactWhenClockDisagrees: when the first span does not hold
// the start time /proc gives, the journal writes start times read from
// /proc from then on.
func TestJournalExactWhenClockDisagrees(t *testing.T) {
	j, path := newJournal(t)
	cmd, _ := startGroup(t, "echo $$; exec sleep 30")
	pid := cmd.Process.Pid
	j.Started("a", pid, StartSpan{1, 2})
	j.Started("b", pid, StartSpan{1, 2})
	start := processStart(pid)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("start \"a\" %d %d %d\nstart \"b\" %d %d %d\n", pid, start, start, pid, start, start)
	if string(data) != want {
		t.Errorf("journal:\n%s\nwant:\n%s", data, want)
	}
}

// TestJournalEndGoesWithNextLine: an "end" is not written on its own but
// ahead of the next line, in the order the calls came.
func TestJournalEndGoesWithNextLine(t *testing.T) {
	j, path := newJournal(t)
	read := func() string {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	j.Starting("a")
	j.Ended(101)
	j.Ended(102)
	if got, want := read(), "starting \"a\"\n"; got != want {
		t.Fatalf("after Ended, journal %q, want %q (the ends held back)", got, want)
	}
	j.Starting("b")
	j.Ended(103)
	j.Starting("c")
	want := "starting \"a\"\nend 101\nend 102\nstarting \"b\"\nend 103\nstarting \"c\"\n"
	if got := read(); got != want {
		t.Errorf("journal %q, want %q", got, want)
	}
}

// newJournal opens a journal in a temporary folder, closed at the test's
// end, and returns it with its path.
func newJournal(t *testing.T) (*Journal, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), ".solo.running")
	j, _, err := OpenJournal(path, time.Second, Marks{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(j.Close)
	return j, path
}
