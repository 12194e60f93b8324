package split

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// bins makes bins named m0, m1, ... from weights written as exact
// rationals ("3/2", "0.3333"); perf is the weight.
func bins(weights ...string) []Bin {
	out := make([]Bin, len(weights))
	for i, w := range weights {
		r, ok := new(big.Rat).SetString(w)
		if !ok {
			panic("bad weight " + w)
		}
		out[i] = Bin{Name: fmt.Sprintf("m%d", i), Weight: r, Perf: r}
	}
	return out
}

// TestGoldenApportion pins the largest-remainder counts of tricky weights;
// every expectation is worked out by hand in the comment.
func TestGoldenApportion(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		weights []string
		want    []int
	}{
		// 10/3 each: floors 3,3,3; equal remainders, the earliest wins.
		{"equal remainders earlier wins", 10, []string{"1", "1", "1"}, []int{4, 3, 3}},
		{"half each", 5, []string{"1", "1"}, []int{3, 2}},
		// quotas 1, 0.5, 0.5: the tie between m1 and m2 goes to m1.
		{"tie after a whole share", 2, []string{"2", "1", "1"}, []int{1, 1, 0}},
		// 100*1.5/1.8333 = 81.82, 100*0.3333/1.8333 = 18.18.
		{"fractional perfs", 100, []string{"1.5", "0.3333"}, []int{82, 18}},
		// 1.5*2 = 3 and 0.3333*3 = 0.9999: quotas 7.5002, 2.4998.
		{"fractional perfs times cores", 10, []string{"3", "0.9999"}, []int{8, 2}},
		// exact 1/10, 2/10, 7/10 of 10: floats would give 0.999...
		{"exact tenths", 10, []string{"0.1", "0.2", "0.7"}, []int{1, 2, 7}},
		{"one machine", 7, []string{"2.5"}, []int{7}},
		// quotas 0.2 .. 1.0: floors 0,0,0,0,1; remainders .8 and .6 win.
		{"more machines than jobs", 3, []string{"1", "2", "3", "4", "5"}, []int{0, 0, 1, 1, 1}},
		{"more equal machines than jobs", 3, []string{"1", "1", "1", "1", "1"}, []int{1, 1, 1, 0, 0}},
		{"zero jobs", 0, []string{"1", "2", "3"}, []int{0, 0, 0}},
		{"one job", 1, []string{"1", "1.0001"}, []int{0, 1}},
		// 1e6 * 1/3 and 2/3: 333333.33, 666666.67.
		{"a million thirds", 1_000_000, []string{"1/3", "2/3"}, []int{333333, 666667}},
		{"tiny and huge weights", 3, []string{"0.000001", "1000000"}, []int{0, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Apportion(tt.n, bins(tt.weights...))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Apportion(%d, %v) = %v, want %v", tt.n, tt.weights, got, tt.want)
			}
		})
	}
}

// planCase is an input of TestGoldenPlan, read from testdata/plans.
type planCase struct {
	Seed     string    `json:"seed"`
	Jobs     int       `json:"jobs"`
	Strategy Strategy  `json:"strategy"`
	Costs    []float64 `json:"costs"`
	Machines []struct {
		Name   string `json:"name"`
		Weight string `json:"weight"`
		Perf   string `json:"perf"`
	} `json:"machines"`
	// Class, Priority and ClassWeights, when given, plan by MakeClassed:
	// each job's class and priority, each class's weight per machine.
	Class        []int      `json:"class"`
	Priority     []int64    `json:"priority"`
	ClassWeights [][]string `json:"class_weights"`
}

