package process

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Spec is one process to run.
type Spec struct {
	Args []string
	// LookPath finds the program Args[0] names; nil means exec.LookPath.
	LookPath func(name string) (string, error)
	Dir      string
	// Env is the environment (nil: jobsplit's); of two variables of one
	// name the later wins, as with os/exec. EnvUnique says that no name
	// repeats in it, which spares a job that check.
	Env       []string
	EnvUnique bool
	// Stdin is the process's standard input; nil means /dev/null, opened
	// for this process alone.
	Stdin   *os.File
	Stdout  io.Writer
	Stderr  io.Writer
	Timeout time.Duration
	Grace   time.Duration
	// Started is called with the process id once it runs, and the span
	// its start time lies in.
	Started func(pid int, start StartSpan)
	// Hard, once done, kills the group at once, without grace.
	Hard context.Context
}

// Stop is why a process was stopped before it ended by itself.
type Stop string

// The reasons to stop a process.
const (
	// NotStopped is a process that ended by itself.
	NotStopped Stop = ""
	// TimedOut is a process stopped at its Spec.Timeout.
	TimedOut Stop = "timeout"
	// Interrupted is a process stopped because its context ended.
	Interrupted Stop = "interrupted"
)

// Ending is how a process ended.
type Ending struct {
	// Stopped says why the process was stopped, if it was.
	Stopped Stop
	// ExitCode is the process's exit code, 128+signal when a signal ended
	// it; 127 when the program was not found and 126 when it could not
	// start.
	ExitCode int
	Started  time.Time
	Duration time.Duration
	// Err is a failure to start, shown to the user.
	Err error
}

// OK reports whether the process ended by itself with exit code 0.
func (e Ending) OK() bool { return e.Stopped == NotStopped && e.ExitCode == 0 && e.Err == nil }

// Run runs one job in its own process group and waits for it. A
// timeout or a cancelled ctx stops the whole group: SIGTERM, then SIGKILL
// after the grace period. When the job's main process ends, whatever it
// left running in its group is killed, so no grandchild outlives its job.
func Run(ctx context.Context, spec Spec) Ending {
	out := Ending{Started: time.Now()}
	path, err := findProgram(spec.LookPath, spec.Args[0], spec.Dir)
	if err != nil {
		out.ExitCode, out.Err = 127, err
		return out
	}
	before := bootTicks()
	c, err := launch(path, spec)
	after := bootTicks()
	if err != nil {
		out.ExitCode, out.Err = 126, err
		return out
	}
	defer c.close()
	if spec.Started != nil {
		spec.Started(c.pid, StartSpan{From: before, To: after})
	}
	stop := &groupStopper{pid: c.pid, grace: spec.Grace}
	defer context.AfterFunc(ctx, func() { stop.begin(Interrupted) })()
	if spec.Hard != nil {
		defer context.AfterFunc(spec.Hard, func() {
			stop.begin(Interrupted)
			stop.killNow()
		})()
	}
	if spec.Timeout > 0 {
		timer := time.AfterFunc(spec.Timeout, func() { stop.begin(TimedOut) })
		defer timer.Stop()
	}
	out.ExitCode = c.wait()
	out.Stopped = stop.exited()
	out.Duration = time.Since(out.Started)
	clearGroup(c.pid)
	c.drain()
	return out
}

// drainTimeout bounds the wait for a job's output once its process group
// is gone: a process that left the group (setsid) may hold the pipe open.
const drainTimeout = 2 * time.Second

// copyBuffers are the buffers output is read into, shared by the jobs: a
// buffer for each stream of each job would cost more than the job.
var copyBuffers = sync.Pool{New: func() any { return new([32 << 10]byte) }}

// StartSpan is the span a process's start time lies in, in clock ticks
// since boot as /proc/PID/stat gives it: the clock read just before and
// just after the process was created. Reading the clock costs far less than
// reading /proc for every job, and the span names the process as surely,
// since a pid is not handed out twice within a few milliseconds. The zero
// span is unknown.
type StartSpan struct{ From, To uint64 }

