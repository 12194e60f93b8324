package split

import (
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/zeebo/blake3"
	"pgregory.net/rapid"
)

// seedOf is the digest the tests use for a text seed.
func seedOf(text string) Digest {
	d := NewDigester()
	d.String(text)
	return d.Sum()
}

// TestGoldenRNG checks the generator against the published xoshiro256**
// reference sequence for the state {1, 2, 3, 4}.
func TestGoldenRNG(t *testing.T) {
	r := &rng{s: [4]uint64{1, 2, 3, 4}}
	want := []uint64{11520, 0, 1509978240, 1215971899390074240}
	for i, w := range want {
		if got := r.next(); got != w {
			t.Fatalf("output %d = %d, want %d", i, got, w)
		}
	}
}

func TestNewRNGZeroSeed(t *testing.T) {
	// An all-zero state would make xoshiro output zeros forever.
	r := newRNG(Digest{})
	nonzero := false
	for range 8 {
		nonzero = nonzero || r.next() != 0
	}
	if !nonzero {
		t.Fatal("the zero digest seeds a generator stuck at zero")
	}
}

// TestGoldenShuffle pins the exact permutations of a few sizes and seeds:
// any change to the generator or the shuffle shows up here.
func TestGoldenShuffle(t *testing.T) {
	var ones Digest
	for i := range ones {
		ones[i] = 0xff
	}
	seeds := []struct {
		name string
		d    Digest
	}{
		{"zero", Digest{}},
		{"ones", ones},
		{"alpha", seedOf("alpha")},
		{"beta", seedOf("beta")},
	}
	var out strings.Builder
	for _, s := range seeds {
		for _, n := range []int{0, 1, 2, 3, 5, 10, 33} {
			fmt.Fprintf(&out, "%s n=%d:", s.name, n)
			for _, j := range Shuffle(n, s.d) {
				fmt.Fprintf(&out, " %d", j)
			}
			out.WriteByte('\n')
		}
		// Large sizes as a hash of the sequence, to keep the file small.
		for _, n := range []int{1000, 100_000} {
			h := blake3.New()
			for _, j := range Shuffle(n, s.d) {
				fmt.Fprintf(h, "%d,", j)
			}
			fmt.Fprintf(&out, "%s n=%d: blake3 %s\n", s.name, n, hex.EncodeToString(h.Sum(nil)))
		}
	}
	// below's rejection loop runs often for n just past 2^63.
	for _, n := range []uint64{1, 7, 1 << 32, 1<<63 + 1, math.MaxUint64} {
		r := newRNG(seedOf("below"))
		fmt.Fprintf(&out, "below(%d):", n)
		for range 6 {
			fmt.Fprintf(&out, " %d", r.below(n))
		}
		out.WriteByte('\n')
	}
	checkGolden(t, "testdata/shuffle.golden", []byte(out.String()))
}

func TestPropertyShuffleIsPermutation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 2000).Draw(t, "n")
		var seed Digest
		copy(seed[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "seed"))
		order := Shuffle(n, seed)
		if len(order) != n {
			t.Fatalf("Shuffle(%d) has %d elements", n, len(order))
		}
		seen := make([]bool, n)
		for _, j := range order {
			if j < 0 || int(j) >= n || seen[j] {
				t.Fatalf("Shuffle(%d) is not a permutation: %v", n, order)
			}
			seen[j] = true
		}
		again := Shuffle(n, seed)
		for i := range order {
			if order[i] != again[i] {
				t.Fatalf("Shuffle(%d) differs between two calls at %d", n, i)
			}
		}
	})
}

func TestPropertyBelowInRange(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.OneOf(
			rapid.Uint64Range(1, 1000),
			rapid.Uint64Range(1<<63, math.MaxUint64),
			rapid.Uint64Min(1),
		).Draw(t, "n")
		r := newRNG(seedOf(rapid.String().Draw(t, "seed")))
		for range 20 {
			if v := r.below(n); v >= n {
				t.Fatalf("below(%d) = %d", n, v)
			}
		}
	})
}

// TestShuffleUsesSeed checks that different digests give different orders:
// a shuffle that ignored its seed would pass every other test.
func TestShuffleUsesSeed(t *testing.T) {
	a, b := Shuffle(50, seedOf("a")), Shuffle(50, seedOf("b"))
	same := true
	for i := range a {
		same = same && a[i] == b[i]
	}
	if same {
		t.Fatal("two digests shuffle 50 jobs identically")
	}
	identity := true
	for i, j := range a {
		identity = identity && int(j) == i
	}
	if identity {
		t.Fatal("Shuffle(50) left the jobs in order")
	}
}

// TestShuffleUniform is a coarse check that every job reaches every
// position about equally often over many digests: a biased Fisher-Yates
// (j drawn from [0, n) instead of [0, i]) fails it. The seeds are digests,
// as in real use: xoshiro's first outputs are poor for a low-entropy state.
func TestShuffleUniform(t *testing.T) {
	const n, rounds = 4, 24000
	var counts [n][n]int
	for r := range rounds {
		for pos, j := range Shuffle(n, seedOf(fmt.Sprint(r))) {
			counts[pos][j]++
		}
	}
	const want = rounds / n
	for pos := range counts {
		for j, c := range counts[pos] {
			if c < want*9/10 || c > want*11/10 {
				t.Errorf("job %d landed at position %d %d times of %d, want about %d", j, pos, c, rounds, want)
			}
		}
	}
}
