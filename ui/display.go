package ui

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/jobsplit/jobsplit/jobs/runner"
	"github.com/jobsplit/jobsplit/results"
)

// liveEvery is how often the live display redraws.
const liveEvery = 250 * time.Millisecond

// maxShownJobs bounds the running jobs listed by the live display.
const maxShownJobs = 8

// Mode is how a run shows its progress.
type Mode int

// The modes.
const (
	// Lines prints a status line every Options.Every (stderr is not a
	// terminal, or TERM=dumb).
	Lines Mode = iota
	// Live redraws a display in place on a terminal.
	Live
	// Quiet prints only warnings; the summary is the caller's.
	Quiet
)

// Options say how a Display shows a run.
type Options struct {
	Mode Mode
	// Every is the time between two status lines in Lines mode; 0 or less
	// prints none.
	Every time.Duration
	// Width is the terminal's width now; nil asks the terminal (Live).
	Width func() int
}

// ModeFor picks the mode for w: Live on a terminal that can redraw,
// Lines otherwise, Quiet when asked.
func ModeFor(w io.Writer, quiet bool) Mode {
	switch {
	case quiet:
		return Quiet
	case IsTerminal(w) && os.Getenv("TERM") != "dumb":
		return Live
	}
	return Lines
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Display shows a run's progress on w from the run's events. It is a
// runner.Events; Close stops it (RunEnded does too).
type Display struct {
	w    io.Writer
	opts Options

	mu      sync.Mutex
	machine string
	total   int
	done    int // earlier runs' and this run's finished jobs
	ok      int
	failed  int
	started time.Time
	running map[string]*shownJob
	// moved are the jobs of other machines' shares this host ran (with
	// balance): they add to its total.
	moved   map[string]bool
	waiting string
	// shown are the columns of each line the live display drew last, to
	// clear them even after the terminal was resized.
	shown   []int
	stop    chan struct{}
	stopped chan struct{}
}

type shownJob struct {
	id       string
	attempt  int
	started  time.Time
	fraction float64
}

// NewDisplay makes a display that writes to w.
func NewDisplay(w io.Writer, opts Options) *Display {
	if opts.Width == nil {
		opts.Width = terminalWidth(w)
	}
	if opts.Mode == Live {
		opts.Every = liveEvery
	}
	return &Display{w: w, opts: opts, running: map[string]*shownJob{}, moved: map[string]bool{}}
}

func terminalWidth(w io.Writer) func() int {
	return func() int {
		if f, ok := w.(*os.File); ok {
			if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
				return width
			}
		}
		return 80
	}
}

// RunStarted starts the redraws.
func (d *Display) RunStarted(e runner.RunStart) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.machine, d.total, d.done, d.started = e.Machine, e.Share, e.Skipped, e.Time
	if d.opts.Mode == Quiet || d.opts.Every <= 0 || d.stop != nil {
		return
	}
	d.stop, d.stopped = make(chan struct{}), make(chan struct{})
	go d.redraw(d.stop, d.stopped)
}

// redraw draws on every tick, and at once when the terminal is resized.
func (d *Display) redraw(stop <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	ticker := time.NewTicker(d.opts.Every)
	defer ticker.Stop()
	resized, unwatch := watchResize()
	defer unwatch()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
		case <-resized:
		}
		d.mu.Lock()
		if d.opts.Mode == Live {
			d.drawLive()
		} else {
			fmt.Fprintln(d.w, d.statusLine())
		}
		d.mu.Unlock()
	}
}

// JobStarted shows the job among the running ones.
func (d *Display) JobStarted(e runner.JobStart) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.running[e.Job] = &shownJob{id: e.Job, attempt: e.Attempt, started: e.Time, fraction: -1}
	if e.Planned != "" && e.Planned != d.machine && !d.moved[e.Job] {
		d.moved[e.Job] = true
		d.total++
	}
}

// JobOutput is not shown: the log has it.
func (d *Display) JobOutput(runner.Output) {}

// JobProgress shows the job's own fraction.
func (d *Display) JobProgress(e runner.Progress) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if j, ok := d.running[e.Job]; ok {
		j.fraction = e.Fraction
	}
}

