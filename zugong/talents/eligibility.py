"""Eligibility as data: a policy item's conditions (PolicyItem.eligibility) and the check of one
talent against them on a date.

The conditions, every one optional (missing or empty = no limit):

- ``categories``: 人才类别 codes (TalentCategory), e.g. ["high_level"];
- ``tiers``: 高层次人才 tier codes (rule parameter talents.high_level_tiers), e.g. ["A", "B"];
- ``fields``: 专业领域 names, e.g. ["医疗卫生", "教育"];
- ``recruit_modes``: 引育方式 codes (RecruitMode), e.g. ["introduced"];
- ``min_education``: the lowest 最高学历 (Education code), e.g. "bachelor" = 本科及以上;
- ``min_years_in_county``: 来县满 N 年 (full years since arrived_on, N ≤ years);
- ``max_years_in_county``: 来县不满 M 年 (full years since arrived_on < M: the M-th anniversary
  is the first day that no longer qualifies);
- ``max_age``: 年龄不超过 X 周岁 (full years since the birth date in the 公民身份号码 ≤ X).

Besides these, a grant needs the talent in the pool (在库), the item enabled and its policy in
force on the date. Each unmet condition gives one Chinese message naming the condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from zugong.talents.models import (
    EDUCATION_RANK,
    Education,
    RecruitMode,
    TalentCategory,
    TalentStatus,
)

LIST_KEYS = ("categories", "tiers", "fields", "recruit_modes")
INT_KEYS = ("min_years_in_county", "max_years_in_county", "max_age")
KEYS = (*LIST_KEYS, "min_education", *INT_KEYS)

CONDITION_LABELS = {
    "categories": "人才类别",
    "tiers": "人才层次",
    "fields": "专业领域",
    "recruit_modes": "引育方式",
    "min_education": "学历",
    "min_years_in_county": "来县年限（下限）",
    "max_years_in_county": "来县年限（上限）",
    "max_age": "年龄",
    "status": "在库状态",
    "policy": "政策有效期",
    "active": "事项启用",
}

CATEGORY_LABELS = dict(TalentCategory.choices)
MODE_LABELS = dict(RecruitMode.choices)
EDUCATION_LABELS = dict(Education.choices)


def full_years(start: date, on: date) -> int:
    """Completed years from `start` to `on` (an anniversary completes one; 29 Feb → 1 Mar)."""
    years = on.year - start.year
    if (on.month, on.day) < (start.month, start.day):
        years -= 1
    return years


def _names(values: Iterable[str], labels: Mapping[str, str]) -> str:
    return "、".join(labels.get(v, v) for v in values)


@dataclass(frozen=True)
class Unmet:
    key: str
    message: str

    @property
    def label(self) -> str:
        return CONDITION_LABELS[self.key]

    def __str__(self) -> str:
        return f"不符合享受条件“{self.label}”：{self.message}"


def unmet_conditions(
    talent: Any,
    item: Any,
    on: date,
    tier_labels: Mapping[str, str] | None = None,
    *,
    policy: Any = None,
) -> list[Unmet]:
    """Every condition of `item` that `talent` does not meet on `on` (empty: eligible)."""
    tier_labels = tier_labels or {}
    rules: Mapping[str, Any] = item.eligibility or {}
    policy = policy if policy is not None else item.policy
    out: list[Unmet] = []
    if talent.status != TalentStatus.ACTIVE:
        out.append(Unmet("status", f"该人才状态为“{talent.get_status_display()}”，不在人才库中"))
    if not item.is_active:
        out.append(Unmet("active", f"政策事项“{item.name}”已停用"))
    if not policy.in_force(on):
        until = f"至{policy.effective_until:%Y-%m-%d}" if policy.effective_until else "起"
        out.append(
            Unmet(
                "policy",
                f"政策自{policy.effective_from:%Y-%m-%d}{until}施行，{on:%Y-%m-%d}不在施行期内",
            )
        )
    categories = rules.get("categories") or []
    if categories and talent.category not in categories:
        out.append(
            Unmet(
                "categories",
                f"限{_names(categories, CATEGORY_LABELS)}，该人才为{CATEGORY_LABELS.get(talent.category, talent.category)}",
            )
        )
    tiers = rules.get("tiers") or []
    if tiers and talent.tier not in tiers:
        has = tier_labels.get(talent.tier, talent.tier) if talent.tier else "未定层次"
        out.append(Unmet("tiers", f"限{_names(tiers, tier_labels)}，该人才为{has}"))
    fields = rules.get("fields") or []
    if fields and talent.field not in fields:
        out.append(
            Unmet("fields", f"限{'、'.join(fields)}领域，该人才为{talent.field or '未填写领域'}")
        )
    modes = rules.get("recruit_modes") or []
    if modes and talent.recruit_mode not in modes:
        has = MODE_LABELS.get(talent.recruit_mode, "未填写引育方式")
        out.append(Unmet("recruit_modes", f"限{_names(modes, MODE_LABELS)}人才，该人才为{has}"))
    min_education = rules.get("min_education") or ""
    if min_education:
        need = EDUCATION_RANK.get(min_education, 0)
        has_rank = EDUCATION_RANK.get(talent.education, -1) if talent.education else -1
        if has_rank < need:
            has = EDUCATION_LABELS.get(talent.education, "未填写学历")
            out.append(
                Unmet(
                    "min_education",
                    f"须{EDUCATION_LABELS.get(min_education, min_education)}及以上学历，该人才为{has}",
                )
            )
    low = rules.get("min_years_in_county")
    high = rules.get("max_years_in_county")
    if low is not None or high is not None:
        if talent.arrived_on is None:
            key = "min_years_in_county" if low is not None else "max_years_in_county"
            out.append(Unmet(key, "未填写来县（入库）日期，无法计算来县年限"))
        else:
            years = full_years(talent.arrived_on, on)
            since = f"{talent.arrived_on:%Y-%m-%d}来县，至{on:%Y-%m-%d}满{max(years, 0)}年"
            if low is not None and years < int(low):
                out.append(Unmet("min_years_in_county", f"须来县满{int(low)}年，该人才{since}"))
            if high is not None and years >= int(high):
                out.append(Unmet("max_years_in_county", f"须来县不满{int(high)}年，该人才{since}"))
    max_age = rules.get("max_age")
    if max_age is not None:
        if talent.birth_date is None:
            out.append(Unmet("max_age", "无出生日期，无法计算年龄"))
        else:
            age = full_years(talent.birth_date, on)
            if age > int(max_age):
                out.append(
                    Unmet(
                        "max_age", f"须不超过{int(max_age)}周岁，该人才至{on:%Y-%m-%d}为{age}周岁"
                    )
                )
    return out


def describe(
    rules: Mapping[str, Any] | None, tier_labels: Mapping[str, str] | None = None
) -> list[str]:
    """The conditions in words, for the item's page and the export."""
    rules = rules or {}
    tier_labels = tier_labels or {}
    parts = []
    if rules.get("categories"):
        parts.append(f"人才类别：{_names(rules['categories'], CATEGORY_LABELS)}")
    if rules.get("tiers"):
        parts.append(f"人才层次：{_names(rules['tiers'], tier_labels)}")
    if rules.get("fields"):
        parts.append(f"专业领域：{'、'.join(rules['fields'])}")
    if rules.get("recruit_modes"):
        parts.append(f"引育方式：{_names(rules['recruit_modes'], MODE_LABELS)}")
    if rules.get("min_education"):
        parts.append(f"学历：{EDUCATION_LABELS.get(rules['min_education'], '')}及以上")
    if rules.get("min_years_in_county") is not None:
        parts.append(f"来县满{rules['min_years_in_county']}年")
    if rules.get("max_years_in_county") is not None:
        parts.append(f"来县不满{rules['max_years_in_county']}年")
    if rules.get("max_age") is not None:
        parts.append(f"年龄不超过{rules['max_age']}周岁")
    return parts or ["不限条件"]


