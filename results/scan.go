package results

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/jobsplit/jobsplit/internal/oserr"
	"io"
	"unsafe"
)

// rowReader reads the records of one results file from any offset after its
// header. A record of plain fields, or of quoted fields without carriage
// returns, is split in place in its buffer without allocating; the fields
// are valid until the next call. Anything else (a carriage return, a bad
// quote, a record cut off at the end of the file) goes through encoding/csv,
// which decides as the slow reader always did, with the same messages.
type rowReader struct {
	rf       *resultsFile
	buf      []byte
	bufOff   int64 // file offset of buf[0]
	pos, end int   // unread bytes are buf[pos:end]
	chunk    int   // bytes a refill reads

	line    int   // line number of the next record (pass 1 counts; 0 otherwise)
	start   int64 // offset of the current record
	recLine int   // line of the current record
	multi   bool  // the current record spans lines
	fields  []string
	// prefix, when not 0, is how many leading fields the caller reads: the
	// later fields of a record without quotes are counted, not split.
	prefix  int
	nfields int    // fields of the current record, split or counted
	arena   []byte // unescaped quoted fields of the current record
	scratch []byte
}

const (
	seqChunk    = 256 << 10 // reading a file through
	randomChunk = 8 << 10   // reading one row here and there
)

func newRowReader(rf *resultsFile, chunk int) *rowReader {
	return &rowReader{rf: rf, chunk: chunk}
}

// seek makes the next record read the one at off, line being its line
// number or 0 when not counted. A jump forward within a few chunks reads on
// in big chunks; a jump elsewhere reads small ones.
func (r *rowReader) seek(off int64, line int) {
	r.line = line
	if off >= r.bufOff && off <= r.bufOff+int64(r.end) {
		r.pos = int(off - r.bufOff)
		return
	}
	if off > r.bufOff && off < r.bufOff+int64(r.end)+4*seqChunk {
		r.chunk = seqChunk
	} else {
		r.chunk = randomChunk
	}
	r.bufOff, r.pos, r.end = off, 0, 0
}

// offset is where the next record starts (or blank lines before it).
func (r *rowReader) offset() int64 { return r.bufOff + int64(r.pos) }

type splitResult uint8

const (
	splitOK    splitResult = iota
	splitBlank             // an empty line, skipped as encoding/csv does
	splitMore              // the buffer ends inside the record
	splitSlow              // encoding/csv must read this record
	splitTorn              // a last line without its newline
	splitEnd
)

// next returns the next record, or io.EOF at the end of the file (also after
// a torn last line, which sets rf.torn), or an *InputError.
func (r *rowReader) next() ([]string, error) {
	for {
		atEOF := r.bufOff+int64(r.end) >= r.rf.size
		n, lines, res := r.split(r.buf[r.pos:r.end], atEOF)
		switch res {
		case splitOK:
			r.start, r.recLine, r.multi = r.offset(), r.line, lines > 1
			r.pos += n
			if r.line > 0 {
				r.line += lines
			}
			if r.nfields != len(r.rf.header) {
				return nil, r.fieldCountError(r.nfields)
			}
			return r.fields, nil
		case splitBlank:
			r.pos += n
			if r.line > 0 {
				r.line++
			}
		case splitMore:
			if err := r.refill(); err != nil {
				return nil, err
			}
		case splitSlow:
			return r.slow()
		case splitTorn:
			r.rf.torn = fmt.Sprintf("%s: ignored a torn last line (line %d, %s): an interrupted write", r.rf.path, r.line, tornReason(false))
			r.pos = r.end
			return nil, io.EOF
		default:
			return nil, io.EOF
		}
	}
}

func (r *rowReader) fieldCountError(n int) error {
	noun := "fields"
	if n == 1 {
		noun = "field"
	}
	return &InputError{Path: r.rf.path, Line: r.recLine, Err: fmt.Errorf("row has %d %s but the header has %d", n, noun, len(r.rf.header))}
}

