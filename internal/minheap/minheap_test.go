package minheap

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestHeapSorts: whatever is pushed comes out least first, pushes and pops
// interleaved, duplicates and a reset included.
func TestHeapSorts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	h := New(func(a, b int) bool { return a < b })
	for round := range 50 {
		h.Reset()
		var held []int
		for range rng.IntN(200) {
			if rng.IntN(3) == 0 && h.Len() > 0 {
				slices.Sort(held)
				if got := h.Pop(); got != held[0] {
					t.Fatalf("round %d: popped %d, want %d", round, got, held[0])
				}
				held = held[1:]
				continue
			}
			v := rng.IntN(50)
			h.Push(v)
			held = append(held, v)
		}
		slices.Sort(held)
		for _, want := range held {
			if top := h.Top(); top != want {
				t.Fatalf("round %d: top %d, want %d", round, top, want)
			}
			if got := h.Pop(); got != want {
				t.Fatalf("round %d: popped %d, want %d", round, got, want)
			}
		}
		if h.Len() != 0 {
			t.Fatalf("round %d: %d left", round, h.Len())
		}
	}
}
