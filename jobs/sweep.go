package jobs

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/jobsplit/jobsplit/jobs/pool"
	"github.com/jobsplit/jobsplit/jobs/resources"
	"github.com/jobsplit/jobsplit/machines"
	"github.com/jobsplit/jobsplit/split"
)

// Options names the inputs of a sweep; empty fields take the config's
// values.
type Options struct {
	Config   string
	Machines string
	Jobs     string
	Strategy string
	// Costs is an earlier results CSV whose durations become job costs.
	Costs      string
	AllowLarge bool
	// Shards, when above 0, splits the jobs into that many equal shares
	// named shard-0 ... instead of reading machines.json.
	Shards int
	// BeforePool, when set, is called once the config and the machines
	// are read, before the pool (the sweep has Config, Paths, Machines
	// and Shards then): run starts reading its results file there, beside
	// the pool's loading.
	BeforePool func(s *Sweep)
}

// Sweep is everything a host needs to know: the inputs and the plan.
type Sweep struct {
	Config       *Config
	Pool         *pool.Pool
	Machines     machines.List
	MachinesPath string
	Params       []Param
	Command      []string
	Shell        bool
	Strategy     split.Strategy
	// Costs are the jobs' costs in id order (cost strategy only).
	Costs []float64
	// CostUnit names the costs' unit: "s" when they are durations from an
	// earlier run's results (--costs), "" for the pool's own cost column,
	// whose unit is the user's.
	CostUnit string
	Plan     *split.Plan
	// SeedKey is the digest of the work itself (command and params), from
	// which each job's seed is derived: re-planning onto other machines
	// keeps every job's seed.
	SeedKey split.Digest
	// Shards is the number of uniform shards, 0 when machines.json names
	// the machines.
	Shards int
	// Template is the command, parsed once: every placeholder in it is
	// known.
	Template *Template
	// Paths are where the sweep's results and logs go.
	Paths Paths
	// Needs are each job's needs and priority.
	Needs *NeedTable
	// Classes are the classes of jobs by the machines that can run them,
	// nil when the sweep has no needs (then every machine runs any job).
	Classes []JobClass
}

// JobNeeds is what job i (in id order) holds while it runs, and its
// priority: higher runs first.
func (s *Sweep) JobNeeds(i int) (resources.Needs, int64) {
	return s.Needs.Needs(i), s.Needs.Priority(i)
}

// Load reads the config, pool and machines and makes the plan.
func Load(opts Options) (*Sweep, error) {
	if opts.Config == "" {
		opts.Config = "jobsplit.toml"
	}
	cfg, err := LoadConfig(opts.Config)
	if err != nil {
		return nil, err
	}
	s := &Sweep{Config: cfg, Paths: PathsOf(cfg)}
	if s.Command, s.Shell, err = cfg.CommandArgs(); err != nil {
		return nil, err
	}
	if s.Params, err = cfg.ParamList(); err != nil {
		return nil, &ConfigError{File: cfg.Name, Problem: err.Error()}
	}
	strategy := cfg.Strategy
	if opts.Strategy != "" {
		strategy = opts.Strategy
	}
	if s.Strategy, err = split.ParseStrategy(strategy); err != nil {
		return nil, err
	}
	if s.Machines, err = s.loadMachines(opts); err != nil {
		return nil, err
	}
	if opts.BeforePool != nil {
		opts.BeforePool(s)
	}
	if s.Pool, err = s.loadPool(opts); err != nil {
		return nil, err
	}
	if s.Strategy == split.Cost {
		if s.Costs, err = s.loadCosts(opts.Costs); err != nil {
			return nil, err
		}
		if opts.Costs != "" {
			s.CostUnit = "s"
		}
	}
	// An unknown placeholder is refused by every command, not only by run.
	if s.Template, err = s.parseTemplate(); err != nil {
		cerr := &ConfigError{File: cfg.Name, Problem: err.Error(), cause: err}
		if errors.As(err, new(*PlaceholderError)) {
			cerr.Line = cfg.commandLine
		}
		return nil, cerr
	}
	if s.Needs, err = s.loadNeeds(); err != nil {
		return nil, err
	}
	s.SeedKey = s.seedKey()
	if s.Needs.Used() {
		s.Plan, err = s.planClassed(s.digest())
		return s, err
	}
	s.Plan, err = split.Make(s.digest(), s.Pool.Len(), s.bins(), s.Strategy, s.Costs)
	return s, err
}

// loadMachines reads machines.json, or makes the uniform shards. The digest
// covers the shards as it covers any machines, by name and weight in
// order, so it covers their number: --shards 4 plans exactly like a
// machines.json listing shard-0 ... shard-3 with weight 1 each.
func (s *Sweep) loadMachines(opts Options) (machines.List, error) {
	if opts.Shards != 0 {
		if opts.Machines != "" {
			return nil, fmt.Errorf("--shards %d and --machines %s: pass one of them", opts.Shards, opts.Machines)
		}
		s.Shards = opts.Shards
		s.MachinesPath = fmt.Sprintf("--shards %d", opts.Shards)
		return machines.Shards(opts.Shards)
	}
	s.MachinesPath = opts.Machines
	if s.MachinesPath == "" {
		s.MachinesPath = s.Config.Input(s.Config.Machines.File, "machines.json")
	}
	return machines.Load(s.MachinesPath)
}

