package ui

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// ErrNoAnswer is a prompt whose input ended before a valid answer.
var ErrNoAnswer = errors.New("cannot tell which machine this is: no answer")

// ErrNotConfirmed is a question answered with anything but yes.
var ErrNotConfirmed = errors.New("not confirmed: nothing run")

// Choice is one machine offered by AskMachine.
type Choice struct {
	Name   string
	Weight string
	Jobs   int
}

// AskMachine asks which machine this is, until it reads a number or a name
// from the list; it returns ErrNoAnswer when the input ends first.
func AskMachine(in io.Reader, out io.Writer, choices []Choice) (string, error) {
	fmt.Fprintln(out, "Which machine is this?")
	tw := tabwriter.NewWriter(out, 0, 0, 3, ' ', 0)
	for i, c := range choices {
		fmt.Fprintf(tw, "  %d) %s\tweight %s\t%s\n", i+1, c.Name, c.Weight, CountJobs(c.Jobs))
	}
	tw.Flush()
	lines := bufio.NewReader(in)
	for {
		fmt.Fprintf(out, "machine [1-%d or name]: ", len(choices))
		line, err := lines.ReadString('\n')
		answer := strings.TrimSpace(line)
		if n, convErr := strconv.Atoi(answer); convErr == nil && n >= 1 && n <= len(choices) {
			return choices[n-1].Name, nil
		}
		for _, c := range choices {
			if answer != "" && c.Name == answer {
				return answer, nil
			}
		}
		if err != nil {
			fmt.Fprintln(out)
			return "", ErrNoAnswer
		}
		if answer != "" {
			fmt.Fprintf(out, "%q is not a machine of this sweep\n", answer)
		}
	}
}

// Confirm asks a yes/no question; anything but yes is ErrNotConfirmed.
func Confirm(in io.Reader, out io.Writer, question string) error {
	fmt.Fprint(out, question)
	line, _ := bufio.NewReader(in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return ErrNotConfirmed
}
