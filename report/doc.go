// Package report turns a sweep's result files and logs into figures (how
// each host did, how fast it really was, what weights to write next time)
// and one self-contained HTML page that shows them.
package report
