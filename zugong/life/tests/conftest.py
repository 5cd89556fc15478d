"""Fixtures for the meeting record tests: a branch with a roster and an elected committee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

import pytest

from zugong.conftest import Tree, make_member
from zugong.life import services
from zugong.life.models import Meeting, MeetingType
from zugong.life.services import AttendanceEntry
from zugong.members.models import Member, MemberType
from zugong.orgs.services import elect_team


@dataclass
class Branch:
    """城关镇东村党支部: 8 正式党员 (3 of them on the committee) and 2 预备党员."""

    full: list[Member]
    probationary: list[Member]

    @property
    def everyone(self) -> list[Member]:
        return [*self.full, *self.probationary]


FULL_NAMES = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八"]


@pytest.fixture
def mtypes(db: None) -> dict[str, MeetingType]:
    return {t.code: t for t in MeetingType.objects.all()}


@pytest.fixture
def branch(tree: Tree) -> Branch:
    full = [make_member(tree.branch_a1, name) for name in FULL_NAMES]
    probationary = [
        make_member(
            tree.branch_a1,
            name,
            member_type=MemberType.PROBATIONARY,
            joined_on=date(2025, 9, 1),
            confirmed_on=None,
        )
        for name in ("冯九", "陈十")
    ]
    elect_team(
        actor=None,
        org=tree.branch_a1,
        elected_on=date(2024, 3, 1),
        seats=[
            ("赵一", "secretary"),
            ("钱二", "organization_member"),
            ("孙三", "propaganda_member"),
        ],
    )
    return Branch(full, probationary)


def present(members: list[Member]) -> list[AttendanceEntry]:
    return [AttendanceEntry(m.pk) for m in members]


def record(
    org: Any,
    meeting_type: MeetingType,
    held_on: date = date(2026, 3, 10),
    attendance: list[AttendanceEntry] | None = None,
    *,
    actor: Any = None,
    starts_at: time | None = None,
    today: date = date(2026, 6, 30),
    **data: Any,
) -> Meeting:
    fields = {
        "held_on": held_on,
        "starts_at": starts_at,
        "topic": data.pop("topic", "学习会议精神"),
    }
    fields.update(data)
    return services.create_meeting(
        actor=actor,
        org=org,
        meeting_type=meeting_type,
        data=fields,
        attendance=attendance or [],
        today=today,
    )
