// Package process runs one job's process and keeps its tree in hand: it
// starts the process in a group of its own, stops the whole group on a
// timeout or an interrupt (SIGTERM, then SIGKILL after a grace period),
// kills what a finished job left in its group, and keeps a journal of the
// running jobs from which a later run stops what a killed run left behind.
// It knows nothing of sweeps, results or logs; per-OS code lives in
// process_unix.go and process_windows.go, and the start of a process in
// spawn_linux.go (the worker alone forwards the output and sees the end,
// through an epoll instance of the job's) and spawn_other.go (os/exec).
package process
