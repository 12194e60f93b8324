package resources

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jobsplit/jobsplit/machines"
)

// GPUUnit is how many units make one GPU: GPU needs are counted in
// thousandths so that fractions add up exactly (0.5 + 0.5 is one device,
// never 0.9999).
const GPUUnit = 1000

// Amount is how much of one named resource a job needs.
type Amount struct {
	Name  string
	Count int
}

// Needs is what one job holds while it runs.
type Needs struct {
	// Cores is how many cores (threads) the job uses, at least 1.
	Cores int
	// GPUs is the job's GPU need in GPUUnit: 500 is half a device, shared
	// with at most one other such job; 2000 is two whole devices.
	GPUs int
	// Resources are the named resources the job holds, sorted by name,
	// each with a count above 0.
	Resources []Amount
	// Memory is the job's memory in bytes, 0 when not given.
	Memory int64
}

// Default is what a job needs when the config says nothing: one core.
func Default() Needs { return Needs{Cores: 1} }

// IsDefault reports whether n is what a job needs when the config says
// nothing (memory aside, which the run loop has always guarded).
func (n Needs) IsDefault() bool {
	return n.Cores == 1 && n.GPUs == 0 && len(n.Resources) == 0
}

// Resource returns how much of the named resource n needs.
func (n Needs) Resource(name string) int {
	for _, a := range n.Resources {
		if a.Name == name {
			return a.Count
		}
	}
	return 0
}

// FormatGPUs writes a GPU need in GPUUnit as a decimal: 0.5, 2.
func FormatGPUs(units int) string {
	return strconv.FormatFloat(float64(units)/GPUUnit, 'f', -1, 64)
}

// String is the needs as a person reads them: "4 cores, 0.5 gpu, license 1".
func (n Needs) String() string {
	parts := []string{plural(strconv.Itoa(n.Cores), n.Cores == 1, "core")}
	if n.GPUs > 0 {
		parts = append(parts, plural(FormatGPUs(n.GPUs), n.GPUs <= GPUUnit, "gpu"))
	}
	for _, a := range n.Resources {
		parts = append(parts, fmt.Sprintf("%s %d", a.Name, a.Count))
	}
	// Memory is left out: it is the same for every job of a sweep and
	// never decides where a job may run.
	return strings.Join(parts, ", ")
}

func plural(count string, one bool, noun string) string {
	if one {
		return count + " " + noun
	}
	return count + " " + noun + "s"
}

// Capacity is what one machine has.
type Capacity struct {
	Cores int
	// GPUs are the device ids, each with room for one GPUUnit.
	GPUs      []string
	Resources []machines.Resource
	// Memory is in bytes, 0 when unknown: then memory limits nothing here.
	Memory int64
}

// CapacityOf is what machines.json says m has.
func CapacityOf(m machines.Machine) Capacity {
	return Capacity{Cores: m.Cores, GPUs: m.GPUs, Resources: m.Resources, Memory: m.Memory}
}

// resource returns the count of the named resource, 0 when missing.
func (c Capacity) resource(name string) int {
	for _, r := range c.Resources {
		if r.Name == name {
			return r.Count
		}
	}
	return 0
}

// Fits reports whether a job with needs n could run on the machine alone.
// Memory is not asked: a machine with nothing running always starts its
// next job, whatever its memory says.
func (c Capacity) Fits(n Needs) bool {
	if n.Cores > c.Cores || n.GPUs > len(c.GPUs)*GPUUnit {
		return false
	}
	for _, a := range n.Resources {
		if a.Count > c.resource(a.Name) {
			return false
		}
	}
	return true
}
