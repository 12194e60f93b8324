#!/usr/bin/env bash
# slurm-up.sh: a one-node Slurm cluster on this machine, for jobsplit's real
# Slurm test (go test -run Slurm with JOBSPLIT_TEST_SLURM=1).
#
# Run as root. It installs slurm-wlm and munge when missing, creates a munge
# key if there is none, starts munged, writes /etc/slurm/slurm.conf for one
# node with this machine's CPUs and memory and two fake GPUs (a GRES whose
# device files are /dev/null and /dev/zero: slurmd wants character devices,
# and no job touches them), starts slurmctld and slurmd, and
# waits (bounded) until sinfo shows the node idle. Running it again is fine:
# what already runs is left alone. It prints how to tear the cluster down.
#
# JOBSPLIT_SLURM_DIR (default /var/tmp/jobsplit-slurm) holds the state, the
# spool, the pid files and the daemons' logs.
set -euo pipefail

state=${JOBSPLIT_SLURM_DIR:-/var/tmp/jobsplit-slurm}
conf=/etc/slurm/slurm.conf
marker="# written by jobsplit scripts/slurm-up.sh"
wait_seconds=${JOBSPLIT_SLURM_WAIT:-60}

say() { echo "slurm-up: $*"; }
fail() {
	echo "slurm-up: error: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root (it installs packages and starts daemons): sudo $0"

# alive PIDFILE: the daemon whose pid the file holds is running.
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Packages.
missing=()
command -v slurmctld >/dev/null 2>&1 || missing+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || missing+=(munge)
if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || fail "apt-get update failed"
	apt-get install -y -qq slurm-wlm munge >/dev/null || fail "apt-get install slurm-wlm munge failed"
fi
for tool in slurmctld slurmd sinfo sbatch munged; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH after installing slurm-wlm and munge"
done

# Munge: a key, then the daemon as the munge user.
if [ ! -s /etc/munge/munge.key ]; then
	say "creating a munge key"
	mkdir -p /etc/munge
	if command -v mungekey >/dev/null 2>&1; then
		mungekey -c -f -k /etc/munge/munge.key
	elif [ -x /usr/sbin/create-munge-key ]; then
		/usr/sbin/create-munge-key -f
	else
		fail "no mungekey or create-munge-key to create /etc/munge/munge.key"
	fi
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /etc/munge /etc/munge/munge.key /run/munge /var/log/munge /var/lib/munge
chmod 0700 /etc/munge /var/log/munge /var/lib/munge
chmod 0400 /etc/munge/munge.key
chmod 0755 /run/munge
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
	say "starting munged"
	rm -f /run/munge/munge.socket.2.lock
	runuser -u munge -- munged || fail "munged did not start; see /var/log/munge/munged.log"
	for _ in $(seq 50); do
		munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
		sleep 0.1
	done
	munge -n </dev/null | unmunge >/dev/null || fail "munge does not work; see /var/log/munge/munged.log"
fi

# slurm.conf: one node with this machine's CPUs and most of its memory.
host=$(hostname -s)
cpus=$(nproc)
mem_total=$(free -m | awk '/^Mem:/ {print $2}')
real_memory=$((mem_total * 9 / 10))
if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
	fail "$conf exists and was not written by this script; move it away to let slurm-up.sh write its own"
fi
mkdir -p /etc/slurm "$state/ctld" "$state/spool"
# Two fake GPUs for jobsplit's emit test of --gres=gpu:N.
new_gres=$(
	cat <<EOF
$marker
Name=gpu File=/dev/null
Name=gpu File=/dev/zero
EOF
)
new_conf=$(
	cat <<EOF
$marker
ClusterName=jobsplit
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
SchedulerType=sched/backfill
MinJobAge=600
GresTypes=gpu
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_memory Gres=gpu:2 State=UNKNOWN
PartitionName=debug Default=YES Nodes=ALL MaxTime=INFINITE State=UP
EOF
)
changed=no
if [ ! -e "$conf" ] || [ "$(cat "$conf")" != "$new_conf" ]; then
	printf '%s\n' "$new_conf" >"$conf"
	changed=yes
	say "wrote $conf: node $host, $cpus CPUs, ${real_memory} MB, 2 GPUs"
fi
gres=/etc/slurm/gres.conf
if [ -e "$gres" ] && ! grep -qF "$marker" "$gres"; then
	fail "$gres exists and was not written by this script; move it away to let slurm-up.sh write its own"
fi
if [ ! -e "$gres" ] || [ "$(cat "$gres")" != "$new_gres" ]; then
	printf '%s\n' "$new_gres" >"$gres"
	changed=yes
	say "wrote $gres: 2 fake GPUs"
fi

# The daemons. A changed config restarts whichever already runs.
if [ "$changed" = yes ]; then
	for pidfile in "$state/slurmd.pid" "$state/slurmctld.pid"; do
		if alive "$pidfile"; then
			kill "$(cat "$pidfile")"
			for _ in $(seq 100); do alive "$pidfile" || break; sleep 0.1; done
		fi
	done
fi
if ! alive "$state/slurmctld.pid"; then
	say "starting slurmctld"
	slurmctld || fail "slurmctld did not start; see $state/slurmctld.log"
fi
if ! alive "$state/slurmd.pid"; then
	say "starting slurmd"
	slurmd || fail "slurmd did not start; see $state/slurmd.log"
fi

# Wait until the node is idle (or busy with jobs: mixed, allocated).
deadline=$((SECONDS + wait_seconds))
while :; do
	node_state=$(sinfo -h -n "$host" -o '%T' 2>/dev/null | head -n 1 || true)
	case "$node_state" in
	idle | mixed | allocated | completing) break ;;
	down* | drain* | drained*)
		scontrol update NodeName="$host" State=RESUME 2>/dev/null || true
		;;
	esac
	if [ $SECONDS -ge $deadline ]; then
		fail "node $host is '${node_state:-unknown}' after ${wait_seconds}s, not idle; see $state/slurmctld.log and $state/slurmd.log"
	fi
	sleep 0.5
done
say "up: node $host is $node_state (partition debug, $cpus CPUs); try: srun hostname"
say "tear down: scontrol shutdown; kill \$(cat /run/munge/munged.pid); rm -rf $state $conf /etc/slurm/gres.conf"
