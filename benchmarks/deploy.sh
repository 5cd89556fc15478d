#!/usr/bin/env bash
# The multi-server topology of deploy/ (docs/deploy.md) around the benchmark's PostgreSQL, for
# `python -m benchmarks.run --topology deploy` (docs/benchmarks.md, "Province over HTTP"):
#
#   nginx :59600 ──► gunicorn app1 :59601 ─┐   benchmark PostgreSQL (primary, as loaded)
#                └─► gunicorn app2 :59602 ─┤     └─WAL─► streaming replica :59603 (pg_basebackup -R)
#                                          └─  Redis :59604 (cache, sessions, RQ queue) + rqworker
#
#   bash benchmarks/deploy.sh up postgres://postgres@127.0.0.1:56432/zugong_province
#   bash benchmarks/deploy.sh down [--purge]      # deploy/down.sh on this directory
#
# Same pieces as deploy/up.sh (deploy/lib.sh: Redis, nginx from deploy/nginx.conf.in, pid
# files), but: the primary is the benchmark cluster given by the URL (nothing is initialised,
# migrated or seeded), the app servers run benchmarks.settings (the product plus the ceiling
# view) as gthread workers, and the replica has no replication slot, so a stopped replica never
# holds WAL on the shared benchmark cluster; when it cannot catch up it is copied again.
# Ports and directory (environment): BENCH_DEPLOY_DIR [/tmp/zugong-bench-deploy],
# BENCH_PORT_BASE [59600] (nginx, app1, app2, replica, redis at +0..+4);
# BENCH_APP_WORKERS [2] and BENCH_APP_THREADS [2] per app server. Run as root (see up.sh).

set -euo pipefail
base="${BENCH_PORT_BASE:-59600}"
export DEPLOY_DIR="${BENCH_DEPLOY_DIR:-/tmp/zugong-bench-deploy}"
export DEPLOY_NGINX_PORT=$base DEPLOY_APP1_PORT=$((base + 1)) DEPLOY_APP2_PORT=$((base + 2))
export DEPLOY_REPLICA_PORT=$((base + 3)) DEPLOY_REDIS_PORT=$((base + 4))

command="${1:-}"
if [[ $command == down ]]; then
    exec bash "$(dirname "${BASH_SOURCE[0]}")/../deploy/down.sh" "${@:2}"
fi
[[ $command == up && -n "${2:-}" ]] || {
    echo "usage: $0 up postgres://user@127.0.0.1:PORT/DB | down [--purge]" >&2
    exit 2
}
primary_url=$2
# postgres://user@host:port/db → the port and the database name.
hostport="${primary_url#*@}"
hostport="${hostport%%/*}"
export DEPLOY_PG_PORT="${hostport##*:}"
bench_db="${primary_url##*/}"
bench_db="${bench_db%%\?*}"

# shellcheck source=../deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"

started_at=$(date +%s)
[[ $EUID -eq 0 ]] || die "run as root (the replica runs as postgres, nginx workers as www-data)"
command -v nginx >/dev/null || die "nginx is missing: apt-get install -y nginx"
command -v redis-server >/dev/null || die "redis-server is missing: apt-get install -y redis-server"
mkdir -p "$DEPLOY_DIR" "$PIDS" "$LOGS" "$DEPLOY_DIR/pg" "$DEPLOY_DIR/media" "$DEPLOY_DIR/redis" \
    "$DEPLOY_DIR/nginx/tmp" "$DEPLOY_DIR/var"
chmod 755 "$DEPLOY_DIR"
chown postgres:postgres "$DEPLOY_DIR/pg"
chmod 700 "$DEPLOY_DIR/pg"
[[ "$(pg_sql p "SELECT pg_is_in_recovery()" postgres)" == f ]] ||
    die "nothing answers as a primary on 127.0.0.1:$PG_PORT"

# --- the streaming replica --------------------------------------------------------------------

