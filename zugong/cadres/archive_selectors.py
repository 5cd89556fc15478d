"""Reads of cadre archives, filtered by the acting account's unit scope first.

The list is built for 300,000 cadres: the scope and the unit filter are prefixes of `unit_path`,
the default order is the (unit_path, name_pinyin, id) index, and a name search is a pinyin
prefix (or an exact name), so the database walks an index instead of the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.cadres.models import (
    AnnualAssessment,
    Cadre,
    CadreStatus,
    Education,
    EducationKind,
    FamilyMember,
    PostHolding,
    PostLevel,
    ProfessionalTitle,
    Rank,
    RankHolding,
    ResumeEntry,
    RewardPunishment,
    Training,
    Unit,
    Verification,
    VerifiedItem,
)
from zugong.cadres.scope import visible_cadres
from zugong.core.pinyin import classify_query, fold_query
from zugong.members.selectors import AGE_BANDS, age_band_q
from zugong.orgs.models import subtree_q

YOUNG_AGE_DEFAULT = 35
YOUNG_AGE_RANGE = (25, 50)
EDUCATION_CHOICES = ["研究生", "大学", "大专", "中专", "高中"]
EDUCATION_SCOPES = {"fulltime": "全日制学历", "highest": "最高学历"}

SORTS: dict[str, tuple[str, ...]] = {
    "unit": ("unit_path", "name_pinyin", "id"),
    "name": ("name_pinyin", "id"),
    "birth": ("birth_date", "id"),
    "-birth": ("-birth_date", "-id"),
    "level_since": ("current_level_since", "id"),
}
SORT_LABELS = {
    "unit": "按单位",
    "name": "按姓名拼音",
    "birth": "按出生日期（年长在前）",
    "-birth": "按出生日期（年轻在前）",
    "level_since": "按任现职务层次时间",
}


@dataclass
class CadreFilters:
    q: str = ""
    unit: Unit | None = None
    level: str = ""
    rank: int | None = None
    gender: str = ""
    age_band: str = ""
    education: str = ""
    education_scope: str = "highest"
    status: str = CadreStatus.ACTIVE
    young: bool = False
    young_age: int = YOUNG_AGE_DEFAULT
    sort: str = "unit"


def search_q(q: str, *, prefix: str = "", anywhere_in_name: bool = False) -> Q:
    """Name, full pinyin or initials (prefix), the ID number exactly or its last digits.

    `prefix` reaches the cadre through a relation ("cadre__"). Chinese names put the surname
    first, so a name is matched from its start (indexed, for the whole register); short lists
    (the reserve pool, 能上能下) pass anywhere_in_name to find a given name too.
    """
    q = fold_query(q)
    kind = classify_query(q)
    if kind == "pinyin":
        q = q.lower()
        return Q(**{f"{prefix}name_initials__startswith": q}) | Q(
            **{f"{prefix}name_pinyin__startswith": q}
        )
    if kind == "digits":
        q = q.upper()
        if len(q) == 18:
            return Q(**{f"{prefix}id_number": q})
        return Q(**{f"{prefix}id_number_reversed__startswith": q[::-1]})
    lookup = "contains" if anywhere_in_name else "startswith"
    return Q(**{f"{prefix}name__{lookup}": q})


def _education_q(value: str, scope: str) -> Q:
    rows = Education.objects.filter(cadre=OuterRef("pk"), education__startswith=value)
    if scope == "fulltime":
        rows = rows.filter(kind=EducationKind.FULLTIME)
    else:
        rows = rows.filter(on_form=True)
    return Q(Exists(rows))


def cadre_list(user: User, f: CadreFilters, today: date | None = None) -> QuerySet[Cadre]:
    today = today or date.today()
    qs = visible_cadres(user).select_related("unit", "current_rank")
    if f.unit is not None:
        # The chosen subtree must itself lie in the scope; anything else shows nothing.
        if not user.cadre_scope.contains(f.unit.path):
            return Cadre.objects.none()
        qs = qs.filter(subtree_q("unit_path", f.unit.path))
    if f.q:
        qs = qs.filter(search_q(f.q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.level:
        qs = qs.filter(current_level=f.level)
    if f.rank:
        qs = qs.filter(current_rank_id=f.rank)
    if f.gender:
        qs = qs.filter(gender=f.gender)
    if f.age_band in AGE_BANDS:
        qs = qs.filter(age_band_q(f.age_band, today))
    if f.young:
        # Younger than young_age: born after the day the young_age-th birthday would be today.
        qs = qs.filter(birth_date__gt=today - relativedelta(years=f.young_age))
    if f.education:
        qs = qs.filter(_education_q(f.education, f.education_scope))
    return qs.order_by(*SORTS.get(f.sort, SORTS["unit"]))


# The register's rows as plain values: a page of 50 model instances (with their unit and 职级)
# cost more to build and to render than the page's queries at 300,000 cadres.
LIST_ROW_FIELDS = (
    "pk",
    "name",
    "gender",
    "birth_date",
    "unit__name",
    "current_post_text",
    "current_level",
    "current_rank__name",
    "status",
)


def list_rows(qs: QuerySet[Cadre]) -> QuerySet[dict[str, Any]]:
    return qs.values(*LIST_ROW_FIELDS)


def with_labels(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of one page as shown: 出生年月 as 1975.03, labels for 职务层次 and status, a dash
    for what is empty (plain values render several times faster than filters on each row)."""
    levels = dict(PostLevel.choices)
    statuses = dict(CadreStatus.choices)
    return [
        {
            **row,
            "birth_month": f"{row['birth_date']:%Y.%m}" if row["birth_date"] else "",
            "post_text": row["current_post_text"] or "—",
            "level_label": levels.get(row["current_level"]) or "—",
            "rank_name": row["current_rank__name"] or "—",
            "status_label": statuses.get(row["status"], ""),
        }
        for row in rows
    ]


