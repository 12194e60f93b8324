#!/usr/bin/env bash
# make bench: jobsplit measured side by side with its peers in one run, so
# that the ratios hold on a noisy shared machine. Each section shows its
# progress on stderr and records its rows; the table of every row is printed
# on stdout at the end (also when a section fails). The targets are issue
# 15's and the README's.
#
#   BENCH_QUICK=1         small sizes, one repeat: a few minutes
#   BENCH_RUNS=N          repeats of each measure (default 3, quick 1)
#   BENCH_SECTIONS="..."  only these of: plan run memory perf join resume report commit balance
#   BENCH_JOIN_ROWS="..." the collect section's sizes (default "2000000 4000000")
#   BENCH_MLR_MAX_GIB=N   run Miller's unsparsify (which holds every row) only
#                         where it needs at most N GiB (default 10), and at
#                         most what is available less 4 GiB
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/scripts/bench-lib.sh"
quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
	runs=${BENCH_RUNS:-1} plan_rows=200000 run_jobs=2000 share_jobs=20000 report_rows=100000 resume_jobs=100000
	join_rows=${BENCH_JOIN_ROWS:-200000} perf_runs=2 perf_duration=1s commit_n=200x balance_n=2000x slow_n=1x
else
	runs=${BENCH_RUNS:-3} plan_rows=1000000 run_jobs=10000 share_jobs=100000 report_rows=1000000 resume_jobs=1000000
	join_rows=${BENCH_JOIN_ROWS:-2000000 4000000} perf_runs=3 perf_duration=2s commit_n=2000x balance_n=20000x slow_n=3x
fi
sections=${BENCH_SECTIONS:-plan run memory perf join resume report commit balance}
mlr_max=$((${BENCH_MLR_MAX_GIB:-10} << 30))
work=$(mktemp -d "${TMPDIR:-/tmp}/jobsplit-bench.XXXXXX")
trap 'status=$?; print_table; rm -rf "$work"; exit $status' EXIT

