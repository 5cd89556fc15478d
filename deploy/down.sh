#!/usr/bin/env bash
# Stop what deploy/up.sh started, by its pid files and data directories only.
#
#   deploy/down.sh           # stop; the data (databases, media, Redis) stays for the next up.sh
#   deploy/down.sh --purge   # stop and remove DEPLOY_DIR

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stop_pid() {
    local name=$1 group=${2:-} pid
    if ! pid="$(live_pid "$name")"; then
        rm -f "$PIDS/$name.pid"
        return
    fi
    log "stop $name (pid $pid)"
    if [[ -n "$group" ]]; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    for _ in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name did not stop in 15 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDS/$name.pid"
}

[[ -d "$DEPLOY_DIR" ]] || {
    log "nothing to stop: $DEPLOY_DIR does not exist"
    exit 0
}
# nginx first (no new requests), then the app servers and the worker (its own process group).
stop_pid nginx
stop_pid app1
stop_pid app2
stop_pid worker group
if live_pid redis >/dev/null; then
    log "stop redis"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    stop_pid redis
fi
for cluster in replica primary; do
    if [[ -d "$DEPLOY_DIR/pg/$cluster" ]] && pg_running "$DEPLOY_DIR/pg/$cluster"; then
        log "stop PostgreSQL $cluster"
        as_pg "$PG_BIN/pg_ctl" -D "$DEPLOY_DIR/pg/$cluster" -m fast -w -s stop || true
    fi
done
if [[ "${1:-}" == --purge ]]; then
    # Only a directory that up.sh made (it has app.env and pg/).
    if [[ -f "$DEPLOY_DIR/app.env" && -d "$DEPLOY_DIR/pg" ]]; then
        log "remove $DEPLOY_DIR"
        rm -rf "$DEPLOY_DIR"
    fi
fi
log "down"
