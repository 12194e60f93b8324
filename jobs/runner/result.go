package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/jobsplit/jobsplit/internal/oserr"
	"github.com/jobsplit/jobsplit/results"
)

// MaxResultFile bounds the JSON a job may leave at $JOBSPLIT_RESULT: a
// larger file is a bad result.
const MaxResultFile = 1 << 20

// attemptFiles are the files of one attempt in the run's private folder:
// $JOBSPLIT_RESULT, which jobsplit creates empty before the job starts
// when the sweep has result columns, and $JOBSPLIT_PROGRESS, which the job
// may create.
type attemptFiles struct {
	dir, result, progress string
}

func newAttemptFiles(dir string, job int32, attempt int) attemptFiles {
	base := filepath.Join(dir, strconv.Itoa(int(job))+"-"+strconv.Itoa(attempt))
	return attemptFiles{dir: dir, result: base + ".result.json", progress: base + ".progress"}
}

// base is the attempt's files' name without extension: "12-1" for job
// 12's first attempt. A file the job makes next to them (result.json.tmp,
// to rename over its result) starts with it too.
func (f attemptFiles) base() string {
	base, _, _ := strings.Cut(filepath.Base(f.progress), ".")
	return base
}

// create makes the empty result file, so that the job finds a regular file
// of jobsplit's where its result goes. With no result columns declared
// nothing is read from it, and it is not made: creating and removing a file
// is a good part of what a short job costs jobsplit.
func (f attemptFiles) create(columns []string) error {
	if len(columns) == 0 {
		return nil
	}
	if err := createEmpty(f.result); err != nil {
		return fmt.Errorf("temp folder %s: %w", f.dir, oserr.Bare(err))
	}
	return nil
}

// resultRead is what a job left at $JOBSPLIT_RESULT: the result columns'
// cells, and a problem when the file is not a result (the attempt is then
// a bad result).
type resultRead struct {
	cells   []string
	problem string
}

// read reads the result file without following a link and without
// blocking (a FIFO put in its place is refused, not waited on), and only
// when it is still a regular file of at most MaxResultFile bytes holding
// one JSON object whose declared columns are plain values. With no result
// columns declared the file is not read at all. A job that removed the
// file reported nothing.
func (f attemptFiles) read(columns []string) resultRead {
	if len(columns) == 0 {
		return resultRead{}
	}
	file, err := os.OpenFile(f.result, os.O_RDONLY|noFollow|nonBlock, 0)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return resultRead{}
	case errors.Is(err, syscall.ELOOP):
		return resultRead{problem: "result file refused: $JOBSPLIT_RESULT was replaced by a symbolic link"}
	case err != nil:
		return resultRead{problem: fmt.Sprintf("result file refused: %v", oserr.Bare(err))}
	}
	defer file.Close()
	info, err := file.Stat()
	switch {
	case err != nil:
		return resultRead{problem: fmt.Sprintf("result file refused: %v", oserr.Bare(err))}
	case !info.Mode().IsRegular():
		return resultRead{problem: fmt.Sprintf("result file refused: $JOBSPLIT_RESULT was replaced by a %s", kindOfFile(info.Mode()))}
	case info.Size() > MaxResultFile:
		return resultRead{problem: fmt.Sprintf("result file refused: %d bytes, more than the limit of %d (1 MiB)", info.Size(), MaxResultFile)}
	}
	data, err := io.ReadAll(io.LimitReader(file, MaxResultFile+1))
	switch {
	case err != nil:
		return resultRead{problem: fmt.Sprintf("result file refused: %v", oserr.Bare(err))}
	case len(data) > MaxResultFile:
		return resultRead{problem: fmt.Sprintf("result file refused: more than the limit of %d bytes (1 MiB)", MaxResultFile)}
	}
	cells, problem := decodeResult(data, columns)
	return resultRead{cells: cells, problem: problem}
}

// decodeResult turns a result file's bytes into the declared columns'
// cells. Blank data is no result; anything but one JSON object, or a
// declared column holding an object or an array, is a problem.
func decodeResult(data []byte, columns []string) ([]string, string) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, ""
	}
	if data[0] != '{' {
		return nil, "result file refused: not a JSON object"
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Sprintf("result file refused: not a JSON object: %v", err)
	}
	for _, c := range columns {
		if raw := bytes.TrimSpace(obj[c]); len(raw) > 0 && (raw[0] == '{' || raw[0] == '[') {
			return nil, fmt.Sprintf("result file refused: column %q holds a JSON %s, not a value", c, map[byte]string{'{': "object", '[': "array"}[raw[0]])
		}
	}
	return results.ResultCells(obj, columns), ""
}

// kindOfFile names a file that is not a regular one.
func kindOfFile(mode os.FileMode) string {
	switch {
	case mode&os.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case mode.IsDir():
		return "directory"
	case mode&os.ModeSocket != 0:
		return "socket"
	case mode&os.ModeDevice != 0:
		return "device"
	}
	return "file that is not a regular file"
}
