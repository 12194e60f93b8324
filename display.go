package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/jobsplit/jobsplit/jobs"
)

// liveEvery is how often the live display redraws.
const liveEvery = 250 * time.Millisecond

// maxShownJobs bounds the running jobs listed by the live display.
const maxShownJobs = 8

// runWithDisplay runs the share while showing progress on stderr: a live
// display on a terminal, a plain line every opts.ProgressEvery otherwise,
// nothing with --quiet.
func runWithDisplay(ctx context.Context, r *jobs.Runner, machine string, opts runOptions) (*jobs.Summary, error) {
	live := isTerminal(opts.Stderr) && os.Getenv("TERM") != "dumb"
	every := opts.ProgressEvery
	if live {
		every = liveEvery
	}
	if opts.Quiet || every <= 0 {
		return r.Run(ctx)
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		shown := 0
		for {
			select {
			case <-done:
				if live {
					clearLines(opts.Stderr, shown)
				}
				return
			case <-ticker.C:
				snap := r.Snapshot()
				if live {
					clearLines(opts.Stderr, shown)
					shown = drawLive(opts.Stderr, machine, snap)
				} else {
					fmt.Fprintln(opts.Stderr, statusLine(machine, snap))
				}
			}
		}
	}()
	sum, err := r.Run(ctx)
	close(done)
	<-stopped
	return sum, err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// statusLine is one line of progress: done/total, running, failed, rate,
// elapsed and ETA.
func statusLine(machine string, s jobs.Snapshot) string {
	eta := "?"
	if s.ETA >= 0 {
		eta = roundDuration(s.ETA)
	}
	return fmt.Sprintf("%s  %d/%d done  %d running  %d failed  %.1f jobs/min  elapsed %s  ETA %s",
		machine, s.Done(), s.Total, s.Running, s.Failed, s.PerMinute, roundDuration(s.Elapsed), eta)
}

// drawLive prints the live display and returns how many lines it took.
func drawLive(w io.Writer, machine string, s jobs.Snapshot) int {
	var b strings.Builder
	b.WriteString(bar(s.Done(), s.Total, 24) + " " + statusLine(machine, s) + "\n")
	lines := 1
	for i, j := range s.Jobs {
		if i == maxShownJobs {
			fmt.Fprintf(&b, "  ... and %d more running\n", len(s.Jobs)-i)
			lines++
			break
		}
		progress := "   "
		if j.Fraction >= 0 {
			progress = fmt.Sprintf("%3.0f%%", 100*j.Fraction)
		}
		fmt.Fprintf(&b, "  %-20s %s  attempt %d  %s\n", j.ID, progress, j.Attempt, roundDuration(time.Since(j.Started)))
		lines++
	}
	io.WriteString(w, b.String())
	return lines
}

// clearLines moves the cursor up over n lines and clears them.
func clearLines(w io.Writer, n int) {
	if n > 0 {
		fmt.Fprintf(w, "\x1b[%dA\x1b[J", n)
	}
}

func bar(done, total, width int) string {
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return d.Round(time.Minute).String()
	case d >= time.Minute:
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// printSummary prints the end of a run: counts, failed ids, time, paths.
func printSummary(w io.Writer, machine string, s *jobs.Summary, r *jobs.Runner) {
	fmt.Fprintf(w, "%s: %d ok, %d failed, %d timed out, %d interrupted, %d done earlier; %s\n",
		machine, s.OK, s.Failed, s.Timeout, s.Interrupted, s.Skipped, roundDuration(s.Elapsed))
	if len(s.FailedIDs) > 0 {
		fmt.Fprintf(w, "failed: %s\n", listIDs(s.FailedIDs))
	}
	if earlier := r.EarlierFailed(); len(earlier) > 0 {
		fmt.Fprintf(w, "failed in an earlier run, not retried (pass --retry-failed): %s\n", listIDs(earlier))
	}
	fmt.Fprintf(w, "results: %s\nlog:     %s\n", s.ResultsPath, s.LogPath)
}

// listIDs lists ids, at most 20 of them.
func listIDs(ids []string) string {
	if len(ids) > 20 {
		return strings.Join(ids[:20], " ") + fmt.Sprintf(" ... (%d in all)", len(ids))
	}
	return strings.Join(ids, " ")
}
