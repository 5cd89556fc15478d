"""Every read of the dues ledger, filtered by the acting account's scope first.

Reports read DuesTally (one row per branch, year and month) with a GROUP BY on a path prefix:
no join to members, so a city subtree costs O(branches).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from zugong.accounts.models import User
from zugong.dues.models import ZERO, DuesBranchSetting, DuesPayment, DuesStandard, DuesTally
from zugong.dues.rules import last_complete_month, month_index
from zugong.members.models import Member, MemberStatus
from zugong.members.selectors import search_q
from zugong.orgs.models import PATH_STEP, Organization, OrgKind, OrgStatus
from zugong.orgs.selectors import visible_orgs


def _in_scope(user: User, path: str) -> bool:
    return user.scope.contains(path)


def get_org(user: User, pk: int) -> Organization:
    org = visible_orgs(user).filter(pk=pk).first()
    if org is None:
        raise Http404("组织不存在或不在管理范围内")
    return org


def get_branch(user: User, pk: int) -> Organization:
    """A branch in scope; anything else (another kind, out of scope, missing) is a 404."""
    org = visible_orgs(user).filter(pk=pk, kind=OrgKind.BRANCH).first()
    if org is None:
        raise Http404("党支部不存在或不在管理范围内")
    return org


def get_payment(user: User, pk: int) -> DuesPayment:
    scope = user.scope.path
    payment = (
        DuesPayment.objects.select_related("member", "org", "recorded_by")
        .filter(pk=pk, org_path__startswith=scope if scope else "\x00")
        .first()
    )
    if payment is None or not scope:
        raise Http404("交纳记录不存在或不在管理范围内")
    return payment


def branch_setting(org: Organization) -> DuesBranchSetting | None:
    return DuesBranchSetting.objects.filter(org=org).first()


# --- a branch's roster for one month -------------------------------------------------------------

STATE_LABELS = {
    "paid": "已交",
    "unpaid": "未交",
    "not_due": "不需交纳",
    "no_standard": "未核定标准",
}


@dataclass
class RosterRow:
    member: Member
    standard: DuesStandard | None
    payment: DuesPayment | None
    month: int

    @property
    def state(self) -> str:
        if self.payment is not None:
            return "paid"
        if self.standard is None:
            return "no_standard"
        return "unpaid" if self.standard.is_due(self.month) else "not_due"

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def branch_members(org: Organization, year: int) -> QuerySet[Member]:
    """Members in good standing of the branch, and anyone whose standard of the year lies here."""
    return (
        Member.objects.filter(
            Q(org=org, status=MemberStatus.NORMAL)
            | Q(dues_standards__year=year, dues_standards__org_path=org.path)
        )
        .distinct()
        .only(
            "id", "name", "name_pinyin", "org_id", "org_path", "status", "joined_on", "member_type"
        )
        .order_by("name_pinyin", "id")
    )


def branch_roster(
    user: User, org: Organization, year: int, month: int, *, q: str = "", state: str = ""
) -> list[RosterRow]:
    """Every member of the branch with the year's standard and the month's payment: 3 queries."""
    if not _in_scope(user, org.path):
        raise Http404("党支部不存在或不在管理范围内")
    members = branch_members(org, year)
    if q:
        members = members.filter(search_q(q))
    members = list(members)
    ids = [m.pk for m in members]
    standards = {s.member_id: s for s in DuesStandard.objects.filter(year=year, member_id__in=ids)}
    payments = {
        p.member_id: p
        for p in DuesPayment.objects.filter(
            year=year, month=month, member_id__in=ids, is_voided=False
        )
    }
    rows = []
    for m in members:
        row = RosterRow(m, standards.get(m.pk), payments.get(m.pk), month)
        if not state or row.state == state:
            rows.append(row)
    return rows


def branch_standards(
    user: User, org: Organization, year: int, *, q: str = "", category: str = ""
) -> list[tuple[Member, DuesStandard | None, DuesStandard | None]]:
    """(member, this year's standard, last year's standard) for every member of the branch."""
    if not _in_scope(user, org.path):
        raise Http404("党支部不存在或不在管理范围内")
    members = branch_members(org, year)
    if q:
        members = members.filter(search_q(q))
    members = list(members)
    ids = [m.pk for m in members]
    by_year: dict[int, dict[int, DuesStandard]] = defaultdict(dict)
    for s in DuesStandard.objects.filter(year__in=[year, year - 1], member_id__in=ids):
        by_year[s.year][s.member_id] = s
    rows = [(m, by_year[year].get(m.pk), by_year[year - 1].get(m.pk)) for m in members]
    if category == "none":
        rows = [r for r in rows if r[1] is None]
    elif category:
        rows = [r for r in rows if r[1] is not None and r[1].category == category]
    return rows


# --- one member ------------------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: int
    due_amount: Decimal
    covered: bool  # inside 起交/止交 months
    payment: DuesPayment | None
    overdue: bool  # due, unpaid, and the month is over

    @property
    def state(self) -> str:
        if self.payment is not None:
            return "paid"
        if not self.covered:
            return "not_covered"
        if self.due_amount <= 0:
            return "exempt"
        return "overdue" if self.overdue else "unpaid"


STATE_MONTH_LABELS = {
    "paid": "已交",
    "not_covered": "不在交纳期",
    "exempt": "免交",
    "overdue": "欠交",
    "unpaid": "未交",
}


def member_months(
    member: Member, year: int, today: date
) -> tuple[DuesStandard | None, list[MonthRow]]:
    standard = DuesStandard.objects.filter(member=member, year=year).select_related("org").first()
    payments = {
        p.month: p
        for p in DuesPayment.objects.filter(
            member=member, year=year, is_voided=False
        ).select_related("recorded_by")
    }
    last = month_index(*last_complete_month(today))
    rows = []
    for m in range(1, 13):
        covered = standard is not None and standard.covers(m)
        due = standard.monthly_amount if covered and standard else ZERO
        rows.append(
            MonthRow(
                month=m,
                due_amount=due,
                covered=covered,
                payment=payments.get(m),
                overdue=covered and due > 0 and m not in payments and month_index(year, m) <= last,
            )
        )
    return standard, rows


def member_arrears(user: User, member: Member, today: date) -> list[tuple[int, int, Decimal]]:
    """Months (last year and this year, up to the last complete month) due and still unpaid."""
    if not _in_scope(user, member.org_path):
        raise Http404("党员不存在或不在管理范围内")
    last = month_index(*last_complete_month(today))
    standards = {
        s.year: s
        for s in DuesStandard.objects.filter(member=member, year__in=[today.year - 1, today.year])
    }
    paid = set(
        DuesPayment.objects.filter(
            member=member, year__in=[today.year - 1, today.year], is_voided=False
        ).values_list("year", "month")
    )
    result = []
    for year in (today.year - 1, today.year):
        s = standards.get(year)
        if s is None:
            continue
        for m in range(1, 13):
            if month_index(year, m) <= last and s.is_due(m) and (year, m) not in paid:
                result.append((year, m, s.monthly_amount))
    return result


def voided_payments(member: Member, year: int) -> QuerySet[DuesPayment]:
    return DuesPayment.objects.filter(member=member, year=year, is_voided=True).order_by("month")


# --- collection figures ------------------------------------------------------------------------------


@dataclass
class Collection:
    """应交/实交/欠交 of one organization (or a subtree) for a month or a year."""

    label: str
    org: Organization | None = None
    due_count: int = 0
    due_amount: Decimal = ZERO
    paid_count: int = 0
    paid_amount: Decimal = ZERO
    covered_amount: Decimal = ZERO

    @property
    def unpaid_count(self) -> int:
        return max(self.due_count - self.paid_count, 0)

    @property
    def arrears_amount(self) -> Decimal:
        return max(self.due_amount - self.covered_amount, ZERO)

    @property
    def paid_percent(self) -> int:
        if not self.due_count:
            return 100 if not self.unpaid_count else 0
        return min(100, self.paid_count * 100 // self.due_count)

    def add(self, other: Collection) -> None:
        self.due_count += other.due_count
        self.due_amount += other.due_amount
        self.paid_count += other.paid_count
        self.paid_amount += other.paid_amount
        self.covered_amount += other.covered_amount


CENT = Decimal("0.01")

SUMS = {
    "due_count_sum": Sum("due_count"),
    "due_amount_sum": Sum("due_amount"),
    "paid_count_sum": Sum("paid_count"),
    "paid_amount_sum": Sum("paid_amount"),
    "covered_amount_sum": Sum("covered_amount"),
}


def _yuan(value: Decimal | None) -> Decimal:
    # SQLite sums decimals as floats: back to whole fen, as PostgreSQL returns them.
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


# Year to date: the current month's cumulative columns, under the same names as SUMS.
YTD_SUMS = {
    "due_count_sum": Sum("ytd_due_count"),
    "due_amount_sum": Sum("ytd_due_amount"),
    "paid_count_sum": Sum("ytd_paid_count"),
    "paid_amount_sum": Sum("ytd_paid_amount"),
    "covered_amount_sum": Sum("ytd_covered_amount"),
}


def _sums(month: int | None) -> dict[str, Sum]:
    return SUMS if month is not None else YTD_SUMS


def _fill(c: Collection, row: dict) -> Collection:
    c.due_count = row["due_count_sum"] or 0
    c.due_amount = _yuan(row["due_amount_sum"])
    c.paid_count = row["paid_count_sum"] or 0
    c.paid_amount = _yuan(row["paid_amount_sum"])
    c.covered_amount = _yuan(row["covered_amount_sum"])
    return c


def year_months(year: int, today: date) -> int:
    """The months of a year that count so far: all twelve of a past year, up to this month now."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


