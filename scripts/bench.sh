#!/usr/bin/env bash
# make bench: jobsplit measured side by side with its peers in one run, so
# that the ratios hold on a noisy shared machine. Prints one line a
# measurement; the targets are in the README.
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${BENCH_RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/jobsplit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Peers and tools come from Debian's packages.
missing=()
command -v parallel >/dev/null || missing+=(parallel)
[ -x /usr/bin/time ] || missing+=(time)
command -v shuf >/dev/null || missing+=(coreutils)
if [ ${#missing[@]} -gt 0 ]; then
	echo "bench: installing ${missing[*]}" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# median wall seconds of $runs runs of a command
wall() {
	local times=()
	for _ in $(seq "$runs"); do
		local start end
		start=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		end=$(date +%s.%N)
		times+=("$(awk -v a="$end" -v b="$start" 'BEGIN { printf "%.6f", a - b }')")
	done
	printf '%s\n' "${times[@]}" | sort -g | awk '{ t[NR] = $1 } END { printf "%.3f", t[int((NR + 1) / 2)] }'
}

# peak resident memory in MiB of one run of a command
peak() {
	/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== plan: 1,000,000-row CSV pool vs GNU shuf on the same file"
cd "$work"
awk 'BEGIN { srand(1); print "alpha,beta,model,n";
	for (i = 0; i < 1000000; i++) printf "%.6f,%d,m%d,%d\n", rand(), int(rand() * 1000), i % 7, i }' >pool.csv
printf '[job]\ncommand = "./sim {alpha} {beta} {model} {n}"\n[pool]\nfile = "pool.csv"\n' >jobsplit.toml
printf '{"alpha": [1, 4], "beta": [2, 8], "gamma": [0.5, 2]}\n' >machines.json
size_mib=$(du -m pool.csv | cut -f1)
t_plan=$(wall "$bin" plan)
t_shuf=$(wall shuf pool.csv)
m_plan=$(peak "$bin" plan)
echo "jobsplit plan  ${t_plan}s   shuf ${t_shuf}s   ratio $(ratio "$t_plan" "$t_shuf")x (target <= 2)"
echo "peak memory    ${m_plan} MiB for a ${size_mib} MiB file   ratio $(ratio "$m_plan" "$size_mib")x (target <= 4)"

echo "== run: 10,000 trivial jobs (true) on 2 workers vs xargs -P 2 and GNU parallel -j 2"
seq 10000 >jobs.txt
printf '[job]\ncommand = "true {arg}"\n[pool]\nfile = "jobs.txt"\nformat = "lines"\n' >jobsplit.toml
printf '{"solo": [1, 2]}\n' >machines.json
run_jobsplit() { rm -rf results logs && "$bin" run -m solo -j 2 --yes --quiet; }
run_xargs() { xargs -P 2 -n 1 true <jobs.txt; }
run_parallel() { parallel -j 2 true <jobs.txt; }
# wall seconds of one run of a command
once() { runs=1 wall "$@"; }
# median of the numbers given
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }'; }
# The three take turns, round after round, so that a change in the shared
# machine's load weighs on all of them alike; a ratio is the median of the
# rounds' ratios.
js=() xa=() pa=() js_xa=() pa_js=()
for _ in $(seq "$runs"); do
	js+=("$(once run_jobsplit)") xa+=("$(once run_xargs)") pa+=("$(once run_parallel)")
	js_xa+=("$(ratio "${js[-1]}" "${xa[-1]}")") pa_js+=("$(ratio "${pa[-1]}" "${js[-1]}")")
done
rows=$(($(wc -l <results/solo.csv) - 1))
records=$(zcat logs/solo.jsonl.gz | wc -l)
echo "jobsplit $(median "${js[@]}")s   xargs $(median "${xa[@]}")s   parallel $(median "${pa[@]}")s   (medians of ${runs} rounds)"
echo "jobsplit/xargs $(median "${js_xa[@]}")x (target <= 1.3)   parallel/jobsplit $(median "${pa_js[@]}")x (target >= 3)"
echo "written: ${rows} result rows, ${records} log records"

echo "== memory: a 100,000-job share"
seq 100000 >jobs.txt
rm -rf results logs
m_run=$(peak "$bin" run -m solo -j 2 --yes --quiet)
echo "jobsplit run peak memory ${m_run} MiB (target < 64)"

echo "== bench: this machine's speed, three runs of jobsplit bench"
perfs=()
for _ in 1 2 3; do
	perfs+=("$("$bin" bench --json --name bench 2>/dev/null | awk -F': ' '/"perf":/ { sub(",", "", $2); print $2 }')")
done
spread=$(printf '%s\n' "${perfs[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", 100 * (v[NR] - v[1]) / v[1] }')
echo "perf $(printf '%.3f ' "${perfs[@]}")  spread ${spread}% (target <= 10% on an idle machine)"

# The join: result files made by internal/sweepgen (a finished sweep: every
# machine's rows of its share, in run order, one job in 200 retried), never
# committed. Miller's unsparsify holds every row (about 3 GiB a million narrow
# rows), so it runs only where the memory is free.
echo "== collect-results and status vs Miller unsparsify: rows in 8 files, narrow (2 result columns) and wide (20)"
src=$repo
(cd "$src" && go build -o "$work/sweepgen" ./internal/sweepgen)
command -v mlr >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq miller >/dev/null; }
# one run: "wall-seconds peak-MiB"
measure() {
	/usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.3f %.1f", $1, $2 / 1024 }'
}
spread() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.0f%%", 100 * (v[NR] - v[1]) / v[1] }'; }
mib() { median "$@" | awk '{ printf "%.0f", $1 }'; }
for rows in ${BENCH_JOIN_ROWS:-2000000 4000000}; do
	for width in 2 20; do
		dir="$work/join-$rows-$width"
		"$work/sweepgen" -jobs "$rows" -hosts 8 -results "$width" "$dir"
		cd "$dir"
		avail=$(awk '/MemAvailable/ { printf "%.0f", $2 * 1024 }' /proc/meminfo)
		need=$((rows * (2000 + 200 * width)))
		with_mlr=$([ "$need" -lt "$avail" ] && echo yes || echo no)
		tc=() ts=() tm=() mc=() ms=() mm=() r_cm=() r_sc=()
		for _ in $(seq "$runs"); do
			read -r t m <<<"$(measure "$bin" collect-results -o "$work/all.csv")"; tc+=("$t") mc+=("$m")
			read -r t m <<<"$(measure "$bin" status)"; ts+=("$t") ms+=("$m")
			r_sc+=("$(ratio "${ts[-1]}" "${tc[-1]}")")
			if [ "$with_mlr" = yes ]; then
				read -r t m <<<"$(measure mlr --icsv --ocsv unsparsify results/*.csv)"; tm+=("$t") mm+=("$m")
				r_cm+=("$(ratio "${tc[-1]}" "${tm[-1]}")")
			fi
		done
		read -r _ mp <<<"$(measure "$bin" plan)"
		mp=$(mib "$mp")
		echo "$rows rows, $width result columns ($(du -sm results | cut -f1) MiB):"
		echo "  collect-results $(median "${tc[@]}")s (spread $(spread "${tc[@]}"))  peak $(mib "${mc[@]}") MiB; plan's peak ${mp} MiB (target <= plan + 64)"
		echo "  status          $(median "${ts[@]}")s (spread $(spread "${ts[@]}"))  peak $(mib "${ms[@]}") MiB; status/collect $(median "${r_sc[@]}")x (target <= 0.5)"
		if [ "$with_mlr" = yes ]; then
			echo "  mlr unsparsify  $(median "${tm[@]}")s (spread $(spread "${tm[@]}"))  peak $(mib "${mm[@]}") MiB; collect/mlr $(median "${r_cm[@]}")x (target <= 1.0)"
		else
			echo "  mlr unsparsify  not run: it would need about $((need >> 30)) GiB, $((avail >> 30)) GiB available"
		fi
		cd "$work" && rm -rf "$dir" all.csv
	done
done

# Resume: a sweep of 2 machines made by internal/sweepgen, host01's share
# all done (every row ok), then half done (its first half of rows; the jobs
# left fail at once and --halt stops the run at the first). A run's time
# is then mostly reading what is done; the target is against plan's.
n_resume=${BENCH_RESUME_JOBS:-1000000}
echo "== resume: run on a ${n_resume}-job sweep of 2 machines, the share all done and half done, vs plan"
dir="$work/resume"
[ -x "$work/sweepgen" ] || (cd "$src" && go build -o "$work/sweepgen" ./internal/sweepgen)
"$work/sweepgen" -jobs "$n_resume" -hosts 2 "$dir"
cd "$dir"
printf '#!/bin/sh\nexit 1\n' >sim && chmod +x sim
cp results/host01.csv "$work/resume-all.csv"
head -n $((($(wc -l <results/host01.csv) + 1) / 2)) results/host01.csv >"$work/resume-half.csv"
run_all() { "$bin" run -m host01 --yes --quiet; }
run_half() { "$bin" run -m host01 --yes --quiet --halt now,fail=1 || [ $? -eq 1 ]; }
tp=() ta=() th=() r_ap=() r_hp=()
for _ in $(seq "$runs"); do
	tp+=("$(once "$bin" plan)")
	cp "$work/resume-all.csv" results/host01.csv
	ta+=("$(once run_all)")
	cp "$work/resume-half.csv" results/host01.csv
	th+=("$(once run_half)")
	r_ap+=("$(ratio "${ta[-1]}" "${tp[-1]}")") r_hp+=("$(ratio "${th[-1]}" "${tp[-1]}")")
done
m_plan=$(peak "$bin" plan)
cp "$work/resume-all.csv" results/host01.csv
m_all=$(peak "$bin" run -m host01 --yes --quiet)
cp "$work/resume-half.csv" results/host01.csv
m_half=$(peak sh -c '"$0" run -m host01 --yes --quiet --halt now,fail=1 || [ $? -eq 1 ]' "$bin")
echo "plan $(median "${tp[@]}")s ${m_plan} MiB   run, all done $(median "${ta[@]}")s ${m_all} MiB   run, half done $(median "${th[@]}")s ${m_half} MiB"
echo "all done/plan $(median "${r_ap[@]}")x   half done/plan $(median "${r_hp[@]}")x (target <= 1.5; memory <= plan + 64 MiB)"
cd "$work" && rm -rf "$dir" resume-all.csv resume-half.csv

echo "== report: 1,000,000 jobs' results and logs vs collect-results on the same files"
mkdir -p "$work/report" && cd "$work/report"
awk 'BEGIN { srand(1); print "id,x,model"; for (i = 0; i < 1000000; i++) printf "%d,%.4f,m%d\n", i, rand(), i % 7 }' >jobs.csv
printf '[job]\ncommand = "./sim {x} {model}"\n[pool]\nfile = "jobs.csv"\n[results]\ncolumns = ["score"]\n' >jobsplit.toml
printf '{"alpha": [1, 8], "beta": [2, 16], "gamma": [0.5, 4]}\n' >machines.json
digest=$("$bin" plan --json | awk -F'"' '/"digest"/ { print $4; exit }')
mkdir -p results logs
# Each machine's share back to back on its cores at its true speed, 1% failed,
# with the job_start, job_end (and a failed job's stderr line) a run logs.
for spec in alpha:8:1 beta:16:2 gamma:4:0.5; do
	IFS=: read -r m cores speed <<<"$spec"
	"$bin" plan --list "$m" | awk -v m="$m" -v cores="$cores" -v speed="$speed" -v d="$digest" -v logf="logs/$m.jsonl" '
	function stamp(ms,   day, h, mi) {
		day = int(ms / 86400000); ms -= day * 86400000; h = int(ms / 3600000); ms -= h * 3600000
		mi = int(ms / 60000); ms -= mi * 60000
		return sprintf("2026-01-%02dT%02d:%02d:%02d.%03dZ", day + 1, h, mi, int(ms / 1000), ms % 1000)
	}
	BEGIN { srand(7); print "job_id,machine,status,exit_code,attempt,started_at,duration_s,digest,x,model,score" }
	{
		l = NR % cores; dur = int((200 + 2000 * rand()) / speed); ok = rand() >= 0.01
		st = ok ? "ok" : "failed"; ex = ok ? 0 : 3
		printf "%s,%s,%s,%d,1,%s,%.3f,%s,0.5,m%d,%d\n", $1, m, st, ex, stamp(t[l]), dur / 1000, d, $1 % 7, $1
		printf "{\"time\":\"%s\",\"level\":\"info\",\"machine\":\"%s\",\"event\":\"job_start\",\"job\":\"%s\",\"attempt\":1}\n", stamp(t[l]), m, $1 >logf
		if (!ok) printf "{\"time\":\"%s\",\"level\":\"info\",\"machine\":\"%s\",\"event\":\"output\",\"job\":\"%s\",\"stream\":\"stderr\",\"line\":\"boom\"}\n", stamp(t[l]), m, $1 >logf
		printf "{\"time\":\"%s\",\"level\":\"%s\",\"machine\":\"%s\",\"event\":\"job_end\",\"job\":\"%s\",\"attempt\":1,\"status\":\"%s\",\"exit_code\":%d,\"duration_s\":%.3f}\n", stamp(t[l] + dur), ok ? "info" : "error", m, $1, st, ex, dur / 1000 >logf
		t[l] += dur
	}' >"results/$m.csv"
done
gzip -1 logs/*.jsonl
# collect-results exits 3 here: 1% of the jobs failed.
run_collect() { "$bin" collect-results -o "$work/all.csv" || [ $? -eq 3 ]; }
run_report() { "$bin" report -o "$work/report.html"; }
co=() re=() re_co=()
for _ in $(seq "$runs"); do
	co+=("$(once run_collect)") re+=("$(once run_report)")
	re_co+=("$(ratio "${re[-1]}" "${co[-1]}")")
done
m_collect=$(peak sh -c '"$0" collect-results -o "$1" || [ $? -eq 3 ]' "$bin" "$work/all.csv")
m_report=$(peak "$bin" report -o "$work/report.html")
echo "report $(median "${re[@]}")s   collect-results $(median "${co[@]}")s   report/collect $(median "${re_co[@]}")x (target <= 2)"
echo "peak memory: report ${m_report} MiB, collect-results ${m_collect} MiB   page $(du -k "$work/report.html" | cut -f1) KiB (target < 20 MiB)"

echo "== log commit: a short job's records made durable before its row (go test -bench Commit ./logs)"
cd "$repo"
go test -run '^$' -bench 'Commit' -benchtime 2000x ./logs/ |
	awk '/^BenchmarkCommit/ { sub(/^BenchmarkCommit\//, "", $1); sub(/-[0-9]+$/, "", $1);
		printf "%-16s %8.1f us/job  %6.1f B/job  %5.3f syncs/job\n", $1, $3 / 1000, $5, $7 }'
echo "== balance: cost per job (Next + Done) on a local folder and on sshfs; the 4x-slower host's makespan"
repo=$(dirname "$(dirname "$bin")")
sshfs_bench=0
if [ -x /usr/sbin/sshd ] && command -v sshfs >/dev/null && [ -e /dev/fuse ]; then sshfs_bench=1; fi
(cd "$repo" && JOBSPLIT_TEST_SSHFS=$sshfs_bench go test ./balance -run '^$' -bench 'Job' -benchtime 20000x |
	awk '/^Benchmark/ { printf "%s  %.1f us/job (target < 1000 local; < 1000 sshfs, 1%% of a 0.1 s job)\n", $1, $3 / 1000 }')
(cd "$repo" && go test ./balance -run '^$' -bench 'SlowHost' -benchtime 3x |
	awk '/^Benchmark/ { for (i = 5; i < NF; i += 2) printf "%s %s  ", $(i + 1), $i; print "(target balanced/ideal <= 1.15)" }')
