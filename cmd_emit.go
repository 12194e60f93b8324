package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/jobsplit/jobsplit/internal/plural"
	"github.com/jobsplit/jobsplit/jobs"
	"github.com/jobsplit/jobsplit/machines"
)

// scheduler is a batch scheduler's job array: its name on the command line,
// how it counts tasks and its default limit on the tasks of one array.
type scheduler struct {
	Name  string
	Title string
	Help  string
	// Task is what the scheduler calls one of the array.
	Task string
	// Base is the index of the first task, Var the variable that holds it.
	Base int
	Var  string
	// MaxArray is the default limit, set by the cluster at Limit.
	MaxArray int
	Limit    string
}

var schedulers = []scheduler{
	{Name: "slurm", Title: "Slurm", Help: "print a Slurm job array script", Task: "array task",
		Var: "SLURM_ARRAY_TASK_ID", MaxArray: 1001, Limit: "Slurm's MaxArraySize (scontrol show config | grep MaxArraySize)"},
	{Name: "pbs", Title: "PBS", Help: "print a PBS job array script", Task: "array task",
		Var: "PBS_ARRAY_INDEX", MaxArray: 10000, Limit: "PBS's max_array_size (qmgr -c 'print server max_array_size')"},
	{Name: "sge", Title: "SGE", Help: "print an SGE array job script", Task: "array task",
		Base: 1, Var: "SGE_TASK_ID", MaxArray: 75000, Limit: "SGE's max_aj_tasks (qconf -sconf | grep max_aj_tasks)"},
	{Name: "lsf", Title: "LSF", Help: "print an LSF job array script", Task: "array task",
		Base: 1, Var: "LSB_JOBINDEX", MaxArray: 1000, Limit: "LSF's MAX_JOB_ARRAY_SIZE (bparams -l | grep MAX_JOB_ARRAY_SIZE)"},
	{Name: "k8s", Title: "Kubernetes", Help: "print a Kubernetes Indexed Job manifest", Task: "Indexed Job pod",
		Var: "JOB_COMPLETION_INDEX", MaxArray: 100000, Limit: "Kubernetes' limit on an Indexed Job's completions"},
}

func newEmitCommand() *cli.Command {
	cmd := &cli.Command{
		Name:      "emit",
		Usage:     "print a job script that runs the sweep as a scheduler's array, one task per machine",
		ArgsUsage: "slurm|pbs|sge|lsf|k8s",
		Description: "Task i of the array runs machine i of machines.json (or shard i of --shards N), " +
			"found by 'jobsplit run' from the scheduler's array index. Slurm, PBS and Kubernetes arrays " +
			"count from 0, SGE and LSF arrays from 1. Inside, 'jobsplit run --yes --expect-digest DIGEST' " +
			"refuses to run if the files change after the script is written.",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			err := errors.New("emit needs a scheduler")
			if c.NArg() > 0 {
				err = fmt.Errorf("unknown scheduler %q", c.Args().First())
			}
			return withHint(err, "jobsplit emit slurm|pbs|sge|lsf|k8s")
		},
	}
	for _, sched := range schedulers {
		cmd.Subcommands = append(cmd.Subcommands, newEmitSchedulerCommand(sched))
	}
	return cmd
}