// Holds reports whether a start time lies in the span; an unknown span or
// start time holds nothing.
func (s StartSpan) Holds(start uint64) bool {
	return s.From != 0 && start != 0 && s.From <= start && start <= s.To
}

// groupStopper stops a job's process group on a timeout or an interrupt
// while the worker waits for the job's main process: SIGTERM, then SIGKILL
// after the grace period. Timers call it, so that the worker needs no
// goroutine of its own to wait with.
type groupStopper struct {
	pid   int
	grace time.Duration

	mu     sync.Mutex
	reason Stop // why the group is being stopped; "" when it is not
	done   bool // the main process was reaped: its id may be reused
	kill   *time.Timer
}

// begin sends SIGTERM to the group and arms the SIGKILL, once.
func (s *groupStopper) begin(reason Stop) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done || s.reason != "" {
		return
	}
	s.reason = reason
	terminateGroup(s.pid)
	s.kill = time.AfterFunc(s.grace, s.killNow)
}

// killNow sends SIGKILL to the group unless the main process has ended.
func (s *groupStopper) killNow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.done {
		killGroup(s.pid)
	}
}

// exited records that the main process ended and was reaped, so that no
// signal goes to its id any more, and returns why it was stopped, if it was.
func (s *groupStopper) exited() Stop {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	if s.kill != nil {
		s.kill.Stop()
	}
	return s.reason
}

// Find finds the program a job runs, as a run would: a name without a
// slash on PATH, a relative path such as ./sim.sh in dir (the job's
// directory). The error says what is wrong in a user's words.
func Find(name, dir string) error {
	_, err := findProgram(nil, name, dir)
	var execErr *exec.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &execErr) && errors.Is(execErr.Err, exec.ErrNotFound):
		return fmt.Errorf("program %q is not on PATH", name)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("program %q does not exist in %s", name, dir)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("program %q is not executable", name)
	}
	return fmt.Errorf("program %q: %w", name, err)
}

// findProgram finds the program a job runs, with lookPath (nil means
// exec.LookPath). A relative path such as ./sim.sh is relative to dir, the
// job's directory, where the process starts: it is checked there and
// handed to exec as it is.
func findProgram(lookPath func(string) (string, error), name, dir string) (string, error) {
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	if dir == "" || filepath.IsAbs(name) || !strings.ContainsAny(name, "/"+string(filepath.Separator)) {
		return lookPath(name)
	}
	if _, err := lookPath(filepath.Join(dir, name)); err != nil {
		return "", err
	}
	return name, nil
}

// Programs remembers where the programs the jobs run were found in
// PATH: looking a name up stats every PATH entry, and a sweep runs the same
// program thousands of times.
type Programs struct {
	mu    sync.Mutex
	found map[string]string
}

// LookPath is exec.LookPath, remembering what it found for names without
// a slash. A name with a slash is checked every time: that costs one stat,
// and the program may be one that earlier jobs built. A name that was not
// found is looked up again, since nothing is saved by remembering a failure.
func (p *Programs) LookPath(name string) (string, error) {
	if strings.ContainsRune(name, '/') {
		return exec.LookPath(name)
	}
	p.mu.Lock()
	path, ok := p.found[name]
	p.mu.Unlock()
	if ok {
		return path, nil
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	if p.found == nil {
		p.found = make(map[string]string)
	}
	p.found[name] = path
	p.mu.Unlock()
	return path, nil
}

// dedupEnv keeps the last of the variables of the same name, as os/exec
// does: a job's own variables are added after jobsplit's environment and
// must win over what it inherited.
func dedupEnv(env []string) []string { return UniqueEnv(env, nil) }

// UniqueEnv returns env without the variables named in drop and with only
// the last of those of the same name, in env's order.
func UniqueEnv(env []string, drop map[string]bool) []string {
	seen := make(map[string]bool, len(env))
	out := make([]string, len(env))
	n := len(out)
	for i := len(env) - 1; i >= 0; i-- {
		name, _, _ := strings.Cut(env[i], "=")
		if seen[name] || drop[name] {
			continue
		}
		seen[name] = true
		n--
		out[n] = env[i]
	}
	return out[n:]
}
