package jobs

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"

	"github.com/BurntSushi/toml"

	"github.com/jobsplit/jobsplit/jobs/pool"
	"github.com/jobsplit/jobsplit/jobs/resources"
	"github.com/jobsplit/jobsplit/machines"
)

// needWant is what a need in [job] must be.
const needWant = `a number or a placeholder such as "{gpus}"`

// needKind is which need a value sets; each has its own rules and unit.
type needKind uint8

const (
	needCores needKind = iota
	needGPUs
	needResource
	needPriority
)

// Bounds that catch typos (1e9 GPUs) before they are planned.
const (
	maxNeedCores    = 1 << 20
	maxNeedGPUs     = 1 << 16
	maxNeedUnits    = 1 << 16
	maxNeedPriority = 1_000_000_000
)

// needSpec is one of [job] cores, gpus, resources.NAME and priority: a
// fixed value in its unit, or the pool column it is read from per job.
type needSpec struct {
	kind needKind
	// name is how messages name it: "cores", "resources.license".
	name string
	// resource is the resource's name for needResource.
	resource string
	column   string
	fixed    int64
	line     int
}

// placeholderValue matches a value that is one placeholder: "{gpus}".
var placeholderValue = regexp.MustCompile(`^\{([^{}]+)\}$`)

// readNeeds reads [job] cores, gpus, resources and priority; text is the
// config, for lines.
func (c *Config) readNeeds(text string) ([]needSpec, error) {
	var specs []needSpec
	add := func(kind needKind, name, resource string, value any, key toml.Key) error {
		spec := needSpec{kind: kind, name: name, resource: resource, line: keyLine(text, key)}
		if spec.line == 0 {
			spec.line = keyLine(text, key[:len(key)-1])
		}
		fail := func(problem string) error {
			return &ConfigError{File: c.Name, Line: spec.line, Problem: fmt.Sprintf("[job] %s: %s", name, problem)}
		}
		switch v := value.(type) {
		case string:
			if m := placeholderValue.FindStringSubmatch(v); m != nil {
				spec.column = m[1]
				specs = append(specs, spec)
				return nil
			}
			n, problem := parseNeed(kind, v)
			if problem != "" {
				return fail(problem)
			}
			spec.fixed = n
		case int64:
			n, problem := parseNeed(kind, strconv.FormatInt(v, 10))
			if problem != "" {
				return fail(problem)
			}
			spec.fixed = n
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fail(fmt.Sprintf("want %s, got %v", needWant, v))
			}
			n, problem := parseNeed(kind, strconv.FormatFloat(v, 'f', -1, 64))
			if problem != "" {
				return fail(problem)
			}
			spec.fixed = n
		default:
			return fail(fmt.Sprintf("want %s, not %s", needWant, pool.KindOf(value)))
		}
		specs = append(specs, spec)
		return nil
	}
	job := c.Job
	if job.Cores != nil {
		if err := add(needCores, "cores", "", job.Cores, toml.Key{"job", "cores"}); err != nil {
			return nil, err
		}
	}
	if job.GPUs != nil {
		if err := add(needGPUs, "gpus", "", job.GPUs, toml.Key{"job", "gpus"}); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(job.Resources))
	for name := range job.Resources {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		key := toml.Key{"job", "resources", name}
		if err := machines.CheckResourceName(name); err != nil {
			return nil, &ConfigError{File: c.Name, Line: keyLine(text, key[:2]), Problem: "[job] resources: " + err.Error()}
		}
		if err := add(needResource, "resources."+name, name, job.Resources[name], key); err != nil {
			return nil, err
		}
	}
	if job.Priority != nil {
		if err := add(needPriority, "priority", "", job.Priority, toml.Key{"job", "priority"}); err != nil {
			return nil, err
		}
	}
	return specs, nil
}

// parseNeed reads one need's value, from the config or a pool cell, into
// its unit: cores and resource units as counts, GPUs in GPUUnit, priority
// as a whole number. problem says what is wrong, "" when nothing is.
func parseNeed(kind needKind, text string) (int64, string) {
	r, ok := new(big.Rat).SetString(text)
	if !ok || len(text) > 40 {
		return 0, fmt.Sprintf("want a number, got %q", text)
	}
	whole := func(lo, hi int64, what string) (int64, string) {
		if !r.IsInt() || !r.Num().IsInt64() || r.Num().Int64() < lo || r.Num().Int64() > hi {
			return 0, fmt.Sprintf("%s must be a whole number from %d to %d, got %s", what, lo, hi, text)
		}
		return r.Num().Int64(), ""
	}
	switch kind {
	case needCores:
		return whole(1, maxNeedCores, "cores")
	case needResource:
		return whole(0, maxNeedUnits, "a resource need")
	case needPriority:
		return whole(-maxNeedPriority, maxNeedPriority, "priority")
	}
	switch {
	case r.Sign() < 0:
		return 0, fmt.Sprintf("gpus must not be negative, got %s", text)
	case r.Cmp(big.NewRat(1, 1)) > 0 && !r.IsInt():
		return 0, fmt.Sprintf("a GPU need above 1 must be whole, got %s", text)
	case r.Cmp(big.NewRat(maxNeedGPUs, 1)) > 0:
		return 0, fmt.Sprintf("gpus must be at most %d, got %s", maxNeedGPUs, text)
	}
	units := new(big.Rat).Mul(r, big.NewRat(resources.GPUUnit, 1))
	if !units.IsInt() {
		return 0, fmt.Sprintf("gpus must be a multiple of 0.001, got %s", text)
	}
	return units.Num().Int64(), ""
}
