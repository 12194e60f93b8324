package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
	"github.com/jobsplit/jobsplit/split"
)

// RunOptions says how one machine runs its share.
type RunOptions struct {
	Machine string
	// Workers is how many jobs run at once; 0 means the machine's cores.
	Workers int
	// RetryFailed runs again jobs whose latest attempt failed or timed out.
	RetryFailed bool
	// Version is jobsplit's version, recorded in the log.
	Version string
	// KillGrace overrides the config's grace period between SIGTERM and
	// SIGKILL; 0 keeps the config's (default 10s).
	KillGrace time.Duration
	// Warn is told of anything the user should know that does not stop
	// the run, such as a torn file left by a crash and repaired.
	Warn func(string)
	// Halt stops the run after too many failures (--halt).
	Halt Halt
	// MemFree starts a job only while more than this many bytes of memory
	// are available (--memfree); 0 means no such guard.
	MemFree int64
	// Load starts a job only while the one-minute load average is below
	// it (--load); 0 means no such guard.
	Load float64
	// Hard, once done, stops running jobs at once: SIGKILL with no grace
	// (a second Ctrl-C). nil means never.
	Hard context.Context
}

// DefaultKillGrace is the time a stopped job gets between SIGTERM and SIGKILL.
const DefaultKillGrace = 10 * time.Second

// Runner runs one machine's share of a sweep.
type Runner struct {
	sweep    *Sweep
	opts     RunOptions
	share    *split.Share
	template *Template
	pending  []int32
	skipped  int
	// earlierFailed are jobs that failed in an earlier run and are not
	// retried (no RetryFailed).
	earlierFailed []string
	// lastAttempt is each job's latest attempt number in earlier runs;
	// read-only once the run starts.
	lastAttempt map[string]int
	workDir     string
	// digest is written in every result row (Sweep.ResultDigest).
	digest string
	// env is the part of the jobs' environment that is the same for every
	// job, built once: copying os.Environ per job is a cost per job.
	env []string
	// programs remembers where the jobs' programs are.
	programs programPaths
	// devNull is every job's standard input, opened once for the run.
	devNull *os.File

	results *results.Writer
	log     *logs.Writer

	// recording counts the attempts whose rows are being written, and
	// recordSlots bounds them (see record).
	recording   sync.WaitGroup
	recordSlots chan struct{}

	progress progress
	// fatal is the first error that stops the run (a results file that
	// cannot be written): no new job starts after it.
	fatalOnce sync.Once
	fatal     error
	stopRun   context.CancelFunc

	lock    *runLock
	running *runningFile
	guard   *guard
	halting halting
}

// maxRecording bounds the finished attempts whose rows are not yet on disk.
// The workers go on to their next jobs while rows sync, and rows that
// arrive during one fsync share the next; past this many, a worker waits,
// so that a stalled disk holds the run back instead of piling up jobs that
// a crash would make run again.
const maxRecording = 64

// NewRunner prepares machine's share: it checks the command template and
// reads what earlier runs finished, but writes nothing yet.
func NewRunner(s *Sweep, opts RunOptions) (*Runner, error) {
	share, ok := s.Plan.For(opts.Machine)
	if !ok {
		return nil, fmt.Errorf("machine %q is not in %s", opts.Machine, s.MachinesPath)
	}
	m, _ := s.Machines.Find(opts.Machine)
	if opts.Workers <= 0 {
		opts.Workers = m.Cores
	}
	if opts.KillGrace <= 0 {
		opts.KillGrace = s.Config.Job.KillGrace.Duration
	}
	if opts.KillGrace <= 0 {
		opts.KillGrace = DefaultKillGrace
	}
	t, err := s.Template()
	if err != nil {
		return nil, &ConfigError{File: s.Config.Path, Problem: err.Error()}
	}
	r := &Runner{
		sweep: s, opts: opts, share: share, template: t, lastAttempt: map[string]int{},
		digest: s.ResultDigest(), recordSlots: make(chan struct{}, maxRecording),
	}
	r.env = r.sharedEnviron()
	if r.opts.Hard == nil {
		r.opts.Hard = context.Background()
	}
	r.halting.policy = opts.Halt
	r.guard = newGuard(opts, s.Config.Job.Memory.Bytes, m.Memory)
	if len(share.Jobs) == 0 {
		return r, nil // nothing to run, nothing to write
	}
	// Take the machine's lock before reading what is done: a second run
	// must not plan from a file the first is still writing.
	if r.lock, err = lockRun(s.ResultsDir(), opts.Machine); err != nil {
		return nil, err
	}
	done, err := results.ReadDone(r.ResultsPath())
	if err != nil {
		r.lock.release()
		return nil, err
	}
	for _, i := range share.Jobs {
		id := s.Pool.Job(int(i)).ID
		state, seen := done.Jobs[id]
		if seen {
			r.lastAttempt[id] = state.LastAttempt
		}
		switch {
		case !seen, state.Status == results.StatusInterrupted:
		case state.Status == results.StatusOK:
			r.skipped++
			continue
		case !opts.RetryFailed:
			r.skipped++
			r.earlierFailed = append(r.earlierFailed, id)
			continue
		}
		r.pending = append(r.pending, i)
	}
	return r, nil
}

