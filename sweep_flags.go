package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/machines"
)

// sweepFlags are the flags of every command that reads a sweep's inputs.
func sweepFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Value: "jobsplit.toml", Usage: "the sweep's config `FILE`"},
		&cli.StringFlag{Name: "machines", Usage: "machines.json `FILE` (default: the config's [machines] file)"},
		&cli.StringFlag{Name: "jobs", Usage: "job pool `FILE` (default: the config's [pool])"},
		&cli.StringFlag{Name: "strategy", Usage: "split strategy: proportional or cost (default: the config's)"},
		&cli.StringFlag{Name: "costs", Usage: "earlier results CSV `FILE` whose durations are the job costs (cost strategy)"},
		&cli.BoolFlag{Name: "allow-large", Usage: "allow a grid of more than 10,000,000 jobs"},
		&cli.IntFlag{Name: "shards", Usage: "split into `N` equal shares named shard-0 ... instead of reading machines.json", DefaultText: "none"},
	}
}

func sweepOptions(c *cli.Context) jobs.Options {
	return jobs.Options{
		Config:     c.String("config"),
		Machines:   c.String("machines"),
		Jobs:       c.String("jobs"),
		Strategy:   c.String("strategy"),
		Costs:      c.String("costs"),
		AllowLarge: c.Bool("allow-large"),
		Shards:     c.Int("shards"),
	}
}

// loadSweep reads a sweep, adding a hint where the fix is known.
func loadSweep(opts jobs.Options) (*jobs.Sweep, error) {
	s, err := jobs.Load(opts)
	var entry *machines.EntryError
	var placeholder *jobs.PlaceholderError
	var missing *jobs.MissingConfigError
	var incapable *jobs.CapableError
	switch {
	case err == nil:
		return s, nil
	case errors.Is(err, machines.ErrBadName):
		return nil, withHint(err, `a machine's name names its files in results/ and logs/: it cannot hold '/', '\', ".." or control characters`)
	case errors.As(err, &placeholder) && len(placeholder.Known) > 0:
		return nil, withHint(err, "the placeholders are %s; write {{ and }} for literal braces", placeholderList(placeholder.Known))
	case errors.As(err, &incapable):
		return nil, withHint(err, "lower the job's needs in the pool, or declare a machine with them (\"gpus\", \"resources\") in %s", incapable.Machines)
	case errors.As(err, &entry):
		return nil, withHint(err, `each machine is "name": [perf, cores], such as "alpha": [1.5, 8]`)
	case errors.As(err, &missing):
		return nil, withHint(err, "run 'jobsplit init' to write an example, or pass --config FILE")
	}
	return nil, err
}

// placeholderList writes names as placeholders, the first dozen of them.
func placeholderList(names []string) string {
	const most = 12
	list := make([]string, 0, most+1)
	for i, name := range names {
		if i == most {
			list = append(list, "...")
			break
		}
		list = append(list, "{"+name+"}")
	}
	return strings.Join(list, ", ")
}

// unknownMachine is the error for a machine name not in machines.json.
func unknownMachine(name string, s *jobs.Sweep) error {
	if s.Shards > 0 {
		return withHint(fmt.Errorf("machine %s is not one of the %d shards", quote(name), s.Shards),
			"choices: shard-0 to shard-%d", s.Shards-1)
	}
	return withHint(errors.New("machine "+quote(name)+" is not in "+s.MachinesPath),
		"%schoices: %s", didYouMean(name, s.Machines.Names(), "%s"), strings.Join(s.Machines.Names(), ", "))
}

func quote(s string) string { return `"` + s + `"` }
