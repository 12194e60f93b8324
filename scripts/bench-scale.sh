#!/usr/bin/env bash
# make bench-scale: a 10-million-job sweep (generated result files, nothing
# runs): plan, status and collect-results on it, each with its time and peak
# memory next to a peer's. Miller's unsparsify would hold every row (about
# 30 GiB here), so collect's peer is Miller's streaming cat over the same
# files: the cost of reading and writing the CSV once.
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=${BENCH_SCALE_JOBS:-10000000}
width=${BENCH_SCALE_RESULTS:-2}
runs=${BENCH_RUNS:-1}
work=$(mktemp -d "${TMPDIR:-/tmp}/jobsplit-bench-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT

missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v mlr >/dev/null || missing+=(miller)
command -v shuf >/dev/null || missing+=(coreutils)
if [ ${#missing[@]} -gt 0 ]; then
	echo "bench-scale: installing ${missing[*]}" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

(cd "$src" && go build -o "$work/sweepgen" ./internal/sweepgen)
echo "generating a sweep of $jobs jobs, 8 machines, $width result columns..." >&2
"$work/sweepgen" -jobs "$jobs" -hosts 8 -results "$width" "$work/sweep"
cd "$work/sweep"
echo "== $jobs jobs: pool $(du -m jobs.csv | cut -f1) MiB, results $(du -sm results | cut -f1) MiB in 8 files"

# one run with GNU time -v: "wall-seconds cpu-seconds peak-MiB"; CPU time
# (user + system) varies less than wall time on a shared machine.
measure() {
	/usr/bin/time -v "$@" 2>"$work/time.txt" >/dev/null || { tail -n 30 "$work/time.txt" >&2; return 1; }
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
		/User time|System time/ { c += $2 }
		/Maximum resident set size/ { m = $2 / 1024 } END { printf "%.2f %.2f %.0f", s, c, m }' "$work/time.txt"
}
row() { # command, jobsplit "wall cpu peak", peer name, peer "wall cpu peak"
	read -r jt jc jm <<<"$2"
	read -r pt pc pm <<<"$4"
	printf '%-16s %8ss %8ss %7s MiB   %-8s %8ss %8ss %7s MiB   wall %sx\n' "$1" "$jt" "$jc" "$jm" "$3" "$pt" "$pc" "$pm" \
		"$(awk -v a="$jt" -v b="$pt" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }')"
}
printf '%-16s %9s %9s %11s   %-8s %9s %9s %11s\n' command wall cpu peak peer wall cpu peak
for _ in $(seq "$runs"); do
	row plan "$(measure "$bin" plan)" shuf "$(measure shuf jobs.csv)"
	peer=$(measure mlr --icsv --ocsv cat results/*.csv)
	row status "$(measure "$bin" status)" "mlr cat" "$peer"
	row collect-results "$(measure "$bin" collect-results -o "$work/all.csv")" "mlr cat" "$peer"
done
