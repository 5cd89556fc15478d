"""The dues app's part of the authorization matrix (collected by test_authorization_matrix.py)."""

from __future__ import annotations

from decimal import Decimal

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
    org,
    pk_of,
)
from zugong.dues.models import DuesCategory, DuesPayment
from zugong.dues.services import PaymentInput, StandardInput, record_payments, set_standard
from zugong.members.models import Member

# Read pages with a form: everyone reads; an empty POST re-shows the form (200) to writers.
READ_WITH_FORM = {"post": True, "post_expect": only(WRITERS, yes=200)}

ENTRIES: dict[str, Entry] = {
    "dues:home": Entry(None, everyone(200)),
    "dues:payments": Entry(None, everyone(200)),
    "dues:report": Entry(org, everyone(200)),
    "dues:branch_month": Entry(org, everyone(200), **READ_WITH_FORM),
    "dues:standards": Entry(org, everyone(200), **READ_WITH_FORM),
    "dues:branch_setting": Entry(org, only(WRITERS), post=True),
    "dues:member_ledger": Entry(member, everyone(200)),
    "dues:standard_edit": Entry(member, only(WRITERS), post=True),
    "dues:payment_edit": Entry(pk_of("dues_payment"), only(WRITERS), post=True),
    "dues:payment_void": Entry(pk_of("dues_payment"), only(WRITERS), post=True),
}


def _paid(member_pk: int, cache: dict[int, int]) -> int:
    """A standard for this year and this month's payment of the member; the payment's pk."""
    if member_pk not in cache:
        today = timezone.localdate()
        m = Member.objects.select_related("org").get(pk=member_pk)
        set_standard(
            actor=None,
            member=m,
            year=today.year,
            data=StandardInput(category=DuesCategory.SALARIED, income_base=Decimal("4000")),
        )
        (payment,) = record_payments(
            actor=None,
            org=m.org,
            year=today.year,
            months=[today.month],
            paid_on=today,
            entries=[PaymentInput(member=m)],
        )
        cache[member_pk] = payment.pk
    return cache[member_pk]


def build(o: Objects, users: dict[str, User]) -> None:
    cache: dict[int, int] = {}
    for role in ROLES:
        o.put("dues_payment", role, True, _paid(o.member_in[role], cache))
        o.put("dues_payment", role, False, _paid(o.member_out[role], cache))
    assert DuesPayment.objects.count() == len(cache)
