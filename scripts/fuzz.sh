#!/bin/sh
# Runs every go test -fuzz target of the module for a little while each
# (FUZZTIME, default 10000x: ten thousand inputs) and fails if any finds an
# input that breaks it. A count, not a duration: with a duration, Go 1.26's
# fuzzer can report "context deadline exceeded" at the end of the time on a
# busy machine though nothing failed (golang/go#75804, fixed in Go 1.27).
# Go saves such an input under the package's testdata/fuzz/<FuzzName>/;
# keep it there: plain go test replays it from then on, as a regression
# test. FUZZ=REGEX runs only the targets whose names match.
set -eu
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10000x}
only=${FUZZ:-.}
targets=$(grep -r --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*' . |
	sed 's|^\./\(.*\)/[^/]*_test\.go:func \(Fuzz.*\)$|\1 \2|' | grep -E " .*($only)" | sort -u)
if [ -z "$targets" ]; then
	echo "fuzz: no fuzz targets match '$only'" >&2
	exit 1
fi
failed=""
echo "$targets" | {
	while read -r dir name; do
		echo "== $name ./$dir ($fuzztime)"
		if ! go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "./$dir/"; then
			failed="$failed $name"
		fi
	done
	if [ -n "$failed" ]; then
		echo "fuzz: failed:$failed; the inputs are under testdata/fuzz/ of their packages" >&2
		exit 1
	fi
}
