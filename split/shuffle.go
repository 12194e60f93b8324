package split

import (
	"encoding/binary"
	"math/bits"
)

// rng is xoshiro256**, written out here so that the shuffle never changes
// with the Go version (math/rand's algorithms may).
type rng struct{ s [4]uint64 }

func newRNG(seed Digest) *rng {
	r := &rng{}
	for i := range r.s {
		r.s[i] = binary.LittleEndian.Uint64(seed[i*8:])
	}
	if r.s == [4]uint64{} {
		r.s[0] = 1
	}
	return r
}

func (r *rng) next() uint64 {
	s := &r.s
	result := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return result
}

// below returns a uniform number in [0, n) by Lemire's multiply-and-reject
// method, exact on every architecture.
func (r *rng) below(n uint64) uint64 {
	hi, lo := bits.Mul64(r.next(), n)
	if lo < n {
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(r.next(), n)
		}
	}
	return hi
}

// Shuffle returns a permutation of 0..n-1 drawn by Fisher-Yates from a
// generator seeded with the digest.
func Shuffle(n int, seed Digest) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	r := newRNG(seed)
	for i := n - 1; i > 0; i-- {
		j := int(r.below(uint64(i + 1)))
		order[i], order[j] = order[j], order[i]
	}
	return order
}
