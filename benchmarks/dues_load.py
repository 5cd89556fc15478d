"""python -m benchmarks.dues_load: this year's 党费 standards and payments for every loaded member.

    python -m benchmarks.dues_load --database-url postgres://... [--today 2026-11-21]

Runs after `benchmarks.load`. For every member in good standing it COPYs one standard for the
reference year (the category from the member's 人员类别 as the demo does, the amounts computed by
zugong.dues.rules.compute_standard) and one payment per month from January to the last complete
month, leaving about 3 % of members 1–5 months behind and 0.5 % six months or more (the standards
stream through COPY; the payments are generated from them by one INSERT … SELECT on the server,
the payment table's secondary indexes dropped meanwhile, the day of payment a hash of member and
month). Then
zugong.dues.tally.rebuild_all() builds the tally the reports read, and a sample of branches is
checked against the records. No history rows are written (as for the members).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal
from typing import Any

from benchmarks.common import RESULTS_DIR, database_url_arg, setup_django, write_json
from benchmarks.load import Phases, checked_columns, copy_rows, reset_sequence, say

STANDARD_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "member_id",
    "year",
    "category",
    "income_base",
    "rate",
    "standard_amount",
    "monthly_amount",
    "reduction",
    "approval_authority",
    "approval_date",
    "approval_number",
    "starts_month",
    "ends_month",
    "org_id",
    "org_path",
    "note",
)
SAMPLES = 200  # the check refreshes the branches of about this many members
PAYMENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "member_id",
    "year",
    "month",
    "amount",
    "due_amount",
    "paid_on",
    "by_proxy",
    "proxy_name",
    "receipt_number",
    "recorded_by_id",
    "org_id",
    "org_path",
    "is_voided",
    "void_reason",
    "note",
)


def _members() -> Iterator[tuple[int, int, str, str | None]]:
    from zugong.core.models import CodeItem
    from zugong.members.models import Member, MemberStatus

    jobs = dict(CodeItem.objects.filter(table__code="job_category").values_list("pk", "code"))
    rows = (
        Member.objects.filter(status=MemberStatus.NORMAL)
        .order_by("pk")
        .values_list("pk", "org_id", "org_path", "job_category_id")
        .iterator(chunk_size=20000)
    )
    for pk, org_id, path, job in rows:
        yield pk, org_id, path, jobs.get(job)


PAYMENTS_SQL = """
INSERT INTO dues_duespayment ({columns})
SELECT %(stamp)s, %(stamp)s, s.member_id, s.year, m, s.monthly_amount, s.monthly_amount,
       make_date(s.year::int, m, (1 + (s.member_id * 7 + m * 13) %% 25)::int), false, '',
       'DF' || s.year || lpad(m::text, 2, '0') || '-' || s.member_id, NULL, s.org_id,
       s.org_path, false, '', ''
FROM dues_duesstandard s
LEFT JOIN bench_dues_behind b ON b.member_id = s.member_id
CROSS JOIN LATERAL generate_series(1, %(last_month)s - COALESCE(b.behind, 0)) AS m
WHERE s.year = %(year)s
ORDER BY s.member_id, m
"""


class Standards:
    """The standard rows, streamed (a province has 4,000,000); keeps who is behind and a sample."""

    def __init__(self, year: int, rng: random.Random, stamp: datetime) -> None:
        self.year, self.rng, self.stamp = year, rng, stamp
        # Read before the COPY starts: the connection cannot run a query during a COPY.
        self.members = list(_members())
        self.every = max(1, len(self.members) // SAMPLES)
        self.behind: list[tuple[int, int]] = []  # (member, months behind), ~3.5 % of members
        self.paths: list[str] = []  # the branches of a sample of members, for the check
        self.count = 0

    def chunks(self, size: int = 200_000) -> Iterator[list[tuple[Any, ...]]]:
        """The rows in lists of `size`: computing a new standard may read rule parameters, and
        the connection cannot run a query while a COPY is open, so each list is COPY'd whole."""
        chunk: list[tuple[Any, ...]] = []
        for row in self._rows():
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _rows(self) -> Iterator[tuple[Any, ...]]:
        from zugong.dues.demo import FARMER_AMOUNTS, _base, category_for
        from zugong.dues.rules import compute_standard, year_context

        ctx = year_context(self.year)
        rng, stamp, year = self.rng, self.stamp, self.year
        cache: dict[tuple[str, Decimal | None], Any] = {}
        for pk, org_id, path, job in self.members:
            category = category_for(job)
            base = _base(rng, category)
            chosen = rng.choice(FARMER_AMOUNTS) if category == "farmer" else None
            key = (category, base if chosen is None else chosen)
            computed = cache.get(key)
            if computed is None:
                computed = cache[key] = compute_standard(
                    category=category, income_base=base, chosen_amount=chosen, ctx=ctx
                )
            self.count += 1
            if self.count % self.every == 1 or self.every == 1:
                self.paths.append(path)
            yield (self.count, stamp, stamp, pk, year, category, base or Decimal(0),
                   computed.rate, computed.standard_amount, computed.monthly_amount, "none", "",
                   None, "", 1, None, org_id, path, "")  # fmt: skip
            roll = rng.random()
            behind = rng.randint(6, 9) if roll < 0.005 else rng.randint(1, 5) if roll < 0.035 else 0
            if behind:
                self.behind.append((pk, behind))