// split splits the record at the start of data into r.fields and returns
// the bytes it takes (with its newline) and the lines it spans.
func (r *rowReader) split(data []byte, atEOF bool) (n, lines int, res splitResult) {
	r.fields, r.arena = r.fields[:0], r.arena[:0]
	nl := bytes.IndexByte(data, '\n')
	switch {
	case len(data) == 0 && atEOF:
		return 0, 0, splitEnd
	case nl < 0 && !atEOF:
		return 0, 0, splitMore
	case nl < 0:
		if bytes.IndexByte(data, '"') >= 0 || bytes.IndexByte(data, '\r') >= 0 {
			return 0, 0, splitSlow
		}
		return 0, 0, splitTorn
	case nl == 0:
		return 1, 1, splitBlank
	}
	line := data[:nl]
	if bytes.IndexByte(line, '\r') >= 0 {
		return 0, 0, splitSlow
	}
	if bytes.IndexByte(line, '"') < 0 {
		for {
			if r.prefix > 0 && len(r.fields) == r.prefix {
				r.nfields = r.prefix + bytes.Count(line, []byte{','}) + 1
				return nl + 1, 1, splitOK
			}
			c := bytes.IndexByte(line, ',')
			if c < 0 {
				r.fields = append(r.fields, view(line))
				r.nfields = len(r.fields)
				return nl + 1, 1, splitOK
			}
			r.fields = append(r.fields, view(line[:c]))
			line = line[c+1:]
		}
	}
	return r.splitQuoted(data, atEOF)
}

// splitQuoted splits a record holding quoted fields, which may span lines.
func (r *rowReader) splitQuoted(data []byte, atEOF bool) (n, lines int, res splitResult) {
	i := 0
	for {
		if i < len(data) && data[i] == '"' {
			j, escaped := i+1, false
			for {
				q := bytes.IndexByte(data[j:], '"')
				if q < 0 {
					if atEOF {
						return 0, 0, splitSlow // never closed: torn or bad, encoding/csv says
					}
					return 0, 0, splitMore
				}
				j += q
				if j+1 == len(data) && !atEOF {
					return 0, 0, splitMore // a doubled quote or the end: not known yet
				}
				if j+1 < len(data) && data[j+1] == '"' {
					escaped, j = true, j+2
					continue
				}
				break
			}
			content := data[i+1 : j]
			if bytes.IndexByte(content, '\r') >= 0 {
				return 0, 0, splitSlow
			}
			lines += bytes.Count(content, []byte{'\n'})
			if escaped {
				at := len(r.arena)
				for k := 0; k < len(content); k++ {
					r.arena = append(r.arena, content[k])
					if content[k] == '"' {
						k++
					}
				}
				r.fields = append(r.fields, view(r.arena[at:]))
			} else {
				r.fields = append(r.fields, view(content))
			}
			i = j + 1
			if i == len(data) {
				return 0, 0, splitSlow // the file ends without a newline
			}
			switch data[i] {
			case ',':
				i++
				continue
			case '\n':
				r.nfields = len(r.fields)
				return i + 1, lines + 1, splitOK
			}
			return 0, 0, splitSlow
		}
		k := i
		for k < len(data) && data[k] != ',' && data[k] != '\n' {
			if data[k] == '"' || data[k] == '\r' {
				return 0, 0, splitSlow
			}
			k++
		}
		if k == len(data) {
			if !atEOF {
				return 0, 0, splitMore
			}
			return 0, 0, splitSlow
		}
		r.fields = append(r.fields, view(data[i:k]))
		if data[k] == '\n' {
			r.nfields = len(r.fields)
			return k + 1, lines + 1, splitOK
		}
		i = k + 1
	}
}