def rank_choices() -> QuerySet[Rank]:
    return Rank.objects.filter(is_active=True).order_by("track", "-order")


# --- one archive -----------------------------------------------------------------------------


RECORD_TABS = {
    "info": "基本信息",
    "resume": "简历",
    "education": "学历学位",
    "posts": "任职与职级",
    "title": "专业技术职务",
    "family": "家庭成员",
    "assessment": "年度考核",
    "reward": "奖惩",
    "training": "培训",
    "verification": "认定记录",
    "history": "历史",
}


@dataclass
class ResumeLine:
    entry: ResumeEntry
    during: list[ResumeEntry]


def resume_lines(cadre: Cadre) -> list[ResumeLine]:
    rows = list(ResumeEntry.objects.filter(cadre=cadre).order_by("position", "id"))
    lines: dict[int, ResumeLine] = {}
    for r in rows:
        if r.parent_id is None:
            lines[r.pk] = ResumeLine(r, [])
    for r in rows:
        if r.parent_id is not None and r.parent_id in lines:
            lines[r.parent_id].during.append(r)
    return list(lines.values())


@dataclass
class VerifiedField:
    """One of 三龄两历一身份: the archive's value and its latest 认定."""

    item: str
    label: str
    value: Any
    latest: Verification | None


def verified_fields(cadre: Cadre, educations: list[Education]) -> list[VerifiedField]:
    latest: dict[str, Verification] = {}
    for v in Verification.objects.filter(cadre=cadre).order_by("item", "-verified_on", "-id"):
        latest.setdefault(v.item, v)
    fulltime = next((e for e in educations if e.on_form and e.kind == EducationKind.FULLTIME), None)
    parttime = next((e for e in educations if e.on_form and e.kind == EducationKind.PARTTIME), None)
    education = "；".join(str(e) for e in (fulltime, parttime) if e) or ""
    values = {
        VerifiedItem.BIRTH: cadre.birth_date,
        VerifiedItem.WORK_START: cadre.work_started_on,
        VerifiedItem.PARTY_JOINED: cadre.party_joined_text or cadre.party_joined_on,
        VerifiedItem.EDUCATION: education,
        VerifiedItem.WORK_HISTORY: "见简历",
        VerifiedItem.IDENTITY: cadre.get_identity_display(),
    }
    return [
        VerifiedField(item, label, values[item], latest.get(item))
        for item, label in VerifiedItem.choices
    ]


