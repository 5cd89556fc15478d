"""Demo 组织关系转接 data for the county already in the database, written through the services.

Transfers in every state (applied, returned, approved, letter issued awaiting the receipt — one
of them overdue —, completed within and out of the county, incoming registered and accepted), a
few 流动党员 both ways, 失联党员 (one lost for more than 6 months) and one 出党 case. A second run
adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction

from zugong.core.ids import id_check_char
from zugong.core.models import CodeItem
from zugong.members.models import Member, MemberStatus, MemberType
from zugong.orgs.models import PATH_STEP, Organization, OrgKind, OrgStatus
from zugong.transfers import services as S
from zugong.transfers.models import FlowRecord, QuitKind, Transfer

ISSUER_KINDS = (OrgKind.COUNTY_COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.PRIMARY_PARTY_COMMITTEE)
PLACES = ["浙江省杭州市", "广东省深圳市", "江苏省苏州市", "上海市浦东新区", "福建省厦门市"]


def _issuer(org: Organization) -> Organization:
    """The nearest superior that may issue a 介绍信 (the deepest issuer on the path)."""
    prefixes = [org.path[:i] for i in range(PATH_STEP, len(org.path) + 1, PATH_STEP)]
    issuer = (
        Organization.objects.filter(path__in=prefixes, kind__in=ISSUER_KINDS)
        .order_by("-path")
        .first()
    )
    assert issuer is not None
    return issuer


def _id_number(rng: random.Random, birth: date) -> str:
    first17 = f"36012{rng.randint(1, 9)}{birth:%Y%m%d}{rng.randint(100, 999)}"
    return first17 + id_check_char(first17)


class _Picker:
    """Members in good standing, drawn at random, each used once; those with arrears are kept
    for the cases that do not leave the county."""

    def __init__(self, rng: random.Random, county: Organization, today: date) -> None:
        self.rng, self.today = rng, today
        ids = list(
            Member.objects.filter(
                org_path__startswith=county.path,
                status=MemberStatus.NORMAL,
                member_type=MemberType.FULL,
                joined_on__lt=today - relativedelta(years=2),
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:5000]
        )
        rng.shuffle(ids)
        self.ids: Iterator[int] = iter(ids)

    def any(self) -> Member | None:
        pk = next(self.ids, None)
        return Member.objects.select_related("org").get(pk=pk) if pk else None

    def paid_up(self) -> Member | None:
        for _ in range(40):
            m = self.any()
            if m is None:
                return None
            total, _ = S.member_arrears_total(None, m, self.today)
            if total == 0:
                return m
        return None


@transaction.atomic
def seed_transfers(*, today: date, seed: int = 2026) -> int:
    """Write the demo cases; returns the number of records written (0 when already seeded)."""
    if Transfer.objects.exists() or FlowRecord.objects.exists():
        return 0
    county = (
        Organization.objects.filter(parent=None, kind=OrgKind.COUNTY_COMMITTEE)
        .order_by("path")
        .first()
    )
    if county is None:
        return 0
    rng = random.Random(seed)
    branches = list(
        Organization.objects.filter(
            path__startswith=county.path, kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
        ).order_by("path")
    )
    if len(branches) < 2:
        return 0
    pick = _Picker(rng, county, today)
    written = 0

    def other_branch(m: Member) -> Organization:
        return rng.choice([b for b in branches if b.pk != m.org_id])

    def within(m: Member, applied_on: date) -> Transfer:
        return S.apply_transfer_within(
            actor=None,
            member=m,
            to_org=other_branch(m),
            reason=rng.choice(["工作调动", "居住地变更", "单位合并"]),
            applied_on=applied_on,
        )

    def out(m: Member, applied_on: date) -> Transfer:
        return S.apply_transfer_out(
            actor=None,
            member=m,
            to_org_name=rng.choice(["中共杭州市西湖区委组织部", "中共深圳市南山区委组织部"]),
            reason=rng.choice(["随配偶迁居", "考取外地公务员", "工作调动"]),
            applied_on=applied_on,
        )

    def approve_all(t: Transfer) -> Transfer:
        while t.current_level is not None:
            t = S.approve(actor=None, case=t, remark="同意")
        return t

    def letter(t: Transfer, issued_on: date) -> Transfer:
        return S.issue_letter(
            actor=None,
            transfer=approve_all(t),
            issuer=_issuer(t.from_org),  # type: ignore[arg-type]
            issued_on=issued_on,
            dues_paid_to=issued_on,
        )

    # Applied and waiting at the first level; one half-way up the chain.
    for days in (3, 12):
        m = pick.any()
        if m is not None:
            t = within(m, today - timedelta(days=days))
            if days == 12:
                S.approve(actor=None, case=t, remark="同意")
            written += 1
    # Returned to the applicant with a reason.
    m = pick.any()
    if m is not None:
        t = S.approve(actor=None, case=within(m, today - timedelta(days=20)), remark="同意")
        S.return_case(actor=None, case=t, to_step=None, reason="转接原因与调动文件不符，请补正")
        written += 1
    # Approved, awaiting the letter.
    m = pick.paid_up()
    if m is not None:
        approve_all(out(m, today - timedelta(days=15)))
        written += 1
    # Letters issued, awaiting the receipt: one in time, one overdue (a finding).
    m = pick.paid_up()
    if m is not None:
        letter(out(m, today - timedelta(days=30)), today - timedelta(days=25))
        written += 1
    m = pick.paid_up()
    if m is not None:
        issued = today - relativedelta(months=4)
        letter(out(m, issued - timedelta(days=7)), issued)
        written += 1
    m = pick.any()
    if m is not None:
        letter(within(m, today - timedelta(days=10)), today - timedelta(days=6))
        written += 1
    # Completed: within the county (received) and out of it (receipt back).
    m = pick.any()
    if m is not None:
        t = letter(within(m, today - timedelta(days=90)), today - timedelta(days=80))
        S.receive_within(actor=None, transfer=t, received_on=today - timedelta(days=70))
        written += 1
    m = pick.paid_up()
    if m is not None:
        t = letter(out(m, today - timedelta(days=120)), today - timedelta(days=110))
        S.record_receipt(
            actor=None,
            transfer=t,
            receipt_on=today - timedelta(days=95),
            receipt_org_name=t.to_org_name,
            received_on=today - timedelta(days=100),
        )
        written += 1
    # A withdrawn application.
    m = pick.any()
    if m is not None:
        S.withdraw(actor=None, case=within(m, today - timedelta(days=40)), reason="本人暂不调动")
        written += 1
    # Into the county: one registered awaiting the member, one accepted.
    genders = list(CodeItem.objects.filter(table__code="gender").order_by("code"))
    for i, (name, accept) in enumerate((("林晓峰", False), ("陈雨桐", True))):
        issued = today - timedelta(days=20 + 30 * i)
        birth = date(1988 + i, 3 + i, 12)
        branch = rng.choice(branches)
        t = S.register_transfer_in(
            actor=None,
            person=S.IncomingPerson(
                name=name,
                gender=genders[i % len(genders)] if genders else None,
                id_number=_id_number(rng, birth),
                birth_date=birth,
                member_type=MemberType.FULL,
                joined_on=date(2012 + i, 7, 1),
                confirmed_on=date(2013 + i, 7, 1),
            ),
            from_org_name=rng.choice(["中共南昌市青山湖区委组织部", "中共赣州市章贡区委组织部"]),
            letter_number=f"{issued.year}-{rng.randint(100, 999)}",
            issued_on=issued,
            valid_until=issued + relativedelta(months=3),
            dues_paid_to=issued,
            to_org=branch,
            registered_on=issued + timedelta(days=3),
            reason="工作调入",
        )
        if accept:
            S.accept_transfer_in(
                actor=None,
                transfer=t,
                received_on=issued + timedelta(days=5),
                receipt_on=issued + timedelta(days=6),
            )
        written += 1
    # 流动党员: three going out with an activity card, one returned; one coming in.
    for i in range(3):
        m = pick.any()
        if m is None:
            break
        started = today - timedelta(days=60 + 45 * i)
        record = S.register_outflow(
            actor=None,
            member=m,
            destination=rng.choice(PLACES),
            destination_org_name="",
            reason=rng.choice(["务工", "经商", "陪读"]),
            started_on=started,
            expected_until=started + relativedelta(months=4),
            settled=False,
            card_number=f"LD{today.year}{i + 1:03d}",
        )
        if i == 2:
            S.end_flow(actor=None, record=record, ended_on=today - timedelta(days=5), note="已返乡")
        written += 1
    birth = date(1979, 9, 9)
    S.register_inflow(
        actor=None,
        host_org=rng.choice(branches),
        person_name="黄建国",
        person_id_number=_id_number(rng, birth),
        origin="江西省吉安市",
        origin_org_name="某村党支部",
        reason="务工",
        started_on=today - timedelta(days=50),
        expected_until=today + timedelta(days=60),
        settled=False,
        card_number=f"LR{today.year}001",
    )
    written += 1
    # 失联党员: one lost for more than 6 months (a finding), one lately.
    for months, days in ((8, 0), (0, 45)):
        m = pick.any()
        if m is None:
            break
        lost_since = today - relativedelta(months=months) - timedelta(days=days)
        S.report_lost(
            actor=None,
            member=m,
            lost_since=lost_since,
            reported_on=lost_since + timedelta(days=30) if months else today,
            search_note="多次电话联系未接通，走访原工作单位和居住地均未找到本人",
        )
        written += 1
    # 出党: one 劝退 decided by the branch meeting, approved by the branch, waiting above.
    m = pick.any()
    if m is not None:
        case = S.apply_quit(
            actor=None,
            member=m,
            kind=QuitKind.PERSUADED,
            decision_on=today - timedelta(days=10),
            decision_note="该同志连续6个月不参加组织生活，经教育仍无转变，支部大会讨论决定劝其退党",
            reason="不履行党员义务",
            applied_on=today - timedelta(days=8),
        )
        S.approve(actor=None, case=case, remark="同意，报党（工）委审批")
        written += 1
    return written
