// Package resources decides which jobs a machine runs at once: what each
// job needs (cores, GPUs, named resources, memory), what a machine has, and
// which device ids each running job holds. It plans nothing and starts
// nothing; the run loop asks it before starting a job and tells it after.
package resources
