package logs

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrBadTime is wrapped by ParseTime's error for text that is none of the
// forms it takes.
var ErrBadTime = errors.New("not a time")

// TimeForms lists, for messages, the forms ParseTime takes.
const TimeForms = "2026-12-03T14:30:00Z, 2026-12-03, 14:30, 2026-12-03 14:30 or 10m (back from now)"

// localLayouts are the forms without a zone, read in the caller's location.
var localLayouts = []string{
	"2006-01-02",
	"2006-01-02 15:04",
	"2006-01-02 15:04:05", // a fraction after the seconds parses too
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
}

// clockLayouts are times of day, taken on the day of now in the location.
var clockLayouts = []string{"15:04", "15:04:05"}

// ParseTime reads the instant a merge filter (--since, --until) names:
//
//   - RFC 3339, with a zone: 2026-12-03T14:30:00Z, 2026-12-03T15:30:00+01:00
//   - a date, meaning its midnight in loc: 2026-12-03
//   - a date and time without a zone, in loc: 2026-12-03 14:30, 2026-12-03T14:30:05
//   - a time of day, on the day of now in loc: 14:30, 14:30:05
//   - a Go duration back from now: 10m, 2h, 1h30m
//
// now and loc come from the caller (time.Now(), time.Local) so that tests do
// not depend on the clock or the machine's zone.
func ParseTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	text := strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return t, nil
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, text, loc); err == nil {
			return t, nil
		}
	}
	for _, layout := range clockLayouts {
		if t, err := time.ParseInLocation(layout, text, loc); err == nil {
			y, m, d := now.In(loc).Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc), nil
		}
	}
	if d, err := time.ParseDuration(text); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("%q: a duration counts back from now, so it cannot be negative: %w", s, ErrBadTime)
		}
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q: %w", s, ErrBadTime)
}
