package runner

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/jobsplit/jobsplit/balance"
	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/process"
	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
	"github.com/jobsplit/jobsplit/split"
)

// Options says how one machine runs its share.
type Options struct {
	Machine string
	// Workers is how many jobs run at once; 0 means the machine's cores.
	Workers int
	// RetryFailed runs again jobs whose latest attempt failed or timed out.
	RetryFailed bool
	// AllowMixed resumes from a results file with rows of another digest
	// (the pool grew, say): its rows of jobs in this pool count.
	AllowMixed bool
	// Version is jobsplit's version, recorded in the log.
	Version string
	// KillGrace overrides the config's grace period between SIGTERM and
	// SIGKILL; 0 keeps the config's (default 10s).
	KillGrace time.Duration
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
	// Events receives what happens; nil means nobody listens.
	Events Events
	// Balance shares the work with other hosts through a folder; its zero
	// value runs the static share only.
	Balance Balance
	// ReadAhead, when not nil, is the machine's results file read ahead
	// (StartReadAhead); nil reads it in New.
	ReadAhead *ReadAhead
}

// DefaultKillGrace is the time a stopped job gets between SIGTERM and SIGKILL.
const DefaultKillGrace = 10 * time.Second

// recordingPerWorker bounds the finished attempts whose rows are not yet
// on disk, per worker. The workers go on to their next jobs while rows
// sync, and the attempts waiting share one sync; past this many, a worker
// waits, so that a full or stalled disk holds the run back: it loses the
// rows of at most this many attempts per worker, plus the jobs running:
// attempts that run again on the next run. It is large enough for short
// jobs to fill gatherWindow.
const recordingPerWorker = 32

// Runner runs one machine's share of a sweep.
type Runner struct {
	sweep  *jobs.Sweep
	opts   Options
	events Events
	share  *split.Share
	// pending are the jobs this run starts, in run order.
	pending []int32
	skipped int
	// earlierFailed are jobs that failed in an earlier run and are not
	// retried (no RetryFailed).
	earlierFailed []string
	// done is what earlier runs wrote, by pool position: each job's
	// latest attempt number (see lastAttempt); read-only once the run
	// starts.
	done *results.Done
	// closed marks by pool position, one bit a job, the jobs of the share
	// that earlier runs closed (ok, or failed and not retried): with
	// balance, the other hosts learn them. nil without balance.
	closed []uint64
	// balancer hands out the jobs when the run balances through a shared
	// folder; nil runs the planned share in run order.
	balancer *balance.Balancer
	// digest is written in every result row (Sweep.ResultDigest).
	digest string
	// paths are the sweep's, absolute.
	paths jobs.Paths
	// env is the part of the jobs' environment that is the same for every
	// job, built once: copying os.Environ per job is a cost per job. No
	// name repeats in it, and it has none of the names each job sets.
	env []string
	// paramVars are "JOBSPLIT_PARAM_<COLUMN>=", one per pool column.
	paramVars []string
	// envs holds the environment slices of ended jobs (*[]string), for
	// the next jobs' (each is some 50 strings).
	envs sync.Pool
	// programs remembers where the jobs' programs are.
	programs process.Programs

	files *runFiles
	lock  *runLock
	// commits takes the finished attempts to the committer (commit.go);
	// recording holds a token for each of them until its commit is over,
	// which bounds them (see recordingPerWorker).
	commits   chan *pending
	recording chan struct{}

	tally     tally
	watch     progressWatch
	guard     *guard
	admission *admission
	halting   halting
	// fatal is the first error that stops the run (a results file that
	// cannot be written): no new job starts after it.
	fatalOnce sync.Once
	fatal     error
	stopRun   context.CancelFunc
}

