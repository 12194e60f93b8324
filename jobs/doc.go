// Package jobs is the sweep itself: the config (jobsplit.toml), the job pool
// (a CSV file, a list of lines or a parameter grid), the plan made from them
// with package split, and the runner that executes one machine's share.
package jobs
