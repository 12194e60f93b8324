package logs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jobsplit/jobsplit/internal/oserr"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// MaxRecordBytes is the longest line a Reader accepts as a record; longer
// lines are skipped with a warning so that memory stays bounded.
const MaxRecordBytes = 16 << 20

var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// Reader reads the records of one log file in file order: plain .jsonl,
// gzip .jsonl.gz (any number of members) or zstd .jsonl.zst. A torn tail or a
// damaged line is a warning (see Warnings), never an error: every complete
// record is returned. A file that is not a log at all is an error (see Err).
type Reader struct {
	path     string
	f        *os.File
	closeDec func()
	br       *bufio.Reader
	acc      []byte // a line longer than br's buffer
	rec      Record
	limit    int64 // stop after this many records; <0 for no limit
	records  int64
	lines    int64
	skipped  int64
	firstBad string
	tail     string
	damaged  []damagedMember // skipped in the middle of a gzip file
	err      error
	done     bool
}

// OpenReader opens a log file for reading, choosing the decompressor by the
// file's extension (.gz, .zst, anything else plain).
func OpenReader(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read log %s: %w", path, oserr.Bare(err))
	}
	r, err := NewReader(path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.f = f
	return r, nil
}

// NewReader reads a log from src, choosing the decompressor by the extension
// of name, which also names the log in errors and warnings. Closing the
// Reader does not close src. When src is also an io.ReaderAt and an
// io.Seeker (a file), a damaged gzip member in the middle is skipped and
// reading resumes at the next intact one; otherwise reading stops there.
func NewReader(name string, src io.Reader) (*Reader, error) {
	r := &Reader{path: name, limit: -1}
	ra, from, size, isFile := randomAccess(src)
	br := bufio.NewReaderSize(src, 64<<10)
	src = br
	switch {
	case strings.HasSuffix(name, ".gz") && isFile:
		head := make([]byte, 3)
		n, _ := ra.ReadAt(head, from)
		if n > 0 && !bytes.HasPrefix(gzipMagic, head[:n]) {
			return nil, fmt.Errorf("read log %s: not a gzip file", name)
		}
		src = newMemberStream(ra, from, size)
	case strings.HasSuffix(name, ".gz"):
		if head, _ := br.Peek(3); len(head) > 0 && !bytes.HasPrefix(gzipMagic, head) {
			return nil, fmt.Errorf("read log %s: not a gzip file", name)
		}
		zr, err := gzip.NewReader(br)
		switch {
		case err == io.EOF:
			r.done = true // an empty file: the writer never flushed
		case err == io.ErrUnexpectedEOF:
			r.done, r.tail = true, "torn gzip header"
		case err != nil:
			return nil, fmt.Errorf("read log %s: not a gzip file: %w", name, err)
		default:
			src, r.closeDec = zr, func() { zr.Close() }
		}
	case strings.HasSuffix(name, ".zst"):
		if head, _ := br.Peek(4); len(head) > 0 && !bytes.HasPrefix(zstdMagic, head) {
			return nil, fmt.Errorf("read log %s: not a zstd file", name)
		}
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, fmt.Errorf("read log %s: %w", name, err)
		}
		src, r.closeDec = zr, zr.Close
	}
	r.br = bufio.NewReaderSize(src, 64<<10)
	return r, nil
}

// Path returns the file the Reader reads.
func (r *Reader) Path() string { return r.path }

// Next advances to the next record, reporting false at the end of the file
// or when the file turned out not to be a log (see Err).
func (r *Reader) Next() bool {
	for !r.done && r.limit != r.records {
		line, complete, tooLong, err := r.readLine()
		var damaged *damagedMember
		switch {
		case err == nil:
		case errors.As(err, &damaged):
			r.damaged = append(r.damaged, *damaged) // and read on
		default:
			r.done = true
			if err != io.EOF {
				r.tail = err.Error()
			}
		}
		if len(line) > 0 || complete || tooLong {
			r.lines++
			if damaged != nil && !complete && !tooLong {
				// The line the damage cut: kept only if whole but its newline.
				if parseInto(&r.rec, line, &r.rec) == nil {
					r.records++
					return true
				}
				continue
			}
			if r.accept(line, complete, tooLong) {
				return true
			}
		}
	}
	return false
}

