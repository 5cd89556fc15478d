#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite: a temporary data directory, trust auth,
# listening on 127.0.0.1 only (unix sockets inside the temporary directory), fsync off.
#
# As a command:
#   eval "$(scripts/pg_throwaway.sh start)"   # prints: export ZUGONG_TEST_DATABASE_URL=...
#   make test                                 # now also runs the suite on PostgreSQL
#   scripts/pg_throwaway.sh status
#   scripts/pg_throwaway.sh stop              # stops the cluster and removes its directory
#
# Sourced (as .ci/run does): defines pg_throwaway_start / pg_throwaway_stop, which set and use
# PG_THROWAWAY_DIR, PG_THROWAWAY_PORT and ZUGONG_TEST_DATABASE_URL in the calling shell.
#
# Settings (environment):
#   PG_THROWAWAY_PORT   first port to try (default 55432; the next free one is taken)
#   PG_THROWAWAY_DB     database to create (default zugong_test)
#   PG_THROWAWAY_STATE  where start records the cluster for stop (default var/pg_throwaway.env)
#   PG_BIN              PostgreSQL server binaries (default: newest /usr/lib/postgresql/*/bin)
#
# Run as root, the cluster belongs to the `postgres` user (created when missing); run as
# anyone else, it belongs to that user.

_pg_throwaway_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${PG_THROWAWAY_STATE:=$_pg_throwaway_root/var/pg_throwaway.env}"

_pg_log() { echo "pg_throwaway: $*" >&2; }

_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        echo "$PG_BIN"
        return
    fi
    # Highest major version among the Debian server packages (sort -V: 9.x before 1x).
    local best
    best="$(for dir in /usr/lib/postgresql/*/bin; do
        if [[ -x "$dir/initdb" ]]; then echo "$dir"; fi
    done | sort -V | tail -n 1)"
    if [[ -z "$best" ]]; then
        if command -v initdb >/dev/null 2>&1; then
            best="$(dirname "$(command -v initdb)")"
        else
            _pg_log "no PostgreSQL server binaries (initdb) found; install postgresql"
            return 1
        fi
    fi
    echo "$best"
}

# Run a command as the cluster owner, from inside the cluster directory.
_pg_as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd "$PG_THROWAWAY_DIR" && runuser -u postgres -- "$@")
    else
        (cd "$PG_THROWAWAY_DIR" && "$@")
    fi
}

_pg_port_busy() {
    # Something answers on 127.0.0.1:PORT.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_pg_running() {
    [[ -n "${PG_THROWAWAY_DIR:-}" && -d "${PG_THROWAWAY_DIR}/data" ]] || return 1
    local bin
    bin="$(_pg_bin)" || return 1
    _pg_as_owner "$bin/pg_ctl" -D "$PG_THROWAWAY_DIR/data" status >/dev/null 2>&1
}

_pg_write_state() {
    mkdir -p "$(dirname "$PG_THROWAWAY_STATE")"
    {
        printf 'PG_THROWAWAY_DIR=%q\n' "$PG_THROWAWAY_DIR"
        printf 'PG_THROWAWAY_PORT=%q\n' "$PG_THROWAWAY_PORT"
        printf 'ZUGONG_TEST_DATABASE_URL=%q\n' "$ZUGONG_TEST_DATABASE_URL"
    } >"$PG_THROWAWAY_STATE"
}

_pg_read_state() {
    [[ -f "$PG_THROWAWAY_STATE" ]] || return 1
    # shellcheck disable=SC1090
    source "$PG_THROWAWAY_STATE"
}

