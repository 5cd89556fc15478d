"""驾驶舱: the picture of one scope at a glance, per role, built from the structure roll-up.

A cockpit is a list of sections (党员, 党组织, 组织生活, 发展党员, 党费, 人才, 示范创建, 干部,
群众监督); which ones an account sees depends on its role and on what the role may read in its
module. Each section holds panels: rows of (label, count, share, the list link behind the
number) that the page shows as an ECharts chart beside its table and that export to .xlsx.

Cost: the subtree counts come from stats.StructureRollup (one query for the scope root and one
for its children), so a panel costs the organizations shown, not the members under them. A
single branch is not stored and is counted live (a few dozen members). Supervision cases and
campaigns are few and are counted live; the talent fund reads its budgets (one per item and
organization and year).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse

from zugong.accounts.models import Role, User
from zugong.core.selectors import cached_code_items
from zugong.dues.rules import money
from zugong.members.models import MemberType
from zugong.members.selectors import AGE_BAND_LABELS
from zugong.orgs.models import Organization, OrgKind
from zugong.stats import structure
from zugong.stats.models import RollupTree
from zugong.stats.structure import Counts
from zugong.stats.tables import EDUCATION_GROUPS, JOB_CLASSES, education_group

TERM_LABELS = {"overdue": "已到期未换届", "soon": "180天内到期", "ok": "任期内"}
LIFE_LABELS = {
    "done": "已开展",
    "overdue": "逾期未开展",
    "due": "临期未开展",
    "open": "期内待开展",
}

PARTY_SECTIONS = ("members", "orgs", "life", "development", "dues", "talents", "campaigns")
# The sections each role sees, its own work first; a section also needs the module's own
# read permission (checked by the section's builder), so these lists only narrow.
ROLE_SECTIONS: dict[str, tuple[str, ...]] = {
    Role.SYSTEM_ADMIN: (*PARTY_SECTIONS, "cadres", "supervision"),
    Role.DEPARTMENT_ADMIN: (*PARTY_SECTIONS, "cadres"),
    Role.LEADER: (*PARTY_SECTIONS, "cadres"),
    Role.COMMITTEE_ADMIN: PARTY_SECTIONS,
    Role.BRANCH_ADMIN: ("members", "life", "development", "dues", "campaigns"),
    Role.CADRE_OFFICER: ("cadres",),
    Role.SUPERVISION_OFFICER: ("supervision",),
    Role.TALENT_OFFICE: ("talents",),
}


@dataclass
class PanelRow:
    label: str
    count: int | Decimal
    share: float | None = None
    link: str = ""
    # The figure the count is measured against (a plan, a target, a quota), when there is one.
    target: int | None = None


@dataclass
class Panel:
    key: str
    title: str
    chart: str  # pie | bar | target (bars against a cap per row)
    rows: list[PanelRow] = field(default_factory=list)
    unit: str = ""  # "元" for amounts
    note: str = ""
    with_total: bool = True

    @property
    def total(self) -> int | Decimal:
        return sum((r.count for r in self.rows), 0)

    @property
    def has_target(self) -> bool:
        return self.chart == "target"

    def finish(self) -> Panel:
        """Shares: of the panel's total, or of each row's own target."""
        total = self.total
        for row in self.rows:
            if self.has_target:
                row.share = round(100 * row.count / row.target, 1) if row.target else None
            elif self.with_total:
                row.share = round(100 * row.count / total, 1) if total else 0.0
        return self

    def spec(self) -> dict[str, Any]:
        labels = [r.label for r in self.rows]
        values = [float(r.count) if self.unit else r.count for r in self.rows]
        if self.has_target:
            return {
                "type": "series",
                "labels": labels,
                "series": [
                    {"name": "完成", "data": values},
                    {
                        "name": "目标",
                        "kind": "cap",
                        "data": [r.target for r in self.rows],
                        "color": "#333",
                    },
                ],
            }
        return {"type": self.chart, "labels": labels, "values": values, "unit": self.unit}


@dataclass
class Headline:
    label: str
    value: str
    link: str = ""


@dataclass
class Section:
    key: str
    title: str
    panels: list[Panel]
    headlines: list[Headline] = field(default_factory=list)
    link: str = ""  # the module page with the whole picture
    note: str = ""


def code_labels(table: str) -> dict[str, str]:
    """Code → name for one code table (from the per-process cache of the code tables)."""
    return {item.code: item.name for item in cached_code_items(table)}


def _link(name: str, **params: object) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _age_panel(key: str, title: str, ages: dict[str, int], link: Callable[..., str]) -> Panel:
    """The 公报's age bands (members and cadres alike), each linking to its filtered list."""
    rows = [
        PanelRow(label, ages.get(k, 0), link=link(age_band=k))
        for k, label in AGE_BAND_LABELS.items()
    ]
    return Panel(key, title, "bar", rows)