// Share is the machine's whole share, in run order.
func (r *Runner) Share() *split.Share { return r.share }

// Pending is how many jobs this run will start.
func (r *Runner) Pending() int { return len(r.pending) }

// Skipped is how many jobs of the share an earlier run finished.
func (r *Runner) Skipped() int { return r.skipped }

// EarlierFailed are the jobs that failed in an earlier run and are not run
// again without RetryFailed.
func (r *Runner) EarlierFailed() []string { return r.earlierFailed }

// Workers is how many jobs run at once.
func (r *Runner) Workers() int { return r.opts.Workers }

// ResultsPath is results/<machine>.csv.
func (r *Runner) ResultsPath() string {
	return filepath.Join(r.sweep.Config.Resolve(r.sweep.Config.Results.Dir, "results"), r.opts.Machine+".csv")
}

// LogDir is the logs directory.
func (r *Runner) LogDir() string {
	return r.sweep.Config.Resolve(r.sweep.Config.Logs.Dir, "logs")
}

// Close lets another run of the machine in; Run closes by itself.
func (r *Runner) Close() { r.lock.release() }

// Run runs the pending jobs on the workers until all are done or ctx is
// cancelled; it returns the summary. Every finished attempt's row is on disk
// before it counts.
func (r *Runner) Run(ctx context.Context) (*Summary, error) {
	defer r.Close()
	stoppedOrphans, err := r.open()
	if err != nil {
		return nil, err
	}
	defer r.running.close()
	// What a crash left behind and this run repaired goes to the user and,
	// as warn records, into the log that merge-logs shows with the rest.
	logger := r.log.Logger()
	for _, w := range append([]string{r.results.Repaired(), r.log.Repaired()}, stoppedOrphans...) {
		if w == "" {
			continue
		}
		logger.Warn().Str("event", "repair").Msg(w)
		if r.opts.Warn != nil {
			r.opts.Warn(w)
		}
	}
	defer os.RemoveAll(r.workDir)
	defer r.devNull.Close()
	started := time.Now()
	r.progress.start(len(r.share.Jobs), r.skipped)
	_ = r.log.RunStart(logs.RunStart{
		Version: r.opts.Version, Digest: r.sweep.Plan.Digest.String(),
		Share: len(r.share.Jobs), Workers: r.opts.Workers,
	})

	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	r.stopRun = stopRun
	queue := make(chan int32)
	var workers sync.WaitGroup
	for range r.opts.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for i := range queue {
				r.runJob(runCtx, i)
			}
		}()
	}
	watch := r.watchProgress(runCtx)
	feedCtx, stopFeeding := context.WithCancel(runCtx)
	r.halting.stopFeeding = stopFeeding
	r.feed(feedCtx, queue)
	stopFeeding()
	close(queue)
	workers.Wait()
	r.recording.Wait()
	stopRun()
	<-watch

	sum := r.progress.summary(time.Since(started))
	sum.ResultsPath, sum.LogPath = r.results.Path(), r.log.Path()
	_ = r.log.RunEnd(logs.RunEnd{
		Total: sum.Total, OK: sum.OK, Failed: sum.Failed, Timeout: sum.Timeout,
		Interrupted: sum.Interrupted, Skipped: sum.Skipped, Duration: sum.Elapsed,
	})
	closeErr := errors.Join(r.results.Close(), r.log.Close())
	switch {
	case r.fatal != nil:
		return sum, r.fatal
	case closeErr != nil:
		return sum, closeErr
	case ctx.Err() != nil:
		return sum, ctx.Err()
	case r.halting.err() != nil:
		return sum, r.halting.err()
	}
	return sum, nil
}

// stop records the first fatal error and stops the run.
func (r *Runner) stop(err error) {
	r.fatalOnce.Do(func() { r.fatal = err })
	r.stopRun()
}

// open stops the orphans an earlier run left, creates the results file,
// the log and a private directory for the jobs' result and progress files,
// and opens the jobs' standard input. It returns what it stopped.
func (r *Runner) open() ([]string, error) {
	running, stopped, err := openRunning(r.sweep.ResultsDir(), r.opts.Machine, r.sweep.Config.Path, r.opts.KillGrace)
	if err != nil {
		return stopped, err
	}
	r.running = running
	if err := r.openFiles(); err != nil {
		running.close()
		return stopped, err
	}
	return stopped, nil
}

func (r *Runner) openFiles() error {
	var err error
	r.results, err = results.OpenWriter(r.ResultsPath(), r.sweep.Pool.Columns, r.sweep.Config.Results.Columns)
	if err != nil {
		return err
	}
	r.log, err = logs.Open(r.LogDir(), r.opts.Machine, logs.Options{PerJob: r.sweep.Config.Logs.PerJob})
	if err != nil {
		r.results.Close()
		return err
	}
	r.workDir, err = os.MkdirTemp("", "jobsplit-"+r.opts.Machine+"-")
	if err != nil {
		r.results.Close()
		r.log.Close()
		return fmt.Errorf("make work directory: %w", err)
	}
	r.devNull, err = os.Open(os.DevNull)
	if err != nil {
		r.results.Close()
		r.log.Close()
		os.RemoveAll(r.workDir)
		return fmt.Errorf("open jobs' standard input: %w", err)
	}
	return nil
}
