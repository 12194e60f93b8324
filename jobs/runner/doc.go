// Package runner runs one machine's share of a sweep: it hands the jobs to
// as many workers as the machine has cores, in run order and as the
// guards (--memfree, --load, [job] memory) allow, retries, applies the
// halt policy, writes every attempt's log records and then its result row,
// and reports all that happens as Events. It never prints and keeps no
// global state. It does not decide the plan (package split), parse the
// sweep (package jobs) or control processes (package jobs/process).
package runner