def _tally(path: str, year: int, month: int | None, today: date) -> QuerySet[DuesTally]:
    """The tally rows a report sums: the month's, or for the year so far the rows of its last
    month, whose ytd_* columns hold January to that month (aggregate them with _sums(month))."""
    qs = DuesTally.objects.filter(year=year, org_path__startswith=path)
    return qs.filter(month=month if month is not None else year_months(year, today))


@dataclass
class DuesReport:
    org: Organization
    year: int
    month: int | None
    rows: list[Collection] = field(default_factory=list)
    total: Collection = field(default_factory=lambda: Collection("合计"))

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年全年（截至目前）"


def dues_report(
    user: User, org: Organization, year: int, month: int | None, today: date
) -> DuesReport:
    """Per child organization of `org` (plus its own branch rows) and the subtree total.

    Two queries: the GROUP BY over the tally by path prefix, and the child organizations' names.
    With month=None the figures add up the months of the year so far; the counts are then
    person-months (人次).
    """
    if not _in_scope(user, org.path):
        raise Http404("组织不存在或不在管理范围内")
    width = len(org.path) + PATH_STEP
    grouped = (
        _tally(org.path, year, month, today)
        .annotate(prefix=Substr("org_path", 1, width))
        .values("prefix")
        .annotate(**_sums(month))
        .order_by("prefix")
    )
    by_prefix = {row["prefix"]: row for row in grouped}
    report = DuesReport(org=org, year=year, month=month)
    children = list(
        visible_orgs(user)
        .filter(parent=org)
        .filter(Q(status=OrgStatus.ACTIVE) | Q(path__in=list(by_prefix)))
        .only("id", "name", "path", "kind", "status")
        .order_by("sort_order", "path")
    )
    if org.path in by_prefix:
        report.rows.append(_fill(Collection(f"{org.name}（本组织）", org), by_prefix.pop(org.path)))
    for child in children:
        c = Collection(child.name, child)
        row = by_prefix.pop(child.path, None)
        if row is not None:
            _fill(c, row)
        report.rows.append(c)
    for row in report.rows:
        report.total.add(row)
    return report


