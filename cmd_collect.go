package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/jobsplit/jobsplit/internal/atomicfile"
	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/jobs/pool"
	"github.com/jobsplit/jobsplit/results"
)

func newCollectCommand() *cli.Command {
	return &cli.Command{
		Name:      "collect-results",
		Usage:     "join every host's results into one table and say what is missing",
		ArgsUsage: "[PATH...] (folders or CSV files; default: the results directory)",
		Description: "Keeps one row per planned job: its latest ok attempt, or its latest attempt when none " +
			"is ok. A summary per machine goes to stderr.\n\nExit status: 0 every planned job is ok; " +
			"3 jobs are missing or failed; 2 bad input.",
		Flags: append(sweepFlags(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the table to `FILE` atomically (default: stdout)"},
			&cli.StringFlag{Name: "sort", Value: "plan", Usage: "row order: plan, id or started"},
			&cli.BoolFlag{Name: "allow-mixed", Usage: "take files from another digest, keeping rows of jobs in the current pool"},
			&cli.BoolFlag{Name: "json", Usage: "print the summary as JSON on stdout instead of the table"},
			&cli.StringFlag{Name: "missing", Usage: "write the jobs that are not ok to `FILE` as a pool CSV"},
		),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			return runCollect(c.App.Writer, c.App.ErrWriter, collectOptions{
				Sweep: sweepOptions(c), Paths: c.Args().Slice(), Output: c.String("output"),
				Sort: c.String("sort"), AllowMixed: c.Bool("allow-mixed"), JSON: c.Bool("json"),
				Missing: c.String("missing"),
			})
		},
	}
}

// notOKListed is how many failed and how many missing jobs collect-results
// and status list by id and parameters; --missing FILE writes them all.
const notOKListed = 10

type collectOptions struct {
	Sweep      jobs.Options
	Paths      []string
	Output     string
	Sort       string
	AllowMixed bool
	JSON       bool
	Missing    string
	// TableOff skips the table (status).
	TableOff bool
}

// collect joins the result files of the current plan.
func collect(opts collectOptions, stderr io.Writer) (*results.Collection, *jobs.Sweep, error) {
	sort, err := results.ParseSortOrder(opts.Sort)
	if err != nil {
		return nil, nil, withHint(err, "pass --sort plan, --sort id or --sort started")
	}
	s, err := loadSweep(opts.Sweep)
	if err != nil {
		return nil, nil, err
	}
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{s.Paths.Results}
	}
	for _, out := range []string{opts.Output, opts.Missing} {
		if dir := insideAny(out, paths); dir != "" {
			return nil, nil, withHint(fmt.Errorf("%s is inside %s, which collect reads: the next collect would count its rows twice", out, dir),
				"write it elsewhere, such as -o all.csv")
		}
	}
	c, err := results.Collect(s.ResultsPlan(), paths, results.Options{AllowMixed: opts.AllowMixed, Sort: sort})
	var mixed *results.MixedDigestError
	switch {
	case errors.As(err, &mixed):
		return nil, nil, withHint(err, "collect with the config, pool and machines.json the hosts ran, or pass --allow-mixed")
	case errors.Is(err, results.ErrNoFiles), len(opts.Paths) == 0 && errors.Is(err, fs.ErrNotExist):
		return nil, nil, withHint(err, "copy results/ from every host here, or name the folders: jobsplit collect-results DIR...")
	case err != nil:
		return nil, nil, err
	}
	for _, w := range c.Warnings {
		fmt.Fprintf(stderr, "jobsplit: warning: %s\n", w)
	}
	return c, s, nil
}

// insideAny returns the folder of paths that holds file, or "".
func insideAny(file string, paths []string) string {
	if file == "" {
		return ""
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	for _, p := range paths {
		dir, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() && filepath.Dir(abs) == dir && strings.HasSuffix(abs, ".csv") {
			return p
		}
	}
	return ""
}

func runCollect(stdout, stderr io.Writer, opts collectOptions) error {
	c, s, err := collect(opts, stderr)
	if err != nil {
		return err
	}
	if opts.Missing != "" {
		// The pool is a plain CSV; its parent file links it to this sweep.
		// Written together, the parent file first: a crash between the
		// renames never leaves the new pool without its link.
		parent := atomicfile.Pending{Path: pool.ParentFile(opts.Missing), Write: func(w io.Writer) error {
			_, err := io.WriteString(w, s.MissingParent())
			return err
		}}
		if err := atomicfile.WriteAll(parent, atomicfile.Pending{Path: opts.Missing, Write: c.WriteMissing}); err != nil {
			return err
		}
	}
	switch {
	case opts.TableOff:
	case opts.Output != "":
		if err := atomicfile.Write(opts.Output, c.WriteTable); err != nil {
			return err
		}
	case !opts.JSON:
		if err := c.WriteTable(stdout); err != nil {
			return err
		}
	}
	if err := writeSummary(stdout, stderr, c.Summary, opts.JSON); err != nil {
		return err
	}
	if !opts.JSON {
		if err := c.WriteNotOK(stderr, notOKListed); err != nil {
			return err
		}
	}
	if !c.Summary.Complete {
		if !opts.JSON {
			t := c.Summary.Total
			fmt.Fprintf(stderr, "incomplete: %d of %d jobs not ok (%d failed, %d missing)", t.Planned-t.OK, t.Planned, t.Failed, t.Missing)
			if opts.Missing == "" {
				fmt.Fprint(stderr, "; --missing FILE writes them as a pool to re-plan")
			}
			fmt.Fprintln(stderr)
		}
		return quiet{errIncomplete}
	}
	return nil
}

// writeSummary prints the per-machine summary: JSON on stdout, or the table
// on stderr.
func writeSummary(stdout, stderr io.Writer, s results.Summary, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return s.WriteText(stderr)
}

func newStatusCommand() *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "the summary of collect-results, without the table: a quick look while a sweep runs",
		ArgsUsage: "[PATH...]",
		Flags: append(sweepFlags(),
			&cli.BoolFlag{Name: "json", Usage: "print the summary as JSON on stdout"},
			&cli.StringFlag{Name: "balance-dir", Usage: "show the live state of a balanced sweep from the shared folder `DIR` alone (each host's heartbeat, done, running, left, stolen)"},
		),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if c.IsSet("balance-dir") {
				return runBalanceStatus(c.Context, c.App.Writer, balanceStatusOptions{
					Sweep: sweepOptions(c), Dir: c.String("balance-dir"), JSON: c.Bool("json"),
				})
			}
			return runStatus(c.Context, c.App.Writer, c.App.ErrWriter, collectOptions{
				Sweep: sweepOptions(c), Paths: c.Args().Slice(), JSON: c.Bool("json"), TableOff: true,
			})
		},
	}
}
