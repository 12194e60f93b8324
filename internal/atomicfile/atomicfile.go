// Package atomicfile replaces files whole or not at all: what is written
// goes to a temporary file in the same folder, which is synced and then
// renamed over the target, and the folder synced, so that a crash leaves
// either the old content or the new, never a part.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Pending is one file for WriteAll: its path, what to write, and its mode
// (0 means 0644).
type Pending struct {
	Path  string
	Write func(io.Writer) error
	Mode  fs.FileMode
}

// Write fills path through write, with mode 0644.
func Write(path string, write func(io.Writer) error) error {
	return WriteAll(Pending{Path: path, Write: write})
}

// WriteBytes replaces path with data, with the given mode.
func WriteBytes(path string, data []byte, mode fs.FileMode) error {
	return WriteAll(Pending{Path: path, Mode: mode, Write: func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}})
}

// WriteAll writes files that belong together, such as a pool and its
// parent file. Every file is written to a temporary file and synced before
// the first is renamed over its path, so an error in any leaves every path
// as it was. The renames run in the order given: only a crash between two
// of them can leave the earlier files new and the later ones old, so the
// file that makes the others count goes last. Errors name the file.
func WriteAll(files ...Pending) (err error) {
	tmps := make([]string, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range tmps {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		tmp, err := writeTemp(f)
		if tmp != "" {
			tmps = append(tmps, tmp)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], f.Path); err != nil {
			tmps = tmps[i+1:] // the renamed ones are in place
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
	}
	dirs := make(map[string]bool)
	for _, f := range files {
		if dir := filepath.Dir(f.Path); !dirs[dir] {
			dirs[dir] = true
			SyncDir(dir)
		}
	}
	return nil
}

// writeTemp writes f to a synced temporary file beside f.Path and returns
// its name, or "" when none was created.
func writeTemp(f Pending) (name string, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), "."+filepath.Base(f.Path)+".tmp-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := f.Write(bw); err != nil {
		return tmp.Name(), err
	}
	if err := bw.Flush(); err != nil {
		return tmp.Name(), err
	}
	mode := f.Mode
	if mode == 0 {
		mode = 0o644
	}
	if err := tmp.Chmod(mode); err != nil {
		return tmp.Name(), err
	}
	return tmp.Name(), tmp.Sync()
}

// SyncDir makes a new or renamed entry in dir durable. Best effort: some
// file systems cannot sync a folder.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
