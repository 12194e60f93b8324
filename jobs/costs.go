package jobs

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gocarina/gocsv"

	"github.com/jobsplit/jobsplit/jobs/pool"
)

// readDurations reads job_id -> duration_s from an earlier results CSV,
// preferring ok rows: how long each job really took.
func readDurations(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read costs: %w", err)
	}
	defer f.Close()
	text, err := pool.ReadText(f, path)
	if err != nil {
		return nil, err
	}
	header, err := csv.NewReader(strings.NewReader(text)).Read()
	if err != nil {
		return nil, &pool.PoolError{File: path, Problem: "not a jobsplit results CSV: no header"}
	}
	for _, col := range []string{"job_id", "status", "duration_s"} {
		if !slices.Contains(header, col) {
			return nil, &pool.PoolError{File: path, Problem: "not a jobsplit results CSV: want columns job_id, status and duration_s"}
		}
	}
	var rows []costRow
	if err := gocsv.UnmarshalString(text, &rows); err != nil {
		return nil, &pool.PoolError{File: path, Problem: err.Error()}
	}
	durations := map[string]float64{}
	okSeen := map[string]bool{}
	for _, row := range rows {
		d, err := strconv.ParseFloat(row.Duration, 64)
		if err != nil || d < 0 {
			continue
		}
		ok := row.Status == "ok"
		if ok || !okSeen[row.JobID] {
			durations[row.JobID] = d
			okSeen[row.JobID] = okSeen[row.JobID] || ok
		}
	}
	return durations, nil
}

// costRow is what a cost estimate needs of a results row; gocsv maps the
// columns by name, whatever else the file holds.
type costRow struct {
	JobID    string `csv:"job_id"`
	Status   string `csv:"status"`
	Duration string `csv:"duration_s"`
}
