"""The 民主评议党员 part of the authorization matrix: its URLs and the objects they need."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import (
    ROLES,
    WRITERS,
    Entry,
    Objects,
    everyone,
    only,
    pk_of,
)
from zugong.life import appraisal_services as services
from zugong.life.models import AppraisalEntry, Grade, HandlingMeasure
from zugong.orgs.models import Organization

ROUND, ENTRY, HANDLING = "appraisal_round", "appraisal_entry", "appraisal_handling"

ENTRIES: dict[str, Entry] = {
    "life:appraisal_list": Entry(None, everyone(200)),
    "life:appraisal_report": Entry(None, everyone(200)),
    "life:appraisal_create": Entry(None, only(WRITERS), post=True),
    "life:appraisal_detail": Entry(pk_of(ROUND), everyone(200)),
    # Empty POSTs are invalid forms (200) and change nothing, so the order below is free.
    "life:appraisal_edit": Entry(pk_of(ROUND), only(WRITERS), post=True),
    "life:appraisal_grade": Entry(pk_of(ROUND), only(WRITERS), post=True),
    "life:appraisal_close": Entry(pk_of(ROUND), only(WRITERS), post=True),
    # POST only; reopening an open round is refused with a message and a redirect.
    "life:appraisal_reopen": Entry(
        pk_of(ROUND), everyone(405), post=True, post_expect=only(WRITERS, yes=302)
    ),
    "life:appraisal_entry": Entry(
        pk_of(ENTRY), everyone(200), post=True, post_expect=only(WRITERS)
    ),
    "life:appraisal_handling_create": Entry(pk_of(ENTRY), only(WRITERS), post=True),
    "life:appraisal_handling_edit": Entry(pk_of(HANDLING), only(WRITERS), post=True),
}


def _round_with_unqualified(branch: Organization, member_id: int, today: date) -> tuple:
    """A round of last year in `branch`, `member_id` graded 不合格 with one handling."""
    year = today.year - 1
    appraisal = services.open_round(
        actor=None, org=branch, year=year, started_on=date(year, 12, 1), today=today
    )
    entry = AppraisalEntry.objects.get(round=appraisal, member_id=member_id)
    entry = services.update_entry(actor=None, entry=entry, grade=Grade.UNQUALIFIED)
    handling = services.add_handling(
        actor=None,
        entry=entry,
        today=today,
        measure=HandlingMeasure.EDUCATE,
        decided_on=date(year, 12, 20),
        decided_by="党支部大会",
        decision="批评教育",
    )
    return appraisal.pk, entry.pk, handling.pk


def build(o: Objects, users: dict[str, User]) -> None:
    today = timezone.localdate()
    made: dict[int, tuple] = {}

    def objects_for(org_id: int, member_id: int) -> tuple:
        if org_id not in made:
            made[org_id] = _round_with_unqualified(
                Organization.objects.get(pk=org_id), member_id, today
            )
        return made[org_id]

    for role in ROLES:
        for inside in (True, False):
            org_id = (o.org_in if inside else o.org_out)[role]
            member_id = (o.member_in if inside else o.member_out)[role]
            round_pk, entry_pk, handling_pk = objects_for(org_id, member_id)
            o.put(ROUND, role, inside, round_pk)
            o.put(ENTRY, role, inside, entry_pk)
            o.put(HANDLING, role, inside, handling_pk)
