package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/process"
	"github.com/jobsplit/jobsplit/jobs/runner"
	"github.com/jobsplit/jobsplit/machines"
	"github.com/jobsplit/jobsplit/results"
	"github.com/jobsplit/jobsplit/ui"
)

func newRunCommand(hard context.Context) *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "run this machine's share of the jobs",
		Description: "Which machine this is comes from --machine, $JOBSPLIT_MACHINE, a scheduler's " +
			"array index, the host name, or a prompt on a terminal. A rerun skips every job already ok " +
			"in results/<machine>.csv.\n\n" + exitCodesHelp,
		Flags: append(sweepFlags(),
			&cli.StringFlag{Name: "machine", Aliases: []string{"m"}, Usage: "run as machine `NAME` of machines.json"},
			&cli.StringFlag{Name: "shard", Usage: "run as machine or shard number `I`, counting from 0 (as --machine, by position)"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "run without asking"},
			&cli.StringFlag{Name: "expect-digest", Usage: "refuse to run unless the digest starts with `PREFIX`"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"j"}, Usage: "run `N` jobs at once", DefaultText: "the machine's cores"},
			&cli.BoolFlag{Name: "retry-failed", Usage: "run again jobs that failed or timed out in an earlier run"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only errors and the final summary"},
			&cli.DurationFlag{Name: "progress-every", Value: 10 * time.Second, Usage: "without a terminal, print a progress line this often"},
			&cli.DurationFlag{Name: "kill-grace", Usage: "`TIME` between SIGTERM and SIGKILL for a stopped job", DefaultText: "the config's, or 10s"},
			&cli.StringFlag{Name: "halt", Value: "never", Usage: "stop after failures: never, soon,fail=N (no new jobs), now,fail=N (stop running ones too); N may be a percentage such as 10%"},
			&cli.StringFlag{Name: "memfree", Usage: "start a job only while more than `SIZE` of memory is available (cgroup aware), such as 2GiB"},
			&cli.Float64Flag{Name: "load", Usage: "start a job only while the load average is below `N`", DefaultText: "no limit"},
			&cli.StringFlag{Name: "balance-dir", Usage: "share the work with the other hosts through folder `DIR` they all see: steal from slow hosts, take over dead ones", DefaultText: "the config's [balance] dir"},
			&cli.BoolFlag{Name: "no-balance", Usage: "run the planned share only, even with a [balance] dir"},
			&cli.BoolFlag{Name: "allow-mixed", Usage: "resume from a results file of another digest (the pool grew, say), taking its rows of jobs still in the pool"},
		),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			return runRun(c.Context, runOptions{
				Sweep:         sweepOptions(c),
				Machine:       c.String("machine"),
				Shard:         c.String("shard"),
				Yes:           c.Bool("yes"),
				ExpectDigest:  c.String("expect-digest"),
				Workers:       c.Int("workers"),
				RetryFailed:   c.Bool("retry-failed"),
				Quiet:         c.Bool("quiet"),
				ProgressEvery: c.Duration("progress-every"),
				KillGrace:     c.Duration("kill-grace"),
				Halt:          c.String("halt"),
				MemFree:       c.String("memfree"),
				Load:          c.Float64("load"),
				BalanceDir:    c.String("balance-dir"),
				NoBalance:     c.Bool("no-balance"),
				AllowMixed:    c.Bool("allow-mixed"),
				Stdin:         os.Stdin,
				Stderr:        c.App.ErrWriter,
				Hard:          hard,
			})
		},
	}
}

type runOptions struct {
	Sweep         jobs.Options
	Machine       string
	Shard         string
	Yes           bool
	ExpectDigest  string
	Workers       int
	RetryFailed   bool
	Quiet         bool
	ProgressEvery time.Duration
	KillGrace     time.Duration
	Halt          string
	MemFree       string
	Load          float64
	BalanceDir    string
	NoBalance     bool
	AllowMixed    bool
	Stdin         *os.File
	Stderr        io.Writer
	// Hard ends at a second Ctrl-C: running jobs are killed at once.
	Hard context.Context
}

