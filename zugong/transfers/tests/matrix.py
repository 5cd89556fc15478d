"""The transfers app's part of the authorization matrix (collected by test_authorization_matrix)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import (
    ROLES,
    WRITERS,
    Entry,
    Objects,
    everyone,
    member,
    only,
    pk_of,
)
from zugong.conftest import make_member
from zugong.orgs.models import Organization
from zugong.transfers import services
from zugong.transfers.models import CaseStatus, QuitKind

# Pages with an action form: an empty POST re-shows the page with the refusal (200) to writers.
ACTS = {"post": True, "post_expect": only(WRITERS, yes=200)}
WRITE = {"post": True}

ENTRIES: dict[str, Entry] = {
    "transfers:queue": Entry(None, everyone(200)),
    "transfers:detail": Entry(pk_of("transfer"), everyone(200), **ACTS),
    "transfers:letter_docx": Entry(pk_of("transfer"), everyone(200)),
    "transfers:letter_pdf": Entry(pk_of("transfer"), everyone(200)),
    "transfers:member_history": Entry(member, everyone(200)),
    "transfers:apply_out": Entry(member, only(WRITERS), **WRITE),
    "transfers:apply_within": Entry(member, only(WRITERS), **WRITE),
    "transfers:register_in": Entry(None, only(WRITERS), **WRITE),
    "transfers:flows": Entry(None, everyone(200)),
    "transfers:flow_create_out": Entry(None, only(WRITERS), **WRITE),
    "transfers:flow_create_in": Entry(None, only(WRITERS), **WRITE),
    "transfers:flow_end": Entry(pk_of("transfer_flow"), only(WRITERS), **WRITE),
    "transfers:lost": Entry(None, everyone(200)),
    "transfers:lost_report": Entry(None, only(WRITERS), **WRITE),
    "transfers:lost_suspend": Entry(pk_of("transfer_lost"), only(WRITERS), **WRITE),
    "transfers:lost_restore": Entry(pk_of("transfer_lost"), only(WRITERS), **WRITE),
    "transfers:quit_list": Entry(None, everyone(200)),
    "transfers:quit_create": Entry(None, only(WRITERS), **WRITE),
    "transfers:quit_detail": Entry(pk_of("quit_case"), everyone(200), **ACTS),
}

ISSUERS = {"county_committee", "party_committee", "primary_party_committee"}


def issuer_of(org: Organization) -> Organization:
    """The nearest superior that may issue a 介绍信."""
    node = org
    while node.kind not in ISSUERS:
        assert node.parent is not None
        node = node.parent
    return node


def _objects(org: Organization, n: int) -> dict[str, int]:
    today = timezone.localdate()
    mover = make_member(org, f"转出{n}")
    t = services.apply_transfer_out(
        actor=None, member=mover, to_org_name="外县某党委", reason="工作调动", applied_on=today
    )
    while t.status == CaseStatus.PENDING:
        t = services.approve(actor=None, case=t)
    t = services.issue_letter(
        actor=None, transfer=t, issuer=issuer_of(org), issued_on=today, dues_paid_to=today
    )
    traveller = make_member(org, f"外出{n}")
    flow = services.register_outflow(
        actor=None,
        member=traveller,
        destination="浙江省杭州市",
        destination_org_name="",
        reason="务工",
        started_on=today - timedelta(days=30),
        expected_until=today + timedelta(days=60),
        settled=False,
        card_number=f"LD{n:04d}",
    )
    gone = make_member(org, f"失联{n}")
    lost = services.report_lost(
        actor=None,
        member=gone,
        lost_since=today - timedelta(days=40),
        reported_on=today,
        search_note="电话、走访均未联系上",
    )
    leaver = make_member(org, f"退党{n}")
    quit_case = services.apply_quit(
        actor=None,
        member=leaver,
        kind=QuitKind.WITHDRAW,
        decision_on=today,
        decision_note="本人提出退党，支部大会讨论后同意",
        reason="",
        applied_on=today,
    )
    return {
        "transfer": t.pk,
        "transfer_flow": flow.pk,
        "transfer_lost": lost.pk,
        "quit_case": quit_case.pk,
    }


def build(o: Objects, users: dict[str, User]) -> None:
    made: dict[int, dict[str, int]] = {}
    for role in ROLES:
        for inside, org_pk in ((True, o.org_in[role]), (False, o.org_out[role])):
            if org_pk not in made:
                made[org_pk] = _objects(Organization.objects.get(pk=org_pk), len(made))
            for kind, pk in made[org_pk].items():
                o.put(kind, role, inside, pk)
