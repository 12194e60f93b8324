package jobs

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// readDurations reads job_id -> duration_s from an earlier results CSV,
// preferring ok rows: how long each job really took.
func readDurations(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read costs: %w", err)
	}
	defer f.Close()
	text, err := readText(f, path)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &PoolError{File: path, Problem: "not a jobsplit results CSV: no header"}
	}
	idCol, durCol, statusCol := slices.Index(header, "job_id"), slices.Index(header, "duration_s"), slices.Index(header, "status")
	if idCol < 0 || durCol < 0 || statusCol < 0 {
		return nil, &PoolError{File: path, Problem: "not a jobsplit results CSV: want columns job_id, status and duration_s"}
	}
	durations := map[string]float64{}
	okSeen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &PoolError{File: path, Problem: err.Error()}
		}
		if len(rec) <= max(idCol, durCol, statusCol) {
			continue
		}
		d, err := strconv.ParseFloat(rec[durCol], 64)
		if err != nil || d < 0 {
			continue
		}
		id, ok := rec[idCol], rec[statusCol] == "ok"
		if ok || !okSeen[id] {
			durations[id] = d
			okSeen[id] = okSeen[id] || ok
		}
	}
	return durations, nil
}
