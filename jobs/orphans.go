package jobs

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// runningFile records the jobs a run has started and not finished, with
// their process ids, in <results>/.<machine>.running: one line
// "start JOB PID STARTTIME" when a job starts and "end PID" when its row
// is written. A run killed with -9 leaves its children running; the next
// run reads the file, stops whatever is still alive there, and only then
// runs those jobs again.
type runningFile struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

// openRunning stops the orphans an earlier run left and starts a new file.
// It returns what it stopped, for the user.
func openRunning(dir, machine string, grace time.Duration) (*runningFile, []string, error) {
	path := filepath.Join(dir, "."+machine+".running")
	stopped := stopOrphans(path, grace)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, stopped, fmt.Errorf("open %s: %w", path, err)
	}
	return &runningFile{f: f, path: path}, stopped, nil
}

func (r *runningFile) write(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, _ = r.f.WriteString(line)
}

// started records a job's process group (its pid) and the process's start
// time, which tells a later run whether that pid is still the same process.
func (r *runningFile) started(job string, pid int) {
	r.write(fmt.Sprintf("start %s %d %d\n", strconv.Quote(job), pid, processStart(pid)))
}

// ended records that a job's process group is gone.
func (r *runningFile) ended(pid int) { r.write(fmt.Sprintf("end %d\n", pid)) }

// close removes the file: a run that ends normally leaves no orphans.
func (r *runningFile) close() {
	r.f.Close()
	os.Remove(r.path)
}

// stopOrphans stops every process group the file says was started and not
// ended, if its leader is still the same process.
func stopOrphans(path string, grace time.Duration) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	type entry struct {
		job   string
		start uint64
	}
	open := map[int]entry{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 4 && fields[0] == "start":
			job, err1 := strconv.Unquote(fields[1])
			pid, err2 := strconv.Atoi(fields[2])
			start, err3 := strconv.ParseUint(fields[3], 10, 64)
			if err1 == nil && err2 == nil && err3 == nil {
				open[pid] = entry{job, start}
			}
		case len(fields) == 2 && fields[0] == "end":
			if pid, err := strconv.Atoi(fields[1]); err == nil {
				delete(open, pid)
			}
		}
	}
	var stopped []string
	for pid, e := range open {
		if e.start == 0 || processStart(pid) != e.start {
			continue // gone, or the pid now belongs to another process
		}
		terminateGroup(pid)
		deadline := time.Now().Add(grace)
		for groupAlive(pid) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		killGroup(pid)
		stopped = append(stopped, fmt.Sprintf("stopped job %s (process group %d) left running by an earlier run", e.job, pid))
	}
	return stopped
}
