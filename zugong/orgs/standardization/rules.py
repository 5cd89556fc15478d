"""Rules of 标准化/星级/软弱涣散: the parameters as versioned data, and the checks that make findings.

No national regulation fixes these numbers. The deductions, the star thresholds, the target
mix (五星10% / 四星40% / 三星30%) and the share of 软弱涣散 organizations (5%–10%) are what
counties publish (party-rules.md §6.2): each is a rule parameter with a default an administrator
overrides with dated RuleParameter rows, and every rule here is marked secondary or unconfirmed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count

from zugong.core.rules.engine import Citation, Rule, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind

TOWNSHIP_KIND = "star_township"
WEAK_KIND = "weak_org"

CHECKLIST_PRACTICE = Citation(
    "党支部工作规范化检查考评细则（地方示例，未确认）",
    "三会一课缺1次扣0.2分；未经批准延期换届扣分；党费按时足额上缴；信息台账齐全",
    "https://www.woaiyanjiang.com/73_89.html",
)
STAR_PRACTICE = Citation(
    "基层党组织评星定级工作办法（地方做法，未确认）",
    "一年一评；五星级一般不超过10%、四星级不超过40%、三星级30%左右",
    "https://m.wnwk.com",
)
WEAK_PRACTICE = Citation(
    "整顿软弱涣散基层党组织（中组部部署，人民日报2017年报道）",
    "8种基本情形；各县每年按5%—10%的比例倒排确定整顿对象（二手资料，未确认）",
    "https://big5.chinataiwan.cn",
)
WEAK_TRACKING = Citation(
    "软弱涣散基层党组织整顿工作要求（本地做法，未确认）", "整顿措施限期完成，验收合格后销号"
)


def _no_findings(subject: Any, ctx: RuleContext) -> Iterable[Verdict]:
    return ()


def number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"rule parameter {value!r} is not a number") from None


# --- the township as a subject: its branches' star distribution -----------------------------------


def _township_preload(ctx: RuleContext, townships: Sequence[Any]) -> None:
    from zugong.orgs.standardization.models import AnnualScore

    years = [ctx.today.year - 1, ctx.today.year]
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    # One grouped query per township (a county has tens of them).
    for t in townships:
        rows = (
            AnnualScore.objects.filter(year__in=years, org_path__startswith=t.path)
            .values_list("year", "stars")
            .annotate(n=Count("id"))
            .order_by()
        )
        for year, stars, n in rows:
            counts[(t.pk, year)][stars] += n
    ctx.data["standards.star_counts"] = counts
    ctx.data["standards.years"] = years


def _townships() -> Any:
    from zugong.orgs.models import Organization, OrgKind, OrgStatus

    return Organization.objects.filter(kind=OrgKind.PARTY_COMMITTEE, status=OrgStatus.ACTIVE)


register_subject_kind(
    SubjectKind(
        name=TOWNSHIP_KIND,
        label=lambda o: o.name,
        org_path=lambda o: o.path,
        preload=_township_preload,
        queryset=_townships,
        url_name="standards:township",
        title="星级分布",
    )
)


def _data_rule(**kwargs: Any) -> Rule:
    return rule(subject_type=TOWNSHIP_KIND, status="unconfirmed", **kwargs)(_no_findings)


AUTO_DEDUCTIONS = _data_rule(
    id="standards.auto_deductions",
    title="标准化考评自动计分项目的扣分标准",
    citation=CHECKLIST_PRACTICE,
    params={
        # 三会一课等: each period that ended without the required meeting (组织生活检查 逾期未开展).
        "per_missed_meeting": "0.2",
        # 任期届满未按期换届: the whole item.
        "term_overdue": "3",
        # 党费: each unpaid person-month (欠交人次) up to the last complete month.
        "per_unpaid_month": "0.1",
        # 信息完整度: each member whose record misses a required field.
        "per_incomplete_member": "0.1",
    },
)
STAR_THRESHOLDS = _data_rule(
    id="standards.star_thresholds",
    title="星级评定分数线（总分100分）",
    citation=STAR_PRACTICE,
    # The lowest total of each star; below the two-star line is one star.
    params={"five": "90", "four": "80", "three": "70", "two": "60"},
)
WEAK_SHARE = _data_rule(
    id="standards.weak_share",
    title="软弱涣散党组织倒排比例",
    citation=WEAK_PRACTICE,
    # Published range 5%–10%; the default is its lower end, a county may raise it to 10.
    params={"bottom_percent": "5"},
)


def star_thresholds(ctx: RuleContext) -> dict[int, Decimal]:
    return {
        5: number(ctx.param(STAR_THRESHOLDS, "five")),
        4: number(ctx.param(STAR_THRESHOLDS, "four")),
        3: number(ctx.param(STAR_THRESHOLDS, "three")),
        2: number(ctx.param(STAR_THRESHOLDS, "two")),
    }


def stars_for(total: Decimal, thresholds: dict[int, Decimal]) -> int:
    for stars in (5, 4, 3, 2):
        if total >= thresholds[stars]:
            return stars
    return 1


def distribution_breaches(counts: Counter, caps: dict[int, Decimal]) -> list[tuple[int, int, int]]:
    """(stars, count, total) for each star level above its cap: count / total > cap %."""
    total = sum(counts.values())
    return [
        (stars, counts[stars], total)
        for stars, cap in sorted(caps.items(), reverse=True)
        if total and counts[stars] * 100 > cap * total
    ]


@rule(
    id="standards.star_distribution",
    title="星级分布超过比例目标",
    subject_type=TOWNSHIP_KIND,
    citation=STAR_PRACTICE,
    status="unconfirmed",
    params={"five_max_percent": "10", "four_max_percent": "40"},
)
def star_distribution(township: Any, ctx: RuleContext) -> Iterable[Verdict]:
    caps = {
        5: number(ctx.param(star_distribution, "five_max_percent")),
        4: number(ctx.param(star_distribution, "four_max_percent")),
    }
    counts = ctx.data.get("standards.star_counts", {})
    for year in ctx.data.get("standards.years", ()):
        c = counts.get((township.pk, year))
        if not c:
            continue
        for stars, n, total in distribution_breaches(c, caps):
            yield Verdict(
                f"{year}年度{stars}星级党支部{n}个，占已评{total}个的{n * 100 / total:.1f}%，"
                f"超过不高于{caps[stars]:g}%的比例目标"
            )


# --- 软弱涣散 rectification: overdue deadlines ---------------------------------------------------------


def _weak_preload(ctx: RuleContext, listings: Sequence[Any]) -> None:
    from zugong.orgs.standardization.models import WeakOrgMeasure

    pending: dict[int, list[Any]] = defaultdict(list)
    for m in WeakOrgMeasure.objects.filter(
        weak_org_id__in=[w.pk for w in listings], done_on__isnull=True
    ).order_by("deadline"):
        pending[m.weak_org_id].append(m)
    ctx.data["standards.open_measures"] = pending


def _open_listings() -> Any:
    from zugong.orgs.standardization.models import OPEN_WEAK_STATUSES, WeakOrg

    return WeakOrg.objects.filter(status__in=OPEN_WEAK_STATUSES).select_related("org")


register_subject_kind(
    SubjectKind(
        name=WEAK_KIND,
        label=lambda w: f"{w.org.name}（{w.year}年度软弱涣散整顿）",
        org_path=lambda w: w.org_path,
        preload=_weak_preload,
        queryset=_open_listings,
        url_name="standards:weak_detail",
        title="软弱涣散整顿",
    )
)


def _rectifying(weak: Any) -> bool:
    return weak.status in ("rectifying", "requested")


@rule(
    id="standards.weak_overdue",
    title="软弱涣散党组织超过整顿期限仍未销号",
    subject_type=WEAK_KIND,
    citation=WEAK_TRACKING,
    status="unconfirmed",
)
def weak_overdue(weak: Any, ctx: RuleContext) -> Iterable[Verdict]:
    if _rectifying(weak) and weak.deadline and weak.deadline < ctx.today:
        yield Verdict(
            f"整顿期限{weak.deadline:%Y-%m-%d}已过，尚未销号（{weak.get_status_display()}）",
            due_on=weak.deadline,
        )


@rule(
    id="standards.weak_measure_overdue",
    title="整顿措施超过完成时限仍未完成",
    subject_type=WEAK_KIND,
    citation=WEAK_TRACKING,
    status="unconfirmed",
)
def weak_measure_overdue(weak: Any, ctx: RuleContext) -> Iterable[Verdict]:
    if not _rectifying(weak):
        return
    for m in ctx.data.get("standards.open_measures", {}).get(weak.pk, []):
        if m.deadline < ctx.today:
            yield Verdict(
                f"整顿措施“{m.title}”应于{m.deadline:%Y-%m-%d}完成，尚未完成", due_on=m.deadline
            )
