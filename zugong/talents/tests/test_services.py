"""Writes of the pool and the policies: ID rules, tiers, scope, grants refused when a condition
is unmet (nothing written), grants that stop meeting their conditions become findings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from freezegun import freeze_time

from zugong.accounts.models import Role
from zugong.conftest import valid_id
from zugong.core.models import Finding, RuleParameter
from zugong.talents import services
from zugong.talents.models import Grant, Talent
from zugong.talents.rules import TALENT_KIND, tier_pairs
from zugong.talents.tests import support

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


@pytest.fixture
def office(users):
    return users[Role.TALENT_OFFICE]


def data(org, **kw):
    values = {
        "id_number": valid_id(date(1986, 4, 2)),
        "name": "单雄信",
        "category": "high_level",
        "tier": "A",
        "field": "医疗卫生",
        "employer": "县人民医院",
        "education": "doctor",
        "recruit_mode": "introduced",
        "arrived_on": date(2023, 7, 1),
        "policy": None,
        "phone": "13800001111",
        "status": "active",
        "left_on": None,
        "org": org,
    }
    values.update(kw)
    return values


@freeze_time(TODAY)
def test_save_talent_derives_identity_and_pinyin_and_keeps_history(tree, office):
    t = services.save_talent(actor=office, talent=None, **data(tree.town_a))
    assert (t.birth_date, t.gender, t.name_pinyin, t.name_initials) == (
        date(1986, 4, 2),
        "1",
        "shanxiongxin",
        "sxx",
    )
    assert t.org_path == tree.town_a.path and t.created_by == office
    services.save_talent(actor=office, talent=t, **data(tree.town_a, employer="县中医院"))
    assert t.history.count() == 2


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"id_number": "330102198604021230"}, "id_number", "校验位不正确"),
        ({"id_number": "12345"}, "id_number", "应为18位"),
        ({"tier": ""}, "tier", "须按本地分类目录选择层次"),
        ({"tier": "S"}, "tier", "“S”不在本地分类目录中"),
        ({"category": "young", "tier": "A"}, "tier", "只有高层次人才分层次"),
        ({"arrived_on": date(2026, 6, 2)}, "arrived_on", "不能晚于今天"),
        ({"status": "left"}, "left_on", "必须填写"),
        ({"left_on": date(2025, 1, 1)}, "left_on", "只有状态为“已离开”时"),
        ({"phone": "12ab"}, "phone", "7到12位数字"),
    ],
)
def test_save_talent_refuses_bad_input_naming_the_field(tree, office, changes, field, text):
    with pytest.raises(ValidationError) as exc:
        services.save_talent(actor=office, talent=None, **data(tree.town_a, **changes))
    assert any(text in m for m in exc.value.message_dict[field])
    assert not Talent.objects.exists()


@freeze_time(TODAY)
def test_the_same_id_number_cannot_be_entered_twice(tree, office):
    values = data(tree.town_a)
    services.save_talent(actor=office, talent=None, **values)
    with pytest.raises(ValidationError) as exc:
        services.save_talent(actor=office, talent=None, **dict(values, name="另一人"))
    assert "已有该号码" in exc.value.message_dict["id_number"][0]


@freeze_time(TODAY)
def test_writes_need_a_writer_role_and_the_scope(tree, users, office):
    with pytest.raises(PermissionDenied):
        services.save_talent(actor=users[Role.LEADER], talent=None, **data(tree.town_a))
    with pytest.raises(ValidationError) as exc:
        services.save_talent(actor=office, talent=None, **data(tree.other_branch))
    assert "不在您的管理范围内" in exc.value.message_dict["org"][0]
    outsider = support.talent(tree.other_branch)
    with pytest.raises(Http404):
        services.save_talent(actor=office, talent=outsider, **data(tree.town_a))


@freeze_time(TODAY)
def test_tiers_are_a_rule_parameter_with_a_local_override(tree, office):
    assert [code for code, _ in tier_pairs()] == ["A", "B", "C", "D"]
    RuleParameter.objects.create(
        rule_id="talents.high_level_tiers",
        key="tiers",
        value=[["T1", "第一层次"], ["T2", "第二层次"]],
        effective_from=date(2026, 1, 1),
    )
    assert tier_pairs() == [("T1", "第一层次"), ("T2", "第二层次")]
    with pytest.raises(ValidationError):
        services.save_talent(actor=office, talent=None, **data(tree.town_a, tier="A"))
    t = services.save_talent(actor=office, talent=None, **data(tree.town_a, tier="T2"))
    assert t.tier == "T2"


# --- grants ---------------------------------------------------------------------------------


@pytest.fixture
def living(tree):
    p = support.policy(tree.county)
    return support.item(
        p,
        "生活补贴",
        {"categories": ["high_level"], "tiers": ["A", "B"], "max_years_in_county": 3},
        period_months=36,
    )


@freeze_time(TODAY)
def test_a_grant_to_an_eligible_talent_runs_for_the_item_period(tree, office, living):
    t = support.talent(tree.branch_a1, arrived_on=date(2024, 3, 1))
    g = services.grant_item(actor=office, talent=t, item=living, granted_on=date(2024, 5, 1))
    assert (g.amount, g.ends_on, g.created_by) == (Decimal("36000"), date(2027, 4, 30), office)


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("granted_on", "ok"),
    [(date(2026, 2, 28), True), (date(2026, 3, 1), False), (date(2026, 3, 2), False)],
)
def test_a_grant_at_the_years_bound(tree, office, living, granted_on, ok):
    # Arrived 2023-03-01: 不满3年 until 2026-02-28; the third anniversary no longer qualifies.
    t = support.talent(tree.branch_a1, arrived_on=date(2023, 3, 1))
    if ok:
        services.grant_item(actor=office, talent=t, item=living, granted_on=granted_on)
        assert Grant.objects.count() == 1
    else:
        with pytest.raises(ValidationError) as exc:
            services.grant_item(actor=office, talent=t, item=living, granted_on=granted_on)
        assert "来县年限（上限）" in exc.value.message_dict["item"][0]
        assert not Grant.objects.exists()


@freeze_time(TODAY)
def test_a_grant_to_an_ineligible_talent_is_refused_naming_each_condition(tree, office, living):
    t = support.talent(tree.branch_a1, name="李四", tier="C", arrived_on=date(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.grant_item(actor=office, talent=t, item=living, granted_on=date(2026, 5, 1))
    got = exc.value.message_dict["item"]
    assert got[0].startswith("不能向李四兑现“生活补贴”：不符合享受条件“人才层次”：限A类")
    assert "来县年限（上限）" in got[1]
    assert not Grant.objects.exists()


@freeze_time(TODAY)
def test_grants_are_once_per_item_and_not_above_the_standard(tree, office, living):
    t = support.talent(tree.branch_a1, arrived_on=date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.grant_item(
            actor=office, talent=t, item=living, granted_on=TODAY, amount=Decimal("36000.01")
        )
    assert "不能超过该事项的标准金额36000" in exc.value.message_dict["amount"][0]
    services.grant_item(actor=office, talent=t, item=living, granted_on=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.grant_item(actor=office, talent=t, item=living, granted_on=TODAY)
    assert "不能重复兑现" in exc.value.message_dict["item"][0]
    with pytest.raises(ValidationError):
        services.grant_item(
            actor=office, talent=t, item=living, granted_on=date(2026, 6, 2)
        )  # future date


@freeze_time(TODAY)
def test_a_policy_of_another_area_cannot_be_granted(tree, office):
    other = support.item(support.policy(tree.town_b, "河口镇人才政策"))
    t = support.talent(tree.branch_a1)
    with pytest.raises(ValidationError) as exc:
        services.grant_item(actor=office, talent=t, item=other, granted_on=TODAY)
    assert "不适用于该人才所在区域" in exc.value.message_dict["item"][0]


def test_a_grant_that_stops_meeting_its_conditions_becomes_a_finding(tree, office):
    item = support.item(
        support.policy(tree.county), "青年人才生活补贴", {"categories": ["young"], "max_age": 35}
    )
    t = support.talent(tree.branch_a1, category="young", tier="", birth=date(1991, 6, 15))
    with freeze_time(date(2026, 6, 14)):
        services.grant_item(actor=office, talent=t, item=item, granted_on=date(2026, 6, 14))
        assert not Finding.objects.filter(subject_type=TALENT_KIND, subject_id=t.pk).exists()
    services.refresh_talent_findings([t], today=date(2027, 6, 15))
    f = Finding.objects.get(subject_type=TALENT_KIND, subject_id=t.pk)
    assert f.rule_id == "talents.grant_conditions_unmet"
    assert "青年人才生活补贴" in f.message and "须不超过35周岁" in f.message
    # Stopping the grant clears it.
    with freeze_time(date(2027, 6, 15)):
        g = t.grants.get()
        services.stop_grant(actor=office, grant=g, stopped_on=date(2027, 6, 15), reason="超龄")
    services.refresh_talent_findings([t], today=date(2027, 6, 15))
    assert not Finding.objects.filter(subject_type=TALENT_KIND, subject_id=t.pk).exists()


@freeze_time(TODAY)
def test_stop_grant_checks_its_dates_and_reason(tree, office, living):
    t = support.talent(tree.branch_a1, arrived_on=date(2025, 1, 1))
    g = services.grant_item(actor=office, talent=t, item=living, granted_on=date(2026, 1, 5))
    for day, reason, text in (
        (date(2026, 1, 4), "x", "不能早于兑现日期"),
        (date(2026, 6, 2), "x", "不能晚于今天"),
        (date(2026, 5, 1), " ", "必须填写"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.stop_grant(actor=office, grant=g, stopped_on=day, reason=reason)
        assert text in str(exc.value)
    services.stop_grant(actor=office, grant=g, stopped_on=date(2026, 5, 1), reason="调离")
    g.refresh_from_db()
    assert (g.stopped_on, g.current_on(date(2026, 4, 30)), g.current_on(date(2026, 5, 1))) == (
        date(2026, 5, 1),
        True,
        False,
    )


@freeze_time(TODAY)
def test_item_conditions_are_cleaned_and_refused_with_names(tree, office):
    p = support.policy(tree.county)
    base = {
        "code": "housing",
        "name": "人才住房",
        "kind": "service",
        "amount": None,
        "service": "人才公寓",
        "period_months": 36,
        "source_clause": "第五条",
        "is_active": True,
    }
    item = services.save_item(
        actor=office,
        policy=p,
        item=None,
        eligibility={"categories": ["high_level", "young"], "max_years_in_county": 5},
        **base,
    )
    assert item.eligibility == {"categories": ["high_level", "young"], "max_years_in_county": 5}
    with pytest.raises(ValidationError) as exc:
        services.save_item(
            actor=office, policy=p, item=None, eligibility={}, **dict(base, name="重复")
        )
    assert "已有编码" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.save_item(
            actor=office,
            policy=p,
            item=None,
            eligibility={},
            **dict(base, code="cash", kind="money", amount=None),
        )
    assert "标准金额" in str(exc.value)


@freeze_time(TODAY)
def test_policy_dates_are_checked(tree, office):
    with pytest.raises(ValidationError) as exc:
        services.save_policy(
            actor=office,
            policy=None,
            title="新政",
            issued_on=date(2026, 3, 1),
            effective_from=date(2026, 2, 1),
            org=tree.county,
        )
    assert "不能早于印发日期" in str(exc.value)
