"""The tally the meeting changes keep equals the one rebuilt from the records by the command."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from zugong.conftest import Tree
from zugong.life import tally
from zugong.life.models import Meeting, MeetingTally, MeetingType

pytestmark = pytest.mark.django_db


def snapshot() -> set[tuple]:
    return set(
        MeetingTally.objects.values_list(
            "org_id", "org_path", "meeting_type_id", "year", "month_mask", "count"
        )
    )


def create(org, type_code: str, held_on: date) -> Meeting:  # noqa: ANN001
    meeting = Meeting.objects.create(
        org=org,
        org_path=org.path,
        meeting_type=MeetingType.objects.get(code=type_code),
        held_on=held_on,
        topic="测试会议",
    )
    tally.meeting_changed(None, meeting)
    return meeting


def edit(meeting: Meeting, **changes: object) -> None:
    before = (meeting.org_id, meeting.meeting_type_id, meeting.held_on.year)
    for key, value in changes.items():
        setattr(meeting, key, value)
    if "org" in changes:
        meeting.org_path = meeting.org.path
    meeting.save()
    tally.meeting_changed(before, meeting)


def delete(meeting: Meeting) -> None:
    before = (meeting.org_id, meeting.meeting_type_id, meeting.held_on.year)
    meeting.delete()
    tally.meeting_changed(before, None)


def rebuild(*args: str) -> str:
    out = io.StringIO()
    call_command("rebuild_meeting_tallies", *args, stdout=out)
    return out.getvalue()


def test_kept_tally_equals_the_rebuilt_one(tree: Tree) -> None:
    a = create(tree.branch_a1, "theme_party_day", date(2026, 1, 5))
    b = create(tree.branch_a1, "theme_party_day", date(2026, 1, 20))
    c = create(tree.branch_a1, "branch_general_meeting", date(2026, 3, 5))
    d = create(tree.branch_b1, "theme_party_day", date(2025, 12, 30))
    create(tree.branch_a2a, "org_life_meeting", date(2026, 11, 5))
    edit(b, held_on=date(2026, 2, 20))  # moves to another month
    edit(c, meeting_type=MeetingType.objects.get(code="theme_party_day"))  # another type
    edit(d, held_on=date(2026, 1, 2))  # another year
    edit(a, org=tree.branch_b1)  # another organization
    delete(b)
    bulk = Meeting.objects.bulk_create(
        [
            Meeting(
                org=tree.branch_a2a,
                org_path=tree.branch_a2a.path,
                meeting_type=MeetingType.objects.get(code="theme_party_day"),
                held_on=date(2026, m, 1),
                topic="批量导入",
            )
            for m in (4, 5, 5)
        ]
    )
    tally.add_meetings(bulk)
    kept = snapshot()
    assert kept  # something to compare
    assert not MeetingTally.objects.filter(org=tree.branch_b1, year=2025).exists()
    output = rebuild()
    assert snapshot() == kept
    assert f"已重算组织生活统计 {len(kept)} 行" in output


def test_rebuild_repairs_a_wrong_tally_of_one_subtree(tree: Tree) -> None:
    create(tree.branch_a1, "theme_party_day", date(2026, 1, 5))
    create(tree.branch_b1, "theme_party_day", date(2026, 2, 5))
    truth = snapshot()
    MeetingTally.objects.update(month_mask=0, count=0)
    rebuild("--org", "TA")
    fixed = {row for row in snapshot() if row[0] == tree.branch_a1.pk}
    assert fixed == {row for row in truth if row[0] == tree.branch_a1.pk}
    assert MeetingTally.objects.get(org=tree.branch_b1).month_mask == 0  # outside the subtree
    rebuild()
    assert snapshot() == truth


def test_rebuild_unknown_org_code(tree: Tree) -> None:
    with pytest.raises(CommandError, match="组织编码“NOPE”不存在"):
        rebuild("--org", "NOPE")
