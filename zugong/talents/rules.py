"""Checks of talent records: the configurable 高层次人才 tiers, and grants that no longer meet the
conditions of their policy item.

The tiers of 高层次人才 are local (each county or city publishes its own 分类目录); there is no
national list. Zugong ships A/B/C/D as the default of the parameter ``tiers`` of
talents.high_level_tiers, marked unconfirmed; an administrator replaces it with the local
catalogue (a list of [code, label] pairs) through a RuleParameter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind

TALENT_KIND = "talent"

LOCAL_CATALOGUE = Citation(
    "本地高层次人才分类目录（各地自定，非全国统一标准；默认A/B/C/D四类，待按本地目录确认）",
    "人才分类认定",
)
LOCAL_POLICY = Citation(
    "本县人才政策（若干措施）", "各政策事项的享受条件（以事项登记的依据条款为准）"
)

DEFAULT_TIERS = [
    ["A", "A类（国内外顶尖人才）"],
    ["B", "B类（国家级领军人才）"],
    ["C", "C类（省级领军人才）"],
    ["D", "D类（地方高级人才）"],
]


def _preload(ctx: RuleContext, talents: Sequence[Any]) -> None:
    from zugong.talents.models import Grant

    grants: dict[int, list[Any]] = defaultdict(list)
    for g in Grant.objects.filter(talent_id__in=[t.pk for t in talents]).select_related(
        "item__policy"
    ):
        grants[g.talent_id].append(g)
    ctx.data["talent_grants"] = grants
    if "tier_labels" not in ctx.data:
        ctx.data["tier_labels"] = dict(tier_pairs(ctx))


def _all_talents() -> Any:
    from zugong.talents.models import Talent

    return Talent.objects.all()


register_subject_kind(
    SubjectKind(
        name=TALENT_KIND,
        label=lambda t: t.name,
        org_path=lambda t: t.org_path,
        preload=_preload,
        queryset=_all_talents,
        url_name="talents:detail",
        title="人才",
    )
)


@rule(
    id="talents.high_level_tiers",
    title="高层次人才须按本地分类目录标注层次",
    subject_type=TALENT_KIND,
    citation=LOCAL_CATALOGUE,
    severity="warn",
    status="unconfirmed",
    params={"tiers": DEFAULT_TIERS},
)
def high_level_tiers(talent: Any, ctx: RuleContext) -> Iterable[Verdict]:
    labels = ctx.data.get("tier_labels") or dict(tier_pairs(ctx))
    if talent.status != "active":
        return
    if talent.category == "high_level" and talent.tier not in labels:
        shown = f"“{talent.tier}”不在本地分类目录中" if talent.tier else "未标注层次"
        yield Verdict(f"高层次人才{shown}（可选：{'、'.join(labels.values())}）")
    elif talent.category != "high_level" and talent.tier:
        yield Verdict(f"非高层次人才标注了层次“{talent.tier}”，请核对人才类别")


@rule(
    id="talents.grant_conditions_unmet",
    title="正在享受的政策事项已不符合享受条件",
    subject_type=TALENT_KIND,
    citation=LOCAL_POLICY,
    severity="warn",
    status="unconfirmed",
)
def grant_conditions_unmet(talent: Any, ctx: RuleContext) -> Iterable[Verdict]:
    from zugong.talents.eligibility import unmet_conditions

    labels = ctx.data.get("tier_labels") or {}
    for grant in ctx.data.get("talent_grants", {}).get(talent.pk, []):
        if not grant.current_on(ctx.today):
            continue
        unmet = [
            u
            for u in unmet_conditions(talent, grant.item, ctx.today, labels)
            # A policy that expired ends new grants, not those already made under it.
            if u.key != "policy"
        ]
        if unmet:
            yield Verdict(
                f"正在享受的“{grant.item.name}”已不符合条件：" + "；".join(str(u) for u in unmet)
            )


def tier_pairs(ctx: RuleContext | None = None, on: date | None = None) -> list[tuple[str, str]]:
    """The configured tiers as (code, label) pairs: the parameter in force, else A/B/C/D."""
    ctx = ctx or RuleContext(on)
    value = ctx.param(high_level_tiers, "tiers")
    pairs: list[tuple[str, str]] = []
    if isinstance(value, dict):
        pairs = [(str(k), str(v)) for k, v in value.items()]
    elif isinstance(value, list):
        for entry in value:
            if isinstance(entry, list | tuple) and len(entry) == 2:
                pairs.append((str(entry[0]), str(entry[1])))
            elif isinstance(entry, str):
                pairs.append((entry, entry))
    return pairs or [(code, label) for code, label in DEFAULT_TIERS]


from zugong.talents import package_rules  # noqa: E402, F401 - registers talents.service_overdue
