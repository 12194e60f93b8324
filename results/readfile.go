package results

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/jobsplit/jobsplit/internal/oserr"
	"io"
	"os"
	"strings"
	"time"
)

// resultsFile reads a results CSV up to the size it had when opened, so a file
// that is still growing reads to its current end. A last line without its
// newline, or with a quote never closed, is a torn write: it is dropped and
// reported in torn, never taken as a row and never an error.
type resultsFile struct {
	path   string
	f      *os.File
	info   os.FileInfo // when opened
	size   int64
	endsNL bool
	quotes quoteCounter
	csv    *csv.Reader
	header []string
	col    [numFixed]int // index in header of each fixed column
	torn   string        // warning when a torn last line was dropped

	dataStart int64 // offset of the first byte after the header
	dataLine  int   // line number there
	index     int   // position among the files collected
}

// openResultsFile opens path and reads its header. The errors are *InputError;
// a file with no complete header line wraps ErrEmpty.
func openResultsFile(path string) (*resultsFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &InputError{Path: path, Err: oserr.Bare(err)}
	}
	r, err := readResults(path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// readResults reads the header of the results file f, opened from path. It
// reads f only through ReadAt, so f may be open for appending too.
func readResults(path string, f *os.File) (*resultsFile, error) {
	r := &resultsFile{path: path, f: f}
	if err := r.start(); err != nil {
		return nil, err
	}
	return r, nil
}

// completeSize reads every record and returns the size of the file without
// its torn last line, if any. A record that does not parse is an error.
func (r *resultsFile) completeSize() (int64, error) {
	rr := newRowReader(r, 4*seqChunk)
	rr.prefix = 1 // the fields are only counted
	rr.seek(r.dataStart, r.dataLine)
	good := r.dataStart
	for {
		_, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		good = rr.offset()
	}
	if r.torn == "" {
		return r.size, nil
	}
	return good, nil
}

func (r *resultsFile) start() error {
	fi, err := r.f.Stat()
	if err != nil {
		return &InputError{Path: r.path, Err: oserr.Bare(err)}
	}
	if !fi.Mode().IsRegular() {
		return &InputError{Path: r.path, Err: errors.New("not a regular file")}
	}
	r.info, r.size = fi, fi.Size()
	if r.size > 0 {
		var last [1]byte
		if _, err := r.f.ReadAt(last[:], r.size-1); err != nil {
			return &InputError{Path: r.path, Err: oserr.Bare(err)}
		}
		r.endsNL = last[0] == '\n'
	}
	r.quotes.r = io.NewSectionReader(r.f, 0, r.size)
	r.csv = csv.NewReader(bufio.NewReaderSize(&r.quotes, 256<<10))
	r.csv.FieldsPerRecord = -1
	r.csv.ReuseRecord = true
	header, err := r.next()
	if err == io.EOF {
		return &InputError{Path: r.path, Err: ErrEmpty}
	}
	var inputErr *InputError
	if errors.As(err, &inputErr) && inputErr.Line > 0 {
		inputErr.header = true // a header that does not parse, not an I/O error
	}
	if err != nil {
		return err
	}
	line, _ := r.csv.FieldPos(0)
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	r.header = append([]string(nil), header...)
	r.dataStart = r.csv.InputOffset()
	head := make([]byte, r.dataStart)
	if _, err := r.f.ReadAt(head, 0); err != nil {
		return &InputError{Path: r.path, Err: oserr.Bare(err)}
	}
	r.dataLine = 1 + bytes.Count(head, []byte{'\n'})
	return r.indexHeader(line)
}

func (r *resultsFile) indexHeader(line int) error {
	seen := make(map[string]int, len(r.header))
	for i, name := range r.header {
		if _, dup := seen[name]; dup {
			return &InputError{Path: r.path, Line: line, Err: fmt.Errorf("column %q appears twice in the header", name), header: true}
		}
		seen[name] = i
	}
	var missing []string
	for i, name := range FixedColumns() {
		j, ok := seen[name]
		if !ok {
			missing = append(missing, name)
		}
		r.col[i] = j
	}
	if missing != nil {
		return &InputError{Path: r.path, Line: line, Err: fmt.Errorf("%w: the header lacks %s", ErrNotResults, strings.Join(missing, ", ")), header: true}
	}
	return nil
}

// next returns the next record, io.EOF at the end (including after a torn last
// line, see torn) or an *InputError. The slice is reused by the following call.
func (r *resultsFile) next() ([]string, error) {
	rec, err := r.csv.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if r.csv.InputOffset() >= r.size && (!r.endsNL || (errors.Is(err, csv.ErrQuote) && r.quotes.n%2 == 1)) {
		line := 0
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.StartLine
		} else if err == nil {
			line, _ = r.csv.FieldPos(0)
		}
		r.torn = fmt.Sprintf("%s: ignored a torn last line (line %d, %s): an interrupted write", r.path, line, tornReason(r.endsNL))
		return nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &InputError{Path: r.path, Line: pe.Line, Err: pe.Err}
		}
		return nil, &InputError{Path: r.path, Err: oserr.Bare(err)}
	}
	if r.header != nil && len(rec) != len(r.header) {
		line, _ := r.csv.FieldPos(0)
		noun := "fields"
		if len(rec) == 1 {
			noun = "field"
		}
		return nil, &InputError{Path: r.path, Line: line, Err: fmt.Errorf("row has %d %s but the header has %d", len(rec), noun, len(r.header))}
	}
	return rec, nil
}

