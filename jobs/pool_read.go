package jobs

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
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

// ReadPoolFile reads a job pool file: format "csv" (the default) or "lines".
func ReadPoolFile(path, format string) (*Pool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read jobs: %w", err)
	}
	defer f.Close()
	if format == "lines" {
		return ReadLines(f, path)
	}
	return ReadCSV(f, path)
}

// skipBOM drops a leading UTF-8 byte order mark.
func skipBOM(r io.Reader) *bufio.Reader {
	br := bufio.NewReaderSize(r, 1<<16)
	if head, _ := br.Peek(3); bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	return br
}

// ReadCSV reads a CSV pool: a header row naming the parameters, then one job
// per row. A column named id gives the jobs' ids; cost is the job's cost for
// the cost strategy and is also a parameter.
func ReadCSV(r io.Reader, source string) (*Pool, error) {
	fail := func(line int, format string, args ...any) error {
		return &PoolError{File: source, Line: line, Problem: fmt.Sprintf(format, args...)}
	}
	cr := csv.NewReader(skipBOM(r))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fail(0, "empty file: want a header row naming the parameters, then one job per row")
	}
	if err != nil {
		return nil, csvError(source, err)
	}
	idColumn := -1
	seen := map[string]bool{}
	var columns []string
	for i, name := range header {
		if !utf8.ValidString(name) {
			return nil, fail(1, "header is not valid UTF-8")
		}
		if seen[name] {
			return nil, fail(1, "column %q appears twice in the header", name)
		}
		seen[name] = true
		if name == "id" {
			idColumn = i
			continue
		}
		if err := checkColumn(name); err != nil {
			return nil, fail(1, "%v", err)
		}
		columns = append(columns, name)
	}
	p := &Pool{Source: source, Columns: columns}
	var slab []string
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(source, err)
		}
		line, _ := cr.FieldPos(0)
		if len(slab)+len(columns) > cap(slab) {
			slab = make([]string, 0, max(1024*len(columns), 2*cap(slab)))
		}
		start := len(slab)
		id := ""
		for i, v := range record {
			if !utf8.ValidString(v) {
				return nil, fail(line, "not valid UTF-8")
			}
			if i == idColumn {
				if err := checkID(v); err != nil {
					return nil, fail(line, "%v", err)
				}
				id = v
				continue
			}
			slab = append(slab, v)
		}
		p.rows = append(p.rows, Job{ID: id, Values: slab[start:len(slab):len(slab)]})
		p.lines = append(p.lines, int32(line))
	}
	if len(p.rows) == 0 {
		return nil, fail(0, "no jobs: the file has a header but no rows")
	}
	if err := p.finish(idColumn >= 0); err != nil {
		return nil, fail(0, "%v", err)
	}
	return p, nil
}

// csvError turns encoding/csv's error into one line naming file and line.
func csvError(source string, err error) error {
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		problem := perr.Err.Error()
		if errors.Is(perr.Err, csv.ErrFieldCount) {
			problem = "row has a different number of fields than the header"
		}
		return &PoolError{File: source, Line: perr.Line, Problem: problem}
	}
	return fmt.Errorf("read jobs %s: %w", source, err)
}

// ReadLines reads a pool with one job per non-blank line; the line is the
// job's only parameter, arg.
func ReadLines(r io.Reader, source string) (*Pool, error) {
	p := &Pool{Source: source, Columns: []string{"arg"}}
	sc := bufio.NewScanner(skipBOM(r))
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !utf8.ValidString(line) {
			return nil, &PoolError{File: source, Line: n, Problem: "not valid UTF-8"}
		}
		p.rows = append(p.rows, Job{Values: []string{line}})
		p.lines = append(p.lines, int32(n))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read jobs %s: %w", source, err)
	}
	if len(p.rows) == 0 {
		return nil, &PoolError{File: source, Problem: "no jobs: the file has no non-blank line"}
	}
	if err := p.finish(false); err != nil {
		return nil, &PoolError{File: source, Problem: err.Error()}
	}
	return p, nil
}
