package process

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Journal records the jobs a run has started and not finished, with
// their process ids, in a file (<results>/.<machine>.running): one line
// "starting JOB" before a job's process is created, "start JOB PID FROM TO"
// once it runs (its start time lies in FROM..TO, see StartSpan; earlier
// versions wrote one exact STARTTIME) and "end PID" once it ended and
// nothing of its group is left. A run killed with -9 leaves its children
// running; the next run reads the file, stops whatever is still alive
// there, and only then runs those jobs again. A run killed between
// "starting" and "start" left a process whose id it never wrote: the next
// run finds it by its environment. An "end" goes to the file with the next
// line written, not in a write of its own: a run killed before that wrote
// it leaves the next run a pid that is unused or another process's, and a
// group that is empty, which it then leaves alone.
type Journal struct {
	mu   sync.Mutex
	f    *os.File
	path string
	buf  []byte
	// ended holds the "end" lines not yet written.
	ended []byte
	// checked is set once a start span was checked against /proc; exact
	// then says the clock disagreed, and each start time is read from /proc.
	checked, exact bool
}

// Marks are the values of JOBSPLIT_CONFIG and JOBSPLIT_MACHINE in the
// environment of every job a run of the machine starts: they find a job
// whose process id the journal never got.
type Marks struct{ Config, Machine string }

// OpenJournal stops the orphans that the earlier run whose journal is at
// path left (giving each group grace between SIGTERM and SIGKILL), and
// starts a new journal there. It returns what it stopped, for the user.
func OpenJournal(path string, grace time.Duration, marks Marks) (*Journal, []string, error) {
	stopped := stopOrphans(path, grace, marks)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, stopped, fmt.Errorf("open %s: %w", path, err)
	}
	return &Journal{f: f, path: path}, stopped, nil
}

// writeLocked writes the "end" lines held back and b, which may be
// r.buf, as one write. r.mu must be held.
func (r *Journal) writeLocked(b []byte) {
	if len(r.ended) > 0 {
		b = append(r.ended, b...)
		r.ended = b[:0]
	}
	_, _ = r.f.Write(b)
}

// Starting records that a job's process is about to be created.
func (r *Journal) Starting(job string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(strconv.AppendQuote(append(r.buf[:0], "starting "...), job), '\n')
	r.writeLocked(r.buf)
}

// Started records a job's process group (its pid) and the span of its
// start time, which tells a later run whether that pid is still the same
// process. The first span is checked against the process's start time in
// /proc: if the clock is not the one /proc counts in, every later start
// time is read from /proc instead.
func (r *Journal) Started(job string, pid int, span StartSpan) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.checked {
		r.checked, r.exact = true, !span.Holds(processStart(pid))
	}
	if r.exact {
		start := processStart(pid)
		span = StartSpan{start, start}
	}
	b := append(r.buf[:0], "start "...)
	b = strconv.AppendQuote(b, job)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, span.From, 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, span.To, 10)
	r.buf = append(b, '\n')
	r.writeLocked(r.buf)
}

// Ended records that a job's process group is gone. The line is written
// with the next one (see Journal).
func (r *Journal) Ended(pid int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ended = append(strconv.AppendInt(append(r.ended, "end "...), int64(pid), 10), '\n')
}

// Close removes the file: a run that ends normally leaves no orphans.
func (r *Journal) Close() {
	r.f.Close()
	os.Remove(r.path)
}

// stopOrphans stops every process group the file says was started and not
// ended, if its leader is still the same process, or if the leader is gone
// and what it left still runs in its group; and the groups of the jobs
// whose start was not confirmed, found by their environment.
func stopOrphans(path string, grace time.Duration, marks Marks) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	type entry struct {
		job   string
		start StartSpan
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
		case (len(fields) == 4 || len(fields) == 5) && fields[0] == "start":
			job, err1 := strconv.Unquote(fields[1])
			pid, err2 := strconv.Atoi(fields[2])
			from, err3 := strconv.ParseUint(fields[3], 10, 64)
			to := from // one exact start time, as earlier versions wrote
			var err4 error
			if len(fields) == 5 {
				to, err4 = strconv.ParseUint(fields[4], 10, 64)
			}
			if err1 == nil && err2 == nil && err3 == nil && err4 == nil {
				open[pid] = entry{job, StartSpan{from, to}}
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
		case e.start.From == 0:
			continue
		case leader == 0 && leftInGroup(pid, e.start.From):
			// The job's main process ended (and was reaped) after the run
			// died, leaving the rest of its group running.
		case !e.start.Holds(leader):
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

// Alive reports whether the process pid that started at start (as
// StartTime gave it) still runs; with start 0 (unknown) any process with
// that id counts.
func Alive(pid int, start uint64) bool {
	if start != 0 {
		return processStart(pid) == start
	}
	return processExists(pid)
}

// StartTime is a process's start time in clock ticks since boot, 0 when
// this system does not tell: with the pid it names one process, even after
// the pid is reused.
func StartTime(pid int) uint64 { return processStart(pid) }