func tornReason(endsNL bool) string {
	if endsNL {
		return "a quoted field never closed"
	}
	return "no newline at the end"
}

// attemptKey is what ordering attempts needs from a row.
type attemptKey struct {
	status   Status
	attempt  int
	started  int64 // Unix nanoseconds
	duration time.Duration
}

// parse checks the fixed fields of rec that collecting and resuming rely on.
func (r *resultsFile) parse(rec []string) (attemptKey, error) {
	return parseKey(rec, &r.col, func(col int, err error) error {
		line, _ := r.csv.FieldPos(r.col[col])
		return &InputError{Path: r.path, Line: line, Err: err}
	})
}

// parseKey checks the fixed fields of rec, col giving their positions; fail
// makes the error for a bad value in fixed column k.
func parseKey(rec []string, col *[numFixed]int, fail func(k int, err error) error) (attemptKey, error) {
	return parseKeyIn(rec, col, nil, fail)
}

// parseKeyIn is parseKey reading the times through hours, when not nil.
func parseKeyIn(rec []string, col *[numFixed]int, hours *hourCache, fail func(k int, err error) error) (attemptKey, error) {
	var k attemptKey
	var err error
	if rec[col[colJobID]] == "" {
		return k, fail(colJobID, errors.New("job_id is empty"))
	}
	if k.status, err = ParseStatus(rec[col[colStatus]]); err != nil {
		return k, fail(colStatus, err)
	}
	if k.attempt, err = parseAttempt(rec[col[colAttempt]]); err != nil {
		return k, fail(colAttempt, err)
	}
	if hours != nil {
		k.started, err = hours.parse(rec[col[colStartedAt]])
	} else {
		k.started, err = parseTime(rec[col[colStartedAt]])
	}
	if err != nil {
		return k, fail(colStartedAt, err)
	}
	if k.duration, err = parseSeconds(rec[col[colDuration]]); err != nil {
		return k, fail(colDuration, err)
	}
	return k, nil
}

func (r *resultsFile) close() { r.f.Close() }

// fixedPrefix is how many leading fields of a row hold every fixed column.
func (r *resultsFile) fixedPrefix() int {
	n := 0
	for _, c := range r.col {
		n = max(n, c+1)
	}
	return n
}

// quoteCounter counts the double quotes read through it: an odd count at the
// end of a file means a quoted field was never closed.
type quoteCounter struct {
	r io.Reader
	n int64
}

func (q *quoteCounter) Read(p []byte) (int, error) {
	n, err := q.r.Read(p)
	q.n += int64(bytes.Count(p[:n], []byte{'"'}))
	return n, err
}
