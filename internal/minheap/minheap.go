// Package minheap is a binary min-heap of any element type, ordered by a
// function. container/heap would box every element pushed: an allocation
// per job of a big share, per attempt of a big report.
package minheap

// Heap holds elements, the least (by its less) on top. The zero Heap is
// unusable: make one with New.
type Heap[T any] struct {
	items []T
	less  func(a, b T) bool
}

// New is an empty heap ordered by less.
func New[T any](less func(a, b T) bool) Heap[T] { return Heap[T]{less: less} }

// Len is how many elements the heap holds.
func (h *Heap[T]) Len() int { return len(h.items) }

// Top is the least element; the heap must not be empty.
func (h *Heap[T]) Top() T { return h.items[0] }

// Reset empties the heap, keeping its room.
func (h *Heap[T]) Reset() { h.items = h.items[:0] }

// Push adds an element.
func (h *Heap[T]) Push(v T) {
	h.items = append(h.items, v)
	s := h.items
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(s[i], s[p]) {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

// Pop removes and returns the least element; the heap must not be empty.
func (h *Heap[T]) Pop() T {
	s := h.items
	top := s[0]
	s[0] = s[len(s)-1]
	s = s[:len(s)-1]
	h.items = s
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < len(s) && h.less(s[l], s[small]) {
			small = l
		}
		if l+1 < len(s) && h.less(s[l+1], s[small]) {
			small = l + 1
		}
		if small == i {
			return top
		}
		s[i], s[small] = s[small], s[i]
		i = small
	}
}
