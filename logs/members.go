package logs

import (
	"bufio"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// damagedMember is a gzip member in the middle of a log that does not
// decode, and the intact member where reading resumed.
type damagedMember struct {
	at, next int64 // byte offsets of the damaged member and of the next intact one
	cause    error
}

func (d *damagedMember) Error() string {
	return fmt.Sprintf("damaged gzip member at byte %d (%v): skipped %d bytes to the next intact member at byte %d",
		d.at, d.cause, d.next-d.at, d.next)
}

// tornMember is damage with no intact member after it: the file's tail.
type tornMember struct {
	at, size int64
	cause    error
}

func (t *tornMember) Error() string {
	if t.at == 0 && t.cause == io.ErrUnexpectedEOF {
		return "torn gzip header"
	}
	return fmt.Sprintf("the last %d bytes, from byte %d: %v", t.size-t.at, t.at, t.cause)
}

// memberStream decompresses a gzip log member by member. A member that does
// not decode is damage: reading goes on at the next gzip header (1f 8b 08)
// from which a whole member decodes, checksum included, so that one damaged
// member costs only its own records. Read returns a *damagedMember error once
// for each such member, after the bytes decoded from it, and then goes on; a
// damaged member with nothing intact after it ends the stream with a
// *tornMember error.
type memberStream struct {
	ra       io.ReaderAt
	size     int64
	base     int64 // offset where cr starts
	buf      *bufio.Reader
	cr       *countingReader
	zr       gzip.Reader
	start    int64 // offset of the current member
	inMember bool
	done     bool
}

func newMemberStream(ra io.ReaderAt, from, size int64) *memberStream {
	s := &memberStream{ra: ra, size: size, buf: bufio.NewReaderSize(nil, 64<<10)}
	s.seek(from)
	return s
}

// seek makes the next member start at off.
func (s *memberStream) seek(off int64) {
	s.base = off
	s.buf.Reset(io.NewSectionReader(s.ra, off, s.size-off))
	s.cr = &countingReader{r: s.buf}
	s.inMember = false
}

func (s *memberStream) pos() int64 { return s.base + s.cr.n }

func (s *memberStream) Read(p []byte) (int, error) {
	for !s.done {
		if !s.inMember {
			if s.pos() >= s.size {
				s.done = true
				break
			}
			s.start = s.pos()
			if err := s.zr.Reset(s.cr); err != nil {
				return 0, s.damaged(err)
			}
			s.zr.Multistream(false)
			s.inMember = true
		}
		n, err := s.zr.Read(p)
		switch {
		case err == io.EOF:
			s.inMember = false
			if n > 0 {
				return n, nil
			}
		case err != nil:
			return n, s.damaged(err)
		default:
			return n, nil
		}
	}
	return 0, io.EOF
}

// damaged skips the member that failed with cause, resuming at the next
// intact one, and returns the error that describes the damage.
func (s *memberStream) damaged(cause error) error {
	if cause == io.EOF {
		cause = io.ErrUnexpectedEOF // a header cut short
	}
	next, ok := laterMember(s.ra, s.start+1, s.size)
	if !ok {
		s.done = true
		return &tornMember{at: s.start, size: s.size, cause: cause}
	}
	s.seek(next)
	return &damagedMember{at: s.start, next: next, cause: cause}
}