def clean_eligibility(data: Mapping[str, Any], tier_codes: Sequence[str]) -> dict[str, Any]:
    """The stored form of the conditions; a bad value raises ValidationError naming it."""
    errors: list[str] = []
    out: dict[str, Any] = {}
    allowed = {
        "categories": set(TalentCategory.values),
        "tiers": set(tier_codes),
        "recruit_modes": set(RecruitMode.values),
    }
    for key in LIST_KEYS:
        values = [str(v).strip() for v in (data.get(key) or []) if str(v).strip()]
        values = list(dict.fromkeys(values))
        if key in allowed:
            bad = [v for v in values if v not in allowed[key]]
            if bad:
                errors.append(f"享受条件“{CONDITION_LABELS[key]}”：“{'、'.join(bad)}”不是可选值")
        if values:
            out[key] = values
    education = (data.get("min_education") or "").strip()
    if education:
        if education not in Education.values:
            errors.append(f"享受条件“学历”：“{education}”不是可选值")
        out["min_education"] = education
    for key in INT_KEYS:
        value = data.get(key)
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors.append(f"享受条件“{CONDITION_LABELS[key]}”：“{value}”不是整数")
            continue
        if not 0 <= number <= 100:
            errors.append(f"享受条件“{CONDITION_LABELS[key]}”：应在0到100之间")
        out[key] = number
    low, high = out.get("min_years_in_county"), out.get("max_years_in_county")
    if low is not None and high is not None and high <= low:
        errors.append(
            f"享受条件“来县年限”：上限（不满{high}年）须大于下限（满{low}年），否则无人能享受"
        )
    if out.get("tiers") and out.get("categories") and "high_level" not in out["categories"]:
        errors.append(
            "享受条件“人才层次”：只有高层次人才分层次，限定层次时人才类别须包含高层次人才"
        )
    if errors:
        raise ValidationError(errors)
    return out
