package results

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Status is the outcome of one attempt of a job, as written in the status column.
type Status string

// The statuses a results row can carry. Everything but StatusOK counts as not done.
const (
	StatusOK          Status = "ok"
	StatusFailed      Status = "failed"
	StatusTimeout     Status = "timeout"
	StatusInterrupted Status = "interrupted"
	// StatusBadResult is an attempt that exited 0 but left at
	// $JOBSPLIT_RESULT something that is not a result.
	StatusBadResult Status = "bad_result"
)

// ParseStatus returns the Status named by s, or an error when s is not one of
// ok, failed, timeout, interrupted or bad_result.
func ParseStatus(s string) (Status, error) {
	switch Status(s) {
	case StatusOK:
		return StatusOK, nil
	case StatusFailed:
		return StatusFailed, nil
	case StatusTimeout:
		return StatusTimeout, nil
	case StatusInterrupted:
		return StatusInterrupted, nil
	case StatusBadResult:
		return StatusBadResult, nil
	}
	return "", fmt.Errorf("status %q is not one of ok, failed, timeout, interrupted, bad_result", s)
}

// Indexes of the fixed columns, in the order they are written.
const (
	colJobID = iota
	colMachine
	colStatus
	colExitCode
	colAttempt
	colStartedAt
	colDuration
	colDigest
	numFixed
)

// FixedColumns returns the names of the columns every results file starts with,
// in order; the pool's parameter columns and the result columns follow them.
func FixedColumns() []string {
	return []string{"job_id", "machine", "status", "exit_code", "attempt", "started_at", "duration_s", "digest"}
}

// timeLayout is RFC 3339 in UTC with exactly three fractional digits.
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// parseTime accepts any RFC 3339 time (any number of fractional digits, any
// offset), so that files edited by other tools still read.
func parseTime(s string) (int64, error) {
	if ns, ok := parseWrittenTime(s); ok {
		return ns, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, fmt.Errorf("started_at %q is not an RFC 3339 time", s)
	}
	return t.UnixNano(), nil
}

// parseWrittenTime reads a time in the layout the writer writes (timeLayout)
// four times faster than time.Parse, which every row of a million pays; ok
// is false for anything else (other layouts, bad dates, years whose Unix
// nanoseconds do not fit), which time.Parse then reads or refuses.
func parseWrittenTime(s string) (ns int64, ok bool) {
	if len(s) != len(timeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z' {
		return 0, false
	}
	var v [7]int
	for k, f := range [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 23}} {
		for i := f[0]; i < f[1]; i++ {
			c := s[i] - '0'
			if c > 9 {
				return 0, false
			}
			v[k] = v[k]*10 + int(c)
		}
	}
	year, month, day := v[0], v[1], v[2]
	if year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || v[3] > 23 || v[4] > 59 || v[5] > 59 {
		return 0, false
	}
	secs := (daysSinceEpoch(year, month, day)*24+int64(v[3]))*3600 + int64(v[4])*60 + int64(v[5])
	return secs*int64(time.Second) + int64(v[6])*int64(time.Millisecond), true
}

// daysIn is the number of days of a month of the Gregorian calendar.
func daysIn(year, month int) int {
	if month == 2 {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + (month+month/8)%2
}

// daysSinceEpoch counts the days from 1970-01-01 to a date of the
// Gregorian calendar with a year from 1900 on (Hinnant's days_from_civil).
func daysSinceEpoch(year, month, day int) int64 {
	if month <= 2 {
		year--
	}
	era := year / 400
	yearOfEra := year - era*400
	shifted := month - 3
	if month <= 2 {
		shifted = month + 9
	}
	dayOfYear := (153*shifted+2)/5 + day - 1
	dayOfEra := yearOfEra*365 + yearOfEra/4 - yearOfEra/100 + dayOfYear
	return int64(era*146097 + dayOfEra - 719468)
}

// formatSeconds writes d as seconds with exactly three decimals (1.234).
func formatSeconds(d time.Duration) string {
	ms := d.Round(time.Millisecond).Milliseconds()
	b := make([]byte, 0, 24)
	if ms < 0 {
		b = append(b, '-')
		ms = -ms
	}
	b = strconv.AppendInt(b, ms/1000, 10)
	frac := ms % 1000
	b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	return string(b)
}

// maxSeconds keeps a parsed duration inside time.Duration's range.
const maxSeconds = float64(math.MaxInt64/int64(time.Second)) - 1

func parseSeconds(s string) (time.Duration, error) {
	if ms, ok := parseWrittenSeconds(s); ok {
		return time.Duration(ms) * time.Millisecond, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxSeconds {
		return 0, fmt.Errorf("duration_s %q is not a number of seconds", s)
	}
	return time.Duration(math.Round(f*1000)) * time.Millisecond, nil
}

func parseAttempt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("attempt %q is not a whole number", s)
	}
	return n, nil
}

// parseWrittenSeconds reads seconds as the writer writes them (1.234: at
// most 9 digits, a point and at most 3 decimals) as milliseconds, without
// strconv.ParseFloat; ok is false for anything else, which ParseFloat then
// reads or refuses. For these the float's rounding gives the same result.
func parseWrittenSeconds(s string) (ms int64, ok bool) {
	i := 0
	for ; i < len(s) && i < 10 && '0' <= s[i] && s[i] <= '9'; i++ {
		ms = ms*10 + int64(s[i]-'0')
	}
	if i == 0 || i > 9 {
		return 0, false
	}
	ms *= 1000
	if i == len(s) {
		return ms, true
	}
	frac := s[i+1:]
	if s[i] != '.' || len(frac) == 0 || len(frac) > 3 {
		return 0, false
	}
	scale := int64(100)
	for k := 0; k < len(frac); k++ {
		c := frac[k] - '0'
		if c > 9 {
			return 0, false
		}
		ms += int64(c) * scale
		scale /= 10
	}
	return ms, true
}

// hourCache reads started_at times that mostly fall in the hour of the
// time read before, as a run's rows do: it keeps that hour as written
// ("2006-01-02T15:") with its Unix seconds, and reads only the minutes,
// seconds and milliseconds of a time in it, which is a third of the work
// of parseWrittenTime. It accepts what parseTime accepts, with the same
// result.
type hourCache struct {
	hour [14]byte
	secs int64 // at the hour's start
	set  bool
}

func (c *hourCache) parse(s string) (int64, error) {
	if c.set && len(s) == len(timeLayout) && s[:len(c.hour)] == string(c.hour[:]) && s[16] == ':' && s[19] == '.' && s[23] == 'Z' {
		if secs, ms, ok := secondsInHour(s); ok {
			return (c.secs+secs)*int64(time.Second) + ms*int64(time.Millisecond), nil
		}
	}
	ns, ok := parseWrittenTime(s)
	if !ok {
		return parseTime(s)
	}
	secs, ms, _ := secondsInHour(s)
	copy(c.hour[:], s)
	c.secs, c.set = (ns-ms*int64(time.Millisecond))/int64(time.Second)-secs, true
	return ns, nil
}

// secondsInHour reads "04:05.000" from a time as written: seconds since
// the hour and milliseconds.
func secondsInHour(s string) (secs, ms int64, ok bool) {
	var d [7]int64
	for k, i := range [7]int{14, 15, 17, 18, 20, 21, 22} {
		c := s[i] - '0'
		if c > 9 {
			return 0, 0, false
		}
		d[k] = int64(c)
	}
	minute, second := d[0]*10+d[1], d[2]*10+d[3]
	if minute > 59 || second > 59 {
		return 0, 0, false
	}
	return minute*60 + second, d[4]*100 + d[5]*10 + d[6], true
}
