package results

import (
	"fmt"
	"github.com/jobsplit/jobsplit/internal/plural"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// WriteNotOK lists the jobs that are not ok for a person: the failed ones
// (kept row not ok), then the missing ones, each with its id and parameters
// (x=7 alpha=0.2), at most limit lines of each kind followed by how many
// more there are. It writes nothing when every job is ok.
func (c *Collection) WriteNotOK(w io.Writer, limit int) error {
	params := c.plan.Params
	back := c.rowBack()
	defer back.close()
	var failed, missing notOKList
	failed.limit, missing.limit = limit, limit
	err := c.eachNotOK(func(j int, st Status) error {
		list := &failed
		if st == "" {
			list = &missing
		}
		if list.n++; len(list.lines) >= list.limit {
			return nil
		}
		o, err := c.outcome(j, st, back)
		if err != nil {
			return err
		}
		what := "planned on " + o.Machine
		if st != "" {
			what = fmt.Sprintf("%s on %s, %s", o.Status, o.RanOn, plural.Of(o.Attempts, "attempt"))
		}
		list.lines = append(list.lines, [3]string{o.ID, paramText(params, o.Params), what})
		return nil
	})
	if err != nil {
		return err
	}
	var b strings.Builder
	failed.write(&b, "failed")
	missing.write(&b, "missing")
	_, err = io.WriteString(w, b.String())
	return err
}

// notOKList is the first lines of one kind of job, and how many there are.
type notOKList struct {
	limit int
	n     int
	lines [][3]string // id, parameters, what happened
}

func (l *notOKList) write(b *strings.Builder, kind string) {
	if l.n == 0 {
		return
	}
	fmt.Fprintf(b, "%s (%d):\n", kind, l.n)
	var width [2]int
	for _, line := range l.lines {
		width[0] = max(width[0], utf8.RuneCountInString(line[0]))
		width[1] = max(width[1], utf8.RuneCountInString(line[1]))
	}
	for _, line := range l.lines {
		fmt.Fprintf(b, "  %-*s  %-*s  %s\n", width[0], line[0], width[1], line[1], line[2])
	}
	if more := l.n - len(l.lines); more > 0 {
		fmt.Fprintf(b, "  ... and %d more\n", more)
	}
}

// paramText writes a job's parameters as name=value pairs, quoting a value
// that is empty or holds a space, a quote, an equals sign or a control
// character, so that the pairs read back unambiguously.
func paramText(names, values []string) string {
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(name)
		b.WriteByte('=')
		if i < len(values) {
			b.WriteString(quoteValue(values[i]))
		}
	}
	return b.String()
}

func quoteValue(v string) string {
	if v == "" || strings.ContainsFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '=' || !unicode.IsPrint(r)
	}) {
		return strconv.Quote(v)
	}
	return v
}
