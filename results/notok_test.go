package results

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWriteNotOK: failed jobs, then missing ones, each listed with its
// parameters, at most limit of each kind.
func TestWriteNotOK(t *testing.T) {
	params := []string{"x", "label"}
	plan := Plan{Digest: "d1", Params: params}
	for i := range 14 {
		plan.Jobs = append(plan.Jobs, PlannedJob{ID: fmt.Sprintf("j%02d", i), Machine: "alpha", Params: []string{fmt.Sprint(i), "v"}})
	}
	plan.Jobs[0].Params[1] = "two words"
	plan.Jobs[1].Params[1] = ""
	plan.Jobs[2].Params[1] = `a="b"`
	dir := t.TempDir()
	writeRows(t, filepath.Join(dir, "beta.csv"), params, nil,
		row("j00", "beta", StatusFailed, 1, 0, plan.Jobs[0].Params),
		row("j00", "beta", StatusTimeout, 2, time.Second, plan.Jobs[0].Params),
		row("j03", "beta", StatusOK, 1, 0, plan.Jobs[3].Params))
	c, err := Collect(plan, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for i := 4; i < 14; i++ {
		fmt.Fprintf(&all, "  j%02d  %-19s  planned on alpha\n", i, fmt.Sprintf("x=%d label=v", i))
	}
	tests := []struct {
		limit int
		want  string
	}{
		{2, `failed (1):
  j00  x=0 label="two words"  timeout on beta, 2 attempts
missing (12):
  j01  x=1 label=""         planned on alpha
  j02  x=2 label="a=\"b\""  planned on alpha
  ... and 10 more
`},
		{12, `failed (1):
  j00  x=0 label="two words"  timeout on beta, 2 attempts
missing (12):
  j01  x=1 label=""         planned on alpha
  j02  x=2 label="a=\"b\""  planned on alpha
` + all.String()},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.limit), func(t *testing.T) {
			var b bytes.Buffer
			if err := c.WriteNotOK(&b, tt.limit); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

// TestWriteNotOKAllOK: nothing is listed when every job is ok.
func TestWriteNotOKAllOK(t *testing.T) {
	p := []string{"0.1", "one"}
	dir := t.TempDir()
	writeRows(t, filepath.Join(dir, "alpha.csv"), fixtureParams, nil, row("1", "alpha", StatusOK, 1, 0, p))
	c, err := Collect(Plan{Digest: "d1", Params: fixtureParams, Jobs: []PlannedJob{{ID: "1", Machine: "alpha", Params: p}}}, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.WriteNotOK(&b, 10); err != nil || b.Len() != 0 {
		t.Errorf("WriteNotOK = %q, %v; want nothing", b.String(), err)
	}
}

// TestWriteNotOKBadResult: a job whose kept row is bad_result is not ok:
// it is listed with the failed ones (it once counted as ok, its status
// lost in the packed state).
func TestWriteNotOKBadResult(t *testing.T) {
	p := []string{"0.1", "one"}
	dir := t.TempDir()
	writeRows(t, filepath.Join(dir, "alpha.csv"), fixtureParams, nil,
		row("1", "alpha", StatusOK, 1, 0, p), row("2", "alpha", StatusBadResult, 1, 0, p))
	plan := Plan{Digest: "d1", Params: fixtureParams, Jobs: []PlannedJob{{ID: "1", Machine: "alpha", Params: p}, {ID: "2", Machine: "alpha", Params: p}}}
	c, err := Collect(plan, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.WriteNotOK(&b, 10); err != nil {
		t.Fatal(err)
	}
	want := "failed (1):\n  2  x=0.1 label=one  bad_result on alpha, 1 attempt\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
