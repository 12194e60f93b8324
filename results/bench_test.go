package results

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkCollect joins 8 host files totalling 1,000,000 rows (one per job)
// and writes the table.
func BenchmarkCollect(b *testing.B) {
	const hosts, jobs = 8, 1_000_000
	dir := b.TempDir()
	plan := Plan{Digest: "0123456789abcdef0123456789abcdef", Params: []string{"x", "label"}}
	for i := range jobs {
		plan.Jobs = append(plan.Jobs, PlannedJob{
			ID: strconv.Itoa(i), Machine: "host" + strconv.Itoa(i*hosts/jobs),
			Params: []string{strconv.Itoa(i % 1000), "label " + strconv.Itoa(i%7)},
		})
	}
	files := make([]*bufio.Writer, hosts)
	for h := range hosts {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("host%d.csv", h)))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		files[h] = bufio.NewWriter(f)
		fmt.Fprintln(files[h], "job_id,machine,status,exit_code,attempt,started_at,duration_s,digest,x,label,loss,note")
	}
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for i, j := range plan.Jobs {
		h := i * hosts / jobs
		fmt.Fprintf(files[h], "%s,%s,ok,0,1,%s,%s,%s,%s,%s,%d.%03d,\n", j.ID, j.Machine,
			formatTime(start.Add(time.Duration(i)*time.Millisecond)), formatSeconds(time.Duration(i%5000)*time.Millisecond),
			plan.Digest, j.Params[0], j.Params[1], i%10, i%1000)
	}
	for _, w := range files {
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		c, err := Collect(plan, []string{dir}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !c.Summary.Complete {
			b.Fatalf("incomplete: %+v", c.Summary.Total)
		}
		if err := c.WriteTable(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