// formatPlan writes a plan as the golden files hold it. Floats are written
// in full ('g', -1) so that a one-bit difference on another architecture
// shows.
func formatPlan(p *Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digest %s\nstrategy %s\ntotal %d\nideal %s makespan %s\n",
		p.Digest, p.Strategy, p.Total, fmtFloat(p.Ideal), fmtFloat(p.Makespan()))
	for _, s := range p.Shares {
		fmt.Fprintf(&b, "machine %s weight %s count %d finish %s:", s.Machine, s.Weight.RatString(), len(s.Jobs), fmtFloat(s.Finish))
		if p.Classes > 0 {
			fmt.Fprintf(&b, " per class %v:", s.PerClass)
		}
		for _, j := range s.Jobs {
			fmt.Fprintf(&b, " %d", j)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// classes reads a case's classes.
func (c planCase) classes(t *testing.T) Classes {
	spec := Classes{Of: func(i int) int { return c.Class[i] }}
	if c.Priority != nil {
		spec.Priority = func(i int) int64 { return c.Priority[i] }
	}
	for _, row := range c.ClassWeights {
		var weights []*big.Rat
		for _, w := range row {
			r, ok := new(big.Rat).SetString(w)
			if !ok {
				t.Fatalf("bad class weight %q", w)
			}
			weights = append(weights, r)
		}
		spec.Weights = append(spec.Weights, weights)
	}
	return spec
}

// TestGoldenPlan plans every input of testdata/plans/*.json and compares the
// result with the .golden file beside it. Regenerate with
// go test ./split -run Golden -update.
func TestGoldenPlan(t *testing.T) {
	inputs, err := filepath.Glob("testdata/plans/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs in testdata/plans: %v", err)
	}
	for _, input := range inputs {
		name := strings.TrimSuffix(filepath.Base(input), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(input)
			if err != nil {
				t.Fatal(err)
			}
			var c planCase
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatalf("%s: %v", input, err)
			}
			var list []Bin
			for _, m := range c.Machines {
				w, ok1 := new(big.Rat).SetString(m.Weight)
				p, ok2 := new(big.Rat).SetString(m.Perf)
				if !ok1 || !ok2 {
					t.Fatalf("%s: bad weight or perf of %s", input, m.Name)
				}
				list = append(list, Bin{Name: m.Name, Weight: w, Perf: p})
			}
			var p *Plan
			if c.ClassWeights == nil {
				p, err = Make(seedOf(c.Seed), c.Jobs, list, c.Strategy, c.Costs)
			} else {
				p, err = MakeClassed(seedOf(c.Seed), c.Jobs, list, c.Strategy, c.Costs, c.classes(t))
			}
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, strings.TrimSuffix(input, ".json")+".golden", []byte(formatPlan(p)))
		})
	}
}

// TestCostStrategy checks finish times and the ideal makespan of small
// cost plans worked out by hand (longest job first onto the machine that
// finishes earliest, ties to the earlier machine).
func TestCostStrategy(t *testing.T) {
	tests := []struct {
		name       string
		weights    []string
		costs      []float64
		wantFinish []float64
		wantCounts []int
		wantIdeal  float64
	}{
		// 3->a, 3->b, 2->a (5), 2->b (5), 2->a (7); ideal 12/2.
		{"two equal machines", []string{"1", "1"}, []float64{2, 3, 2, 3, 2}, []float64{7, 5}, []int{3, 2}, 6},
		// weights 3 and 1: 4->a (4/3), 4->a (8/3 < 4), 1->a? (9/3=3 vs 1) -> b.
		{"weighted", []string{"3", "1"}, []float64{4, 4, 1}, []float64{8.0 / 3, 1}, []int{2, 1}, 9.0 / 4},
		// one long job: the ideal is the longest job on the fastest machine.
		{"longest job bounds the ideal", []string{"2", "1"}, []float64{10, 1, 1}, []float64{5, 2}, []int{1, 2}, 5},
		{"one machine", []string{"1.5"}, []float64{3, 3}, []float64{4}, []int{2}, 4},
		{"zero costs", []string{"1", "1"}, []float64{0, 0, 0}, []float64{0, 0}, []int{3, 0}, 0},
		{"no jobs", []string{"1", "1"}, nil, []float64{0, 0}, []int{0, 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Make(seedOf(tt.name), len(tt.costs), bins(tt.weights...), Cost, tt.costs)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range p.Shares {
				if s.Finish != tt.wantFinish[i] || len(s.Jobs) != tt.wantCounts[i] {
					t.Errorf("share %d: finish %v with %d jobs, want %v with %d", i, s.Finish, len(s.Jobs), tt.wantFinish[i], tt.wantCounts[i])
				}
			}
			if p.Ideal != tt.wantIdeal {
				t.Errorf("ideal %v, want %v", p.Ideal, tt.wantIdeal)
			}
			if want := slices.Max(tt.wantFinish); p.Makespan() != want {
				t.Errorf("makespan %v, want %v", p.Makespan(), want)
			}
		})
	}
}

