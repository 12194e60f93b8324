// Package split decides which machine runs which job: it hashes a sweep into
// a digest, shuffles the jobs with a generator seeded from that digest, and
// cuts them into shares by machine weight (or by expected cost). Every step is
// our own integer or exact arithmetic, so every host computes the same plan.
package split
