package runner

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
)

// progressEvery is how often the jobs' progress files are read.
const progressEvery = time.Second

// tally keeps each job's latest status in this run, for the summary; safe
// for concurrent use.
type tally struct {
	mu      sync.Mutex
	total   int
	skipped int
	latest  map[string]results.Status
	reasons map[string]string // why a job's latest attempt was a bad result
}

func (t *tally) start(total, skipped int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total, t.skipped = total, skipped
	t.latest = map[string]results.Status{}
	t.reasons = map[string]string{}
}

func (t *tally) jobEnded(id string, status results.Status, reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.latest[id] = status
	if status == results.StatusBadResult {
		t.reasons[id] = reason
	} else {
		delete(t.reasons, id)
	}
}

func (t *tally) summary(elapsed time.Duration) *Summary {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := &Summary{Total: t.total, Skipped: t.skipped, Elapsed: elapsed}
	for id, st := range t.latest {
		switch st {
		case results.StatusOK:
			s.OK++
		case results.StatusFailed:
			s.Failed++
			s.FailedIDs = append(s.FailedIDs, id)
		case results.StatusTimeout:
			s.Timeout++
			s.FailedIDs = append(s.FailedIDs, id)
		case results.StatusBadResult:
			s.BadResult++
			s.FailedIDs = append(s.FailedIDs, id)
			s.BadResults = append(s.BadResults, JobProblem{Job: id, Reason: t.reasons[id]})
		case results.StatusInterrupted:
			s.Interrupted++
		}
	}
	slices.Sort(s.FailedIDs)
	slices.SortFunc(s.BadResults, func(a, b JobProblem) int { return strings.Compare(a.Job, b.Job) })
	return s
}

// progressWatch reads the running jobs' $JOBSPLIT_PROGRESS files every
// second and reports each change; safe for concurrent use. On the same
// tick it removes the files that attempts no longer running left in the
// run's private folder: most jobs leave none, and two failing unlinks per
// job were a good part of what a short job costs jobsplit.
type progressWatch struct {
	mu      sync.Mutex
	running map[string]*watchedJob
	// bases holds the running attempts' file names without their
	// extensions ("12-1" for job 12's first attempt); any file of the
	// private folder that starts with one of them and a '.' is kept.
	bases map[string]bool
}

type watchedJob struct {
	file     string
	fraction float64
}

// add watches an attempt's files from before they are made (see remove).
func (w *progressWatch) add(job string, files attemptFiles) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running == nil {
		w.running, w.bases = map[string]*watchedJob{}, map[string]bool{}
	}
	w.running[job] = &watchedJob{file: files.progress, fraction: -1}
	w.bases[files.base()] = true
}

// remove ends the watch of an attempt, once its result is read: its files
// go with the next sweep.
func (w *progressWatch) remove(job string, files attemptFiles) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.running, job)
	delete(w.bases, files.base())
}

// sweep removes what the attempts that are no longer running left in dir,
// the run's private folder: every file but the owner file and those of
// running attempts.
func (w *progressWatch) sweep(dir string) {
	if dir == "" {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	// An attempt that is not running now never runs again (the next
	// one has a number of its own): its files are removed without holding
	// up the jobs that start meanwhile.
	var ended []string
	w.mu.Lock()
	for _, e := range entries {
		name := e.Name()
		base, _, _ := strings.Cut(name, ".")
		if name != ownerFile && !w.bases[base] {
			ended = append(ended, name)
		}
	}
	w.mu.Unlock()
	for _, name := range ended {
		_ = os.RemoveAll(filepath.Join(dir, name))
	}
}

// run reads the progress files and sweeps dir until ctx ends; the returned
// channel closes then.
func (w *progressWatch) run(ctx context.Context, dir string, log *logs.Writer, events Events) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(progressEvery)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				w.read(log, events)
				w.sweep(dir)
			}
		}
	}()
	return done
}

func (w *progressWatch) read(log *logs.Writer, events Events) {
	type change struct {
		job  string
		file string
		was  float64
	}
	w.mu.Lock()
	jobs := make([]change, 0, len(w.running))
	for job, j := range w.running {
		jobs = append(jobs, change{job, j.file, j.fraction})
	}
	w.mu.Unlock()
	for _, j := range jobs {
		f, ok := readFraction(j.file)
		if !ok || f == j.was {
			continue
		}
		w.mu.Lock()
		live, still := w.running[j.job]
		if still {
			live.fraction = f
		}
		w.mu.Unlock()
		if still {
			_ = log.Progress(j.job, f)
			events.JobProgress(Progress{Job: j.job, Fraction: f})
		}
	}
}

// readFraction reads a progress file: a number from 0 to 1.
func readFraction(path string) (float64, bool) {
	data, err := os.ReadFile(path)
	if err != nil || len(data) > 64 {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(string(data)), 64)
	if err != nil || f < 0 || f > 1 {
		return 0, false
	}
	return f, true
}
