package ui

import (
	"fmt"
	"io"

	"github.com/jobsplit/jobsplit/internal/plural"
	"github.com/jobsplit/jobsplit/jobs/runner"
)

// Header is the line a run starts with: the machine, the digest, its
// share and what is left of it, and the workers.
func Header(w io.Writer, machine, digest string, share, skipped, pending, workers int) {
	fmt.Fprintf(w, "machine %s, digest %s, %s in its share", machine, digest, CountJobs(share))
	if skipped > 0 {
		fmt.Fprintf(w, " (%d done earlier, %d to run)", skipped, pending)
	}
	fmt.Fprintf(w, ", %s\n", plural.Of(workers, "worker"))
}

// Summary prints the end of a run: counts, failed ids, jobs never
// started, time and paths.
func Summary(w io.Writer, s *runner.Summary) {
	bad := ""
	if s.BadResult > 0 {
		bad = fmt.Sprintf(", %d bad results", s.BadResult)
	}
	fmt.Fprintf(w, "%s: %d ok, %d failed, %d timed out%s, %d interrupted, %d done earlier; %s\n",
		s.Machine, s.OK, s.Failed, s.Timeout, bad, s.Interrupted, s.Skipped, Duration(s.Elapsed))
	if len(s.FailedIDs) > 0 {
		fmt.Fprintf(w, "failed: %s\n", ListIDs(s.FailedIDs))
	}
	for i, p := range s.BadResults {
		if i == 5 {
			fmt.Fprintf(w, "bad result: ... and %d more (the log has each reason)\n", len(s.BadResults)-i)
			break
		}
		fmt.Fprintf(w, "bad result: %s: %s\n", p.Job, p.Reason)
	}
	if len(s.EarlierFailed) > 0 {
		fmt.Fprintf(w, "failed in an earlier run, not retried (pass --retry-failed): %s\n", ListIDs(s.EarlierFailed))
	}
	if s.Stole+s.TookOver > 0 {
		fmt.Fprintf(w, "balance: ran %s stolen from slower hosts and %s taken over from dead ones\n", plural.Of(s.Stole, "job"), plural.Of(s.TookOver, "job"))
	}
	if s.NotStarted > 0 {
		fmt.Fprintf(w, "not started: %s (run again to run them)\n", CountJobs(s.NotStarted))
	}
	fmt.Fprintf(w, "results: %s\nlog:     %s\n", s.ResultsPath, s.LogPath)
}
