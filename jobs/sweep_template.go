package jobs

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jobsplit/jobsplit/jobs/resources"
)

// builtinPlaceholders are the placeholders jobsplit fills for every job.
var builtinPlaceholders = []string{"id", "seed", "machine", "attempt"}

// parseTemplate parses the sweep's command: every placeholder must be a pool
// column, a [params] key or one of id, seed, machine, attempt.
func (s *Sweep) parseTemplate() (*Template, error) {
	for _, p := range s.Params {
		if slices.Contains(s.Pool.Columns, p.Name) {
			return nil, fmt.Errorf("[params] key %q is also a column of %s: rename one", p.Name, s.Pool.Source)
		}
		if slices.Contains(builtinPlaceholders, p.Name) {
			return nil, fmt.Errorf("[params] key %q is reserved by jobsplit: rename it", p.Name)
		}
	}
	known := func(name string) bool {
		return slices.Contains(builtinPlaceholders, name) || slices.Contains(resources.PlaceholderNames(), name) || slices.Contains(s.Pool.Columns, name) ||
			slices.ContainsFunc(s.Params, func(p Param) bool { return p.Name == name })
	}
	t, err := ParseTemplate(s.Command, s.Shell, known)
	var unknown *PlaceholderError
	if errors.As(err, &unknown) {
		unknown.Known = append(append([]string(nil), s.Pool.Columns...), builtinPlaceholders...)
		for _, p := range s.Params {
			unknown.Known = append(unknown.Known, p.Name)
		}
	}
	return t, err
}

// shellKeywords start a shell command without naming a program.
var shellKeywords = map[string]bool{
	"if": true, "for": true, "while": true, "until": true, "case": true, "function": true,
	"select": true, "time": true, "!": true, "{": true, "(": true,
}

// Program is the program the command runs, when the command names it
// itself: the first element of an array command, or the first word of a
// string command that sh would run as a program. It is "" when a
// placeholder, a shell builtin or shell syntax comes first: only a run
// can tell then.
func (s *Sweep) Program() string {
	if len(s.Command) == 0 {
		return ""
	}
	first := s.Command[0]
	if s.Shell {
		words := strings.Fields(first)
		if len(words) == 0 {
			return ""
		}
		first = words[0]
		if shellBuiltins[first] || shellKeywords[first] || !isPlainWord(first) || strings.Contains(first, "=") {
			return ""
		}
	}
	if strings.ContainsAny(first, "{}") || first == "" {
		return ""
	}
	return first
}
