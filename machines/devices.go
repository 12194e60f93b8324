package machines

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// maxDevices bounds a GPU or resource count, so that a typo such as 1e9
// is caught rather than turned into a billion device ids.
const maxDevices = 1 << 16

// Resource is a named resource a machine has beyond cores, GPUs and
// memory: floating licences, a tape drive, ports.
type Resource struct {
	Name string
	// Count is how many units the machine has.
	Count int
	// IDs are the units' own names when machines.json lists them, in the
	// order written; nil when it gives only a count.
	IDs []string
}

// Resource returns the machine's resource called name.
func (m Machine) Resource(name string) (Resource, bool) {
	for _, r := range m.Resources {
		if r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// HasDevices reports whether the machine declares GPUs or named resources.
func (m Machine) HasDevices() bool { return len(m.GPUs) > 0 || len(m.Resources) > 0 }

// HasDevices reports whether any machine of the list declares GPUs or
// named resources.
func (l List) HasDevices() bool {
	for _, m := range l {
		if m.HasDevices() {
			return true
		}
	}
	return false
}

// CheckResourceName reports whether name can name a resource: it becomes
// part of an environment variable, JOBSPLIT_RESOURCE_<NAME>.
func CheckResourceName(name string) error {
	if name == "" {
		return fmt.Errorf("a resource name is empty")
	}
	for i, r := range name {
		ok := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r == '-' || r >= '0' && r <= '9')
		if !ok {
			return fmt.Errorf("resource name %q: want letters, digits, - and _, starting with a letter", name)
		}
	}
	return nil
}

// parseDevices reads a count (ids "0" ... "n-1") or a list of device ids:
// what "gpus" and each resource take. what names the value in problems.
func parseDevices(what string, raw json.RawMessage) (ids []string, count int, problem string) {
	text := bytes.TrimSpace(raw)
	if len(text) > 0 && text[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(text, &list); err != nil {
			return nil, 0, fmt.Sprintf("%s must be a count or a list of device ids, got %s", what, text)
		}
		if len(list) > maxDevices {
			return nil, 0, fmt.Sprintf("%s lists more than %d devices", what, maxDevices)
		}
		seen := map[string]bool{}
		for _, item := range list {
			var id string
			if err := json.Unmarshal(item, &id); err != nil {
				return nil, 0, fmt.Sprintf(`%s: device ids must be strings such as "0", got %s`, what, bytes.TrimSpace(item))
			}
			if problem := checkDeviceID(id); problem != "" {
				return nil, 0, fmt.Sprintf("%s: device id %q: %s", what, id, problem)
			}
			if seen[id] {
				return nil, 0, fmt.Sprintf("%s: device id %q is listed twice", what, id)
			}
			seen[id] = true
			ids = append(ids, id)
		}
		return ids, len(ids), ""
	}
	n, ok := number(raw)
	if !ok || !n.IsInt() || n.Sign() < 0 || n.Cmp(big.NewRat(maxDevices, 1)) > 0 {
		return nil, 0, fmt.Sprintf("%s must be a whole number from 0 to %d or a list of device ids, got %s", what, maxDevices, text)
	}
	count = int(n.Num().Int64())
	return nil, count, ""
}

// checkDeviceID refuses ids that would break the comma-separated lists
// jobs receive (CUDA_VISIBLE_DEVICES=0,2).
func checkDeviceID(id string) string {
	switch {
	case id == "":
		return "empty"
	case strings.ContainsAny(id, ", \t\r\n"):
		return "must not contain commas or white space"
	case len(id) > 128:
		return "longer than 128 bytes"
	}
	return ""
}

// countIDs names n devices "0" ... "n-1", as a count in machines.json does.
func countIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	return ids
}

// parseGPUs reads the "gpus" value of an entry.
func parseGPUs(raw json.RawMessage) ([]string, string) {
	ids, n, problem := parseDevices("gpus", raw)
	if problem != "" || ids != nil {
		return ids, problem
	}
	if n == 0 {
		return nil, ""
	}
	return countIDs(n), ""
}

// parseResources reads the "resources" object of an entry; the result is
// sorted by name, so that every host sees the same order.
func parseResources(raw json.RawMessage) ([]Resource, string) {
	if bytes.TrimSpace(raw)[0] != '{' {
		return nil, fmt.Sprintf(`resources must be an object such as {"license": 2}, got %s`, bytes.TrimSpace(raw))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	dec.Token() // {
	var out []Resource
	seen := map[string]bool{}
	for dec.More() {
		tok, _ := dec.Token()
		name, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, "resources: invalid JSON"
		}
		if err := CheckResourceName(name); err != nil {
			return nil, "resources: " + err.Error()
		}
		if seen[name] {
			return nil, fmt.Sprintf("resources: %q is given twice", name)
		}
		seen[name] = true
		ids, n, problem := parseDevices(fmt.Sprintf("resource %q", name), value)
		if problem != "" {
			return nil, problem
		}
		out = append(out, Resource{Name: name, Count: n, IDs: ids})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, ""
}
