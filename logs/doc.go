// Package logs writes each host's compressed log of run events and job output
// (logs/<machine>.jsonl.gz, flushed as gzip members so a crash leaves a readable
// file) and reads, filters and merges many hosts' logs into one time-ordered stream.
package logs