func runRun(ctx context.Context, opts runOptions) error {
	interactive := term.IsTerminal(int(opts.Stdin.Fd()))
	// Read the results file beside the pool's loading, when the machine is
	// known without asking (identify again says which it is).
	var readAhead *runner.ReadAhead
	opts.Sweep.BeforePool = func(s *jobs.Sweep) {
		if machine, err := identify(s, opts, false); err == nil {
			readAhead = runner.StartReadAhead(s.Paths, machine)
		}
	}
	s, err := loadSweep(opts.Sweep)
	opts.Sweep.BeforePool = nil
	if err != nil {
		return err
	}
	// A command whose program is missing would fail every job: say so
	// before asking anything.
	if program := s.Program(); program != "" {
		if err := process.Find(program, s.Config.Dir); err != nil {
			return withHint(fmt.Errorf("%s: [job] command: %w", s.Config.Name, err),
				"install it, fix the path in [job] command, or chmod +x it; a path such as ./sim.sh is relative to the config's folder")
		}
	}
	machine, err := identify(s, opts, interactive)
	if err != nil {
		return err
	}
	digest := s.Plan.Digest
	if opts.ExpectDigest != "" && !strings.HasPrefix(digest.String(), strings.ToLower(opts.ExpectDigest)) {
		return withHint(fmt.Errorf("digest %s does not start with %s: this host's files differ from the expected ones", digest.Short(), opts.ExpectDigest),
			"compare 'jobsplit plan' on every host; config, machines.json and the pool must be the same")
	}
	if opts.Workers < 0 {
		return withHint(errors.New("--workers must be at least 1"), "pass -j N with N >= 1, or leave it out to use the machine's cores")
	}
	runOpts, err := guardOptions(opts)
	if err != nil {
		return err
	}
	display := ui.NewDisplay(opts.Stderr, ui.Options{Mode: ui.ModeFor(opts.Stderr, opts.Quiet), Every: opts.ProgressEvery})
	defer display.Close()
	runOpts.Machine, runOpts.Workers, runOpts.RetryFailed = machine, opts.Workers, opts.RetryFailed
	runOpts.AllowMixed, runOpts.ReadAhead = opts.AllowMixed, readAhead
	runOpts.Version, runOpts.KillGrace, runOpts.Hard, runOpts.Events = version, opts.KillGrace, opts.Hard, display
	if runOpts.Balance, err = balanceOptions(s, opts); err != nil {
		return err
	}
	r, err := runner.New(s, runOpts)
	var locked *runner.LockedError
	var foreign *results.ResumeDigestError
	switch {
	case errors.As(err, &locked):
		return withHint(err, "wait for that run to end, or stop it; two runs of one machine would run the same jobs")
	case errors.As(err, &foreign):
		return withHint(err, "the pool, the command or the machines changed since: set another [results] dir for this sweep, move %s away, or pass --allow-mixed if its rows still hold", foreign.Path)
	}
	if err != nil {
		return err
	}
	defer r.Close()
	share := len(r.Share().Jobs)
	if !opts.Quiet {
		ui.Header(opts.Stderr, machine, digest.Short(), share, r.Skipped(), r.Pending(), r.Workers())
	}
	if share == 0 && runOpts.Balance.Dir == "" {
		fmt.Fprintf(opts.Stderr, "machine %s has no jobs in this plan: nothing to do\n", machine)
		return nil
	}
	if !opts.Yes && interactive && r.Pending() > 0 {
		question := fmt.Sprintf("Run %s as %s? [y/N] ", ui.CountJobs(r.Pending()), machine)
		if err := ui.Confirm(opts.Stdin, opts.Stderr, question); err != nil {
			return withHint(err, "answer y, or pass --yes to run without asking")
		}
	}
	sum, runErr := r.Run(ctx)
	if sum != nil {
		ui.Summary(opts.Stderr, sum)
	}
	var halted *runner.HaltError
	switch {
	case errors.Is(runErr, context.Canceled) && errors.Is(context.Cause(ctx), errHangup):
		return quiet{errHangup}
	case errors.Is(runErr, context.Canceled):
		return quiet{errInterrupted}
	case errors.As(runErr, &halted):
		return fmt.Errorf("%w: %w", errRunStopped, runErr)
	case runErr != nil:
		// A run that could not record its work (a full disk): every row
		// written is kept, and a rerun picks up the rest.
		return withHint(fmt.Errorf("%w: %w", errRunStopped, runErr), "fix the cause and run again: finished jobs are kept")
	case sum.Failed+sum.Timeout+sum.BadResult > 0 || len(sum.EarlierFailed) > 0:
		return quiet{errJobsFailed}
	}
	return nil
}

// identify answers "which machine is this?", asking on a terminal when no
// flag, variable, scheduler or host name tells.
func identify(s *jobs.Sweep, opts runOptions, interactive bool) (string, error) {
	hostname, _ := os.Hostname()
	env := os.Getenv("JOBSPLIT_MACHINE")
	if opts.Shard != "" {
		env = "" // --shard is a flag: it beats the variable
	}
	index, indexSource, err := schedulerIndex(opts, env, len(s.Machines))
	if err != nil {
		return "", err
	}
	name, _, err := s.Machines.Identify(machines.Clues{
		Flag: opts.Machine, Env: env,
		Index: index, IndexSource: indexSource, Hostname: hostname,
	})
	var notListed *machines.NotListedError
	switch {
	case err == nil:
		return name, nil
	case errors.As(err, &notListed):
		return "", unknownMachine(notListed.Name, s)
	case errors.Is(err, machines.ErrUnknownMachine) && interactive:
		return askMachine(s, opts)
	case errors.Is(err, machines.ErrUnknownMachine):
		return "", withHint(errors.New("cannot tell which machine this is: pass --machine NAME or set JOBSPLIT_MACHINE"),
			"choices: %s", strings.Join(s.Machines.Names(), ", "))
	}
	return "", err
}

