"""The monthly dues tally (DuesTally): per branch path, year and month, recomputed from the records.

Every service that writes standards or payments calls `refresh(pairs)` with the (org_path, year)
pairs it touched; the tally rows of those branch-years are recomputed from their own records (a
branch has tens of members, so this is cheap). `rebuild_all()` recomputes everything, and a test
checks that the kept tally equals a rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q

from zugong.dues.models import ZERO, DuesPayment, DuesStandard, DuesTally

Key = tuple[str, int]  # (org_path, year)
BATCH = 2000
# (org_path, year) pairs per query; well below SQLite's parameter limit.
CHUNK = 300


def _empty() -> dict[int, list]:
    # month → [due_count, due_amount, paid_count, paid_amount, covered_amount]
    return {m: [0, ZERO, 0, ZERO, ZERO] for m in range(1, 13)}


def _accumulate(
    standards: Iterable[tuple[str, int, int, int | None, Decimal]],
    payments: Iterable[tuple[str, int, int, Decimal, Decimal]],
) -> dict[Key, dict[int, list]]:
    acc: dict[Key, dict[int, list]] = defaultdict(_empty)
    for path, year, starts, ends, monthly in standards:
        if monthly <= 0:
            continue
        months = acc[(path, year)]
        for m in range(starts, (ends or 12) + 1):
            months[m][0] += 1
            months[m][1] += monthly
    for path, year, month, amount, due in payments:
        row = acc[(path, year)][month]
        if due > 0:
            row[2] += 1
            row[4] += min(amount, due)
        row[3] += amount
    return acc


def _rows(acc: dict[Key, dict[int, list]]) -> list[DuesTally]:
    rows = []
    for (path, year), months in acc.items():
        ytd = [0, ZERO, 0, ZERO, ZERO]
        for month in range(1, 13):
            v = months[month]
            ytd = [a + b for a, b in zip(ytd, v, strict=True)]
            # A month with nothing of its own still carries the year so far.
            if not (any(v) or any(ytd)):
                continue
            rows.append(
                DuesTally(
                    org_path=path,
                    year=year,
                    month=month,
                    due_count=v[0],
                    due_amount=v[1],
                    paid_count=v[2],
                    paid_amount=v[3],
                    covered_amount=v[4],
                    ytd_due_count=ytd[0],
                    ytd_due_amount=ytd[1],
                    ytd_paid_count=ytd[2],
                    ytd_paid_amount=ytd[3],
                    ytd_covered_amount=ytd[4],
                )
            )
    return rows


def _pairs_q(pairs: list[Key]) -> Q:
    q = Q()
    for path, year in pairs:
        q |= Q(org_path=path, year=year)
    return q


def refresh(pairs: Iterable[Key]) -> None:
    """Recompute the tally rows of these branch-years from their standards and payments."""
    wanted = sorted(set(pairs))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        where = _pairs_q(chunk)
        acc = _accumulate(
            DuesStandard.objects.filter(where).values_list(
                "org_path", "year", "starts_month", "ends_month", "monthly_amount"
            ),
            DuesPayment.objects.filter(where, is_voided=False).values_list(
                "org_path", "year", "month", "amount", "due_amount"
            ),
        )
        DuesTally.objects.filter(where).delete()
        DuesTally.objects.bulk_create(_rows(acc), batch_size=BATCH)


def compute_all() -> list[DuesTally]:
    """The whole tally as the records say it should be (not saved)."""
    acc = _accumulate(
        DuesStandard.objects.values_list(
            "org_path", "year", "starts_month", "ends_month", "monthly_amount"
        ).iterator(chunk_size=BATCH),
        DuesPayment.objects.filter(is_voided=False)
        .values_list("org_path", "year", "month", "amount", "due_amount")
        .iterator(chunk_size=BATCH),
    )
    return _rows(acc)


def rebuild_all() -> int:
    rows = compute_all()
    DuesTally.objects.all().delete()
    DuesTally.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
