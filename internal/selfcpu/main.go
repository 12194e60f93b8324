//go:build linux

// Command selfcpu runs a command and reports the CPU time of that process
// alone, apart from the CPU time of the children it waited for: what
// jobsplit itself costs per job when its jobs are trivial. GNU time and
// wait4's rusage cannot tell the two apart, since a process's rusage as its
// parent sees it includes every descendant it reaped.
//
//	go run ./internal/selfcpu -o cpu.txt -- jobsplit run -m solo -j 2 --yes
//
// It waits for the command with waitid(WNOWAIT), which leaves the exited
// process a zombie whose /proc/PID/stat still holds its own utime and stime
// (fields 14, 15) apart from its reaped children's cutime and cstime (16,
// 17); then it reaps it. The report is one line: wall seconds, own CPU
// seconds, children's CPU seconds, peak resident MiB (the largest of the
// process and its children, as GNU time's %M). It exits with the command's
// exit status.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	out := flag.String("o", "", "write the report line to this file (default: stderr)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: selfcpu [-o FILE] -- COMMAND [ARG...]")
		os.Exit(2)
	}
	line, code, err := measure(flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "selfcpu:", err)
		os.Exit(2)
	}
	if *out == "" {
		fmt.Fprint(os.Stderr, line)
	} else if err := os.WriteFile(*out, []byte(line), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "selfcpu:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

// measure runs args and returns the report line and the exit status.
func measure(args []string) (string, int, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return "", 0, err
	}
	pid := cmd.Process.Pid
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EINTR) {
			cmd.Wait()
			return "", 0, fmt.Errorf("waitid %d: %w", pid, err)
		}
	}
	wall := time.Since(start)
	stat, readErr := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	waitErr := cmd.Wait()
	if readErr != nil {
		return "", 0, readErr
	}
	own, children, err := parseStat(stat)
	if err != nil {
		return "", 0, err
	}
	var peak float64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	code := cmd.ProcessState.ExitCode()
	if code < 0 { // killed by a signal: report it as a shell would
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) {
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				code = 128 + int(ws.Signal())
			}
		}
	}
	return fmt.Sprintf("%.3f %.3f %.3f %.1f\n", wall.Seconds(), own, children, peak), code, nil
}