// newEmitSchedulerCommand is "jobsplit emit slurm" and its kin: the flags
// that apply to the scheduler.
func newEmitSchedulerCommand(sched scheduler) *cli.Command {
	flags := append(sweepFlags(),
		&cli.StringFlag{Name: "binary", Usage: "`PATH` of jobsplit on the cluster (default: this jobsplit)"},
		&cli.StringFlag{Name: "time", Usage: "time limit of each task, such as 2h30m or 2:30:00"},
		&cli.StringFlag{Name: "mem", Usage: "memory of each task, such as 16GiB", DefaultText: "the most memory in machines.json"},
		&cli.IntFlag{Name: "workers", Aliases: []string{"j"}, Usage: "cores of each task, passed to run as -j `N`", DefaultText: "the most cores in machines.json"},
		&cli.StringFlag{Name: "name", Usage: "job `NAME` (default: jobsplit-DIGEST)"},
		&cli.IntFlag{Name: "max-array", Value: sched.MaxArray, Usage: "refuse arrays of more than `N` tasks"},
	)
	switch sched.Name {
	case "slurm":
		flags = append(flags, &cli.StringFlag{Name: "partition", Usage: "partition `NAME`"})
	case "pbs", "lsf":
		flags = append(flags, &cli.StringFlag{Name: "queue", Usage: "queue `NAME`"})
	case "sge":
		flags = append(flags, &cli.StringFlag{Name: "queue", Usage: "queue `NAME`"},
			&cli.StringFlag{Name: "pe", Value: "smp", Usage: "parallel environment `NAME` for a task of several cores"})
	case "k8s":
		flags = append(flags,
			&cli.StringFlag{Name: "image", Value: "IMAGE", Usage: "container `IMAGE`, with jobsplit and what the jobs run"},
			&cli.StringFlag{Name: "claim", Value: "jobsplit-sweep", Usage: "PersistentVolumeClaim `NAME` holding the sweep folder"})
	}
	return &cli.Command{
		Name:         sched.Name,
		Usage:        sched.Help,
		Flags:        flags,
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return withHint(fmt.Errorf("unexpected argument %q", c.Args().First()), "see 'jobsplit emit %s --help'", sched.Name)
			}
			return runEmit(c.App.Writer, c.App.ErrWriter, emitOptions{
				Scheduler: sched.Name, Sweep: sweepOptions(c),
				Binary: c.String("binary"), Time: c.String("time"), Partition: c.String("partition"),
				Queue: c.String("queue"), Mem: c.String("mem"), Workers: c.Int("workers"),
				Name: c.String("name"), MaxArray: c.Int("max-array"), PE: c.String("pe"),
				Image: c.String("image"), Claim: c.String("claim"),
			})
		},
	}
}

type emitOptions struct {
	Scheduler            string
	Sweep                jobs.Options
	Binary, Time, Mem    string
	Partition, Queue, PE string
	Name, Image, Claim   string
	Workers, MaxArray    int
}

// arrayJob is what a job script says: everything is worked out here, the
// templates only lay it out.
type arrayJob struct {
	Sched               scheduler
	Name, Digest, Short string
	Tasks               int
	Count               string // "3 machines" or "4 shards"
	Machines            string // "0 alpha, 1 beta, 2 gamma"
	Cores               int
	// GPUs is the most GPUs of any machine: what each task asks the
	// scheduler for, 0 when no machine declares any.
	GPUs             int
	MemMiB           int64
	Time             time.Duration
	Partition, Queue string
	PE, Image, Claim string
	Dir, Logs        string
	Run              []string // jobsplit run and its arguments
}

func runEmit(stdout, stderr io.Writer, opts emitOptions) error {
	job, err := newArrayJob(opts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(job.Logs, 0o755); err != nil {
		return fmt.Errorf("make the folder for the scheduler's output files: %w", err)
	}
	if job.Sched.Name == "k8s" && job.Image == "IMAGE" {
		fmt.Fprintln(stderr, "jobsplit: warning: the manifest's image is IMAGE: pass --image with an image that has jobsplit and what the jobs run")
	}
	return emitTemplates.ExecuteTemplate(stdout, job.Sched.Name, job)
}

var jobName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,62}$`)
var k8sName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,50}[a-z0-9])?$`)