// schedulerIndex is the machine's position (0 is the first) given by
// --shard or by a scheduler's array index (Slurm, PBS, SGE, LSF,
// Kubernetes), checked against the count of machines; -1 means none.
// Neither is read when --machine or JOBSPLIT_MACHINE (env) names the
// machine, so a stray array variable cannot break an explicit choice.
func schedulerIndex(opts runOptions, env string, count int) (int, string, error) {
	var (
		index  int
		source string
		err    error
	)
	switch {
	case opts.Shard != "" && opts.Machine != "":
		return -1, "", withHint(errors.New("--shard and --machine both name the machine"), "pass one of them")
	case opts.Machine != "" || env != "":
		return -1, "", nil
	case opts.Shard != "":
		index, err = machines.ParseShard(opts.Shard)
		source = "--shard " + opts.Shard
	default:
		index, source, err = machines.SchedulerIndex(os.Getenv)
	}
	if err != nil {
		return -1, "", withHint(err, "%s", arrayRules)
	}
	if index < 0 {
		return -1, "", nil
	}
	if err := machines.CheckIndex(index, source, count); err != nil {
		if opts.Shard != "" {
			return -1, "", withHint(err, "pass --shard 0 to %d", count-1)
		}
		return -1, "", withHint(err, "the array has more tasks than there are machines: submit one per machine (%s; 'jobsplit emit' writes the script)", arrayRanges(count))
	}
	return index, source, nil
}

// arrayRules are the off-by-one rules of the schedulers' array indices.
const arrayRules = "--shard, Slurm, PBS and Kubernetes count the machines from 0, SGE and LSF from 1"

// arrayRanges is the array each scheduler needs for count machines.
func arrayRanges(count int) string {
	return fmt.Sprintf("sbatch --array=0-%[1]d, qsub -J 0-%[1]d, qsub -t 1-%[2]d (SGE), bsub -J 'name[1-%[2]d]', completions: %[2]d",
		count-1, count)
}

// balanceOptions is where the run shares its work: --balance-dir, else
// the config's [balance] dir, unless --no-balance.
func balanceOptions(s *jobs.Sweep, opts runOptions) (runner.Balance, error) {
	if opts.NoBalance {
		if opts.BalanceDir != "" {
			return runner.Balance{}, withHint(errors.New("--balance-dir and --no-balance: pass one of them"), "--no-balance runs the planned share only")
		}
		return runner.Balance{}, nil
	}
	b := runner.Balance{Dir: s.Paths.Abs().Balance, Lease: s.Config.Balance.Lease.Duration}
	if opts.BalanceDir != "" {
		b.Dir = opts.BalanceDir
	}
	if b.Dir == "" {
		return b, nil
	}
	if st, err := os.Stat(b.Dir); err != nil || !st.IsDir() {
		return b, withHint(fmt.Errorf("balance folder %s: not a folder jobsplit can use", b.Dir),
			"make it (mkdir -p %s) on the shared file system every host sees, or pass --no-balance", b.Dir)
	}
	return b, nil
}

// askMachine asks on the terminal which machine this is.
func askMachine(s *jobs.Sweep, opts runOptions) (string, error) {
	choices := make([]ui.Choice, len(s.Machines))
	for i, m := range s.Machines {
		choices[i] = ui.Choice{Name: m.Name, Weight: m.WeightString(), Jobs: len(s.Plan.Shares[i].Jobs)}
	}
	name, err := ui.AskMachine(opts.Stdin, opts.Stderr, choices)
	if err != nil {
		return "", withHint(err, "pass --machine NAME or set JOBSPLIT_MACHINE")
	}
	return name, nil
}

// guardOptions reads --halt and --memfree.
func guardOptions(opts runOptions) (runner.Options, error) {
	var ro runner.Options
	var err error
	if ro.Halt, err = runner.ParseHalt(opts.Halt); err != nil {
		return ro, withHint(err, "such as --halt soon,fail=3 or --halt now,fail=10%%")
	}
	if opts.MemFree != "" {
		if ro.MemFree, err = machines.ParseSize(opts.MemFree); err != nil {
			return ro, withHint(fmt.Errorf("--memfree: %w", err), "such as --memfree 2GiB")
		}
	}
	if opts.Load < 0 {
		return ro, withHint(fmt.Errorf("--load %g: must be a positive number", opts.Load), "such as --load 8")
	}
	ro.Load = opts.Load
	return ro, nil
}
