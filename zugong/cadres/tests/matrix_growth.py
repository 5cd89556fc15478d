"""Authorization matrix entries of the growth archive, 能上能下 and statistics pages.

build() gives every role a reserve entry, an assignment and an adjustment of the cadre inside its
unit scope and of the one just outside (the cadres matrix_base registered).
"""

from __future__ import annotations

from datetime import date

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, pk_of
from zugong.cadres.models import (
    Adjustment,
    AdjustmentSituation,
    AdjustmentWay,
    Assignment,
    AssignmentKind,
    Cadre,
    PostLevel,
    ReserveEntry,
)
from zugong.cadres.tests.matrix_base import out_expect, read_expect, write_expect

cadre = pk_of("cadre")

ENTRIES: dict[str, Entry] = {
    # the reserve pool
    "cadres:reserve_list": Entry(None, read_expect()),
    "cadres:reserve_add": Entry(None, write_expect(), post=True),
    "cadres:reserve_leave": Entry(
        pk_of("reserve"), write_expect(), out_of_scope=out_expect(), post=True
    ),
    # front-line assignments
    "cadres:assignment_list": Entry(None, read_expect()),
    "cadres:assignment_create": Entry(None, write_expect(), post=True),
    "cadres:assignment_detail": Entry(pk_of("assignment"), read_expect(), out_expect()),
    "cadres:assignment_end": Entry(
        pk_of("assignment"), write_expect(), out_of_scope=out_expect(), post=True
    ),
    "cadres:tracking_note_add": Entry(
        pk_of("assignment"), write_expect(), out_of_scope=out_expect(), post=True
    ),
    "cadres:evaluation_add": Entry(cadre, write_expect(), out_of_scope=out_expect(), post=True),
    "cadres:cadre_timeline": Entry(cadre, read_expect(), out_expect()),
    # 能上能下
    "cadres:adjustment_list": Entry(None, read_expect()),
    "cadres:adjustment_create": Entry(None, write_expect(), post=True),
    "cadres:adjustment_detail": Entry(pk_of("adjustment"), read_expect(), out_expect()),
    "cadres:adjustment_edit": Entry(
        pk_of("adjustment"), write_expect(), out_of_scope=out_expect(), post=True
    ),
    "cadres:incentive_list": Entry(None, read_expect()),
    "cadres:incentive_create": Entry(None, write_expect(), post=True),
    # statistics
    "cadres:stats": Entry(None, read_expect()),
    "cadres:stats_export": Entry(None, read_expect()),
}


def _records(c: Cadre) -> tuple[int, int, int]:
    entry = ReserveEntry.objects.create(
        cadre=c,
        target_level=PostLevel.SECTION_DEPUTY,
        entered_on=date(2024, 1, 1),
        unit_path=c.unit_path,
    )
    assignment = Assignment.objects.create(
        cadre=c,
        kind=AssignmentKind.RURAL_REVITALIZATION,
        place="某村第一书记",
        started_on=date(2024, 1, 1),
        unit_path=c.unit_path,
    )
    adjustment = Adjustment.objects.create(
        cadre=c,
        situation=AdjustmentSituation.objects.order_by("number").first(),
        way=AdjustmentWay.REASSIGN,
        facts="工作较长时间落后",
        proposed_on=date(2024, 3, 1),
        unit_path=c.unit_path,
    )
    return entry.pk, assignment.pk, adjustment.pk


def build(o: Objects, users: dict[str, User]) -> None:
    made: dict[int, tuple[int, int, int]] = {}
    for role in ROLES:
        for inside in (True, False):
            cadre_pk = o.extra["cadre"][(role, inside)]
            if cadre_pk not in made:
                made[cadre_pk] = _records(Cadre.objects.get(pk=cadre_pk))
            reserve_pk, assignment_pk, adjustment_pk = made[cadre_pk]
            o.put("reserve", role, inside, reserve_pk)
            o.put("assignment", role, inside, assignment_pk)
            o.put("adjustment", role, inside, adjustment_pk)
