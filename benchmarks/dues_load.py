"""python -m benchmarks.dues_load: this year's 党费 standards and payments for every loaded member.

    python -m benchmarks.dues_load --database-url postgres://... [--today 2026-11-21]

Runs after `benchmarks.load`. For every member in good standing it COPYs one standard for the
reference year (the category from the member's 人员类别 as the demo does, the amounts computed by
zugong.dues.rules.compute_standard) and one payment per month from January to the last complete
month, leaving about 3 % of members 1–5 months behind and 0.5 % six months or more. Then
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
from benchmarks.load import Phases, copy_rows, reset_sequence, say

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


def generate(
    year: int, last_month: int, rng: random.Random, stamp: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    from zugong.dues.demo import FARMER_AMOUNTS, _base, category_for
    from zugong.dues.rules import compute_standard, year_context

    ctx = year_context(year)
    standards: list[tuple[Any, ...]] = []
    payments: list[tuple[Any, ...]] = []
    cache: dict[tuple[str, Decimal | None], Any] = {}
    for pk, org_id, path, job in _members():
        category = category_for(job)
        base = _base(rng, category)
        chosen = rng.choice(FARMER_AMOUNTS) if category == "farmer" else None
        key = (category, base if chosen is None else chosen)
        computed = cache.get(key)
        if computed is None:
            computed = cache[key] = compute_standard(
                category=category, income_base=base, chosen_amount=chosen, ctx=ctx
            )
        monthly = computed.monthly_amount
        standards.append(
            (len(standards) + 1, stamp, stamp, pk, year, category, base or Decimal(0),
             computed.rate, computed.standard_amount, monthly, "none", "", None, "",
             1, None, org_id, path, "")
        )  # fmt: skip
        roll = rng.random()
        behind = rng.randint(6, 9) if roll < 0.005 else rng.randint(1, 5) if roll < 0.035 else 0
        for month in range(1, last_month + 1 - behind):
            paid_on = date(year, month, rng.randint(1, 25))
            payments.append(
                (len(payments) + 1, stamp, stamp, pk, year, month, monthly, monthly, paid_on,
                 False, "", f"DF{year}{month:02d}-{pk}", None, org_id, path, False, "", "")
            )  # fmt: skip
    return standards, payments


def load(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from zugong.dues import tally
    from zugong.dues.models import DuesPayment, DuesStandard, DuesTally

    phases = Phases()
    today = date.fromisoformat(args.today) if args.today else date.today()
    last_month = today.month - 1 or 12
    year = today.year if today.month > 1 else today.year - 1
    rng = random.Random(args.seed)
    stamp = datetime.combine(today, clock(9, 0)).astimezone()
    with phases("generate"):
        standards, payments = generate(year, last_month, rng, stamp)
        say(f"  {len(standards):,} standards, {len(payments):,} payments")
    connection.ensure_connection()
    raw = connection.connection
    with phases("copy"):
        with raw.cursor() as cur:
            cur.execute("TRUNCATE dues_duestally, dues_duespayment, dues_duesstandard CASCADE")
        copy_rows(raw, DuesStandard, STANDARD_COLUMNS, standards)
        copy_rows(raw, DuesPayment, PAYMENT_COLUMNS, payments)
        reset_sequence(raw, DuesStandard)
        reset_sequence(raw, DuesPayment)
        raw.commit()
    with phases("tally"):
        rows = tally.rebuild_all()
        say(f"  {rows:,} tally rows")
    with phases("check"):
        paths = sorted({s[17] for s in standards[:: max(1, len(standards) // 200)]})
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
        raw.autocommit = True
        for table in ("dues_duesstandard", "dues_duespayment", "dues_duestally"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        raw.autocommit = False
    return {
        "standards": len(standards),
        "payments": len(payments),
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
