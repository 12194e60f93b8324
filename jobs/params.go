package jobs

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
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
		if err := checkParamName("key", name); err != nil {
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
	if bad, ok := nonFinite(v); ok {
		return "", fmt.Errorf("%s inside %s is not a finite number", tomlFloat(bad), kindOf(v))
	}
	data, err := json.Marshal(localTimesAsText(v))
	if err != nil {
		return "", fmt.Errorf("%s cannot be a parameter", kindOf(v))
	}
	return string(data), nil
}

// nonFinite finds a NaN or infinity inside a TOML array or table, which
// JSON cannot write.
func nonFinite(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, math.IsNaN(v) || math.IsInf(v, 0)
	case []any:
		for _, x := range v {
			if f, ok := nonFinite(x); ok {
				return f, true
			}
		}
	case []map[string]any:
		for _, x := range v {
			if f, ok := nonFinite(x); ok {
				return f, true
			}
		}
	case map[string]any:
		for _, x := range v {
			if f, ok := nonFinite(x); ok {
				return f, true
			}
		}
	}
	return 0, false
}

// tomlFloat writes a NaN or infinity the way TOML spells it.
func tomlFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
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
