"""python -m benchmarks.life_compute: the compliance of every organization, timed in-process.

    python -m benchmarks.life_compute --database-url postgres://... [--today 2026-11-21] [--runs 5]

Calls zugong.life.compliance.compute_all (every organization × every active requirement × every
period of the year, read from the meeting tally) `--runs` times and prints each wall time, the
median and the counts per state. Target (issue 3): a province of 200,000 organizations with 12
months of meetings in ≤ 10 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import date

from benchmarks.common import RESULTS_DIR, database_url_arg, machine_info, setup_django, write_json
from benchmarks.load import say

TARGET_SECONDS = 10.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.life_compute", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--database-url", help="postgres://... (default: $DATABASE_URL)")
    parser.add_argument("--today", help="reference date YYYY-MM-DD (default: today)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    setup_django(database_url_arg(args.database_url))
    from django.db import connection

    from zugong.life.compliance import compute_all
    from zugong.orgs.models import Organization

    today = date.fromisoformat(args.today) if args.today else date.today()
    organizations = Organization.objects.count()
    seconds = []
    result: dict[str, int] = {}
    for run in range(1, args.runs + 1):
        connection.close()  # each run opens its connection, as a task would
        start = time.perf_counter()
        result = compute_all(today.year, today)
        seconds.append(time.perf_counter() - start)
        say(f"run {run}: {seconds[-1]:.2f} s")
    median = statistics.median(seconds)
    verdict = "PASS" if median <= TARGET_SECONDS else "FAIL"
    say(f"{organizations:,} organizations: median {median:.2f} s ({verdict} ≤ {TARGET_SECONDS} s)")
    say(f"counts: {result}")
    summary = {
        "organizations": organizations,
        "today": today.isoformat(),
        "seconds": [round(s, 3) for s in seconds],
        "median_seconds": round(median, 3),
        "target_seconds": TARGET_SECONDS,
        "result": result,
        "machine": machine_info(),
    }
    path = RESULTS_DIR / f"life-compute-{time.strftime('%Y%m%d-%H%M%S')}.json"
    write_json(path, summary)
    say(f"summary: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