# Peers and tools come from Debian's packages.
missing=()
command -v parallel >/dev/null || missing+=(parallel)
command -v mlr >/dev/null || missing+=(miller)
command -v shuf >/dev/null || missing+=(coreutils)
if [ ${#missing[@]} -gt 0 ]; then
	say "bench: installing ${missing[*]}"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
build_tools

# human prints a count as 10k, 1M, 2.5M.
human() { awk -v n="$1" 'BEGIN { if (n >= 1e6) printf "%gM", n / 1e6; else if (n >= 1e3) printf "%gk", n / 1e3; else print n }'; }

bench_plan() {
	say "== plan: a $(human "$plan_rows")-row CSV pool vs GNU shuf on the same file"
	mkdir -p "$work/plan" && cd "$work/plan"
	awk -v n="$plan_rows" 'BEGIN { srand(1); print "alpha,beta,model,n";
		for (i = 0; i < n; i++) printf "%.6f,%d,m%d,%d\n", rand(), int(rand() * 1000), i % 7, i }' >pool.csv
	printf '[job]\ncommand = "./sim {alpha} {beta} {model} {n}"\n[pool]\nfile = "pool.csv"\n' >jobsplit.toml
	printf '{"alpha": [1, 4], "beta": [2, 8], "gamma": [0.5, 2]}\n' >machines.json
	local size tp=() ts=() r=() mp=() w m
	size=$(du -m pool.csv | cut -f1)
	for _ in $(seq "$runs"); do
		measure "$bin" plan
		w=$M_WALL m=$M_PEAK
		tp+=("$w") mp+=("$m")
		measure shuf pool.csv
		w=$M_WALL
		ts+=("$w") r+=("$(ratio "${tp[-1]}" "$w")")
	done
	m=$(median "${mp[@]}")
	row "plan, $(human "$plan_rows") jobs, vs shuf" "$(median "${tp[@]}")s" "shuf $(median "${ts[@]}")s" \
		"$(median_ratio "${r[@]}")" "$(spread "${r[@]}")" "$(mib "$m")" \
		"<= 2; peak $(ratio "$m" "$size")x the ${size} MiB file (<= 4)"
	cd "$work" && rm -rf "$work/plan"
}

# The three take turns, round after round, so that a change in the shared
# machine's load weighs on all of them alike; a ratio is the median of the
# rounds' ratios. jobsplit's own CPU is its process's, not its jobs'.
bench_run() {
	# per_job_ms is CPU seconds spread over the run's jobs, in milliseconds.
	per_job_ms() { awk -v o="$1" -v n="$run_jobs" 'BEGIN { printf "%.4f", 1000 * o / n }'; }
	say "== run: $(human "$run_jobs") trivial jobs (true) on 2 workers vs xargs -P 2 and GNU parallel -j 2"
	mkdir -p "$work/run" && cd "$work/run"
	seq "$run_jobs" >jobs.txt
	printf '[job]\ncommand = "true {arg}"\n[pool]\nfile = "jobs.txt"\nformat = "lines"\n' >jobsplit.toml
	printf '{"solo": [1, 2]}\n' >machines.json
	local js=() xa=() pa=() js_xa=() js_pa=() jo=() xo=() fo=() o_r=() o_f=() mj=() w o m
	for _ in $(seq "$runs"); do
		rm -rf results logs
		measure "$bin" run -m solo -j 2 --yes --quiet
		w=$M_WALL o=$M_OWN m=$M_PEAK
		js+=("$w") jo+=("$(per_job_ms "$o")") mj+=("$m")
		measure xargs -P 2 -n 1 true <jobs.txt
		w=$M_WALL o=$M_OWN
		xa+=("$w") xo+=("$(per_job_ms "$o")")
		measure parallel -j 2 true <jobs.txt
		w=$M_WALL
		pa+=("$w")
		measure "$work/execfloor" -n "$run_jobs" -j 2 true
		fo+=("$(per_job_ms "$M_OWN")")
		o_f+=("$(ratio "${jo[-1]}" "${fo[-1]}")")
		js_xa+=("$(ratio "${js[-1]}" "${xa[-1]}")") js_pa+=("$(ratio "${js[-1]}" "${pa[-1]}")")
		o_r+=("$(ratio "${jo[-1]}" "${xo[-1]}")")
	done
	local rows records n
	rows=$(($(wc -l <results/solo.csv) - 1))
	records=$(zcat logs/solo.jsonl.gz | wc -l)
	n=$(human "$run_jobs")
	row "run, $n true, -j 2, vs xargs -P 2" "$(median "${js[@]}")s" "xargs $(median "${xa[@]}")s" \
		"$(median_ratio "${js_xa[@]}")" "$(spread "${js_xa[@]}")" "$(mib "$(median "${mj[@]}")")" "<= 1.1"
	row "run, $n true, -j 2, vs GNU parallel -j 2" "$(median "${js[@]}")s" "parallel $(median "${pa[@]}")s" \
		"$(median_ratio "${js_pa[@]}")" "$(spread "${js_pa[@]}")" "-" "<= 0.33 (parallel 3x slower)"
	row "run, own CPU per job (not the jobs')" "$(median "${jo[@]}") ms" "xargs $(median "${xo[@]}") ms" \
		"$(median_ratio "${o_r[@]}")" "$(spread "${o_r[@]}")" "-" "<= 0.15 ms; wrote $rows rows, $records log records"
	row "run, own CPU per job vs Go's os/exec alone" "$(median "${jo[@]}") ms" "execfloor $(median "${fo[@]}") ms" \
		"$(median_ratio "${o_f[@]}")" "$(spread "${o_f[@]}")" "-" "a Go program that only starts them with os/exec"
	cd "$work" && rm -rf "$work/run"
}

bench_memory() {
	say "== memory: a $(human "$share_jobs")-job share of true on 2 workers"
	mkdir -p "$work/memory" && cd "$work/memory"
	seq "$share_jobs" >jobs.txt
	printf '[job]\ncommand = "true {arg}"\n[pool]\nfile = "jobs.txt"\nformat = "lines"\n' >jobsplit.toml
	printf '{"solo": [1, 2]}\n' >machines.json
	local w m
	measure "$bin" run -m solo -j 2 --yes --quiet
	w=$M_WALL m=$M_PEAK
	row "run, $(human "$share_jobs")-job share, peak memory" "${w}s" "-" "-" "-" "$(mib "$m")" "peak < 64 MiB"
	cd "$work" && rm -rf "$work/memory"
}

bench_perf() {
	say "== bench: this machine's speed, $perf_runs runs of jobsplit bench --duration $perf_duration"
	local perfs=()
	for _ in $(seq "$perf_runs"); do
		perfs+=("$("$bin" bench --json --name bench --duration "$perf_duration" 2>/dev/null |
			awk -F': ' '/"perf":/ { sub(",", "", $2); print $2 }')")
	done
	row "bench, perf of $perf_runs runs" "perf $(median "${perfs[@]}")" "-" "-" "$(spread "${perfs[@]}")" "-" \
		"spread <= 10% on an idle machine"
}

# The join: result files made by internal/sweepgen (a finished sweep: every
# machine's rows of its share, in run order, one job in 200 retried), never
# committed. Miller's unsparsify holds every row (about 3.3 KiB a narrow
# row, 4.7 KiB a row of 20 results), so it runs only where that memory is
# free and within BENCH_MLR_MAX_GIB.
bench_join() {
	say "== collect-results and status vs Miller unsparsify: rows in 8 files, narrow (2 result columns) and wide (20)"
	local rows width
	for rows in $join_rows; do
		for width in 2 20; do
			join_case "$rows" "$width"
		done
	done
}

join_case() {
	local rows=$1 width=$2 dir="$work/join-$1-$2" name avail need with_mlr
	name="$(human "$rows") rows $([ "$width" = 2 ] && echo narrow || echo wide)"
	say "-- $name ($width result columns)"
	"$work/sweepgen" -jobs "$rows" -hosts 8 -results "$width" "$dir"
	cd "$dir"
	avail=$(mem_available)
	need=$((rows * (3300 + 70 * width)))
	with_mlr=$([ "$need" -le "$mlr_max" ] && [ "$need" -le $((avail - (4 << 30))) ] && echo yes || echo no)
	local tc=() ts=() tm=() mc=() ms=() r_cm=() r_sc=() w m mp
	for _ in $(seq "$runs"); do
		measure "$bin" collect-results -o "$work/all.csv"
		w=$M_WALL m=$M_PEAK
		tc+=("$w") mc+=("$m")
		measure "$bin" status
		w=$M_WALL m=$M_PEAK
		ts+=("$w") ms+=("$m") r_sc+=("$(ratio "${ts[-1]}" "${tc[-1]}")")
		if [ "$with_mlr" = yes ]; then
			measure mlr --icsv --ocsv unsparsify results/*.csv
			w=$M_WALL
			tm+=("$w") r_cm+=("$(ratio "${tc[-1]}" "$w")")
		fi
	done
	measure "$bin" plan
	mp=$M_PEAK
	mp=$(mib "$mp")
	if [ "$with_mlr" = yes ]; then
		row "collect-results, $name, vs mlr unsparsify" "$(median "${tc[@]}")s" "mlr $(median "${tm[@]}")s" \
			"$(median_ratio "${r_cm[@]}")" "$(spread "${r_cm[@]}")" "$(mib "$(median "${mc[@]}")")" \
			"<= 1.0; peak <= plan's $mp + 64"
	else
		row "collect-results, $name, vs mlr unsparsify" "$(median "${tc[@]}")s" \
			"mlr not run: needs ~$((need >> 30)) GiB, $((avail >> 30)) GiB free, cap $((mlr_max >> 30))" \
			"-" "$(spread "${tc[@]}") (time)" "$(mib "$(median "${mc[@]}")")" "peak <= plan's $mp + 64"
	fi
	row "status, $name, vs collect-results" "$(median "${ts[@]}")s" "collect $(median "${tc[@]}")s" \
		"$(median_ratio "${r_sc[@]}")" "$(spread "${r_sc[@]}")" "$(mib "$(median "${ms[@]}")")" "<= 0.5; peak <= plan's $mp + 64"
	cd "$work" && rm -rf "$dir" "$work/all.csv"
}

# Resume: a sweep of 2 machines made by internal/sweepgen, host01's share
# all done (every row ok), then half done (its first half of rows; the jobs
# left fail at once and --halt stops the run at the first). A run's time
# is then mostly reading what is done; the target is against plan's.
bench_resume() {
	say "== resume: run on a $(human "$resume_jobs")-job sweep of 2 machines, the share all done and half done, vs plan"
	local dir="$work/resume"
	"$work/sweepgen" -jobs "$resume_jobs" -hosts 2 "$dir"
	cd "$dir"
	printf '#!/bin/sh\nexit 1\n' >sim && chmod +x sim
	cp results/host01.csv "$work/resume-all.csv"
	head -n $((($(wc -l <results/host01.csv) + 1) / 2)) results/host01.csv >"$work/resume-half.csv"
	local tp=() ta=() th=() r_a=() r_h=() mp=() ma=() mh=()
	for _ in $(seq "$runs"); do
		measure "$bin" plan
		tp+=("$M_WALL") mp+=("$M_PEAK")
		cp "$work/resume-all.csv" results/host01.csv
		measure "$bin" run -m host01 --yes --quiet
		ta+=("$M_WALL") ma+=("$M_PEAK") r_a+=("$(ratio "$M_WALL" "${tp[-1]}")")
		cp "$work/resume-half.csv" results/host01.csv
		ok_codes="0 1" measure "$bin" run -m host01 --yes --quiet --halt now,fail=1
		th+=("$M_WALL") mh+=("$M_PEAK") r_h+=("$(ratio "$M_WALL" "${tp[-1]}")")
	done
	local n m
	n=$(human "$resume_jobs") m=$(mib "$(median "${mp[@]}")")
	row "run resuming $n jobs, share all done, vs plan" "$(median "${ta[@]}")s" "plan $(median "${tp[@]}")s" \
		"$(median_ratio "${r_a[@]}")" "$(spread "${r_a[@]}")" "$(mib "$(median "${ma[@]}")")" "<= 1.5; peak <= plan's $m + 64"
	row "run resuming $n jobs, half done, vs plan" "$(median "${th[@]}")s" "plan $(median "${tp[@]}")s" \
		"$(median_ratio "${r_h[@]}")" "$(spread "${r_h[@]}")" "$(mib "$(median "${mh[@]}")")" "<= 1.5; peak <= plan's $m + 64"
	cd "$work" && rm -rf "$dir" "$work/resume-all.csv" "$work/resume-half.csv"
}

bench_report() {
	say "== report: $(human "$report_rows") jobs' results and logs vs collect-results on the same files"
	mkdir -p "$work/report" && cd "$work/report"
	awk -v n="$report_rows" 'BEGIN { srand(1); print "id,x,model"; for (i = 0; i < n; i++) printf "%d,%.4f,m%d\n", i, rand(), i % 7 }' >jobs.csv
	printf '[job]\ncommand = "./sim {x} {model}"\n[pool]\nfile = "jobs.csv"\n[results]\ncolumns = ["score"]\n' >jobsplit.toml
	printf '{"alpha": [1, 8], "beta": [2, 16], "gamma": [0.5, 4]}\n' >machines.json
	local digest spec m cores speed
	digest=$("$bin" plan --json | awk -F'"' '/"digest"/ { print $4; exit }')
	mkdir -p results logs
	# Each machine's share back to back on its cores at its true speed, 1%
	# failed, with the job_start, job_end (and a failed job's stderr line) a
	# run logs.
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
	local co=() re=() re_co=() mr=() w
	for _ in $(seq "$runs"); do
		# collect-results exits 3 here: 1% of the jobs failed.
		ok_codes="0 3" measure "$bin" collect-results -o "$work/all.csv"
		w=$M_WALL
		co+=("$w")
		measure "$bin" report -o "$work/report.html"
		w=$M_WALL m=$M_PEAK
		re+=("$w") mr+=("$m") re_co+=("$(ratio "${re[-1]}" "${co[-1]}")")
	done
	row "report, $(human "$report_rows") jobs, vs collect-results" "$(median "${re[@]}")s" "collect $(median "${co[@]}")s" \
		"$(median_ratio "${re_co[@]}")" "$(spread "${re_co[@]}")" "$(mib "$(median "${mr[@]}")")" \
		"<= 2; page $(du -k "$work/report.html" | cut -f1) KiB (< 20 MiB)"
	cd "$work" && rm -rf "$work/report" "$work/all.csv" "$work/report.html"
}

bench_commit() {
	say "== log commit: a short job's records made durable before its row (go test -bench Commit ./logs)"
	local name us bytes syncs
	while read -r name us bytes syncs; do
		row "log commit, $name" "$us us/job" "-" "-" "-" "-" "$bytes B/job, $syncs syncs/job"
	done < <(cd "$src" && go test -run '^$' -bench 'Commit' -benchtime "$commit_n" ./logs/ |
		awk '/^BenchmarkCommit/ { sub(/^BenchmarkCommit\//, "", $1); sub(/-[0-9]+$/, "", $1);
			printf "%s %.1f %.1f %.3f\n", $1, $3 / 1000, $5, $7 }')
}

bench_balance() {
	say "== balance: cost per job (Next + Done) on a local folder and on sshfs; the 4x-slower host's makespan"
	local sshfs_bench=0 name us
	if [ -x /usr/sbin/sshd ] && command -v sshfs >/dev/null && [ -e /dev/fuse ]; then sshfs_bench=1; fi
	while read -r name us; do
		row "balance, Next + Done, $name" "$us us/job" "-" "-" "-" "-" "< 1000 (1% of a 0.1 s job)"
	done < <(cd "$src" && JOBSPLIT_TEST_SSHFS=$sshfs_bench go test ./balance -run '^$' -bench 'Job' -benchtime "$balance_n" |
		awk '/^BenchmarkJob\// { sub(/^BenchmarkJob\//, "", $1); sub(/-[0-9]+$/, "", $1); printf "%s %.1f\n", $1, $3 / 1000 }')
	[ "$sshfs_bench" = 1 ] || row "balance, Next + Done, sshfs" "not run" "-" "-" "-" "-" "needs sshd, sshfs and /dev/fuse"
	local -A m
	local key value
	while read -r key value; do m[$key]=$value; done < <(cd "$src" && go test ./balance -run '^$' -bench 'SlowHost' -benchtime "$slow_n" |
		awk '/^BenchmarkSlowHost/ { for (i = 3; i < NF; i += 2) print $(i + 1), $i }')
	row "balance, makespan, one host 4x slower" "${m[balanced-s]:-?}s" "ideal ${m[ideal-s]:-?}s" \
		"$(awk -v r="${m[balanced/ideal]:-0}" 'BEGIN { printf "%.2f", r }')" "-" "-" "<= 1.15; the static plan's ${m[static-s]:-?}s"
}

for section in $sections; do
	case $section in
	plan | run | memory | perf | join | resume | report | commit | balance)
		started=$SECONDS
		"bench_$section"
		say "   ($section: $((SECONDS - started)) s)"
		;;
	*)
		say "bench: unknown section $section; choices: plan run memory perf join resume report commit balance"
		exit 2
		;;
	esac
done
