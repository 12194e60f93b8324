package pool

import (
	"fmt"
	"strings"
	"testing"
)

// TestAppendIDs: the ids of many jobs at once, in any order and across
// batches, are those AppendID gives one at a time, whatever the pool's
// kind and wherever its ids are.
func TestAppendIDs(t *testing.T) {
	many := func(header, format string) string {
		var b strings.Builder
		b.WriteString(header)
		for i := range 300 {
			fmt.Fprintf(&b, format, (i*7)%300, i)
		}
		return b.String()
	}
	tests := []struct {
		name, text string
		read       func(string) (*Pool, error)
	}{
		{"id first", many("id,x\n", "j%03d,%d\n"), readCSV},
		{"quoted ids", many("id,x\n", "\"j,%03d\",%d\n"), readCSV},
		{"id last", many("x,id\n", "%[2]d,j%03[1]d\n"), readCSV},
		{"last row without newline", "id,x\nb,1\na,2", readCSV},
		{"hashed", many("x,y\n", "%d,%d\n"), readCSV},
		{"lines", many("", "run %d %d\n"), func(s string) (*Pool, error) { return ReadLines(strings.NewReader(s), "jobs.txt") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.read(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			var idx []int32
			for i := range p.Len() {
				idx = append(idx, int32((i*13)%p.Len()))
			}
			ids, ends := p.AppendIDs([]byte("x"), []int{0}, idx)
			start := 1
			for k, i := range idx {
				want := string(p.AppendID(nil, int(i)))
				if got := string(ids[start:ends[k+1]]); got != want {
					t.Fatalf("id %d of the batch (job %d) = %q, want %q", k, i, got, want)
				}
				start = ends[k+1]
			}
			if len(ends) != len(idx)+1 || start != len(ids) {
				t.Fatalf("%d ends for %d ids, the last at %d of %d bytes", len(ends)-1, len(idx), start, len(ids))
			}
		})
	}
}

func readCSV(s string) (*Pool, error) { return ReadCSV(strings.NewReader(s), "jobs.csv") }
