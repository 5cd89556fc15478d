"""Fixtures and helpers shared by the growth, adjustment and statistics tests (no tests here).

Records are created directly with the models: the archive services belong to another part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from zugong.accounts.models import Role, User
from zugong.cadres.models import (
    Adjustment,
    AdjustmentSituation,
    AdjustmentWay,
    Assignment,
    AssignmentKind,
    Cadre,
    PostLevel,
    ReserveEntry,
    Unit,
)
from zugong.conftest import UnitTree, valid_id


def make_cadre(
    unit: Unit,
    name: str = "李青",
    birth: date = date(1994, 6, 15),
    *,
    male: bool = True,
    **kw: object,
) -> Cadre:
    fields: dict[str, object] = {
        "name": name,
        "gender": "男" if male else "女",
        "id_number": valid_id(birth, male),
        "birth_date": birth,
        "unit": unit,
        "work_started_on": date(2016, 7, 1),
    }
    fields.update(kw)
    return Cadre.objects.create(**fields)


def make_entry(
    cadre: Cadre, level: str = PostLevel.SECTION_DEPUTY, entered: date = date(2025, 1, 10)
) -> ReserveEntry:
    return ReserveEntry.objects.create(
        cadre=cadre, target_level=level, entered_on=entered, unit_path=cadre.unit_path
    )


def make_assignment(
    cadre: Cadre,
    started: date = date(2026, 1, 15),
    *,
    kind: str = AssignmentKind.RURAL_REVITALIZATION,
    place: str = "东村驻村第一书记",
    **kw: object,
) -> Assignment:
    return Assignment.objects.create(
        cadre=cadre, kind=kind, place=place, started_on=started, unit_path=cadre.unit_path, **kw
    )


def situation(number: int = 8) -> AdjustmentSituation:
    return AdjustmentSituation.objects.get(number=number)


def make_adjustment(cadre: Cadre, **kw: object) -> Adjustment:
    fields: dict[str, object] = {
        "situation": situation(),
        "way": AdjustmentWay.REASSIGN,
        "facts": "工作较长时间落后",
        "proposed_on": date(2025, 3, 1),
    }
    fields.update(kw)
    return Adjustment.objects.create(cadre=cadre, unit_path=cadre.unit_path, **fields)


@dataclass
class Growth:
    units: UnitTree
    officer: User
    leader: User
    young: Cadre  # 城关镇
    other_town: Cadre  # 河口镇
    elsewhere: Cadre  # 邻县, outside every test account's scope


@pytest.fixture
def growth(unit_tree: UnitTree, users: dict[str, User]) -> Growth:
    return Growth(
        units=unit_tree,
        officer=users[Role.CADRE_OFFICER],
        leader=users[Role.LEADER],
        young=make_cadre(unit_tree.town_a, "李青", current_level=PostLevel.SECTION_DEPUTY),
        other_town=make_cadre(unit_tree.town_b, "王河", date(1990, 2, 1)),
        elsewhere=make_cadre(unit_tree.other_county, "赵邻", date(1992, 2, 1)),
    )


@pytest.fixture
def officer_client(growth: Growth) -> Client:
    client = Client()
    client.force_login(growth.officer)
    return client


@pytest.fixture
def leader_client(growth: Growth) -> Client:
    client = Client()
    client.force_login(growth.leader)
    return client
