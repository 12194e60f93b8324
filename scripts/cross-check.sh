#!/usr/bin/env bash
# Same answer everywhere: the linux/arm64 binary (under qemu-user) and the
# linux/386 binary must print exactly the plans the native binary prints,
# byte for byte, for a few fixed sweeps. Installs Debian's qemu-user when
# missing. Exit status 1 and a diff on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."

native_arch=$(go env GOARCH)
work=$(mktemp -d "${TMPDIR:-/tmp}/jobsplit-cross.XXXXXX")
trap 'rm -rf "$work"' EXIT

# runner ARCH: the command prefix that runs a linux/ARCH binary here
# (empty: the binary runs natively).
runner() {
	case "$1" in
	"$native_arch") echo "" ;;
	386) if [ "$native_arch" = amd64 ]; then echo ""; else echo qemu-i386; fi ;;
	arm64) echo qemu-aarch64 ;;
	*) echo "qemu-$1" ;;
	esac
}

for arch in arm64 386; do
	emulator=$(runner "$arch")
	if [ -n "$emulator" ] && ! command -v "$emulator" >/dev/null; then
		echo "cross-check: installing qemu-user for $emulator" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq qemu-user >/dev/null
	fi
done

echo "cross-check: building linux/$native_arch, linux/arm64, linux/386" >&2
pids=()
for arch in "$native_arch" arm64 386; do
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -o "$work/jobsplit-$arch" . &
	pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

# The sweeps: the bundled example; a grid with fractional speeds and
# unicode params; a CSV pool with costs for the cost strategy, whose
# finish times are floating point; the same with needs and priorities.
"$work/jobsplit-$native_arch" init "$work/example" 2>/dev/null
mkdir "$work/grid" "$work/cost"
printf '%s\n' '[job]' 'command = "./sim {a} {b} {seed}"' '[pool.grid]' \
	'a = [0.1, 0.25, 1e-3, -7]' 'b = {from = 1, to = 250, step = 3}' \
	'[params]' 'model = "ä-unicode"' >"$work/grid/jobsplit.toml"
echo '{"w1": [0.3333, 3], "w2": {"perf": 1.7, "cores": 7}, "w3": [2, 1], "w4": [0.125, 16]}' \
	>"$work/grid/machines.json"
cp "$work/grid/machines.json" "$work/cost/"
printf '%s\n' 'strategy = "cost"' '[job]' 'command = ["./sim", "{x}"]' '[pool]' 'file = "jobs.csv"' \
	>"$work/cost/jobsplit.toml"
awk 'BEGIN { print "id,x,cost"
	for (i = 0; i < 500; i++) printf "j%03d,%d,%.3f\n", i, i * 7 % 13, (i * 37 % 101) / 7 }' \
	>"$work/cost/jobs.csv"
# A sweep with GPU and core needs and priorities: classes of machines, and
# the cost strategy's per-class times.
mkdir "$work/needs"
echo '{"w1": {"perf": 0.3333, "cores": 8, "gpus": 2}, "w2": {"perf": 1.7, "cores": 7, "gpus": ["0", "3", "5"]}, "w3": [2, 4]}' \
	>"$work/needs/machines.json"
printf '%s\n' 'strategy = "cost"' '[job]' 'command = ["./sim", "{x}"]' 'cores = "{c}"' 'gpus = "{g}"' \
	'priority = "{p}"' '[pool]' 'file = "jobs.csv"' >"$work/needs/jobsplit.toml"
awk 'BEGIN { print "id,x,c,g,p,cost"
	for (i = 0; i < 300; i++) printf "n%03d,%d,%d,%s,%d,%.3f\n", i, i, 1 + i % 3, (i % 4 == 0 ? "0.5" : "0"), i % 5 == 0, (i * 37 % 101) / 7 }' \
	>"$work/needs/jobs.csv"

# Each check: a directory and the plan's arguments.
checks=(
	"example|plan --json"
	"example|plan --list alpha"
	"example|plan"
	"grid|plan --json"
	"grid|plan --list w2"
	"cost|plan --json"
	"cost|plan --list w4"
	"needs|plan --json"
	"needs|plan"
	"needs|plan --list w2"
)

failed=0
for check in "${checks[@]}"; do
	dir=${check%%|*}
	read -r -a args <<<"${check#*|}"
	(cd "$work/$dir" && "$work/jobsplit-$native_arch" "${args[@]}") >"$work/want" 2>&1
	for arch in arm64 386; do
		emulator=$(runner "$arch")
		# shellcheck disable=SC2086 # an empty emulator runs the binary itself
		if ! (cd "$work/$dir" && $emulator "$work/jobsplit-$arch" "${args[@]}") >"$work/got" 2>&1; then
			echo "cross-check: FAIL: linux/$arch jobsplit ${args[*]} in $dir failed:" >&2
			cat "$work/got" >&2
			failed=1
			continue
		fi
		if ! cmp -s "$work/want" "$work/got"; then
			echo "cross-check: FAIL: linux/$arch jobsplit ${args[*]} in $dir differs from linux/$native_arch:" >&2
			diff -u "$work/want" "$work/got" | head -40 >&2 || true
			failed=1
			continue
		fi
		echo "cross-check: ok  linux/$arch${emulator:+ under $emulator}: jobsplit ${args[*]} ($dir, $(wc -c <"$work/want") bytes)"
	done
done
if [ "$failed" != 0 ]; then
	echo "cross-check: FAIL: the plans differ across architectures" >&2
	exit 1
fi
echo "cross-check: linux/arm64 and linux/386 plan exactly as linux/$native_arch"
