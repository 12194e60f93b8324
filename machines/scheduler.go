package machines

import (
	"fmt"
	"strconv"
	"strings"
)

// ArrayVar is the environment variable in which a batch scheduler tells each
// task of a job array its index.
type ArrayVar struct {
	// Name is the variable, such as SLURM_ARRAY_TASK_ID.
	Name string
	// Scheduler names the scheduler, for messages.
	Scheduler string
	// Base is the index of the first machine. Slurm, PBS and Kubernetes
	// take the index as given, so an array 0-K runs machines 0 to K; SGE
	// and LSF cannot start an array at 0, so their index 1 is the first
	// machine.
	Base int
	// NotArray is the value the scheduler sets outside an array job, which
	// means no index at all: SGE says "undefined", LSF says "0".
	NotArray string
}

// ArrayVars are the schedulers' array index variables, in the order they
// are consulted.
var ArrayVars = []ArrayVar{
	{Name: "SLURM_ARRAY_TASK_ID", Scheduler: "Slurm"},
	{Name: "PBS_ARRAY_INDEX", Scheduler: "PBS Pro"},
	{Name: "PBS_ARRAYID", Scheduler: "Torque"},
	{Name: "SGE_TASK_ID", Scheduler: "SGE", Base: 1, NotArray: "undefined"},
	{Name: "LSB_JOBINDEX", Scheduler: "LSF", Base: 1, NotArray: "0"},
	{Name: "JOB_COMPLETION_INDEX", Scheduler: "Kubernetes"},
}

// IndexError is an array index that names no machine: not a number, below
// the scheduler's first index, or set differently by two schedulers.
type IndexError struct {
	// Var is the variable, or "--shard".
	Var     string
	Value   string
	Problem string
}

func (e *IndexError) Error() string {
	return fmt.Sprintf("%s is %q: %s", e.Var, e.Value, e.Problem)
}

// SchedulerIndex reads a scheduler's array index from the environment
// (getenv is os.Getenv outside tests) and turns it into a position in the
// machine list: 0 is the first machine. It returns -1 and no error when no
// array variable is set, and the source of the index (such as
// "SGE_TASK_ID=4 (1-based)") for messages. A value that is not a whole
// number, or below the scheduler's first index, is an *IndexError naming
// the variable; so is a second variable that picks a different machine.
func SchedulerIndex(getenv func(string) string) (index int, source string, err error) {
	index = -1
	var first ArrayVar
	for _, v := range ArrayVars {
		value := getenv(v.Name)
		if value == "" || value == v.NotArray {
			continue
		}
		n, err := parseIndex(v.Name, value)
		if err != nil {
			return -1, "", err
		}
		if n < v.Base {
			return -1, "", &IndexError{Var: v.Name, Value: value,
				Problem: fmt.Sprintf("%s counts array tasks from %d, so %d is the first machine", v.Scheduler, v.Base, v.Base)}
		}
		switch {
		case index < 0:
			index, source, first = n-v.Base, describe(v, value), v
		case n-v.Base != index:
			return -1, "", &IndexError{Var: v.Name, Value: value,
				Problem: fmt.Sprintf("it picks another machine than %s does; unset the one that does not belong to this job", describe(first, getenv(first.Name)))}
		}
	}
	return index, source, nil
}

// ParseShard reads --shard I, a 0-based position.
func ParseShard(value string) (int, error) { return parseIndex("--shard", value) }

func parseIndex(name, value string) (int, error) {
	text := strings.TrimSpace(value)
	n, err := strconv.Atoi(text)
	if err != nil || text == "" || text[0] < '0' || text[0] > '9' {
		return 0, &IndexError{Var: name, Value: value, Problem: "not an array index (a whole number)"}
	}
	return n, nil
}

func describe(v ArrayVar, value string) string {
	if v.Base == 1 {
		return v.Name + "=" + value + " (1-based)"
	}
	return v.Name + "=" + value
}

// RangeError is an array index past the last machine.
type RangeError struct {
	// Source is where the index came from, such as "SLURM_ARRAY_TASK_ID=3".
	Source string
	// Count is how many machines there are.
	Count int
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("%s is past the last of the %d machines", e.Source, e.Count)
}

// CheckIndex returns a *RangeError when index (0-based, from source) is
// past the last of count machines: an array with more tasks than machines
// is an error, never a silent run of nothing or of everything.
func CheckIndex(index int, source string, count int) error {
	if index < count {
		return nil
	}
	return &RangeError{Source: source, Count: count}
}