REPLICA="$DEPLOY_DIR/pg/replica"
# The primary a replica was copied from (its system identifier): another cluster's copy is
# replaced at once instead of waiting for it to catch up.
ORIGIN="$DEPLOY_DIR/pg/replica.origin"
primary_id="$(pg_sql p "SELECT system_identifier FROM pg_control_system()" postgres)"
basebackup() {
    log "pg_basebackup -R from :$PG_PORT into the replica (copies the whole cluster)"
    as_pg rm -rf "$REPLICA"
    local t0
    t0=$(date +%s)
    as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$REPLICA" \
        -R -X stream -c fast --no-sync >"$LOGS/basebackup.log" 2>&1 ||
        die "pg_basebackup failed: $LOGS/basebackup.log"
    # Appended last, so these win over the primary's settings copied with the data.
    as_pg tee -a "$REPLICA/postgresql.auto.conf" >/dev/null <<EOF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DEPLOY_DIR/pg'
hot_standby = on
hot_standby_feedback = on
# As the benchmark primary (a throwaway cluster): no durability, so replay is not slowed by it.
fsync = off
EOF
    echo "$primary_id" >"$ORIGIN"
    log "basebackup took $(($(date +%s) - t0)) s"
}
start_replica() {
    if ! pg_running "$REPLICA"; then
        port_busy "$REPLICA_PORT" && die "port $REPLICA_PORT is taken by something else"
        log "start the replica on 127.0.0.1:$REPLICA_PORT"
        as_pg "$PG_BIN/pg_ctl" -D "$REPLICA" -l "$DEPLOY_DIR/pg/replica.log" -w -t 120 -s start
    fi
}
# Caught up: streaming, and replayed at least up to the primary's position when we asked.
caught_up() {
    local target state
    target="$(pg_sql p "SELECT pg_current_wal_lsn()" postgres)"
    for _ in $(seq "$1"); do
        state="$(pg_sql p "SELECT string_agg(state, ',') FROM pg_stat_replication" postgres)"
        if [[ "$state" == *streaming* ]] &&
            [[ "$(pg_sql r "SELECT pg_last_wal_replay_lsn() >= '$target'::pg_lsn" postgres 2>/dev/null)" == t ]]; then
            return 0
        fi
        sleep 1
    done
    return 1
}
if [[ ! -f "$REPLICA/PG_VERSION" || "$(cat "$ORIGIN" 2>/dev/null)" != "$primary_id" ]]; then
    pg_running "$REPLICA" && as_pg "$PG_BIN/pg_ctl" -D "$REPLICA" -m fast -w -s stop
    basebackup
fi
start_replica
if ! caught_up 120; then
    log "the replica does not catch up (WAL gone?): copy it again"
    as_pg "$PG_BIN/pg_ctl" -D "$REPLICA" -m fast -w -s stop || true
    basebackup
    start_replica
    caught_up 300 || die "the replica does not stream; see $DEPLOY_DIR/pg/replica.log"
fi
[[ "$(pg_sql r "SELECT pg_is_in_recovery()" postgres)" == t ]] || die "the replica is not in recovery"
log "replica streams and has replayed the primary's WAL"

# --- Redis, the app environment ---------------------------------------------------------------

start_redis
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null # no sessions or jobs of a last run
cat >"$DEPLOY_DIR/app.env" <<EOF
# Written by benchmarks/deploy.sh: the environment of both app servers and the worker.
DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$bench_db
DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/$bench_db
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
DJANGO_SETTINGS_MODULE=benchmarks.settings
ZUGONG_MEDIA_ROOT=$DEPLOY_DIR/media
ZUGONG_VAR_DIR=$ROOT/benchmarks/results/var
ZUGONG_DB_ROUTE_HEADER=1
PYTHONPATH=$ROOT
DEBUG=0
EOF
app_env
unset ZUGONG_TESTING

# --- two app servers, the worker --------------------------------------------------------------

start_bench_app() {
    local name=$1 port=$2 control=()
    if live_pid "$name" >/dev/null; then
        die "$name runs already (pid $(live_pid "$name")): bash $0 down first"
    fi
    port_busy "$port" && die "port $port is taken by something else"
    log "start $name: gunicorn on 127.0.0.1:$port (${BENCH_APP_WORKERS:-2} gthread workers × ${BENCH_APP_THREADS:-2} threads)"
    if "$ROOT/.venv/bin/gunicorn" --help | grep -q -- --control-socket; then
        control=(--control-socket "$PIDS/$name.ctl")
    fi
    "$ROOT/.venv/bin/gunicorn" zugong.wsgi:application --chdir "$ROOT" \
        --bind "127.0.0.1:$port" --workers "${BENCH_APP_WORKERS:-2}" --worker-class gthread \
        --threads "${BENCH_APP_THREADS:-2}" --keep-alive 30 --timeout 300 \
        --name "zugong-bench-$name" --pid "$PIDS/$name.pid" --daemon \
        --error-logfile "$LOGS/$name.log" --capture-output --forwarded-allow-ips 127.0.0.1 \
        "${control[@]}"
}
start_bench_app app1 "$APP1_PORT"
start_bench_app app2 "$APP2_PORT"
if live_pid worker >/dev/null; then
    die "the worker runs already: bash $0 down first"
fi
cd "$ROOT"
log "start the worker: manage.py rqworker default"
setsid "$PY" manage.py rqworker default --job-class django_tasks.backends.rq.Job \
    >>"$LOGS/worker.log" 2>&1 </dev/null &
echo $! >"$PIDS/worker.pid"

# --- nginx, then wait until the whole chain answers -------------------------------------------

start_nginx
wait_healthy 240 "$APP1_PORT" "$APP2_PORT" "$NGINX_PORT"
log "up in $(($(date +%s) - started_at)) s: http://127.0.0.1:$NGINX_PORT/"
