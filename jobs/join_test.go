package jobs

import (
	"os"
	"path/filepath"
	"testing"
)

// TestResultsPlanScan: the plan collect-results indexes gives every
// planned job once in pool order, with the id its plan position has, and
// the ids of a range of plan positions at once as one at a time.
func TestResultsPlanScan(t *testing.T) {
	dirs, err := filepath.Glob("testdata/sweep/*/jobsplit.toml")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no sweeps in testdata/sweep: %v", err)
	}
	for _, config := range dirs {
		t.Run(filepath.Base(filepath.Dir(config)), func(t *testing.T) {
			opts := Options{Config: config}
			if costs := filepath.Join(filepath.Dir(config), "costs.csv"); fileExists(costs) {
				opts.Costs = costs
			}
			s, err := Load(opts)
			if err != nil {
				t.Fatal(err)
			}
			src := s.ResultsPlan().Source.(*planJobs)
			if n := src.ScanLen(); n != s.Pool.Len() {
				t.Fatalf("ScanLen %d, want the pool's %d jobs", n, s.Pool.Len())
			}
			seen := make([]bool, src.Len())
			for k := range src.ScanLen() {
				id, j := src.ScanID(nil, k)
				if j < 0 {
					continue
				}
				if want := string(src.AppendID(nil, j)); string(id) != want || seen[j] {
					t.Fatalf("ScanID(%d) = %q at plan position %d (seen before: %v), which holds %q", k, id, j, seen[j], want)
				}
				seen[j] = true
			}
			for j, ok := range seen {
				if !ok {
					t.Fatalf("plan position %d not scanned", j)
				}
			}
			for lo := range src.Len() { // ranges of 1 to 5 jobs, across shares
				hi := min(src.Len(), lo+1+lo%5)
				ids, ends := src.AppendIDs(nil, nil, lo, hi)
				start := 0
				for k, end := range ends {
					if got, want := string(ids[start:end]), string(src.AppendID(nil, lo+k)); got != want {
						t.Fatalf("AppendIDs(%d, %d): id %d is %q, want %q", lo, hi, k, got, want)
					}
					start = end
				}
				if len(ends) != hi-lo {
					t.Fatalf("AppendIDs(%d, %d) gave %d ids", lo, hi, len(ends))
				}
			}
		})
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
