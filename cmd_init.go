package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"
)

func newInitCommand() *cli.Command {
	return &cli.Command{
		Name:         "init",
		Usage:        "write a working example sweep into DIR (default: here)",
		ArgsUsage:    "[DIR]",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return withHint(errors.New("init takes one directory"), "jobsplit init [DIR]")
			}
			dir := c.Args().First()
			if dir == "" {
				dir = "."
			}
			return runInit(c.App.ErrWriter, dir)
		},
	}
}

// initFiles maps each file init writes to its source in exampleFiles.
var initFiles = []struct {
	name, source string
	mode         fs.FileMode
}{
	{"jobsplit.toml", "example/jobsplit.toml", 0o644},
	{"machines.json", "sample.machines.json", 0o644},
	{"jobs.csv", "example/jobs.csv", 0o644},
	{"sim.sh", "example/sim.sh", 0o755},
}

// runInit writes the example, all or nothing: it never overwrites a file.
func runInit(w io.Writer, dir string) error {
	for _, f := range initFiles {
		path := filepath.Join(dir, f.name)
		if _, err := os.Lstat(path); err == nil {
			return withHint(fmt.Errorf("init: %s already exists; nothing written", path),
				"run 'jobsplit init DIR' with a new directory")
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	for _, f := range initFiles {
		data, err := exampleFiles.ReadFile(f.source)
		if err != nil {
			return fmt.Errorf("init: %w", err)
		}
		path := filepath.Join(dir, f.name)
		if err := writeNew(path, data, f.mode); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		fmt.Fprintf(w, "wrote %s\n", path)
	}
	fmt.Fprintf(w, "next: cd %s && jobsplit plan\n", dir)
	return nil
}

// writeNew creates path with data, failing if it exists.
func writeNew(path string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
