package balance

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// TestVictims checks whom an idle host steals from first: the owner with
// the most estimated time left, by cost, measured rate and liveness.
func TestVictims(t *testing.T) {
	jobs := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%d", prefix, i)
		}
		return out
	}
	// alive is a live incarnation's heartbeat: done cost over busy seconds
	// is its measured rate.
	alive := func(doneJobs int, doneCost, busy float64) *beat {
		return &beat{doneJobs: doneJobs, doneCost: doneCost, busy: busy}
	}
	working := func(h *beat, held float64) *beat {
		h.backlog, h.backlogCost = int(held), held
		return h
	}
	for _, c := range []struct {
		name   string
		shares []Share
		beats  map[int]*beat // by machine; none: never started
		self   *beat
		want   []int // victim shares, first to last
	}{
		{
			name: "by cost before any rate is measured",
			shares: []Share{{Machine: "thief", Weight: 1}, {Machine: "cheap", Weight: 1, Jobs: jobs("a", 4), Costs: []float64{1, 1, 1, 1}},
				{Machine: "dear", Weight: 1, Jobs: jobs("b", 4), Costs: []float64{5, 5, 5, 5}}},
			beats: map[int]*beat{1: alive(0, 0, 0), 2: alive(0, 0, 0)},
			want:  []int{2, 1},
		},
		{
			name:   "by declared weight before any rate is measured",
			shares: []Share{{Machine: "thief", Weight: 1}, {Machine: "big", Weight: 8, Jobs: jobs("a", 8)}, {Machine: "small", Weight: 1, Jobs: jobs("b", 4)}},
			beats:  map[int]*beat{1: alive(0, 0, 0), 2: alive(0, 0, 0)},
			want:   []int{2, 1},
		},
		{
			name:   "a measured slow host before a measured fast one, whatever they declared",
			shares: []Share{{Machine: "thief", Weight: 1}, {Machine: "slow", Weight: 4, Jobs: jobs("a", 8)}, {Machine: "fast", Weight: 1, Jobs: jobs("b", 8)}},
			beats:  map[int]*beat{1: alive(2, 2, 8), 2: alive(8, 8, 1)},
			want:   []int{1, 2},
		},
		{
			name:   "a host never started first, even with less work",
			shares: []Share{{Machine: "thief", Weight: 1}, {Machine: "busy", Weight: 1, Jobs: jobs("a", 40)}, {Machine: "absent", Weight: 1, Jobs: jobs("b", 2)}},
			beats:  map[int]*beat{1: alive(0, 0, 0)},
			want:   []int{2, 1},
		},
		{
			name:   "no steal that an owner at work would finish sooner",
			shares: []Share{{Machine: "thief", Weight: 1}, {Machine: "fast", Weight: 1, Jobs: jobs("a", 1), Costs: []float64{1}}},
			beats:  map[int]*beat{1: working(alive(100, 100, 1), 1)},
			self:   alive(1, 1, 10),
			want:   nil,
		},
		{
			name:   "a steal from an owner that holds nothing, however fast",
			shares: []Share{{Machine: "thief", Weight: 1}, {Machine: "fast", Weight: 1, Jobs: jobs("a", 1), Costs: []float64{1}}},
			beats:  map[int]*beat{1: alive(100, 100, 1)},
			self:   alive(1, 1, 10),
			want:   []int{1},
		},
		{
			name:   "a steal of the last job from an equal owner",
			shares: []Share{{Machine: "thief", Weight: 1}, {Machine: "peer", Weight: 1, Jobs: jobs("a", 1)}},
			beats:  map[int]*beat{1: working(alive(3, 3, 0.3), 1)},
			self:   alive(3, 3, 0.3),
			want:   []int{1},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := &Balancer{opts: Options{Lease: time.Hour}, incs: map[string]*incView{}, me: "0.me"}
			var err error
			if b.shares, b.idPos, err = viewShares(c.shares); err != nil {
				t.Fatal(err)
			}
			if c.self != nil {
				b.doneJobs, b.doneCost, b.busy = c.self.doneJobs, c.self.doneCost, time.Duration(c.self.busy*float64(time.Second))
			}
			for m, h := range c.beats {
				id := incID(m, "x")
				b.incs[id] = &incView{id: id, machine: m, info: *h, infoOK: true, changed: time.Now()}
			}
			var got []int
			for _, v := range b.victims() {
				got = append(got, v.share)
				if math.IsNaN(v.left) || v.limit <= 0 {
					t.Errorf("victim %d: left %v, limit %v", v.share, v.left, v.limit)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("victims %v, want %v", got, c.want)
			}
		})
	}
}