def archive_context(cadre: Cadre, tab: str) -> dict[str, Any]:
    """What the archive page's tab shows; each tab reads only its own rows."""
    ctx: dict[str, Any] = {}
    if tab == "info":
        educations = list(Education.objects.filter(cadre=cadre))
        ctx["educations"] = educations
        ctx["verified"] = verified_fields(cadre, educations)
        ctx["recent_assessments"] = list(AnnualAssessment.objects.filter(cadre=cadre)[:3])
    elif tab == "resume":
        ctx["resume"] = resume_lines(cadre)
    elif tab == "education":
        ctx["rows"] = list(Education.objects.filter(cadre=cadre))
    elif tab == "posts":
        ctx["posts"] = list(PostHolding.objects.filter(cadre=cadre).select_related("unit", "post"))
        ctx["ranks"] = list(RankHolding.objects.filter(cadre=cadre).select_related("rank"))
    elif tab == "title":
        ctx["rows"] = list(ProfessionalTitle.objects.filter(cadre=cadre))
    elif tab == "family":
        ctx["rows"] = list(FamilyMember.objects.filter(cadre=cadre))
    elif tab == "assessment":
        ctx["rows"] = list(AnnualAssessment.objects.filter(cadre=cadre))
    elif tab == "reward":
        ctx["rows"] = list(RewardPunishment.objects.filter(cadre=cadre))
    elif tab == "training":
        ctx["rows"] = list(Training.objects.filter(cadre=cadre))
    elif tab == "verification":
        ctx["rows"] = list(Verification.objects.filter(cadre=cadre).select_related("verified_by"))
    elif tab == "history":
        ctx["child_history"] = child_history(cadre)
    return ctx


CHILD_MODELS = (
    ResumeEntry,
    Education,
    PostHolding,
    RankHolding,
    ProfessionalTitle,
    FamilyMember,
    AnnualAssessment,
    RewardPunishment,
    Training,
    Verification,
)


@dataclass
class ChildChange:
    at: Any
    user: Any
    kind: str
    record_type: str
    label: str


def child_history(cadre: Cadre, limit: int = 100) -> list[ChildChange]:
    """Changes to the archive's child records, deleted ones included: one query per kind."""
    kinds = {"+": "新建", "~": "修改", "-": "删除"}
    changes = []
    for model in CHILD_MODELS:
        historical = model.history.model  # type: ignore[attr-defined]
        for h in (
            historical.objects.filter(cadre_id=cadre.pk)
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        ):
            changes.append(
                ChildChange(
                    h.history_date,
                    h.history_user,
                    kinds.get(h.history_type, h.history_type),
                    str(model._meta.verbose_name),
                    str(h.instance),
                )
            )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]


def recent_assessment_text(rows: list[AnnualAssessment], years: int = 3) -> str:
    """近三年年度考核 as printed: 2023年称职；2024年优秀 (the latest `years` years, oldest first)."""
    recent = sorted(rows, key=lambda a: a.year, reverse=True)[:years]
    return "；".join(f"{a.year}年{a.get_grade_display()}" for a in reversed(recent))


def get_child(cadre: Cadre, model: type, rid: int) -> Any:
    """A child record of this cadre (the cadre is already scope-checked), or 404."""
    record = model.objects.filter(cadre=cadre, pk=rid).first()
    if record is None:
        raise Http404("没有找到该记录")
    return record
