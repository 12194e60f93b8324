// Package oserr shapes the operating system's errors for jobsplit's
// messages, which name each file once, the way the user typed it.
package oserr

import (
	"errors"
	"io/fs"
)

// Bare is err without the operation and path an *fs.PathError adds, or err
// itself; errors.Is(Bare(err), fs.ErrNotExist) still holds.
func Bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