# --- party tree -------------------------------------------------------------------------------


def member_section(org: Organization, values: Counts) -> Section:
    genders = code_labels("gender")
    ethnicities = code_labels("ethnicity")

    def link(**params: object) -> str:
        return _link("members:list", org=org.pk, **params)

    ages = values.get("age", {})
    panels = [
        _age_panel("age", "年龄结构", ages, link),
        Panel(
            "gender",
            "性别",
            "pie",
            [
                PanelRow(
                    genders.get(c, "未填写"), n, link=link(gender=c) if c != structure.NONE else ""
                )
                for c, n in sorted(values.get("gender", {}).items())
            ],
        ),
        Panel(
            "type",
            "党员类型",
            "pie",
            [
                PanelRow(
                    MemberType(t).label, values.get("type", {}).get(t, 0), link=link(member_type=t)
                )
                for t in MemberType.values
            ],
        ),
        Panel(
            "ethnicity",
            "民族",
            "pie",
            [
                PanelRow(
                    ethnicities.get(c, "未填写"),
                    n,
                    link=link(ethnicity=c) if c != structure.NONE else "",
                )
                for c, n in sorted(values.get("ethnicity", {}).items(), key=lambda kv: -kv[1])
            ],
        ),
    ]
    by_group: dict[str, int] = defaultdict(int)
    for code, n in values.get("education", {}).items():
        by_group[education_group(None if code == structure.NONE else code)] += n
    labels = {key: label for key, label, _p in EDUCATION_GROUPS} | {"edu_none": "其他或未填"}
    panels.append(
        Panel("education", "学历", "bar", [PanelRow(labels[k], by_group.get(k, 0)) for k in labels])
    )
    jobs = values.get("job", {})  # stored by occupation class
    panels.append(
        Panel(
            "job",
            "工作岗位（职业）",
            "bar",
            [PanelRow(label, jobs.get(code, 0)) for code, label in JOB_CLASSES]
            + [PanelRow("未填写", jobs.get(structure.NONE, 0))],
        )
    )
    decades = sorted((int(d), n) for d, n in values.get("joined", {}).items())  # stored by decade
    panels.append(
        Panel(
            "joined",
            "入党年份",
            "bar",
            [PanelRow(f"{d}年代" if d else "未填写", n) for d, n in decades],
        )
    )
    return Section("members", "党员队伍结构", [p.finish() for p in panels], link=link())


def org_section(org: Organization, values: Counts) -> Section:
    categories = code_labels("org_category")
    kinds = values.get("org_kind", {})
    stars = values.get("stars", {})
    terms = values.get("term", {})
    panels = [
        Panel(
            "org_category",
            "党组织类别",
            "pie",
            [
                PanelRow(categories.get(c, "未填写"), n)
                for c, n in sorted(values.get("org_category", {}).items())
            ],
        ),
        Panel(
            "org_kind",
            "党组织层级",
            "bar",
            [PanelRow(OrgKind(k).label, kinds[k]) for k in OrgKind.values if kinds.get(k)],
        ),
        Panel(
            "term",
            "班子换届",
            "pie",
            [PanelRow(label, terms.get(k, 0)) for k, label in TERM_LABELS.items()],
        ),
        Panel(
            "stars",
            "星级评定（最近确认年度）",
            "bar",
            [PanelRow(f"{s}星", stars.get(str(s), 0)) for s in range(5, 0, -1)],
        ),
    ]
    headlines = [Headline("已到期未换届", str(terms.get("overdue", 0)), _link("orgs:tree"))]
    return Section("orgs", "党组织", [p.finish() for p in panels], headlines=headlines)


def life_section(org: Organization, values: Counts, today: date) -> Section:
    cells = values.get("life", {})
    compliance = _link("life:compliance", org=org.pk, year=today.year)
    rows = [
        PanelRow(
            label,
            cells.get(state, 0),
            link=_link("life:compliance", org=org.pk, year=today.year, problems=1)
            if state in ("overdue", "due")
            else compliance,
        )
        for state, label in LIFE_LABELS.items()
    ]
    done, overdue = cells.get("done", 0), cells.get("overdue", 0)
    return Section(
        "life",
        f"组织生活（{today.year}年）",
        [Panel("life", "三会一课等组织生活开展情况（按应开展期次）", "pie", rows).finish()],
        headlines=[Headline("开展率（已开展÷已到期）", _percent(done, done + overdue), compliance)],
        link=compliance,
        note="开展率＝已开展期次÷（已开展＋逾期未开展），期内尚未到期的不计。",
    )


