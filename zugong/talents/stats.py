"""人才底数: the talents in the pool counted by category, tier, field, township, age band,
education and recruit mode, and the trend by year (arrivals, departures, the pool at year end).

Each dimension is one grouped query (age bands and the trend read two date columns and count in
memory), so the page costs the same for 800 talents or 80,000.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet

from zugong.orgs.models import Organization, subtree_q
from zugong.talents import selectors
from zugong.talents.eligibility import full_years
from zugong.talents.models import Education, RecruitMode, Talent, TalentCategory, TalentStatus
from zugong.talents.rules import tier_pairs

AGE_BANDS = ((35, "35岁及以下"), (45, "36至45岁"), (55, "46至55岁"), (200, "56岁及以上"))
TOP_FIELDS = 12
TREND_YEARS = 10


@dataclass
class StatRow:
    label: str
    count: int
    share: Decimal = Decimal("0")


@dataclass
class Section:
    key: str
    title: str
    rows: list[StatRow]
    chart: str = "bar"
    total: int = 0


@dataclass
class TrendRow:
    year: int
    arrived: int
    left: int
    total: int


@dataclass
class Stats:
    on: date
    total: int
    sections: list[Section] = field(default_factory=list)
    trend: list[TrendRow] = field(default_factory=list)
    area: Organization | None = None

    def charts(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            s.key: {
                "type": s.chart,
                "labels": [r.label for r in s.rows],
                "values": [r.count for r in s.rows],
            }
            for s in self.sections
        }
        data["trend"] = {
            "type": "series",
            "labels": [str(t.year) for t in self.trend],
            "series": [
                {"name": "当年新入库", "data": [t.arrived for t in self.trend], "color": "#999"},
                {"name": "年末在库", "kind": "line", "data": [t.total for t in self.trend]},
            ],
        }
        return data


def _share(count: int, total: int) -> Decimal:
    if not total:
        return Decimal("0")
    return (Decimal(count) * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _section(key: str, title: str, counts: list[tuple[str, int]], chart: str = "bar") -> Section:
    total = sum(n for _, n in counts)
    rows = [StatRow(label, n, _share(n, total)) for label, n in counts]
    return Section(key, title, rows, chart, total)


def _grouped(qs: QuerySet[Talent], column: str) -> dict[str, int]:
    return {row[column]: row["n"] for row in qs.order_by().values(column).annotate(n=Count("id"))}


def talent_stats(user: Any, on: date, org: int | None = None) -> Stats:
    base = selectors.visible_talents(user)
    area = None
    if org:
        area = Organization.objects.filter(pk=org).first()
        if area is not None and not user.scope.contains(area.path):
            area = None  # another area's tree is not shown, not even its names
            base = base.none()
        else:
            base = base.filter(subtree_q("org_path", area.path)) if area else base.none()
    active = base.filter(status=TalentStatus.ACTIVE)
    by_category = _grouped(active, "category")
    total = sum(by_category.values())
    stats = Stats(on=on, total=total, area=area)
    stats.sections.append(
        _section(
            "category",
            "按人才类别",
            [(label, by_category.get(value, 0)) for value, label in TalentCategory.choices],
            "pie",
        )
    )
    by_tier = _grouped(active.filter(category=TalentCategory.HIGH_LEVEL), "tier")
    tiers = tier_pairs(on=on)
    known = {code for code, _ in tiers}
    tier_rows = [(label, by_tier.get(code, 0)) for code, label in tiers]
    stray = sum(n for code, n in by_tier.items() if code not in known)
    if stray:
        tier_rows.append(("未标注或不在目录中", stray))
    stats.sections.append(_section("tier", "高层次人才按层次", tier_rows))
    by_field = sorted(_grouped(active, "field").items(), key=lambda kv: (-kv[1], kv[0]))
    field_rows = [(name or "未填写", n) for name, n in by_field[:TOP_FIELDS]]
    rest = sum(n for _, n in by_field[TOP_FIELDS:])
    if rest:
        field_rows.append(("其他领域", rest))
    stats.sections.append(_section("field", "按专业领域", field_rows))
    stats.sections.append(_section("township", "按乡镇（系统）", _by_area(user, active, area)))
    stats.sections.append(_section("age", "按年龄段", _by_age(active, on)))
    by_education = _grouped(active, "education")
    education_rows = [(label, by_education.get(value, 0)) for value, label in Education.choices]
    if by_education.get(""):
        education_rows.append(("未填写", by_education[""]))
    stats.sections.append(_section("education", "按最高学历", education_rows, "pie"))
    by_mode = _grouped(active, "recruit_mode")
    mode_rows = [(label, by_mode.get(value, 0)) for value, label in RecruitMode.choices]
    if by_mode.get(""):
        mode_rows.append(("未填写", by_mode[""]))
    stats.sections.append(_section("recruit_mode", "按引育方式", mode_rows, "pie"))
    stats.trend = _trend(base, on)
    return stats


def _by_area(user: Any, qs: QuerySet[Talent], area: Organization | None) -> list[tuple[str, int]]:
    if area is not None:
        children = list(
            Organization.objects.filter(parent=area).exclude(kind__in=("branch", "branch_group"))
        )
        areas = children or [area]
    else:
        areas = selectors.area_orgs(user)
    counts: Counter[str] = Counter()
    for row in qs.order_by().values("org_path").annotate(n=Count("id")):
        counts[row["org_path"]] += row["n"]
    rows = []
    for org in sorted(areas, key=lambda o: len(o.path), reverse=True):
        n = sum(c for path, c in counts.items() if path.startswith(org.path))
        for path in [p for p in counts if p.startswith(org.path)]:
            del counts[path]
        rows.append((org, n))
    rows.sort(key=lambda pair: (pair[0].sort_order, pair[0].path))
    out = [(org.short_name or org.name, n) for org, n in rows]
    rest = sum(counts.values())
    if rest:
        out.append(("本级", rest))
    return out


def _by_age(qs: QuerySet[Talent], on: date) -> list[tuple[str, int]]:
    counts = Counter()
    unknown = 0
    for birth in qs.order_by().values_list("birth_date", flat=True).iterator(chunk_size=5000):
        if birth is None:
            unknown += 1
            continue
        age = full_years(birth, on)
        for limit, label in AGE_BANDS:
            if age <= limit:
                counts[label] += 1
                break
    rows = [(label, counts.get(label, 0)) for _, label in AGE_BANDS]
    if unknown:
        rows.append(("出生日期不详", unknown))
    return rows


def _trend(qs: QuerySet[Talent], on: date) -> list[TrendRow]:
    """Per year: arrivals (来县日期, else the day the record was made), departures, and the pool
    at the year's end (or today, for this year)."""
    spans: list[tuple[date, date | None]] = []
    for arrived, created, left_on in (
        qs.order_by().values_list("arrived_on", "created_at", "left_on").iterator(chunk_size=5000)
    ):
        start = arrived or created.date()
        spans.append((start, left_on))
    first = on.year - TREND_YEARS + 1
    rows = []
    for year in range(first, on.year + 1):
        end = min(date(year, 12, 31), on)
        arrived = sum(1 for s, _ in spans if s.year == year)
        left = sum(1 for _, e in spans if e is not None and e.year == year)
        total = sum(1 for s, e in spans if s <= end and (e is None or e > end))
        rows.append(TrendRow(year, arrived, left, total))
    return rows
