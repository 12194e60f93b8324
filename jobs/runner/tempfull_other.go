//go:build !unix

package runner

// folderFull cannot tell on this system.
func (f attemptFiles) folderFull() string { return "" }
