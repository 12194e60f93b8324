package balance

import "testing"

// FuzzRecords feeds every record parser arbitrary bytes, as a damaged or
// foreign file in the shared folder would: none may panic, and a claim or
// takeover record that parses must encode back to one that parses alike.
func FuzzRecords(f *testing.F) {
	f.Add(claimRecord{inc: "0.ab", seq: 1, count: 5}.encode())
	f.Add(takeoverRecord{heir: "1.cd", seq: 2, jobs: 3}.encode())
	f.Add(incRecord{inc: "2.ef", pid: 9, host: "h"}.encode())
	f.Add(beat{seq: 1, doneCost: 2.5}.encode())
	f.Add(encodeFate(&takeoverRecord{heir: "0.aa", jobs: 1}))
	f.Add(encodePlan([]Share{{Machine: "m", Weight: 1, Jobs: []string{"a"}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := parseClaim(b); err == nil {
			if again, err := parseClaim(c.encode()); err != nil || again != c {
				t.Errorf("claim %+v encodes to %q, which parses as %+v, %v", c, c.encode(), again, err)
			}
		}
		if r, err := parseTakeover(b); err == nil {
			if again, err := parseTakeover(r.encode()); err != nil || again != r {
				t.Errorf("takeover %+v encodes to %q, which parses as %+v, %v", r, r.encode(), again, err)
			}
		}
		_, _ = parseInc(b)
		_, _ = parseBeat(b)
		_ = parseFate(b)
		_, _ = parsePlan(b)
	})
}
