package runner

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
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

// HaltError is returned by Run when the --halt policy stopped it.
type HaltError struct {
	Policy Halt
	Failed int
}

func (e *HaltError) Error() string {
	return fmt.Sprintf("halted after %d failed jobs (--halt %s)", e.Failed, e.Policy)
}

// halting counts the jobs that ended in this run and applies the halt
// policy: soon stops feeding, now stops the running jobs too.
type halting struct {
	policy      Halt
	stopFeeding context.CancelFunc

	mu               sync.Mutex
	failed, finished int
	halted           *HaltError
}

// jobFinished notes a job's final outcome and halts when the policy says;
// it returns the halt when this job triggered it.
func (h *halting) jobFinished(failed bool, stopRun context.CancelFunc) *HaltError {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.finished++
	if failed {
		h.failed++
	}
	if h.halted != nil || !h.policy.triggered(h.failed, h.finished) {
		return nil
	}
	h.halted = &HaltError{Policy: h.policy, Failed: h.failed}
	h.stopFeeding()
	if h.policy.When == HaltNow {
		stopRun()
	}
	return h.halted
}

func (h *halting) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.halted == nil {
		return nil
	}
	return h.halted
}