func newArrayJob(opts emitOptions) (*arrayJob, error) {
	var sched *scheduler
	var names []string
	for i := range schedulers {
		names = append(names, schedulers[i].Name)
		if schedulers[i].Name == opts.Scheduler {
			sched = &schedulers[i]
		}
	}
	if sched == nil {
		return nil, withHint(fmt.Errorf("unknown scheduler %q", opts.Scheduler), "jobsplit emit %s", strings.Join(names, "|"))
	}
	s, err := loadSweep(opts.Sweep)
	if err != nil {
		return nil, err
	}
	job := &arrayJob{Sched: *sched, Digest: s.Plan.Digest.String(), Short: s.Plan.Digest.Short(),
		Tasks: len(s.Machines), Partition: opts.Partition, Queue: opts.Queue, PE: opts.PE,
		Image: opts.Image, Claim: opts.Claim, Dir: s.Config.Dir, Logs: s.Paths.Abs().Logs, Name: opts.Name}
	limit := opts.MaxArray
	if limit <= 0 {
		limit = sched.MaxArray
	}
	if job.Tasks > limit {
		return nil, withHint(fmt.Errorf("%s would need an array of %d tasks, more than %d, the limit of %s arrays", countMachines(s), job.Tasks, limit, sched.Title),
			"use fewer, larger shares (--shards N with -j CORES), or pass --max-array N if %s allows more", sched.Limit)
	}
	job.Count = countMachines(s)
	if job.Name == "" {
		job.Name = "jobsplit-" + job.Short
	}
	if !jobName.MatchString(job.Name) || (sched.Name == "k8s" && !k8sName.MatchString(job.Name)) {
		return nil, withHint(fmt.Errorf("--name %q cannot name a %s job", job.Name, sched.Title),
			"start with a letter, then letters, digits, _ . or - (for Kubernetes: lower case letters, digits and -, up to 52)")
	}
	var listed []string
	for i, m := range s.Machines {
		job.Cores = max(job.Cores, m.Cores)
		job.GPUs = max(job.GPUs, len(m.GPUs))
		job.MemMiB = max(job.MemMiB, (m.Memory+1<<20-1)>>20)
		if i < 8 || i == len(s.Machines)-1 {
			listed = append(listed, fmt.Sprintf("%d %s", i+sched.Base, m.Name))
		} else if i == 8 {
			listed = append(listed, "...")
		}
	}
	job.Machines = strings.Join(listed, ", ")
	if opts.Workers < 0 {
		return nil, withHint(errors.New("--workers must be at least 1"), "pass -j N with N >= 1, or leave it out to use the machines' cores")
	}
	if opts.Workers > 0 {
		job.Cores = opts.Workers
	}
	if opts.Mem != "" {
		bytes, err := machines.ParseSize(opts.Mem)
		if err != nil || bytes <= 0 {
			return nil, withHint(fmt.Errorf("--mem %q is not a size", opts.Mem), "pass a size such as 16GiB or 4000M")
		}
		job.MemMiB = (bytes + 1<<20 - 1) >> 20
	}
	if job.Time, err = parseTimeLimit(opts.Time); err != nil {
		return nil, withHint(err, "pass --time 2h30m or --time 2:30:00")
	}
	if job.Run, err = runArgs(s, opts); err != nil {
		return nil, err
	}
	if err := job.checkWords(); err != nil {
		return nil, err
	}
	return job, nil
}

func countMachines(s *jobs.Sweep) string {
	if s.Shards > 0 {
		return plural.Of(s.Shards, "shard")
	}
	return plural.Of(len(s.Machines), "machine")
}

// runArgs is the command each task runs: this sweep's files by absolute
// path, and the full digest, so that a task refuses to run if they change.
func runArgs(s *jobs.Sweep, opts emitOptions) ([]string, error) {
	binary := opts.Binary
	if binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, withHint(fmt.Errorf("find this jobsplit's path: %w", err), "pass --binary PATH")
		}
		binary = exe
	}
	args := []string{binary, "run", "--yes", "--expect-digest", s.Plan.Digest.String(), "--config", s.Config.Path}
	for _, f := range []struct{ flag, path string }{{"--machines", opts.Sweep.Machines}, {"--jobs", opts.Sweep.Jobs}, {"--costs", opts.Sweep.Costs}} {
		if f.path != "" {
			abs, err := filepath.Abs(f.path)
			if err != nil {
				return nil, err
			}
			args = append(args, f.flag, abs)
		}
	}
	if opts.Sweep.Strategy != "" {
		args = append(args, "--strategy", opts.Sweep.Strategy)
	}
	if opts.Sweep.AllowLarge {
		args = append(args, "--allow-large")
	}
	if s.Shards > 0 {
		args = append(args, "--shards", strconv.Itoa(s.Shards))
	}
	if opts.Workers > 0 {
		args = append(args, "-j", strconv.Itoa(opts.Workers))
	}
	// The tasks of the array balance among themselves through the
	// config's folder, named absolutely for the nodes.
	if dir := s.Paths.Abs().Balance; dir != "" {
		args = append(args, "--balance-dir", dir)
	}
	return args, nil
}

