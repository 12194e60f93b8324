//go:build linux

package main

import (
	"bytes"
	"fmt"
	"strconv"
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times (getconf
// CLK_TCK): 100 on every Linux architecture Go supports.
const clockTicks = 100

// parseStat returns a process's own CPU seconds (utime + stime) and those of
// its reaped children (cutime + cstime) from the text of /proc/PID/stat.
// The command name, field 2, is in parentheses and may hold spaces and
// parentheses itself, so the fields are counted from the last ')'.
func parseStat(stat []byte) (own, children float64, err error) {
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, 0, fmt.Errorf("/proc stat %q: no command name", stat)
	}
	// fields[0] is field 3 (state), so field n is fields[n-3].
	fields := bytes.Fields(stat[end+1:])
	if len(fields) < 15 {
		return 0, 0, fmt.Errorf("/proc stat %q: %d fields after the name, want at least 15", stat, len(fields))
	}
	var ticks [4]float64
	for i := range ticks {
		v, err := strconv.ParseUint(string(fields[14-3+i]), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc stat field %d: %w", 14+i, err)
		}
		ticks[i] = float64(v) / clockTicks
	}
	return ticks[0] + ticks[1], ticks[2] + ticks[3], nil
}
