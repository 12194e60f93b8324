package balance

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
	"testing"
)

// TestAppendOneWinnerPerRecord has writers with stores of their own race
// to append records to one log: every record has exactly one winner, and
// every writer gets the records it asked for.
func TestAppendOneWinnerPerRecord(t *testing.T) {
	dir := t.TempDir()
	const writers, each = 4, 25
	won := make([][]int, writers)
	var wg sync.WaitGroup
	for w := range writers {
		st, err := openStore(dir, "d")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.mkdir(claimDir + "/0"); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; len(won[w]) < each; n++ {
				mine := []byte(fmt.Sprintf("writer %d record %d\n", w, len(won[w])))
				ok, got, err := st.append(claimName(0, n), mine)
				if err != nil {
					t.Error(err)
					return
				}
				if ok != bytes.Equal(got, mine) {
					t.Errorf("record %d: won %v, but it holds %q", n, ok, got)
				}
				if ok {
					won[w] = append(won[w], n)
				}
			}
		}()
	}
	wg.Wait()
	seen := map[int]int{}
	for w, ns := range won {
		for _, n := range ns {
			if other, dup := seen[n]; dup {
				t.Errorf("record %d won by writers %d and %d", n, other, w)
			}
			seen[n] = w
		}
	}
	for n := range writers * each {
		if _, ok := seen[n]; !ok {
			t.Errorf("record %d has no winner", n)
		}
	}
}

// TestAppendLoserReadsWinner checks that a writer that finds the name taken
// learns its content and does not count as the owner.
func TestAppendLoserReadsWinner(t *testing.T) {
	st, err := openStore(t.TempDir(), "d")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := st.append(planFile, []byte("first\n")); !ok || err != nil {
		t.Fatalf("first append: won %v, %v", ok, err)
	}
	ok, got, err := st.append(planFile, []byte("second\n"))
	if ok || err != nil || string(got) != "first\n" {
		t.Errorf("second append: won %v, got %q, %v", ok, got, err)
	}
}

func TestOpenStoreRejectsPaths(t *testing.T) {
	for _, digest := range []string{"", ".", "..", "a/b", "../x"} {
		t.Run(strconv.Quote(digest), func(t *testing.T) {
			if _, err := openStore(t.TempDir(), digest); err == nil {
				t.Errorf("digest %q accepted as a folder name", digest)
			}
		})
	}
}
