// Command sweepgen writes a finished sweep for the benchmarks: a pool of n
// jobs, its config and machines, and every machine's results file holding
// its share in run order, as if every host had run it. Nothing runs.
//
//	go run ./internal/sweepgen -jobs 2000000 -hosts 8 -results 20 DIR
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jobsplit/jobsplit/jobs"
)

func main() {
	n := flag.Int("jobs", 1_000_000, "jobs in the pool")
	hosts := flag.Int("hosts", 8, "machines, one results file each")
	width := flag.Int("results", 2, "result columns")
	retried := flag.Int("retried", 200, "one job in this many failed once before its ok row (0: none)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: sweepgen [-jobs N] [-hosts N] [-results N] [-retried N] DIR")
		os.Exit(2)
	}
	if err := generate(flag.Arg(0), *n, *hosts, *width, *retried); err != nil {
		fmt.Fprintln(os.Stderr, "sweepgen:", err)
		os.Exit(1)
	}
}

func generate(dir string, n, hosts, width, retried int) error {
	if err := os.MkdirAll(filepath.Join(dir, "results"), 0o755); err != nil {
		return err
	}
	cols := "["
	for k := range width {
		if k > 0 {
			cols += ", "
		}
		cols += strconv.Quote("r" + strconv.Itoa(k))
	}
	cols += "]"
	config := "[job]\ncommand = \"./sim {alpha} {beta} {model}\"\n[pool]\nfile = \"jobs.csv\"\n[results]\ncolumns = " + cols + "\n"
	if err := os.WriteFile(filepath.Join(dir, "jobsplit.toml"), []byte(config), 0o644); err != nil {
		return err
	}
	machines := "{"
	for h := range hosts {
		if h > 0 {
			machines += ", "
		}
		machines += fmt.Sprintf("%q: [%d, 4]", host(h), 1+h%3)
	}
	if err := os.WriteFile(filepath.Join(dir, "machines.json"), []byte(machines+"}\n"), 0o644); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "jobs.csv"), func(w *bufio.Writer) {
		w.WriteString("id,alpha,beta,model\n")
		for i := range n {
			fmt.Fprintf(w, "j%08d,%d.%03d,%d,m%d\n", i, i%1000, i%997, i%4093, i%7)
		}
	}); err != nil {
		return err
	}
	s, err := jobs.Load(jobs.Options{Config: filepath.Join(dir, "jobsplit.toml")})
	if err != nil {
		return err
	}
	digest := s.ResultDigest()
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for _, share := range s.Plan.Shares {
		err := writeFile(filepath.Join(dir, "results", share.Machine+".csv"), func(w *bufio.Writer) {
			w.WriteString("job_id,machine,status,exit_code,attempt,started_at,duration_s,digest,alpha,beta,model")
			for k := range width {
				fmt.Fprintf(w, ",r%d", k)
			}
			w.WriteByte('\n')
			for k, i := range share.Jobs {
				job := s.Pool.Job(int(i))
				at := start.Add(time.Duration(k) * 250 * time.Millisecond)
				row := func(status string, attempt int, at time.Time) {
					fmt.Fprintf(w, "%s,%s,%s,%d,%d,%s,%d.%03d,%s,%s,%s,%s", job.ID, share.Machine, status,
						map[bool]int{true: 0, false: 1}[status == "ok"], attempt, at.Format("2006-01-02T15:04:05.000Z"),
						k%60, k%1000, digest, job.Values[0], job.Values[1], job.Values[2])
					for r := range width {
						if status == "ok" {
							fmt.Fprintf(w, ",%d.%06d", (k+r)%100, (k*31+r*7)%1000000)
						} else {
							w.WriteByte(',')
						}
					}
					w.WriteByte('\n')
				}
				if retried > 0 && k%retried == 7 {
					row("failed", 1, at.Add(-100*time.Millisecond))
					row("ok", 2, at)
					continue
				}
				row("ok", 1, at)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func host(h int) string { return fmt.Sprintf("host%02d", h) }

func writeFile(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
