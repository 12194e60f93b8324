package runner

import (
	"os"
	"strconv"
	"strings"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/pool"
	"github.com/jobsplit/jobsplit/jobs/process"
	"github.com/jobsplit/jobsplit/jobs/resources"
)

// command is the job's argument list, run directly when the shell would
// do nothing but split words.
func (r *Runner) command(job pool.Job, seed string, attempt int, grant resources.Grant) []string {
	t := r.sweep.Template
	args := t.Expand(r.lookup(job, seed, attempt, grant))
	if !t.Shell() {
		return args
	}
	if direct, ok := jobs.Direct(args[0]); ok {
		return direct
	}
	return []string{"/bin/sh", "-c", args[0]}
}

// lookup gives a job's placeholder values: its columns, [params], id,
// seed, machine and attempt, and what it holds ({cores}, {gpu_ids}) unless
// a column or parameter has that name.
func (r *Runner) lookup(job pool.Job, seed string, attempt int, grant resources.Grant) jobs.Lookup {
	return func(name string) (string, bool) {
		switch name {
		case "id":
			return job.ID, true
		case "seed":
			return seed, true
		case "machine":
			return r.opts.Machine, true
		case "attempt":
			return strconv.Itoa(attempt), true
		}
		for k, c := range r.sweep.Pool.Columns {
			if c == name {
				return job.Values[k], true
			}
		}
		for _, p := range r.sweep.Params {
			if p.Name == name {
				return p.Value, true
			}
		}
		switch name {
		case "cores":
			return strconv.Itoa(max(grant.Cores, 1)), true
		case "gpu_ids":
			return grant.GPUList(), true
		}
		return "", false
	}
}

// sharedEnviron is the part of every job's environment that does not
// depend on the job: jobsplit's environment, the machine, the config and
// one JOBSPLIT_PARAM_<NAME> per parameter, the later of two variables of
// one name kept, and none of the variables each job sets itself (which
// win); and the prefixes of the pool columns' variables.
func (r *Runner) sharedEnviron() (env, paramVars []string) {
	env = append(os.Environ(),
		"JOBSPLIT_MACHINE="+r.opts.Machine,
		"JOBSPLIT_CONFIG="+r.sweep.Config.Path,
	)
	for _, p := range r.sweep.Params {
		env = append(env, "JOBSPLIT_PARAM_"+envName(p.Name)+"="+p.Value)
	}
	own := map[string]bool{}
	for _, name := range jobVars {
		own[name] = true
	}
	for _, c := range r.sweep.Pool.Columns {
		name := "JOBSPLIT_PARAM_" + envName(c)
		own[name] = true
		paramVars = append(paramVars, name+"=")
	}
	return process.UniqueEnv(env, own), paramVars
}

// jobVars are the variables each job gets a value of its own for (with
// one per pool column), in environ's order.
var jobVars = []string{"JOBSPLIT_JOB_ID", "JOBSPLIT_SEED", "JOBSPLIT_ATTEMPT", "JOBSPLIT_RESULT", "JOBSPLIT_PROGRESS"}

// environ is the job's environment: the shared part, then the job's own
// variables and one JOBSPLIT_PARAM_<NAME> per pool column, which wins
// over a parameter of the same name; and whether no name repeats in it.
func (r *Runner) environ(job pool.Job, seed string, attempt int, files attemptFiles, grant resources.Grant) ([]string, bool) {
	env := r.envSlice(len(r.env) + 12 + len(job.Values))
	env = append(env, r.env...)
	env = append(env,
		"JOBSPLIT_JOB_ID="+job.ID,
		"JOBSPLIT_SEED="+seed,
		"JOBSPLIT_ATTEMPT="+strconv.Itoa(attempt),
		"JOBSPLIT_RESULT="+files.result,
		"JOBSPLIT_PROGRESS="+files.progress,
	)
	for k, v := range r.paramVars {
		env = append(env, v+job.Values[k])
	}
	// A sweep that declares needs tells each job what it holds: its cores
	// (and OMP_NUM_THREADS), its GPUs' ids, its resources. Those may be
	// set in jobsplit's environment too: the job's then win.
	if r.admission.grants {
		return append(env, grant.Env(r.env)...), false
	}
	return env, true
}

// envSlice is an empty slice of at least size for a job's environment: an
// ended job's, or a new one.
func (r *Runner) envSlice(size int) []string {
	if p, ok := r.envs.Get().(*[]string); ok && cap(*p) >= size {
		return (*p)[:0]
	}
	return make([]string, 0, size)
}

// envDone takes back a job's environment once its process has ended.
func (r *Runner) envDone(env []string) {
	clear(env)
	r.envs.Put(&env)
}

// envName turns a parameter name into an environment variable's: upper
// case, with '-' and '.' as '_'.
func envName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return '_'
		}
		return r
	}, strings.ToUpper(name))
}
