//go:build unix

package jobs

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// newProcessGroup puts a job in a process group of its own, so that a
// signal to the group reaches every process the job started.
func newProcessGroup() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// terminateGroup asks every process of the job's group to stop.
func terminateGroup(pgid int) { _ = syscall.Kill(-pgid, syscall.SIGTERM) }

// killGroup stops every process of the job's group at once.
func killGroup(pgid int) { _ = syscall.Kill(-pgid, syscall.SIGKILL) }

func signalOf(state *os.ProcessState) (int, bool) {
	ws, ok := state.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return 0, false
	}
	return int(ws.Signal()), true
}

// groupAlive reports whether any process of the group still runs. A
// zombie does not count: it is dead, only not yet reaped (by init, whose
// child it became), and in a container init may never reap it.
func groupAlive(pgid int) bool {
	if syscall.Kill(-pgid, 0) != nil {
		return false
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true // no /proc to look closer: the group exists
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if state, group, ok := procState(pid); ok && group == pgid && state != "Z" {
			return true
		}
	}
	return false
}

// procState reads a process's state and process group from /proc.
func procState(pid int) (state string, pgrp int, ok bool) {
	fields := procStat(pid)
	if len(fields) < 3 {
		return "", 0, false
	}
	pgrp, err := strconv.Atoi(fields[2])
	return fields[0], pgrp, err == nil
}

// procStat returns the fields of /proc/PID/stat after the command name
// (field 3 onwards), or nil.
func procStat(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	// The command name, field 2, may hold spaces: count after its ')'.
	return strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
}

// processStart is the start time of a process in clock ticks since boot
// (field 22 of /proc/PID/stat), 0 when unknown: with the pid it names one
// process, even after the pid is reused.
func processStart(pid int) uint64 {
	fields := procStat(pid)
	if len(fields) < 20 {
		return 0
	}
	start, _ := strconv.ParseUint(fields[19], 10, 64)
	return start
}

// clearGroupWait bounds how long clearGroup waits for killed leftovers to
// go: a zombie nobody reaps (a container whose init does not) stays a
// group member for ever.
const clearGroupWait = time.Second

// clearGroup kills whatever a finished job left running in its group and
// waits until it is gone, so that when a job counts as ended nothing of it
// still runs.
func clearGroup(pgid int) {
	if syscall.Kill(-pgid, syscall.SIGKILL) != nil {
		return // nothing was left
	}
	deadline := time.Now().Add(clearGroupWait)
	for groupAlive(pgid) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}
