package runner

import (
	"errors"
	"fmt"
	"os"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/process"
	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
)

// runFiles are what a run writes: the results file, the log, the journal
// of running jobs, and a private folder for the jobs' result and progress
// files; and the jobs' standard input.
type runFiles struct {
	results *results.Writer
	// planned says that the results file has the planned_machine column.
	planned bool
	log     *logs.Writer
	journal *process.Journal
	workDir string
	devNull *os.File
}

// openFiles stops the orphans an earlier run left and opens a run's files.
// It returns what it stopped and repaired, for the user.
func openFiles(s *jobs.Sweep, paths jobs.Paths, opts Options, done *results.Done) (*runFiles, []string, error) {
	f := &runFiles{}
	journal, notes, err := process.OpenJournal(paths.JournalFile(opts.Machine), opts.KillGrace,
		process.Marks{Config: s.Config.Path, Machine: opts.Machine})
	if err != nil {
		return nil, notes, err
	}
	f.journal = journal
	if f.results, f.planned, err = openResults(paths.ResultsFile(opts.Machine), s, opts.Balance.Dir != "", done); err != nil {
		f.close()
		return nil, notes, err
	}
	if f.log, err = logs.Open(paths.Logs, opts.Machine, logs.Options{PerJob: s.Config.Logs.PerJob}); err != nil {
		f.close()
		return nil, notes, err
	}
	// What a crash left behind and this run repaired goes into the log
	// too, as warn records that merge-logs shows with the rest.
	logger := f.log.Logger()
	notes = append([]string{f.results.Repaired(), f.log.Repaired()}, notes...)
	kept := notes[:0]
	for _, note := range notes {
		if note != "" {
			logger.Warn().Str("event", "repair").Msg(note)
			kept = append(kept, note)
		}
	}
	workDir, removed, err := makeWorkDir(opts.Machine)
	kept = append(kept, removed...)
	if err != nil {
		f.close()
		return nil, kept, err
	}
	f.workDir = workDir
	if f.devNull, err = os.Open(os.DevNull); err != nil {
		f.close()
		return nil, kept, fmt.Errorf("open jobs' standard input: %w", err)
	}
	return f, kept, nil
}

// plannedColumn is the last column of a balanced run's results: the
// machine the plan gave the job to, which differs from the machine column
// for a job stolen or taken over.
const plannedColumn = "planned_machine"

// openResults opens the machine's results file, with the planned_machine
// column when the run balances. A file that already has rows keeps its
// columns: a balanced run adds to a file without the column (its rows
// then lack it), and a static run writes the column of a file that has it.
func openResults(path string, s *jobs.Sweep, balanced bool, done *results.Done) (*results.Writer, bool, error) {
	with := append(append([]string(nil), s.Config.Results.Columns...), plannedColumn)
	without := s.Config.Results.Columns
	first, second := without, with
	if balanced {
		first, second = with, without
	}
	w, err := results.OpenWriterAfter(path, s.Pool.Columns, first, done)
	var header *results.HeaderError
	if !errors.As(err, &header) {
		return w, err == nil && balanced, err
	}
	w, err2 := results.OpenWriterAfter(path, s.Pool.Columns, second, done)
	if err2 != nil {
		return nil, false, err // the header is neither: say what was expected
	}
	return w, !balanced, nil
}

// close closes what is open and returns the first error of the results
// file and the log; the journal goes last, as the run leaves no orphans.
func (f *runFiles) close() error {
	var errs []error
	if f.results != nil {
		errs = append(errs, f.results.Close())
	}
	if f.log != nil {
		errs = append(errs, f.log.Close())
	}
	if f.devNull != nil {
		f.devNull.Close()
	}
	if f.journal != nil {
		f.journal.Close()
	}
	f.removeWorkDir()
	return errors.Join(errs...)
}

func (f *runFiles) removeWorkDir() {
	if f.workDir != "" {
		os.RemoveAll(f.workDir)
	}
}
