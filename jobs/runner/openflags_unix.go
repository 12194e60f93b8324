//go:build unix

package runner

import (
	"os"
	"syscall"
)

// The flags that keep reading a job's result file safe: no link is
// followed, and a FIFO put in its place does not block the open.
const (
	noFollow = syscall.O_NOFOLLOW
	nonBlock = syscall.O_NONBLOCK
)

// createEmpty creates an empty file at path, or empties the one there, not
// following a link. It goes to the system directly: os.OpenFile would
// also try to register the file for polling and undo that, four calls more
// for every attempt of a sweep of short jobs.
func createEmpty(path string) error {
	const flags = syscall.O_WRONLY | syscall.O_CREAT | syscall.O_TRUNC | syscall.O_NOFOLLOW | syscall.O_CLOEXEC
	fd, err := syscall.Open(path, flags, 0o644)
	for err == syscall.EINTR {
		fd, err = syscall.Open(path, flags, 0o644)
	}
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	if err := syscall.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: path, Err: err}
	}
	return nil
}