// New prepares machine's share: it takes the machine's lock and reads what
// earlier runs finished, but writes nothing yet. Close (or Run) releases
// the lock.
func New(s *jobs.Sweep, opts Options) (*Runner, error) {
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
	if opts.Hard == nil {
		opts.Hard = context.Background()
	}
	var err error
	r := &Runner{
		sweep: s, opts: opts, events: opts.Events, share: share,
		digest: s.ResultDigest(), paths: s.Paths.Abs(), commits: make(chan *pending, recordingPerWorker*max(opts.Workers, 1)),
		recording: make(chan struct{}, recordingPerWorker*max(opts.Workers, 1)),
	}
	if r.events == nil {
		r.events = Nop{}
	}
	r.env, r.paramVars = r.sharedEnviron()
	r.halting.policy = opts.Halt
	r.guard = newGuard(opts, s.Config.Job.Memory.Bytes, m.Memory)
	if r.admission, err = newAdmission(s, m, opts.Workers); err != nil {
		return nil, err
	}
	if len(share.Jobs) == 0 && opts.Balance.Dir == "" {
		return r, nil // nothing to run, nothing to write
	}
	// Take the machine's lock before reading what is done: a second run
	// must not plan from a file the first is still writing.
	if r.lock, err = lockRun(r.paths, opts.Machine); err != nil {
		return nil, err
	}
	if err := r.readDone(); err != nil {
		r.lock.release()
		return nil, err
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

// Close lets another run of the machine in; Run closes by itself.
func (r *Runner) Close() { r.lock.release() }

// Run runs the pending jobs on the workers until all are done or ctx is
// cancelled, and returns the summary. A job counts as done once its log
// records and then its row are on disk.
func (r *Runner) Run(ctx context.Context) (*Summary, error) {
	defer r.Close()
	// Stop what a killed run left running, open the results file, the log
	// and the jobs' private folder, and tell what a crash left and this
	// run repaired.
	files, repairs, err := openFiles(r.sweep, r.paths, r.opts, r.done)
	for _, w := range repairs {
		r.events.Warning(w)
	}
	if err != nil {
		return nil, err
	}
	r.files = files
	defer files.removeWorkDir()
	if r.opts.Balance.Dir != "" {
		if r.balancer, err = r.joinBalance(); err != nil {
			files.close()
			return nil, err
		}
		defer r.balancer.Close()
	}
	started := time.Now()
	r.tally.start(len(r.share.Jobs), r.skipped)
	// The run's start is on disk before its first job: a run killed at
	// once still left its trace.
	_ = files.log.RunStart(logs.RunStart{
		Version: r.opts.Version, Digest: r.sweep.Plan.Digest.String(),
		Share: len(r.share.Jobs), Workers: r.opts.Workers,
	})
	if err := files.log.Commit(); err != nil {
		files.close()
		return nil, err
	}
	r.events.RunStarted(RunStart{
		Machine: r.opts.Machine, Digest: r.sweep.Plan.Digest.String(), Share: len(r.share.Jobs),
		Skipped: r.skipped, Pending: len(r.pending), Workers: r.opts.Workers, Time: started,
	})

	// dispatch starts the jobs in run order (higher priority first) as the
	// machine's room (cores, GPUs, resources) and the guards allow, until
	// the share is handed out, the halt policy stops it, or ctx (Ctrl-C)
	// or a fatal error stops the run.
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	r.stopRun = stopRun
	watching := r.watch.run(runCtx, files.workDir, files.log, r.events)
	feedCtx, stopFeeding := context.WithCancel(runCtx)
	r.halting.stopFeeding = stopFeeding
	committed := r.commitLoop(r.commits)
	// A worker in a fast wait starts its next job as soon as the last
	// ends; more of them than cores would buy nothing.
	releaseWaits := process.ReserveFastWaits(min(r.opts.Workers, runtime.GOMAXPROCS(0)))
	var running sync.WaitGroup
	fed := r.dispatch(feedCtx, runCtx, &running)
	stopFeeding()
	running.Wait()
	releaseWaits()
	close(r.commits)
	<-committed
	stopRun()
	<-watching

	// Every job has ended and its row is written: close the files and sum up.
	sum := r.tally.summary(time.Since(started))
	sum.Machine, sum.EarlierFailed = r.opts.Machine, r.earlierFailed
	if r.balancer == nil {
		sum.NotStarted = len(r.pending) - fed
	} else {
		counts := r.balancer.Counts()
		sum.Stole, sum.TookOver = counts.Stole, counts.TookOver
	}
	sum.ResultsPath, sum.LogPath = files.results.Path(), files.log.Path()
	_ = files.log.RunEnd(logs.RunEnd{
		Total: sum.Total, OK: sum.OK, Failed: sum.Failed, Timeout: sum.Timeout,
		Interrupted: sum.Interrupted, Skipped: sum.Skipped, Duration: sum.Elapsed,
	})
	closeErr := files.close()
	r.events.RunEnded(sum)
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
