//go:build unix

// Command execfloor starts a program N times on W workers with os/exec and
// nothing else: each start in its own process group, stdout and stderr
// piped and read, the process waited for. It is what a Go program pays per
// job for starting it with the standard library, which make bench sets
// beside jobsplit's own CPU per job (on Linux jobsplit starts its jobs
// through one epoll instance each, below os/exec's cost).
//
//	execfloor -n 10000 -j 2 true
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
)

func main() {
	n := flag.Int("n", 10000, "starts")
	workers := flag.Int("j", 2, "starts at once")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: execfloor [-n N] [-j W] PROGRAM [ARG...]")
		os.Exit(2)
	}
	path, err := exec.LookPath(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "execfloor:", err)
		os.Exit(2)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	failed := 0
	var mu sync.Mutex
	for range *workers {
		wg.Go(func() {
			for range jobs {
				if run(path, flag.Args()) != nil {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		})
	}
	for i := range *n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "execfloor: %d of %d starts failed\n", failed, *n)
		os.Exit(1)
	}
}

// run starts the program once, reading its output, and waits for it.
func run(path string, args []string) error {
	cmd := exec.Command(path, args[1:]...)
	cmd.Args[0] = args[0]
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var copying sync.WaitGroup
	copying.Go(func() { io.Copy(io.Discard, stdout) })
	copying.Go(func() { io.Copy(io.Discard, stderr) })
	copying.Wait()
	return cmd.Wait()
}
