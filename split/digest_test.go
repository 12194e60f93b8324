package split

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestGoldenDigest pins the canonical encoding: the same writes must give
// the same digest on every architecture and Go version.
func TestGoldenDigest(t *testing.T) {
	var out strings.Builder
	write := func(name string, f func(d *Digester)) {
		d := NewDigester()
		f(d)
		sum := d.Sum()
		fmt.Fprintf(&out, "%s: %s %s\n", name, sum.Short(), sum)
	}
	write("empty", func(*Digester) {})
	write("string", func(d *Digester) { d.String("alpha") })
	write("empty string", func(d *Digester) { d.String("") })
	write("uint 0", func(d *Digester) { d.Uint(0) })
	write("uint 300", func(d *Digester) { d.Uint(300) })
	write("uint max", func(d *Digester) { d.Uint(1<<64 - 1) })
	write("rat 3/2", func(d *Digester) { d.Rat(big.NewRat(3, 2)) })
	write("rat 6/4", func(d *Digester) { d.Rat(big.NewRat(6, 4)) })
	write("rat 8", func(d *Digester) { d.Rat(big.NewRat(8, 1)) })
	write("unicode", func(d *Digester) { d.String("héllo, 世界\n") })
	for _, id := range []string{"", "001", "job-42"} {
		fmt.Fprintf(&out, "seed %q: %d\n", id, Seed(seedOf("key"), id))
	}
	checkGolden(t, "testdata/digest.golden", []byte(out.String()))
}

func TestDigestShort(t *testing.T) {
	d := seedOf("x")
	if len(d.Short()) != 12 || !strings.HasPrefix(d.String(), d.Short()) || len(d.String()) != 64 {
		t.Errorf("Short %q, String %q: want a 12-digit prefix of 64 hex digits", d.Short(), d)
	}
}

// TestPropertyDigestLengthPrefixed checks that moving a boundary between two
// strings changes the digest: ("ab", "c") and ("a", "bc") must differ.
func TestPropertyDigestLengthPrefixed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringN(1, 20, -1).Draw(t, "s")
		i := rapid.IntRange(0, len(s)).Draw(t, "i")
		j := rapid.IntRange(0, len(s)).Draw(t, "j")
		if i == j {
			return
		}
		sum := func(k int) Digest {
			d := NewDigester()
			d.String(s[:k])
			d.String(s[k:])
			return d.Sum()
		}
		if sum(i) == sum(j) {
			t.Fatalf("%q split at %d and at %d digest alike", s, i, j)
		}
	})
}

func TestPropertySeedDistinct(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.String().Draw(t, "a")
		b := rapid.String().Draw(t, "b")
		key := seedOf(rapid.String().Draw(t, "key"))
		if Seed(key, a) != Seed(key, a) {
			t.Fatalf("Seed(%q) is not stable", a)
		}
		if a != b && Seed(key, a) == Seed(key, b) {
			t.Fatalf("jobs %q and %q share a seed", a, b)
		}
		if Seed(key, a) == Seed(seedOf("other"+key.String()), a) {
			t.Fatalf("the seed of %q ignores the key", a)
		}
	})
}
