package jobs

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Param is one [params] entry as text.
type Param struct {
	Name  string
	Value string
}

// ParamList returns the config's [params] as text, sorted by name: the
// canonical order for the digest, templates and environment.
func (c *Config) ParamList() ([]Param, error) {
	list := make([]Param, 0, len(c.Params))
	for name, v := range c.Params {
		if err := checkColumn(name); err != nil {
			return nil, fmt.Errorf("[params] %v", err)
		}
		text, err := FormatValue(v)
		if err != nil {
			return nil, fmt.Errorf("[params] %s: %v", name, err)
		}
		list = append(list, Param{name, text})
	}
	slices.SortFunc(list, func(a, b Param) int {
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return list, nil
}

// formatJSON writes a TOML table or array as compact JSON; encoding/json
// sorts map keys, so the text is canonical.
func formatJSON(v any) (string, error) {
	data, err := json.Marshal(localTimesAsText(v))
	if err != nil {
		return "", fmt.Errorf("value %v: %v", v, err)
	}
	return string(data), nil
}

// localTimesAsText copies a TOML array or table with every date or time
// replaced by its FormatValue text, which does not depend on the host's
// time zone.
func localTimesAsText(v any) any {
	switch v := v.(type) {
	case time.Time:
		text, _ := FormatValue(v)
		return text
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = localTimesAsText(x)
		}
		return out
	case []map[string]any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = localTimesAsText(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = localTimesAsText(x)
		}
		return out
	}
	return v
}
