//go:build unix

package runner

import "syscall"

// The flags that keep reading a job's result file safe: no link is
// followed, and a FIFO put in its place does not block the open.
const (
	noFollow = syscall.O_NOFOLLOW
	nonBlock = syscall.O_NONBLOCK
)