// view is b as a string without a copy: valid while b is not overwritten,
// which the reader ensures until its next call.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// refill keeps the unread bytes and reads a chunk more after them.
func (r *rowReader) refill() error {
	if r.pos > 0 {
		r.end = copy(r.buf, r.buf[r.pos:r.end])
		r.bufOff += int64(r.pos)
		r.pos = 0
	}
	want := r.end + r.chunk
	if r.end >= r.chunk {
		want = 2 * r.end // a record longer than a chunk
	}
	if len(r.buf) < want {
		r.buf = append(r.buf[:r.end], make([]byte, want-r.end)...)
	}
	top := int64(want)
	if rest := r.rf.size - r.bufOff; rest < top {
		top = rest
	}
	n, err := r.rf.f.ReadAt(r.buf[r.end:top], r.bufOff+int64(r.end))
	r.end += n
	if n > 0 || err == nil {
		return nil
	}
	if err == io.EOF {
		err = errors.New("the file shrank while being read")
	}
	return &InputError{Path: r.rf.path, Err: oserr.Bare(err)}
}

// slow reads the record at the reader's offset through encoding/csv.
func (r *rowReader) slow() ([]string, error) {
	start := r.offset()
	q := &quoteCounter{r: io.NewSectionReader(r.rf.f, start, r.rf.size-start)}
	cr := csv.NewReader(bufio.NewReaderSize(q, randomChunk))
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	end := start + cr.InputOffset()
	base := max(r.line, 1) - 1
	if err == io.EOF {
		r.seek(r.rf.size, 0)
		return nil, io.EOF
	}
	if end >= r.rf.size && (!r.rf.endsNL || (errors.Is(err, csv.ErrQuote) && q.n%2 == 1)) {
		line := 0
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.StartLine
		} else if err == nil {
			line, _ = cr.FieldPos(0)
		}
		if r.line > 0 {
			line += base
		}
		r.rf.torn = fmt.Sprintf("%s: ignored a torn last line (line %d, %s): an interrupted write", r.rf.path, line, tornReason(r.rf.endsNL))
		r.seek(r.rf.size, 0)
		return nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &InputError{Path: r.rf.path, Line: pe.Line + base, Err: pe.Err}
		}
		return nil, &InputError{Path: r.rf.path, Err: oserr.Bare(err)}
	}
	first, _ := cr.FieldPos(0)
	r.start, r.recLine, r.multi = start, first+base, true
	lines, err := r.countLines(start, end)
	if err != nil {
		return nil, err
	}
	next := 0
	if r.line > 0 {
		next = r.line + lines
	}
	r.seek(end, next)
	r.fields = append(r.fields[:0], rec...)
	if len(r.fields) != len(r.rf.header) {
		return nil, r.fieldCountError(len(r.fields))
	}
	return r.fields, nil
}

// countLines counts the newlines between two offsets of the file.
func (r *rowReader) countLines(from, to int64) (int, error) {
	if from >= r.bufOff && to <= r.bufOff+int64(r.end) {
		return bytes.Count(r.buf[from-r.bufOff:to-r.bufOff], []byte{'\n'}), nil
	}
	if int64(cap(r.scratch)) < to-from {
		r.scratch = make([]byte, to-from)
	}
	b := r.scratch[:to-from]
	if _, err := r.rf.f.ReadAt(b, from); err != nil {
		return 0, &InputError{Path: r.rf.path, Err: oserr.Bare(err)}
	}
	return bytes.Count(b, []byte{'\n'}), nil
}

// fieldLine is the line field k of the current record starts on.
func (r *rowReader) fieldLine(k int) int {
	if !r.multi || r.recLine == 0 {
		return r.recLine
	}
	q := io.NewSectionReader(r.rf.f, r.start, r.rf.size-r.start)
	cr := csv.NewReader(q)
	cr.FieldsPerRecord = -1
	if _, err := cr.Read(); err != nil {
		return r.recLine
	}
	line, _ := cr.FieldPos(k)
	return r.recLine + line - 1
}
