//go:build linux

package main

import (
	"os"
	"os/exec"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	scriptPrograms["reaper"] = reaperMain
	scriptCmds["mount-tmpfs"] = cmdMountTmpfs
}

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER of prctl(2).
const prSetChildSubreaper = 36

// reaperMain runs "reaper command args..." as a child subreaper: every
// process orphaned below it is handed to it and reaped at once, as init
// does on most hosts. A script runs jobsplit under it so that the main
// process of a job left by a killed jobsplit vanishes, instead of staying
// a zombie as it does under an init that never reaps (some containers):
// both are what a restarted run may meet. It exits with the command's
// status.
func reaperMain() {
	if len(os.Args) < 2 {
		os.Stderr.WriteString("usage: reaper command [args...]\n")
		os.Exit(2)
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		os.Stderr.WriteString("reaper: prctl: " + errno.Error() + "\n")
		os.Exit(2)
	}
	path, err := exec.LookPath(os.Args[1])
	if err != nil {
		os.Stderr.WriteString("reaper: " + err.Error() + "\n")
		os.Exit(2)
	}
	child, err := os.StartProcess(path, os.Args[1:], &os.ProcAttr{Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}})
	if err != nil {
		os.Stderr.WriteString("reaper: " + err.Error() + "\n")
		os.Exit(2)
	}
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			os.Stderr.WriteString("reaper: wait: " + err.Error() + "\n")
			os.Exit(2)
		}
		if pid != child.Pid {
			continue
		}
		// Reap what is already dead, and leave what still runs to init.
		for {
			if pid, _ := syscall.Wait4(-1, nil, syscall.WNOHANG, nil); pid <= 0 {
				break
			}
		}
		if ws.Signaled() {
			os.Exit(128 + int(ws.Signal()))
		}
		os.Exit(ws.ExitStatus())
	}
}

// cmdMountTmpfs mounts a tmpfs of SIZE bytes on DIR, unmounted when the
// script ends, passed or failed: "mount-tmpfs 64k DIR". With -remount it
// changes the size of the tmpfs already there. It needs root.
func cmdMountTmpfs(ts *testscript.TestScript, neg bool, args []string) {
	remount := len(args) > 0 && args[0] == "-remount"
	if remount {
		args = args[1:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mount-tmpfs [-remount] SIZE DIR")
	}
	dir := ts.MkAbs(args[1])
	var flags uintptr
	if remount {
		flags = syscall.MS_REMOUNT
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, "size="+args[0]); err != nil {
		ts.Fatalf("mount tmpfs of %s on %s: %v", args[0], dir, err)
	}
	if !remount {
		ts.Defer(func() {
			if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
				ts.Logf("unmount %s: %v", dir, err)
			}
		})
	}
}
