#!/usr/bin/env bash
# Stop what scripts/run-local.sh started (what `make stop` calls). Signals only the PIDs recorded in
# .local/pids/, and only when the process still runs what we started (checked in /proc/PID/cmdline).
#   --services-only   stop the CloudLoom services but leave nats-server, PostgreSQL and moto running
# Exits 0 when nothing runs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

LOCAL="$ROOT/.local"
PIDS="$LOCAL/pids"
PG_DATA="$LOCAL/pg/data"
GRACE_SECONDS=15

services_only=0
case "${1:-}" in
    "") ;;
    --services-only) services_only=1 ;;
    *) echo "usage: $0 [--services-only]" >&2; exit 2 ;;
esac

# Reverse of the start order: the gateway first.
SERVICES=(gateway billing approvals remediation-executor ai-reasoner inventory policy-engine ingestor)

say() { echo "stop-local: $*"; }

pid_alive() { [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null; }

# Same rules as run-local.sh: a recycled PID running something else is never signalled.
cmdline_matches() {
    local pid=$1 name=$2 cmd argv0 argv1
    [ -r "/proc/$pid/cmdline" ] || return 1
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")
    argv0=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | sed -n 1p)
    argv1=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | sed -n 2p)
    case "$name" in
        nats) [[ "$(basename -- "$argv0")" == nats-server && "$cmd" == *"$LOCAL/nats.conf"* ]] ;;
        moto) [[ "$cmd" == *" -m moto.server "* ]] ;;
        postgres) [[ "$cmd" == *"$LOCAL/pg/data"* ]] ;;
        # A service binary (argv[1] too, for a service run through an interpreter).
        *) [[ "$(basename -- "$argv0")" == "$name" || ( -n "$argv1" && "$(basename -- "$argv1")" == "$name" ) ]] ;;
    esac
}

stopped_any=0

# stop_group NAME...: SIGTERM every live process of the group, wait up to GRACE_SECONDS for all, then SIGKILL.
stop_group() {
    local name f pid
    local -a names=() pids=()
    for name in "$@"; do
        f="$PIDS/$name.pid"
        [ -f "$f" ] || continue
        pid=$(head -n 1 "$f" 2>/dev/null || true)
        if pid_alive "$pid" && cmdline_matches "$pid" "$name"; then
            if kill -TERM "$pid" 2>/dev/null; then
                names+=("$name")
                pids+=("$pid")
            fi
        elif pid_alive "$pid"; then
            say "$name: pid $pid now runs something else; not touching it"
        fi
    done
    [ "${#pids[@]}" -gt 0 ] || { rm_pidfiles "$@"; return 0; }

    local deadline=$((SECONDS + GRACE_SECONDS)) i waiting
    while :; do
        waiting=0
        for i in "${!pids[@]}"; do
            if pid_alive "${pids[$i]}" && cmdline_matches "${pids[$i]}" "${names[$i]}"; then
                waiting=1
            fi
        done
        if [ "$waiting" -eq 0 ] || [ "$SECONDS" -ge "$deadline" ]; then
            break
        fi
        sleep 0.2
    done
    for i in "${!pids[@]}"; do
        if pid_alive "${pids[$i]}" && cmdline_matches "${pids[$i]}" "${names[$i]}"; then
            kill -KILL "${pids[$i]}" 2>/dev/null || true
            say "stopped ${names[$i]} (pid ${pids[$i]}, SIGKILL after ${GRACE_SECONDS}s)"
        else
            say "stopped ${names[$i]} (pid ${pids[$i]})"
        fi
        stopped_any=1
    done
    rm_pidfiles "$@"
}

rm_pidfiles() {
    local name
    for name in "$@"; do
        rm -f "$PIDS/$name.pid"
    done
}

stop_postgres() {
    local pg_bin pid=""
    if [ -f "$PIDS/postgres.pid" ]; then
        pid=$(head -n 1 "$PIDS/postgres.pid" 2>/dev/null || true)
    fi
    if [ -f "$PG_DATA/postmaster.pid" ]; then
        pg_bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
        if [ -n "$pg_bin" ] && [ -x "$pg_bin/pg_ctl" ]; then
            # pg_ctl runs as postgres (the owner of the data), from a folder postgres can read.
            local -a as_pg=()
            if [ "$(id -u)" -eq 0 ]; then
                as_pg=(runuser -u postgres --)
            fi
            if (cd "$LOCAL/pg" && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1); then
                pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || echo "$pid")
                if (cd "$LOCAL/pg" && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null); then
                    say "stopped PostgreSQL (pid $pid)"
                    stopped_any=1
                    rm -f "$PIDS/postgres.pid"
                    return 0
                fi
                say "pg_ctl stop failed; signalling the postmaster"
            fi
        fi
    fi
    # No pg_ctl, or it failed: SIGINT is PostgreSQL's fast shutdown. Only for the PID we recorded.
    if [ -n "$pid" ] && pid_alive "$pid" && cmdline_matches "$pid" postgres; then
        kill -INT "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + GRACE_SECONDS))
        while pid_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
        if pid_alive "$pid" && cmdline_matches "$pid" postgres; then
            kill -KILL "$pid" 2>/dev/null || true
            say "stopped PostgreSQL (pid $pid, SIGKILL after ${GRACE_SECONDS}s)"
        else
            say "stopped PostgreSQL (pid $pid)"
        fi
        stopped_any=1
    fi
    rm -f "$PIDS/postgres.pid"
}

if [ ! -d "$PIDS" ] && [ ! -f "$PG_DATA/postmaster.pid" ]; then
    [ "$services_only" -eq 1 ] || say "nothing to stop"
    exit 0
fi
mkdir -p "$PIDS"

stop_group "${SERVICES[@]}"
if [ "$services_only" -eq 0 ]; then
    # Anything else we recorded (except the infrastructure, stopped last).
    others=()
    for f in "$PIDS"/*.pid; do
        [ -e "$f" ] || continue
        name=$(basename "$f" .pid)
        case "$name" in nats | postgres | moto) ;; *) others+=("$name") ;; esac
    done
    [ "${#others[@]}" -eq 0 ] || stop_group "${others[@]}"
    stop_group moto
    stop_group nats
    stop_postgres
    [ "$stopped_any" -eq 1 ] || say "nothing to stop"
fi
exit 0
