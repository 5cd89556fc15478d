"""Every read of the member register, filtered by the acting account's scope first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.core.pinyin import person_search_q
from zugong.core.selectors import code_id
from zugong.members.models import Member, MemberStatus

# The list query joins only the branch; the page labels code fields from the cached code
# tables (core.selectors.code_names), so the database never joins four code tables.
LIST_RELATED = ("org",)
LIST_CODE_FIELDS = ("gender", "ethnicity", "education", "job_category")

AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    # The 公报 age bands (party-rules.md §5).
    "le30": (None, 30),
    "31-35": (31, 35),
    "36-40": (36, 40),
    "41-45": (41, 45),
    "46-50": (46, 50),
    "51-55": (51, 55),
    "56-60": (56, 60),
    "ge61": (61, None),
}
AGE_BAND_LABELS = {
    "le30": "30岁及以下",
    "31-35": "31至35岁",
    "36-40": "36至40岁",
    "41-45": "41至45岁",
    "46-50": "46至50岁",
    "51-55": "51至55岁",
    "56-60": "56至60岁",
    "ge61": "61岁及以上",
}
SORTS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "joined": ("joined_on", "id"),
    "-joined": ("-joined_on", "-id"),
    "birth": ("birth_date", "id"),
    "-birth": ("-birth_date", "-id"),
    "org": ("org_path", "name_pinyin", "id"),
}


@dataclass
class MemberFilters:
    q: str = ""
    org_path: str = ""
    member_type: str = ""
    gender: str = ""
    age_band: str = ""
    education: str = ""
    ethnicity: str = ""
    joined_year: int | None = None
    status: str = MemberStatus.NORMAL
    completeness: str = ""  # "incomplete" → below 100
    sort: str = "org"


def visible_members(user: User) -> QuerySet[Member]:
    scope = user.scope
    if scope.path is None:
        return Member.objects.none()
    return Member.objects.filter(org_path__startswith=scope.path)


def get_member(user: User, pk: int) -> Member:
    member = (
        visible_members(user)
        .select_related(*LIST_RELATED, *LIST_CODE_FIELDS, "degree")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404("党员不存在或不在管理范围内")
    return member


def search_q(q: str) -> Q:
    """Name by characters, full pinyin or initials (prefix), or the last digits of the ID."""
    return person_search_q(q)


def _code_id(table: str, value: str) -> int:
    """Filter by the code item's id: no join, and the planner sees the real column statistics."""
    item = code_id(table, value)
    return item if item is not None else -1


def member_list(user: User, f: MemberFilters, today: date | None = None) -> QuerySet[Member]:
    qs = visible_members(user).select_related(*LIST_RELATED)
    if f.org_path:
        # The chosen subtree must itself be inside the scope; anything else shows nothing.
        if not user.scope.contains(f.org_path):
            return Member.objects.none()
        qs = qs.filter(org_path__startswith=f.org_path)
    if f.q:
        qs = qs.filter(search_q(f.q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.member_type:
        qs = qs.filter(member_type=f.member_type)
    if f.gender:
        qs = qs.filter(gender_id=_code_id("gender", f.gender))
    if f.education:
        qs = qs.filter(education_id=_code_id("education", f.education))
    if f.ethnicity:
        qs = qs.filter(ethnicity_id=_code_id("ethnicity", f.ethnicity))
    if f.joined_year:
        qs = qs.filter(
            joined_on__gte=date(f.joined_year, 1, 1), joined_on__lte=date(f.joined_year, 12, 31)
        )
    if f.age_band in AGE_BANDS:
        qs = qs.filter(age_band_q(f.age_band, today or date.today()))
    if f.completeness == "incomplete":
        qs = qs.filter(completeness__lt=100)
    return qs.order_by(*SORTS.get(f.sort, SORTS["org"]))


def age_band_q(band: str, today: date) -> Q:
    low, high = AGE_BANDS[band]
    cond = Q()
    if high is not None:
        # Age ≤ high ⇔ born after today minus (high+1) years.
        cond &= Q(birth_date__gt=today - relativedelta(years=high + 1))
    if low is not None:
        cond &= Q(birth_date__lte=today - relativedelta(years=low))
    return cond


def has_members_in_subtree(path: str) -> bool:
    """Members still on the books (normal or suspended) block dissolving an organization."""
    return Member.objects.filter(
        org_path__startswith=path, status__in=[MemberStatus.NORMAL, MemberStatus.SUSPENDED]
    ).exists()
