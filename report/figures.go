package report

// Figures are everything the report shows, as `jobsplit report --json`
// prints them. Field names are stable; times are RFC 3339 in UTC and
// durations are seconds.
type Figures struct {
	Digest   string `json:"digest"`
	Command  string `json:"command"`
	Strategy string `json:"strategy"`
	Complete bool   `json:"complete"`
	Planned  int    `json:"planned"`
	Attempts int    `json:"attempts"`
	// Counts are the planned jobs by the status of the attempt that counts
	// (the latest ok one, else the latest one); missing jobs have none.
	Counts Counts `json:"counts"`
	// UnknownRows are rows of job ids the pool does not have.
	UnknownRows int     `json:"unknown_rows"`
	FirstStart  string  `json:"first_start,omitempty"`
	LastEnd     string  `json:"last_end,omitempty"`
	WallS       float64 `json:"wall_s"`
	JobsPerMin  float64 `json:"jobs_per_min"`

	Machines   []MachineFigures `json:"machines"`
	Suggested  Suggestion       `json:"suggested"`
	Durations  DurationFigures  `json:"durations"`
	Failures   []FailureGroup   `json:"failures"`
	Throughput Throughput       `json:"throughput"`
	Warnings   []string         `json:"warnings"`
}

// Counts are jobs by status.
type Counts struct {
	OK          int `json:"ok"`
	Failed      int `json:"failed"`
	Timeout     int `json:"timeout"`
	BadResult   int `json:"bad_result"`
	Interrupted int `json:"interrupted"`
	Missing     int `json:"missing"`
}

// MachineFigures are one machine's line of the machines table.
type MachineFigures struct {
	Name string `json:"name"`
	// Perf, Cores and Weight are as declared in machines.json (0 for a
	// machine seen only in the result rows).
	Perf         float64 `json:"perf"`
	Cores        int     `json:"cores"`
	Weight       float64 `json:"weight"`
	Planned      int     `json:"planned"`
	PlannedShare float64 `json:"planned_share"`
	Missing      int     `json:"missing"`
	// Attempts are the rows the machine wrote; OK those with status ok.
	Attempts int `json:"attempts"`
	OK       int `json:"ok"`
	// Moved are the attempts of jobs the plan gave another machine: work
	// this machine stole or took over (with balance).
	Moved int `json:"moved"`
	// Slots are the worker slots rebuilt from start and end times.
	Slots        int     `json:"slots"`
	BusyFraction float64 `json:"busy_fraction"`
	FirstStart   string  `json:"first_start,omitempty"`
	LastEnd      string  `json:"last_end,omitempty"`
	MeanOKS      float64 `json:"mean_ok_s"`
	// Speed is how much faster the machine ran its ok jobs than the others
	// did theirs (above 1 is faster), nil without ok jobs on both sides.
	Speed *Interval `json:"speed"`
	// MeasuredPerf is the perf the measured speed implies, on the scale of
	// the declared perfs (the same total perf x cores).
	MeasuredPerf float64 `json:"measured_perf"`
	// PredictedFinishS is planned jobs x mean ok duration / cores;
	// ActualFinishS is the machine's last end minus its first start.
	PredictedFinishS float64 `json:"predicted_finish_s"`
	ActualFinishS    float64 `json:"actual_finish_s"`
}

// Interval is an estimate with its 95% confidence interval.
type Interval struct {
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	N     int     `json:"n"`
}

// Suggestion is machines.json with measured perfs, and the makespans the
// plan would have with each set of weights, from the measured job costs.
type Suggestion struct {
	Machines []SuggestedMachine `json:"machines"`
	// MakespanS is the simulated makespan of the suggested weights;
	// CurrentMakespanS that of the declared ones; IdealS total work over
	// total measured capacity.
	MakespanS        float64 `json:"makespan_s"`
	CurrentMakespanS float64 `json:"current_makespan_s"`
	IdealS           float64 `json:"ideal_s"`
}

// SuggestedMachine is one entry of the suggested machines.json.
type SuggestedMachine struct {
	Name  string  `json:"name"`
	Perf  float64 `json:"perf"`
	Cores int     `json:"cores"`
}

// DurationFigures describe the ok attempts' durations.
type DurationFigures struct {
	Histogram []Bucket       `json:"histogram"`
	Slowest   []JobExample   `json:"slowest"`
	Params    []ParamFigures `json:"params"`
}

// Bucket is one bar of the log-scale duration histogram.
type Bucket struct {
	LowS  float64 `json:"low_s"`
	HighS float64 `json:"high_s"`
	Count int     `json:"count"`
}

// JobExample is one attempt shown with its parameters.
type JobExample struct {
	Job       string            `json:"job"`
	Machine   string            `json:"machine"`
	Attempt   int               `json:"attempt"`
	Status    string            `json:"status"`
	ExitCode  int               `json:"exit_code"`
	DurationS float64           `json:"duration_s"`
	Params    map[string]string `json:"params"`
	Stderr    []string          `json:"stderr,omitempty"`
}

// ParamFigures relate one parameter to the durations: a numeric one by the
// correlation of its value with log duration, a categorical one by the
// spread of durations per value.
type ParamFigures struct {
	Name        string        `json:"name"`
	Kind        string        `json:"kind"`
	N           int           `json:"n"`
	Correlation *float64      `json:"correlation,omitempty"`
	Values      []ValueSpread `json:"values,omitempty"`
	points      []point
}

// ValueSpread is the spread of ok durations of one value of a parameter.
type ValueSpread struct {
	Value   string  `json:"value"`
	N       int     `json:"n"`
	MinS    float64 `json:"min_s"`
	P10S    float64 `json:"p10_s"`
	MedianS float64 `json:"median_s"`
	P90S    float64 `json:"p90_s"`
	MaxS    float64 `json:"max_s"`
}

// FailureGroup is the not-ok jobs that share a status and exit code.
type FailureGroup struct {
	Status   string       `json:"status"`
	ExitCode int          `json:"exit_code"`
	Count    int          `json:"count"`
	Examples []JobExample `json:"examples"`
}

// Throughput counts ok attempts ending in each time bin, per machine.
type Throughput struct {
	BinS     float64          `json:"bin_s"`
	Machines []MachineCounter `json:"machines"`
}

// MachineCounter is one machine's counts per bin.
type MachineCounter struct {
	Name   string `json:"name"`
	Counts []int  `json:"counts"`
}
