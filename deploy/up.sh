#!/usr/bin/env bash
# Bring up the multi-server deployment on one machine (docs/deploy.md):
#
#   nginx :58600 ──► gunicorn app1 :58601 ─┐   PostgreSQL primary :55601 ──WAL──► replica :55602
#                └─► gunicorn app2 :58602 ─┤   Redis :56601 (cache, sessions, RQ queue)
#                                          └─  rqworker (the task queue), media on one shared dir
#
#   deploy/up.sh      # idempotent: what already runs is kept (app servers reload their code)
#   deploy/check.sh   # the test run against it
#   deploy/down.sh    # stops what up.sh started (pid files); --purge also removes DEPLOY_DIR
#
# Run as root (the PostgreSQL clusters belong to the `postgres` user; nginx workers run as
# www-data). Needs: PostgreSQL 15 server binaries, nginx, redis-server, the project's .venv with
# requirements.txt installed and the npm assets vendored (make setup).

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

started_at=$(date +%s)
[[ $EUID -eq 0 ]] || die "run as root (the clusters run as postgres, nginx workers as www-data)"
[[ -x "$PG_BIN/initdb" ]] || die "no PostgreSQL server binaries (apt-get install postgresql-15)"
command -v nginx >/dev/null || die "nginx is missing: apt-get install -y nginx"
command -v redis-server >/dev/null || die "redis-server is missing: apt-get install -y redis-server"
[[ -x "$PY" ]] || die "no $PY: run make setup first"
"$PY" -c "import django_rq, redis, rq" 2>/dev/null || die "django-rq/rq/redis missing: pip install -r requirements.txt"
[[ -f "$ROOT/zugong/static/vendor/htmx/htmx.min.js" ]] || die "npm assets not vendored: make setup"

mkdir -p "$DEPLOY_DIR" "$PIDS" "$LOGS" "$DEPLOY_DIR/pg" "$DEPLOY_DIR/media" \
    "$DEPLOY_DIR/redis" "$DEPLOY_DIR/nginx/tmp" "$DEPLOY_DIR/var"
chmod 755 "$DEPLOY_DIR"
chown postgres:postgres "$DEPLOY_DIR/pg"
chmod 700 "$DEPLOY_DIR/pg"

# --- secrets and the app environment ----------------------------------------------------------

if [[ ! -f "$DEPLOY_DIR/secrets.env" ]]; then
    (
        umask 077
        {
            printf 'SECRET_KEY=%s\n' "$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
            printf 'ZUGONG_SUPERVISION_KEYS=%s\n' "$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            printf 'ZUGONG_RECEIPT_SALT=%s\n' "$("$PY" -c 'import secrets; print(secrets.token_hex(16))')"
        } >"$DEPLOY_DIR/secrets.env"
    )
fi
: >"$DEPLOY_DIR/app.env"
chmod 600 "$DEPLOY_DIR/app.env" # it gets the secrets
cat >>"$DEPLOY_DIR/app.env" <<EOF
# Written by deploy/up.sh: the environment of both app servers, the worker and manage.py.
DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME
DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB_NAME
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
ZUGONG_MEDIA_ROOT=$DEPLOY_DIR/media
ZUGONG_VAR_DIR=$DEPLOY_DIR/var
ALLOWED_HOSTS=127.0.0.1,localhost
ZUGONG_IMPORT_TASK_THRESHOLD=${ZUGONG_IMPORT_TASK_THRESHOLD:-5}
ZUGONG_PRIMARY_PIN_SECONDS=${ZUGONG_PRIMARY_PIN_SECONDS:-10}
ZUGONG_DB_ROUTE_HEADER=1
DEBUG=0
EOF
cat "$DEPLOY_DIR/secrets.env" >>"$DEPLOY_DIR/app.env"

# --- PostgreSQL primary -----------------------------------------------------------------------

PRIMARY="$DEPLOY_DIR/pg/primary"
REPLICA="$DEPLOY_DIR/pg/replica"
if [[ ! -f "$PRIMARY/PG_VERSION" ]]; then
    log "initdb primary"
    rm -rf "$PRIMARY"
    as_pg "$PG_BIN/initdb" -D "$PRIMARY" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$LOGS/initdb.log" 2>&1 || die "initdb failed: $LOGS/initdb.log"
    # Trust on loopback only (initdb's default pg_hba has replication lines for 127.0.0.1);
    # a replication slot keeps the WAL the replica still needs.
    cat >>"$PRIMARY/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$DEPLOY_DIR/pg'
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
shared_buffers = 256MB
EOF
fi
if pg_running "$PRIMARY"; then
    log "primary already running on :$PG_PORT"
else
    port_busy "$PG_PORT" && die "port $PG_PORT is taken by something else"
    log "start primary on 127.0.0.1:$PG_PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$PRIMARY" -l "$DEPLOY_DIR/pg/primary.log" -w -t 60 -s start
fi
if [[ -z "$(pg_sql p "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" postgres)" ]]; then
    pg_sql p "CREATE DATABASE $DB_NAME" postgres
