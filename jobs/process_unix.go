//go:build unix

package jobs

import (
	"os"
	"syscall"
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