def collection_by_branch(user: User, org: Organization, year: int, month: int) -> list[Collection]:
    """Each branch in the subtree of `org` with its month's figures (for township pages).

    Two queries: the branches, and the tally rows of the month (already one row per branch).
    """
    if not _in_scope(user, org.path):
        raise Http404("组织不存在或不在管理范围内")
    branches = list(
        Organization.objects.filter(
            path__startswith=org.path, kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
        )
        .only("id", "name", "path", "kind", "status")
        .order_by("path")
    )
    tallies = {
        t["org_path"]: t
        for t in DuesTally.objects.filter(year=year, month=month, org_path__startswith=org.path)
        .values("org_path")
        .annotate(**SUMS)
    }
    return [
        _fill(Collection(b.name, b), tallies[b.path])
        if b.path in tallies
        else Collection(b.name, b)
        for b in branches
    ]


def subtree_collection(
    user: User, org: Organization, year: int, month: int | None, today: date
) -> Collection:
    """The subtree's total in one aggregate query."""
    if not _in_scope(user, org.path):
        raise Http404("组织不存在或不在管理范围内")
    return _fill(
        Collection(org.name, org), _tally(org.path, year, month, today).aggregate(**_sums(month))
    )


@dataclass
class UnpaidMember:
    member_id: int
    name: str
    branch_name: str
    due_amount: Decimal
    by_proxy_hint: str = ""


