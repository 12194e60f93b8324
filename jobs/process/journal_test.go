//go:build linux

package process

import (
	"bufio"
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
