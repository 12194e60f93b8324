//go:build windows

package process

import (
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Windows has neither process groups nor SIGTERM. A job starts in a new
// console process group, so that a Ctrl-C typed at jobsplit reaches
// jobsplit alone, as it does on unix. Stopping a job (timeout, Ctrl-C)
// terminates at once, with no grace period, its main process and every
// descendant alive at that moment, found by parent process id. What a job
// leaves running after its main process ended on its own is not killed: a
// Job Object would catch it, but os/exec gives no hook between starting the
// process and its first child, and a process id may be reused once the main
// process is gone, so jobsplit kills nothing by a dead job's id.

// newProcessGroup starts a job in a console process group of its own.
func newProcessGroup() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// stopping holds the jobs being stopped and when stopping began: a process
// created later under the same id is another process and is left alone.
var stopping = struct {
	sync.Mutex
	since map[int]time.Time
}{since: map[int]time.Time{}}

// terminateGroup stops the job and its descendants at once.
func terminateGroup(pid int) {
	now := time.Now()
	stopping.Lock()
	stopping.since[pid] = now
	stopping.Unlock()
	killTree(pid, now)
}

// killGroup stops a job that terminateGroup could not stop, once; for a job
// that was never being stopped it does nothing (see above).
func killGroup(pid int) {
	stopping.Lock()
	since, ok := stopping.since[pid]
	delete(stopping.since, pid)
	stopping.Unlock()
	if ok {
		killTree(pid, since)
	}
}

// signalOf reports no signal: Windows processes end with an exit code.
func signalOf(*os.ProcessState) (int, bool) { return 0, false }

// killTree terminates the process pid, if it is a child of jobsplit
// created before the given time, and its descendants. A descendant is
// recognised by its parent's id and a creation time no earlier than its
// parent's, which rules out a stale parent id that was reused.
func killTree(pid int, before time.Time) {
	root, ok := openProcess(uint32(pid))
	if !ok {
		return
	}
	defer syscall.CloseHandle(root.handle)
	parents, children := processTree()
	if root.created.After(before) || parents[uint32(pid)] != uint32(os.Getpid()) {
		return
	}
	victims := []process{root}
	seen := map[uint32]bool{root.pid: true}
	for i := 0; i < len(victims); i++ {
		for _, child := range children[victims[i].pid] {
			if seen[child] {
				continue
			}
			seen[child] = true
			p, ok := openProcess(child)
			if !ok {
				continue
			}
			if p.created.Before(victims[i].created) {
				syscall.CloseHandle(p.handle)
				continue
			}
			victims = append(victims, p)
		}
	}
	// The root first, so that it starts nothing more.
	for i, p := range victims {
		_ = syscall.TerminateProcess(p.handle, 1)
		if i > 0 {
			syscall.CloseHandle(p.handle)
		}
	}
}

// process is an open process with its creation time.
type process struct {
	pid     uint32
	handle  syscall.Handle
	created time.Time
}

func openProcess(pid uint32) (process, bool) {
	const queryLimited = 0x1000 // PROCESS_QUERY_LIMITED_INFORMATION
	h, err := syscall.OpenProcess(syscall.PROCESS_TERMINATE|queryLimited, false, pid)
	if err != nil {
		return process{}, false
	}
	var created, exited, kernel, user syscall.Filetime
	if err := syscall.GetProcessTimes(h, &created, &exited, &kernel, &user); err != nil {
		syscall.CloseHandle(h)
		return process{}, false
	}
	return process{pid: pid, handle: h, created: time.Unix(0, created.Nanoseconds())}, true
}

// processTree maps each running process to its parent, and each parent
// to its children.
func processTree() (parents map[uint32]uint32, children map[uint32][]uint32) {
	parents, children = map[uint32]uint32{}, map[uint32][]uint32{}
	snapshot, err := syscall.CreateToolhelp32Snapshot(syscall.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return parents, children
	}
	defer syscall.CloseHandle(snapshot)
	var e syscall.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	for err = syscall.Process32First(snapshot, &e); err == nil; err = syscall.Process32Next(snapshot, &e) {
		parents[e.ProcessID] = e.ParentProcessID
		children[e.ParentProcessID] = append(children[e.ParentProcessID], e.ProcessID)
	}
	return parents, children
}

// groupAlive cannot tell on Windows; orphans of a killed run are not
// looked for there.
func groupAlive(int) bool { return false }

// groupsOfJobs cannot read other processes' environment on Windows.
func groupsOfJobs(map[string]bool, Marks) map[int]string { return nil }

// leftInGroup cannot tell on Windows.
func leftInGroup(int, uint64) bool { return false }

// processStart is unknown on Windows, which turns off the orphan check.
func processStart(int) uint64 { return 0 }

// clearGroup kills what a finished job left running, as far as Windows
// lets us find it (see killGroup).
func clearGroup(pid int) { killGroup(pid) }

// processExists cannot tell here without more system calls: a process is
// taken to exist, so that nothing of a live run is removed.
func processExists(int) bool { return true }
