package runner

import (
	"time"

	"github.com/jobsplit/jobsplit/results"
)

// Events receives what happens in a run, as it happens: the terminal
// display, the quiet lines, a report or a test are consumers of them. The
// run calls the methods from several goroutines, so an implementation must
// be safe for concurrent use, and it must return quickly: the job that
// reports waits for it. Embed Nop to implement only some of them.
//
// The log and the results file are not consumers: they are the run's
// commit protocol, which the runner writes itself in a fixed order. Every
// event a consumer sees has already reached the log, and a JobEnded's row
// is on disk.
type Events interface {
	// RunStarted: the files are open and the first job is about to start.
	RunStarted(RunStart)
	// JobStarted: an attempt's process is about to start.
	JobStarted(JobStart)
	// JobOutput: a line the job printed, without its newline; Partial
	// marks a piece of a line longer than the log's limit. Line is only
	// valid during the call.
	JobOutput(Output)
	// JobProgress: the job wrote a new fraction to $JOBSPLIT_PROGRESS.
	JobProgress(Progress)
	// JobEnded: an attempt ended and its row is on disk.
	JobEnded(JobEnd)
	// Waiting: a guard holds the next job back (Reason says which), or,
	// with an empty Reason, lets it go again.
	Waiting(Wait)
	// Halted: the halt policy stopped the run (no new jobs; with "now",
	// the running ones are stopped too).
	Halted(*HaltError)
	// Warning: something the user should know that does not stop the run,
	// such as a torn file a crash left and this run repaired.
	Warning(string)
	// RunEnded: every job has ended and the files are closed.
	RunEnded(*Summary)
}

// RunStart describes a run as it starts.
type RunStart struct {
	Machine string
	Digest  string
	// Share is the machine's whole share; Skipped of them were done by
	// earlier runs, Pending will run now.
	Share, Skipped, Pending int
	Workers                 int
	Time                    time.Time
}

// JobStart is an attempt that starts.
type JobStart struct {
	Job     string
	Attempt int
	Time    time.Time
	// Planned is the machine the plan gave the job to: another than the
	// run's when this host stole it or took it over (with balance).
	Planned string
}

// Output is one line of a job's output.
type Output struct {
	Job     string
	Stream  string // "stdout" or "stderr"
	Line    []byte
	Partial bool
}

// Progress is a job's own report of how far it is, from 0 to 1.
type Progress struct {
	Job      string
	Fraction float64
}

// JobEnd is an attempt that ended.
type JobEnd struct {
	Job      string
	Attempt  int
	Status   results.Status
	ExitCode int
	Duration time.Duration
	// Reason says why the attempt did not end ok, when jobsplit knows more
	// than the exit code (a program not found, a result file refused).
	Reason string
	// Final is false when the job will be tried again (retries).
	Final bool
}

// Wait is a guard holding jobs back, or letting them go (Reason "").
type Wait struct {
	Reason  string
	Running int
}

// Nop is an Events that ignores everything; embed it to implement only
// the events of interest.
type Nop struct{}

func (Nop) RunStarted(RunStart)  {}
func (Nop) JobStarted(JobStart)  {}
func (Nop) JobOutput(Output)     {}
func (Nop) JobProgress(Progress) {}
func (Nop) JobEnded(JobEnd)      {}
func (Nop) Waiting(Wait)         {}
func (Nop) Halted(*HaltError)    {}
func (Nop) Warning(string)       {}
func (Nop) RunEnded(*Summary)    {}

// Summary is the outcome of a run.
type Summary struct {
	Machine                                          string
	Total, Skipped, OK, Failed, Timeout, Interrupted int
	// BadResult counts the jobs whose latest attempt exited 0 but left no
	// valid result; BadResults says why, job by job.
	BadResult  int
	BadResults []JobProblem
	// NotStarted are the pending jobs that never started: the run was
	// halted, interrupted or stopped first.
	NotStarted int
	// Stole and TookOver count the jobs this host ran from other hosts'
	// shares, from live hosts and from dead ones (with balance).
	Stole, TookOver int
	// FailedIDs are the jobs whose latest attempt in this run failed,
	// timed out or left a bad result.
	FailedIDs []string
	// EarlierFailed are the jobs that failed in an earlier run and were
	// not run again (no RetryFailed).
	EarlierFailed []string
	Elapsed       time.Duration
	ResultsPath   string
	LogPath       string
}

// JobProblem is a job and what was wrong with it.
type JobProblem struct {
	Job    string
	Reason string
}
