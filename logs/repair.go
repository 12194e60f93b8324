package logs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
)

// gzipMagic starts every gzip member (ID1, ID2, CM=deflate).
var gzipMagic = []byte{0x1f, 0x8b, 0x08}

// countingReader counts the bytes the gzip reader consumes. It implements
// io.ByteReader so that the decompressor reads from it directly, byte by byte,
// and never past the end of a member.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// completeMembers returns the offset just past the last gzip member of
// r[from:size] that decodes completely, checksum included, with every
// member before it; from when none does.
func completeMembers(r io.ReaderAt, from, size int64) int64 {
	cr := &countingReader{r: bufio.NewReaderSize(io.NewSectionReader(r, from, size-from), 64<<10), n: from}
	var zr gzip.Reader
	good := from
	for good < size {
		if zr.Reset(cr) != nil {
			break
		}
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, &zr); err != nil {
			break
		}
		good = cr.n
	}
	return good
}

// memberEnd returns the offset just past the gzip member that starts at
// from in r[0:size], when that member decodes completely, checksum included.
func memberEnd(r io.ReaderAt, from, size int64) (int64, bool) {
	cr := &countingReader{r: bufio.NewReaderSize(io.NewSectionReader(r, from, size-from), 64<<10)}
	var zr gzip.Reader
	if zr.Reset(cr) != nil {
		return 0, false
	}
	zr.Multistream(false)
	if _, err := io.Copy(io.Discard, &zr); err != nil {
		return 0, false
	}
	return from + cr.n, true
}

// repair cuts a torn gzip member from the end of f, re-appending the complete
// records that can still be read from it, and returns a message describing the
// repair ("" when f was intact). Data that is not a torn tail (garbage, or
// complete members after a damaged one) is an error: appending after it would
// hide the new records from zcat, and cutting it could lose complete records.
// The bytes before from are known whole (see checkedUpTo) and not read.
func repair(f *os.File, path string, sync bool, from int64) (string, error) {
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	size := st.Size()
	good := completeMembers(f, from, size)
	if good == size {
		return "", nil
	}
	tail := make([]byte, min(size-good, 512))
	if _, err := f.ReadAt(tail, good); err != nil && err != io.EOF {
		return "", err
	}
	if !bytes.HasPrefix(gzipMagic, tail[:min(len(tail), 3)]) && !allZero(f, good, size) {
		return "", fmt.Errorf("unexpected data at byte %d that is not a gzip member; move the file aside", good)
	}
	if at, ok := laterMember(f, good+1, size); ok {
		return "", fmt.Errorf("damaged gzip member at byte %d followed by intact data at byte %d; move the file aside", good, at)
	}
	recovered, n := salvage(f, good, size)
	if err := f.Truncate(good); err != nil {
		return "", err
	}
	if len(recovered) > 0 {
		if _, err := f.Write(recovered); err != nil {
			return "", err
		}
	}
	if sync {
		if err := f.Sync(); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("log %s: a previous run was killed mid-write; cut its torn last %d bytes at byte %d and kept the %d complete records they held",
		path, size-good, good, n), nil
}

// allZero reports whether f[from:to] holds only zero bytes, as a file can
// after the machine itself crashed.
func allZero(f *os.File, from, to int64) bool {
	buf := make([]byte, 32<<10)
	for from < to {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), to-from)], from)
		for _, c := range buf[:n] {
			if c != 0 {
				return false
			}
		}
		from += int64(n)
		if err != nil {
			return from >= to
		}
	}
	return true
}

// laterMember looks for a complete gzip member starting anywhere in r[from:to].
func laterMember(r io.ReaderAt, from, to int64) (int64, bool) {
	br := bufio.NewReaderSize(io.NewSectionReader(r, from, to-from), 64<<10)
	pos := from
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, false
		}
		pos++
		if b != gzipMagic[0] {
			continue
		}
		if next, _ := br.Peek(2); bytes.Equal(next, gzipMagic[1:]) {
			if _, ok := memberEnd(r, pos-1, to); ok {
				return pos - 1, true
			}
		}
	}
}

// salvage decompresses what it can of the torn member at f[from:to] and
// returns the complete lines it holds as one new gzip member, and their count.
func salvage(f *os.File, from, to int64) ([]byte, int) {
	zr, err := gzip.NewReader(io.NewSectionReader(f, from, to-from))
	if err != nil {
		return nil, 0
	}
	var plain bytes.Buffer
	_, err = plain.ReadFrom(zr) // Read, not WriteTo, which drops a torn block's output
	if err == nil || errors.Is(err, io.EOF) {
		return nil, 0 // cannot happen: the member did not decode completely
	}
	data := plain.Bytes()
	if cut := bytes.LastIndexByte(data, '\n') + 1; cut < len(data) {
		// Keep a last line that lacks only its newline, as Reader does.
		if _, err := ParseRecord(data[cut:]); err == nil {
			data = append(data, '\n')
		} else {
			data = data[:cut]
		}
	}
	if len(data) == 0 {
		return nil, 0
	}
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(data)
	zw.Close()
	return out.Bytes(), bytes.Count(data, []byte{'\n'})
}
