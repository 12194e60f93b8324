package jobs

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jobsplit/jobsplit/results"
)

// progressEvery is how often the jobs' progress files are read.
const progressEvery = time.Second

// RunningJob is a job in progress.
type RunningJob struct {
	ID      string
	Attempt int
	Started time.Time
	// Fraction is the job's own report from 0 to 1, or -1 when it has not
	// reported.
	Fraction float64
	file     string
}

// Snapshot is the state of a run at one moment, for a progress display.
type Snapshot struct {
	Total, Skipped, OK, Failed, Running int
	Elapsed                             time.Duration
	// PerMinute is the rate of finished jobs in this run.
	PerMinute float64
	// ETA is the expected time left, or -1 when unknown.
	ETA  time.Duration
	Jobs []RunningJob
}

// Done is how many jobs of the share are finished, ok or not.
func (s Snapshot) Done() int { return s.Skipped + s.OK + s.Failed }

// Summary is the outcome of a run.
type Summary struct {
	Total, Skipped, OK, Failed, Timeout, Interrupted int
	// FailedIDs are the jobs whose latest attempt failed or timed out.
	FailedIDs   []string
	Elapsed     time.Duration
	ResultsPath string
	LogPath     string
}

// progress follows a run's jobs; safe for concurrent use.
type progress struct {
	mu      sync.Mutex
	total   int
	skipped int
	started time.Time
	latest  map[string]results.Status
	running map[string]*RunningJob
}

func (p *progress) start(total, skipped int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.skipped, p.started = total, skipped, time.Now()
	p.latest = map[string]results.Status{}
	p.running = map[string]*RunningJob{}
}

func (p *progress) jobStarted(id string, attempt int, file string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running[id] = &RunningJob{ID: id, Attempt: attempt, Started: time.Now(), Fraction: -1, file: file}
}

// jobExited marks the end of a job's process; the job is done only once
// its row is on disk (jobEnded).
func (p *progress) jobExited(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.running, id)
}

func (p *progress) jobEnded(id string, status results.Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latest[id] = status
}

// Snapshot returns the run's state now.
func (r *Runner) Snapshot() Snapshot {
	p := &r.progress
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Snapshot{Total: p.total, Skipped: p.skipped, Running: len(p.running), ETA: -1}
	if p.started.IsZero() {
		return s
	}
	s.Elapsed = time.Since(p.started)
	for _, st := range p.latest {
		switch st {
		case results.StatusOK:
			s.OK++
		case results.StatusFailed, results.StatusTimeout:
			s.Failed++
		}
	}
	finished := s.OK + s.Failed
	if finished > 0 && s.Elapsed > 0 {
		s.PerMinute = float64(finished) / s.Elapsed.Minutes()
		left := s.Total - s.Done()
		s.ETA = time.Duration(float64(left) / float64(finished) * float64(s.Elapsed))
	}
	for _, j := range p.running {
		s.Jobs = append(s.Jobs, *j)
	}
	slices.SortFunc(s.Jobs, func(a, b RunningJob) int { return a.Started.Compare(b.Started) })
	return s
}

func (p *progress) summary(elapsed time.Duration) *Summary {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &Summary{Total: p.total, Skipped: p.skipped, Elapsed: elapsed}
	for id, st := range p.latest {
		switch st {
		case results.StatusOK:
			s.OK++
		case results.StatusFailed:
			s.Failed++
			s.FailedIDs = append(s.FailedIDs, id)
		case results.StatusTimeout:
			s.Timeout++
			s.FailedIDs = append(s.FailedIDs, id)
		case results.StatusInterrupted:
			s.Interrupted++
		}
	}
	slices.Sort(s.FailedIDs)
	return s
}

// watchProgress reads the running jobs' progress files every second and
// logs each change, until ctx ends; the returned channel closes then.
func (r *Runner) watchProgress(ctx context.Context) <-chan struct{} {
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
				r.readProgress()
			}
		}
	}()
	return done
}

func (r *Runner) readProgress() {
	p := &r.progress
	p.mu.Lock()
	jobs := make([]RunningJob, 0, len(p.running))
	for _, j := range p.running {
		jobs = append(jobs, *j)
	}
	p.mu.Unlock()
	for _, j := range jobs {
		f, ok := readFraction(j.file)
		if !ok || f == j.Fraction {
			continue
		}
		p.mu.Lock()
		if live, still := p.running[j.ID]; still {
			live.Fraction = f
		}
		p.mu.Unlock()
		_ = r.log.Progress(j.ID, f)
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
