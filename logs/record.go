package logs

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// Record is one log record: the fields merge-logs sorts and filters on, and
// the raw line it was parsed from.
type Record struct {
	// Time is the record's "time" field, an RFC 3339 instant.
	Time time.Time
	// Machine, Job, Stream, Level and Event are the string fields of those
	// names, "" when absent or not strings.
	Machine, Job, Stream, Level, Event string
	// Raw is the record's line exactly as read, without its newline. A
	// Reader reuses it: it is valid until the next call to Next.
	Raw []byte
}

// ErrNoTime is wrapped by ParseRecord's error for a JSON object without a
// usable "time" field.
var ErrNoTime = errors.New(`no RFC 3339 "time" field`)

// badTimeError is a "time" field that is not an RFC 3339 time; it is an
// ErrNoTime.
type badTimeError struct{ value string }

func (e *badTimeError) Error() string {
	return fmt.Sprintf("%q is not an RFC 3339 time", e.value)
}

func (e *badTimeError) Is(target error) bool { return target == ErrNoTime }

// ParseRecord parses one log line: a JSON object with a "time" string in RFC
// 3339 format (any number of fractional digits, any offset). It accepts
// exactly the JSON that encoding/json accepts; when a key repeats, the last
// value counts, as with encoding/json. The Record's Raw is line itself.
func ParseRecord(line []byte) (Record, error) {
	var rec Record
	err := parseInto(&rec, line, nil)
	return rec, err
}

// parseInto parses line into rec, reusing the strings of prev for fields with
// the same value (a file's records share machine, level and event).
func parseInto(rec *Record, line []byte, prev *Record) error {
	var timeTok, machine, job, stream, level, event []byte
	m := newObjectMembers(line)
	for {
		key, val, ok := m.next()
		if !ok {
			break
		}
		switch string(key) {
		case "time":
			timeTok = val
		case "machine":
			machine = val
		case "job":
			job = val
		case "stream":
			stream = val
		case "level":
			level = val
		case "event":
			event = val
		}
	}
	if m.err != nil {
		return m.err
	}
	if timeTok == nil || timeTok[0] != '"' {
		return ErrNoTime
	}
	t, ok := parseUTC(timeTok[1 : len(timeTok)-1])
	if !ok {
		var err error
		text := decodeString(timeTok)
		if t, err = time.Parse(time.RFC3339Nano, text); err != nil {
			return &badTimeError{text}
		}
	}
	if prev == nil {
		prev = &Record{}
	}
	*rec = Record{
		Time:    t,
		Machine: reuseString(machine, prev.Machine),
		Job:     reuseString(job, prev.Job),
		Stream:  reuseString(stream, prev.Stream),
		Level:   reuseString(level, prev.Level),
		Event:   reuseString(event, prev.Event),
		Raw:     line,
	}
	return nil
}

// parseUTC parses the time format Writers produce, YYYY-MM-DDTHH:MM:SS,
// an optional fraction of 1 to 9 digits and Z, without allocating. It
// reports false for anything else, which time.Parse then handles.
func parseUTC(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[len(b)-1] != 'Z' || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(s []byte) int {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(b[0:4]), num(b[5:7]), num(b[8:10])
	hour, minute, sec := num(b[11:13]), num(b[14:16]), num(b[17:19])
	nanos, frac := 0, b[19:len(b)-1]
	if len(frac) > 0 {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		if nanos = num(frac[1:]); nanos < 0 {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			nanos *= 10
		}
	}
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, time.UTC)
	if t.Day() != day { // February 30th and the like
		return time.Time{}, false
	}
	return t, true
}

// reuseString decodes a JSON string token, returning prev itself when equal
// so that unchanged fields cost no allocation; non-strings decode as "".
func reuseString(tok []byte, prev string) string {
	if len(tok) == 0 || tok[0] != '"' {
		return ""
	}
	// prev came from decodeString, so it is valid UTF-8: equal bytes without
	// escapes decode to prev itself.
	if inner := tok[1 : len(tok)-1]; string(inner) == prev && bytes.IndexByte(inner, '\\') < 0 {
		return prev
	}
	return decodeString(tok)
}

// levelRank orders zerolog's level names; a missing or unknown level counts
// as info.
func levelRank(level string) int {
	switch level {
	case "trace":
		return -1
	case "debug":
		return 0
	case "warn":
		return 2
	case "error":
		return 3
	case "fatal":
		return 4
	case "panic":
		return 5
	default:
		return 1
	}
}
