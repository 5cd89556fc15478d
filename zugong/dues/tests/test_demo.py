"""Demo seeding on a small tree: standards, payments with gaps, a true tally, findings."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.conftest import code, make_member
from zugong.core.models import Finding
from zugong.dues import tally
from zugong.dues.demo import seed_dues
from zugong.dues.models import DuesCategory, DuesPayment, DuesStandard, DuesTally

pytestmark = pytest.mark.django_db


def test_seed_dues_on_a_small_tree(tree):
    jobs = ["0501", "0802", "0201", "0602", "0702", "0703"] * 20
    for i, job in enumerate(jobs):
        make_member(
            [tree.branch_a1, tree.branch_a2a, tree.branch_b1][i % 3],
            f"党员{i}",
            job_category=code("job_category", job),
        )
    today = date(2026, 5, 20)
    written = seed_dues(today=today, seed=7)
    assert written == DuesStandard.objects.count() + DuesPayment.objects.count()
    assert DuesStandard.objects.filter(year=2025).count() == len(jobs)
    categories = set(DuesStandard.objects.values_list("category", flat=True))
    assert {DuesCategory.SALARIED, DuesCategory.RETIRED, DuesCategory.FARMER} <= categories
    assert DuesPayment.objects.count() > len(jobs) * 12

    def key(rows):  # noqa: ANN001, ANN202
        return sorted((t.org_path, t.year, t.month, t.due_count, t.paid_count) for t in rows)

    assert key(DuesTally.objects.all()) == key(tally.compute_all())
    assert not Finding.objects.filter(rule_id="dues.standard_missing").exists()
    assert seed_dues(today=today, seed=7) == 0  # a second run adds nothing