def development_section(user: User, org: Organization, values: Counts, today: date) -> Section:
    from zugong.development.models import CaseStatus, DevelopmentPlan, Stage
    from zugong.development.selectors import plan_for, plan_used

    stages = values.get("dev_stage", {})
    pipeline = Panel(
        "dev_stage",
        "发展党员工作进度（进行中）",
        "bar",
        [
            PanelRow(
                label,
                stages.get(str(value), 0),
                link=_link(
                    "development:case_list", org=org.pk, stage=value, status=CaseStatus.OPEN
                ),
            )
            for value, label in Stage.choices
        ],
    ).finish()
    # The scope's own plan and its children's: a province would otherwise list every plan.
    plans = list(
        DevelopmentPlan.objects.filter(Q(org=org) | Q(org__parent=org), year=today.year)
        .select_related("org")
        .order_by("org_path")
    )
    if not plans:
        above = plan_for(org.path, today.year)
        if above is not None and user.scope.contains(above.org_path):
            plans = [above]
    stored = structure.counts([p.org_id for p in plans], ["dev_admitted"])
    rows = []
    for plan in plans:
        used = stored.get(plan.org_id, {}).get("dev_admitted", {}).get(str(today.year))
        if used is None and plan.org.kind not in structure.STORED_KINDS:
            used = plan_used(plan)
        rows.append(PanelRow(plan.org.name, used or 0, target=plan.quota))
    plan_panel = Panel(
        "dev_plan",
        f"{today.year}年发展计划使用（已接收预备党员÷计划数）",
        "target",
        rows,
        with_total=False,
    ).finish()
    return Section(
        "development",
        "发展党员",
        [pipeline, plan_panel],
        headlines=[
            Headline(
                "进行中",
                str(pipeline.total),
                _link("development:case_list", org=org.pk, status=CaseStatus.OPEN),
            )
        ],
        link=_link("development:plans", year=today.year),
    )


def dues_section(org: Organization, values: Counts, today: date) -> Section:
    dues = values.get("dues", {})
    due, paid = dues.get("due_count", 0), dues.get("paid_count", 0)

    def yuan(key: str) -> Decimal:
        return Decimal(dues.get(key, 0)) / 100

    report = (
        reverse("dues:report", args=[org.pk]) + "?" + urlencode({"year": today.year, "month": ""})
    )
    people = Panel(
        "dues_count",
        f"党费收缴人次（{today.year}年1—{today.month}月）",
        "pie",
        [PanelRow("已交", paid, link=report), PanelRow("未交", max(due - paid, 0), link=report)],
    ).finish()
    money = Panel(
        "dues_amount",
        "党费金额（元）",
        "bar",
        [
            PanelRow("应交", yuan("due_fen")),
            PanelRow("实交", yuan("paid_fen")),
            PanelRow("欠交", max(yuan("due_fen") - yuan("covered_fen"), Decimal(0))),
        ],
        unit="元",
        with_total=False,
    ).finish()
    return Section(
        "dues",
        "党费收缴",
        [people, money],
        headlines=[Headline("收缴率（人次）", _percent(paid, due), report)],
        link=report,
    )


def talent_section(user: User, org: Organization, values: Counts, today: date) -> Section | None:
    from zugong.talents.access import can_read_talents
    from zugong.talents.fund_selectors import can_read_fund
    from zugong.talents.models import FundBudget, TalentCategory

    if not can_read_talents(user):
        return None
    talents = values.get("talent", {})
    panels = [
        Panel(
            "talent",
            "人才底数（在库，按类别）",
            "pie",
            [
                PanelRow(
                    label,
                    talents.get(value, 0),
                    link=_link("talents:list", org=org.pk, category=value),
                )
                for value, label in TalentCategory.choices
            ],
        ).finish()
    ]
    headlines = [Headline("在库人才", str(panels[0].total), _link("talents:list", org=org.pk))]
    if can_read_fund(user):
        sums = FundBudget.objects.filter(year=today.year, org_path__startswith=org.path).aggregate(
            amount=Sum("amount"), allocated=Sum("allocated"), spent=Sum("spent")
        )
        budget = money(Decimal(sums["amount"] or 0))
        spent = money(Decimal(sums["spent"] or 0))
        usage = _link("talents:fund_usage", year=today.year)
        panels.append(
            Panel(
                "fund",
                f"人才专项资金（{today.year}年，元）",
                "bar",
                [
                    PanelRow(
                        "年度预算", budget, link=_link("talents:fund_budget_list", year=today.year)
                    ),
                    PanelRow("已分配", money(Decimal(sums["allocated"] or 0)), link=usage),
                    PanelRow("已拨付", spent, link=_link("talents:fund_disbursement_list")),
                ],
                unit="元",
                with_total=False,
            ).finish()
        )
        headlines.append(Headline("资金拨付率", _percent(float(spent), float(budget)), usage))
    return Section(
        "talents", "人才工作", panels, headlines=headlines, link=_link("talents:statistics")
    )


