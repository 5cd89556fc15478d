"""驾驶舱: the picture of one scope at a glance, built from the structure roll-up.

Each panel is a list of rows (label, count, share, the member-list link behind the number) that
the page shows as an ECharts chart beside its table and the export writes out. A panel reads the
scope root's roll-up rows and, for the breakdown by subordinate organization, the children's:
the cost is the organizations shown, not the members under them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from zugong.core.selectors import cached_code_items
from zugong.members.models import MemberType
from zugong.members.selectors import AGE_BAND_LABELS
from zugong.orgs.models import Organization, OrgKind
from zugong.stats import structure
from zugong.stats.tables import EDUCATION_GROUPS, JOB_CLASSES, education_group

MEMBER_DIMENSIONS = ("age", "gender", "ethnicity", "education", "job", "joined", "type")
ORG_DIMENSIONS = ("org_category", "org_kind", "term", "stars")
TERM_LABELS = {"overdue": "已到期未换届", "soon": "180天内到期", "ok": "任期内"}


@dataclass
class PanelRow:
    label: str
    count: int
    share: float = 0.0
    link: str = ""


@dataclass
class Panel:
    key: str
    title: str
    chart: str  # pie | bar
    rows: list[PanelRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)

    def finish(self) -> Panel:
        total = self.total
        for row in self.rows:
            row.share = round(100 * row.count / total, 1) if total else 0.0
        return self

    def spec(self) -> dict:
        return {
            "type": self.chart,
            "labels": [r.label for r in self.rows],
            "values": [r.count for r in self.rows],
        }


def code_labels(table: str) -> dict[str, str]:
    """Code → name for one code table (from the per-process cache of the code tables)."""
    return {item.code: item.name for item in cached_code_items(table)}


def _members_link(org: Organization, **params: object) -> str:
    return reverse("members:list") + "?" + urlencode({"org": org.pk, **params})


def member_panels(org: Organization, values: dict[str, dict[str, int]]) -> list[Panel]:
    genders = code_labels("gender")
    ethnicities = code_labels("ethnicity")

    def link(**params: object) -> str:
        return _members_link(org, **params)

    panels = [
        Panel(
            "age",
            "年龄结构",
            "bar",
            [
                PanelRow(label, values.get("age", {}).get(key, 0), link=link(age_band=key))
                for key, label in AGE_BAND_LABELS.items()
            ],
        ),
        Panel(
            "gender",
            "性别",
            "pie",
            [
                PanelRow(
                    genders.get(code, "未填写"), n, link=link(gender=code) if code != "none" else ""
                )
                for code, n in sorted(values.get("gender", {}).items())
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
    ]
    ethnic = sorted(values.get("ethnicity", {}).items(), key=lambda kv: -kv[1])
    panels.append(
        Panel(
            "ethnicity",
            "民族",
            "pie",
            [
                PanelRow(
                    ethnicities.get(code, "未填写"),
                    n,
                    link=link(ethnicity=code) if code != "none" else "",
                )
                for code, n in ethnic
            ],
        )
    )
    by_group: dict[str, int] = defaultdict(int)
    for code, n in values.get("education", {}).items():
        by_group[education_group(None if code == "none" else code)] += n
    labels = {key: label for key, label, _p in EDUCATION_GROUPS} | {"edu_none": "其他或未填"}
    panels.append(
        Panel(
            "education",
            "学历",
            "bar",
            [PanelRow(labels[k], by_group.get(k, 0)) for k in labels],
        )
    )
    by_class: dict[str, int] = defaultdict(int)
    for code, n in values.get("job", {}).items():
        by_class[code[:2] if code != "none" else "none"] += n
    panels.append(
        Panel(
            "job",
            "工作岗位（职业）",
            "bar",
            [PanelRow(label, by_class.get(code, 0)) for code, label in JOB_CLASSES]
            + [PanelRow("未填写", by_class.get("none", 0))],
        )
    )
    by_decade: dict[int, int] = defaultdict(int)
    for year, n in values.get("joined", {}).items():
        by_decade[int(year) // 10 * 10] += n
    panels.append(
        Panel(
            "joined",
            "入党年份",
            "bar",
            [PanelRow(f"{d}年代" if d else "未填写", n) for d, n in sorted(by_decade.items())],
        )
    )
    return [p.finish() for p in panels]


def org_panels(values: dict[str, dict[str, int]]) -> list[Panel]:
    categories = code_labels("org_category")
    stars = values.get("stars", {})
    return [
        p.finish()
        for p in (
            Panel(
                "org_category",
                "党组织类别",
                "pie",
                [
                    PanelRow(categories.get(code, "未填写"), n)
                    for code, n in sorted(values.get("org_category", {}).items())
                ],
            ),
            Panel(
                "org_kind",
                "党组织层级",
                "bar",
                [
                    PanelRow(OrgKind(k).label, values.get("org_kind", {}).get(k, 0))
                    for k in OrgKind.values
                    if values.get("org_kind", {}).get(k)
                ],
            ),
            Panel(
                "term",
                "班子换届",
                "pie",
                [
                    PanelRow(label, values.get("term", {}).get(k, 0))
                    for k, label in TERM_LABELS.items()
                ],
            ),
            Panel(
                "stars",
                "星级评定（最近确认年度）",
                "bar",
                [PanelRow(f"{s}星", stars.get(str(s), 0)) for s in range(5, 0, -1)],
            ),
        )
    ]


@dataclass
class Cockpit:
    org: Organization
    as_of: date | None
    member_panels: list[Panel]
    org_panels: list[Panel]
    children: list[tuple[Organization, int]]

    def charts(self) -> dict:
        specs = {p.key: p.spec() for p in (*self.member_panels, *self.org_panels)}
        specs["children"] = {
            "type": "bar",
            "labels": [o.short_name or o.name for o, _n in self.children],
            "values": [n for _o, n in self.children],
        }
        return specs


def build(org: Organization, children: list[Organization], today: date) -> Cockpit:
    """The scope root's panels: from the roll-up for a committee, live for a single branch."""
    if org.kind in structure.STORED_KINDS:
        stored = structure.counts([org.pk], (*MEMBER_DIMENSIONS, *ORG_DIMENSIONS))
        values = stored.get(org.pk, {})
        build_row = structure.latest_build()
        as_of = build_row.as_of if build_row else None
    else:
        values = structure.live_counts(org.path, today, MEMBER_DIMENSIONS)
        as_of = today
    return Cockpit(
        org=org,
        as_of=as_of,
        member_panels=member_panels(org, values),
        org_panels=org_panels(values) if org.kind in structure.STORED_KINDS else [],
        children=[(c, c.rollup.members_total) for c in children],
    )
