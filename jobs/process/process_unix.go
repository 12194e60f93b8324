//go:build unix

package process

import (
	"bytes"
	"errors"
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

// exitCode is a wait status as shells report it: the exit code, or
// 128+signal when a signal ended the process.
func exitCode(status syscall.WaitStatus) int {
	switch {
	case status.Exited():
		return status.ExitStatus()
	case status.Signaled():
		return 128 + int(status.Signal())
	}
	return -1
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
	data := readProc("/proc/" + strconv.Itoa(pid) + "/stat")
	if data == nil {
		return nil
	}
	// The command name, field 2, may hold spaces: count after its ')'.
	return strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
}

// readProc reads a small file of /proc (at most 1 KiB), or returns nil. It
// goes to the system directly: a run reads one for every job it starts,
// and os.ReadFile would add five calls to the three needed.
func readProc(path string) []byte {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	buf := make([]byte, 1024)
	n := 0
	for n < len(buf) {
		k, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil
		}
		if k == 0 {
			return buf[:n]
		}
		n += k
	}
	return nil // longer than any stat line: not what was asked for
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

// leftInGroup reports whether process group pgid, whose leader started at
// leaderStart and is gone, still has members that its job left: a process
// group keeps its id from being reused while it has members, so a group
// pgid that lives on is the job's, unless the job's group died out and a
// new process took the id for a group of its own and left it. Such a
// stranger is told apart as well as /proc can: a daemon's group is its
// own session, and every member of the job's group started after its
// leader.
func leftInGroup(pgid int, leaderStart uint64) bool {
	entries, err := os.ReadDir("/proc")
	if err != nil || leaderStart == 0 {
		return false
	}
	found := false
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		fields := procStat(pid)
		if len(fields) < 20 || fields[2] != strconv.Itoa(pgid) || fields[0] == "Z" {
			continue
		}
		start, _ := strconv.ParseUint(fields[19], 10, 64)
		if fields[3] == fields[2] || start < leaderStart {
			return false
		}
		found = true
	}
	return found
}

// groupsOfJobs finds the processes of the given jobs of a machine's runs
// by their environment (JOBSPLIT_JOB_ID, JOBSPLIT_CONFIG and
// JOBSPLIT_MACHINE), and returns their process groups with the job of each.
func groupsOfJobs(jobs map[string]bool, marks Marks) map[int]string {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	config, machine := []byte("JOBSPLIT_CONFIG="+marks.Config), []byte("JOBSPLIT_MACHINE="+marks.Machine)
	self, own := os.Getpid(), syscall.Getpgrp()
	groups := map[int]string{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil || !bytes.Contains(env, machine) {
			continue
		}
		job, sameConfig, sameMachine := "", false, false
		for _, v := range bytes.Split(env, []byte{0}) {
			if id, ok := bytes.CutPrefix(v, []byte("JOBSPLIT_JOB_ID=")); ok {
				job = string(id)
			}
			sameConfig = sameConfig || bytes.Equal(v, config)
			sameMachine = sameMachine || bytes.Equal(v, machine)
		}
		if !sameConfig || !sameMachine || !jobs[job] {
			continue
		}
		if _, pgid, ok := procState(pid); ok && pgid > 1 && pgid != own {
			groups[pgid] = job
		}
	}
	return groups
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

// processExists reports whether a process with this id exists.
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
