package ui

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jobsplit/jobsplit/jobs/runner"
	"github.com/jobsplit/jobsplit/results"
)

func TestFit(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		width int
		want  string
	}{
		{"short", "abc", 10, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut", "abcdefgh", 5, "abcd…"},
		{"wide runes count once", "ééééé", 3, "éé…"},
		{"control characters cannot move the cursor", "a\x1b[2Jb", 20, "a?[2Jb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fit(tt.line, tt.width); got != tt.want {
				t.Errorf("fit(%q, %d) = %q, want %q", tt.line, tt.width, got, tt.want)
			}
		})
	}
}

// liveDisplay is a live display of a run of 20 jobs, 3 running with long
// ids, drawn at the width width returns.
func liveDisplay(out *bytes.Buffer, width *int) *Display {
	d := NewDisplay(out, Options{Mode: Live, Width: func() int { return *width }})
	d.machine, d.total, d.started = "alpha", 20, time.Now()
	for _, id := range []string{"a-rather-long-job-id-that-goes-on-and-on", "b", "c"} {
		d.JobStarted(runner.JobStart{Job: id, Attempt: 1, Time: time.Now()})
	}
	d.JobEnded(runner.JobEnd{Job: "c", Status: results.StatusOK, Final: true})
	return d
}

// TestLiveNeverWraps: every line of the live display fits the terminal,
// cut with an ellipsis, so that redrawing in place never leaves wrapped
// rows behind.
func TestLiveNeverWraps(t *testing.T) {
	var out bytes.Buffer
	width := 30
	d := liveDisplay(&out, &width)
	d.drawLive()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want the status and 2 running jobs:\n%s", len(lines), out.String())
	}
	for _, line := range lines {
		if n := utf8.RuneCountInString(line); n > width {
			t.Errorf("line of %d columns at width %d: %q", n, width, line)
		}
	}
	if !strings.HasSuffix(lines[0], "…") {
		t.Errorf("status line not cut with an ellipsis: %q", lines[0])
	}
}

// TestLiveRedrawAfterShrink: after the terminal got narrower, the redraw
// first moves up over every row the old lines now take (they wrapped),
// not only over their count.
func TestLiveRedrawAfterShrink(t *testing.T) {
	var out bytes.Buffer
	width := 100
	d := liveDisplay(&out, &width)
	d.drawLive()
	cols := append([]int(nil), d.shown...)
	width = 20
	out.Reset()
	d.drawLive()
	wantRows := 0
	for _, c := range cols {
		wantRows += (c + width - 1) / width
	}
	if wantRows <= len(cols) {
		t.Fatalf("test lines too short to wrap at %d: %v", width, cols)
	}
	if want := "\x1b[" + itoa(wantRows) + "A\x1b[J"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("redraw starts %q, want %q", out.String()[:min(12, out.Len())], want)
	}
}

// TestCloseLeavesFreshLine: once the run ends, the live display is gone
// and the cursor is at the start of a line, where the summary goes.
func TestCloseLeavesFreshLine(t *testing.T) {
	var out bytes.Buffer
	width := 80
	d := liveDisplay(&out, &width)
	d.RunStarted(runner.RunStart{Machine: "alpha", Share: 20, Time: time.Now()})
	d.mu.Lock()
	d.drawLive()
	d.mu.Unlock()
	d.RunEnded(&runner.Summary{})
	if !strings.HasSuffix(out.String(), "\x1b[J") {
		t.Errorf("display not cleared at the end: %q", out.String())
	}
	d.Close() // a second close does nothing
}

// TestCounts: retried attempts and interrupted jobs are not done; final
// failures are.
func TestCounts(t *testing.T) {
	var out bytes.Buffer
	d := NewDisplay(&out, Options{Mode: Quiet})
	d.RunStarted(runner.RunStart{Machine: "m", Share: 5, Skipped: 1, Time: time.Now()})
	for _, e := range []runner.JobEnd{
		{Job: "a", Status: results.StatusOK, Final: true},
		{Job: "b", Status: results.StatusFailed, Final: false},
		{Job: "b", Status: results.StatusFailed, Final: true},
		{Job: "c", Status: results.StatusInterrupted, Final: true},
	} {
		d.JobEnded(e)
	}
	d.Waiting(runner.Wait{Reason: "load: 9.00, at or above --load 8"})
	line := d.statusLine()
	for _, want := range []string{"m  3/5 done", "1 failed", "waiting: load"} {
		if !strings.Contains(line, want) {
			t.Errorf("status line %q lacks %q", line, want)
		}
	}
	if out.Len() != 0 {
		t.Errorf("quiet display printed %q", out.String())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
