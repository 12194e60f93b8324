package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/jobsplit/jobsplit/machines"
)

func newBenchCommand() *cli.Command {
	return &cli.Command{
		Name:  "bench",
		Usage: "measure this machine's speed and cores: its machines.json entry",
		Description: "Runs a fixed single-thread CPU benchmark for about --duration, counts the cores " +
			"this process may use (affinity mask and cgroup CPU limit) and prints this host's " +
			`machines.json entry, "name": [perf, cores]. perf is relative to a fixed reference, ` +
			"so entries measured on different machines compare. GPUs found by nvidia-smi -L or " +
			"rocm-smi (else /dev/nvidia* or /dev/dri/renderD*) go into the entry as \"gpus\": N.\n\n" + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: "duration", Value: 2 * time.Second, Usage: "measure for about this long"},
			&cli.StringFlag{Name: "name", Usage: "the machine's `NAME` (default: the short host name)"},
			&cli.StringFlag{Name: "update", Usage: "write the entry into machines.json `FILE`, keeping the other machines"},
			&cli.BoolFlag{Name: "json", Usage: "print the measurement as JSON"},
		},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return withHint(fmt.Errorf("bench takes no arguments, got %q", c.Args().First()),
					"jobsplit bench [--name NAME] [--update machines.json]")
			}
			return runBench(c.App.Writer, c.App.ErrWriter, benchOptions{
				Duration: c.Duration("duration"),
				Name:     c.String("name"),
				Update:   c.String("update"),
				JSON:     c.Bool("json"),
			})
		},
	}
}

type benchOptions struct {
	Duration time.Duration
	Name     string
	Update   string
	JSON     bool
}

// benchReport is the JSON form of a measurement.
type benchReport struct {
	Name      string    `json:"name"`
	Perf      float64   `json:"perf"`
	Cores     int       `json:"cores"`
	Entry     string    `json:"entry"`
	OpsPerSec float64   `json:"ops_per_sec"`
	Reference float64   `json:"reference_ops_per_sec"`
	Rounds    []float64 `json:"rounds"`
	Spread    float64   `json:"spread"`
	CPUs      int       `json:"cpus"`
	CPULimit  float64   `json:"cpu_limit,omitempty"`
	GPUs      int       `json:"gpus"`
	GPUSource string    `json:"gpu_source,omitempty"`
}

func runBench(stdout, stderr io.Writer, opts benchOptions) error {
	if opts.Duration < 10*time.Millisecond || opts.Duration > 10*time.Minute {
		return withHint(fmt.Errorf("--duration %s is out of range", opts.Duration), "pass a duration from 10ms to 10m, such as 2s")
	}
	name, err := benchName(opts.Name)
	if err != nil {
		return err
	}
	if opts.Update != "" {
		// Refuse a broken file now, not after the measurement.
		if err := checkUpdatable(opts.Update, name); err != nil {
			return err
		}
	}
	speed := machines.MeasureSpeed(opts.Duration)
	cores := machines.CountCores()
	gpus := machines.CountGPUs(context.Background(), "/dev")
	entry := machines.Entry{Name: name, Perf: speed.Perf(), Cores: cores.Cores, GPUs: gpus.GPUs}

	fmt.Fprintf(stderr, "speed   %.0f operations/s on one thread (reference %d: perf %.3f), rounds within %.1f%%\n",
		speed.OpsPerSec, machines.ReferenceOpsPerSec, speed.Perf(), 100*speed.Spread())
	fmt.Fprintf(stderr, "cores   %d: %s\n", cores.Cores, coresReason(cores))
	if gpus.Source != "" {
		fmt.Fprintf(stderr, "gpus    %d: from %s\n", gpus.GPUs, gpus.Source)
	}
	if opts.Update != "" {
		added, err := machines.UpdateFile(opts.Update, entry)
		if err != nil {
			return err
		}
		verb := "updated"
		if added {
			verb = "added"
		}
		fmt.Fprintf(stderr, "%s %s in %s\n", verb, quote(name), opts.Update)
	}
	if opts.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(benchReport{
			Name: name, Perf: speed.Perf(), Cores: cores.Cores, Entry: entry.String(),
			OpsPerSec: speed.OpsPerSec, Reference: machines.ReferenceOpsPerSec,
			Rounds: speed.Rounds, Spread: speed.Spread(), CPUs: cores.CPUs, CPULimit: cores.Limit,
			GPUs: gpus.GPUs, GPUSource: gpus.Source,
		})
	}
	_, err = fmt.Fprintln(stdout, entry)
	return err
}

// benchName is --name, or else the host's short name.
func benchName(name string) (string, error) {
	if name == "" {
		host, err := os.Hostname()
		if err != nil {
			return "", withHint(fmt.Errorf("bench: cannot read the host name: %w", err), "pass --name NAME")
		}
		name, _, _ = strings.Cut(host, ".")
	}
	if err := machines.CheckName(name); err != nil {
		return "", withHint(fmt.Errorf("bench: %w", err), "pass --name NAME")
	}
	return name, nil
}

// checkUpdatable fails when path exists but cannot take the entry.
func checkUpdatable(path, name string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read machines: %w", err)
	}
	if _, err := machines.Update(data, path, machines.Entry{Name: name, Perf: 1, Cores: 1}); err != nil {
		return withHint(err, "fix %s, or pass --update with another file", path)
	}
	return nil
}

func coresReason(c machines.CoreCount) string {
	switch {
	case c.Limit > 0 && c.Cores < c.CPUs:
		return fmt.Sprintf("a cgroup CPU limit of %.4g of the %d CPUs this process may run on", c.Limit, c.CPUs)
	case c.Limit > 0:
		return fmt.Sprintf("the %d CPUs this process may run on (cgroup CPU limit %.4g)", c.CPUs, c.Limit)
	}
	return fmt.Sprintf("the %d CPUs this process may run on, no cgroup CPU limit", c.CPUs)
}
