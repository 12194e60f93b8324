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

// BenchmarkReadDone reads back a share of 666,667 rows of a 1,000,000-job
// pool, in a shuffled run order, one job in 200 retried, as a resume does.
func BenchmarkReadDone(b *testing.B) {
	const jobs = 1_000_000
	pool := make(idList, jobs)
	for i := range pool {
		pool[i] = fmt.Sprintf("j%08d", i)
	}
	path := filepath.Join(b.TempDir(), "host01.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "job_id,machine,status,exit_code,attempt,started_at,duration_s,digest,x,loss")
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for k := range jobs * 2 / 3 {
		id := pool[k*7919%jobs]
		at := formatTime(start.Add(time.Duration(k) * time.Millisecond))
		if k%200 == 0 {
			fmt.Fprintf(w, "%s,host01,failed,1,1,%s,0.500,d1,%d,\n", id, at, k%1000)
		}
		fmt.Fprintf(w, "%s,host01,ok,0,%d,%s,1.234,d1,%d,0.%d\n", id, 1+btoi(k%200 == 0), at, k%1000, k)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for b.Loop() {
		done, err := ReadDone(path, pool)
		if err != nil {
			b.Fatal(err)
		}
		if done.Len() != jobs*2/3 {
			b.Fatalf("%d jobs done, want %d", done.Len(), jobs*2/3)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
