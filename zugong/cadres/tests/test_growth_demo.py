"""The growth demo on a small county: the pool, assignments with overdue tracking, evaluations,
two adjustments (the 降职 with a running 影响期), incentives; deterministic and run once."""

# ruff: noqa: F811 - the shared fixtures are imported by name and injected by pytest

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zugong.cadres.growth_demo import seed_growth
from zugong.cadres.growth_rules import ASSIGNMENT_KIND
from zugong.cadres.models import (
    SEVEN_ABILITIES,
    Adjustment,
    AdjustmentWay,
    Assignment,
    Evaluation,
    Incentive,
    PostLevel,
    ReserveEntry,
    TrackingNote,
)
from zugong.cadres.tests.test_growth_fixtures import growth, make_cadre  # noqa: F401
from zugong.core.models import Finding

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)


@pytest.fixture
def small_county(growth):  # noqa: ANN001, ANN201
    units = [growth.units.town_a, growth.units.town_b, growth.units.dept]
    for i in range(50):
        level = [PostLevel.SECTION_DEPUTY, PostLevel.SECTION_CHIEF, ""][i % 3]
        make_cadre(
            units[i % 3],
            f"干部{i:02d}",
            date(1970, 1, 1) + timedelta(days=200 * i),
            current_level=level,
            current_post_text=f"职务{i}",
        )
    return growth


def snapshot() -> list[tuple]:
    return sorted(
        ReserveEntry.objects.values_list("cadre__name", "target_level", "entered_on")
    ) + sorted(Assignment.objects.values_list("cadre__name", "kind", "started_on", "ended_on"))


def test_seed_growth_builds_the_demo(small_county):
    seed_growth(TODAY)
    assert ReserveEntry.objects.count() == 40
    assert Assignment.objects.count() == 20
    assert len({a.kind for a in Assignment.objects.all()}) >= 5
    # The youngest are in the pool; the oldest are not.
    youngest = ReserveEntry.objects.order_by("-cadre__birth_date").first().cadre
    assert youngest.name == "干部49"
    assert not ReserveEntry.objects.filter(cadre__name="干部00").exists()
    assert TrackingNote.objects.exists()
    overdue = Finding.objects.filter(
        subject_type=ASSIGNMENT_KIND, rule_id="cadres.tracking_overdue", due_on__lt=TODAY
    )
    assert overdue.exists()
    evaluation = Evaluation.objects.first()
    assert set(evaluation.abilities) == {k for k, _ in SEVEN_ABILITIES}
    assert all(1 <= v <= 5 for v in evaluation.abilities.values())
    ways = dict(Adjustment.objects.values_list("way", "impact_until"))
    assert set(ways) == {AdjustmentWay.REASSIGN, AdjustmentWay.DEMOTE}
    assert ways[AdjustmentWay.DEMOTE] > TODAY  # the 影响期 still runs
    pool = set(ReserveEntry.objects.values_list("cadre_id", flat=True))
    assert not Adjustment.objects.filter(cadre_id__in=pool).exists()
    assert Incentive.objects.count() == 3
    # Cadres entered beyond the age limit carry the recorded reason and a finding.
    flagged = ReserveEntry.objects.exclude(exception_reason="")
    assert all(
        Finding.objects.filter(subject_id=e.pk, rule_id="cadres.reserve_criteria").exists()
        for e in flagged
    )


def test_seed_growth_is_deterministic_and_runs_once(small_county):
    seed_growth(TODAY)
    first = snapshot()
    seed_growth(TODAY)
    assert ReserveEntry.objects.count() == 40 and snapshot() == first
    Finding.objects.all().delete()
    for model in (Incentive, Evaluation, TrackingNote, Assignment, ReserveEntry, Adjustment):
        model.objects.all().delete()
    seed_growth(TODAY)
    assert snapshot() == first
