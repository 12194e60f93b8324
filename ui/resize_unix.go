//go:build unix

package ui

import (
	"os"
	"os/signal"
	"syscall"
)

// watchResize reports terminal resizes (SIGWINCH) until unwatch.
func watchResize() (resized <-chan os.Signal, unwatch func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGWINCH)
	return c, func() { signal.Stop(c) }
}
