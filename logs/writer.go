package logs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jobsplit/jobsplit/internal/oserr"
	"github.com/klauspost/compress/gzip"
	"github.com/rs/zerolog"
)

// ErrClosed is returned by a Writer's methods after Close.
var ErrClosed = errors.New("log writer is closed")

// DefaultFlushInterval is how often a Writer flushes when Options.FlushInterval is zero.
const DefaultFlushInterval = time.Second

// Options tune a Writer. The zero value is what jobsplit run uses by default.
type Options struct {
	// PerJob also writes every output line of a job, exactly as the job
	// printed it (both streams interleaved, no prefix), to
	// <dir>/<machine>/<job>.log.
	PerJob bool
	// FlushInterval is the longest time a record waits in memory before it
	// reaches the file as part of a complete gzip member; 0 means one second.
	FlushInterval time.Duration
	// NoSync skips the fsync after each flush. Records then survive a crash
	// of jobsplit but not necessarily a crash of the machine.
	NoSync bool
	// Now stamps each record's time; nil means time.Now. Tests set it to get
	// reproducible records.
	Now func() time.Time

	tick     <-chan time.Time     // replaces the flush ticker in tests
	syncFile func(*os.File) error // replaces File.Sync in tests
}

// Writer appends records to one host's log <dir>/<machine>.jsonl.gz. The file
// is a sequence of gzip members, each written whole by one write, so that a
// process killed at any moment leaves a file that zcat and Go's gzip reader
// read completely up to the last member. A member ends on Commit, on the
// periodic flush, and when it grows past a few MiB. All methods are safe for
// concurrent use. The first error the Writer meets is sticky: every later
// call returns it, naming the file and the cause.
type Writer struct {
	path     string
	dir      string
	machine  string
	opts     Options
	repaired string
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
	closeErr error

	mu          sync.Mutex
	synced      sync.Cond // signalled when a sync ends; L is &mu
	file        *os.File
	gz          *gzip.Writer
	member      bytes.Buffer // the open member, compressed, not yet in the file
	memberOpen  bool         // a gzip member holds records not yet written
	memberBytes int          // uncompressed bytes in the open member
	appended    uint64       // records appended so far
	written     uint64       // records in members written to the file
	durable     uint64       // records in members the file holds after a sync
	size        int64        // the file's size: where the next member goes
	last        int64        // where the last member this Writer wrote starts; -1 before
	syncing     bool         // a Commit is syncing the file without w.mu
	machineJSON []byte
	scratch     []byte
	jobs        map[string]*jobFile
	err         error // first write error; every later call returns it
	closed      bool
}

// Open opens (creating dir and the file when needed) the log of machine in dir
// for appending: a resumed run's records follow the previous run's. When the
// file ends with a gzip member torn by a killed process, Open first cuts it
// back to the last complete member, keeping every complete record of the torn
// one, and reports what it did through Repaired. Only one process may write
// a log at a time, since a repair would cut another writer's open member: the
// caller must hold the run's lock before calling Open.
func Open(dir, machine string, opts Options) (*Writer, error) {
	if err := ValidName(machine); err != nil {
		return nil, fmt.Errorf("open log: machine name %w", err)
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = DefaultFlushInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.syncFile == nil {
		opts.syncFile = (*os.File).Sync
	}
	path := filepath.Join(dir, machine+".jsonl.gz")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open log %s: %w", path, err)
	}
	if opts.PerJob {
		if err := os.MkdirAll(filepath.Join(dir, machine), 0o755); err != nil {
			return nil, fmt.Errorf("open log %s: %w", path, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open log %s: %w", path, err)
	}
	checked, _ := checkedUpTo(f, path, st.Size())
	repaired, err := repair(f, path, !opts.NoSync, checked)
	if err == nil {
		st, err = f.Stat()
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open log %s: %w", path, err)
	}
	gz, err := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open log %s: %w", path, err)
	}
	w := &Writer{
		path: path, dir: dir, machine: machine, opts: opts, repaired: repaired,
		stop: make(chan struct{}), done: make(chan struct{}),
		file: f, gz: gz, jobs: make(map[string]*jobFile), size: st.Size(), last: -1,
		machineJSON: appendJSONString(nil, []byte(machine)),
	}
	w.synced.L = &w.mu
	if opts.tick != nil {
		go w.flushEvery(opts.tick, func() {})
	} else {
		ticker := time.NewTicker(opts.FlushInterval)
		go w.flushEvery(ticker.C, ticker.Stop)
	}
	return w, nil
}

// Path returns the path of the log file.
func (w *Writer) Path() string { return w.path }

// Repaired returns a one-line description of the torn tail Open cut from the
// file, for the caller to show the user, or "" when the file was intact.
func (w *Writer) Repaired() string { return w.repaired }

// Logger returns a zerolog logger whose records go to this log, each stamped
// with time (first, as the Writer does for every record) and machine. Do not
// add zerolog's own Timestamp: the field would appear twice. zerolog names the
// message field "message" (readers accept "message" and "msg"), and its
// global level filters these records. The typed methods (RunStart, Output...)
// write their records directly and depend on no zerolog setting.
func (w *Writer) Logger() zerolog.Logger {
	return zerolog.New(recordSink{w}).With().Str("machine", w.machine).Logger()
}

// recordSink receives complete zerolog records and stamps their time.
type recordSink struct{ w *Writer }

// Write stores one zerolog record, which must be a JSON object on one line.
func (s recordSink) Write(p []byte) (int, error) {
	if len(p) < 2 || p[0] != '{' {
		return 0, fmt.Errorf("write log %s: record is not a JSON object", s.w.path)
	}
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.stamp()
	if p[1] != '}' {
		b = append(b, ',')
	}
	b = append(b, p[1:]...)
	if b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	if err := w.appendRecord(b); err != nil {
		return 0, err
	}
	return len(p), nil
}

// stamp starts a record in w.scratch with its time field. w.mu must be held:
// stamping under the lock keeps the file in time order while the clock does.
func (w *Writer) stamp() []byte {
	b := append(w.scratch[:0], `{"time":`...)
	return appendTime(b, w.opts.Now())
}

// Close writes and syncs every record, closes the per-job logs and the file,
// and returns the first error the Writer met. Later calls return the same
// error.
func (w *Writer) Close() error {
	w.once.Do(func() {
		close(w.stop)
		<-w.done
		w.mu.Lock()
		defer w.mu.Unlock()
		err := w.flushJobsLocked()
		if err == nil {
			err = w.commitLocked(w.appended)
		}
		for w.syncing { // a Commit that met an error may still be syncing
			w.synced.Wait()
		}
		w.closed = true
		for job, jf := range w.jobs {
			if cerr := jf.f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("close job log %s: %w", jf.f.Name(), oserr.Bare(cerr))
			}
			delete(w.jobs, job)
		}
		if cerr := w.file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close log %s: %w", w.path, oserr.Bare(cerr))
		}
		if err == nil && w.last >= 0 {
			writeChecked(w.path, w.size, w.last) // whole and synced up to here
		}
		w.closeErr = err
	})
	return w.closeErr
}