def load(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from benchmarks.load import drop_secondary_indexes, restore_indexes
    from zugong.dues import tally
    from zugong.dues.models import DuesPayment, DuesStandard, DuesTally

    phases = Phases()
    today = date.fromisoformat(args.today) if args.today else date.today()
    last_month = today.month - 1 or 12
    year = today.year if today.month > 1 else today.year - 1
    rng = random.Random(args.seed)
    stamp = datetime.combine(today, clock(9, 0)).astimezone()
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute("TRUNCATE dues_duestally, dues_duespayment, dues_duesstandard CASCADE")
    with phases("standards"):
        standards = Standards(year, rng, stamp)
        for chunk in standards.chunks():
            copy_rows(raw, DuesStandard, STANDARD_COLUMNS, chunk)
        reset_sequence(raw, DuesStandard)
        raw.commit()
        say(f"  {standards.count:,} standards, {len(standards.behind):,} members behind")
    # A year of payments is ~10 rows per member: generated by the server from the standards
    # (a province's 40,000,000 rows would take half an hour through Python).
    saved = drop_secondary_indexes(raw, DuesPayment._meta.db_table)
    try:
        with phases("payments"), raw.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE bench_dues_behind (member_id int PRIMARY KEY, behind int)"
            )
            with cur.copy("COPY bench_dues_behind (member_id, behind) FROM STDIN") as copy:
                for row in standards.behind:
                    copy.write_row(row)
            columns = ", ".join(checked_columns(DuesPayment, PAYMENT_COLUMNS)[1:])  # id: serial
            cur.execute(
                PAYMENTS_SQL.format(columns=columns),
                {"stamp": stamp, "year": year, "last_month": last_month},
            )
            payments = cur.rowcount
            cur.execute("DROP TABLE bench_dues_behind")
            reset_sequence(raw, DuesPayment)
            raw.commit()
            say(f"  {payments:,} payments")
    finally:
        with phases("payment indexes"):
            restore_indexes(raw, DuesPayment._meta.db_table, saved, say)
            raw.commit()
    with phases("tally"):
        rows = tally.rebuild_all()
        say(f"  {rows:,} tally rows")
    with phases("check"):
        paths = sorted(set(standards.paths))
        stored = {
            (t.org_path, t.month): (t.due_count, t.due_amount, t.paid_count, t.paid_amount)
            for t in DuesTally.objects.filter(org_path__in=paths, year=year)
        }
        tally.refresh([(p, year) for p in paths])
        again = {
            (t.org_path, t.month): (t.due_count, t.due_amount, t.paid_count, t.paid_amount)
            for t in DuesTally.objects.filter(org_path__in=paths, year=year)
        }
        if stored != again:
            raise SystemExit("dues tally from rebuild_all() differs from refresh() per branch")
        say(f"  rebuild_all() agrees with refresh() on {len(paths)} sampled branches")
    with phases("analyze"), raw.cursor() as cur:
        was = raw.autocommit  # VACUUM needs autocommit; put back what Django set
        raw.autocommit = True
        for table in ("dues_duesstandard", "dues_duespayment", "dues_duestally"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        raw.autocommit = was
    return {
        "standards": standards.count,
        "payments": payments,
        "year": year,
        "last_month": last_month,
        "phases": phases.seconds,
        "total_seconds": round(phases.total, 1),
        "today": today.isoformat(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.dues_load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--database-url", help="postgres://... (default: $DATABASE_URL)")
    parser.add_argument("--today", help="reference date YYYY-MM-DD (default: today)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    setup_django(database_url_arg(args.database_url))
    summary = load(args)
    path = RESULTS_DIR / f"dues-load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    write_json(path, summary)
    say(f"summary: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