def campaign_section(user: User, today: date) -> Section | None:
    from zugong.campaigns.access import can_read
    from zugong.campaigns.selectors import progress

    if not can_read(user):
        return None
    result = progress(user, today.year)
    link = _link("campaigns:progress", year=today.year)
    rows = [
        PanelRow(r.campaign.kind.name, r.named, link=link, target=r.target) for r in result.rows
    ]
    panel = Panel(
        "campaigns",
        f"示范创建进度（{today.year}年，已命名÷目标数）",
        "target",
        rows,
        with_total=False,
    ).finish()
    return Section(
        "campaigns",
        "示范创建",
        [panel],
        headlines=[Headline("已命名／目标", f"{result.named_total}／{result.target_total}", link)],
        link=link,
        note="按本账号的管理范围统计。",
    )


# --- cadres and supervision --------------------------------------------------------------------


def cadre_section(unit: Any, values: Counts) -> Section:
    from zugong.cadres.growth_rules import RESERVE_LEVELS
    from zugong.cadres.models import PostLevel

    levels = dict(PostLevel.choices)

    def link(**params: object) -> str:
        return _link("cadres:cadre_list", unit=unit.pk, **params)

    ages = values.get("c_age", {})
    by_level = values.get("c_level", {})
    young = values.get("c_young", {})
    quotas = values.get("c_quota", {})
    held = values.get("c_held", {})
    order = [v for v in PostLevel.values if v in by_level] + (
        [structure.NONE] if structure.NONE in by_level else []
    )
    panels = [
        _age_panel("c_age", "干部年龄结构", ages, link),
        Panel(
            "c_gender",
            "干部性别",
            "pie",
            [
                PanelRow(g, values.get("c_gender", {}).get(g, 0), link=link(gender=g))
                for g in ("男", "女")
            ],
        ),
        Panel(
            "c_level",
            "职务层次",
            "bar",
            [
                PanelRow(
                    levels.get(v, "无领导职务"),
                    by_level[v],
                    link=link(level=v) if v != structure.NONE else "",
                )
                for v in order
            ],
        ),
        Panel(
            "c_young",
            "年轻干部（在后备干部年龄线内÷该层次干部）",
            "target",
            [
                PanelRow(
                    levels[v],
                    young.get(v, 0),
                    link=link(level=v, young=1),
                    target=by_level.get(v, 0),
                )
                for v in RESERVE_LEVELS
            ],
            with_total=False,
        ),
        Panel(
            "c_staffing",
            "职数使用（实配÷核定）",
            "target",
            [
                PanelRow(
                    levels.get(v, v),
                    held.get(v, 0),
                    link=_link("cadres:staffing", unit=unit.pk),
                    target=quotas.get(v),
                )
                for v in PostLevel.values
                if v in quotas or v in held
            ],
            with_total=False,
        ),
    ]
    over = sum(max(held.get(v, 0) - n, 0) for v, n in quotas.items())
    total = sum(by_level.values())
    return Section(
        "cadres",
        f"干部队伍（{unit.name}）",
        [p.finish() for p in panels],
        headlines=[
            Headline("在职干部", str(total), link()),
            Headline("超职数配备", str(over), _link("cadres:staffing", unit=unit.pk)),
        ],
        link=_link("cadres:stats", unit=unit.pk),
    )


def supervision_section(today: date) -> Section:
    from zugong.supervision.models import OPEN_STATES, Report, ReportState

    states = dict(Report.objects.values_list("state").annotate(n=Count("id")).order_by())
    overdue = Report.objects.filter(state__in=OPEN_STATES, step_due_on__lt=today).count()
    panel = Panel(
        "sv_state",
        "举报件（按办理状态）",
        "pie",
        [
            PanelRow(label, states.get(value, 0), link=_link("supervision:case_list", state=value))
            for value, label in ReportState.choices
        ],
    ).finish()
    overdue_link = _link("supervision:case_list", overdue=1)
    return Section(
        "supervision",
        "群众监督",
        [panel],
        headlines=[
            Headline(
                "办理中",
                str(sum(states.get(s, 0) for s in OPEN_STATES)),
                _link("supervision:case_list"),
            ),
            Headline("逾期未办结", str(overdue), overdue_link),
        ],
        link=_link("supervision:stats"),
        note="只统计件数，不显示举报内容。",
    )


