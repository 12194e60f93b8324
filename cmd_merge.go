package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/logs"
	"github.com/jobsplit/jobsplit/results"
	"github.com/jobsplit/jobsplit/ui"
)

func newMergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge-logs",
		Usage:     "interleave every host's log in time order",
		ArgsUsage: "[PATH...] (folders or .jsonl.gz/.jsonl.zst/.jsonl files; default: ./logs)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Value: "jobsplit.toml", Usage: "the sweep's config `FILE`, whose [logs] dir is the default folder"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` (default: stdout)"},
			&cli.StringFlag{Name: "format", Usage: "jsonl (records as they were) or text (default: text on a terminal, else jsonl)"},
			&cli.StringFlag{Name: "machine", Usage: "only records of machine `NAME`"},
			&cli.StringFlag{Name: "job", Usage: "only records of job `ID`"},
			&cli.StringFlag{Name: "level", Usage: "only records at `LEVEL` or more severe (debug, info, warn, error)"},
			&cli.StringFlag{Name: "since", Usage: "only records at or after `TIME` (RFC 3339)"},
			&cli.StringFlag{Name: "until", Usage: "only records before `TIME` (RFC 3339)"},
			&cli.StringFlag{Name: "grep", Usage: "only records whose line matches `REGEX`"},
		},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			opts := mergeOptions{Paths: c.Args().Slice(), Output: c.String("output"), Config: c.String("config"), ConfigSet: c.IsSet("config")}
			opts.Merge.Format = logs.Format(c.String("format"))
			opts.Merge.Machine, opts.Merge.Job, opts.Merge.Level = c.String("machine"), c.String("job"), c.String("level")
			var err error
			if opts.Merge.Since, err = parseTimeFlag("since", c.String("since")); err != nil {
				return err
			}
			if opts.Merge.Until, err = parseTimeFlag("until", c.String("until")); err != nil {
				return err
			}
			if expr := c.String("grep"); expr != "" {
				if opts.Merge.Grep, err = regexp.Compile(expr); err != nil {
					return withHint(fmt.Errorf("--grep: %w", err), "--grep takes a Go regular expression")
				}
			}
			return runMerge(c.App.Writer, c.App.ErrWriter, opts)
		},
	}
}

type mergeOptions struct {
	Paths  []string
	Output string
	// Config names the sweep whose logs folder is read when no path is
	// given; ConfigSet says the user named it (then it must load).
	Config    string
	ConfigSet bool
	Merge     logs.MergeOptions
}

func parseTimeFlag(name, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, value)
	if err != nil {
		return time.Time{}, withHint(fmt.Errorf("--%s %q is not a time", name, value), "write times as 2026-11-21T10:00:00Z")
	}
	return t, nil
}

func runMerge(stdout, stderr io.Writer, opts mergeOptions) error {
	paths := opts.Paths
	if len(paths) == 0 {
		dir, err := defaultLogsDir(opts)
		if err != nil {
			return err
		}
		paths = []string{dir}
	}
	files, err := logs.FindLogs(paths)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return withHint(errors.New("merge logs: no log files found"), "copy logs/ from every host here, or name the folders: jobsplit merge-logs DIR...")
	}
	if opts.Merge.Format == "" {
		opts.Merge.Format = logs.FormatJSONL
		if opts.Output == "" && ui.IsTerminal(stdout) {
			opts.Merge.Format = logs.FormatText
		}
	}
	merge := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 256<<10)
		warnings, err := logs.Merge(bw, files, opts.Merge)
		for _, w := range warnings {
			fmt.Fprintf(stderr, "jobsplit: warning: %s\n", w)
		}
		return errors.Join(err, bw.Flush())
	}
	if opts.Output == "" {
		return merge(stdout)
	}
	return results.WriteFileAtomic(opts.Output, merge)
}

// defaultLogsDir is the logs folder of the sweep's config (--config), or
// ./logs when there is no jobsplit.toml here and --config was not given.
func defaultLogsDir(opts mergeOptions) (string, error) {
	cfg, err := jobs.LoadConfig(opts.Config)
	switch {
	case err == nil:
		return jobs.PathsOf(cfg).Logs, nil
	case !opts.ConfigSet && errors.Is(err, fs.ErrNotExist):
		return "logs", nil
	}
	return "", err
}
