package results

import (
	"errors"
	"fmt"
	"github.com/jobsplit/jobsplit/internal/plural"
	"strings"
)

// Sentinel errors, wrapped with the file they concern; test with errors.Is.
var (
	// ErrNotResults means a CSV lacks the standard columns: not a jobsplit results file.
	ErrNotResults = errors.New("not a jobsplit results file")
	// ErrEmpty means a results file holds no complete header line.
	ErrEmpty = errors.New("empty file: no header line")
	// ErrNoFiles means the paths given to Collect name no results file.
	ErrNoFiles = errors.New("no results files (*.csv)")
	// ErrClosed is returned by Writer.Write after Close.
	ErrClosed = errors.New("results writer is closed")
)

// InputError is a problem with one results file being read: unreadable, not a
// results file, or a row that does not parse. Line is 0 when the problem is not
// on one line.
type InputError struct {
	Path string
	Line int
	Err  error

	header bool // the problem is the header: not a results file, or not ours
}

// Error names the file, the line when known, and the problem.
func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("read results %s: line %d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("read results %s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// HeaderError means an existing results file cannot be appended to: its header
// is not a results header, or its parameter and result columns differ from the
// ones this writer would write, so new rows would be misaligned.
type HeaderError struct {
	Path string
	Got  []string // the file's header
	Want []string // the header the writer would write
}

// Error names the file and says why rows cannot be appended to it.
func (e *HeaderError) Error() string {
	if !hasFixedPrefix(e.Got) {
		return fmt.Sprintf("open results %s: %v; move it away or choose another results path", e.Path, ErrNotResults)
	}
	return fmt.Sprintf("open results %s: the file has columns %s after the standard ones but this run writes %s: "+
		"appending would misalign rows; move the file away or run with the config and pool that wrote it",
		e.Path, columnList(e.Got[numFixed:]), columnList(e.Want[numFixed:]))
}

// Unwrap returns ErrNotResults when the file lacks the standard columns.
func (e *HeaderError) Unwrap() error {
	if !hasFixedPrefix(e.Got) {
		return ErrNotResults
	}
	return nil
}

// MixedDigestError means some results files hold rows written under another
// plan (another digest) than the one being collected.
type MixedDigestError struct {
	Digest string        // the current plan's digest
	Files  []ForeignFile // each file with foreign rows, in input order
}

// ForeignFile names a results file with rows from another plan.
type ForeignFile struct {
	Path    string
	Digests []string // the foreign digests, in first-seen order
	Rows    int      // rows carrying a foreign digest
}

// Error names each file with foreign rows and its digests.
func (e *MixedDigestError) Error() string {
	var b strings.Builder
	b.WriteString("results from another plan: ")
	for i, f := range e.Files {
		if i > 0 {
			b.WriteString(", ")
		}
		noun := "digest"
		if len(f.Digests) > 1 {
			noun = "digests"
		}
		fmt.Fprintf(&b, "%s has %s %s (%s)", f.Path, noun, digestList(f.Digests), plural.Of(f.Rows, "row"))
	}
	fmt.Fprintf(&b, "; the current plan's digest is %s", e.Digest)
	return b.String()
}

// ResumeDigestError means a results file a run would resume from holds rows
// another sweep wrote: the pool, the command, the params or the machines
// changed since. Counting them as done would skip jobs never run.
type ResumeDigestError struct {
	Path    string
	Digest  string   // the digest the resuming sweep writes in its rows
	Foreign []string // the other digests found, in first-seen order
	Rows    int      // rows carrying one of them
}

// Error names the file, its rows' digests and the sweep's.
func (e *ResumeDigestError) Error() string {
	noun := "digest"
	if len(e.Foreign) > 1 {
		noun = "digests"
	}
	return fmt.Sprintf("resume from %s: %s of another sweep (%s %s); this sweep's digest is %s",
		e.Path, plural.Of(e.Rows, "row"), noun, digestList(e.Foreign), e.Digest)
}

func hasFixedPrefix(header []string) bool {
	if len(header) < numFixed {
		return false
	}
	for i, name := range FixedColumns() {
		if header[i] != name {
			return false
		}
	}
	return true
}

func columnList(cols []string) string {
	if len(cols) == 0 {
		return "(none)"
	}
	return strings.Join(cols, ",")
}

// digestList joins digests for a message, showing an empty one as "".
func digestList(digests []string) string {
	shown := make([]string, len(digests))
	for i, d := range digests {
		shown[i] = d
		if d == "" {
			shown[i] = `""`
		}
	}
	return strings.Join(shown, " ")
}
