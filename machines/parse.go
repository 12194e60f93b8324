package machines

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"unicode/utf8"
)

// maxPerf and maxCores bound the numbers so that weights stay sane and a
// typo such as 1e300 is caught rather than planned.
const (
	maxPerf  = 1e6
	maxCores = 1 << 20
)

// EntryError is a problem with one machine of machines.json.
type EntryError struct {
	File    string
	Machine string
	Problem string
}

func (e *EntryError) Error() string {
	if e.Machine == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Problem)
	}
	return fmt.Sprintf("%s: machine %q: %s", e.File, e.Machine, e.Problem)
}

// Load reads and checks a machines.json file.
func Load(path string) (List, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read machines: %w", err)
	}
	return Parse(data, path)
}

// Parse reads machines.json content: an object mapping each machine name to
// [perf, cores] or to {"perf": p, "cores": c, "memory": "16GiB"}. file names
// the source in errors.
func Parse(data []byte, file string) (List, error) {
	fail := func(machine, format string, args ...any) error {
		return &EntryError{File: file, Machine: machine, Problem: fmt.Sprintf(format, args...)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, fail("", "not valid UTF-8")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail("", "empty file: want an object such as {\"alpha\": [1.0, 8]}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fail("", "not a JSON object of machines such as {\"alpha\": [1.0, 8]}")
	}
	var list List
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fail("", "invalid JSON: %v", err)
		}
		name := tok.(string)
		if err := CheckName(name); err != nil {
			return nil, fail("", "%v", err)
		}
		if seen[name] {
			return nil, fail(name, "listed twice")
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fail(name, "invalid JSON: %v", err)
		}
		m, problem := parseEntry(name, raw)
		if problem != "" {
			return nil, fail(name, "%s", problem)
		}
		list = append(list, m)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail("", "invalid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fail("", "unexpected content after the machines object")
	}
	if len(list) == 0 {
		return nil, fail("", "no machines listed")
	}
	return list, nil
}

// entryObject is the long form of a machine entry.
type entryObject struct {
	Perf   *json.Number `json:"perf"`
	Cores  *json.Number `json:"cores"`
	Memory *string      `json:"memory"`
}

func parseEntry(name string, raw json.RawMessage) (Machine, string) {
	var perf, cores json.Number
	var memory string
	switch bytes.TrimSpace(raw)[0] {
	case '[':
		var pair []json.Number
		if err := decodeStrict(raw, &pair); err != nil || len(pair) != 2 {
			return Machine{}, "want [perf, cores], such as [1.5, 8]"
		}
		perf, cores = pair[0], pair[1]
	case '{':
		var obj entryObject
		if err := decodeStrict(raw, &obj); err != nil {
			return Machine{}, fmt.Sprintf("want {\"perf\": 1.5, \"cores\": 8}: %v", err)
		}
		if obj.Perf == nil || obj.Cores == nil {
			return Machine{}, "want both \"perf\" and \"cores\""
		}
		perf, cores = *obj.Perf, *obj.Cores
		if obj.Memory != nil {
			memory = *obj.Memory
		}
	default:
		return Machine{}, "want [perf, cores] or {\"perf\": ..., \"cores\": ...}"
	}
	m := Machine{Name: name}
	p, ok := new(big.Rat).SetString(perf.String())
	if !ok || p.Sign() <= 0 || p.Cmp(new(big.Rat).SetFloat64(maxPerf)) > 0 {
		return Machine{}, fmt.Sprintf("perf must be a number > 0 and <= %g, got %s", float64(maxPerf), perf)
	}
	m.Perf = p
	c, ok := new(big.Rat).SetString(cores.String())
	if !ok || !c.IsInt() || c.Sign() <= 0 || c.Num().Cmp(big.NewInt(maxCores)) > 0 {
		return Machine{}, fmt.Sprintf("cores must be a whole number from 1 to %d, got %s", maxCores, cores)
	}
	m.Cores = int(c.Num().Int64())
	if memory != "" {
		size, err := ParseSize(memory)
		if err != nil {
			return Machine{}, fmt.Sprintf("memory: %v", err)
		}
		m.Memory = size
	}
	return m, ""
}

func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
