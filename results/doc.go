// Package results writes each host's results CSV (one synced row per finished
// attempt, torn tails repaired), reads it back for resuming a run, and joins the
// files of every host into one table with a per-machine summary.
package results
