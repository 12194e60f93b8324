package main

import (
	"context"
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
	"github.com/jobsplit/jobsplit/internal/oserr"
	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/logs"
	sweepreport "github.com/jobsplit/jobsplit/report"
	"github.com/jobsplit/jobsplit/results"
)

func newReportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write one offline HTML page showing how the sweep went, host by host",
		ArgsUsage: "[PATH...] (folders holding results/ and logs/, or result CSVs and logs; default: the config's)",
		Description: "The page needs no network and no other file: timeline of every attempt, machines with " +
			"measured speed and suggested weights, durations against parameters, failures with their last " +
			"stderr lines, throughput. It works mid-sweep, with the missing work counted.",
		Flags: append(sweepFlags(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "report.html", Usage: "write the page to `FILE`"},
			&cli.BoolFlag{Name: "json", Usage: "print the figures as JSON on stdout instead of writing the page"},
			&cli.StringFlag{Name: "suggest-machines", Usage: "also write a machines.json with the measured perfs to `FILE`"},
		),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			return runReport(c.Context, reportOptions{
				Sweep: sweepOptions(c), Paths: c.Args().Slice(), Output: c.String("output"),
				JSON: c.Bool("json"), SuggestMachines: c.String("suggest-machines"),
				Stdout: c.App.Writer, Stderr: c.App.ErrWriter,
			})
		},
	}
}

type reportOptions struct {
	Sweep           jobs.Options
	Paths           []string
	Output          string
	JSON            bool
	SuggestMachines string
	Stdout, Stderr  io.Writer
}

func runReport(_ context.Context, opts reportOptions) error {
	s, err := loadSweep(opts.Sweep)
	if err != nil {
		return err
	}
	resultPaths, logFiles, err := reportInputs(opts.Paths, s)
	if err != nil {
		return err
	}
	files, err := results.ResultFiles(resultPaths)
	switch {
	case errors.Is(err, results.ErrNoFiles), len(opts.Paths) == 0 && errors.Is(err, fs.ErrNotExist):
		return withHint(err, "copy results/ and logs/ from every host here, or name the folders: jobsplit report DIR...")
	case err != nil:
		return err
	}
	r, err := sweepreport.Build(sweepreport.Source{Sweep: s, ResultFiles: files, LogFiles: logFiles})
	if err != nil {
		return err
	}
	for _, w := range r.Warnings() {
		fmt.Fprintf(opts.Stderr, "jobsplit: warning: %s\n", w)
	}
	if opts.SuggestMachines != "" {
		if err := writeSuggestedMachines(r, s, opts.SuggestMachines); err != nil {
			return err
		}
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r.Figures())
	}
	if err := atomicfile.Write(opts.Output, r.WriteHTML); err != nil {
		return fmt.Errorf("write report %s: %w", opts.Output, err)
	}
	f := r.Figures()
	fmt.Fprintf(opts.Stderr, "report: %s (%d of %d jobs ok, %d attempts, %d log files)\n",
		opts.Output, f.Counts.OK, f.Planned, f.Attempts, len(logFiles))
	return nil
}

// writeSuggestedMachines writes the current machines.json with the measured
// perfs, keeping its form.
func writeSuggestedMachines(r *sweepreport.Report, s *jobs.Sweep, path string) error {
	var current []byte
	if s.Shards == 0 {
		data, err := os.ReadFile(s.MachinesPath)
		if err != nil {
			return fmt.Errorf("read machines %s: %w", s.MachinesPath, oserr.Bare(err))
		}
		current = data
	}
	data, err := r.SuggestedMachines(current, path)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// reportInputs sorts the paths into result paths and log files: a folder
// holding results/ or logs/ stands for both, another folder for the CSVs
// and logs directly in it, a file for itself by its extension. No path
// means the config's results and logs folders.
func reportInputs(paths []string, s *jobs.Sweep) (resultPaths, logFiles []string, err error) {
	var logPaths []string
	if len(paths) == 0 {
		resultPaths = []string{s.Paths.Results}
		if dir := s.Paths.Logs; isDir(dir) {
			logPaths = []string{dir}
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", p, oserr.Bare(err))
		}
		switch {
		case st.IsDir() && (isDir(filepath.Join(p, "results")) || isDir(filepath.Join(p, "logs"))):
			if dir := filepath.Join(p, "results"); isDir(dir) {
				resultPaths = append(resultPaths, dir)
			}
			if dir := filepath.Join(p, "logs"); isDir(dir) {
				logPaths = append(logPaths, dir)
			}
		case st.IsDir():
			resultPaths = append(resultPaths, p)
			logPaths = append(logPaths, p)
		case strings.HasSuffix(p, ".csv"):
			resultPaths = append(resultPaths, p)
		case strings.HasSuffix(p, ".jsonl") || strings.HasSuffix(p, ".jsonl.gz") || strings.HasSuffix(p, ".jsonl.zst"):
			logPaths = append(logPaths, p)
		default:
			return nil, nil, withHint(fmt.Errorf("read %s: not a results CSV, a log or a folder", p),
				"name folders holding results/ and logs/, *.csv result files or *.jsonl.gz logs")
		}
	}
	if len(logPaths) > 0 {
		if logFiles, err = logs.FindLogs(logPaths); err != nil {
			return nil, nil, err
		}
	}
	if len(resultPaths) == 0 {
		return nil, nil, withHint(fmt.Errorf("report %s: %w", strings.Join(paths, " "), results.ErrNoFiles),
			"name folders holding results/, or result CSV files")
	}
	return resultPaths, logFiles, nil
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
