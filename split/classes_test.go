package split

import (
	"math/big"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestMakeClassedProperties plans random classes of jobs onto random
// machines and checks that every job is planned once, only onto a machine
// of its class; that each class is cut within one job of proportional;
// that each share runs by priority, then in plan order; and that the same
// inputs plan the same.
func TestMakeClassedProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nBins := rapid.IntRange(1, 5).Draw(t, "machines")
		bins := make([]Bin, nBins)
		for b := range bins {
			w := big.NewRat(int64(rapid.IntRange(1, 64).Draw(t, "weight")), 1)
			bins[b] = Bin{Name: string(rune('a' + b)), Weight: w, Perf: big.NewRat(1, 1)}
		}
		nClasses := rapid.IntRange(1, 4).Draw(t, "classes")
		weights := make([][]*big.Rat, nClasses)
		for c := range weights {
			weights[c] = make([]*big.Rat, nBins)
			for b := range weights[c] {
				weights[c][b] = new(big.Rat)
				if b == c%nBins || rapid.Bool().Draw(t, "capable") {
					weights[c][b].SetFrac64(int64(rapid.IntRange(1, 20).Draw(t, "class weight")), int64(rapid.IntRange(1, 4).Draw(t, "per job")))
				}
			}
		}
		n := rapid.IntRange(0, 200).Draw(t, "jobs")
		class := make([]int, n)
		priority := make([]int64, n)
		for i := range class {
			class[i] = rapid.IntRange(0, nClasses-1).Draw(t, "class")
			priority[i] = int64(rapid.IntRange(-1, 2).Draw(t, "priority"))
		}
		var digest Digest
		digest[0] = byte(rapid.IntRange(0, 255).Draw(t, "digest"))
		spec := Classes{Of: func(i int) int { return class[i] }, Weights: weights, Priority: func(i int) int64 { return priority[i] }}
		p, err := MakeClassed(digest, n, bins, Proportional, nil, spec)
		if err != nil {
			t.Fatal(err)
		}
		position := make([]int, n)
		for at, job := range Shuffle(n, digest) {
			position[job] = at
		}
		seen := make([]bool, n)
		for b, share := range p.Shares {
			for k, job := range share.Jobs {
				if seen[job] {
					t.Fatalf("job %d planned twice", job)
				}
				seen[job] = true
				if weights[class[job]][b].Sign() == 0 {
					t.Fatalf("job %d of class %d planned on %s, which cannot run it", job, class[job], share.Machine)
				}
				if k > 0 {
					prev := share.Jobs[k-1]
					if priority[prev] < priority[job] || priority[prev] == priority[job] && position[prev] > position[job] {
						t.Fatalf("%s runs job %d (priority %d) before %d (priority %d)", share.Machine, prev, priority[prev], job, priority[job])
					}
				}
			}
		}
		if slices.Contains(seen, false) {
			t.Fatal("a job was not planned")
		}
		for c := range weights {
			size := 0
			total := new(big.Rat)
			for i := range class {
				if class[i] == c {
					size++
				}
			}
			for _, w := range weights[c] {
				total.Add(total, w)
			}
			for b, share := range p.Shares {
				quota := new(big.Rat).Mul(big.NewRat(int64(size), 1), weights[c][b])
				quota.Quo(quota, total)
				diff := new(big.Rat).Sub(big.NewRat(int64(share.PerClass[c]), 1), quota)
				if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
					t.Fatalf("class %d: %s got %d jobs, quota %s", c, share.Machine, share.PerClass[c], quota.FloatString(2))
				}
			}
		}
		again, _ := MakeClassed(digest, n, bins, Proportional, nil, spec)
		for b := range p.Shares {
			if !slices.Equal(p.Shares[b].Jobs, again.Shares[b].Jobs) {
				t.Fatal("the same inputs planned differently")
			}
		}
	})
}

// TestMakeClassedCost checks the cost strategy per class: no job on a
// machine of another class, and longest first within each priority.
func TestMakeClassedCost(t *testing.T) {
	bins := bins("4", "2")
	costs := []float64{5, 1, 9, 3, 7, 2}
	class := []int{0, 0, 1, 1, 0, 1}
	priority := []int64{0, 1, 0, 0, 1, 0}
	weights := [][]*big.Rat{{big.NewRat(4, 1), big.NewRat(2, 1)}, {new(big.Rat), big.NewRat(1, 1)}}
	p, err := MakeClassed(Digest{}, len(costs), bins, Cost, costs, Classes{
		Of: func(i int) int { return class[i] }, Weights: weights, Priority: func(i int) int64 { return priority[i] },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, job := range p.Shares[0].Jobs {
		if class[job] == 1 {
			t.Errorf("job %d of class 1 planned on m0", job)
		}
	}
	for _, share := range p.Shares {
		for k := 1; k < len(share.Jobs); k++ {
			a, b := share.Jobs[k-1], share.Jobs[k]
			if priority[a] < priority[b] || priority[a] == priority[b] && costs[a] < costs[b] {
				t.Errorf("%s runs %d (cost %g, priority %d) before %d (cost %g, priority %d)", share.Machine, a, costs[a], priority[a], b, costs[b], priority[b])
			}
		}
	}
	if p.Makespan() < p.Ideal {
		t.Errorf("makespan %g below the lower bound %g", p.Makespan(), p.Ideal)
	}
}

func TestMakeClassedRefusesAClassWithoutMachines(t *testing.T) {
	_, err := MakeClassed(Digest{}, 1, bins("1"), Proportional, nil, Classes{
		Of: func(int) int { return 0 }, Weights: [][]*big.Rat{{new(big.Rat)}},
	})
	if err == nil || err.Error() != "class 0: no machine can run its jobs" {
		t.Errorf("error = %v", err)
	}
}
