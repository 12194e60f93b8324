package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Row is one finished attempt of a job, one line of a results file.
type Row struct {
	JobID     string
	Machine   string
	Status    Status
	ExitCode  int
	Attempt   int
	StartedAt time.Time
	Duration  time.Duration
	Digest    string
	// Params holds the job's parameter values, aligned to the writer's params.
	Params []string
	// Results holds the result cells, aligned to the writer's result columns;
	// nil writes every result cell empty.
	Results []string
}

// ErrResultNotObject is returned by DecodeResultCells when a job's result file
// holds valid JSON that is not an object.
var ErrResultNotObject = errors.New("result is not a JSON object")

// appendRecord appends the cells of row to rec, checking that it fits a file
// with nparams parameter and nresults result columns.
func appendRecord(rec []string, row Row, nparams, nresults int) ([]string, error) {
	if row.JobID == "" {
		return rec, errors.New("row has an empty job id")
	}
	if _, err := ParseStatus(string(row.Status)); err != nil {
		return rec, fmt.Errorf("job %s: %w", row.JobID, err)
	}
	if len(row.Params) != nparams {
		return rec, fmt.Errorf("job %s: %d parameter values for %d parameter columns", row.JobID, len(row.Params), nparams)
	}
	if row.Results != nil && len(row.Results) != nresults {
		return rec, fmt.Errorf("job %s: %d result values for %d result columns", row.JobID, len(row.Results), nresults)
	}
	rec = append(rec,
		row.JobID,
		row.Machine,
		string(row.Status),
		strconv.Itoa(row.ExitCode),
		strconv.Itoa(row.Attempt),
		formatTime(row.StartedAt),
		formatSeconds(row.Duration),
		row.Digest,
	)
	rec = append(rec, row.Params...)
	if row.Results == nil {
		for range nresults {
			rec = append(rec, "")
		}
		return rec, nil
	}
	return append(rec, row.Results...), nil
}

// ResultCells turns a job's decoded JSON object into the cells of the result
// columns: a missing key or null gives an empty cell, a string its text, a
// number or bool its JSON text as written, an object or array compact JSON.
func ResultCells(obj map[string]json.RawMessage, columns []string) []string {
	cells := make([]string, len(columns))
	for i, name := range columns {
		if raw, ok := obj[name]; ok {
			cells[i] = jsonCell(raw)
		}
	}
	return cells
}

// DecodeResultCells decodes the bytes of a job's result file and returns the
// cells of the result columns (see ResultCells). Empty or blank data means the
// job reported nothing: all cells empty, no error. Data that is not one JSON
// object is an error (wrapping ErrResultNotObject when it is other JSON); the
// cells are then all empty, so the caller may warn and still write the row.
func DecodeResultCells(data []byte, columns []string) ([]string, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return make([]string, len(columns)), nil
	}
	var obj map[string]json.RawMessage
	err := json.Unmarshal(data, &obj)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) || (err == nil && data[0] != '{') {
		return make([]string, len(columns)), ErrResultNotObject
	}
	if err != nil {
		return make([]string, len(columns)), fmt.Errorf("decode result: %w", err)
	}
	return ResultCells(obj, columns), nil
}

func jsonCell(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case 'n':
		return ""
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '{', '[':
		var b bytes.Buffer
		if json.Compact(&b, raw) == nil {
			return b.String()
		}
	}
	return string(raw)
}