func TestMakeErrors(t *testing.T) {
	tests := []struct {
		name     string
		bins     []Bin
		strategy Strategy
		costs    []float64
		want     string
	}{
		{"no machines", nil, Proportional, nil, "no machines to plan onto"},
		{"costs missing", bins("1"), Cost, []float64{1}, "cost strategy: 1 costs for 3 jobs"},
		{"unknown strategy", bins("1"), "fastest", nil, `unknown strategy "fastest"`},
		{"empty strategy", bins("1"), "", nil, `unknown strategy ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Make(seedOf("x"), 3, tt.bins, tt.strategy, tt.costs)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseStrategy(t *testing.T) {
	tests := []struct {
		in      string
		want    Strategy
		wantErr string
	}{
		{"", Proportional, ""},
		{"proportional", Proportional, ""},
		{"cost", Cost, ""},
		{"Cost", "", `unknown strategy "Cost": want "proportional" or "cost"`},
		{"fast", "", `unknown strategy "fast": want "proportional" or "cost"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseStrategy(tt.in)
			if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
				t.Errorf("ParseStrategy(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestPlanFor(t *testing.T) {
	p, err := Make(seedOf("for"), 10, bins("1", "3"), Proportional, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := p.For("m1")
	if !ok || s.Machine != "m1" || len(s.Jobs) != 7 {
		t.Errorf("For(m1) = %+v, %v; want m1's share of 7 jobs", s, ok)
	}
	if s, ok := p.For("m9"); ok || s != nil {
		t.Errorf("For(m9) = %+v, %v; want no share", s, ok)
	}
}

// drawBins draws 1 to 8 machines with weights p/q, p in 1..1000, q in 1..100.
func drawBins(t *rapid.T) []Bin {
	k := rapid.IntRange(1, 8).Draw(t, "machines")
	out := make([]Bin, k)
	for i := range out {
		num := rapid.Int64Range(1, 1000).Draw(t, "num")
		den := rapid.Int64Range(1, 100).Draw(t, "den")
		w := big.NewRat(num, den)
		out[i] = Bin{Name: fmt.Sprintf("m%d", i), Weight: w, Perf: w}
	}
	return out
}

// checkEveryJobOnce fails unless the shares hold each of 0..n-1 once.
func checkEveryJobOnce(t *rapid.T, p *Plan, n int) {
	seen := make([]int, n)
	for _, s := range p.Shares {
		for _, j := range s.Jobs {
			if j < 0 || int(j) >= n {
				t.Fatalf("job %d out of range 0..%d", j, n-1)
			}
			seen[j]++
		}
	}
	for j, c := range seen {
		if c != 1 {
			t.Fatalf("job %d is in %d shares, want 1", j, c)
		}
	}
}

func TestPropertyProportionalShares(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 3000).Draw(t, "jobs")
		list := drawBins(t)
		p, err := Make(seedOf(rapid.String().Draw(t, "seed")), n, list, Proportional, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkEveryJobOnce(t, p, n)
		total := new(big.Rat)
		for _, b := range list {
			total.Add(total, b.Weight)
		}
		for i, s := range p.Shares {
			// |count - n*w/W| < 1, exactly.
			exact := new(big.Rat).Mul(big.NewRat(int64(n), 1), list[i].Weight)
			exact.Quo(exact, total)
			diff := new(big.Rat).Sub(big.NewRat(int64(len(s.Jobs)), 1), exact)
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("share %d has %d jobs, exact %s", i, len(s.Jobs), exact.FloatString(3))
			}
		}
	})
}

// TestPropertyApportionOrderOfEqualMachines checks the tie rule: of two
// machines of equal weight, the earlier never gets fewer jobs.
func TestPropertyApportionOrderOfEqualMachines(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 100).Draw(t, "jobs")
		list := drawBins(t)
		counts := Apportion(n, list)
		for i := range list {
			for j := i + 1; j < len(list); j++ {
				if list[i].Weight.Cmp(list[j].Weight) == 0 && counts[i] < counts[j] {
					t.Fatalf("equal machines %d and %d got %d and %d jobs", i, j, counts[i], counts[j])
				}
			}
		}
	})
}

func TestPropertyCostAssignsEveryJobOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 500).Draw(t, "jobs")
		list := drawBins(t)
		costs := make([]float64, n)
		for i := range costs {
			costs[i] = float64(rapid.IntRange(0, 100).Draw(t, "cost")) / 4
		}
		p, err := Make(seedOf(rapid.String().Draw(t, "seed")), n, list, Cost, costs)
		if err != nil {
			t.Fatal(err)
		}
		checkEveryJobOnce(t, p, n)
		// No split beats total cost over total weight.
		var sum float64
		for _, c := range costs {
			sum += c
		}
		totalWeight := new(big.Rat)
		for _, b := range list {
			totalWeight.Add(totalWeight, b.Weight)
		}
		w, _ := totalWeight.Float64()
		if p.Makespan() < sum/w*(1-1e-9) {
			t.Fatalf("makespan %v below total/weight %v", p.Makespan(), sum/w)
		}
		// Each share's finish is its load over its weight.
		for i, s := range p.Shares {
			var load float64
			for _, j := range s.Jobs {
				load += costs[j]
			}
			w, _ := list[i].Weight.Float64()
			if d := load/w - s.Finish; d > 1e-9*max(1, s.Finish) || d < -1e-9*max(1, s.Finish) {
				t.Fatalf("share %d: finish %v, load/weight %v", i, s.Finish, load/w)
			}
		}
	})
}
