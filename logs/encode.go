package logs

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// timeLayout is the layout of every record's time field: RFC 3339 in UTC with
// exactly six fractional digits, so that records sort as text and as instants.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

const hexDigits = "0123456789abcdef"

// appendTime appends t as the JSON string of a record's time field.
func appendTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, timeLayout)
	return append(dst, '"')
}

// appendJSONString appends s as a JSON string. Bytes that are not valid UTF-8
// become U+FFFD, so that a job printing binary garbage still yields valid JSON.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendKey appends `,"key":`; keys are package constants that need no escaping.
func appendKey(dst []byte, key string) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, key...)
	return append(dst, '"', ':')
}

func appendStrField(dst []byte, key, val string) []byte {
	return appendJSONString(appendKey(dst, key), []byte(val))
}

func appendIntField(dst []byte, key string, val int) []byte {
	return strconv.AppendInt(appendKey(dst, key), int64(val), 10)
}

// appendFloatField appends a number; NaN and infinities, which JSON cannot
// represent, are written as null.
func appendFloatField(dst []byte, key string, val float64) []byte {
	dst = appendKey(dst, key)
	if math.IsNaN(val) || math.IsInf(val, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, val, 'f', -1, 64)
}
