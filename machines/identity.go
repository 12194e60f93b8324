package machines

import (
	"errors"
	"fmt"
	"strings"
)

// Clues are the ways a host can tell which machine it is, strongest first.
type Clues struct {
	// Flag is --machine.
	Flag string
	// Env is $JOBSPLIT_MACHINE.
	Env string
	// Index is a scheduler's array index, resolved to a position in the
	// list by the scheduler's own rules; -1 when there is none.
	Index int
	// IndexSource names where the index came from, for messages.
	IndexSource string
	// Hostname is the host's name.
	Hostname string
}

// ErrUnknownMachine is returned when no clue names a machine.
var ErrUnknownMachine = errors.New("cannot tell which machine this is")

// NotListedError is a machine name that machines.json does not list.
type NotListedError struct {
	Name   string
	Source string
}

func (e *NotListedError) Error() string {
	return fmt.Sprintf("%s names machine %q, which is not listed", e.Source, e.Name)
}

// Identify answers "which machine is this?" from the clues, in order:
// --machine, $JOBSPLIT_MACHINE, a scheduler's array index, then the host
// name (full or short) when it equals a machine's name. It returns the
// machine's name and the clue that named it, or ErrUnknownMachine.
func (l List) Identify(c Clues) (name, source string, err error) {
	named := func(name, source string) (string, string, error) {
		if _, ok := l.Find(name); !ok {
			return "", "", &NotListedError{Name: name, Source: source}
		}
		return name, source, nil
	}
	switch {
	case c.Flag != "":
		return named(c.Flag, "--machine")
	case c.Env != "":
		return named(c.Env, "JOBSPLIT_MACHINE")
	case c.Index >= 0:
		if c.Index >= len(l) {
			return "", "", fmt.Errorf("%s is %d, but machines.json lists only %d machines", c.IndexSource, c.Index, len(l))
		}
		return l[c.Index].Name, c.IndexSource, nil
	}
	if c.Hostname != "" {
		short, _, _ := strings.Cut(c.Hostname, ".")
		for _, candidate := range []string{c.Hostname, short} {
			if _, ok := l.Find(candidate); ok {
				return candidate, "host name", nil
			}
		}
	}
	return "", "", ErrUnknownMachine
}