# --- the cockpit --------------------------------------------------------------------------------


@dataclass
class Cockpit:
    org: Organization | None
    unit: Any  # zugong.cadres.models.Unit | None
    as_of: date | None
    sections: list[Section]
    children: list[tuple[Organization, int]] = field(default_factory=list)
    unit_children: list[tuple[Any, int]] = field(default_factory=list)

    @property
    def has_party(self) -> bool:
        return any(s.key in PARTY_SECTIONS for s in self.sections)

    def panels(self) -> Iterable[tuple[Section, Panel]]:
        for section in self.sections:
            for panel in section.panels:
                yield section, panel

    def charts(self) -> dict[str, Any]:
        specs = {p.key: p.spec() for _s, p in self.panels()}
        if self.children:
            specs["children"] = {
                "type": "bar",
                "labels": [o.short_name or o.name for o, _n in self.children],
                "values": [n for _o, n in self.children],
            }
        return specs


def sections_for(user: User) -> tuple[str, ...]:
    return ROLE_SECTIONS.get(user.role, ())


# What the party sections read of the scope root's roll-up.
PARTY_DIMENSIONS = (
    *structure.MEMBER_DIMENSIONS,
    "org_category",
    "org_kind",
    "term",
    "stars",
    "life",
    "dev_stage",
    "dues",
    "talent",
)
CADRE_DIMENSIONS = ("c_age", "c_gender", "c_level", "c_young", "c_quota", "c_held")


def _stored_as_of() -> date | None:
    build = structure.latest_build()
    return build.as_of if build else None


def party_values(org: Organization, today: date) -> tuple[Counts, date | None]:
    """The scope root's counts: stored for a committee, live for a single branch."""
    if org.kind not in structure.STORED_KINDS:
        return structure.live_counts(org.path, today), today
    values = structure.counts([org.pk], PARTY_DIMENSIONS).get(org.pk, {})
    return values, _stored_as_of()


def build(
    user: User,
    org: Organization | None,
    org_children: list[Organization],
    unit: Any,
    today: date,
) -> Cockpit:
    """The sections the account's role sees, for an organization (with its children, roll-ups
    loaded) and/or a cadre unit, both already checked against the account's scopes."""
    wanted = sections_for(user)
    sections: list[Section] = []
    as_of = None
    children: list[tuple[Organization, int]] = []
    if org is not None and any(k in PARTY_SECTIONS for k in wanted):
        values, as_of = party_values(org, today)
        builders: dict[str, Callable[[], Section | None]] = {
            "members": lambda: member_section(org, values),
            "orgs": lambda: (
                org_section(org, values) if org.kind in structure.STORED_KINDS else None
            ),
            "life": lambda: life_section(org, values, today),
            "development": lambda: development_section(user, org, values, today),
            "dues": lambda: dues_section(org, values, today),
            "talents": lambda: talent_section(user, org, values, today),
            "campaigns": lambda: campaign_section(user, today),
        }
        for key in wanted:
            section = builders[key]() if key in builders else None
            if section is not None:
                sections.append(section)
        children = [(c, c.rollup.members_total) for c in org_children]
    unit_children: list[tuple[Any, int]] = []
    if unit is not None and "cadres" in wanted:
        from zugong.cadres.models import Unit

        kids = list(Unit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "path"))
        own = structure.counts([unit.pk], CADRE_DIMENSIONS, tree=RollupTree.UNIT)
        sections.append(cadre_section(unit, own.get(unit.pk, {})))
        # The children need their totals only: every cadre has one 职务层次 value.
        levels = structure.counts([u.pk for u in kids], ["c_level"], tree=RollupTree.UNIT)
        unit_children = [(u, sum(levels.get(u.pk, {}).get("c_level", {}).values())) for u in kids]
        if as_of is None:
            as_of = _stored_as_of()
    if "supervision" in wanted:
        from zugong.supervision.case_selectors import sees_queue

        if sees_queue(user):
            sections.append(supervision_section(today))
    return Cockpit(
        org=org,
        unit=unit,
        as_of=as_of,
        sections=sections,
        children=children,
        unit_children=unit_children,
    )
