package machines

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"unicode/utf8"
)

// maxPerf and maxCores bound the numbers so that weights stay sane and a
// typo such as 1e300 is caught rather than planned.
const (
	maxPerf  = 1_000_000
	maxCores = 1 << 20
)

// EntryError is a problem with machines.json: with one machine's entry when
// Machine is set, and on a known line when Line is set (a syntax error).
type EntryError struct {
	File    string
	Line    int
	Machine string
	Problem string

	cause error
}

// Unwrap returns the error behind the problem, if any: ErrBadName for a
// name that cannot name a file.
func (e *EntryError) Unwrap() error { return e.cause }

func (e *EntryError) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Machine == "" {
		return fmt.Sprintf("%s: %s", where, e.Problem)
	}
	return fmt.Sprintf("%s: machine %q: %s", where, e.Machine, e.Problem)
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
// [perf, cores] or to {"perf": p, "cores": c, "memory": "16GiB", "gpus": 2,
// "resources": {"license": 2}}. file names the source in errors.
func Parse(data []byte, file string) (List, error) {
	fail := func(machine, format string, args ...any) error {
		return &EntryError{File: file, Machine: machine, Problem: fmt.Sprintf(format, args...)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &EntryError{File: file, Line: lineAt(data, firstInvalid(data)), Problem: "not valid UTF-8"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail("", "empty file: want an object such as {\"alpha\": [1.0, 8]}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fail("", "not a JSON object of machines such as {\"alpha\": [1.0, 8]}")
	}
	if err := checkSyntax(data); err != nil {
		err.File = file
		return nil, err
	}
	var list List
	seen := map[string]bool{}
	for dec.More() {
		tok, _ := dec.Token()
		name := tok.(string)
		if err := CheckName(name); err != nil {
			return nil, &EntryError{File: file, Problem: err.Error(), cause: err}
		}
		if seen[name] {
			return nil, &EntryError{File: file, Line: lineAt(data, int(dec.InputOffset())), Machine: name, Problem: "listed twice"}
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
	if len(list) == 0 {
		return nil, fail("", "no machines listed")
	}
	return list, nil
}

// checkSyntax reports a JSON syntax error with its line: encoding/json
// gives only a byte offset, and a Decoder's offsets are not the file's.
func checkSyntax(data []byte) *EntryError {
	var syntax *json.SyntaxError
	if err := json.Unmarshal(data, new(json.RawMessage)); !errors.As(err, &syntax) {
		return nil
	}
	switch {
	case strings.HasSuffix(syntax.Error(), "after top-level value"):
		return &EntryError{Problem: "unexpected content after the machines object"}
	case syntax.Error() == "unexpected end of JSON input":
		end := len(bytes.TrimRight(data, " \t\r\n"))
		return &EntryError{Line: lineAt(data, end), Problem: "invalid JSON: unexpected end of file"}
	}
	// The offset counts the offending byte itself.
	return &EntryError{Line: lineAt(data, int(syntax.Offset)-1), Problem: "invalid JSON: " + syntax.Error()}
}

// lineAt returns the line of the byte at offset.
func lineAt(data []byte, offset int) int {
	offset = min(max(offset, 0), len(data))
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

const (
	wantPair  = "want [perf, cores], such as [1.5, 8]"
	wantEntry = `want [perf, cores] or {"perf": ..., "cores": ...}`
)

// parseEntry reads one machine's entry; raw is valid JSON.
func parseEntry(name string, raw json.RawMessage) (Machine, string) {
	var perf, cores, memory, gpus, resources json.RawMessage
	switch bytes.TrimSpace(raw)[0] {
	case '[':
		var pair []json.RawMessage
		if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
			return Machine{}, wantPair
		}
		perf, cores = pair[0], pair[1]
	case '{':
		fields, problem := objectFields(raw)
		if problem != "" {
			return Machine{}, problem
		}
		perf, cores, memory = fields["perf"], fields["cores"], fields["memory"]
		gpus, resources = fields["gpus"], fields["resources"]
		if isNull(perf) || isNull(cores) {
			return Machine{}, `want both "perf" and "cores"`
		}
	default:
		return Machine{}, wantEntry
	}
	m := Machine{Name: name}
	p, ok := number(perf)
	if !ok || p.Sign() <= 0 || p.Cmp(big.NewRat(maxPerf, 1)) > 0 {
		return Machine{}, fmt.Sprintf("perf must be a number > 0 and <= %d, got %s", maxPerf, perf)
	}
	m.Perf = p
	c, ok := number(cores)
	if !ok || !c.IsInt() || c.Sign() <= 0 || c.Num().Cmp(big.NewInt(maxCores)) > 0 {
		return Machine{}, fmt.Sprintf("cores must be a whole number from 1 to %d, got %s", maxCores, cores)
	}
	m.Cores = int(c.Num().Int64())
	if !isNull(memory) {
		var text string
		if err := json.Unmarshal(memory, &text); err != nil {
			return Machine{}, fmt.Sprintf(`memory must be a size such as "16GiB", got %s`, memory)
		}
		size, err := ParseSize(text)
		if err != nil {
			return Machine{}, fmt.Sprintf("memory: %v", err)
		}
		m.Memory = size
	}
	var problem string
	if !isNull(gpus) {
		if m.GPUs, problem = parseGPUs(gpus); problem != "" {
			return Machine{}, problem
		}
	}
	if !isNull(resources) {
		if m.Resources, problem = parseResources(resources); problem != "" {
			return Machine{}, problem
		}
	}
	return m, ""
}

// objectFields reads the long form of an entry; raw is a valid JSON object.
// A key given twice is an error: encoding/json would quietly keep the last.
func objectFields(raw json.RawMessage) (map[string]json.RawMessage, string) {
	fields := map[string]json.RawMessage{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.Token() // {
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, wantEntry
		}
		switch key {
		case "perf", "cores", "memory", "gpus", "resources":
		default:
			return nil, fmt.Sprintf("unknown key %q: the keys are perf, cores, memory, gpus and resources", key)
		}
		if _, dup := fields[key]; dup {
			return nil, fmt.Sprintf("%q is given twice", key)
		}
		fields[key] = value
	}
	return fields, ""
}

// number reads a JSON number exactly; a string, even "1", is not one.
func number(raw json.RawMessage) (*big.Rat, bool) {
	text := string(bytes.TrimSpace(raw))
	if text == "" || !(text[0] == '-' || text[0] >= '0' && text[0] <= '9') {
		return nil, false
	}
	return new(big.Rat).SetString(text)
}

func isNull(raw json.RawMessage) bool {
	text := bytes.TrimSpace(raw)
	return len(text) == 0 || string(text) == "null"
}
