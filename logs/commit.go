package logs

import (
	"bytes"
	"fmt"
	"github.com/jobsplit/jobsplit/internal/oserr"
	"time"
)

// maxMemberBytes ends a gzip member early when a job prints fast, which
// bounds what a crash can tear, what Open must hold to repair it and the
// memory the open member holds.
const maxMemberBytes = 4 << 20

// appendRecord adds one complete record (ending in a newline) to the open
// gzip member, starting a member when none is open. w.mu must be held.
func (w *Writer) appendRecord(b []byte) error {
	w.scratch = b[:0]
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return ErrClosed
	}
	if !w.memberOpen {
		w.gz.Reset(&w.member)
		w.memberOpen = true
	}
	if _, err := w.gz.Write(b); err != nil {
		w.err = fmt.Errorf("write log %s: %w", w.path, err)
		return w.err
	}
	w.appended++
	w.memberBytes += len(b)
	if w.memberBytes >= maxMemberBytes {
		return w.writeMember()
	}
	return nil
}

// writeMember ends the open gzip member and writes it to the file in one
// write, so that the file holds whole members only, unless the write itself
// fails (a full disk), which leaves a torn tail that the next Open cuts.
// w.mu must be held.
func (w *Writer) writeMember() error {
	if !w.memberOpen {
		return nil
	}
	w.memberOpen, w.memberBytes = false, 0
	if err := w.gz.Close(); err != nil {
		w.err = fmt.Errorf("write log %s: %w", w.path, err)
		return w.err
	}
	start := w.size
	n, err := w.file.Write(w.member.Bytes())
	w.size += int64(n)
	w.member.Reset()
	if w.member.Cap() > 1<<20 {
		w.member = bytes.Buffer{} // do not keep a burst of output's buffer
	}
	if err != nil {
		w.err = fmt.Errorf("write log %s: %w", w.path, oserr.Bare(err))
		return w.err
	}
	w.written, w.last = w.appended, start
	return nil
}

// Commit returns once every record logged before the call is inside a
// complete gzip member in the file and, unless Options.NoSync, the file is
// synced: after a crash of the process or of the machine, those records
// read back whole. It is what makes a job's records durable before its
// result row is written.
//
// Commits group: while one caller writes a member and syncs, later callers
// wait, and the first of them then writes one member holding all their
// records and syncs once for all. So N jobs ending together cost about two
// members and two syncs, not N. A Commit with nothing new to write returns
// at once. Per-job logs (Options.PerJob) are not synced here: they are a
// copy of what the log holds.
func (w *Writer) Commit() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.commitLocked(w.appended)
}

// commitLocked makes the first target records durable. w.mu must be held;
// it is released while the file syncs, so that jobs keep logging meanwhile.
func (w *Writer) commitLocked(target uint64) error {
	for {
		switch {
		case w.err != nil:
			return w.err
		case w.durable >= target:
			return nil
		case w.closed:
			return ErrClosed
		case w.syncing:
			w.synced.Wait() // the next leader's member will hold our records
			continue
		}
		if err := w.writeMember(); err != nil {
			return err
		}
		upTo := w.written
		if w.opts.NoSync {
			w.durable = upTo
			continue
		}
		w.syncing = true
		w.mu.Unlock()
		err := w.opts.syncFile(w.file)
		w.mu.Lock()
		w.syncing = false
		if err != nil && w.err == nil {
			w.err = fmt.Errorf("sync log %s: %w", w.path, oserr.Bare(err))
		}
		if err == nil {
			w.durable = max(w.durable, upTo)
		}
		w.synced.Broadcast()
	}
}

// Flush writes the per-job logs' buffers and commits (see Commit): every
// record logged so far can then be read even if the process is killed.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.flushJobsLocked(); err != nil {
		return err
	}
	return w.commitLocked(w.appended)
}

// flushJobsLocked writes the buffers of the open per-job logs. w.mu must be
// held.
func (w *Writer) flushJobsLocked() error {
	if w.err != nil {
		return w.err
	}
	for job, jf := range w.jobs {
		if err := jf.bw.Flush(); err != nil {
			w.err = fmt.Errorf("write job log %s: %w", jf.f.Name(), oserr.Bare(err))
			delete(w.jobs, job)
			jf.f.Close()
			return w.err
		}
	}
	return nil
}

// flushEvery flushes on every tick until Close; errors stay in w.err and are
// returned by the next call.
func (w *Writer) flushEvery(tick <-chan time.Time, stop func()) {
	defer close(w.done)
	defer stop()
	for {
		select {
		case <-tick:
			w.Flush()
		case <-w.stop:
			return
		}
	}
}
