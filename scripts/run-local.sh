#!/usr/bin/env bash
# Start the whole CloudLoom stack on loopback, in the background (what `make run` calls after
# scripts/install-deps.sh and `swift build -c release`):
#   nats-server (JetStream), PostgreSQL, the moto AWS emulator, every service, a demo tenant, demo events.
# Everything lives under .local/ at the repo root; scripts/stop-local.sh stops it all.
#
# Environment:
#   CL_BIN_DIR     folder with the release binaries (required unless CL_INFRA_ONLY=1);
#                  the Makefile passes $(swift build -c release --show-bin-path)
#   CL_NATS_PORT   (4222)  CL_PG_PORT (5432)  CL_MOTO_PORT (5000)  GATEWAY_PORT (8080)
#   CL_NATS_HTTP_PORT      if set, nats-server also serves its monitoring endpoint there
#   CL_INFRA_ONLY=1        start only nats-server, PostgreSQL and moto, then return
# Running it again reuses the running nats-server/PostgreSQL/moto and restarts the services (new binaries).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

LOCAL="$ROOT/.local"
LOGS="$LOCAL/logs"
PIDS="$LOCAL/pids"

NATS_PORT=${CL_NATS_PORT:-4222}
NATS_HTTP_PORT=${CL_NATS_HTTP_PORT:-}
PG_PORT=${CL_PG_PORT:-5432}
MOTO_PORT=${CL_MOTO_PORT:-5000}
GATEWAY_PORT=${GATEWAY_PORT:-8080}
INFRA_ONLY=${CL_INFRA_ONLY:-0}

# Start order; the gateway comes last. Health ports as in docker-compose.yml.
SERVICES=(ingestor policy-engine inventory ai-reasoner remediation-executor approvals billing gateway)
health_port() {
    case "$1" in
        ingestor) echo 9101 ;;
        inventory) echo 9102 ;;
        policy-engine) echo 9103 ;;
        ai-reasoner) echo 9104 ;;
        remediation-executor) echo 9105 ;;
        approvals) echo 9106 ;;
        billing) echo 9107 ;;
        gateway) echo "$GATEWAY_PORT" ;;
        *) return 1 ;;
    esac
}

NATS_URL="nats://127.0.0.1:$NATS_PORT"
DATABASE_URL="postgresql://cloudloom:cloudloom@127.0.0.1:$PG_PORT/cloudloom"
AWS_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"

say() { echo "run-local: $*"; }
die() { echo "run-local: error: $*" >&2; exit 1; }

for p in "$NATS_PORT" "$PG_PORT" "$MOTO_PORT" "$GATEWAY_PORT" ${NATS_HTTP_PORT:+"$NATS_HTTP_PORT"}; do
    if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
        die "invalid port '$p'"
    fi
done

# ------------------------------------------------------------------------------------------ helpers

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null; }

# Whether PID runs what we start under NAME (so a recycled PID is never mistaken for ours).
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

# Prints the PID recorded for NAME if that process is alive and is ours.
our_pid() {
    local f="$PIDS/$1.pid" pid
    [ -f "$f" ] || return 1
    pid=$(head -n 1 "$f" 2>/dev/null || true)
    if pid_alive "$pid" && cmdline_matches "$pid" "$1"; then
        echo "$pid"
        return 0
    fi
    return 1
}

# require_free_port PORT WHAT [ENV_VAR_THAT_CHOOSES_IT]
require_free_port() {
    local port=$1 what=$2 hint=""
    [ -z "${3:-}" ] || hint="; stop it or choose another port with $3=<port>"
    if port_open "$port"; then
        die "port $port (for $what) is already in use by a process this script did not start$hint"
    fi
}

log_tail() {
    local f=$1
    if [ -s "$f" ]; then
        echo "---- last 30 lines of $f ----" >&2
        tail -n 30 "$f" >&2
        echo "----" >&2
    else
        echo "($f is empty)" >&2
    fi
}

