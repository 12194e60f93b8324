package logs

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textTimeLayout is the time of a text line: UTC with milliseconds.
const textTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// appendText appends the text form of rec (see FormatText), without a newline.
func appendText(dst []byte, rec *Record, machine string) []byte {
	dst = rec.Time.UTC().AppendFormat(dst, textTimeLayout)
	dst = append(dst, ' ')
	dst = appendSafe(dst, machine, false)
	if rec.Job != "" {
		dst = append(dst, " job="...)
		dst = appendSafe(dst, rec.Job, false)
	}
	if rec.Stream != "" {
		dst = append(dst, ' ')
		dst = appendSafe(dst, rec.Stream, false)
	}
	var line, msg []byte
	m := newObjectMembers(rec.Raw)
	for key, val, ok := m.next(); ok; key, val, ok = m.next() {
		switch string(key) {
		case "line":
			line = val
		case "msg", "message":
			msg = val
		}
	}
	headEnd := len(dst)
	dst = append(dst, ' ', ' ')
	bodyStart := len(dst)
	if rec.Event == EventOutput || (rec.Event == "" && line != nil) {
		dst = appendSafe(dst, tokenText(line), true)
	} else {
		dst = appendSafe(dst, tokenText(msg), true)
		if rec.Event != "" {
			dst = appendField(dst, bodyStart, "event", strconv.Quote(rec.Event))
		}
		m = newObjectMembers(rec.Raw)
		for key, val, ok := m.next(); ok; key, val, ok = m.next() {
			switch k := string(key); k {
			case "time", "machine", "job", "stream", "line", "msg", "message", "event":
			case "level":
				if tokenText(val) != "info" {
					dst = appendField(dst, bodyStart, k, string(val))
				}
			default:
				dst = appendField(dst, bodyStart, k, string(val))
			}
		}
	}
	if len(dst) == bodyStart {
		dst = dst[:headEnd]
	}
	return dst
}

// appendField appends key=value, value being a raw JSON token: strings are
// written bare when that is unambiguous and quoted Go-style otherwise.
func appendField(dst []byte, bodyStart int, key, tok string) []byte {
	if len(dst) > bodyStart {
		dst = append(dst, ' ')
	}
	dst = appendSafe(dst, key, false)
	dst = append(dst, '=')
	if tok == "" || tok[0] != '"' {
		return appendSafe(dst, tok, false)
	}
	s := decodeString([]byte(tok))
	if needsQuote(s) {
		return strconv.AppendQuote(dst, s)
	}
	return append(dst, s...)
}

// tokenText decodes a JSON string token, or returns the text of any other
// token as it is; nil gives "".
func tokenText(tok []byte) string {
	if len(tok) > 0 && tok[0] == '"' {
		return decodeString(tok)
	}
	return string(tok)
}

func needsQuote(s string) bool {
	if s == "" {
		return true
	}
	return strings.ContainsFunc(s, func(r rune) bool {
		return r == '"' || r == '=' || r == '\\' || r == unicode.ReplacementChar || !unicode.IsGraphic(r) || unicode.IsSpace(r)
	})
}

// appendSafe appends s with control characters escaped (\x1b, \u0085) so
// that a job's output cannot move the cursor or retitle the terminal; a tab
// is kept when keepTab is set.
func appendSafe(dst []byte, s string, keepTab bool) []byte {
	for _, r := range s {
		switch {
		case r == '\t' && keepTab:
			dst = append(dst, '\t')
		case r < 0x20 || r == 0x7f:
			dst = append(dst, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
		case r >= 0x80 && r < 0xa0:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst
}
