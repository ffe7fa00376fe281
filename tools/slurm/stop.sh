#!/usr/bin/env bash
# Stop the single-node SLURM cluster that tools/slurm/start.sh started: cancel its jobs, then end
# slurmd, slurmctld and munged by the PIDs start.sh recorded (a munged it found running is left alone).
# Logs and state stay in $NETSPECTRA_SLURM_DIR for inspection.
set -uo pipefail

STATE=${NETSPECTRA_SLURM_DIR:-/var/tmp/netspectra-slurm}

log() { echo "[slurm-stop] $*"; }

if [ ! -d "$STATE" ]; then
    log "nothing to stop ($STATE does not exist)"
    exit 0
fi

# Jobs of this test cluster only: the controller is ours (start.sh refuses to run beside another).
if [ -s "$STATE/slurmctld.pid" ] && kill -0 "$(cat "$STATE/slurmctld.pid")" 2>/dev/null; then
    scancel --full --quiet --partition=main 2>/dev/null || true
fi

stop_pid() {  # name pidfile
    local name=$1 pidfile=$2 pid
    [ -s "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            log "$name (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        log "stopped $name (pid $pid)"
    fi
    rm -f "$pidfile"
}

stop_pid slurmd "$STATE/slurmd.pid"
stop_pid slurmctld "$STATE/slurmctld.pid"
stop_pid munged "$STATE/munged.pid"
exit 0
