package process

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

const fastWaits = true

// rawEpollWait is epoll_wait without telling the runtime that the thread
// sleeps: the goroutine keeps its P meanwhile. msec must be positive.
func rawEpollWait(epfd int, events []syscall.EpollEvent, msec int) (int, error) {
	n, _, errno := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd),
		uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(msec), 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(n), nil
}
