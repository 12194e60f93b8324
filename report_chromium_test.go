package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jobsplit/jobsplit/jobs"
)

// chromium finds a headless-capable Chromium. Without one the test is
// skipped, unless JOBSPLIT_TEST_CHROMIUM=1 (set by .ci/run) asks for it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("JOBSPLIT_TEST_CHROMIUM") == "1" {
		t.Fatal("JOBSPLIT_TEST_CHROMIUM=1 but no chromium on PATH (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH; set JOBSPLIT_TEST_CHROMIUM=1 to make this a failure")
	return ""
}

// dumpDOM opens a page in headless Chromium and returns the DOM after its
// scripts ran, and what the browser logged (console messages included).
func dumpDOM(t *testing.T, browser, page, fragment string) (dom, log string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--no-first-run", "--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--window-size=1200,900", "--dump-dom", "file://"+page+fragment)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

var (
	barItem   = regexp.MustCompile(`<li data-job="([^"]*)" data-attempt="(\d+)" data-lane="(\d+)" data-status="([a-z_]+)">`)
	pageError = regexp.MustCompile(`id="page-errors" data-count="(\d+)"`)
)

// consoleLines are the page's console messages in Chromium's log.
func consoleLines(log string) []string {
	var lines []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, ":CONSOLE") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestReportChromium opens the report of a small sweep in headless
// Chromium: no console message, no request, one bar per attempt, the
// machine table's numbers, and a click on a bar shows its job.
func TestReportChromium(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	rs := &reportSweep{
		dir: dir, jobs: 30,
		machines:  `{"fast": [1, 2], "slow": [1, 3]}`,
		trueSpeed: map[string]float64{"fast": 2, "slow": 0.5},
		outcome:   map[string]string{"j004": "failed", "j009": "retried", "j010": "missing"},
	}
	s := rs.write(t)
	page := filepath.Join(dir, "report.html")
	var stdout, stderr bytes.Buffer
	err := runReport(context.Background(), reportOptions{
		Sweep: jobs.Options{Config: filepath.Join(dir, "jobsplit.toml")}, Paths: []string{dir},
		Output: page, Stdout: &stdout, Stderr: &stderr,
	})
	if err != nil {
		t.Fatalf("report: %v\n%s", err, stderr.String())
	}
	rows := readAttempts(t, filepath.Join(dir, "results"))
	clicked := s.Pool.Job(int(s.Plan.Shares[1].Jobs[2]))

	dom, log := dumpDOM(t, browser, page, "#test-click="+clicked.ID)
	if lines := consoleLines(log); len(lines) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(lines, "\n"))
	}
	if m := pageError.FindStringSubmatch(dom); m == nil || m[1] != "0" {
		t.Errorf("the page recorded errors or blocked requests: %q", regexp.MustCompile(`(?s)<pre id="page-errors".*?</pre>`).FindString(dom))
	}

	t.Run("one bar per attempt", func(t *testing.T) {
		var bars []string
		for _, m := range barItem.FindAllStringSubmatch(dom, -1) {
			bars = append(bars, m[1]+"/"+m[2]+"/"+m[4])
		}
		slices.Sort(bars)
		if !slices.Equal(bars, rows) {
			t.Errorf("bars\n%v\nattempts in the results\n%v", bars, rows)
		}
		// And the canvas painted each of them.
		want := fmt.Sprintf(`data-drawn="%d"`, len(rows))
		if got := regexp.MustCompile(`data-drawn="\d+"`).FindString(dom); got != want {
			t.Errorf("the timeline painted %s, want %s", got, want)
		}
	})
	t.Run("machine table", func(t *testing.T) {
		for k, share := range s.Plan.Shares {
			m := s.Machines[k]
			want := 0
			for _, r := range rows {
				for _, j := range share.Jobs {
					if strings.HasPrefix(r, s.Pool.Job(int(j)).ID+"/") {
						want++
					}
				}
			}
			row := regexp.MustCompile(`(?s)<tr data-machine="` + m.Name + `">.*?</tr>`).FindString(dom)
			for class, value := range map[string]int{"planned": len(share.Jobs), "attempts": want, "slots": m.Cores} {
				if !strings.Contains(row, fmt.Sprintf(`<td class="%s">%d</td>`, class, value)) {
					t.Errorf("%s: want %s %d in %s", m.Name, class, value, row)
				}
			}
			// Each machine ran back to back on all its cores: busy the
			// whole time but for the tail of its last jobs.
			if !regexp.MustCompile(`<td class="busy">(9\d|100)\.\d%</td>`).MatchString(row) {
				t.Errorf("%s: busy fraction not above 90%%: %s", m.Name, row)
			}
		}
	})
	t.Run("click shows the job", func(t *testing.T) {
		detail := regexp.MustCompile(`(?s)<div id="detail"[^>]*>(.*?)</div>`).FindStringSubmatch(dom)
		if detail == nil {
			t.Fatal("no #detail in the page")
		}
		for i, name := range s.Pool.Columns {
			want := name + "=" + clicked.Values[i]
			if !strings.Contains(detail[1], want) || !strings.Contains(detail[1], "job "+clicked.ID+" ") {
				t.Errorf("detail %q lacks job %s and %s", detail[1], clicked.ID, want)
			}
		}
	})
	t.Run("zoom", func(t *testing.T) {
		// Ten notches in at the start: fewer bars in view, but some.
		dom, _ := dumpDOM(t, browser, page, "#test-zoom=10")
		var drawn int
		if _, err := fmt.Sscanf(regexp.MustCompile(`data-drawn="\d+"`).FindString(dom), `data-drawn="%d"`, &drawn); err != nil {
			t.Fatalf("no data-drawn on the canvas: %v", err)
		}
		if drawn == 0 || drawn >= len(rows) {
			t.Errorf("zoomed in, the timeline painted %d of %d bars", drawn, len(rows))
		}
	})
	t.Run("a request would be caught", func(t *testing.T) {
		// The same page with an image from the network and a stylesheet
		// from another file: both must be blocked and show as errors, so
		// that the checks above can fail.
		html, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		bad := filepath.Join(dir, "bad.html")
		injected := strings.Replace(string(html), "</body>", `<img src="http://192.0.2.1/x.png"><link rel="stylesheet" href="other.css"></body>`, 1)
		if err := os.WriteFile(bad, []byte(injected), 0o644); err != nil {
			t.Fatal(err)
		}
		dom, log := dumpDOM(t, browser, bad, "")
		if m := pageError.FindStringSubmatch(dom); m == nil || m[1] == "0" {
			t.Errorf("a page loading http://192.0.2.1/x.png recorded no blocked request")
		}
		if len(consoleLines(log)) == 0 {
			t.Errorf("a blocked request logged nothing on the console")
		}
	})
}