// parseTimeLimit reads a Go duration (2h30m) or H:MM:SS; "" is no limit.
func parseTimeLimit(text string) (time.Duration, error) {
	if text == "" {
		return 0, nil
	}
	bad := fmt.Errorf("--time %q is not a time limit", text)
	duration := text
	if parts := strings.Split(text, ":"); len(parts) == 3 {
		var n [3]int
		for i, p := range parts {
			v, err := strconv.Atoi(p)
			if err != nil || v < 0 || (i > 0 && (v > 59 || len(p) != 2)) {
				return 0, bad
			}
			n[i] = v
		}
		duration = fmt.Sprintf("%dh%dm%ds", n[0], n[1], n[2])
	}
	d, err := time.ParseDuration(duration)
	if err != nil || d <= 0 {
		return 0, bad
	}
	return d, nil
}

// plainWord is what a job script directive can hold without quoting.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_.,:@%+=/-]+$`)

// checkWords refuses values that a directive line would cut or misread.
func (job *arrayJob) checkWords() error {
	for _, w := range []struct{ what, value string }{
		{"--partition", job.Partition}, {"--queue", job.Queue}, {"--pe", job.PE},
		{"the sweep folder", job.Dir}, {"the logs folder", job.Logs},
	} {
		if w.value != "" && !plainWord.MatchString(w.value) {
			return withHint(fmt.Errorf("%s %q has a character a job script directive cannot hold", w.what, w.value),
				"use letters, digits and _ . , : @ %% + = / - only (no spaces or quotes)")
		}
	}
	return nil
}

// Last is the last array index: the array runs Sched.Base to Last.
func (job *arrayJob) Last() int { return job.Tasks - 1 + job.Sched.Base }

// Seconds is the time limit in whole seconds, rounded up.
func (job *arrayJob) Seconds() int64 { return int64((job.Time + time.Second - 1) / time.Second) }

