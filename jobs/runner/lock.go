package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jobsplit/jobsplit/jobs"
)

// LockedError is a second run on a machine's results that another run
// holds: both would run the same jobs.
type LockedError struct {
	Path    string
	Machine string
	PID     int
}

func (e *LockedError) Error() string {
	who := "another jobsplit run"
	if e.PID > 0 {
		who = fmt.Sprintf("jobsplit pid %d", e.PID)
	}
	return fmt.Sprintf("machine %s is already running here: %s holds %s", e.Machine, who, e.Path)
}

// runLock is a run's claim on one machine's results directory. The kernel
// drops it when the process dies, however it dies, so a kill -9 never
// leaves a stale lock behind.
type runLock struct {
	f    *os.File
	path string
}

// lockRun takes the machine's lock file, or returns a *LockedError naming
// the process that holds it.
func lockRun(paths jobs.Paths, machine string) (*runLock, error) {
	path := paths.LockFile(machine)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("lock results: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock results: %w", err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !held {
		data, _ := os.ReadFile(path)
		pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
		f.Close()
		return nil, &LockedError{Path: path, Machine: machine, PID: pid}
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &runLock{f: f, path: path}, nil
}

// release lets the next run in.
func (l *runLock) release() {
	if l != nil {
		l.f.Close()
	}
}
