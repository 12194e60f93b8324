package pool

import (
	"fmt"
	"strings"
)

// Limits of what can reach a job: every pool value goes into the job's
// environment (JOBSPLIT_PARAM_<NAME>=value) and most into its arguments,
// and the kernel refuses to start a process past these. They are Linux's
// (the strictest of the systems jobsplit runs on for one string), fixed
// so that every host refuses the same pools.
const (
	// maxArgBytes is Linux's limit on one argument or environment string
	// (MAX_ARG_STRLEN, 32 pages), its terminating NUL included.
	maxArgBytes = 128 << 10
	// maxCommandBytes is the default limit on a process's arguments and
	// environment together (ARG_MAX with an 8 MiB stack).
	maxCommandBytes = 2 << 20
	// environAllowance is what jobsplit leaves for the environment it
	// passes on and its own variables.
	environAllowance = 256 << 10
)

// checkValues refuses a row whose values cannot reach a job: a NUL byte
// (it would cut the value short), a value over the limit for one string,
// or values that together, as arguments and as environment, pass the
// limit for a whole command.
func (p *Pool) checkValues(fields []string) error {
	total := 0
	for k, c := range p.Columns {
		v := fields[p.fieldOf(k)]
		if i := strings.IndexByte(v, 0); i >= 0 {
			return fmt.Errorf("column %q: the value holds a NUL byte (at byte %d), which cannot reach a job", c, i+1)
		}
		// "JOBSPLIT_PARAM_" + NAME + "=" + value + NUL
		if n := len("JOBSPLIT_PARAM_") + len(c) + 2 + len(v); n > maxArgBytes {
			return fmt.Errorf("column %q: the value is %d bytes, over the system's limit of %d KiB for one argument", c, len(v), maxArgBytes>>10)
		}
		total += 2 * (len(v) + len(c) + 20)
	}
	if total > maxCommandBytes-environAllowance {
		return fmt.Errorf("the row's values, as the job's arguments and environment, take about %d KiB, over the system's limit of %d KiB for a command", total>>10, (maxCommandBytes-environAllowance)>>10)
	}
	return nil
}
