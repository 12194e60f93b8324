package ui

import (
	"fmt"
	"github.com/jobsplit/jobsplit/internal/plural"
	"strings"
	"time"
	"unicode/utf8"
)

// CountJobs says "1 job" or "n jobs".
func CountJobs(n int) string { return plural.Of(n, "job") }

// Duration rounds a duration for people: to 100ms under a minute, to the
// second under an hour, to the minute above.
func Duration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return d.Round(time.Minute).String()
	case d >= time.Minute:
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// ListIDs lists ids, at most 20 of them.
func ListIDs(ids []string) string {
	if len(ids) > 20 {
		return strings.Join(ids[:20], " ") + fmt.Sprintf(" ... (%d in all)", len(ids))
	}
	return strings.Join(ids, " ")
}

// fit cuts a line to width columns, ending it with an ellipsis when cut.
// Each rune counts as one column, and control characters become '?', so
// that a line can never move the cursor.
func fit(line string, width int) string {
	var b strings.Builder
	cols := 0
	for i, r := range line {
		if cols == width-1 && utf8.RuneCountInString(line[i:]) > 1 {
			b.WriteRune('…')
			return b.String()
		}
		if r < ' ' || r == 0x7f {
			r = '?'
		}
		b.WriteRune(r)
		cols++
	}
	return b.String()
}

// rows is how many terminal rows a line of cols columns takes at width.
func rows(cols, width int) int {
	if width <= 0 || cols <= width {
		return 1
	}
	return (cols + width - 1) / width
}