def unpaid_members(user: User, org: Organization, year: int, month: int) -> list[UnpaidMember]:
    """Members of the subtree of `org` with dues for the month and no payment yet: 2 queries."""
    if not _in_scope(user, org.path):
        raise Http404("组织不存在或不在管理范围内")
    paid = set(
        DuesPayment.objects.filter(
            year=year, month=month, org_path__startswith=org.path, is_voided=False
        ).values_list("member_id", flat=True)
    )
    due = (
        DuesStandard.objects.filter(
            year=year,
            org_path__startswith=org.path,
            starts_month__lte=month,
            monthly_amount__gt=0,
        )
        .filter(Q(ends_month__isnull=True) | Q(ends_month__gte=month))
        .values_list("member_id", "member__name", "org__name", "monthly_amount")
        .order_by("org_path", "member__name_pinyin")
    )
    return [
        UnpaidMember(member_id=mid, name=name, branch_name=branch, due_amount=amount)
        for mid, name, branch, amount in due
        if mid not in paid
    ]


# --- the payments list --------------------------------------------------------------------------------


@dataclass
class PaymentFilters:
    org_path: str = ""
    year: int | None = None
    month: int | None = None
    q: str = ""
    by_proxy: str = ""  # "1" → 代交 only
    voided: str = ""  # "1" → voided only; "" → valid only


def payment_list(user: User, f: PaymentFilters) -> QuerySet[DuesPayment]:
    scope = user.scope.path
    if not scope:
        return DuesPayment.objects.none()
    qs = DuesPayment.objects.filter(org_path__startswith=scope)
    if f.org_path:
        if not _in_scope(user, f.org_path):
            return DuesPayment.objects.none()
        qs = qs.filter(org_path__startswith=f.org_path)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.month:
        qs = qs.filter(month=f.month)
    if f.q:
        qs = qs.filter(member__in=Member.objects.filter(search_q(f.q)).values("pk"))
    if f.by_proxy == "1":
        qs = qs.filter(by_proxy=True)
    qs = qs.filter(is_voided=f.voided == "1")
    return qs.select_related("member", "org", "recorded_by").order_by(
        "-year", "-month", "org_path", "member_id"
    )


# --- cards for other pages (the branch secretary's page, the township page) ------------------------


def branch_card(user: User, org: Organization, today: date) -> dict[str, object]:
    """Context `dues_card` for templates/dues/branch_card.html: this month of one branch (5 queries)."""
    collection = subtree_collection(user, org, today.year, today.month, today)
    with_standard = DuesStandard.objects.filter(year=today.year, member__org=org).values(
        "member_id"
    )
    missing = (
        Member.objects.filter(org=org, status=MemberStatus.NORMAL)
        .exclude(pk__in=with_standard)
        .count()
    )
    return {
        "org": org,
        "year": today.year,
        "month": today.month,
        "collection": collection,
        "unpaid": unpaid_members(user, org, today.year, today.month),
        "missing_standards": missing,
    }


def township_table(user: User, org: Organization, today: date) -> dict[str, object]:
    """Context `dues_table` for templates/dues/township_table.html: every branch below `org`."""
    rows = collection_by_branch(user, org, today.year, today.month)
    total = Collection("合计")
    for row in rows:
        total.add(row)
    return {
        "org": org,
        "year": today.year,
        "month": today.month,
        "rows": rows,
        "total": total,
        "period_query": f"year={today.year}&month={today.month}",
    }
