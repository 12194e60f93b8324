package results

import (
	"fmt"
	"testing"
)

// scannedList is an idList that offers its ids in another order, from
// the last to the first, with a k of no job between every four.
type scannedList struct{ idList }

func (l scannedList) ScanLen() int { return len(l.idList) * 5 / 4 }

func (l scannedList) ScanID(dst []byte, k int) ([]byte, int) {
	if k%5 == 4 {
		return dst, -1
	}
	j := len(l.idList) - 1 - (k - k/5)
	return append(dst, l.idList[j]...), j
}

// TestBuildIndexParallel: a source large enough to be indexed by several
// goroutines finds every job, read by position or in the order it offers,
// and a bad id gives the error a build in order gives, wherever it is.
func TestBuildIndexParallel(t *testing.T) {
	t.Run("by position", func(t *testing.T) { testBuildIndexParallel(t, func(l idList) IDSource { return l }) })
	t.Run("scanned", func(t *testing.T) { testBuildIndexParallel(t, func(l idList) IDSource { return scannedList{l} }) })
}

func testBuildIndexParallel(t *testing.T, source func(idList) IDSource) {
	n := 4 * parallelIndex
	ids := make(idList, n)
	for j := range ids {
		ids[j] = fmt.Sprintf("job-%d", j*7919%n)
	}
	ix, err := buildIndex(source(ids))
	if err != nil {
		t.Fatal(err)
	}
	var buf []byte
	for j, id := range ids {
		if got, ok := ix.lookup(id, &buf); !ok || int(got) != j {
			t.Fatalf("lookup(%q) = %d, %v; want %d", id, got, ok, j)
		}
	}
	if _, ok := ix.lookup("job-x", &buf); ok {
		t.Fatal("lookup found an id not in the source")
	}
	tests := []struct {
		name string
		bad  func(idList)
		want string
	}{
		{"duplicate across goroutines", func(l idList) { l[n-1] = l[3] }, fmt.Sprintf("has job id %q twice", ids[3])},
		{"duplicate within one", func(l idList) { l[11] = l[10] }, fmt.Sprintf("has job id %q twice", ids[10])},
		{"two duplicates: the first in order", func(l idList) { l[n-2] = l[n-3]; l[n/2+1] = l[0] }, fmt.Sprintf("has job id %q twice", ids[0])},
		{"empty id", func(l idList) { l[n/2+5] = ""; l[n-1] = "" }, fmt.Sprintf("job %d has an empty id", n/2+6)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := append(idList(nil), ids...)
			tt.bad(bad)
			if _, err := buildIndex(source(bad)); err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
		})
	}
}
