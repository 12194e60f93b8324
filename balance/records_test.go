package balance

import (
	"reflect"
	"testing"
	"time"
)

func TestRecordsRoundTrip(t *testing.T) {
	t.Run("claim", func(t *testing.T) {
		for _, c := range []claimRecord{{inc: "0.ab", seq: 1, count: 5}, {inc: "12.ff", seq: 99, back: true, count: 1}} {
			got, err := parseClaim(c.encode())
			if err != nil || got != c {
				t.Errorf("claim %+v came back as %+v, %v", c, got, err)
			}
		}
	})
	t.Run("incarnation", func(t *testing.T) {
		r := incRecord{inc: "2.cd", pid: 42, host: "node-7", lease: 2 * time.Second}
		if got, err := parseInc(r.encode()); err != nil || got != r {
			t.Errorf("incarnation %+v came back as %+v, %v", r, got, err)
		}
	})
	t.Run("takeover", func(t *testing.T) {
		r := takeoverRecord{heir: "1.ee", seq: 7, jobs: 12}
		if got, err := parseTakeover(r.encode()); err != nil || got != r {
			t.Errorf("takeover %+v came back as %+v, %v", r, got, err)
		}
	})
	t.Run("beat", func(t *testing.T) {
		h := beat{seq: 3, inflight: 2, backlog: 9, backlogCost: 12.5, doneJobs: 1000, doneCost: 2345.25, busy: 61.5, closed: true}
		enc := h.encode()
		if len(enc) != beatSize {
			t.Errorf("heartbeat is %d bytes, want the fixed %d", len(enc), beatSize)
		}
		if got, ok := parseBeat(enc); !ok || got != h {
			t.Errorf("heartbeat %+v came back as %+v, %v", h, got, ok)
		}
	})
	t.Run("fate", func(t *testing.T) {
		if len(encodeFate(nil)) != fateSize || parseFate(encodeFate(nil)) != nil {
			t.Errorf("an alive fate reads as %q", encodeFate(nil))
		}
		r := takeoverRecord{heir: "0.aa", jobs: 3}
		enc := encodeFate(&r)
		if got := parseFate(enc); len(enc) != fateSize || got == nil || *got != r {
			t.Errorf("fate %+v came back as %v from %q", r, got, enc)
		}
	})
	t.Run("plan", func(t *testing.T) {
		shares := []Share{
			{Machine: "alpha beta", Weight: 2.5, Jobs: []string{"a", "b"}, Costs: []float64{1, 2.5}},
			{Machine: "gamma", Weight: 1, Jobs: []string{"c"}},
		}
		got, err := parsePlan(encodePlan(shares))
		want := []plannedShare{{machine: "alpha beta", jobs: 2, weight: 2.5, cost: 3.5}, {machine: "gamma", jobs: 1, weight: 1, cost: 1}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("plan came back as %+v, %v", got, err)
		}
	})
}

func TestRecordsRejectDamage(t *testing.T) {
	for name, parse := range map[string]func([]byte) error{
		"claim":    func(b []byte) error { _, err := parseClaim(b); return err },
		"inc":      func(b []byte) error { _, err := parseInc(b); return err },
		"takeover": func(b []byte) error { _, err := parseTakeover(b); return err },
		"plan":     func(b []byte) error { _, err := parsePlan(b); return err },
	} {
		for _, bad := range []string{"", "claim 0.a 1 sideways 3\n", "claim 0.a x front 3\n", "claim 0.a 1 front -1\n", "takeover a\n"} {
			t.Run(name+"/"+bad, func(t *testing.T) {
				if parse([]byte(bad)) == nil {
					t.Errorf("%s accepted %q", name, bad)
				}
			})
		}
	}
}

// TestApplyClaim replays claim logs: front claims from the start, back
// claims from the end, never past each other.
func TestApplyClaim(t *testing.T) {
	type got struct{ from, to int }
	for _, c := range []struct {
		name   string
		jobs   int
		claims []claimRecord
		want   []got
	}{
		{"front then back", 10, []claimRecord{{count: 3}, {back: true, count: 2}, {count: 3}},
			[]got{{0, 3}, {8, 10}, {3, 6}}},
		{"back meets front", 5, []claimRecord{{count: 2}, {back: true, count: 4}, {count: 1}},
			[]got{{0, 2}, {2, 5}, {2, 2}}},
		{"more than is left", 3, []claimRecord{{count: 8}, {back: true, count: 1}},
			[]got{{0, 3}, {3, 3}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := &shareView{back: c.jobs}
			for i, rec := range c.claims {
				from, to := applyClaim(v, rec)
				if (got{from, to}) != c.want[i] {
					t.Errorf("claim %d took [%d, %d), want %v", i, from, to, c.want[i])
				}
			}
		})
	}
}
