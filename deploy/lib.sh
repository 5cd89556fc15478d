# shellcheck shell=bash disable=SC2034
# Shared by deploy/up.sh, deploy/down.sh and deploy/check.sh (sourced, not run).
#
# Everything lives under DEPLOY_DIR (default /tmp/zugong-deploy) and listens on 127.0.0.1 only.
# Ports (environment, defaults in brackets):
#   DEPLOY_NGINX_PORT [58600]  DEPLOY_APP1_PORT [58601]  DEPLOY_APP2_PORT [58602]
#   DEPLOY_PG_PORT [55601]     DEPLOY_REPLICA_PORT [55602]  DEPLOY_REDIS_PORT [56601]

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPLOY_DIR="${DEPLOY_DIR:-/tmp/zugong-deploy}"
NGINX_PORT="${DEPLOY_NGINX_PORT:-58600}"
APP1_PORT="${DEPLOY_APP1_PORT:-58601}"
APP2_PORT="${DEPLOY_APP2_PORT:-58602}"
PG_PORT="${DEPLOY_PG_PORT:-55601}"
REPLICA_PORT="${DEPLOY_REPLICA_PORT:-55602}"
REDIS_PORT="${DEPLOY_REDIS_PORT:-56601}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
DB_NAME=zugong

PIDS="$DEPLOY_DIR/pids"
LOGS="$DEPLOY_DIR/logs"
PY="$ROOT/.venv/bin/python"

log() { printf '%s deploy: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

# Run a command as the `postgres` user when we are root (the clusters belong to it).
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd "$DEPLOY_DIR/pg" && runuser -u postgres -- "$@")
    else
        (cd "$DEPLOY_DIR/pg" && "$@")
    fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid in a pid file, when that process is alive.
live_pid() {
    local file="$PIDS/$1.pid" pid
    [[ -f "$file" ]] || return 1
    pid="$(tr -dc 0-9 <"$file")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

pg_running() { [[ -d "$1" ]] && as_pg "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }

# psql against the primary (p) or the replica (r), unaligned, no headers.
pg_sql() {
    local port=$PG_PORT
    [[ $1 == r ]] && port=$REPLICA_PORT
    psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "${3:-$DB_NAME}" -c "$2"
}

# The environment every app process gets (written by up.sh into $DEPLOY_DIR/app.env).
app_env() {
    set -a
    # shellcheck disable=SC1091
    source "$DEPLOY_DIR/app.env"
    set +a
}

# deploy/nginx.conf.in with this deployment's directory and ports filled in, written to $1.
render_nginx_conf() {
    sed -e "s#@DEPLOY_DIR@#$DEPLOY_DIR#g" -e "s#@NGINX_PORT@#$NGINX_PORT#g" \
        -e "s#@APP1_PORT@#$APP1_PORT#g" -e "s#@APP2_PORT@#$APP2_PORT#g" \
        "$ROOT/deploy/nginx.conf.in" >"$1"
}

# The Redis configuration (cache, sessions, RQ queue) for this deployment, written to $1.
write_redis_conf() {
    cat >"$1" <<EOF
# Cache, sessions and the RQ queue. Loopback only; the queue must never be evicted.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $PIDS/redis.pid
logfile $LOGS/redis.log
dir $DEPLOY_DIR/redis
save ""
appendonly yes
appendfsync everysec
maxmemory 256mb
maxmemory-policy noeviction
EOF
}

# Start redis-server with that configuration unless it runs; wait until it answers.
start_redis() {
    write_redis_conf "$DEPLOY_DIR/redis/redis.conf"
    if live_pid redis >/dev/null; then
        log "redis already running on :$REDIS_PORT"
    else
        port_busy "$REDIS_PORT" && die "port $REDIS_PORT is taken by something else"
        log "start redis on 127.0.0.1:$REDIS_PORT"
        redis-server "$DEPLOY_DIR/redis/redis.conf"
        for _ in $(seq 50); do
            redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
            sleep 0.1
        done
    fi
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG || die "redis does not answer"
}

# Render and check nginx.conf, then start nginx (or reload it when it runs).
start_nginx() {
    local pid
    mkdir -p "$DEPLOY_DIR/nginx/tmp"
    chown www-data "$DEPLOY_DIR/nginx/tmp"
    render_nginx_conf "$DEPLOY_DIR/nginx/nginx.conf"
    nginx -t -q -c "$DEPLOY_DIR/nginx/nginx.conf" -p "$DEPLOY_DIR/nginx" 2>>"$LOGS/nginx-error.log" ||
        die "nginx -t failed: $LOGS/nginx-error.log"
    if pid="$(live_pid nginx)"; then
        log "nginx already running (pid $pid): reload"
        kill -HUP "$pid"
    else
        port_busy "$NGINX_PORT" && die "port $NGINX_PORT is taken by something else"
        log "start nginx on 127.0.0.1:$NGINX_PORT"
        nginx -c "$DEPLOY_DIR/nginx/nginx.conf" -p "$DEPLOY_DIR/nginx"
    fi
}

# Wait until every given port answers /healthz (half a second apart, `tries` times at most).
wait_healthy() {
    local tries=$1 port ok
    shift
    for port in "$@"; do
        ok=
        for _ in $(seq "$tries"); do
            if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz"; then
                ok=1
                break
            fi
            sleep 0.5
        done
        [[ -n "$ok" ]] || die "nothing answers on 127.0.0.1:$port/healthz (see $LOGS/)"
    done
}
