package main

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jobsplit/jobsplit/jobs"
)

// promptMachine asks on the terminal which machine this is, until it gets a
// number or a name from the list.
func promptMachine(s *jobs.Sweep, opts runOptions) (string, error) {
	fmt.Fprintln(opts.Stderr, "Which machine is this?")
	tw := tabwriter.NewWriter(opts.Stderr, 0, 0, 3, ' ', 0)
	for i, m := range s.Machines {
		fmt.Fprintf(tw, "  %d) %s\tweight %s\t%s\n", i+1, m.Name, m.WeightString(), countJobs(len(s.Plan.Shares[i].Jobs)))
	}
	tw.Flush()
	in := bufio.NewReader(opts.Stdin)
	for {
		fmt.Fprintf(opts.Stderr, "machine [1-%d or name]: ", len(s.Machines))
		line, err := in.ReadString('\n')
		answer := strings.TrimSpace(line)
		if n, convErr := strconv.Atoi(answer); convErr == nil && n >= 1 && n <= len(s.Machines) {
			return s.Machines[n-1].Name, nil
		}
		if _, ok := s.Machines.Find(answer); ok && answer != "" {
			return answer, nil
		}
		if err != nil {
			fmt.Fprintln(opts.Stderr)
			return "", withHint(errors.New("cannot tell which machine this is: no answer"),
				"pass --machine NAME or set JOBSPLIT_MACHINE")
		}
		if answer != "" {
			fmt.Fprintf(opts.Stderr, "%q is not a machine of this sweep\n", answer)
		}
	}
}

// confirm asks a yes/no question on the terminal; anything but yes stops.
func confirm(opts runOptions, question string) error {
	fmt.Fprint(opts.Stderr, question)
	line, _ := bufio.NewReader(opts.Stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return withHint(errors.New("not confirmed: nothing run"), "answer y, or pass --yes to run without asking")
}

// countJobs says "1 job" or "n jobs".
func countJobs(n int) string { return plural(n, "job") }

// plural says "1 thing" or "n things".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