// accept parses one line, deciding whether a bad one is a torn tail, a
// skipped line or proof that the file is not a log.
func (r *Reader) accept(line []byte, complete, tooLong bool) bool {
	if tooLong {
		r.skip(fmt.Sprintf("line %d is longer than %d bytes", r.lines, MaxRecordBytes))
		return false
	}
	trimmed := line
	if len(line) > 0 && line[0] != '{' {
		trimmed = bytes.TrimLeft(line, " \t\r")
	}
	if len(trimmed) == 0 {
		return false
	}
	err := parseInto(&r.rec, line, &r.rec)
	if err == nil {
		r.records++
		return true
	}
	switch {
	case !complete && (r.records > 0 || trimmed[0] == '{'):
		if r.tail == "" {
			r.tail = "last line is not a complete record"
		}
	case r.records == 0 && r.skipped == 0:
		r.err = fmt.Errorf("read log %s: not a log: line %d: %w", r.path, r.lines, err)
		r.done = true
	default:
		r.skip(fmt.Sprintf("line %d: %v", r.lines, err))
	}
	return false
}

func (r *Reader) skip(why string) {
	if r.skipped == 0 {
		r.firstBad = why
	}
	r.skipped++
}

// readLine returns the next line without its newline; complete says whether
// it had one. A line over MaxRecordBytes is consumed and reported as tooLong.
// The line is valid until the next call.
func (r *Reader) readLine() (line []byte, complete, tooLong bool, err error) {
	if cap(r.acc) > 1<<20 {
		r.acc = nil // do not keep a huge record's buffer
	}
	r.acc = r.acc[:0]
	for {
		frag, err := r.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if len(r.acc)+len(frag) > MaxRecordBytes {
				tooLong = true
			} else {
				r.acc = append(r.acc, frag...)
			}
			continue
		}
		if tooLong || len(r.acc)+len(bytes.TrimSuffix(frag, []byte{'\n'})) > MaxRecordBytes {
			return nil, false, true, err
		}
		if len(r.acc) > 0 {
			r.acc = append(r.acc, frag...)
			frag = r.acc
		}
		if err == nil {
			return frag[:len(frag)-1], true, false, nil
		}
		return frag, false, false, err
	}
}

// Record returns the current record; its Raw is valid until the next call to Next.
func (r *Reader) Record() Record { return r.rec }

// Err returns the error that stopped the Reader: a file that is not a log.
func (r *Reader) Err() error { return r.err }

// Records returns how many records Next has returned so far.
func (r *Reader) Records() int64 { return r.records }

// Damaged reports whether some of the file could not be read as records so
// far: a torn tail, a damaged gzip member, or lines that are not records.
func (r *Reader) Damaged() bool {
	return r.tail != "" || len(r.damaged) > 0 || r.skipped > 0
}

// Warnings describes, one line each naming the file, the damaged gzip
// members, the torn tail and the skipped lines met so far.
func (r *Reader) Warnings() []string {
	var w []string
	for _, d := range r.damaged {
		w = append(w, fmt.Sprintf("read log %s: %v; every intact record after it is kept", r.path, &d))
	}
	if r.skipped > 0 {
		w = append(w, fmt.Sprintf("read log %s: skipped %d lines that are not log records (first: %s)", r.path, r.skipped, r.firstBad))
	}
	if r.tail != "" {
		w = append(w, fmt.Sprintf("read log %s: truncated tail after record %d (%s); every complete record before it is kept", r.path, r.records, r.tail))
	}
	return w
}

// randomAccess returns src as an io.ReaderAt, with its current offset and
// its size, when it is one (a file, a bytes.Reader).
func randomAccess(src io.Reader) (ra io.ReaderAt, from, size int64, ok bool) {
	type seekerAt interface {
		io.ReaderAt
		io.Seeker
	}
	sa, ok := src.(seekerAt)
	if !ok {
		return nil, 0, 0, false
	}
	from, err := sa.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0, 0, false
	}
	if size, err = sa.Seek(0, io.SeekEnd); err != nil {
		return nil, 0, 0, false
	}
	if _, err := sa.Seek(from, io.SeekStart); err != nil {
		return nil, 0, 0, false
	}
	return sa, from, size, true
}

// Close releases the decompressor and closes the file OpenReader opened.
func (r *Reader) Close() error {
	if r.closeDec != nil {
		r.closeDec()
	}
	if r.f == nil {
		return nil
	}
	return r.f.Close()
}
