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
// "starting JOB" before a job's process is created, "start JOB PID
// STARTTIME" once it runs and "end PID" when its row is written. A run
// killed with -9 leaves its children running; the next run reads the
// file, stops whatever is still alive there, and only then runs those jobs
// again. A run killed between "starting" and "start" left a process whose
// id it never wrote: the next run finds it by its environment.
type runningFile struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

// openRunning stops the orphans an earlier run of machine with the config
// at configPath left, and starts a new file. It returns what it stopped,
// for the user.
func openRunning(dir, machine, configPath string, grace time.Duration) (*runningFile, []string, error) {
	path := filepath.Join(dir, "."+machine+".running")
	stopped := stopOrphans(path, grace, jobMarks{config: configPath, machine: machine})
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

// starting records that a job's process is about to be created.
func (r *runningFile) starting(job string) { r.write("starting " + strconv.Quote(job) + "\n") }

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

// jobMarks are the values of JOBSPLIT_CONFIG and JOBSPLIT_MACHINE in the
// environment of every job a run of the machine starts.
type jobMarks struct{ config, machine string }

// stopOrphans stops every process group the file says was started and not
// ended, if its leader is still the same process, or if the leader is gone
// and what it left still runs in its group; and the groups of the jobs
// whose start was not confirmed, found by their environment.
func stopOrphans(path string, grace time.Duration, marks jobMarks) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	type entry struct {
		job   string
		start uint64
	}
	open := map[int]entry{}
	unconfirmed := map[string]bool{} // "starting" with no "start" after it
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 2 && fields[0] == "starting":
			if job, err := strconv.Unquote(fields[1]); err == nil {
				unconfirmed[job] = true
			}
		case len(fields) == 4 && fields[0] == "start":
			job, err1 := strconv.Unquote(fields[1])
			pid, err2 := strconv.Atoi(fields[2])
			start, err3 := strconv.ParseUint(fields[3], 10, 64)
			if err1 == nil && err2 == nil && err3 == nil {
				open[pid] = entry{job, start}
				delete(unconfirmed, job)
			}
		case len(fields) == 2 && fields[0] == "end":
			if pid, err := strconv.Atoi(fields[1]); err == nil {
				delete(open, pid)
			}
		}
	}
	groups := map[int]string{} // process group -> job
	for pid, e := range open {
		switch leader := processStart(pid); {
		case e.start == 0:
			continue
		case leader == 0 && leftInGroup(pid, e.start):
			// The job's main process ended (and was reaped) after the run
			// died, leaving the rest of its group running.
		case leader != e.start:
			continue // gone, or the pid now belongs to another process
		}
		groups[pid] = e.job
	}
	if len(unconfirmed) > 0 {
		for pgid, job := range groupsOfJobs(unconfirmed, marks) {
			groups[pgid] = job
		}
	}
	var stopped []string
	for pid, job := range groups {
		terminateGroup(pid)
		deadline := time.Now().Add(grace)
		for groupAlive(pid) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		killGroup(pid)
		stopped = append(stopped, fmt.Sprintf("stopped job %s (process group %d) left running by an earlier run", job, pid))
	}
	return stopped
}
