package pool

import (
	"errors"
	"strings"
)

// A fast RFC 4180 reader for pools with millions of rows: it finds record
// boundaries in the whole file held as one string, and splits a record
// into fields only when asked, so that a row costs no allocation until its
// values are needed. It accepts what encoding/csv accepts with default
// settings: quoted fields with "" escapes and line breaks, CRLF or LF,
// blank lines skipped.

var (
	errBareQuote = errors.New(`bare " in a field that is not quoted`)
	errQuote     = errors.New(`extraneous or missing " in a quoted field`)
)

// csvScanner walks the records of a CSV text.
type csvScanner struct {
	text string
	pos  int
	line int // line of the next record, 1-based
}

// next returns the next record's text without its line ending, the line it
// starts on and whether it holds a quote; ok is false at the end.
func (s *csvScanner) next() (record string, line int, quoted bool, err error, ok bool) {
	for s.pos < len(s.text) {
		start := s.pos
		line = s.line
		nl := strings.IndexByte(s.text[start:], '\n')
		end := len(s.text)
		if nl >= 0 {
			end = start + nl
		}
		segment := s.text[start:end]
		if strings.IndexByte(segment, '"') < 0 {
			s.pos, s.line = min(end+1, len(s.text)), s.line+1
			segment = strings.TrimSuffix(segment, "\r")
			if segment == "" {
				continue
			}
			return segment, line, false, nil, true
		}
		end, lines, err := quotedEnd(s.text, start)
		if err != nil {
			return "", line, true, err, true
		}
		s.pos, s.line = min(end+1, len(s.text)), s.line+lines
		return strings.TrimSuffix(s.text[start:end], "\r"), line, true, nil, true
	}
	return "", s.line, false, nil, false
}

// quotedEnd finds the line ending of a record that holds quotes, skipping
// line breaks inside quoted fields. It returns the index of the ending
// '\n' (or the text's length) and how many lines the record spans.
func quotedEnd(text string, start int) (end, lines int, err error) {
	inQuotes, fieldStart := false, true
	lines = 1
	for i := start; i < len(text); i++ {
		c := text[i]
		switch {
		case inQuotes && c == '"':
			if i+1 < len(text) && text[i+1] == '"' {
				i++
				continue
			}
			inQuotes = false
			if i+1 < len(text) && !strings.ContainsRune(",\r\n", rune(text[i+1])) {
				return 0, lines, errQuote
			}
		case inQuotes:
			if c == '\n' {
				lines++
			}
		case c == '"':
			if !fieldStart {
				return 0, lines, errBareQuote
			}
			inQuotes = true
		case c == ',':
			fieldStart = true
			continue
		case c == '\n':
			return i, lines, nil
		}
		fieldStart = false
	}
	if inQuotes {
		return 0, lines, errQuote
	}
	return len(text), lines, nil
}

// splitRecord appends the fields of one record to dst.
func splitRecord(dst []string, record string, quoted bool) ([]string, error) {
	if !quoted {
		for {
			comma := strings.IndexByte(record, ',')
			if comma < 0 {
				return append(dst, record), nil
			}
			dst = append(dst, record[:comma])
			record = record[comma+1:]
		}
	}
	for {
		if record == "" || record[0] != '"' {
			comma := strings.IndexByte(record, ',')
			field := record
			if comma >= 0 {
				field = record[:comma]
			}
			if strings.IndexByte(field, '"') >= 0 {
				return dst, errBareQuote
			}
			dst = append(dst, field)
			if comma < 0 {
				return dst, nil
			}
			record = record[comma+1:]
			continue
		}
		field, rest, err := unquote(record)
		if err != nil {
			return dst, err
		}
		dst = append(dst, field)
		if rest == "" {
			return dst, nil
		}
		record = rest[1:] // skip the comma
	}
}

// unquote reads a quoted field at the start of s and returns its value and
// what follows it (empty or starting with a comma).
func unquote(s string) (field, rest string, err error) {
	var b strings.Builder
	escaped := false
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			escaped = true
			i++
			continue
		}
		field, rest = s[1:i], s[i+1:]
		if rest != "" && rest[0] != ',' {
			return "", "", errQuote
		}
		if escaped {
			b.Grow(len(field))
			b.WriteString(strings.ReplaceAll(field, `""`, `"`))
			field = b.String()
		}
		return strings.ReplaceAll(field, "\r\n", "\n"), rest, nil
	}
	return "", "", errQuote
}
