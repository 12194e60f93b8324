package logs

import (
	"bytes"
	"errors"
)

// DefaultMaxLine is the longest line a LineSplitter emits in one piece when
// NewLineSplitter is given no positive maximum.
const DefaultMaxLine = 64 << 10

// errSplitterClosed is returned by Write after Close.
var errSplitterClosed = errors.New("write to closed line splitter")

// LineSplitter cuts a stream (a job's stdout or stderr) into lines for the
// log, in memory bounded by the maximum line length however much the job
// prints. Plug it in as exec.Cmd.Stdout or Stderr, and Close it after the
// command has been waited for. A LineSplitter is not safe for concurrent use.
type LineSplitter struct {
	max    int
	emit   func(line []byte, partial bool)
	buf    []byte
	closed bool
	err    error // first error of the emit function, returned by Close
}

// NewLineSplitter returns a LineSplitter calling emit for each line, without
// its "\n" or "\r\n". A line longer than max bytes (DefaultMaxLine when max
// <= 0) is emitted in pieces of max bytes with partial true, the last piece
// with partial false. Close emits a final line that has no newline. The line
// passed to emit is only valid during the call.
func NewLineSplitter(max int, emit func(line []byte, partial bool)) *LineSplitter {
	if max <= 0 {
		max = DefaultMaxLine
	}
	return &LineSplitter{max: max, emit: emit}
}

// Write splits p into lines; it never fails before Close.
func (s *LineSplitter) Write(p []byte) (int, error) {
	if s.closed {
		return 0, errSplitterClosed
	}
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.add(p)
			break
		}
		if len(s.buf) == 0 {
			s.emitLine(p[:i]) // the common case: a whole line, no copy
		} else {
			s.add(p[:i])
			s.emitLine(s.buf)
			s.buf = s.buf[:0]
		}
		p = p[i+1:]
	}
	return n, nil
}

// add buffers part of a line, emitting max-byte pieces once it is known that
// more of the line follows. A lone trailing '\r' is held back one byte, since
// it may be the start of a "\r\n".
func (s *LineSplitter) add(p []byte) {
	if s.buf == nil {
		// Made on the first part of a line only: most short jobs print
		// nothing, or whole lines.
		s.buf = make([]byte, 0, 512)
	}
	for len(p) > 0 {
		take := min(len(p), s.max+2-len(s.buf))
		s.buf = append(s.buf, p[:take]...)
		p = p[take:]
		if len(s.buf) > s.max+1 || (len(s.buf) == s.max+1 && s.buf[s.max] != '\r') {
			s.emit(s.buf[:s.max], true)
			s.buf = append(s.buf[:0], s.buf[s.max:]...)
		}
	}
}

// emitLine emits a complete line, without the '\r' of a "\r\n", in pieces.
func (s *LineSplitter) emitLine(line []byte) {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	for len(line) > s.max {
		s.emit(line[:s.max], true)
		line = line[s.max:]
	}
	s.emit(line, false)
}

// Close emits the last line when the stream did not end with a newline,
// and returns the first error logging the lines met (see Writer.Lines).
// Closing twice does nothing more.
func (s *LineSplitter) Close() error {
	if s.closed {
		return s.err
	}
	s.closed = true
	line := s.buf
	for len(line) > s.max {
		s.emit(line[:s.max], true)
		line = line[s.max:]
	}
	if len(line) > 0 {
		s.emit(line, false)
	}
	s.buf = nil
	return s.err
}

// Lines returns a LineSplitter that logs every line written to it as an
// output record of job on stream (StreamStdout or StreamStderr). Plug it into
// exec.Cmd.Stdout or Stderr and Close it once the command has been waited
// for: Write never fails, so that a logging error cannot block the job, and
// Close returns the first error met.
func (w *Writer) Lines(job, stream string) *LineSplitter {
	var s *LineSplitter
	s = NewLineSplitter(DefaultMaxLine, func(line []byte, partial bool) {
		if err := w.Output(job, stream, line, partial); err != nil && s.err == nil {
			s.err = err
		}
	})
	return s
}
