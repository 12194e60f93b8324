// Package ui owns the terminal of a run: the live display (a bar, the
// counts and each running job's progress, redrawn in place, cut to the
// terminal's width), the plain progress lines written when stderr is not a
// terminal, the quiet mode, the prompts (which machine is this? run?) and
// the final summary. It consumes the run loop's events; it decides
// nothing about what runs.
package ui
