"""Cadre statistics for a unit subtree: age bands, gender, ethnicity, education, 职务层次, 职级,
unit kind, the share of 年轻干部 per level and 职数 use.

Every count is a GROUP BY (or a conditional COUNT) in the database — a province may hold
300,000 cadres, so nothing here loops over cadres in Python; the loops below run over the
handful of grouped rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet

from zugong.accounts.models import User
from zugong.cadres.growth_rules import RESERVE_LEVELS, age_limits
from zugong.cadres.models import (
    Cadre,
    CadreStatus,
    Education,
    EducationKind,
    PostLevel,
    Unit,
    UnitKind,
)
from zugong.cadres.scope import scoped
from zugong.core.rules.engine import RuleContext
from zugong.orgs.models import subtree_q

HAN = "汉族"

# (label, youngest age, oldest age) in 周岁 on the reference date; None = open end.
AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("30岁及以下", None, 30),
    ("31–35岁", 31, 35),
    ("36–40岁", 36, 40),
    ("41–45岁", 41, 45),
    ("46–50岁", 46, 50),
    ("51–55岁", 51, 55),
    ("56岁及以上", 56, None),
)


@dataclass
class StatRow:
    label: str
    count: int
    share: float = 0.0  # percent of the section's total


@dataclass
class StatSection:
    key: str
    title: str
    rows: list[StatRow]
    chart: str = "bar"  # bar / pie
    note: str = ""

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)


@dataclass
class YoungRow:
    level: str
    label: str
    limit: int
    total: int
    young: int

    @property
    def share(self) -> float:
        return round(self.young * 100 / self.total, 1) if self.total else 0.0


@dataclass
class StaffingLevelRow:
    label: str
    approved: int = 0
    occupied: int = 0
    vacancies: int = 0
    over: int = 0


@dataclass
class CadreStats:
    on: date
    unit: Unit | None
    active_only: bool
    total: int
    sections: list[StatSection] = field(default_factory=list)
    young: list[YoungRow] = field(default_factory=list)
    staffing: list[StaffingLevelRow] | None = None  # None: 职数 not available


def birth_range(on: date, youngest: int | None, oldest: int | None) -> Q:
    """Aged youngest..oldest 周岁 on `on`, as a range on birth_date."""
    condition = Q()
    if oldest is not None:
        condition &= Q(birth_date__gt=on - relativedelta(years=oldest + 1))
    if youngest is not None:
        condition &= Q(birth_date__lte=on - relativedelta(years=youngest))
    return condition


def cadre_base(user: User, unit: Unit | None, active_only: bool) -> QuerySet[Cadre]:
    qs = scoped(user, Cadre.objects.all())
    if unit is not None:
        qs = qs.filter(subtree_q("unit_path", unit.path))
    if active_only:
        qs = qs.filter(status=CadreStatus.ACTIVE)
    return qs.order_by()


def _with_shares(rows: list[StatRow]) -> list[StatRow]:
    total = sum(r.count for r in rows)
    for r in rows:
        r.share = round(r.count * 100 / total, 1) if total else 0.0
    return rows


def _grouped(qs: QuerySet[Cadre], column: str) -> list[tuple[object, int]]:
    return [
        (row[column], row["n"])
        for row in qs.values(column).annotate(n=Count("id")).order_by("-n", column)
    ]


def age_section(qs: QuerySet[Cadre], on: date) -> tuple[int, StatSection]:
    counts = qs.aggregate(
        total=Count("id"),
        **{
            f"band{i}": Count("id", filter=birth_range(on, low, high))
            for i, (_, low, high) in enumerate(AGE_BANDS)
        },
    )
    rows = [StatRow(label, counts[f"band{i}"]) for i, (label, _, _) in enumerate(AGE_BANDS)]
    return counts["total"], StatSection("age", "年龄结构", _with_shares(rows))


def ethnicity_sections(qs: QuerySet[Cadre]) -> list[StatSection]:
    grouped = _grouped(qs, "ethnicity")
    han = sum(n for name, n in grouped if name == HAN)
    minority = sum(n for name, n in grouped if name != HAN)
    return [
        StatSection(
            "ethnicity",
            "民族（汉族/少数民族）",
            _with_shares([StatRow(HAN, han), StatRow("少数民族", minority)]),
            chart="pie",
        ),
        StatSection(
            "ethnicity_each",
            "民族（分民族）",
            _with_shares([StatRow(str(name or "未填"), n) for name, n in grouped]),
        ),
    ]


def education_section(qs: QuerySet[Cadre], total: int) -> StatSection:
    """全日制 highest education: the fulltime row printed on the 任免审批表 (one per cadre)."""
    rows = [
        StatRow(row["education"] or "未填学历", row["n"])
        for row in Education.objects.filter(kind=EducationKind.FULLTIME, on_form=True, cadre__in=qs)
        .values("education")
        .annotate(n=Count("cadre_id", distinct=True))
        .order_by("-n", "education")
    ]
    missing = total - sum(r.count for r in rows)
    if missing > 0:
        rows.append(StatRow("无全日制学历记录", missing))
    return StatSection("education", "全日制最高学历", _with_shares(rows))


def level_section(qs: QuerySet[Cadre]) -> StatSection:
    labels = dict(PostLevel.choices)
    order = {value: i for i, value in enumerate(PostLevel.values)}
    grouped = sorted(_grouped(qs, "current_level"), key=lambda g: order.get(g[0], 99))
    rows = [
        StatRow(labels.get(value, "无领导职务") if value else "无领导职务", n)
        for value, n in grouped
    ]
    return StatSection("level", "职务层次", _with_shares(rows))


def rank_section(qs: QuerySet[Cadre]) -> StatSection:
    grouped = (
        qs.values("current_rank__name", "current_rank__track", "current_rank__order")
        .annotate(n=Count("id"))
        .order_by("current_rank__track", "-current_rank__order")
    )
    rows = [StatRow(row["current_rank__name"] or "未定职级", row["n"]) for row in grouped]
    return StatSection("rank", "职级", _with_shares(rows))


def unit_kind_section(qs: QuerySet[Cadre]) -> StatSection:
    labels = dict(UnitKind.choices)
    rows = [
        StatRow(labels.get(str(value), str(value)), n) for value, n in _grouped(qs, "unit__kind")
    ]
    return StatSection("unit_kind", "单位类别", _with_shares(rows), chart="pie")


def young_rows(qs: QuerySet[Cadre], on: date, ctx: RuleContext) -> list[YoungRow]:
    """Per level: the cadres at that level and those within the reserve pool's age limit."""
    limits = age_limits(ctx)
    young_q = Q(pk__in=[])
    for level, limit in limits.items():
        young_q |= Q(current_level=level) & birth_range(on, None, limit)
    counts = {
        row["current_level"]: (row["total"], row["young"])
        for row in qs.filter(current_level__in=RESERVE_LEVELS)
        .values("current_level")
        .annotate(total=Count("id"), young=Count("id", filter=young_q))
        .order_by()
    }
    return [
        YoungRow(level, PostLevel(level).label, limits[level], *counts.get(level, (0, 0)))
        for level in RESERVE_LEVELS
    ]


