// Package jobs is the sweep as data: the config (jobsplit.toml), the job
// pool (read by package jobs/pool), the command template and [params], the
// paths of the sweep's files, and the plan made from them with package
// split, built by one constructor, Load. It runs nothing: the run loop is
// package jobs/runner, process control package jobs/process.
package jobs
