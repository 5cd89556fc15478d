"""Objects every cadre-side matrix module builds on: per role, a unit and a cadre inside its unit
scope and one just outside. Roles without a unit anchor get the county's (they must see 403).

Listed first among the cadre modules in APP_MATRICES, so its build() runs before theirs.
"""

from __future__ import annotations

from datetime import date

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import (
    CADRE_READERS,
    CADRE_WRITERS,
    ROLES,
    Entry,
    Objects,
    only,
)
from zugong.cadres.models import Cadre, Unit
from zugong.conftest import valid_id

ENTRIES: dict[str, Entry] = {}


def read_expect(yes: int = 200):  # noqa: ANN201 - an expectation callable
    return only(CADRE_READERS, yes=yes)


def write_expect(yes: int = 200):  # noqa: ANN201
    return only(CADRE_WRITERS, yes=yes)


def out_expect():  # noqa: ANN201
    """Outside the unit scope: 404 for readers (the record 'does not exist'), 403 for the rest."""
    return only(CADRE_READERS, yes=404)


def make_cadre(unit: Unit, name: str, birth: date = date(1985, 3, 1)) -> Cadre:
    return Cadre.objects.create(
        name=name,
        gender="男",
        id_number=valid_id(birth),
        birth_date=birth,
        unit=unit,
        work_started_on=date(2007, 7, 1),
    )


def build(o: Objects, users: dict[str, User]) -> None:
    county = Unit.objects.get(name="示范县")
    town_a = Unit.objects.get(name="城关镇")
    town_b = Unit.objects.get(name="河口镇")
    other = Unit.objects.get(name="邻县")
    inside_cadre = make_cadre(town_a, "干部甲")
    made = {town_a.pk: inside_cadre, town_b.pk: make_cadre(town_b, "干部乙")}
    made[other.pk] = make_cadre(other, "干部丙")
    for role in ROLES:
        anchor = users[role].anchor_unit
        # The county-anchored see town_a inside and the other county outside; a township
        # anchor (the leader at 城关镇) has 河口镇 just outside.
        outside = other if anchor is None or anchor.pk == county.pk else town_b
        o.put("unit", role, True, town_a.pk)
        o.put("unit", role, False, outside.pk)
        o.put("cadre", role, True, inside_cadre.pk)
        o.put("cadre", role, False, made[outside.pk].pk)
