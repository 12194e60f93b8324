package results

import (
	"fmt"
	"testing"
)

// TestFindGuessesPlanOrder: rows that follow plan order, with gaps, jumps
// back, repeats and ids not in the plan, find the job the index finds,
// and runs in plan order are found by guessing.
func TestFindGuessesPlanOrder(t *testing.T) {
	t.Run("one id at a time", func(t *testing.T) { testFindGuesses(t, func(l listedJobs) PlanSource { return l }) })
	t.Run("a block at once", func(t *testing.T) { testFindGuesses(t, func(l listedJobs) PlanSource { return blockJobs{l} }) })
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

func testFindGuesses(t *testing.T, source func(listedJobs) PlanSource) {
	n := 3*guessBlock + 7
	plan := make([]string, n)
	jobs := make(listedJobs, n)
	for j := range plan {
		plan[j] = fmt.Sprintf("j%d", (j*7919)%n)
		jobs[j] = PlannedJob{ID: plan[j]}
	}
	ix, err := buildIndex(source(jobs))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for j := range n { // the whole plan in order, across every block
		rows = append(rows, plan[j])
	}
	rows = append(rows, "nope", plan[5], plan[6], plan[7], "nope", plan[8], plan[8], plan[9], plan[n-1], plan[0], plan[1])
	for j := 2*guessBlock - 3; j < 2*guessBlock+3; j++ { // a jump back across a block's edge
		rows = append(rows, plan[j])
	}
	w := &worker{c: &collector{src: source(jobs), ix: ix}}
	guessed := 0
	var buf []byte
	for i, id := range rows {
		before := w.guess.streak >= guessAfter
		got, ok := w.find(id)
		want, wantOK := ix.lookup(id, &buf)
		if got != want || ok != wantOK {
			t.Fatalf("row %d (%s): find = %d, %v; the index says %d, %v", i, id, got, ok, want, wantOK)
		}
		if before && w.guess.streak >= guessAfter {
			guessed++
		}
	}
	if guessed < n-guessAfter-1 {
		t.Fatalf("%d of %d rows in plan order guessed", guessed, n)
	}
}
