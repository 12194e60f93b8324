//go:build !linux

package process

import "os"

// outputPipe makes the pipe a job's stream goes through.
func outputPipe() (r, w *os.File, err error) { return os.Pipe() }
