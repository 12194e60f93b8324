package machines

import (
	"slices"
	"testing"
	"time"
)

// TestWorkloadIsFixed pins the benchmark's work: the same operations give
// the same checksum on every architecture (GOARCH=386 go test and arm64
// under qemu agree), so that every machine measures the same thing. A
// change to the workload changes this number, and then ReferenceOpsPerSec
// must be calibrated again.
func TestWorkloadIsFixed(t *testing.T) {
	w := newWorkload()
	var sum uint64
	for i := range uint64(20) {
		sum = sum*31 + w.op(i)
	}
	if want := uint64(0xc449e0e28f3b6470); sum != want {
		t.Errorf("checksum %#x, want %#x", sum, want)
	}
}

func TestMeasureSpeed(t *testing.T) {
	s := MeasureSpeed(30 * time.Millisecond)
	if len(s.Rounds) != 3 {
		t.Fatalf("%d rounds, want at least 3", len(s.Rounds))
	}
	for i, r := range s.Rounds {
		if !(r > 0) {
			t.Errorf("round %d: %g ops/s", i, r)
		}
	}
	if s.OpsPerSec != slices.Max(s.Rounds) || !(s.Perf() > 0) {
		t.Errorf("speed %g ops/s, perf %g, from rounds %v", s.OpsPerSec, s.Perf(), s.Rounds)
	}
}
