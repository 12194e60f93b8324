package jobs

import (
	"fmt"
	"strconv"
	"strings"
)

// HaltWhen is what a halt policy does once it triggers.
type HaltWhen string

// The halt policies, as in GNU parallel's --halt.
const (
	// HaltNever runs every job whatever fails.
	HaltNever HaltWhen = "never"
	// HaltSoon starts no new job; running ones finish.
	HaltSoon HaltWhen = "soon"
	// HaltNow stops the running jobs too.
	HaltNow HaltWhen = "now"
)

// Halt is a policy: stop after Count failed jobs, or once Percent of the
// jobs finished in this run have failed (after at least 3 finished).
type Halt struct {
	When    HaltWhen
	Count   int
	Percent float64
}

// ParseHalt reads "never", "soon,fail=N", "now,fail=N" or a percentage
// such as "soon,fail=10%".
func ParseHalt(s string) (Halt, error) {
	if s == "" || s == "never" {
		return Halt{When: HaltNever}, nil
	}
	bad := fmt.Errorf("--halt %q: want never, soon,fail=N, now,fail=N or a percentage such as soon,fail=10%%", s)
	when, cond, found := strings.Cut(s, ",")
	value, ok := strings.CutPrefix(cond, "fail=")
	if !found || !ok || (when != string(HaltSoon) && when != string(HaltNow)) {
		return Halt{}, bad
	}
	h := Halt{When: HaltWhen(when)}
	if pct, isPct := strings.CutSuffix(value, "%"); isPct {
		p, err := strconv.ParseFloat(pct, 64)
		if err != nil || !(p > 0 && p <= 100) {
			return Halt{}, bad
		}
		h.Percent = p
		return h, nil
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 {
		return Halt{}, bad
	}
	h.Count = n
	return h, nil
}

// minForPercent is how many jobs must have finished before a percentage
// policy can trigger, so that the first failure alone does not halt.
const minForPercent = 3

// triggered reports whether failed failures among finished jobs halt.
func (h Halt) triggered(failed, finished int) bool {
	switch {
	case h.When == HaltNever || h.When == "":
		return false
	case h.Count > 0:
		return failed >= h.Count
	}
	return finished >= minForPercent && float64(failed)*100 >= h.Percent*float64(finished)
}

// String is the policy as the user writes it.
func (h Halt) String() string {
	switch {
	case h.When == HaltNever || h.When == "":
		return "never"
	case h.Count > 0:
		return fmt.Sprintf("%s,fail=%d", h.When, h.Count)
	}
	return fmt.Sprintf("%s,fail=%s%%", h.When, strconv.FormatFloat(h.Percent, 'f', -1, 64))
}
