package machines

import (
	"math"
	"runtime"
	"slices"
	"time"
)

// ReferenceOpsPerSec is the benchmark speed, in operations per second on
// one thread, that counts as perf 1.0. It is fixed, so that numbers
// measured on different machines compare; it is the speed of one core of
// the AMD EPYC server jobsplit's benchmark was calibrated on (Go 1.26,
// linux/amd64).
const ReferenceOpsPerSec = 80000

// Speed is a measured single-thread speed.
type Speed struct {
	// OpsPerSec is the fastest round's speed.
	OpsPerSec float64
	// Rounds are each round's operations per second, in order.
	Rounds []float64
}

// Perf is the speed relative to ReferenceOpsPerSec: machines.json's perf.
func (s Speed) Perf() float64 { return s.OpsPerSec / ReferenceOpsPerSec }

// Spread is (fastest - slowest) / OpsPerSec: how noisy the rounds were.
func (s Speed) Spread() float64 {
	if len(s.Rounds) == 0 || s.OpsPerSec == 0 {
		return 0
	}
	return (slices.Max(s.Rounds) - slices.Min(s.Rounds)) / s.OpsPerSec
}

// MeasureSpeed runs the benchmark on one thread for about d: a short
// warm-up, then rounds of about 100ms (at least three), each counting
// operations per second of the CPU time it used. The fastest round is the
// speed: other processes can slow a round (sharing the core's caches, its
// hyperthread sibling, its memory bandwidth) but not speed it up, so the
// fastest round is the one closest to the core on its own, and it varies
// least from run to run.
func MeasureSpeed(d time.Duration) Speed {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w := newWorkload()
	rounds := max(int(d/roundLength), 3)
	length := d / time.Duration(rounds+1)
	w.runFor(min(length, 100*time.Millisecond)) // warm caches and clocks
	s := Speed{Rounds: make([]float64, rounds)}
	for i := range s.Rounds {
		s.Rounds[i] = w.runFor(length)
	}
	s.OpsPerSec = slices.Max(s.Rounds)
	return s
}

// roundLength is the length of one round: short enough that some rounds
// fall between other processes' bursts of work, long enough that the
// clocks' resolution does not matter.
const roundLength = 100 * time.Millisecond

// The benchmark's operation: a fixed mix of what simulations and data
// processing spend their time on, in pure Go (no assembly, no hardware
// hashing) so that it measures the core, not an instruction set extension:
// hashing bytes (integer multiply), sorting (branches), a chaotic float
// recurrence with square roots and divisions, and a dependent walk through
// a table larger than a level-1 cache (memory latency). It allocates
// nothing, so the garbage collector stays out of the measurement.
const (
	hashBytes  = 4096
	sortKeys   = 512
	floatSteps = 512
	walkTable  = 16384 // uint32s: 64 KiB
	walkSteps  = 1024
)

// workload is the benchmark's fixed input and scratch space.
type workload struct {
	bytes   []byte
	keys    []uint32
	scratch []uint32
	table   []uint32
	sum     uint64
}

// newWorkload fills the inputs from a fixed seed: the work is the same on
// every machine and every run.
func newWorkload() *workload {
	w := &workload{
		bytes:   make([]byte, hashBytes),
		keys:    make([]uint32, sortKeys),
		scratch: make([]uint32, sortKeys),
		table:   make([]uint32, walkTable),
	}
	state := uint64(0x9e3779b97f4a7c15)
	next := func() uint64 {
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		return state
	}
	for i := range w.bytes {
		w.bytes[i] = byte(next())
	}
	for i := range w.keys {
		w.keys[i] = uint32(next())
	}
	// One cycle through the whole table (Sattolo's shuffle), so that the
	// walk visits every entry before it repeats.
	for i := range w.table {
		w.table[i] = uint32(i)
	}
	for i := len(w.table) - 1; i > 0; i-- {
		j := int(next() % uint64(i))
		w.table[i], w.table[j] = w.table[j], w.table[i]
	}
	return w
}

// runFor runs operations for about d and returns operations per second of
// the CPU time they took where the system counts it finely (Linux, macOS),
// else of the time on the clock. CPU time leaves out the time other
// processes had the core, so a busy machine measures nearly as an idle one.
func (w *workload) runFor(d time.Duration) float64 {
	start := time.Now()
	cpuStart, cpuOK := threadCPUTime()
	ops := 0
	for {
		w.sum += w.op(uint64(ops))
		ops++
		if elapsed := time.Since(start); elapsed >= d {
			if cpuEnd, ok := threadCPUTime(); cpuOK && ok && cpuEnd > cpuStart {
				elapsed = cpuEnd - cpuStart
			}
			return float64(ops) / elapsed.Seconds()
		}
	}
}

// op runs one operation; its result depends on all of the work, so that
// none of it can be optimised away, and is the same on every machine.
func (w *workload) op(i uint64) uint64 {
	// FNV-1a over the bytes.
	h := uint64(14695981039346656037) ^ i
	for _, b := range w.bytes {
		h ^= uint64(b)
		h *= 1099511628211
	}
	copy(w.scratch, w.keys)
	slices.Sort(w.scratch)
	h ^= uint64(w.scratch[i%sortKeys])
	// The logistic map stays in (0, 1); the explicit float64 conversions
	// forbid fused multiply-adds, so every architecture rounds alike.
	x, s := 0.3+float64(i%7)*0.01, 0.0
	for range floatSteps {
		x = 3.9 * x * (1 - x)
		s += math.Sqrt(x)
		s = s / (1 + float64(s*1e-3))
	}
	h ^= math.Float64bits(s)
	at := uint32(i % walkTable)
	for range walkSteps {
		at = w.table[at]
	}
	return h ^ uint64(at)
}
