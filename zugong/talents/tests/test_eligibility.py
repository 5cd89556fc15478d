"""Eligibility as data: every condition at its edges (the day before, on and after a bound; a
value inside and outside a list), on unsaved records — no database needed."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zugong.talents.eligibility import (
    clean_eligibility,
    describe,
    full_years,
    unmet_conditions,
)
from zugong.talents.models import Policy, PolicyItem, Talent

POLICY = Policy(title="县人才新政", issued_on=date(2020, 1, 1), effective_from=date(2020, 2, 1))
TIERS = {"A": "A类", "B": "B类", "C": "C类", "D": "D类"}


def person(**kw) -> Talent:
    fields = {
        "name": "王博士",
        "category": "high_level",
        "tier": "B",
        "field": "医疗卫生",
        "education": "master",
        "recruit_mode": "introduced",
        "arrived_on": date(2021, 3, 10),
        "birth_date": date(1990, 6, 15),
        "status": "active",
    }
    fields.update(kw)
    return Talent(**fields)


def unmet(talent: Talent, rules: dict, on: date, policy: Policy = POLICY) -> list[str]:
    item = PolicyItem(name="生活补贴", eligibility=rules, is_active=True)
    return [u.key for u in unmet_conditions(talent, item, on, TIERS, policy=policy)]


def messages(talent: Talent, rules: dict, on: date) -> list[str]:
    item = PolicyItem(name="生活补贴", eligibility=rules, is_active=True)
    return [str(u) for u in unmet_conditions(talent, item, on, TIERS, policy=POLICY)]


def test_no_conditions_means_everyone_in_the_pool():
    assert unmet(person(), {}, date(2026, 1, 1)) == []


# --- 来县满 N 年 (lower bound): the N-th anniversary is the first qualifying day ---------------


@pytest.mark.parametrize(
    ("on", "ok"),
    [(date(2024, 3, 9), False), (date(2024, 3, 10), True), (date(2024, 3, 11), True)],
)
def test_min_years_at_the_anniversary(on, ok):
    assert (unmet(person(), {"min_years_in_county": 3}, on) == []) is ok


def test_min_years_message_names_the_condition_and_the_years():
    (msg,) = messages(person(), {"min_years_in_county": 3}, date(2024, 3, 9))
    assert "来县年限（下限）" in msg and "须来县满3年" in msg and "满2年" in msg


# --- 来县不满 M 年 (upper bound): the M-th anniversary is the first day that no longer qualifies


@pytest.mark.parametrize(
    ("on", "ok"),
    [(date(2026, 3, 9), True), (date(2026, 3, 10), False), (date(2026, 3, 11), False)],
)
def test_max_years_at_the_anniversary(on, ok):
    assert (unmet(person(), {"max_years_in_county": 5}, on) == []) is ok


def test_a_window_of_years_is_closed_below_and_open_above():
    rules = {"min_years_in_county": 1, "max_years_in_county": 3}
    assert unmet(person(), rules, date(2022, 3, 9)) == ["min_years_in_county"]
    assert unmet(person(), rules, date(2022, 3, 10)) == []
    assert unmet(person(), rules, date(2024, 3, 9)) == []
    assert unmet(person(), rules, date(2024, 3, 10)) == ["max_years_in_county"]


def test_years_without_an_arrival_date_cannot_be_met():
    assert unmet(person(arrived_on=None), {"max_years_in_county": 5}, date(2024, 1, 1)) == [
        "max_years_in_county"
    ]


def test_a_29_february_arrival_completes_its_year_on_1_march():
    t = person(arrived_on=date(2024, 2, 29))
    assert full_years(date(2024, 2, 29), date(2025, 2, 28)) == 0
    assert unmet(t, {"min_years_in_county": 1}, date(2025, 2, 28)) == ["min_years_in_county"]
    assert unmet(t, {"min_years_in_county": 1}, date(2025, 3, 1)) == []


# --- 年龄不超过 X 周岁: qualifies up to the day before the (X+1)-th birthday ----------------------


@pytest.mark.parametrize(
    ("on", "ok"),
    [(date(2026, 6, 14), True), (date(2026, 6, 15), False), (date(2026, 6, 16), False)],
)
def test_max_age_at_the_birthday(on, ok):
    # Born 1990-06-15: 35 until 2026-06-14, 36 from 2026-06-15.
    assert (unmet(person(), {"max_age": 35}, on) == []) is ok


# --- lists: in / out ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "ok"), [("high_level", True), ("young", True), ("rural_practical", False)]
)
def test_category_in_and_out(category, ok):
    t = person(category=category, tier="B" if category == "high_level" else "")
    assert (unmet(t, {"categories": ["high_level", "young"]}, date(2025, 1, 1)) == []) is ok


@pytest.mark.parametrize(("tier", "ok"), [("A", True), ("B", True), ("C", False), ("", False)])
def test_tier_in_and_out(tier, ok):
    rules = {"categories": ["high_level"], "tiers": ["A", "B"]}
    assert (unmet(person(tier=tier), rules, date(2025, 1, 1)) == []) is ok


def test_tier_message_uses_the_configured_labels():
    (msg,) = messages(person(tier="C"), {"tiers": ["A", "B"]}, date(2025, 1, 1))
    assert msg == "不符合享受条件“人才层次”：限A类、B类，该人才为C类"


@pytest.mark.parametrize(("field", "ok"), [("医疗卫生", True), ("教育", False), ("", False)])
def test_field_in_and_out(field, ok):
    assert (unmet(person(field=field), {"fields": ["医疗卫生"]}, date(2025, 1, 1)) == []) is ok


@pytest.mark.parametrize(
    ("mode", "ok"), [("introduced", True), ("flexible", True), ("cultivated", False), ("", False)]
)
def test_recruit_mode_in_and_out(mode, ok):
    rules = {"recruit_modes": ["introduced", "flexible"]}
    assert (unmet(person(recruit_mode=mode), rules, date(2025, 1, 1)) == []) is ok


@pytest.mark.parametrize(
    ("education", "ok"),
    [("doctor", True), ("master", True), ("bachelor", True), ("college", False), ("", False)],
)
def test_min_education_at_and_below(education, ok):
    rules = {"min_education": "bachelor"}
    assert (unmet(person(education=education), rules, date(2025, 1, 1)) == []) is ok


# --- the implicit conditions ----------------------------------------------------------------


def test_a_talent_who_left_qualifies_for_nothing():
    t = person(status="left", left_on=date(2025, 1, 1))
    assert unmet(t, {}, date(2025, 2, 1)) == ["status"]


@pytest.mark.parametrize(
    ("on", "ok"),
    [
        (date(2020, 1, 31), False),
        (date(2020, 2, 1), True),
        (date(2025, 12, 31), True),
        (date(2026, 1, 1), False),
    ],
)
def test_the_policy_period_at_both_ends(on, ok):
    policy = Policy(
        title="限期政策",
        issued_on=date(2020, 1, 1),
        effective_from=date(2020, 2, 1),
        effective_until=date(2025, 12, 31),
    )
    t = person(arrived_on=date(2019, 1, 1))
    assert (unmet(t, {}, on, policy) == []) is ok


def test_every_unmet_condition_is_reported_at_once():
    t = person(category="young", tier="", field="教育", education="college", recruit_mode="")
    rules = {
        "categories": ["high_level"],
        "fields": ["医疗卫生"],
        "recruit_modes": ["introduced"],
        "min_education": "bachelor",
        "min_years_in_county": 10,
    }
    assert unmet(t, rules, date(2025, 1, 1)) == [
        "categories",
        "fields",
        "recruit_modes",
        "min_education",
        "min_years_in_county",
    ]


# --- storing conditions ---------------------------------------------------------------------


def test_clean_keeps_only_what_limits():
    assert clean_eligibility(
        {
            "categories": ["high_level"],
            "tiers": [],
            "fields": ["医疗卫生", "医疗卫生"],
            "max_age": "",
        },
        ["A", "B"],
    ) == {"categories": ["high_level"], "fields": ["医疗卫生"]}


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"categories": ["nobody"]}, "人才类别"),
        ({"tiers": ["Z"]}, "人才层次"),
        ({"min_education": "phd"}, "学历"),
        ({"max_age": "abc"}, "年龄"),
        ({"min_years_in_county": 5, "max_years_in_county": 5}, "上限"),
        ({"categories": ["young"], "tiers": ["A"]}, "只有高层次人才分层次"),
    ],
)
def test_clean_refuses_bad_conditions_naming_them(data, text):
    with pytest.raises(ValidationError) as exc:
        clean_eligibility(data, ["A", "B"])
    assert any(text in m for m in exc.value.messages)


def test_describe_in_words():
    assert describe(
        {"categories": ["high_level"], "tiers": ["A"], "max_years_in_county": 5}, TIERS
    ) == ["人才类别：高层次人才", "人才层次：A类", "来县不满5年"]
    assert describe({}) == ["不限条件"]