# wait_until SECONDS PID LOG DESCRIPTION COMMAND...: retry COMMAND every 0.2 s; fail when PID dies or time is up.
wait_until() {
    local secs=$1 pid=$2 log=$3 what=$4
    shift 4
    local deadline=$((SECONDS + secs))
    while ! "$@" >/dev/null 2>&1; do
        if [ -n "$pid" ] && ! pid_alive "$pid"; then
            echo "run-local: error: $what exited during startup" >&2
            log_tail "$log"
            exit 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "run-local: error: $what not ready after ${secs}s" >&2
            log_tail "$log"
            exit 1
        fi
        sleep 0.2
    done
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# ------------------------------------------------------------------------------------------ checks

for tool in curl python3 nats-server; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found; run scripts/install-deps.sh"
done
python3 -c 'import moto.server' 2>/dev/null || die "python module moto.server not found; run scripts/install-deps.sh"
PG_BIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    die "PostgreSQL server binaries not found under /usr/lib/postgresql; run scripts/install-deps.sh"
fi
command -v psql >/dev/null 2>&1 || die "psql not found; run scripts/install-deps.sh"
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run PostgreSQL as"
    command -v runuser >/dev/null 2>&1 || die "runuser not found (util-linux)"
fi

BIN_DIR=""
if [ "$INFRA_ONLY" != 1 ]; then
    [ -n "${CL_BIN_DIR:-}" ] || die "CL_BIN_DIR is not set (the folder of the release binaries: swift build -c release --show-bin-path)"
    BIN_DIR=$(cd "$CL_BIN_DIR" 2>/dev/null && pwd) || die "CL_BIN_DIR=$CL_BIN_DIR is not a folder"
    for exe in "${SERVICES[@]}" cloudloom; do
        [ -x "$BIN_DIR/$exe" ] || die "$BIN_DIR/$exe is missing; build with: swift build -c release"
    done
    [ -f "$ROOT/deploy/demo/cloudtrail-demo.json" ] || die "deploy/demo/cloudtrail-demo.json is missing"
fi

mkdir -p "$LOCAL/nats" "$LOCAL/pg" "$LOGS" "$PIDS"
chmod 700 "$LOCAL/nats"

# ------------------------------------------------------------------------------------------ nats-server

if pid=$(our_pid nats); then
    port_open "$NATS_PORT" || die "nats-server from a previous run (pid $pid) does not listen on port $NATS_PORT; run scripts/stop-local.sh first"
    say "nats-server already running (pid $pid) on $NATS_URL"
else
    rm -f "$PIDS/nats.pid"
    require_free_port "$NATS_PORT" nats-server CL_NATS_PORT
    [ -z "$NATS_HTTP_PORT" ] || require_free_port "$NATS_HTTP_PORT" "nats-server monitoring" CL_NATS_HTTP_PORT
    {
        echo "# Written by scripts/run-local.sh"
        echo "listen: 127.0.0.1:$NATS_PORT"
        [ -z "$NATS_HTTP_PORT" ] || echo "http: 127.0.0.1:$NATS_HTTP_PORT"
        echo "max_payload: 8MB"
        echo "jetstream {"
        echo "  store_dir: \"$LOCAL/nats\""
        echo "}"
    } >"$LOCAL/nats.conf"
    # Errors before logging starts go to stderr: append them to the same file.
    nohup nats-server -c "$LOCAL/nats.conf" -l "$LOGS/nats.log" >>"$LOGS/nats.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PIDS/nats.pid"
    wait_until 20 "$pid" "$LOGS/nats.log" nats-server port_open "$NATS_PORT"
    say "nats-server started (pid $pid) on $NATS_URL"
fi

# ------------------------------------------------------------------------------------------ PostgreSQL

PG_DATA="$LOCAL/pg/data"
PG_LOG="$LOGS/postgres.log"

if [ "$(id -u)" -eq 0 ]; then
    # The postgres user must reach .local/pg: make each folder on the way traversable.
    dir=""
    IFS=/ read -r -a parts <<<"${LOCAL#/}"
    for part in "" "${parts[@]}"; do
        dir="$dir/$part"
        dir=${dir//\/\//\/}
        if ! runuser -u postgres -- test -x "$dir"; then
            chmod o+x "$dir"
            say "made $dir traversable (o+x) for the postgres user"
        fi
    done
    chown postgres: "$LOCAL/pg"
    touch "$PG_LOG"
    chown postgres: "$PG_LOG"
fi
chmod 700 "$LOCAL/pg"

pg_running() { (cd "$LOCAL/pg" && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1); }

if [ ! -d "$PG_DATA" ]; then
    say "initialising PostgreSQL in $PG_DATA"
    (cd "$LOCAL/pg" && as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        >"$LOGS/initdb.log" 2>&1) || { log_tail "$LOGS/initdb.log"; die "initdb failed"; }
fi

if [ -d "$PG_DATA" ] && pg_running; then
    pid=$(head -n 1 "$PG_DATA/postmaster.pid")
    running_port=$(sed -n 4p "$PG_DATA/postmaster.pid")
    [ "$running_port" = "$PG_PORT" ] \
        || die "PostgreSQL from a previous run (pid $pid) listens on port $running_port, not $PG_PORT; run scripts/stop-local.sh first"
    say "PostgreSQL already running (pid $pid) on 127.0.0.1:$PG_PORT"
else
    require_free_port "$PG_PORT" PostgreSQL CL_PG_PORT
    if ! (cd "$LOCAL/pg" && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
        -o "-p $PG_PORT -k $LOCAL/pg -c listen_addresses=127.0.0.1" start >/dev/null); then
        log_tail "$PG_LOG"
        die "PostgreSQL did not start"
    fi
    pid=$(head -n 1 "$PG_DATA/postmaster.pid")
    say "PostgreSQL started (pid $pid) on 127.0.0.1:$PG_PORT"
fi
echo "$pid" >"$PIDS/postgres.pid"

# Role `cloudloom` (no superuser, no BYPASSRLS) and database `cloudloom`; the same SQL as docker compose. Idempotent.
if ! psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -f "$ROOT/deploy/postgres/init.sql" >"$LOGS/pg-init.log" 2>&1; then
    log_tail "$LOGS/pg-init.log"
    die "could not create the cloudloom role and database"
fi

# ------------------------------------------------------------------------------------------ moto

if pid=$(our_pid moto); then
    port_open "$MOTO_PORT" || die "moto from a previous run (pid $pid) does not listen on port $MOTO_PORT; run scripts/stop-local.sh first"
    say "moto already running (pid $pid) on $AWS_ENDPOINT"
else
    rm -f "$PIDS/moto.pid"
    require_free_port "$MOTO_PORT" "moto (AWS emulator)" CL_MOTO_PORT
    nohup python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" >>"$LOGS/moto.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PIDS/moto.pid"
    wait_until 60 "$pid" "$LOGS/moto.log" "moto server" http_ok "$AWS_ENDPOINT/moto-api/"
    say "moto started (pid $pid) on $AWS_ENDPOINT"
fi

# ------------------------------------------------------------------------------------------ operator key

if [ ! -s "$LOCAL/operator-key" ]; then
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$LOCAL/operator-key")
fi
chmod 600 "$LOCAL/operator-key"
OPERATOR_KEY=$(cat "$LOCAL/operator-key")
# The key that encrypts connected accounts' secrets at rest (kept across runs, like the database).
if [ ! -s "$LOCAL/secrets-key" ]; then
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$LOCAL/secrets-key")
fi
chmod 600 "$LOCAL/secrets-key"
SECRETS_KEY=$(cat "$LOCAL/secrets-key")
[[ "$SECRETS_KEY" =~ ^[0-9a-f]{64}$ ]] || die "$LOCAL/secrets-key is malformed; delete it and run again"
[[ "$OPERATOR_KEY" =~ ^[0-9a-f]{64}$ ]] || die "$LOCAL/operator-key is malformed; delete it and run again"

write_env() {
    # Plain KEY=value lines (every value is shell-safe), usable with `set -a; . .local/env; set +a`.
    local tmp="$LOCAL/env.tmp"
    (
        umask 077
        {
            echo "# Written by scripts/run-local.sh. Load with: set -a; . .local/env; set +a"
            echo "CL_GATEWAY_URL=$GATEWAY_URL"
            echo "CL_OPERATOR_KEY=$OPERATOR_KEY"
            [ -z "${1:-}" ] || echo "CL_API_KEY=$1"
            [ -z "${2:-}" ] || echo "CL_TENANT_ID=$2"
            echo "CL_AWS_ENDPOINT=$AWS_ENDPOINT"
            echo "NATS_URL=$NATS_URL"
            echo "DATABASE_URL=$DATABASE_URL"
        } >"$tmp"
    )
    mv -f "$tmp" "$LOCAL/env"
}

if [ "$INFRA_ONLY" = 1 ]; then
    write_env
    say "infrastructure is up (CL_INFRA_ONLY=1: no services started); settings in .local/env"
    exit 0
fi

# ------------------------------------------------------------------------------------------ services

# Stop the services of a previous run so the freshly built binaries start.
"$ROOT/scripts/stop-local.sh" --services-only

for name in "${SERVICES[@]}"; do
    port=$(health_port "$name")
    if [ "$name" = gateway ]; then
        require_free_port "$port" gateway GATEWAY_PORT
    else
        require_free_port "$port" "the health port of $name; 9101-9107 are fixed"
    fi
done

for name in "${SERVICES[@]}"; do
    port=$(health_port "$name")
    log="$LOGS/$name.log"
    svc_env=(
        "NATS_URL=$NATS_URL"
        "DATABASE_URL=$DATABASE_URL"
        "CL_LOG_FORMAT=json"
        "CL_AWS_ENDPOINT=$AWS_ENDPOINT"
    )
    if [ "$name" = gateway ]; then
        # Local benchmarks poll hard with one key; production keeps the default limits (50/s, bursts of 200).
        svc_env+=("GATEWAY_HOST=127.0.0.1" "GATEWAY_PORT=$port" "CL_OPERATOR_KEY=$OPERATOR_KEY"
                  "CL_RATE_LIMIT_PER_SECOND=${CL_RATE_LIMIT_PER_SECOND:-2000}" "CL_RATE_LIMIT_BURST=${CL_RATE_LIMIT_BURST:-4000}")
    elif [ "$name" = ingestor ]; then
        svc_env+=("CL_HEALTH_PORT=$port" "CL_SECRETS_KEY=$SECRETS_KEY" "CL_ALLOW_CUSTOM_ENDPOINTS=true")
    else
        svc_env+=("CL_HEALTH_PORT=$port")
    fi
    env "${svc_env[@]}" nohup "$BIN_DIR/$name" >>"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PIDS/$name.pid"
    wait_until 60 "$pid" "$log" "$name" http_ok "http://127.0.0.1:$port/healthz"
    if [ "$name" = gateway ]; then
        wait_until 60 "$pid" "$log" "gateway (/readyz)" http_ok "http://127.0.0.1:$port/readyz"
    fi
    say "$name started (pid $pid), health on http://127.0.0.1:$port/healthz"
done

# ------------------------------------------------------------------------------------------ demo tenant

json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

DEMO="$LOCAL/demo-tenant.json"
if [ -s "$DEMO" ]; then
    # A tenant file from a wiped database would hold a dead key: check it.
    key=$(json_field "$DEMO" api_key 2>/dev/null || true)
    code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$GATEWAY_URL/v1/whoami" || true)
    if [ "$code" = 401 ]; then
        say "the demo tenant in $DEMO is unknown to the gateway; creating it again"
        rm -f "$DEMO"
    fi
fi
if [ ! -s "$DEMO" ]; then
    if ! (umask 077 && CL_GATEWAY_URL="$GATEWAY_URL" CL_OPERATOR_KEY="$OPERATOR_KEY" \
        "$BIN_DIR/cloudloom" tenant create demo --format json >"$DEMO.tmp" 2>"$LOGS/tenant-create.log"); then
        rm -f "$DEMO.tmp"
        log_tail "$LOGS/tenant-create.log"
        die "could not create the demo tenant"
    fi
    mv -f "$DEMO.tmp" "$DEMO"
    say "created the demo tenant"
fi
API_KEY=$(json_field "$DEMO" api_key) || die "$DEMO has no api_key"
TENANT_ID=$(json_field "$DEMO" tenant_id) || die "$DEMO has no tenant_id"
[[ "$API_KEY" =~ ^[A-Za-z0-9._~+/=-]+$ ]] || die "unexpected characters in the demo api_key"
[[ "$TENANT_ID" =~ ^[A-Za-z0-9-]+$ ]] || die "unexpected characters in the demo tenant_id"

write_env "$API_KEY" "$TENANT_ID"

# ------------------------------------------------------------------------------------------ demo events

echo
say "replaying the demo CloudTrail events (deploy/demo/cloudtrail-demo.json)"
if ! resp=$(curl -sS --fail-with-body -X POST -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
    --data-binary @"$ROOT/deploy/demo/cloudtrail-demo.json" "$GATEWAY_URL/v1/events/cloudtrail"); then
    echo "$resp" >&2
    die "posting the demo events failed"
fi
echo "  ingest: $resp"

findings_json=""
deadline=$((SECONDS + 10))
while :; do
    findings_json=$(curl -fsS --max-time 5 -H "Authorization: Bearer $API_KEY" "$GATEWAY_URL/v1/findings?limit=100" || true)
    count=$(printf '%s' "$findings_json" | python3 -c 'import json,sys
try: print(len(json.load(sys.stdin).get("findings") or []))
except Exception: print(0)')
    [ "$count" -gt 0 ] && break
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 0.5
done

if [ "$count" -gt 0 ]; then
    echo "  findings ($count):"
    printf '%s' "$findings_json" | python3 -c 'import json,sys
for f in json.load(sys.stdin)["findings"]:
    print("    %-10s %-8s %s  [%s]" % (f.get("rule_id", ""), f.get("severity", ""), f.get("title", ""), f.get("resource_id", "")))'
else
    echo "  no findings yet after 10 s; see .local/logs/policy-engine.log"
fi

cat <<EOF

CloudLoom is running.
  Gateway (REST API): $GATEWAY_URL/v1   (the dashboard arrives with its own issue)
  Logs: .local/logs/   Settings: .local/env

Use the API:
  set -a; . .local/env; set +a
  curl -fsS -H "Authorization: Bearer \$CL_API_KEY" "\$CL_GATEWAY_URL/v1/findings?severity=high"
  curl -fsS -H "Authorization: Bearer \$CL_API_KEY" -H 'Content-Type: application/json' \\
       --data-binary @deploy/demo/eventbridge-stoplogging.json "\$CL_GATEWAY_URL/v1/events/cloudtrail"
  curl -fsS -H "Authorization: Bearer \$CL_API_KEY" "\$CL_GATEWAY_URL/v1/services"
Stop everything: make stop
EOF
