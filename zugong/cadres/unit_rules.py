"""职数 checks: a unit whose current holders at a level exceed the approved 职数 (超职数配备).

Subject: a Unit. The numbers come from unit_selectors.staffing_counts, preloaded per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zugong.accounts.models import cadre_finding_path
from zugong.cadres.models import PostLevel, Unit
from zugong.core.rules.engine import Citation, Rule, RuleContext, Verdict
from zugong.core.rules.registry import SubjectKind, register_rule, register_subject_kind

UNIT_KIND = "cadre_unit"
# Findings carry a path for the to-do lists. The party side filters findings by its organization
# paths, which share the unit tree's path format: a prefix keeps unit findings out of its lists.

QUOTA_CITATION = Citation(
    "党政领导干部选拔任用工作条例（2019年）",
    "关于按照机构编制部门核定的领导职数配备干部的规定（条文待核实）",
)


def _preload(ctx: RuleContext, units: Sequence[Unit]) -> None:
    from zugong.cadres.unit_selectors import staffing_counts

    ctx.data["cadre_staffing"] = staffing_counts([u.pk for u in units])


register_subject_kind(
    SubjectKind(
        name=UNIT_KIND,
        label=lambda u: u.name,
        org_path=lambda u: cadre_finding_path(u.path),
        preload=_preload,
        queryset=lambda: Unit.objects.filter(is_active=True),
        url_name="cadres:unit_detail",
        title="单位职数",
    )
)


def _quota_exceeded(unit: Unit, ctx: RuleContext) -> Iterable[Verdict]:
    counts = ctx.data.get("cadre_staffing", {}).get(unit.pk, {})
    for level, (approved, occupied) in sorted(counts.items()):
        if approved is not None and occupied > approved:
            yield Verdict(
                f"{PostLevel(level).label}核定职数{approved}名，实配{occupied}名，"
                f"超职数配备{occupied - approved}名"
            )


register_rule(
    Rule(
        id="cadres.quota_exceeded",
        title="超职数配备领导干部",
        subject_type=UNIT_KIND,
        citation=QUOTA_CITATION,
        check=_quota_exceeded,
        severity="warn",
        status="unconfirmed",
    )
)
