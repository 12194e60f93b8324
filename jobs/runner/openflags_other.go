//go:build !unix

package runner

// This system has neither flag; the file is checked after it is opened.
const (
	noFollow = 0
	nonBlock = 0
)
