package jobs

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/jobsplit/jobsplit/results"
)

// processSpec is one process to run.
type processSpec struct {
	Args    []string
	Dir     string
	Env     []string
	Stdout  io.Writer
	Stderr  io.Writer
	Timeout time.Duration
	Grace   time.Duration
	// Started is called with the process id once it runs.
	Started func(pid int)
}

// outcome is how a process ended.
type outcome struct {
	Status   results.Status
	ExitCode int
	Started  time.Time
	Duration time.Duration
	// Err is a failure to start, shown to the user.
	Err error
}

// runProcess runs one job in its own process group and waits for it. A
// timeout or a cancelled ctx stops the whole group: SIGTERM, then SIGKILL
// after the grace period. When the job's main process ends, whatever it
// left running in its group is killed, so no grandchild outlives its job.
func runProcess(ctx context.Context, spec processSpec) outcome {
	out := outcome{Started: time.Now()}
	path, err := exec.LookPath(spec.Args[0])
	if err != nil {
		out.Status, out.ExitCode, out.Err = results.StatusFailed, 127, err
		return out
	}
	cmd := exec.Command(path, spec.Args[1:]...)
	cmd.Args[0] = spec.Args[0]
	cmd.Dir, cmd.Env = spec.Dir, spec.Env
	cmd.SysProcAttr = newProcessGroup()
	var copying sync.WaitGroup
	closeAfterStart, readers, err := pipeTo(cmd, &copying, spec.Stdout, spec.Stderr)
	if err != nil {
		out.Status, out.ExitCode, out.Err = results.StatusFailed, 126, err
		return out
	}
	err = cmd.Start()
	for _, f := range closeAfterStart {
		f.Close()
	}
	if err != nil {
		drain(&copying, readers)
		out.Status, out.ExitCode, out.Err = results.StatusFailed, 126, err
		return out
	}
	if spec.Started != nil {
		spec.Started(cmd.Process.Pid)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	var deadline <-chan time.Time
	if spec.Timeout > 0 {
		timer := time.NewTimer(spec.Timeout)
		defer timer.Stop()
		deadline = timer.C
	}
	var waitErr error
	stopped := results.Status("")
	select {
	case waitErr = <-exited:
	case <-deadline:
		stopped = results.StatusTimeout
	case <-ctx.Done():
		stopped = results.StatusInterrupted
	}
	if stopped != "" {
		waitErr = stopGroup(cmd.Process.Pid, exited, spec.Grace)
	}
	out.Duration = time.Since(out.Started)
	killGroup(cmd.Process.Pid)
	drain(&copying, readers)
	out.ExitCode = exitCodeOf(cmd.ProcessState, waitErr)
	switch {
	case stopped != "":
		out.Status = stopped
	case out.ExitCode == 0:
		out.Status = results.StatusOK
	default:
		out.Status = results.StatusFailed
	}
	return out
}

// stopGroup sends SIGTERM to the group, then SIGKILL after grace if the
// main process has not ended, and returns its wait error.
func stopGroup(pid int, exited <-chan error, grace time.Duration) error {
	terminateGroup(pid)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case err := <-exited:
		return err
	case <-timer.C:
		killGroup(pid)
		return <-exited
	}
}

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

// pipeTo connects the process's stdout and stderr to writers through
// pipes read by goroutines, so that output is captured line by line while
// the job runs; it returns the write ends to close once the job started.
func pipeTo(cmd *exec.Cmd, copying *sync.WaitGroup, stdout, stderr io.Writer) (toClose, readers []*os.File, err error) {
	for _, target := range []struct {
		dst *io.Writer
		w   io.Writer
	}{{&cmd.Stdout, stdout}, {&cmd.Stderr, stderr}} {
		if target.w == nil {
			continue
		}
		r, w, err := os.Pipe()
		if err != nil {
			for _, f := range append(toClose, readers...) {
				f.Close()
			}
			return nil, nil, err
		}
		readers = append(readers, r)
		*target.dst = w
		toClose = append(toClose, w)
		copying.Add(1)
		go func(dst io.Writer) {
			defer copying.Done()
			_, _ = io.Copy(dst, r)
		}(target.w)
	}
	return toClose, readers, nil
}

// drainTimeout bounds the wait for a job's output once its process group
// is gone: a process that left the group (setsid) may hold the pipe open.
const drainTimeout = 2 * time.Second

// drain waits for the output of a finished job to be read, then closes the
// read ends.
func drain(copying *sync.WaitGroup, readers []*os.File) {
	done := make(chan struct{})
	go func() { copying.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(drainTimeout):
		for _, r := range readers {
			r.Close()
		}
		<-done
	}
	for _, r := range readers {
		r.Close()
	}
}
