//go:build !linux

package process

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// child is a started job process, through os/exec: goroutines copy its
// output while it runs.
type child struct {
	pid    int
	cmd    *exec.Cmd
	output capture
}

// launch starts the program at path as spec says, in a process group of
// its own, its stdout and stderr piped to spec's writers.
func launch(path string, spec Spec) (*child, error) {
	cmd := exec.Command(path, spec.Args[1:]...)
	cmd.Args[0] = spec.Args[0]
	cmd.Dir, cmd.Env = spec.Dir, spec.Env
	if spec.Stdin != nil {
		cmd.Stdin = spec.Stdin
	}
	cmd.SysProcAttr = newProcessGroup()
	c := &child{cmd: cmd}
	if err := c.output.attach(cmd, spec.Stdout, spec.Stderr); err != nil {
		return nil, err
	}
	err := cmd.Start()
	c.output.started()
	if err != nil {
		c.output.wait()
		return nil, err
	}
	c.pid = cmd.Process.Pid
	return c, nil
}

// wait waits for the process to end, reaps it and returns its exit code.
func (c *child) wait() int {
	err := c.cmd.Wait()
	return exitCodeOf(c.cmd.ProcessState, err)
}

// drain returns once the output has been read, or after drainTimeout.
func (c *child) drain() { c.output.wait() }

// close has nothing left to release: drain closed the pipes.
func (c *child) close() {}

// exitCodeOf is the process's exit code, or 128+signal when a signal ended
// it, as shells report it.
func exitCodeOf(state *os.ProcessState, err error) int {
	if state == nil {
		return -1
	}
	if code := state.ExitCode(); code >= 0 {
		return code
	}
	if sig, ok := signalOf(state); ok {
		return 128 + sig
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode()
	}
	return -1
}

// capture connects a process's stdout and stderr to writers through pipes
// that goroutines read while the job runs, so that its output is logged
// line by line as it comes.
type capture struct {
	readers []*os.File
	writers []*os.File // the pipes' write ends, the process's once started
	copying sync.WaitGroup
}

// attach gives cmd a pipe for each of stdout and stderr that has a writer,
// and starts copying from it.
func (c *capture) attach(cmd *exec.Cmd, stdout, stderr io.Writer) error {
	for _, target := range []struct {
		dst *io.Writer
		w   io.Writer
	}{{&cmd.Stdout, stdout}, {&cmd.Stderr, stderr}} {
		if target.w == nil {
			continue
		}
		r, w, err := os.Pipe()
		if err != nil {
			c.started()
			c.closeReaders()
			return err
		}
		c.readers, c.writers = append(c.readers, r), append(c.writers, w)
		*target.dst = w
		c.copying.Add(1)
		go func(dst io.Writer) {
			defer c.copying.Done()
			copyOutput(dst, r)
		}(target.w)
	}
	return nil
}

// started closes the write ends once the process has its own copies, so
// that the readers see the end of the output when the process group ends.
func (c *capture) started() {
	for _, w := range c.writers {
		w.Close()
	}
}

// wait returns once the output of a finished job has been read, or after
// drainTimeout, and closes the read ends.
func (c *capture) wait() {
	timer := time.AfterFunc(drainTimeout, c.closeReaders)
	c.copying.Wait()
	timer.Stop()
	c.closeReaders()
}

// closeReaders closes the read ends, which ends the copies still reading;
// closing twice is harmless.
func (c *capture) closeReaders() {
	for _, r := range c.readers {
		r.Close()
	}
}

// copyOutput copies a job's output from r to dst until the end or an error.
func copyOutput(dst io.Writer, r *os.File) {
	buf := copyBuffers.Get().(*[32 << 10]byte)
	defer copyBuffers.Put(buf)
	// Hiding the file's WriteTo makes io.CopyBuffer read into buf.
	_, _ = io.CopyBuffer(dst, struct{ io.Reader }{r}, buf[:])
}
