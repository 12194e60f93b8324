// Package machines reads machines.json, the list of hosts that share a sweep,
// each with its relative single-thread speed (perf) and core count. File order
// is the machines' order; every host must read the same list.
package machines