fi

# --- PostgreSQL streaming replica -------------------------------------------------------------

if [[ ! -f "$REPLICA/PG_VERSION" ]]; then
    log "pg_basebackup -R into the replica"
    rm -rf "$REPLICA"
    if [[ -z "$(pg_sql p "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'zugong_replica'" postgres)" ]]; then
        pg_sql p "SELECT pg_create_physical_replication_slot('zugong_replica')" postgres >/dev/null
    fi
    as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$REPLICA" \
        -R -X stream -S zugong_replica -c fast >"$LOGS/basebackup.log" 2>&1 ||
        die "pg_basebackup failed: $LOGS/basebackup.log"
    cat >>"$REPLICA/postgresql.auto.conf" <<EOF
port = $REPLICA_PORT
hot_standby_feedback = on
EOF
fi
if pg_running "$REPLICA"; then
    log "replica already running on :$REPLICA_PORT"
else
    port_busy "$REPLICA_PORT" && die "port $REPLICA_PORT is taken by something else"
    log "start replica on 127.0.0.1:$REPLICA_PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$REPLICA" -l "$DEPLOY_DIR/pg/replica.log" -w -t 60 -s start
fi
for _ in $(seq 60); do
    state="$(pg_sql p "SELECT string_agg(state, ',') FROM pg_stat_replication" postgres)"
    [[ "$state" == *streaming* ]] && break
    sleep 1
done
[[ "$state" == *streaming* ]] || die "the replica does not stream (pg_stat_replication: '$state'); see $DEPLOY_DIR/pg/replica.log"
[[ "$(pg_sql r "SELECT pg_is_in_recovery()" postgres)" == t ]] || die "the replica is not in recovery"
log "replica streams (pg_stat_replication.state = $state)"

# --- Redis ------------------------------------------------------------------------------------

start_redis

# --- the database: migrate, demo county, findings, static files -------------------------------

app_env
cd "$ROOT"
log "migrate"
"$PY" manage.py migrate --noinput -v 0
if [[ -z "$(pg_sql p "SELECT 1 FROM accounts_user LIMIT 1")" ]]; then
    log "seed the demo county (a few minutes)"
    seed_started=$(date +%s)
    "$PY" manage.py seed_demo --if-empty >"$LOGS/seed_demo.log" 2>&1 || die "seed_demo failed: $LOGS/seed_demo.log"
    "$PY" manage.py refresh_findings >>"$LOGS/seed_demo.log" 2>&1 || die "refresh_findings failed: $LOGS/seed_demo.log"
    log "demo county seeded in $(($(date +%s) - seed_started)) s"
else
    log "the database has accounts already: no demo seeding"
fi
log "collectstatic"
"$PY" manage.py collectstatic --noinput -v 0

# --- two app servers --------------------------------------------------------------------------

start_app() {
    local name=$1 port=$2 pid
    if pid="$(live_pid "$name")"; then
        log "$name already running (pid $pid): reload"
        kill -HUP "$pid"
        return
    fi
    port_busy "$port" && die "port $port is taken by something else"
    log "start $name: gunicorn on 127.0.0.1:$port"
    # gunicorn 27 opens a control socket, by default one per user (~/.gunicorn): one per server.
    local control=()
    if "$ROOT/.venv/bin/gunicorn" --help | grep -q -- --control-socket; then
        control=(--control-socket "$PIDS/$name.ctl")
    fi
    # No access log here: nginx logs (without /portal/); the app server only logs errors.
    "$ROOT/.venv/bin/gunicorn" zugong.wsgi:application --chdir "$ROOT" \
        --bind "127.0.0.1:$port" --workers "${DEPLOY_APP_WORKERS:-2}" --timeout 120 \
        --name "zugong-$name" --pid "$PIDS/$name.pid" --daemon \
        --error-logfile "$LOGS/$name.log" --capture-output --forwarded-allow-ips 127.0.0.1 \
        "${control[@]}"
}
start_app app1 "$APP1_PORT"
start_app app2 "$APP2_PORT"

# --- the task worker (RQ) ---------------------------------------------------------------------

if pid="$(live_pid worker)"; then
    log "stop the old worker (pid $pid) to load the current code"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
log "start the worker: manage.py rqworker default"
# Its own session (process group): down.sh stops the worker and its work horse together.
setsid "$PY" manage.py rqworker default --job-class django_tasks.backends.rq.Job \
    --with-scheduler >>"$LOGS/worker.log" 2>&1 </dev/null &
echo $! >"$PIDS/worker.pid"

# --- nginx ------------------------------------------------------------------------------------

start_nginx

# --- wait until the whole chain answers -------------------------------------------------------

wait_healthy 120 "$APP1_PORT" "$APP2_PORT" "$NGINX_PORT"
log "up in $(($(date +%s) - started_at)) s: http://127.0.0.1:$NGINX_PORT/ (demo logins: zzb / Zugong@2026)"
