package machines

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/jobsplit/jobsplit/internal/atomicfile"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
)

// Entry is one machine's line of machines.json, as a benchmark finds it.
type Entry struct {
	Name  string
	Perf  float64
	Cores int
	// GPUs is how many GPUs the host has; 0 leaves gpus out.
	GPUs int
}

// String is the entry as machines.json writes it: "name": [perf, cores],
// or with GPUs "name": {"perf": p, "cores": c, "gpus": n}.
func (e Entry) String() string {
	return quoteName(e.Name) + ": " + e.value()
}

func (e Entry) value() string {
	if e.GPUs > 0 {
		return fmt.Sprintf(`{"perf": %s, "cores": %d, "gpus": %d}`, FormatPerf(e.Perf), e.Cores, e.GPUs)
	}
	return fmt.Sprintf("[%s, %d]", FormatPerf(e.Perf), e.Cores)
}

// FormatPerf writes perf with two significant digits, in plain decimal
// notation: 1.0, 0.87, 0.065, 12, 130. A measured speed is not more exact
// than that, and a short number is easy to compare and to edit.
func FormatPerf(perf float64) string {
	if !(perf > 0) || math.IsInf(perf, 0) {
		return "0"
	}
	// 'e' rounds correctly, also across a power of ten: 9.96 is 1.0e+01.
	sci := strconv.FormatFloat(perf, 'e', 1, 64)
	mantissa, exp, _ := strings.Cut(sci, "e")
	digits := mantissa[:1] + mantissa[2:]
	e, _ := strconv.Atoi(exp)
	switch {
	case e < 0:
		return "0." + strings.Repeat("0", -e-1) + digits
	case e == 0:
		return digits[:1] + "." + digits[1:]
	}
	return digits + strings.Repeat("0", e-1)
}

func quoteName(name string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(name)
	return strings.TrimSuffix(b.String(), "\n")
}

// Update returns machines.json content with e set. A machine already
// listed keeps its place and its form ([perf, cores] or an object, its
// memory and spacing) and gets the new numbers; a new machine goes last.
// GPUs found (e.GPUs > 0) set the entry's "gpus" count, turning a pair
// into an object; a list of GPU ids the user wrote is kept.
// Every other byte of the file is kept. file names it in errors.
func Update(data []byte, file string, e Entry) ([]byte, error) {
	if err := CheckName(e.Name); err != nil {
		return nil, err
	}
	if e.Cores < 1 || !(e.Perf > 0) {
		return nil, fmt.Errorf("machine %q: perf and cores must be above 0", e.Name)
	}
	bom := []byte{}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		bom, data = data[:3], data[3:]
	}
	if !isEmptyObject(data) {
		// Refuse a broken file before touching it, with Parse's message.
		if _, err := Parse(data, file); err != nil {
			return nil, err
		}
	}
	doc, err := scanDocument(data)
	if err != nil {
		return nil, &EntryError{File: file, Problem: err.Error()}
	}
	var out []byte
	if i := doc.find(e.Name); i >= 0 {
		out, err = replaceNumbers(data, doc.entries[i], e)
		if err == nil && e.GPUs > 0 {
			out, err = setGPUs(out, e)
		}
		if err != nil {
			return nil, &EntryError{File: file, Machine: e.Name, Problem: err.Error()}
		}
	} else {
		out = doc.appendEntry(data, e)
	}
	out = append(bom, out...)
	if _, err := Parse(out, file); err != nil {
		return nil, fmt.Errorf("update %s: %w", file, err)
	}
	return out, nil
}

// UpdateFile sets e in the machines.json file at path, atomically,
// creating the file if it does not exist. It reports whether the machine
// is new to the file.
func UpdateFile(path string, e Entry) (added bool, err error) {
	data, err := os.ReadFile(path)
	mode := fs.FileMode(0o644)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = []byte("{}\n")
	case err != nil:
		return false, fmt.Errorf("read machines: %w", err)
	default:
		if info, err := os.Stat(path); err == nil {
			mode = info.Mode().Perm()
		}
	}
	list, _ := Parse(data, path)
	_, listed := list.Find(e.Name)
	out, err := Update(data, path, e)
	if err != nil {
		return false, err
	}
	return !listed, atomicfile.WriteBytes(path, out, mode)
}

func isEmptyObject(data []byte) bool {
	var v map[string]any
	return json.Unmarshal(data, &v) == nil && v != nil && len(v) == 0
}