// TestReportChromiumEmpty opens the page of a sweep that has not started:
// result files with a header only, empty logs. It must load without error.
func TestReportChromiumEmpty(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	rs := &reportSweep{dir: dir, jobs: 6, machines: `{"a": [1, 2]}`, trueSpeed: map[string]float64{"a": 1}, outcome: map[string]string{}}
	for i := range rs.jobs {
		rs.outcome[reportJobID(i)] = "missing"
	}
	rs.write(t)
	page := filepath.Join(dir, "report.html")
	var stdout, stderr bytes.Buffer
	err := runReport(context.Background(), reportOptions{
		Sweep: jobs.Options{Config: filepath.Join(dir, "jobsplit.toml")}, Paths: []string{dir},
		Output: page, Stdout: &stdout, Stderr: &stderr,
	})
	if err != nil {
		t.Fatalf("report: %v\n%s", err, stderr.String())
	}
	dom, log := dumpDOM(t, browser, page, "#test")
	if lines := consoleLines(log); len(lines) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(lines, "\n"))
	}
	if m := pageError.FindStringSubmatch(dom); m == nil || m[1] != "0" {
		t.Errorf("the page of an empty sweep recorded errors")
	}
	if !strings.Contains(dom, `<td data-status="missing">6</td>`) {
		t.Errorf("the page does not count 6 missing jobs")
	}
}

// readAttempts lists job/attempt/status of every row in a results folder,
// sorted; an ok row of a bad result is taken from the log by the report,
// which this sweep has none of.
func readAttempts(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	var out []string
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[1:] {
			out = append(out, r[0]+"/"+r[4]+"/"+r[2])
		}
	}
	slices.Sort(out)
	return out
}
