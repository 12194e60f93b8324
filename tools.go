//go:build tools

// Package main's tools file pins modules that later issues wire in, so that
// go.mod stays stable while several packages are written side by side.
package main

import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/creack/pty"
	_ "github.com/gocarina/gocsv"
	_ "github.com/klauspost/compress/gzip"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/rs/zerolog"
	_ "github.com/urfave/cli/v2"
	_ "github.com/zeebo/blake3"
	_ "golang.org/x/term"
	_ "pgregory.net/rapid"
)