// HMS is the time limit as HH:MM:SS (hours past 24 as they are).
func (job *arrayJob) HMS() string {
	s := job.Seconds()
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// SlurmTime is the time limit as Slurm writes it: [D-]H:MM:SS.
func (job *arrayJob) SlurmTime() string {
	s := job.Seconds()
	if days := s / 86400; days > 0 {
		return fmt.Sprintf("%d-%02d:%02d:%02d", days, s/3600%24, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// LSFTime is the time limit in LSF's H:MM, rounded up to the minute.
func (job *arrayJob) LSFTime() string {
	m := (job.Seconds() + 59) / 60
	return fmt.Sprintf("%d:%02d", m/60, m%60)
}

// MemPerCore is the memory of one slot, for SGE.
func (job *arrayJob) MemPerCore() int64 {
	return (job.MemMiB + int64(job.Cores) - 1) / int64(job.Cores)
}

// LogsRel is the logs folder relative to the sweep folder when inside it.
func (job *arrayJob) LogsRel() string {
	if rel, err := filepath.Rel(job.Dir, job.Logs); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		return rel
	}
	return job.Logs
}

// Shell is the run command, quoted for a POSIX shell.
func (job *arrayJob) Shell() string {
	quoted := make([]string, len(job.Run))
	for i, a := range job.Run {
		quoted[i] = shellQuote(a)
	}
	return strings.Join(quoted, " ")
}

func shellQuote(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// yamlString quotes a value for YAML (JSON strings are YAML strings).
func yamlString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// The head of every script: what it is, how to submit it, and which task
// runs which machine.
const emitHead = `# jobsplit sweep {{.Short}}: {{.Count}}, one {{.Sched.Title}} {{.Sched.Task}} each.
# Written by 'jobsplit emit {{.Sched.Name}}'. Task i runs machine i, counting from {{.Sched.Base}}
# (${{.Sched.Var}}): {{.Machines}}.
# Every task asks for the most cores (and memory) of any machine: one script serves them all.
`

var emitTemplates = template.Must(template.New("emit").Funcs(template.FuncMap{"yaml": yamlString}).Parse(`
{{- define "head"}}` + emitHead + `{{end}}

{{- define "run"}}set -eu
{{if eq .Sched.Name "pbs"}}cd {{.Dir}}
{{end -}}
# The array index picks the machine: a JOBSPLIT_MACHINE exported from the
# submitting shell must not.
unset JOBSPLIT_MACHINE
exec {{.Shell}}
{{end}}

{{- define "slurm"}}#!/bin/bash
{{template "head" .}}# Submit: sbatch FILE
#SBATCH --job-name={{.Name}}
#SBATCH --array=0-{{.Last}}
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task={{.Cores}}
{{if .GPUs}}#SBATCH --gres=gpu:{{.GPUs}}
{{end}}{{if .MemMiB}}#SBATCH --mem={{.MemMiB}}M
{{end}}{{if .Time}}#SBATCH --time={{.SlurmTime}}
{{end}}{{if .Partition}}#SBATCH --partition={{.Partition}}
{{end}}#SBATCH --chdir={{.Dir}}
#SBATCH --output={{.LogsRel}}/slurm-%A_%a.out
{{template "run" .}}{{end}}

{{- define "pbs"}}#!/bin/bash
{{template "head" .}}# Submit: qsub FILE (PBS Pro; Torque takes '#PBS -t 0-{{.Last}}' and '-l nodes=1:ppn={{.Cores}}')
#PBS -N {{.Name}}
#PBS -J 0-{{.Last}}
#PBS -l select=1:ncpus={{.Cores}}{{if .GPUs}}:ngpus={{.GPUs}}{{end}}{{if .MemMiB}}:mem={{.MemMiB}}mb{{end}}
{{if .Time}}#PBS -l walltime={{.HMS}}
{{end}}{{if .Queue}}#PBS -q {{.Queue}}
{{end}}#PBS -j oe
#PBS -o {{.Logs}}/
{{template "run" .}}{{end}}

{{- define "sge"}}#!/bin/bash
{{template "head" .}}# Submit: qsub FILE
#$ -N {{.Name}}
#$ -t 1-{{.Last}}
{{if gt .Cores 1}}#$ -pe {{.PE}} {{.Cores}}
{{end}}{{if .GPUs}}#$ -l gpu={{.GPUs}}
{{end}}{{if .MemMiB}}#$ -l mem_free={{.MemPerCore}}M
{{end}}{{if .Time}}#$ -l h_rt={{.HMS}}
{{end}}{{if .Queue}}#$ -q {{.Queue}}
{{end}}#$ -S /bin/bash
#$ -wd {{.Dir}}
#$ -j y
#$ -o {{.Logs}}/
{{template "run" .}}{{end}}

{{- define "lsf"}}#!/bin/bash
{{template "head" .}}# Submit: bsub < FILE
#BSUB -J "{{.Name}}[1-{{.Last}}]"
#BSUB -n {{.Cores}}
#BSUB -R "span[hosts=1]"
{{if .GPUs}}#BSUB -gpu "num={{.GPUs}}"
{{end}}{{if .MemMiB}}#BSUB -R "rusage[mem={{.MemMiB}}MB]"
{{end}}{{if .Time}}#BSUB -W {{.LSFTime}}
{{end}}{{if .Queue}}#BSUB -q {{.Queue}}
{{end}}#BSUB -cwd {{.Dir}}
#BSUB -o {{.Logs}}/lsf-%J_%I.out
{{template "run" .}}{{end}}

{{- define "k8s"}}{{template "head" .}}# Submit: kubectl apply -f FILE. The image must hold jobsplit at the path below
# and what the jobs run; the claim holds the sweep folder, shared by every pod.
apiVersion: batch/v1
kind: Job
metadata:
  name: {{.Name}}
spec:
  completionMode: Indexed
  completions: {{.Tasks}}
  parallelism: {{.Tasks}}
{{- if .Time}}
  activeDeadlineSeconds: {{.Seconds}}
{{- end}}
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: jobsplit
          image: {{yaml .Image}}
          workingDir: {{yaml .Dir}}
          command: {{yaml .Run}}
          resources:
            requests:
              cpu: "{{.Cores}}"
{{- if .MemMiB}}
              memory: {{.MemMiB}}Mi
{{- end}}
{{- if .GPUs}}
            limits:
              nvidia.com/gpu: {{.GPUs}}
{{- end}}
          volumeMounts:
            - name: sweep
              mountPath: {{yaml .Dir}}
      volumes:
        - name: sweep
          persistentVolumeClaim:
            claimName: {{yaml .Claim}}
{{end}}
`))
