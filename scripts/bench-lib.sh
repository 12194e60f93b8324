# Helpers of scripts/bench.sh and scripts/bench-scale.sh (sourced): one
# way to measure a command, the statistics of repeats, and the table both
# print at the end. The caller sets $work (a scratch folder) and $src (the
# repository) first.

# say prints a section's progress on stderr; stdout holds only the table.
say() { echo "$*" >&2; }

# build_tools builds the helper commands into $work: sweepgen (generated
# sweeps), selfcpu (a process's own CPU time apart from its children's) and
# execfloor (os/exec alone: the floor of a Go program's cost per job).
build_tools() {
	(cd "$src" && go build -o "$work/sweepgen" ./internal/sweepgen && go build -o "$work/selfcpu" ./internal/selfcpu &&
		go build -o "$work/execfloor" ./internal/execfloor)
}

# measure runs a command once, its output discarded, and sets M_WALL (wall
# seconds), M_OWN and M_KIDS (CPU seconds of the process itself and of the
# children it waited for) and M_PEAK (peak resident MiB of either). An exit
# status other than those in $ok_codes (default 0) shows the command's last
# messages and fails.
measure() {
	local status=0
	"$work/selfcpu" -o "$work/measure.txt" -- "$@" >/dev/null 2>"$work/measure.err" || status=$?
	if [[ " ${ok_codes:-0} " != *" $status "* ]]; then
		say "bench: exit status $status from: $*"
		tail -n 20 "$work/measure.err" >&2
		return 1
	fi
	read -r M_WALL M_OWN M_KIDS M_PEAK <"$work/measure.txt"
}

# median, spread and ratio of numbers: spread is (max - min) / median of the
# repeats in percent, "-" for a single value.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }'; }
spread() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR < 2) print "-"; else if (v[int((NR + 1) / 2)] == 0) print "0%";
			else printf "%.0f%%\n", 100 * (v[NR] - v[1]) / v[int((NR + 1) / 2)] }'
}
# median_ratio is the median of ratios, to two decimals.
median_ratio() { median "$@" | awk '{ printf "%.2f", $1 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
mib() { awk -v m="$1" 'BEGIN { printf "%.0f", m }'; }

# row records one line of the final table: measure, jobsplit, peer, ratio
# (jobsplit / peer), spread of the ratio over the repeats, jobsplit's peak
# memory, and the target or a note.
table_header=$'measure\tjobsplit\tpeer\tratio\tspread\tpeak MiB\ttarget / note'
row() {
	local IFS=$'\t'
	echo "$*" >>"$work/table.tsv"
}

# print_table prints the rows recorded so far as aligned columns.
print_table() {
	[ -s "$work/table.tsv" ] || return 0
	{ echo "$table_header"; cat "$work/table.tsv"; } | awk -F'\t' '
		{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n[NR] = NF }
		END {
			for (r = 1; r <= NR; r++) {
				line = ""
				for (i = 1; i <= n[r]; i++) line = line sprintf(i < n[r] ? "%-" w[i] "s  " : "%s", cell[r, i])
				print line
				if (r == 1) { rule = ""; for (i = 1; i <= n[r]; i++) rule = rule sprintf(i < n[r] ? "%-" w[i] "s  " : "%s", substr("--------------------------------------------------------------------------------", 1, w[i])); print rule }
			}
		}'
}

# mem_available is the kernel's estimate of the bytes a new process can use.
mem_available() { awk '/MemAvailable/ { printf "%.0f", $2 * 1024 }' /proc/meminfo; }
