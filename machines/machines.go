package machines

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Machine is one host of the sweep.
type Machine struct {
	Name string
	// Perf is the machine's relative single-thread speed, exact as written
	// in machines.json so that every host computes the same weights.
	Perf *big.Rat
	// Cores is how many jobs the machine runs at once.
	Cores int
	// Memory is the machine's memory in bytes, 0 when not given.
	Memory int64
	// GPUs are the machine's GPU device ids in the order written ("gpus":
	// 2 names them "0" and "1"); nil when it has none.
	GPUs []string
	// Resources are the machine's named resources, sorted by name.
	Resources []Resource
}

// Weight is perf x cores, the machine's share of the work, exactly.
func (m Machine) Weight() *big.Rat {
	return new(big.Rat).Mul(m.Perf, new(big.Rat).SetInt64(int64(m.Cores)))
}

// PerfString is the machine's perf in the shortest decimal form.
func (m Machine) PerfString() string { return ratString(m.Perf) }

// WeightString is the machine's weight in the shortest decimal form.
func (m Machine) WeightString() string { return ratString(m.Weight()) }

func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return fmt.Sprintf("%.4g", f)
}

// List is the machines of a sweep in file order.
type List []Machine

// Names returns the machines' names in order.
func (l List) Names() []string {
	names := make([]string, len(l))
	for i, m := range l {
		names[i] = m.Name
	}
	return names
}

// Find returns the machine called name.
func (l List) Find(name string) (Machine, bool) {
	for _, m := range l {
		if m.Name == name {
			return m, true
		}
	}
	return Machine{}, false
}

// ErrBadName is returned for a machine name that cannot name a file.
var ErrBadName = errors.New("bad machine name")

// CheckName reports whether name can safely name a machine: it becomes a file
// name under the results and logs directories, so it must not escape them.
func CheckName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrBadName)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w %q: not valid UTF-8", ErrBadName, name)
	case name == ".":
		return fmt.Errorf("%w %q: must not be \".\"", ErrBadName, name)
	case strings.Contains(name, ".."):
		return fmt.Errorf("%w %q: must not contain \"..\"", ErrBadName, name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("%w %q: must not contain a path separator", ErrBadName, name)
	case len(name) > 128:
		return fmt.Errorf("%w %q: longer than 128 bytes", ErrBadName, name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w %q: must not contain control characters", ErrBadName, name)
		}
	}
	if strings.TrimSpace(name) != name {
		return fmt.Errorf("%w %q: leading or trailing space", ErrBadName, name)
	}
	return nil
}
