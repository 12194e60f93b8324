package process

import (
	"os"
	"syscall"
	"unsafe"
)

// Linux's pidfd_open(2), which the syscall package does not name.
const (
	sysPidfdOpen  = 434
	pidfdNonblock = syscall.O_NONBLOCK
	pPidfd        = 3 // waitid's idtype for a pidfd
)

// awaitExit returns once the child process pid has ended, without reaping
// it (Wait does that, then at once). It waits in the runtime's poller on a
// pidfd, which becomes readable when the process ends. Waiting in Wait
// instead holds a thread in a blocking call for the whole job, and the
// runtime then keeps waking up to hand that thread's work to another one:
// dozens of calls for every job of a sweep of short jobs. Where pidfds are
// missing (Linux before 5.3) it returns at once and Wait waits as before.
func awaitExit(pid int) {
	fd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(pid), pidfdNonblock, 0)
	if errno != 0 {
		return
	}
	f := os.NewFile(fd, "pidfd")
	defer f.Close()
	conn, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = conn.Read(func(fd uintptr) bool { return exited(int(fd)) })
}

// exited reports whether the process of the pidfd has ended (or cannot be
// asked about), leaving it to be reaped.
func exited(pidfd int) bool {
	var info [128]byte // siginfo_t; si_pid is at offset 16 on every Linux
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPidfd, uintptr(pidfd), uintptr(unsafe.Pointer(&info[0])),
			syscall.WEXITED|syscall.WNOHANG|syscall.WNOWAIT, 0, 0)
		switch errno {
		case 0:
			return *(*int32)(unsafe.Pointer(&info[16])) != 0
		case syscall.EINTR:
			continue
		}
		return true // not ours to wait for here: Wait will say
	}
}
