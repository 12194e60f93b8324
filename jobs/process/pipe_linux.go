package process

import (
	"os"
	"syscall"
)

// outputPipe makes the pipe a job's stream goes through: the read end
// polled by the runtime, the write end blocking, as the job must see it.
// os.Pipe would make both ends polled and then undo that for the write
// end when the job is started: four calls more per stream of every job.
func outputPipe() (r, w *os.File, err error) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	if err := syscall.SetNonblock(p[0], true); err != nil {
		syscall.Close(p[0])
		syscall.Close(p[1])
		return nil, nil, os.NewSyscallError("fcntl", err)
	}
	return os.NewFile(uintptr(p[0]), "|0"), os.NewFile(uintptr(p[1]), "|1"), nil
}
