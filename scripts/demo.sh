#!/bin/sh
# make demo: the bundled example end to end, as a new user would try it on
# one machine: write it into a temporary directory, plan, run this host's
# share as one machine, and show the results table.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(mktemp -d "${TMPDIR:-/tmp}/jobsplit-demo.XXXXXX")
echo "== jobsplit init $dir"
"$bin" init "$dir"
cd "$dir"
echo "== jobsplit plan"
"$bin" plan
echo "== jobsplit run --machine gamma --yes"
"$bin" run --machine gamma --yes --progress-every 1s
echo "== results/gamma.csv"
cat results/gamma.csv
echo "== the demo is in $dir"
