//go:build !unix

package runner

import "os"

// This system has neither flag; the file is checked after it is opened.
const (
	noFollow = 0
	nonBlock = 0
)

// createEmpty creates an empty file at path, or empties the one there.
func createEmpty(path string) error {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	return file.Close()
}
