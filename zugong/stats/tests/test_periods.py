"""Point-in-time truth: the effective-dated periods answer "how many members did this subtree have
on day D" exactly as a replay of the history does, after transfers, back-dated corrections,
status changes and organization moves recorded in any order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zugong.conftest import code, valid_id
from zugong.members.models import Member, MemberStatus, MemberType
from zugong.members.services import change_member_status, create_member, update_member
from zugong.orgs.models import Organization
from zugong.orgs.services import create_org, move_org
from zugong.stats import asof
from zugong.stats.models import MemberPeriod, OrgPeriod, PeriodSource
from zugong.stats.periods import member_snapshot

pytestmark = pytest.mark.django_db

START = date(2020, 1, 1)


def _tree() -> dict[str, Organization]:
    with freeze_time("2019-12-01 10:00"):
        county = create_org(
            actor=None, parent=None, name="县委", code="K0", kind="county_committee"
        )
        towns = [
            create_org(
                actor=None, parent=county, name=f"{n}镇党委", code=f"K{n}", kind="party_committee"
            )
            for n in "甲乙"
        ]
        branches = [
            create_org(
                actor=None, parent=towns[i % 2], name=f"第{i}党支部", code=f"KB{i}", kind="branch"
            )
            for i in range(4)
        ]
    return {"county": county, "town0": towns[0], "town1": towns[1]} | {
        f"b{i}": b for i, b in enumerate(branches)
    }


def _member(org: Organization, serial: int, on: date) -> Member:
    birth = date(1970 + serial % 30, 1 + serial % 12, 1 + serial % 28)
    return create_member(
        actor=None,
        member=Member(
            name=f"党员{serial}",
            gender=code("gender", "1"),
            id_number=valid_id(birth, True, region=f"{330100 + serial:06d}"),
            birth_date=birth,
            member_type=MemberType.PROBATIONARY,
            joined_on=date(1995, 1, 1),
            org=org,
            education=code("education", "21"),
        ),
        on=on,
    )


def test_a_change_splits_the_period_and_the_open_period_is_the_register_row() -> None:
    orgs = _tree()
    with freeze_time("2024-06-01 10:00"):
        m = _member(orgs["b0"], 1, date(2021, 3, 1))
        m.org = orgs["b1"]
        update_member(
            actor=None, member=m, on=date(2023, 5, 1), source=PeriodSource.TRANSFER_WITHIN
        )
    periods = list(MemberPeriod.objects.filter(member=m).order_by("valid_from"))
    assert [(p.valid_from, p.valid_to, p.org_id) for p in periods] == [
        (date(2021, 3, 1), date(2023, 5, 1), orgs["b0"].pk),
        (date(2023, 5, 1), None, orgs["b1"].pk),
    ]
    assert {k: getattr(periods[-1], k) for k in MemberPeriod.TRACKED} == member_snapshot(m)


def test_a_back_dated_correction_keeps_a_later_transfer() -> None:
    orgs = _tree()
    with freeze_time("2024-06-01 10:00"):
        m = _member(orgs["b0"], 1, date(2021, 3, 1))
        m.org = orgs["b1"]
        update_member(actor=None, member=m, on=date(2023, 5, 1))
        m.education = code("education", "14")
        update_member(actor=None, member=m, correction=True)
    rows = MemberPeriod.objects.filter(member=m).order_by("valid_from")
    assert [(p.org_id, p.education.code) for p in rows] == [
        (orgs["b0"].pk, "14"),
        (orgs["b1"].pk, "14"),
    ]
    assert rows[0].source == PeriodSource.CORRECTION


def test_future_and_out_of_order_dates_are_refused_and_write_nothing() -> None:
    orgs = _tree()
    with freeze_time("2024-06-01 10:00"):
        m = _member(orgs["b0"], 1, date(2021, 3, 1))
        change_member_status(
            actor=None, member=m, to_status=MemberStatus.SUSPENDED, on=date(2023, 1, 1), reason="x"
        )
        before = list(MemberPeriod.objects.filter(member=m).values())
        with pytest.raises(ValidationError, match="不能早于上一次党籍状态变更"):
            change_member_status(
                actor=None, member=m, to_status=MemberStatus.NORMAL, on=date(2022, 1, 1), reason="x"
            )
        with pytest.raises(ValidationError, match="不能晚于今天"):
            change_member_status(
                actor=None, member=m, to_status=MemberStatus.NORMAL, on=date(2024, 6, 2), reason="x"
            )
        m.org = orgs["b1"]
        with pytest.raises(ValidationError, match="生效日期"):
            update_member(actor=None, member=m, on=date(2025, 1, 1))
    assert list(MemberPeriod.objects.filter(member=m).values()) == before


def test_an_org_move_changes_the_subtree_from_its_day_only() -> None:
    orgs = _tree()
    with freeze_time("2022-01-10 10:00"):
        _member(orgs["b0"], 1, date(2021, 1, 1))
    with freeze_time("2023-07-01 10:00"):
        move_org(actor=None, org=orgs["b0"], new_parent=orgs["town1"])
    before, after = date(2023, 6, 30), date(2023, 7, 1)

    def count(town: str, on: date) -> int:
        sub = asof.subtree_on(orgs[town].pk, on)
        return (
            sum(
                asof.count_by(sub, F("member_type"))
                .get(MemberType.PROBATIONARY, {None: 0})
                .values()
            )
            // 2
        )

    assert (count("town0", before), count("town1", before)) == (1, 0)
    assert (count("town0", after), count("town1", after)) == (0, 1)
    assert OrgPeriod.objects.filter(org=orgs["b0"]).count() == 2


# --- the replay --------------------------------------------------------------------------------


@dataclass
class Replay:
    """The specification, kept apart from the period tables: per member and field a timeline of
    (from day, value); a change effective on D replaces the field's timeline from D on."""

    fields: dict[int, dict[str, list[tuple[date, object]]]] = field(default_factory=dict)
    parents: dict[int, list[tuple[date, int | None]]] = field(default_factory=dict)
    first_day: dict[int, date] = field(default_factory=dict)

    def set(self, member: int, name: str, value: object, on: date) -> None:
        line = self.fields.setdefault(member, {}).setdefault(name, [])
        line[:] = [(d, v) for d, v in line if d < on] + [(on, value)]

    def change(self, member: int, name: str, value: object, on: date) -> None:
        """An edit: only a field whose present value differs is changed (an unchanged form field
        records nothing, whatever date the form carries)."""
        if self.fields[member][name][-1][1] != value:
            self.set(member, name, value, on)

    def value(self, member: int, name: str, on: date) -> object:
        found = None
        for d, v in self.fields[member][name]:
            if d <= on:
                found = v
        return found

    def move(self, org: int, parent: int, on: date) -> None:
        line = self.parents[org]
        line[:] = [(d, p) for d, p in line if d < on] + [(on, parent)]

    def ancestors(self, org: int, on: date) -> set[int]:
        out = {org}
        while True:
            parent = None
            for d, p in self.parents[org]:
                if d <= on:
                    parent = p
            if parent is None:
                return out
            out.add(parent)
            org = parent

    def count(self, root: int, on: date) -> Counter:
        result: Counter = Counter()
        for member, first in self.first_day.items():
            if first > on or self.value(member, "status", on) != MemberStatus.NORMAL:
                continue
            if root in self.ancestors(int(self.value(member, "org", on)), on):  # type: ignore[arg-type]
                result[
                    (self.value(member, "member_type", on), self.value(member, "education", on))
                ] += 1
        return result


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["create", "create", "transfer", "education", "correct", "status", "convert", "move"]
        ),
        st.integers(0, 7),
        st.integers(0, 3),
        st.integers(0, 1500),
    ),
    min_size=1,
    max_size=22,
)
STATUS_TARGETS = [
    MemberStatus.SUSPENDED,
    MemberStatus.NORMAL,
    MemberStatus.LEFT,
    MemberStatus.TRANSFERRED_OUT,
]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_counts_on_any_day_equal_a_replay_of_the_history(
    ops: list[tuple[str, int, int, int]],
) -> None:
    with transaction.atomic():
        _replay_case(ops)
        transaction.set_rollback(True)


