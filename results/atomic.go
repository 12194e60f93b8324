package results

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes path through write, so that path holds either its old
// content or the whole new content, never a part: write fills a temporary file
// in the same folder, which is synced and renamed over path.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	return WriteFilesAtomic(PendingFile{Path: path, Write: write})
}

// PendingFile is one file for WriteFilesAtomic: its path and what to write.
type PendingFile struct {
	Path  string
	Write func(io.Writer) error
}

// WriteFilesAtomic writes files that belong together, such as a pool and its
// parent file. Every file is written to a temporary file and synced before the
// first is renamed over its path, so an error in any leaves every path as it
// was. The renames run in the order given: only a crash between two of them
// can leave the earlier files new and the later ones old, so the file that
// makes the others count goes last.
func WriteFilesAtomic(files ...PendingFile) (err error) {
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
			syncDir(dir)
		}
	}
	return nil
}

// writeTemp writes f to a synced temporary file beside f.Path and returns
// its name, or "" when none was created.
func writeTemp(f PendingFile) (name string, err error) {
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
	if err := tmp.Chmod(0o644); err != nil {
		return tmp.Name(), err
	}
	return tmp.Name(), tmp.Sync()
}
