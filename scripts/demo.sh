#!/bin/sh
# make demo: the bundled example end to end on this machine, as a new user
# would try it: write it into a temporary directory, plan, run each
# machine's share (here one after another, on real hosts one per host),
# then join the results into one table and write the report page.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(mktemp -d "${TMPDIR:-/tmp}/jobsplit-demo.XXXXXX")
echo "== jobsplit init $dir"
"$bin" init "$dir"
cd "$dir"
echo "== jobsplit plan"
"$bin" plan
for machine in gamma alpha beta; do
	echo "== jobsplit run --machine $machine --yes"
	"$bin" run --machine "$machine" --yes --progress-every 1s
done
echo "== jobsplit collect-results -o all.csv"
"$bin" collect-results -o all.csv
echo "== all.csv"
if command -v column >/dev/null 2>&1; then column -s, -t <all.csv; else cat all.csv; fi
echo "== jobsplit merge-logs --format text --job 001"
"$bin" merge-logs --format text --job 001
echo "== the demo is in $dir"
echo "== jobsplit report"
"$bin" report
echo "$dir/report.html"
