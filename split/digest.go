package split

import (
	"encoding/binary"
	"encoding/hex"
	"math/big"

	"github.com/zeebo/blake3"
)

// Version is the version of the canonical encoding behind a digest. Any change
// to what a given set of inputs plans (the encoding, the shuffle, the cut)
// must bump it, so that hosts on different versions refuse to mix.
const Version = 1

// Digest identifies a sweep: every host with the same inputs computes the
// same digest, and so the same plan.
type Digest [32]byte

// String is the digest in full hex.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// Short is a 12-hex-digit prefix, easy to compare by eye across terminals.
func (d Digest) Short() string { return d.String()[:12] }

// Digester writes the canonical, versioned encoding of a sweep into blake3.
// Every value is length-prefixed, so no two different inputs encode alike.
type Digester struct {
	h *blake3.Hasher
	// buf gathers small writes: blake3 is fastest fed in large blocks.
	buf []byte
}

// digestBlock is how much the Digester gathers before hashing.
const digestBlock = 64 << 10

// NewDigester starts a digest of the current Version.
func NewDigester() *Digester { return NewDigesterAt(Version) }

// NewDigesterAt starts a digest of the given encoding version: Version, or
// VersionNeeds for a sweep whose jobs have needs or priorities.
func NewDigesterAt(version uint64) *Digester {
	d := &Digester{h: blake3.New(), buf: make([]byte, 0, digestBlock+binary.MaxVarintLen64)}
	d.String("jobsplit digest")
	d.Uint(version)
	return d
}

// Uint writes an unsigned number.
func (d *Digester) Uint(n uint64) {
	d.buf = binary.AppendUvarint(d.buf, n)
	d.spill()
}

// String writes a length-prefixed string.
func (d *Digester) String(s string) {
	d.buf = binary.AppendUvarint(d.buf, uint64(len(s)))
	d.buf = append(d.buf, s...)
	d.spill()
}

// Bytes writes length-prefixed bytes, as String does.
func (d *Digester) Bytes(b []byte) {
	d.buf = binary.AppendUvarint(d.buf, uint64(len(b)))
	d.buf = append(d.buf, b...)
	d.spill()
}

// spill hashes the gathered bytes once a block is full.
func (d *Digester) spill() {
	if len(d.buf) >= digestBlock {
		_, _ = d.h.Write(d.buf)
		d.buf = d.buf[:0]
	}
}

// Rat writes an exact rational number in lowest terms.
func (d *Digester) Rat(r *big.Rat) {
	d.String(r.RatString())
}

// Sum returns the digest of everything written so far.
func (d *Digester) Sum() Digest {
	_, _ = d.h.Write(d.buf)
	d.buf = d.buf[:0]
	var sum Digest
	copy(sum[:], d.h.Sum(nil))
	return sum
}

// Seed derives a 64-bit seed for one job from a key digest and the job's
// id: distinct for every job, identical on every host and every rerun.
func Seed(key Digest, jobID string) uint64 {
	h := blake3.New()
	_, _ = h.WriteString("jobsplit seed")
	_, _ = h.Write(key[:])
	_, _ = h.WriteString(jobID)
	var sum [8]byte
	copy(sum[:], h.Sum(nil))
	return binary.LittleEndian.Uint64(sum[:])
}
