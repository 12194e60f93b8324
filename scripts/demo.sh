#!/bin/sh
# make demo: write the bundled example into a temporary directory, plan it
# and show the split, as a new user would on their first machine.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(mktemp -d "${TMPDIR:-/tmp}/jobsplit-demo.XXXXXX")
echo "demo directory: $dir"
"$bin" init "$dir"
cd "$dir"
"$bin" plan
