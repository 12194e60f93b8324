package pool

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatValue is the text a TOML value takes in a template, an environment
// variable and the digest: integers in decimal, floats as written (with .0
// when whole), datetimes in RFC 3339, tables and arrays as compact JSON.
func FormatValue(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("%s is not a finite number", tomlFloat(v))
		}
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s, nil
	case bool:
		return strconv.FormatBool(v), nil
	case time.Time:
		// BurntSushi/toml gives a local date or time the host's current
		// offset: write it as written, or hosts in other zones would differ.
		switch v.Location().String() {
		case "datetime-local":
			return v.Format("2006-01-02T15:04:05.999999999"), nil
		case "date-local":
			return v.Format("2006-01-02"), nil
		case "time-local":
			return v.Format("15:04:05.999999999"), nil
		}
		return v.Format(time.RFC3339Nano), nil
	}
	return formatJSON(v)
}

// formatJSON writes a TOML table or array as compact JSON; encoding/json
// sorts map keys, so the text is canonical.
func formatJSON(v any) (string, error) {
	if bad, ok := nonFinite(v); ok {
		return "", fmt.Errorf("%s inside %s is not a finite number", tomlFloat(bad), KindOf(v))
	}
	data, err := json.Marshal(localTimesAsText(v))
	if err != nil {
		return "", fmt.Errorf("%s cannot be a parameter", KindOf(v))
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

// KindOf names a decoded TOML value's type as a user knows it.
func KindOf(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date"
	case []any:
		return "an array"
	case []map[string]any:
		return "an array of tables"
	case map[string]any:
		return "a table"
	}
	return "a value"
}
