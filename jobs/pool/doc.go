// Package pool is the job pool of a sweep: reading it from a CSV file, a list
// of lines or a parameter grid, checking its ids and values, its parent file,
// the text of its values, and what of it goes into the digest.
package pool
