package jobs

import "path/filepath"

// Paths are where a sweep's files go. Every command takes them from here,
// so that a folder is spelled one way: relative to the config's folder,
// written the way the user named the config (a relative path where the
// user typed one).
type Paths struct {
	// Results is the folder of results/<machine>.csv and of each run's
	// lock and journal.
	Results string
	// Logs is the folder of logs/<machine>.jsonl.gz.
	Logs string
	// Balance is the folder the hosts share to balance the work ([balance]
	// dir), or "" for none.
	Balance string
}

// PathsOf gives the paths a config names, with their defaults.
func PathsOf(cfg *Config) Paths {
	p := Paths{
		Results: cfg.Input(cfg.Results.Dir, "results"),
		Logs:    cfg.Input(cfg.Logs.Dir, "logs"),
	}
	if cfg.Balance.Dir != "" {
		p.Balance = cfg.Input(cfg.Balance.Dir, "")
	}
	return p
}

// Abs is the paths made absolute, for what a run writes and shows: its
// messages name files the same wherever the run was started from.
func (p Paths) Abs() Paths {
	abs := Paths{Results: absPath(p.Results), Logs: absPath(p.Logs)}
	if p.Balance != "" {
		abs.Balance = absPath(p.Balance)
	}
	return abs
}

// absPath is path made absolute; a path that cannot be (no working
// directory) stays as it is.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// ResultsFile is results/<machine>.csv.
func (p Paths) ResultsFile(machine string) string {
	return filepath.Join(p.Results, machine+".csv")
}

// LockFile is the lock that lets one run of a machine at a time use its
// results file.
func (p Paths) LockFile(machine string) string {
	return filepath.Join(p.Results, "."+machine+".lock")
}

// JournalFile is where a run notes the processes of its running jobs, so
// that the next run can stop what a killed one left.
func (p Paths) JournalFile(machine string) string {
	return filepath.Join(p.Results, "."+machine+".running")
}
