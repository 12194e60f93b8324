package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/split"
)

func newPlanCommand() *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "show the digest and how the jobs split across the machines",
		Flags: append(sweepFlags(),
			&cli.BoolFlag{Name: "json", Usage: "print the plan as JSON"},
			&cli.StringFlag{Name: "list", Usage: "print `MACHINE`'s job ids in run order, one per line"},
		),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			return runPlan(c.App.Writer, planOptions{
				Sweep: sweepOptions(c),
				JSON:  c.Bool("json"),
				List:  c.String("list"),
			})
		},
	}
}

type planOptions struct {
	Sweep jobs.Options
	JSON  bool
	List  string
}

func runPlan(w io.Writer, opts planOptions) error {
	s, err := loadSweep(opts.Sweep)
	if err != nil {
		return err
	}
	switch {
	case opts.List != "":
		share, ok := s.Plan.For(opts.List)
		if !ok {
			return unknownMachine(opts.List, s)
		}
		bw := bufio.NewWriter(w)
		for _, i := range share.Jobs {
			bw.WriteString(s.Pool.Job(int(i)).ID)
			bw.WriteByte('\n')
		}
		return bw.Flush()
	case opts.JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(planJSON(s))
	}
	return printPlan(w, s)
}

// planReport is the JSON form of a plan.
type planReport struct {
	Digest   string          `json:"digest"`
	Parent   string          `json:"parent,omitempty"`
	Short    string          `json:"short"`
	Version  int             `json:"version"`
	Total    int             `json:"total"`
	Strategy split.Strategy  `json:"strategy"`
	Machines []machineReport `json:"machines"`
	Makespan *float64        `json:"makespan,omitempty"`
	Ideal    *float64        `json:"ideal,omitempty"`
	// Classes are the classes of jobs by capable machines, only in a
	// sweep whose jobs have needs or priorities.
	Classes []classReport `json:"classes,omitempty"`
}

type classReport struct {
	Needs    string   `json:"needs"`
	Machines []string `json:"machines"`
}

type machineReport struct {
	Name   string   `json:"name"`
	Perf   float64  `json:"perf"`
	Cores  int      `json:"cores"`
	Weight float64  `json:"weight"`
	Count  int      `json:"count"`
	Finish *float64 `json:"finish,omitempty"`
	// PerClass counts the machine's jobs of each class.
	PerClass []int `json:"per_class,omitempty"`
}

func planJSON(s *jobs.Sweep) planReport {
	p := s.Plan
	r := planReport{
		Digest: p.Digest.String(), Short: p.Digest.Short(), Version: split.Version,
		Total: p.Total, Strategy: p.Strategy, Parent: s.Pool.Parent,
	}
	for i, share := range p.Shares {
		m := s.Machines[i]
		perf, _ := m.Perf.Float64()
		weight, _ := share.Weight.Float64()
		mr := machineReport{Name: m.Name, Perf: perf, Cores: m.Cores, Weight: weight, Count: len(share.Jobs)}
		if p.Strategy == split.Cost {
			mr.Finish = &share.Finish
		}
		mr.PerClass = share.PerClass
		r.Machines = append(r.Machines, mr)
	}
	if s.Needs.Used() {
		r.Version = split.VersionNeeds
	}
	for _, class := range s.Classes {
		cr := classReport{Needs: class.Label()}
		for _, i := range class.Machines {
			cr.Machines = append(cr.Machines, s.Machines[i].Name)
		}
		r.Classes = append(r.Classes, cr)
	}
	if p.Strategy == split.Cost {
		makespan, ideal := p.Makespan(), p.Ideal
		r.Makespan, r.Ideal = &makespan, &ideal
	}
	return r
}

func printPlan(w io.Writer, s *jobs.Sweep) error {
	p := s.Plan
	fmt.Fprintf(w, "digest    %s  (%s)\n", p.Digest.Short(), p.Digest)
	if s.Pool.Parent != "" {
		fmt.Fprintf(w, "re-plan   of %s: results keep that sweep's digest\n", s.Pool.Parent[:12])
	}
	fmt.Fprintf(w, "jobs      %d\n", p.Total)
	fmt.Fprintf(w, "strategy  %s\n\n", p.Strategy)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "machine\tperf\tcores\tweight\tjobs\tpercent"
	unit := "cost units"
	if s.CostUnit == "s" {
		unit = "s"
	}
	if p.Strategy == split.Cost {
		header += "\tfinish (" + unit + ")"
	}
	fmt.Fprintln(tw, header)
	for i, share := range p.Shares {
		m := s.Machines[i]
		percent := 0.0
		if p.Total > 0 {
			percent = 100 * float64(len(share.Jobs)) / float64(p.Total)
		}
		line := fmt.Sprintf("%s\t%s\t%d\t%s\t%d\t%.1f%%", m.Name, m.PerfString(), m.Cores, m.WeightString(), len(share.Jobs), percent)
		if p.Strategy == split.Cost {
			line += fmt.Sprintf("\t%.4g", share.Finish)
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if p.Strategy == split.Cost {
		ratio := 1.0
		if p.Ideal > 0 {
			ratio = p.Makespan() / p.Ideal
		}
		fmt.Fprintf(w, "\nmakespan  %.4g %s (ideal %.4g, ratio %.3f)\n", p.Makespan(), unit, p.Ideal, ratio)
		if unit == "s" {
			fmt.Fprintln(w, "finish    expected seconds to finish: the earlier run's durations, scaled to each machine's perf x cores")
		} else {
			fmt.Fprintln(w, "finish    expected finish in the pool's cost units: its share's cost over perf x cores")
		}
	}
	if len(s.Classes) > 0 {
		return printClasses(w, s)
	}
	return nil
}

// printClasses shows each machine's jobs per class of jobs; "-" where a
// machine cannot run the class.
func printClasses(w io.Writer, s *jobs.Sweep) error {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "class"
	for _, m := range s.Machines {
		header += "\t" + m.Name
	}
	fmt.Fprintln(tw, header+"\tneeds")
	for c, class := range s.Classes {
		line := fmt.Sprint(c + 1)
		for i, share := range s.Plan.Shares {
			if slices.Contains(class.Machines, i) {
				line += fmt.Sprintf("\t%d", share.PerClass[c])
			} else {
				line += "\t-"
			}
		}
		fmt.Fprintln(tw, line+"\t"+class.Label())
	}
	return tw.Flush()
}
