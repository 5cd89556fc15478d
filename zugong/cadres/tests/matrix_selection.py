"""The 选拔任用纪实 part of the authorization matrix: readers (units anchored) see cases and
notices in their units, the 干部科 and the system administrator write; out of scope is a 404 for
readers and a 403 for accounts without a unit anchor."""

from __future__ import annotations

from datetime import date

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, pk_of
from zugong.cadres import selection_services as services
from zugong.cadres.models import Cadre, PostLevel, PublicNotice, SelectionMode, Unit
from zugong.cadres.tests.matrix_base import out_expect, read_expect, write_expect
from zugong.cadres.unit_services import create_post

case = pk_of("selection_case")
notice = pk_of("selection_notice")


def case_at_current_step(role: str, o: Objects, inside: bool) -> dict:
    # Every matrix case waits at 动议, so its step form answers.
    return {"pk": o.extra["selection_case"][(role, inside)], "step": "motion"}


def _read(kwargs) -> Entry:  # noqa: ANN001
    return Entry(kwargs, read_expect(), out_of_scope=out_expect())


def _write(kwargs) -> Entry:  # noqa: ANN001
    return Entry(kwargs, write_expect(), out_of_scope=out_expect(), post=True)


ENTRIES: dict[str, Entry] = {
    "cadres:selection_list": Entry(None, read_expect()),
    "cadres:selection_rules": Entry(None, read_expect()),
    "cadres:notice_list": Entry(None, read_expect()),
    "cadres:selection_create": Entry(None, write_expect(), post=True),
    "cadres:selection_detail": _read(case),
    "cadres:selection_record_docx": _read(case),
    "cadres:selection_record_pdf": _read(case),
    "cadres:notice_docx": _read(notice),
    "cadres:notice_pdf": _read(notice),
    # An empty POST re-shows the form with its errors for writers.
    "cadres:selection_step": _write(case_at_current_step),
    "cadres:selection_candidate_add": _write(case),
    "cadres:selection_pause": _write(case),
    "cadres:selection_resume": _write(case),
    "cadres:selection_end": _write(case),
}


def build(o: Objects, users: dict[str, User]) -> None:
    made: dict[int, tuple[int, int]] = {}
    for role in ROLES:
        for inside in (True, False):
            cadre = Cadre.objects.get(pk=o.extra["cadre"][(role, inside)])
            unit = Unit.objects.get(pk=cadre.unit_id)
            if unit.pk not in made:
                post = create_post(
                    actor=None, unit=unit, title="副职", level=PostLevel.SECTION_DEPUTY
                )
                c = services.open_case(
                    actor=None,
                    post=post,
                    mode=SelectionMode.PROMOTION,
                    opened_on=date(2025, 6, 2),
                    reason="岗位空缺",
                )
                n = PublicNotice.objects.create(
                    case=c,
                    cadre=cadre,
                    public_text=f"{cadre.name}，拟任{post}。",
                    starts_on=date(2025, 9, 29),
                    ends_on=date(2025, 10, 11),
                    working_days=5,
                    unit_path=c.unit_path,
                )
                made[unit.pk] = (c.pk, n.pk)
            o.put("selection_case", role, inside, made[unit.pk][0])
            o.put("selection_notice", role, inside, made[unit.pk][1])
