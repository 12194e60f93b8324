package results

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestReadDoneLargePool: a pool large enough to be merged in parts gives
// what taking every row in file order gives, whether its ids are in order
// (parts), out of order in a later part (the index), or has an empty id
// there (an error, as one walk finds it).
func TestReadDoneLargePool(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const jobs = 4*parallelMerge + 123
	r := rand.New(rand.NewPCG(7, 8))
	pool := make(idList, jobs)
	for j := range pool {
		pool[j] = fmt.Sprintf("j%07d", j)
	}
	var file strings.Builder
	file.WriteString(strings.Join(FixedColumns(), ",") + ",a\n")
	n := 0
	want := map[string]jobRows{}
	statuses := []Status{StatusOK, StatusFailed, StatusTimeout, StatusInterrupted}
	for range jobs {
		// Some ids fall between the pool's, before and after them all, on
		// the parts' edges and in the middle.
		id := pool[r.IntN(jobs)]
		switch r.IntN(50) {
		case 0:
			id += "x"
		case 1:
			id = "a"
		case 2:
			id = "z"
		case 3:
			id = pool[jobs*(1+r.IntN(3))/4]
		}
		status, attempt, started := statuses[r.IntN(len(statuses))], 1+r.IntN(3), base.Add(time.Duration(r.IntN(3))*time.Second)
		fmt.Fprintf(&file, "%s,alpha,%s,0,%d,%s,1.000,d1,x\n", id, status, attempt, formatTime(started))
		n++
		if strings.HasPrefix(id, "j") && !strings.HasSuffix(id, "x") {
			k := rowKey{started: started.UnixNano(), attempt: attempt, status: uint8(statusCode(status))}
			state := want[id]
			state.take(&k)
			want[id] = state
		}
	}
	path := filepath.Join(t.TempDir(), "alpha.csv")
	if err := os.WriteFile(path, []byte(file.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	wantStates := map[string]JobState{}
	for id, s := range want {
		wantStates[id] = JobState{Status: statusOfCode(uint64(s.status - 1)), Attempts: s.attempts, LastAttempt: s.last}
	}
	swapped := append(idList(nil), pool...)
	swapped[jobs*3/4], swapped[jobs*3/4+1] = swapped[jobs*3/4+1], swapped[jobs*3/4]
	// The third of four parts starts at job jobs/2: two ids swapped
	// across its edge are out of order only there.
	edge := append(idList(nil), pool...)
	edge[jobs/2-1], edge[jobs/2] = edge[jobs/2], edge[jobs/2-1]
	for _, tc := range []struct {
		name string
		pool idList
	}{{"in order", pool}, {"out of order in a later part", swapped}, {"out of order across parts", edge}} {
		t.Run(tc.name, func(t *testing.T) {
			done, err := ReadDone(path, tc.pool)
			if err != nil {
				t.Fatal(err)
			}
			if got := doneJobs(t, done, tc.pool); !maps.Equal(got, wantStates) {
				t.Errorf("%d jobs with rows, want %d; they differ", len(got), len(wantStates))
			}
			if outside := n - sumAttempts(wantStates); done.Outside != outside {
				t.Errorf("%d rows outside the pool, want %d", done.Outside, outside)
			}
		})
	}
	t.Run("an empty id in a later part", func(t *testing.T) {
		empty := append(idList(nil), pool...)
		empty[jobs*3/4] = ""
		_, err := ReadDone(path, empty)
		if want := fmt.Sprintf("job %d has an empty id", jobs*3/4+1); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
	})
}

func sumAttempts(states map[string]JobState) int {
	n := 0
	for _, s := range states {
		n += s.Attempts
	}
	return n
}