def staffing_by_level(user: User, unit: Unit | None) -> list[StaffingLevelRow] | None:
    """职数 use summed per level from the 配备一览表 rows (per unit × level, not per cadre)."""
    try:
        from zugong.cadres.unit_selectors import staffing_rows
    except ImportError:  # the units part not installed: the page leaves the section out
        return None
    labels = dict(PostLevel.choices)
    totals: dict[str, StaffingLevelRow] = {}
    for row in staffing_rows(user, root=unit):
        total = totals.setdefault(row.level, StaffingLevelRow(labels.get(row.level, row.level)))
        total.approved += row.approved or 0
        total.occupied += row.occupied
        total.vacancies += row.vacancies
        total.over += row.over
    order = {value: i for i, value in enumerate(PostLevel.values)}
    return [totals[k] for k in sorted(totals, key=lambda k: order.get(k, 99))]


def cadre_stats(
    user: User,
    unit: Unit | None = None,
    on: date | None = None,
    active_only: bool = True,
    with_staffing: bool = True,
) -> CadreStats:
    """All sections for the account's subtree (or `unit`, which the caller took from scope)."""
    ctx = RuleContext(today=on)
    on = ctx.today
    qs = cadre_base(user, unit, active_only)
    total, ages = age_section(qs, on)
    gender = StatSection(
        "gender",
        "性别",
        _with_shares([StatRow(str(g or "未填"), n) for g, n in _grouped(qs, "gender")]),
        chart="pie",
    )
    sections = [
        ages,
        gender,
        *ethnicity_sections(qs),
        education_section(qs, total),
        level_section(qs),
        rank_section(qs),
        unit_kind_section(qs),
    ]
    return CadreStats(
        on=on,
        unit=unit,
        active_only=active_only,
        total=total,
        sections=sections,
        young=young_rows(qs, on, ctx),
        staffing=staffing_by_level(user, unit) if with_staffing else None,
    )
