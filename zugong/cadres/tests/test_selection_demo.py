"""The demo's three selection cases on a small database of 20 cadres and 5 posts."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.cadres.models import (
    PostHolding,
    PostLevel,
    PublicNotice,
    SelectionCase,
    SelectionStatus,
    SelectionStepKind,
)
from zugong.cadres.selection_demo import seed_selection
from zugong.cadres.tests.test_selection_support import make_cadre
from zugong.cadres.unit_services import create_post

pytestmark = pytest.mark.django_db
Step = SelectionStepKind
TODAY = date(2026, 11, 18)


@pytest.fixture
def small_county(unit_tree):  # noqa: ANN001, ANN201
    units = [unit_tree.town_a, unit_tree.town_b, unit_tree.dept]
    for i in range(20):
        # 干部01 has no education on file: a block verdict, so the demo must pass over them.
        make_cadre(units[i % 3], f"干部{i:02d}", qualified=i != 1)
    for i, (unit, title) in enumerate(
        [
            (unit_tree.town_a, "副镇长"),
            (unit_tree.town_b, "副镇长"),
            (unit_tree.dept, "副局长"),
            (unit_tree.town_a, "党委委员"),
            (unit_tree.town_b, "人大主席"),
        ]
    ):
        create_post(
            actor=None,
            unit=unit,
            title=title,
            level=PostLevel.SECTION_DEPUTY,
            is_elected=i == 4,
        )
    return unit_tree


def _summary() -> list[tuple]:
    return [
        (
            c.title,
            c.status,
            c.current_step,
            c.appointee.name if c.appointee_id else None,
            sorted(c.candidates.values_list("cadre__name", flat=True)),
        )
        for c in SelectionCase.objects.order_by("opened_on")
    ]


def test_three_cases_in_three_steps(small_county):
    seed_selection(TODAY)
    first, second, third = SelectionCase.objects.order_by("-opened_on")
    assert first.current_step == Step.RECOMMENDATION
    assert sorted(first.candidates.values_list("cadre__name", flat=True)) == [
        "干部00",
        "干部03",
        "干部06",
    ]
    # In 任前公示 now: the running notice names the decided person, and 干部01 was passed over.
    assert second.current_step == Step.APPOINTMENT and second.appointee.name == "干部04"
    notice = PublicNotice.objects.get(case=second)
    assert notice.starts_on <= TODAY <= notice.ends_on and notice.working_days >= 5
    assert notice.unit_path == second.unit_path and "干部04" in notice.public_text
    # Appointed months ago, the 试用期 still running.
    assert third.current_step == Step.PROBATION and third.appointee.name == "干部02"
    holding = PostHolding.objects.get(cadre=third.appointee, post=third.post)
    assert holding.is_main and holding.ended_on is None and holding.probation_until > TODAY
    assert not third.post.is_elected
    assert all(c.status == SelectionStatus.ACTIVE for c in (first, second, third))


def test_seeding_is_deterministic_and_runs_once(small_county):
    seed_selection(TODAY)
    before = _summary()
    seed_selection(TODAY)
    assert _summary() == before and len(before) == 3
    assert before[0][3] == "干部02" and before[1][3] == "干部04"


def test_an_empty_database_is_left_alone(db):
    seed_selection(TODAY)
    assert not SelectionCase.objects.exists()
