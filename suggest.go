package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// closest is the choice nearest to word by edit distance, when it is near
// enough to be a typo (at most a third of the word's letters off, and at
// least one), or "".
func closest(word string, choices []string) string {
	best, bestDistance := "", max(1, len(word)/3)+1
	for _, c := range choices {
		if d := editDistance(strings.ToLower(word), strings.ToLower(c)); d < bestDistance {
			best, bestDistance = c, d
		}
	}
	return best
}

// editDistance is the edit distance between a and b in bytes, counting a
// swap of two neighbours as one edit (optimal string alignment): "rnu" is
// one edit from "run".
func editDistance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(a)][len(b)]
}

// didYouMean is a hint's start for a near choice: "did you mean X? ".
func didYouMean(word string, choices []string, format string) string {
	if c := closest(word, choices); c != "" {
		return fmt.Sprintf("did you mean "+format+"? ", c)
	}
	return ""
}

// unknownCommand is the error for a command jobsplit does not have.
func unknownCommand(c *cli.Context, name string) error {
	var names []string
	for _, cmd := range c.App.Commands {
		names = append(names, cmd.Names()...)
	}
	return withHint(fmt.Errorf("unknown command %q", name),
		"%ssee 'jobsplit --help' for the commands", didYouMean(name, names, "'jobsplit %s'"))
}

// flagNames are the long names of a command's flags.
func flagNames(flags []cli.Flag) []string {
	var names []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if len(n) > 1 {
				names = append(names, n)
			}
		}
	}
	return names
}
