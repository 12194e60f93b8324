package results

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jobsplit/jobsplit/internal/atomicfile"
)

// readState is a results file as a reader found it: its identity, size and
// time, and where its last complete row ends.
type readState struct {
	file     os.FileInfo // nil: not read
	complete int64
}

// unchanged reports whether fi is the file the reader read, as it was.
func (s *readState) unchanged(fi os.FileInfo) bool {
	return s != nil && sameFile(s.file, fi)
}

// sameFile reports whether b is the file a was, of the same size and time.
func sameFile(a, b os.FileInfo) bool {
	return a != nil && b != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// prepare checks an existing file's header, cuts off a torn last row, or
// writes the header into a new file, and sets w.size. Called before w is
// shared. A file read moments ago and unchanged since (read) is not read
// through again to find where its complete rows end.
func (w *Writer) prepare(f *os.File, header []string, read *readState) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open results %s: %w", w.path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("open results %s: not a regular file", w.path)
	}
	size := fi.Size()
	headerLine, err := encodeLine(header)
	if err != nil {
		return fmt.Errorf("open results %s: %w", w.path, err)
	}
	if size == 0 {
		return w.writeHeader(headerLine)
	}
	r, err := readResults(w.path, f)
	var inputErr *InputError
	switch {
	case errors.Is(err, ErrEmpty):
		// No complete line: go on if it is the start of our header, torn.
		torn := make([]byte, min(size, 4096))
		if _, err := f.ReadAt(torn, 0); err != nil {
			return fmt.Errorf("open results %s: %w", w.path, err)
		}
		if size >= int64(len(headerLine)) || !bytes.HasPrefix(headerLine, torn) {
			return &HeaderError{Path: w.path, Got: parseHeader(torn), Want: header}
		}
		if err := w.truncate(0, size); err != nil {
			return err
		}
		return w.writeHeader(headerLine)
	case errors.As(err, &inputErr) && inputErr.header:
		got, _ := readHeader(io.NewSectionReader(f, 0, size))
		return &HeaderError{Path: w.path, Got: got, Want: header}
	case err != nil:
		return err
	}
	if !slices.Equal(r.header, header) {
		return &HeaderError{Path: w.path, Got: r.header, Want: header}
	}
	var good int64
	if read.unchanged(fi) {
		good = read.complete
	} else if good, err = r.completeSize(); err != nil {
		return err
	}
	w.size = good
	if good < size {
		return w.truncate(good, size)
	}
	return nil
}

// truncate cuts the file back to good bytes, noting the repair.
func (w *Writer) truncate(good, size int64) error {
	if err := w.f.Truncate(good); err != nil {
		return fmt.Errorf("repair results %s: remove torn last line: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("repair results %s: %w", w.path, err)
	}
	w.repaired = fmt.Sprintf("%s: removed a torn last line (%d bytes) left by an interrupted write", w.path, size-good)
	w.size = good
	return nil
}

func (w *Writer) writeHeader(line []byte) error {
	if _, err := w.f.Write(line); err != nil {
		w.f.Truncate(0)
		return fmt.Errorf("write results %s: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("sync results %s: %w", w.path, err)
	}
	w.size = int64(len(line))
	atomicfile.SyncDir(filepath.Dir(w.path))
	return nil
}

// encodeLine encodes one record as a CSV line.
func encodeLine(rec []string) ([]byte, error) {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	if err := cw.Write(rec); err != nil {
		return nil, err
	}
	cw.Flush()
	return b.Bytes(), cw.Error()
}

// readHeader returns the first record of r, without a byte order mark.
func readHeader(r io.Reader) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if len(rec) > 0 {
		rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
	}
	return rec, err
}

// parseHeader reads what it can of a torn header, for an error message.
func parseHeader(b []byte) []string {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rec, _ := cr.Read()
	return rec
}
