package results

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/jobsplit/jobsplit/internal/oserr"
)

// Writer appends rows to one results file. Each Write returns only once its
// row is synced to disk; it is safe for concurrent use, and concurrent writers
// share fsyncs (group commit).
type Writer struct {
	path     string
	nparams  int
	nresults int
	repaired string

	mu     sync.Mutex // guards everything below until syncMu, and orders writes
	f      syncFile
	size   int64 // bytes of complete rows written
	err    error // sticky: the file can no longer be trusted for appends
	closed bool
	buf    bytes.Buffer
	csv    *csv.Writer
	rec    []string

	syncMu sync.Mutex // serializes fsyncs; taken before mu, never while holding mu
	synced int64      // bytes known to be on disk
}

// syncFile is what the Writer needs of its file; tests substitute failing ones.
type syncFile interface {
	io.Writer
	io.ReaderAt
	Sync() error
	Truncate(size int64) error
	Close() error
}

// OpenWriter opens the results file at path for appending, creating it and its
// directory with a header when needed. An existing file must have the header
// this writer would write (fixed columns, then params, then resultCols), or a
// *HeaderError is returned. A torn last row left by a killed run is cut off and
// reported by Repaired; complete rows are never removed.
func OpenWriter(path string, params, resultCols []string) (*Writer, error) {
	return OpenWriterAfter(path, params, resultCols, nil)
}

// OpenWriterAfter is OpenWriter for a run that has just read the file with
// ReadDone (holding the machine's lock since): when the file is still the
// one done read, unchanged, the writer takes done's word for where its
// complete rows end instead of reading it all again. done may be nil.
func OpenWriterAfter(path string, params, resultCols []string, done *Done) (*Writer, error) {
	header := append(append(FixedColumns(), params...), resultCols...)
	seen := make(map[string]bool, len(header))
	for _, name := range header {
		if seen[name] {
			return nil, fmt.Errorf("open results %s: column %q appears twice (a parameter or result named like a standard column?)", path, name)
		}
		seen[name] = true
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open results %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open results %s: %w", path, err)
	}
	w := &Writer{path: path, f: f, nparams: len(params), nresults: len(resultCols)}
	w.csv = csv.NewWriter(&w.buf)
	var read *readState
	if done != nil {
		read = &done.read
	}
	if err := w.prepare(f, header, read); err != nil {
		f.Close()
		return nil, err
	}
	w.synced = w.size
	return w, nil
}

// Repaired returns a warning when opening cut off a torn last row, else "".
func (w *Writer) Repaired() string { return w.repaired }

// Path returns the file the writer appends to.
func (w *Writer) Path() string { return w.path }

// Write appends row and syncs the file. On error nothing of the row is left in
// the file when that can be ensured; after a failed sync, every later Write
// fails too, since the file's state is no longer known.
func (w *Writer) Write(row Row) error {
	w.mu.Lock()
	if err := w.usable(); err != nil {
		w.mu.Unlock()
		return err
	}
	line, err := w.format(row)
	if err != nil {
		w.mu.Unlock()
		return fmt.Errorf("write results %s: %w", w.path, err)
	}
	n, err := w.f.Write(line)
	if err == nil && n != len(line) {
		err = io.ErrShortWrite
	}
	if err != nil {
		err = fmt.Errorf("write results %s: %w", w.path, oserr.Bare(err))
		if n > 0 {
			if terr := w.f.Truncate(w.size); terr != nil {
				w.err = fmt.Errorf("%w; removing the partial row failed too: %v", err, terr)
				err = w.err
			}
		}
		w.mu.Unlock()
		return err
	}
	w.size += int64(n)
	end := w.size
	w.mu.Unlock()
	return w.syncTo(end)
}

// WriteRows appends rows and syncs the file once for all of them, and
// returns how many are on disk: on an error, the rows before the failing
// one are kept and synced, and nothing of it or the later ones is left.
func (w *Writer) WriteRows(rows []Row) (int, error) {
	w.mu.Lock()
	written := 0
	var werr error
	for _, row := range rows {
		if werr = w.usable(); werr != nil {
			break
		}
		line, err := w.format(row)
		if err != nil {
			werr = fmt.Errorf("write results %s: %w", w.path, err)
			break
		}
		n, err := w.f.Write(line)
		if err == nil && n != len(line) {
			err = io.ErrShortWrite
		}
		if err != nil {
			werr = fmt.Errorf("write results %s: %w", w.path, oserr.Bare(err))
			if n > 0 {
				if terr := w.f.Truncate(w.size); terr != nil {
					w.err = fmt.Errorf("%w; removing the partial row failed too: %v", werr, terr)
					werr = w.err
				}
			}
			break
		}
		w.size += int64(n)
		written++
	}
	end := w.size
	w.mu.Unlock()
	if written > 0 {
		if err := w.syncTo(end); err != nil {
			return 0, err
		}
	}
	return written, werr
}

// Close closes the file. Rows are already on disk; Close reports a failure to
// sync or close.
func (w *Writer) Close() error {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	var err error
	if w.err == nil && w.synced < w.size {
		if err = w.f.Sync(); err == nil {
			w.synced = w.size
		}
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close results %s: %w", w.path, err)
	}
	return nil
}

func (w *Writer) usable() error {
	if w.closed {
		return fmt.Errorf("write results %s: %w", w.path, ErrClosed)
	}
	return w.err
}

// format encodes row as one CSV line in w.buf. Called with mu held.
func (w *Writer) format(row Row) ([]byte, error) {
	var err error
	if w.rec, err = appendRecord(w.rec[:0], row, w.nparams, w.nresults); err != nil {
		return nil, err
	}
	w.buf.Reset()
	if err := w.csv.Write(w.rec); err != nil {
		return nil, err
	}
	w.csv.Flush()
	return w.buf.Bytes(), w.csv.Error()
}

// syncTo returns once the first end bytes of the file are on disk, running an
// fsync unless one that started after those bytes were written has finished.
func (w *Writer) syncTo(end int64) error {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	if w.synced >= end {
		return nil
	}
	w.mu.Lock()
	target, err := w.size, w.usable()
	w.mu.Unlock()
	if err != nil {
		return err
	}
	if err := w.f.Sync(); err != nil {
		err = fmt.Errorf("sync results %s: %w", w.path, err)
		w.mu.Lock()
		w.err = err
		if w.f.Truncate(w.synced) == nil {
			w.size = w.synced
		}
		w.mu.Unlock()
		return err
	}
	w.synced = target
	return nil
}
