//go:build !linux

package process

const fastWaits = false
