"""python -m benchmarks.queries: where a scenario's time goes, in-process, one request at a time.

    python -m benchmarks.queries --database-url ... [--only list_county_filter,org_county]
        [--repeat 5] [--explain 3]

For each scenario URL: the request through django.test.Client with the scenario's session (the
same middleware and view as under gunicorn), repeated; the median total time, the SQL time and
query count of the last repetition, its queries by duration, and EXPLAIN (ANALYZE, BUFFERS) of the
slowest few. Use it to find why a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.common import database_url_arg, setup_django


def profile(url: str, cookie: str, repeat: int) -> tuple[list[float], list[dict[str, Any]], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    name, value = cookie.split("=", 1)
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[name] = value
    totals = []
    queries: list[dict[str, Any]] = []
    status = 0
    for i in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            totals.append((time.perf_counter() - start) * 1000)
        status = response.status_code
        if i == repeat - 1:
            queries = list(captured.captured_queries)
        del body
    return totals, queries, status


PROFILE_SORT = ["cumulative"]


def cprofile(url: str, cookie: str, top: int) -> str:
    """One more request under cProfile: the functions with the most cumulative time."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    name, value = cookie.split("=", 1)
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[name] = value
    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(url)
    if response.streaming:
        b"".join(response)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(PROFILE_SORT[0]).print_stats(top)
    return out.getvalue()


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cur.fetchall())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.queries")
    parser.add_argument("--database-url")
    parser.add_argument("--only", help="comma-separated scenario keys")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", type=int, default=2, help="EXPLAIN the N slowest queries")
    parser.add_argument("--sql-width", type=int, default=400)
    parser.add_argument(
        "--profile", type=int, default=0, help="print the top N functions of a cProfile run"
    )
    parser.add_argument("--profile-sort", default="cumulative", help="cumulative or tottime")
    args = parser.parse_args(argv)
    setup_django(database_url_arg(args.database_url))
    PROFILE_SORT[0] = args.profile_sort

    from benchmarks.scenarios import discover, ensure_users, scenarios, session_cookie

    targets = discover()
    users = ensure_users(targets)
    only = set(args.only.split(",")) if args.only else None
    for sc in scenarios(targets):
        if only is not None and sc.key not in only:
            continue
        for url in sc.urls:
            totals, queries, status = profile(url, session_cookie(users[sc.role]), args.repeat)
            sql_ms = sum(float(q["time"]) * 1000 for q in queries)
            print(f"\n=== {sc.key} {url} (HTTP {status})")
            print(
                f"total median {statistics.median(totals):.1f} ms (runs: "
                + ", ".join(f"{t:.0f}" for t in totals)
                + f"); last run: {len(queries)} queries, {sql_ms:.1f} ms in SQL"
            )
            ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
            for q in ranked:
                print(f"  {float(q['time']) * 1000:8.1f} ms  {q['sql'][: args.sql_width]}")
            if args.profile:
                print(cprofile(url, session_cookie(users[sc.role]), args.profile))
            for q in ranked[: args.explain]:
                if q["sql"].lstrip().upper().startswith("SELECT"):
                    print(f"\n  EXPLAIN ANALYZE ({float(q['time']) * 1000:.1f} ms):\n  {q['sql']}")
                    print("    " + explain(q["sql"]).replace("\n", "\n    "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