def _replay_case(ops: list[tuple[str, int, int, int]]) -> None:
    orgs = _tree()
    branches = [orgs[f"b{i}"] for i in range(4)]
    towns = [orgs["town0"], orgs["town1"]]
    spec = Replay()
    for o in orgs.values():
        spec.parents[o.pk] = [(date(2019, 12, 1), o.parent_id)]
    members: list[int] = []
    now = START
    educations = ["21", "14", "31"]
    for serial, (kind, a, b, offset) in enumerate(ops):
        day = START + timedelta(days=offset)
        now = max(now, day)
        with freeze_time(f"{now} 10:00"):
            if kind == "create" or not members:
                m = _member(branches[b], serial, day)
                members.append(m.pk)
                spec.first_day[m.pk] = day
                for name, value in (
                    ("org", branches[b].pk),
                    ("status", MemberStatus.NORMAL),
                    ("member_type", MemberType.PROBATIONARY),
                    ("education", "21"),
                ):
                    spec.set(m.pk, name, value, day)
                continue
            pk = members[a % len(members)]
            m = Member.objects.select_related("org", "gender").get(pk=pk)
            on = max(day, spec.first_day[pk])
            try:
                if kind == "transfer":
                    m.org = branches[b]
                    update_member(actor=None, member=m, on=day)
                    spec.change(pk, "org", branches[b].pk, on)
                elif kind in ("education", "correct"):
                    new = educations[b % 3]
                    m.education = code("education", new)
                    update_member(actor=None, member=m, on=day, correction=kind == "correct")
                    spec.change(
                        pk, "education", new, spec.first_day[pk] if kind == "correct" else on
                    )
                elif kind == "convert":
                    m.member_type = (
                        MemberType.FULL
                        if m.member_type == MemberType.PROBATIONARY
                        else MemberType.PROBATIONARY
                    )
                    update_member(actor=None, member=m, on=day)
                    spec.change(pk, "member_type", m.member_type, on)
                elif kind == "status":
                    target = STATUS_TARGETS[b]
                    with transaction.atomic():
                        change_member_status(
                            actor=None, member=m, to_status=target, on=day, reason="测试"
                        )
                    spec.set(pk, "status", target, on)
                elif kind == "move":
                    branch, town = branches[b], towns[a % 2]
                    if branch.parent_id != town.pk:
                        move_org(actor=None, org=branch, new_parent=town)
                        branch.refresh_from_db()
                        spec.move(branch.pk, town.pk, now)
            except ValidationError:
                pass  # refused (a transition the register does not allow): no trace expected
    for offset in range(0, (now - START).days + 2, 97):
        on = START + timedelta(days=offset)
        for root in (orgs["county"], *towns):
            sub = asof.subtree_on(root.pk, on)
            got: Counter = Counter()
            rows = (
                asof.members_on(on, sub)
                .values("org_id", "member_type", "education__code")
                .iterator()
            )
            for r in rows:
                if r["org_id"] in sub.orgs:
                    got[(r["member_type"], r["education__code"])] += 1
            assert got == spec.count(root.pk, on), (root.name, on)
    for pk in members:
        m = Member.objects.get(pk=pk)
        open_period = MemberPeriod.objects.get(member_id=pk, valid_to=None)
        assert {k: getattr(open_period, k) for k in MemberPeriod.TRACKED} == member_snapshot(m)
