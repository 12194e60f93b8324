package logs

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseRecord(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    Record
		wantErr error
	}{
		{"writer record", `{"time":"2026-11-21T10:00:00.123456Z","level":"info","machine":"alpha","event":"output","job":"042","stream":"stderr","line":"x"}`,
			Record{Time: t0.Add(123456 * time.Microsecond), Machine: "alpha", Job: "042", Stream: "stderr", Level: "info", Event: "output"}, nil},
		{"no fraction", `{"time":"2026-11-21T10:00:00Z"}`, Record{Time: t0}, nil},
		{"nanoseconds", `{"time":"2026-11-21T10:00:00.000000001Z"}`, Record{Time: t0.Add(1)}, nil},
		{"offset", `{"time":"2026-11-21T12:00:00+02:00"}`, Record{Time: t0}, nil},
		{"whitespace", " {\t\"time\" : \"2026-11-21T10:00:00Z\" }\r", Record{Time: t0}, nil},
		{"escaped key and value", `{"\u0074ime":"2026-11-21T10:00:00Z","job":"a\"b\u00e9"}`, Record{Time: t0, Job: `a"bé`}, nil},
		{"last duplicate wins", `{"time":"bad","job":"1","time":"2026-11-21T10:00:00Z","job":"2"}`, Record{Time: t0, Job: "2"}, nil},
		{"non-string fields ignored", `{"time":"2026-11-21T10:00:00Z","job":42,"machine":null,"stream":{"a":[1,2]}}`, Record{Time: t0}, nil},
		{"invalid UTF-8", "{\"time\":\"2026-11-21T10:00:00Z\",\"job\":\"a\xffb\"}", Record{Time: t0, Job: "a\ufffdb"}, nil},
		{"no time", `{"level":"info"}`, Record{}, ErrNoTime},
		{"time not a string", `{"time":1763719200}`, Record{}, ErrNoTime},
		{"time not RFC 3339", `{"time":"21/11/2026 10:00"}`, Record{}, ErrNoTime},
		{"array", `[{"time":"2026-11-21T10:00:00Z"}]`, Record{}, errNotObj},
		{"string", `"time"`, Record{}, errNotObj},
		{"empty", ``, Record{}, errSyntax},
		{"truncated", `{"time":"2026-11-21T10:00:00Z","line":"abc`, Record{}, errSyntax},
		{"trailing data", `{"time":"2026-11-21T10:00:00Z"} {}`, Record{}, errTrailing},
		{"bad escape", `{"time":"2026-11-21T10:00:00Z","a":"\x"}`, Record{}, errSyntax},
		{"raw control char", "{\"time\":\"2026-11-21T10:00:00Z\",\"a\":\"\x01\"}", Record{}, errSyntax},
		{"bad number", `{"time":"2026-11-21T10:00:00Z","a":01}`, Record{}, errSyntax},
		{"too deep", `{"time":"2026-11-21T10:00:00Z","a":` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + `}`, Record{}, errTooDeep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRecord([]byte(tt.line))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if string(got.Raw) != tt.line {
				t.Errorf("Raw = %q, want the line", got.Raw)
			}
			got.Raw = nil
			if !got.Time.Equal(tt.want.Time) {
				t.Errorf("Time = %v, want %v", got.Time, tt.want.Time)
			}
			got.Time, tt.want.Time = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// FuzzReadRecord checks ParseRecord against encoding/json: it accepts a line
// exactly when the line is one JSON object with an RFC 3339 time string, and
// then decodes the same field values.
func FuzzReadRecord(f *testing.F) {
	for _, seed := range []string{
		`{"time":"2026-11-21T10:00:00.123456Z","level":"info","machine":"alpha","event":"output","job":"042","stream":"stderr","line":"x"}`,
		`{"time":"2026-11-21T12:00:00+02:00","job":"\u00e9\n","a":[1,-2.5e3,true,null,{"b":"c"}]}`,
		`{"\u0074ime":"2026-11-21T10:00:00Z","time":"x"}`,
		"{\"time\":\"2026-11-21T10:00:00Z\",\"job\":\"a\xffb\"}",
		`{"time":"2026-11-21T10:00:00Z"} x`, `[1]`, `{"a":01}`, `{"a":"\ud800"}`, ` `,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		got, err := ParseRecord(line)
		var m map[string]any
		valid := json.Valid(line) && json.Unmarshal(line, &m) == nil && m != nil
		if !valid {
			if err == nil {
				t.Fatalf("accepted invalid JSON or a non-object: %q", line)
			}
			return
		}
		ts, isString := m["time"].(string)
		var want time.Time
		var timeErr error = ErrNoTime
		if isString {
			want, timeErr = time.Parse(time.RFC3339Nano, ts)
		}
		if (err == nil) != (timeErr == nil) {
			t.Fatalf("ParseRecord error %v, but encoding/json time %q (%v) for %q", err, ts, timeErr, line)
		}
		if err != nil {
			return
		}
		if !got.Time.Equal(want) || string(got.Raw) != string(line) {
			t.Fatalf("time %v, want %v", got.Time, want)
		}
		for key, field := range map[string]string{"machine": got.Machine, "job": got.Job, "stream": got.Stream, "level": got.Level, "event": got.Event} {
			s, _ := m[key].(string)
			if field != s {
				t.Fatalf("%s = %q, encoding/json says %q, for %q", key, field, s, line)
			}
		}
	})
}
