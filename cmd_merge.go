package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/jobsplit/jobsplit/internal/atomicfile"
	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/logs"
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
			&cli.StringFlag{Name: "since", Usage: "only records at or after `TIME`: 2026-12-03T14:30:00Z, 2026-12-03, 14:30 (today), " +
				"'2026-12-03 14:30' (local time without a zone) or 10m, 2h, 1h30m (back from now)"},
			&cli.StringFlag{Name: "until", Usage: "only records before `TIME`, written as for --since"},
			&cli.StringFlag{Name: "grep", Usage: "only records whose line matches `REGEX`"},
			&cli.BoolFlag{Name: "strict", Usage: "exit 1 if a log is damaged (torn tail, damaged gzip member, lines that are not records), after writing every intact record"},
		},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			opts := mergeOptions{Paths: c.Args().Slice(), Output: c.String("output"), Config: c.String("config"), ConfigSet: c.IsSet("config")}
			opts.Merge.Format = logs.Format(c.String("format"))
			opts.Merge.Machine, opts.Merge.Job, opts.Merge.Level = c.String("machine"), c.String("job"), c.String("level")
			opts.Merge.Strict = c.Bool("strict")
			var err error
			now := time.Now()
			if opts.Merge.Since, err = parseTimeFlag("since", c.String("since"), now); err != nil {
				return err
			}
			if opts.Merge.Until, err = parseTimeFlag("until", c.String("until"), now); err != nil {
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

// parseTimeFlag reads --since or --until (see logs.ParseTime) in the local
// time zone; "" is no limit.
func parseTimeFlag(name, value string, now time.Time) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	t, err := logs.ParseTime(value, now, time.Local)
	if err != nil {
		return time.Time{}, withHint(fmt.Errorf("--%s %q is not a time", name, value), "write a time as %s", logs.TimeForms)
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
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			abs, _ := filepath.Abs(dir)
			return withHint(fmt.Errorf("merge logs: no logs folder here: %s does not exist", abs),
				"run merge-logs in the folder holding logs/ (copied from every host), or name the folders: jobsplit merge-logs DIR...")
		}
		paths = []string{dir}
	}
	files, err := logs.FindLogs(paths)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return withHint(fmt.Errorf("merge logs: no log files (*.jsonl.gz, *.jsonl.zst, *.jsonl) in %s", strings.Join(paths, ", ")),
			"copy logs/ from every host here, or name the folders: jobsplit merge-logs DIR...")
	}
	if opts.Merge.Format == "" {
		opts.Merge.Format = logs.FormatJSONL
		if opts.Output == "" && ui.IsTerminal(stdout) {
			opts.Merge.Format = logs.FormatText
		}
	}
	var damaged error // with --strict: reported once the output is complete
	merge := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 256<<10)
		warnings, err := logs.Merge(bw, files, opts.Merge)
		for _, w := range warnings {
			fmt.Fprintf(stderr, "jobsplit: warning: %s\n", w)
		}
		if errors.Is(err, logs.ErrDamaged) {
			damaged, err = err, nil
		}
		return errors.Join(err, bw.Flush())
	}
	if opts.Output == "" {
		err = merge(stdout)
	} else {
		err = atomicfile.Write(opts.Output, merge)
	}
	if err == nil && damaged != nil {
		return withHint(fmt.Errorf("%w (%w)", damaged, errStrict), "every intact record was written; without --strict damage is only a warning")
	}
	return err
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