func (s *Sweep) loadPool(opts Options) (*pool.Pool, error) {
	cfg := s.Config
	switch {
	case opts.Jobs != "":
		return pool.ReadPoolFile(opts.Jobs, cfg.Pool.Format)
	case cfg.Pool.File != "":
		return pool.ReadPoolFile(cfg.Input(cfg.Pool.File, ""), cfg.Pool.Format)
	}
	return pool.GridPool(cfg.Pool.Grid, cfg.Name, opts.AllowLarge)
}

func (s *Sweep) bins() []split.Bin {
	bins := make([]split.Bin, len(s.Machines))
	for i, m := range s.Machines {
		bins[i] = split.Bin{Name: m.Name, Weight: m.Weight(), Perf: m.Perf}
	}
	return bins
}

// writeWork writes what the jobs are and how they run: command and params.
func (s *Sweep) writeWork(d *split.Digester) {
	d.String("command")
	if s.Shell {
		d.String("sh")
	} else {
		d.String("exec")
	}
	d.Uint(uint64(len(s.Command)))
	for _, a := range s.Command {
		d.String(a)
	}
	d.String("params")
	d.Uint(uint64(len(s.Params)))
	for _, p := range s.Params {
		d.String(p.Name)
		d.String(p.Value)
	}
}

func (s *Sweep) seedKey() split.Digest {
	d := split.NewDigester()
	d.String("seed key")
	s.writeWork(d)
	return d.Sum()
}

// digest covers everything that decides what runs where, in a canonical
// order: jobs by id with columns by name, command, params, strategy (and
// costs), machines by name and weight in file order.
//
// A sweep with needs or priorities (NeedTable.Used) is digested at
// split.VersionNeeds and adds the machines' capacities and each job's
// needs; any other keeps split.Version and today's digest.
func (s *Sweep) digest() split.Digest {
	d := split.NewDigester()
	if s.Needs.Used() {
		d = split.NewDigesterAt(split.VersionNeeds)
	}
	s.writeWork(d)
	s.Pool.WriteDigest(d)
	if s.Pool.Parent != "" {
		d.String("parent")
		d.String(s.Pool.Parent)
	}
	d.String("strategy")
	d.String(string(s.Strategy))
	if s.Strategy == split.Cost {
		for _, c := range s.Costs {
			d.String(strconv.FormatFloat(c, 'g', -1, 64))
		}
	}
	d.String("machines")
	d.Uint(uint64(len(s.Machines)))
	for _, m := range s.Machines {
		d.String(m.Name)
		d.Rat(m.Weight())
	}
	if s.Needs.Used() {
		s.writeNeeds(d)
	}
	return d.Sum()
}

// Seed is the job's 64-bit seed.
func (s *Sweep) Seed(jobID string) uint64 { return split.Seed(s.SeedKey, jobID) }

// loadCosts reads each job's cost from the pool's cost column or from an
// earlier results CSV; jobs without one get the median.
func (s *Sweep) loadCosts(resultsFile string) ([]float64, error) {
	costs := make([]float64, s.Pool.Len())
	for i := range costs {
		costs[i] = math.NaN()
	}
	if resultsFile != "" {
		durations, err := readDurations(resultsFile)
		if err != nil {
			return nil, err
		}
		for i := range costs {
			if d, ok := durations[s.Pool.Job(i).ID]; ok {
				costs[i] = d
			}
		}
	} else if slices.Contains(s.Pool.Columns, "cost") {
		for i := range costs {
			v, _ := s.Pool.Value(i, "cost")
			if v == "" {
				continue
			}
			c, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(c) || math.IsInf(c, 0) || c < 0 {
				return nil, &pool.PoolError{File: s.Pool.Source, Problem: fmt.Sprintf("job %q: cost must be a number >= 0, got %q", s.Pool.Job(i).ID, v)}
			}
			costs[i] = c
		}
	} else {
		return nil, &pool.PoolError{File: s.Pool.Source, Problem: "the cost strategy needs a cost column or --costs FILE (an earlier results CSV)"}
	}
	fillMedian(costs)
	return costs, nil
}

// fillMedian gives every unknown (NaN) cost the median of the known ones,
// or 1 when none is known.
func fillMedian(costs []float64) {
	known := make([]float64, 0, len(costs))
	for _, c := range costs {
		if !math.IsNaN(c) {
			known = append(known, c)
		}
	}
	median := 1.0
	if len(known) > 0 {
		slices.Sort(known)
		median = known[len(known)/2]
		if len(known)%2 == 0 {
			median = (known[len(known)/2-1] + known[len(known)/2]) / 2
		}
	}
	for i, c := range costs {
		if math.IsNaN(c) {
			costs[i] = median
		}
	}
}
