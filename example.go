package main

import "embed"

// exampleFiles are what 'jobsplit init' writes: a small working sweep.
//
//go:embed example sample.machines.json
var exampleFiles embed.FS
