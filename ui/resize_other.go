//go:build !unix

package ui

import "os"

// watchResize reports nothing: this system sends no resize signal, and the
// display reads the width again at every redraw.
func watchResize() (resized <-chan os.Signal, unwatch func()) {
	return nil, func() {}
}
