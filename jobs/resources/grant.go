package resources

import (
	"strconv"
	"strings"
)

// Held is what a grant holds of one named resource.
type Held struct {
	Name  string
	Count int
	// IDs are the units' ids when the machine names them.
	IDs []string

	index []int
}

// Grant is what one running job holds: its cores and its own device ids.
// Give it back with Ledger.Release when the job ends.
type Grant struct {
	Cores int
	// GPUs are the device ids the job may use, in the machine's order.
	GPUs []string
	// GPUShare is the job's GPU need in GPUUnit (500: half of GPUs[0]).
	GPUShare  int
	Resources []Held
	Memory    int64

	gpuIndex []int
	// hasGPUs is set when the machine has GPUs: a job that needs none
	// then gets an empty device list, so that it does not grab one.
	hasGPUs bool
}

// GPUList is the grant's device ids as jobs receive them: "0,2".
func (g Grant) GPUList() string { return strings.Join(g.GPUs, ",") }

// Placeholders are the values of {gpu_ids} and {cores} in a command.
func (g Grant) Placeholders() map[string]string {
	return map[string]string{"gpu_ids": g.GPUList(), "cores": strconv.Itoa(g.Cores)}
}

// PlaceholderNames are the placeholders a Grant fills, for the template's
// list of known names.
func PlaceholderNames() []string { return []string{"cores", "gpu_ids"} }

// Env is what the job's environment gains, as KEY=value lines:
// JOBSPLIT_CORES and OMP_NUM_THREADS (unless environ already sets it) with
// its cores; on a machine with GPUs, JOBSPLIT_GPUS, CUDA_VISIBLE_DEVICES and
// HIP_VISIBLE_DEVICES with its device ids (empty for a job that needs
// none); JOBSPLIT_RESOURCE_<NAME> with each resource's ids or amount.
func (g Grant) Env(environ []string) []string {
	cores := strconv.Itoa(g.Cores)
	env := []string{"JOBSPLIT_CORES=" + cores}
	if !hasVar(environ, "OMP_NUM_THREADS") {
		env = append(env, "OMP_NUM_THREADS="+cores)
	}
	if g.hasGPUs || len(g.GPUs) > 0 {
		list := g.GPUList()
		env = append(env, "JOBSPLIT_GPUS="+list, "CUDA_VISIBLE_DEVICES="+list, "HIP_VISIBLE_DEVICES="+list)
	}
	for _, h := range g.Resources {
		value := strconv.Itoa(h.Count)
		if h.IDs != nil {
			value = strings.Join(h.IDs, ",")
		}
		env = append(env, "JOBSPLIT_RESOURCE_"+EnvName(h.Name)+"="+value)
	}
	return env
}

// EnvName is a resource name as part of an environment variable: upper
// case, with - as _.
func EnvName(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

func hasVar(environ []string, name string) bool {
	for _, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok && k == name {
			return true
		}
	}
	return false
}
