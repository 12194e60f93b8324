// Package atomicfile replaces a file whole or not at all: what is written
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

// Write fills path through write, with mode 0644.
func Write(path string, write func(io.Writer) error) error {
	return WriteMode(path, 0o644, write)
}

// WriteBytes replaces path with data, with the given mode.
func WriteBytes(path string, data []byte, mode fs.FileMode) error {
	return WriteMode(path, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteMode fills path through write, with the given mode. The error names
// path.
func WriteMode(path string, mode fs.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	steps := []func() error{
		func() error { return write(bw) },
		bw.Flush,
		func() error { return tmp.Chmod(mode) },
		tmp.Sync,
		tmp.Close,
		func() error { return os.Rename(tmp.Name(), path) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable; a folder that cannot be synced
// (some systems refuse) is left as it is.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
