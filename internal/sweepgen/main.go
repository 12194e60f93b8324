// Command sweepgen writes a finished sweep for the benchmarks: a pool of n
// jobs, its config and machines, every machine's results file holding its
// share in run order, and with -logs every machine's log, as if every host
// had run it. Nothing runs.
//
//	go run ./internal/sweepgen -jobs 2000000 -hosts 8 -results 20 [-logs] DIR
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
	"github.com/jobsplit/jobsplit/jobs/pool"
)

// options are the command line's choices.
type options struct {
	jobs, hosts, width, retried int
	logs                        bool
	logMember                   int
}

func main() {
	var o options
	flag.IntVar(&o.jobs, "jobs", 1_000_000, "jobs in the pool")
	flag.IntVar(&o.hosts, "hosts", 8, "machines, one results file each")
	flag.IntVar(&o.width, "results", 2, "result columns")
	flag.IntVar(&o.retried, "retried", 200, "one job in this many failed once before its ok row (0: none)")
	flag.BoolVar(&o.logs, "logs", false, "also write logs/<machine>.jsonl.gz: every attempt's job_start, an output line and job_end")
	flag.IntVar(&o.logMember, "log-member", 64<<10, "uncompressed bytes of records per gzip member of a log")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: sweepgen [-jobs N] [-hosts N] [-results N] [-retried N] [-logs] [-log-member BYTES] DIR")
		os.Exit(2)
	}
	if err := generate(flag.Arg(0), o); err != nil {
		fmt.Fprintln(os.Stderr, "sweepgen:", err)
		os.Exit(1)
	}
}

// start is when every generated machine started its share.
var start = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func generate(dir string, o options) error {
	if err := os.MkdirAll(filepath.Join(dir, "results"), 0o755); err != nil {
		return err
	}
	cols := "["
	for k := range o.width {
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
	// Nothing is meant to run: a job that does fails at once, so that a
	// resuming run with jobs left stops after one with --halt now,fail=1.
	sim := "#!/bin/sh\n# sweepgen: a generated sweep runs nothing\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, "sim"), []byte(sim), 0o755); err != nil {
		return err
	}
	machines := "{"
	for h := range o.hosts {
		if h > 0 {
			machines += ", "
		}
		machines += fmt.Sprintf("%q: [%d, 4]", host(h), 1+h%3)
	}
	if err := os.WriteFile(filepath.Join(dir, "machines.json"), []byte(machines+"}\n"), 0o644); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "jobs.csv"), func(w *bufio.Writer) error {
		w.WriteString("id,alpha,beta,model\n")
		for i := range o.jobs {
			fmt.Fprintf(w, "j%08d,%d.%03d,%d,m%d\n", i, i%1000, i%997, i%4093, i%7)
		}
		return nil
	}); err != nil {
		return err
	}
	s, err := jobs.Load(jobs.Options{Config: filepath.Join(dir, "jobsplit.toml")})
	if err != nil {
		return err
	}
	digest := s.ResultDigest()
	for _, share := range s.Plan.Shares {
		var log *logWriter
		if o.logs {
			if log, err = createLog(filepath.Join(dir, "logs"), share.Machine, o.logMember); err != nil {
				return err
			}
			log.runStart(digest, len(share.Jobs), 4)
		}
		err := writeFile(filepath.Join(dir, "results", share.Machine+".csv"), func(w *bufio.Writer) error {
			w.WriteString("job_id,machine,status,exit_code,attempt,started_at,duration_s,digest,alpha,beta,model")
			for k := range o.width {
				fmt.Fprintf(w, ",r%d", k)
			}
			w.WriteByte('\n')
			rows := rowWriter{w: w, machine: share.Machine, digest: digest, width: o.width, log: log}
			for k, i := range share.Jobs {
				job := s.Pool.Job(int(i))
				at := start.Add(time.Duration(k) * 250 * time.Millisecond)
				if o.retried > 0 && k%o.retried == 7 {
					rows.row(job, k, "failed", 1, at.Add(-100*time.Millisecond))
					rows.row(job, k, "ok", 2, at)
					continue
				}
				rows.row(job, k, "ok", 1, at)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if log != nil {
			if err := log.close(); err != nil {
				return err
			}
		}
	}
	return nil
}

// rowWriter writes one machine's result rows and, with a log, the records
// of the same attempts.
type rowWriter struct {
	w               *bufio.Writer
	machine, digest string
	width           int
	log             *logWriter
	buf             []byte
}

// row writes the row of the attempt of job, the k-th of its share, that
// started at at; its duration is k%60 seconds and k%1000 milliseconds.
func (r *rowWriter) row(job pool.Job, k int, status string, attempt int, at time.Time) {
	exit := 0
	if status != "ok" {
		exit = 1
	}
	b := append(r.buf[:0], job.ID...)
	b = append(append(b, ','), r.machine...)
	b = append(append(b, ','), status...)
	b = strconv.AppendInt(append(b, ','), int64(exit), 10)
	b = strconv.AppendInt(append(b, ','), int64(attempt), 10)
	b = at.AppendFormat(append(b, ','), "2006-01-02T15:04:05.000Z")
	b = fmt.Appendf(append(b, ','), "%d.%03d", k%60, k%1000)
	b = append(append(b, ','), r.digest...)
	for _, v := range job.Values[:3] {
		b = append(append(b, ','), v...)
	}
	for c := range r.width {
		if status == "ok" {
			b = fmt.Appendf(b, ",%d.%06d", (k+c)%100, (k*31+c*7)%1000000)
		} else {
			b = append(b, ',')
		}
	}
	r.buf = append(b, '\n')
	r.w.Write(r.buf)
	if r.log != nil {
		dur := time.Duration(k%60)*time.Second + time.Duration(k%1000)*time.Millisecond
		r.log.attempt(job.ID, attempt, status, exit, at, dur)
	}
}

func host(h int) string { return fmt.Sprintf("host%02d", h) }

func writeFile(path string, fill func(*bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
