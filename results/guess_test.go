package results

import (
	"fmt"
	"testing"
)

// TestFindGuessesPlanOrder: rows that follow plan order, with gaps, jumps
// back, repeats and ids not in the plan, find the job the index finds,
// and runs in plan order are found by guessing: with no index at all
// while every row is a machine's first, the one after the row before or
// a retry of it.
func TestFindGuessesPlanOrder(t *testing.T) {
	for _, lazy := range []bool{false, true} {
		t.Run(fmt.Sprintf("one id at a time, lazy %v", lazy), func(t *testing.T) {
			testFindGuesses(t, func(l listedJobs) PlanSource { return l }, lazy)
		})
		t.Run(fmt.Sprintf("a block at once, lazy %v", lazy), func(t *testing.T) {
			testFindGuesses(t, func(l listedJobs) PlanSource { return blockJobs{l} }, lazy)
		})
	}
}

// blockJobs is a plan that appends a block of ids at once.
type blockJobs struct{ listedJobs }

func (b blockJobs) AppendIDs(dst []byte, ends []int, lo, hi int) ([]byte, []int) {
	for j := lo; j < hi; j++ {
		dst = append(dst, b.listedJobs[j].ID...)
		ends = append(ends, len(dst))
	}
	return dst, ends
}

func testFindGuesses(t *testing.T, source func(listedJobs) PlanSource, lazy bool) {
	n := 3*guessBlock + 7
	jobs := make(listedJobs, n)
	for j := range jobs {
		jobs[j] = PlannedJob{ID: fmt.Sprintf("j%d", (j*7919)%n), Machine: fmt.Sprintf("m%d", j*3/n)}
	}
	ref, err := buildIndex(jobs)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ id, machine string }
	var rows []row
	add := func(j int) { rows = append(rows, row{jobs[j].ID, jobs[j].Machine}) }
	for _, m := range []string{"m1", "m0", "m2"} { // each machine's share in order, m1's first
		for k := range jobs {
			if jobs[k].Machine == m {
				add(k)
				if k%100 == 7 { // a retry
					add(k)
				}
			}
		}
	}
	inOrder := len(rows)
	rows = append(rows, row{"nope", "m0"})
	for _, j := range []int{5, 6, 7, 8, 8, 9, n - 1, 0, 1} {
		add(j)
	}
	rows = append(rows, row{"nope", "m1"})
	for j := 2*guessBlock - 3; j < 2*guessBlock+3; j++ { // a jump back across a block's edge
		add(j)
	}
	src := source(jobs)
	c := &collector{src: src, ix: &lazyIndex{src: src}, starts: machineStarts(src)}
	if !lazy {
		if _, err := c.ix.get(); err != nil {
			t.Fatal(err)
		}
	}
	w := &worker{c: c}
	guessed := 0
	var buf []byte
	for i, r := range rows {
		if lazy && i == inOrder && c.ix.built() != nil {
			t.Fatalf("the index was built for rows in plan order")
		}
		before := w.guess.streak >= guessAfter
		got, ok, err := w.find(r.id, r.machine)
		want, wantOK := ref.lookup(r.id, &buf)
		if err != nil || got != want || ok != wantOK {
			t.Fatalf("row %d (%s): find = %d, %v, %v; the index says %d, %v", i, r.id, got, ok, err, want, wantOK)
		}
		if before && w.guess.streak >= guessAfter {
			guessed++
		}
	}
	if !lazy && guessed < n-3*(guessAfter+1) {
		t.Fatalf("%d of %d rows in plan order guessed", guessed, n)
	}
}