// JobEnded counts the job.
func (d *Display) JobEnded(e runner.JobEnd) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.running, e.Job)
	switch {
	case e.Status == results.StatusOK:
		d.ok++
		d.done++
	case e.Status == results.StatusInterrupted || !e.Final:
	default:
		d.failed++
		d.done++
	}
}

// Waiting shows why jobs are held back.
func (d *Display) Waiting(e runner.Wait) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.waiting = e.Reason
}

// Halted is shown by the summary and the error.
func (d *Display) Halted(*runner.HaltError) {}

// Warning prints a warning line, above the live display.
func (d *Display) Warning(msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clear()
	fmt.Fprintf(d.w, "jobsplit: warning: %s\n", msg)
}

// RunEnded stops the redraws and clears the live display, so that the
// summary starts on a fresh line.
func (d *Display) RunEnded(*runner.Summary) { d.Close() }

// Close stops the redraws and clears the live display; calling it again
// does nothing.
func (d *Display) Close() {
	d.mu.Lock()
	stop, stopped := d.stop, d.stopped
	d.stop = nil
	d.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-stopped
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clear()
}

// statusLine is one line of progress: done/total, running, failed, rate,
// elapsed and ETA. d.mu must be held.
func (d *Display) statusLine() string {
	elapsed := time.Since(d.started)
	finished := d.ok + d.failed
	perMinute, eta := 0.0, "?"
	if finished > 0 && elapsed > 0 {
		perMinute = float64(finished) / elapsed.Minutes()
		eta = Duration(time.Duration(float64(d.total-d.done) / float64(finished) * float64(elapsed)))
	}
	line := fmt.Sprintf("%s  %d/%d done  %d running  %d failed  %.1f jobs/min  elapsed %s  ETA %s",
		d.machine, d.done, d.total, len(d.running), d.failed, perMinute, Duration(elapsed), eta)
	if d.waiting != "" {
		line += "  waiting: " + d.waiting
	}
	return line
}

// drawLive clears what it drew last and draws the display again, each
// line cut to the terminal's width so that none wraps. d.mu must be held.
func (d *Display) drawLive() {
	width := d.opts.Width()
	d.clearAt(width)
	lines := []string{bar(d.done, d.total, 24) + " " + d.statusLine()}
	jobs := make([]*shownJob, 0, len(d.running))
	for _, j := range d.running {
		jobs = append(jobs, j)
	}
	slices.SortFunc(jobs, func(a, b *shownJob) int { return a.started.Compare(b.started) })
	for i, j := range jobs {
		if i == maxShownJobs {
			lines = append(lines, fmt.Sprintf("  ... and %d more running", len(jobs)-i))
			break
		}
		progress := "    "
		if j.fraction >= 0 {
			progress = fmt.Sprintf("%3.0f%%", 100*j.fraction)
		}
		lines = append(lines, fmt.Sprintf("  %-20s %s  attempt %d  %s", j.id, progress, j.attempt, Duration(time.Since(j.started))))
	}
	var b strings.Builder
	d.shown = d.shown[:0]
	for _, line := range lines {
		line = fit(line, width)
		d.shown = append(d.shown, len([]rune(line)))
		b.WriteString(line + "\n")
	}
	io.WriteString(d.w, b.String())
}

// clear removes the live display. d.mu must be held.
func (d *Display) clear() {
	if d.opts.Mode == Live {
		d.clearAt(d.opts.Width())
	}
}

// clearAt moves the cursor up over the rows the last drawing takes at
// width (more than its lines when the terminal got narrower and they
// wrapped) and clears to the end of the screen.
func (d *Display) clearAt(width int) {
	n := 0
	for _, cols := range d.shown {
		n += rows(cols, width)
	}
	d.shown = d.shown[:0]
	if n > 0 {
		fmt.Fprintf(d.w, "\x1b[%dA\x1b[J", n)
	}
}

func bar(done, total, width int) string {
	filled := 0
	if total > 0 {
		filled = min(done*width/total, width)
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}