pg_throwaway_start() {
    local bin port db tries locale_opt
    bin="$(_pg_bin)" || return 1
    db="${PG_THROWAWAY_DB:-zugong_test}"

    # Idempotent: a cluster recorded by an earlier start and still running is reused.
    if _pg_read_state && _pg_running; then
        export PG_THROWAWAY_DIR PG_THROWAWAY_PORT ZUGONG_TEST_DATABASE_URL
        return 0
    fi
    [[ -n "${PG_THROWAWAY_DIR:-}" && -d "$PG_THROWAWAY_DIR" ]] && rm -rf "$PG_THROWAWAY_DIR"
    rm -f "$PG_THROWAWAY_STATE"

    if [[ $EUID -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin postgres
    fi

    PG_THROWAWAY_DIR="$(mktemp -d "${TMPDIR:-/tmp}/zugong-pg.XXXXXX")"
    chmod 700 "$PG_THROWAWAY_DIR"
    [[ $EUID -eq 0 ]] && chown postgres:postgres "$PG_THROWAWAY_DIR"

    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale_opt=(--locale=C.UTF-8)
    else
        locale_opt=(--no-locale)
    fi
    if ! _pg_as_owner "$bin/initdb" -D "$PG_THROWAWAY_DIR/data" -U postgres --auth=trust \
        -E UTF8 "${locale_opt[@]}" >"$PG_THROWAWAY_DIR/initdb.log" 2>&1; then
        if [[ "${locale_opt[0]}" != --no-locale ]]; then
            rm -rf "$PG_THROWAWAY_DIR/data"
            _pg_as_owner "$bin/initdb" -D "$PG_THROWAWAY_DIR/data" -U postgres --auth=trust \
                -E UTF8 --no-locale >"$PG_THROWAWAY_DIR/initdb.log" 2>&1 || {
                cat "$PG_THROWAWAY_DIR/initdb.log" >&2
                _pg_log "initdb failed"
                rm -rf "$PG_THROWAWAY_DIR"
                return 1
            }
        else
            cat "$PG_THROWAWAY_DIR/initdb.log" >&2
            _pg_log "initdb failed"
            rm -rf "$PG_THROWAWAY_DIR"
            return 1
        fi
    fi

    # Take the first free port from PG_THROWAWAY_PORT on; retry on the next one if the server
    # cannot bind (someone took the port in between).
    port="${PG_THROWAWAY_PORT:-55432}"
    for tries in 1 2 3 4 5 6 7 8 9 10; do
        while _pg_port_busy "$port"; do port=$((port + 1)); done
        if _pg_as_owner "$bin/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -l "$PG_THROWAWAY_DIR/server.log" \
            -w -t 60 -s start -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_THROWAWAY_DIR \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null 2>&1; then
            break
        fi
        if [[ $tries -eq 10 ]]; then
            cat "$PG_THROWAWAY_DIR/server.log" >&2 || true
            _pg_log "could not start PostgreSQL"
            rm -rf "$PG_THROWAWAY_DIR"
            return 1
        fi
        port=$((port + 1))
    done
    PG_THROWAWAY_PORT="$port"

    if ! _pg_as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"; then
        pg_throwaway_stop
        return 1
    fi
    ZUGONG_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/$db"
    export PG_THROWAWAY_DIR PG_THROWAWAY_PORT ZUGONG_TEST_DATABASE_URL
    _pg_write_state
}

pg_throwaway_stop() {
    local bin
    if [[ -z "${PG_THROWAWAY_DIR:-}" ]]; then
        _pg_read_state || return 0
    fi
    if [[ -d "${PG_THROWAWAY_DIR:-}/data" ]] && bin="$(_pg_bin)"; then
        _pg_as_owner "$bin/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -m immediate -w -s stop \
            >/dev/null 2>&1 || true
    fi
    # Only ever remove a directory this script made.
    if [[ "${PG_THROWAWAY_DIR:-}" == */zugong-pg.* && -d "$PG_THROWAWAY_DIR" ]]; then
        rm -rf "$PG_THROWAWAY_DIR"
    fi
    rm -f "$PG_THROWAWAY_STATE"
    unset PG_THROWAWAY_DIR PG_THROWAWAY_PORT ZUGONG_TEST_DATABASE_URL
}

pg_throwaway_status() {
    if _pg_read_state && _pg_running; then
        echo "running: $ZUGONG_TEST_DATABASE_URL (directory $PG_THROWAWAY_DIR)"
    else
        echo "not running"
        return 1
    fi
}

# Executed rather than sourced: dispatch a subcommand.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    case "${1:-}" in
        start)
            pg_throwaway_start
            printf 'export ZUGONG_TEST_DATABASE_URL=%q\n' "$ZUGONG_TEST_DATABASE_URL"
            _pg_log "PostgreSQL on 127.0.0.1:$PG_THROWAWAY_PORT ($PG_THROWAWAY_DIR); stop with: $0 stop"
            ;;
        stop) pg_throwaway_stop ;;
        status) pg_throwaway_status ;;
        *)
            echo "usage: $0 start|stop|status" >&2
            exit 2
            ;;
    esac
fi
