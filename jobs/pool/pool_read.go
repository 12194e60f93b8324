package pool

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// PoolError is a problem in the job pool, with the line when known.
type PoolError struct {
	File    string
	Line    int
	Problem string
}

func (e *PoolError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Problem)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Problem)
}

// maxPoolFile is the largest pool file: rows are addressed by 32-bit
// offsets.
const maxPoolFile = 1<<32 - 1

// ReadPoolFile reads a job pool file: format "csv" (the default) or "lines".
// A CSV pool with a parent file next to it (see ParentFile) is a re-plan of
// the sweep that file names.
func ReadPoolFile(path, format string) (*Pool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read jobs: %w", err)
	}
	defer f.Close()
	if format == "lines" {
		return ReadLines(f, path)
	}
	p, err := ReadCSV(f, path)
	if err != nil {
		return nil, err
	}
	if err := p.readParentFile(ParentFile(path)); err != nil {
		return nil, err
	}
	return p, nil
}

// ReadText reads a whole pool source and drops a UTF-8 byte order mark.
// The bytes become the text without a copy: nothing writes to them again.
func ReadText(r io.Reader, source string) (string, error) {
	data, err := readAll(r)
	if err != nil {
		return "", fmt.Errorf("read jobs %s: %w", source, err)
	}
	if int64(len(data)) > maxPoolFile {
		return "", &PoolError{File: source, Problem: "larger than 4 GiB: split the pool"}
	}
	text := ""
	if len(data) > 0 {
		text = unsafe.String(&data[0], len(data))
	}
	text = strings.TrimPrefix(text, "\xef\xbb\xbf")
	if !utf8.ValidString(text) {
		line := 1 + strings.Count(text[:FirstInvalid(text)], "\n")
		return "", &PoolError{File: source, Line: line, Problem: "not valid UTF-8"}
	}
	return text, nil
}

// readAll reads r to the end; a file is read into a buffer of its size.
func readAll(r io.Reader) ([]byte, error) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() <= maxPoolFile {
			data := make([]byte, st.Size())
			n, err := io.ReadFull(f, data)
			if err == io.ErrUnexpectedEOF {
				err = nil // the file shrank while we read it
			}
			if err != nil {
				return nil, err
			}
			rest, err := io.ReadAll(io.LimitReader(f, maxPoolFile+1-int64(n)))
			return append(data[:n], rest...), err
		}
	}
	return io.ReadAll(io.LimitReader(r, maxPoolFile+1))
}

// FirstInvalid is the offset of the first byte of s that is not valid
// UTF-8, or len(s): where a "not valid UTF-8" message points.
func FirstInvalid(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return len(s)
}

// parentLine is the first line collect-results --missing wrote before
// the parent file: the digest of the sweep whose missing jobs the pool holds. Such
// files are still read; new ones carry the digest in a parent file.
var parentLine = regexp.MustCompile(`^# jobsplit: re-plan of digest ([0-9a-f]{64})\r?$`)

// readPreamble reads the comment lines at the top of a pool: lines that
// start with '#' before the header (no header name can). It returns the
// parent digest, if any, and the text after the comments.
func readPreamble(text string) (parent, rest string, lines int) {
	for strings.HasPrefix(text, "#") {
		line, after, _ := strings.Cut(text, "\n")
		if m := parentLine.FindStringSubmatch(line); m != nil {
			parent = m[1]
		}
		text, lines = after, lines+1
	}
	return parent, text, lines
}

// ReadCSV reads a CSV pool: a header row naming the parameters, then one job
// per row. A column named id gives the jobs' ids; cost is the job's cost for
// the cost strategy and is also a parameter.
func ReadCSV(r io.Reader, source string) (*Pool, error) {
	fail := func(line int, format string, args ...any) error {
		return &PoolError{File: source, Line: line, Problem: fmt.Sprintf(format, args...)}
	}
	text, err := ReadText(r, source)
	if err != nil {
		return nil, err
	}
	p := &Pool{Source: source, kind: csvPool, idColumn: -1}
	var skipped int
	p.Parent, text, skipped = readPreamble(text)
	p.text = text
	p.refs = make([]rowRef, 0, strings.Count(text, "\n")+1)
	sc := &csvScanner{text: text, line: 1 + skipped}
	record, line, quoted, err, ok := sc.next()
	if !ok {
		return nil, fail(0, "empty file: want a header row naming the parameters, then one job per row")
	}
	if err != nil {
		return nil, fail(line, "%v", err)
	}
	header, err := splitRecord(nil, record, quoted)
	if err != nil {
		return nil, fail(line, "%v", err)
	}
	seen := map[string]bool{}
	for i, name := range header {
		if seen[name] {
			return nil, fail(line, "column %q appears twice in the header", name)
		}
		seen[name] = true
		if name == "id" {
			p.idColumn = i
			continue
		}
		if err := checkColumn(name); err != nil {
			return nil, fail(line, "%v", err)
		}
		p.Columns = append(p.Columns, name)
	}
	for {
		start := sc.pos
		_, line, _, err, ok := sc.next()
		if !ok {
			break
		}
		if err != nil {
			return nil, fail(line, "%v", err)
		}
		start = recordStart(text, start)
		p.refs = append(p.refs, rowRef{at: uint32(start)})
	}
	if len(p.refs) == 0 {
		return nil, fail(0, "no jobs: the file has a header but no rows")
	}
	if err := p.finish(p.lineAt(skipped)); err != nil {
		return nil, err
	}
	return p, nil
}

// recordStart skips the blank lines the scanner passed over before a record.
func recordStart(text string, pos int) int {
	for pos < len(text) {
		switch {
		case text[pos] == '\n':
			pos++
		case text[pos] == '\r' && pos+1 < len(text) && text[pos+1] == '\n':
			pos += 2
		default:
			return pos
		}
	}
	return pos
}

// lineAt returns a function giving the line a row starts on; lines are
// counted only when a message needs one.
func (p *Pool) lineAt(skipped int) func(rowRef) int {
	return func(ref rowRef) int {
		if p.kind == gridPool {
			return int(ref.at) + 1
		}
		return 1 + skipped + strings.Count(p.text[:ref.at], "\n")
	}
}

// ReadLines reads a pool with one job per non-blank line; the line is the
// job's only parameter, arg.
func ReadLines(r io.Reader, source string) (*Pool, error) {
	text, err := ReadText(r, source)
	if err != nil {
		return nil, err
	}
	p := &Pool{Source: source, Columns: []string{"arg"}, kind: linesPool, idColumn: -1, text: text}
	p.refs = make([]rowRef, 0, strings.Count(text, "\n")+1)
	for pos := 0; pos < len(text); {
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		if strings.TrimSpace(text[pos:end]) != "" {
			p.refs = append(p.refs, rowRef{at: uint32(pos)})
		}
		pos = end + 1
	}
	if len(p.refs) == 0 {
		return nil, &PoolError{File: source, Problem: "no jobs: the file has no non-blank line"}
	}
	if err := p.finish(p.lineAt(0)); err != nil {
		return nil, err
	}
	return p, nil
}
