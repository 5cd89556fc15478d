#!/usr/bin/env bash
# A tuned throwaway PostgreSQL for the benchmarks, separate from the test suite's cluster.
#
#   eval "$(bash benchmarks/pg.sh start)"   # prints: export DATABASE_URL=postgres://.../zugong_bench
#   bash benchmarks/pg.sh status
#   bash benchmarks/pg.sh stop
#
# It uses scripts/pg_throwaway.sh (trust auth, 127.0.0.1 only, fsync/synchronous_commit/
# full_page_writes off) with its own state file, first port and database, then applies the
# settings below with ALTER SYSTEM and restarts once (shared_buffers needs a restart).
# Override any of them with BENCH_PG_SETTINGS="name=value name=value".

set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PG_THROWAWAY_STATE="${PG_THROWAWAY_STATE:-$root/benchmarks/results/pg_throwaway.env}"
export PG_THROWAWAY_PORT="${PG_THROWAWAY_PORT:-56432}"
export PG_THROWAWAY_DB="${PG_THROWAWAY_DB:-zugong_bench}"
# shellcheck source=../scripts/pg_throwaway.sh
source "$root/scripts/pg_throwaway.sh"

DEFAULT_SETTINGS="shared_buffers=1GB work_mem=32MB maintenance_work_mem=512MB \
effective_cache_size=12GB random_page_cost=1.1 max_wal_size=4GB"

case "${1:-}" in
    start)
        mkdir -p "$(dirname "$PG_THROWAWAY_STATE")"
        pg_throwaway_start
        for setting in ${BENCH_PG_SETTINGS:-$DEFAULT_SETTINGS}; do
            psql -q -X -v ON_ERROR_STOP=1 "$ZUGONG_TEST_DATABASE_URL" \
                -c "ALTER SYSTEM SET ${setting%%=*} = '${setting#*=}'" >/dev/null
        done
        _pg_as_owner "$(_pg_bin)/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -w -t 60 -s -m fast restart \
            -l "$PG_THROWAWAY_DIR/server.log" >/dev/null
        printf 'export DATABASE_URL=%q\n' "$ZUGONG_TEST_DATABASE_URL"
        echo "benchmarks/pg.sh: PostgreSQL on 127.0.0.1:$PG_THROWAWAY_PORT ($PG_THROWAWAY_DIR)," \
            "database $PG_THROWAWAY_DB; stop with: bash benchmarks/pg.sh stop" >&2
        ;;
    stop) pg_throwaway_stop ;;
    status) pg_throwaway_status ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
