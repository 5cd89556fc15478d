"""The demo's service packages and special fund, on the talents and policy items that
seed_talents made: a funded year (a budget per money item) with allocations and disbursements in
every state, and service requests in every state, some of them overdue.

Everything goes through the services (the 人才办 account applies and handles; the 组织部 account
approves), so the stored balances and the event logs are exactly what the pages would have made.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from zugong.accounts.models import Role, User
from zugong.talents import fund_services, package_services
from zugong.talents.models import (
    FundBudget,
    Grant,
    PolicyItem,
    RequestSource,
    ServiceKind,
    ServiceRequest,
    Talent,
)

SERVICE_TEXTS = {
    ServiceKind.MEDICAL: ["年度健康体检绿色通道", "家属就医预约专家门诊", "慢病用药协调"],
    ServiceKind.LIVING: ["申请人才生活补贴发放", "补贴银行账户变更", "补贴发放进度查询"],
    ServiceKind.HOUSING: ["申请人才公寓一套", "购房补贴资格确认", "租房补贴续期"],
    ServiceKind.SCHOOLING: ["子女就近入读县实验小学", "子女转学至县第一中学", "子女入园协调"],
    ServiceKind.OTHER: ["配偶就业岗位推荐", "户籍迁入协调", "职称评审政策咨询"],
}
ITEM_WORDS = {
    ServiceKind.MEDICAL: "医疗",
    ServiceKind.LIVING: "生活",
    ServiceKind.HOUSING: "住房",
    ServiceKind.SCHOOLING: "子女",
}
REQUESTS = 48
ALLOCATIONS_PER_ITEM = 12


def _accounts() -> tuple[User | None, User | None]:
    office = User.objects.filter(role=Role.TALENT_OFFICE, is_active=True).order_by("id").first()
    approver = (
        User.objects.filter(role=Role.DEPARTMENT_ADMIN, is_active=True).order_by("id").first()
        or User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("id").first()
    )
    return office, approver


def seed_talent_services(*, today: date, seed: int = 20260701) -> int:
    """Returns how many records it made; 0 when there are no talents or items, or it already ran."""
    if ServiceRequest.objects.exists() or FundBudget.objects.exists():
        return 0
    office, approver = _accounts()
    if office is None or office.anchor_org is None:
        return 0
    talents = list(
        Talent.objects.filter(org_path__startswith=office.anchor_org.path)
        .exclude(status="left")
        .order_by("id")
    )
    items = list(PolicyItem.objects.select_related("policy").order_by("id"))
    if not talents or not items:
        return 0
    rng = random.Random(seed)
    made = _seed_requests(rng, today, office, talents, items)
    if approver is not None and approver.pk != office.pk:
        made += _seed_fund(rng, today, office, approver, talents, items)
    package_services.refresh_all(today)
    return made


# --- service requests ------------------------------------------------------------------------


def _item_for(kind: str, items: list[PolicyItem]) -> PolicyItem | None:
    word = ITEM_WORDS.get(kind)
    return next((i for i in items if word and word in i.name), None)


# Each plan: (final state, age in days of the application, overdue?).
PLANS = [
    ("submitted", 0, False),
    ("submitted", 25, True),
    ("accepted", 2, False),
    ("accepted", 30, True),
    ("handling", 5, False),
    ("handling", 90, True),
    ("done", 40, False),
    ("done", 20, False),
    ("returned", 15, False),
]


def _seed_requests(
    rng: random.Random, today: date, office: User, talents: list[Talent], items: list[PolicyItem]
) -> int:
    made = 0
    kinds = list(ServiceKind.values)
    high = [t for t in talents if t.category == "high_level"] or talents
    for n in range(REQUESTS):
        state, age, overdue = PLANS[n % len(PLANS)]
        talent = rng.choice(high)
        kind = kinds[n % len(kinds)]
        employer = n % 2 == 1 and bool(talent.employer)
        submitted = today - timedelta(days=age + rng.randint(0, 3) * (1 if age else 0))
        r = package_services.create_request(
            actor=office,
            talent=talent,
            kind=kind,
            item=_item_for(kind, items),
            content=rng.choice(SERVICE_TEXTS[ServiceKind(kind)]),
            source=RequestSource.EMPLOYER if employer else RequestSource.OFFICE,
            requester_name=talent.employer if employer else "",
            requester_contact=f"人事科 0571-8{rng.randint(1000000, 9999999)}" if employer else "",
            submitted_on=submitted,
        )
        made += 1
        if state == "submitted":
            continue
        if state == "returned":
            package_services.return_request(
                actor=office,
                request=r,
                on=min(today, submitted + timedelta(days=1)),
                reason="不符合政策享受条件（在县工作年限不足）",
            )
            continue
        # An overdue request lingers in its step; one on time moved along promptly.
        step = 1 if not overdue else max(1, age // 3)
        on = min(today, submitted + timedelta(days=step))
        r = package_services.assign(actor=office, request=r, assignee=office, on=submitted)
        r = package_services.accept(actor=office, request=r, on=on)
        if state == "accepted":
            continue
        on = min(today, on + timedelta(days=1 if not overdue else step))
        r = package_services.start_handling(actor=office, request=r, on=on)
        if state == "handling":
            continue
        on = min(today, on + timedelta(days=rng.randint(3, 10)))
        r = package_services.finish(actor=office, request=r, on=on, result="已按政策办理完毕")
        if n % 4 != 2:
            package_services.record_feedback(
                actor=office,
                request=r,
                satisfaction=rng.choice([5, 5, 5, 4, 4, 3]),
                feedback=rng.choice(["服务及时", "很满意", "流程还可以更快", ""]),
                on=min(today, on + timedelta(days=2)),
            )
    return made


# --- the fund ---------------------------------------------------------------------------------


def _seed_fund(
    rng: random.Random,
    today: date,
    office: User,
    approver: User,
    talents: list[Talent],
    items: list[PolicyItem],
) -> int:
    made = 0
    year = today.year
    set_on = min(today, date(year, 1, 5))
    money_items = [i for i in items if i.kind == "money" and i.amount > 0] or items[:1]
    states = ["paid", "approved", "applied", "refused", "paid", "cancelled"]
    for item in money_items:
        base = item.amount if item.amount > 0 else Decimal("10000")
        per_talent = (base * 12 if item.period_months else base).quantize(Decimal("1"))
        budget = fund_services.create_budget(
            actor=office,
            year=year,
            item=item,
            amount=per_talent * ALLOCATIONS_PER_ITEM + per_talent * 3,
            set_on=set_on,
            note="县委常委会审定",
        )
        made += 1
        grants = list(
            Grant.objects.filter(item=item).select_related("talent")[:ALLOCATIONS_PER_ITEM]
        )
        picks = [(g.talent, g) for g in grants]
        pool = [t for t in talents if t.pk not in {g.talent_id for g in grants}]
        rng.shuffle(pool)
        picks += [(t, None) for t in pool[: ALLOCATIONS_PER_ITEM - len(picks)]]
        for k, (talent, grant) in enumerate(picks):
            amount = per_talent
            if grant is not None and grant.amount and grant.amount < amount:
                amount = grant.amount
            allocated_on = set_on + timedelta(days=10 + k)
            if grant is not None:
                allocated_on = max(allocated_on, grant.granted_on)
            allocation = fund_services.allocate(
                actor=office,
                budget=budget,
                talent=talent,
                amount=amount,
                allocated_on=min(today, allocated_on),
                grant=grant,
            )
            made += 1
            parts = 3
            for j in range(parts):
                state = states[(k + j) % len(states)]
                applied_on = min(
                    today,
                    max(allocation.allocated_on, set_on + timedelta(days=20 + 30 * j + k))
                    + timedelta(days=7 * j),
                )
                d = fund_services.apply(
                    actor=office,
                    allocation=allocation,
                    amount=(amount / parts).quantize(Decimal("0.01"), rounding=ROUND_DOWN),
                    purpose=f"{item.name}第{j + 1}期",
                    applied_on=applied_on,
                )
                made += 1
                decided = min(today, applied_on + timedelta(days=3))
                if state in ("paid", "approved", "cancelled"):
                    d = fund_services.approve(actor=approver, disbursement=d, on=decided)
                    if state == "cancelled":
                        fund_services.cancel(
                            actor=approver,
                            disbursement=d,
                            on=min(today, decided + timedelta(days=7)),
                            reason="人才项目延期，本期暂不拨付",
                        )
                    elif state == "paid":
                        fund_services.pay(
                            actor=office,
                            disbursement=d,
                            on=min(today, decided + timedelta(days=5)),
                            voucher=f"RC{year}-{d.pk:05d}",
                        )
                elif state == "refused":
                    fund_services.refuse(
                        actor=approver,
                        disbursement=d,
                        on=decided,
                        reason="佐证材料不全，请补充后重新申请",
                    )
    return made
