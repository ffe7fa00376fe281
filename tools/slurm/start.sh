#!/usr/bin/env bash
# Start a real single-node SLURM cluster on this Debian machine, from scratch, as root.
#
# Used by CI (and by hand) to run the pipeline through `--profile profiles/slurm` on a real scheduler.
# Installs slurm-wlm and munge from Debian's packages, writes a minimal slurm.conf for one node
# (this machine: `hostname -s`, 127.0.0.1, its CPUs and memory), starts munged, slurmctld and slurmd
# directly (no systemd) and waits until `sinfo` shows the node idle. tools/slurm/stop.sh stops
# exactly the daemons started here, by the PIDs recorded in $NETSPECTRA_SLURM_DIR.
#
# There is no slurmdbd, so `sacct` cannot answer: run Snakemake with `--slurm-status-command squeue`
# (MinJobAge below keeps finished jobs visible to squeue long enough).
#
# Environment:
#   NETSPECTRA_SLURM_DIR   state, spool, logs and PID files (default /var/tmp/netspectra-slurm)
#   NETSPECTRA_SLURM_GPUS  GPUs the node advertises as GRES (default 1). On a CPU-only machine these
#                          are placeholders with no device behind them: they let the profile's
#                          `gpu: 1` requests (sbatch --gpus=1) be scheduled, and torch still finds no
#                          CUDA (device: auto -> CPU). Set 0 to advertise none.
set -euo pipefail

STATE=${NETSPECTRA_SLURM_DIR:-/var/tmp/netspectra-slurm}
GPUS=${NETSPECTRA_SLURM_GPUS:-1}
CONF=/etc/slurm/slurm.conf
MARKER="# written by netspectra tools/slurm/start.sh"

log() { echo "[slurm-start] $*"; }
die() { echo "[slurm-start] ERROR: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it installs packages and starts daemons)"
[ -r /etc/debian_version ] || die "needs a Debian machine (apt-get, Debian's slurm-wlm and munge)"

# --- packages ---------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
   || ! command -v munged >/dev/null || ! command -v sinfo >/dev/null; then
    log "installing slurm-wlm and munge (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

# --- refuse to touch a cluster that is not ours --------------------------------------------------
if [ -e "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
    die "$CONF exists and was not written by this script; not touching a real cluster's config"
fi
# A cluster this script started earlier is restarted from a clean state (stop.sh ends only our PIDs).
for pidfile in slurmctld.pid slurmd.pid munged.pid; do
    if [ -s "$STATE/$pidfile" ] && kill -0 "$(cat "$STATE/$pidfile")" 2>/dev/null; then
        log "a test cluster started earlier is running; stopping it first"
        bash "$(dirname "$0")/stop.sh"
        break
    fi
done

rm -rf "$STATE/ctld" "$STATE/spool" "$STATE"/*.pid
mkdir -p "$STATE"/{ctld,spool,log}

# --- node description from the machine itself ------------------------------------------------------
NODE=$(hostname -s)
CPUS=$(nproc)
MEM_TOTAL_MB=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
# Leave 1 GiB to the OS and the daemons; slurmd refuses a node that claims more than it has.
REAL_MEM_MB=$(( MEM_TOTAL_MB > 2048 ? MEM_TOTAL_MB - 1024 : MEM_TOTAL_MB ))
DEF_MEM_PER_CPU=$(( REAL_MEM_MB / CPUS / 2 ))

GRES_TYPES=""
NODE_GRES=""
if [ "$GPUS" -gt 0 ]; then
    GRES_TYPES="GresTypes=gpu"
    NODE_GRES="Gres=gpu:$GPUS"
    # slurmd only counts a gpu GRES that names a device file; /dev/null stands in (nothing is bound
    # or constrained with task/none). One file per GPU: /dev/null, /dev/zero, ... as needed.
    devices=(/dev/null /dev/zero /dev/full /dev/random /dev/urandom)
    [ "$GPUS" -le ${#devices[@]} ] || die "at most ${#devices[@]} placeholder GPUs"
    {
        echo "$MARKER"
        echo "AutoDetect=off"
        for ((g = 0; g < GPUS; g++)); do echo "NodeName=$NODE Name=gpu File=${devices[$g]}"; done
    } > /etc/slurm/gres.conf
else
    rm -f /etc/slurm/gres.conf
fi

cat > "$CONF" <<EOF
$MARKER
# Single-node test cluster: controller and compute node are this machine.
ClusterName=netspectra
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
# No cgroups: plain process tracking and no task binding work in containers and sandboxes.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$DEF_MEM_PER_CPU
# Finished jobs stay visible to squeue for 10 min (no slurmdbd, so squeue is the status command).
MinJobAge=600
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$GRES_TYPES
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$REAL_MEM_MB $NODE_GRES State=UNKNOWN
PartitionName=main Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
log "wrote $CONF: node $NODE, $CPUS CPUs, ${REAL_MEM_MB} MB, $GPUS GPU GRES, partition main"

# --- munge -------------------------------------------------------------------------------------
if [ ! -s /etc/munge/munge.key ]; then
    log "creating a munge key"
    mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
chmod 755 /run/munge
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    log "munged already running; using it (stop.sh will leave it alone)"
else
    rm -f /run/munge/munged.pid
    runuser -u munge -- munged --force
    # munged daemonises and writes its PID as the munge user; keep a copy beside ours.
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    [ -s /run/munge/munged.pid ] || die "munged wrote no PID file; see /var/log/munge/munged.log"
    cp /run/munge/munged.pid "$STATE/munged.pid"
    munge -n | unmunge >/dev/null || die "munged does not answer"
    log "munged started (pid $(cat "$STATE/munged.pid"))"
fi

# --- slurmctld and slurmd ----------------------------------------------------------------------
start_daemon() {  # name; waits for the PID file the daemon writes
    "/usr/sbin/$1" || die "$1 failed to start; see $STATE/log/$1.log"
    for _ in $(seq 100); do [ -s "$STATE/$1.pid" ] && break; sleep 0.1; done
    [ -s "$STATE/$1.pid" ] || die "$1 wrote no PID file; see $STATE/log/$1.log"
    log "$1 started (pid $(cat "$STATE/$1.pid"))"
}
start_daemon slurmctld
start_daemon slurmd

# --- wait for the node -------------------------------------------------------------------------
for i in $(seq 60); do
    state=$(sinfo -h -N -n "$NODE" -o %T 2>/dev/null || true)
    case "$state" in
        idle) log "node $NODE is idle after ${i}s"; sinfo; exit 0 ;;
        down*|drain*) scontrol update NodeName="$NODE" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 1
done
sinfo -N -l || true
tail -n 20 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2 || true
die "node $NODE did not become idle within 60 s"
