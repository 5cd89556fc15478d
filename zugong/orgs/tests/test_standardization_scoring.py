"""Scoring: the range of each item, stars at the thresholds, confirmation, roles and scope,
templates as versioned data, evidence files, parameters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from zugong.accounts.models import Role
from zugong.conftest import code
from zugong.core.models import RuleParameter
from zugong.core.rules.engine import RuleContext
from zugong.orgs.standardization import services
from zugong.orgs.standardization.models import (
    AnnualScore,
    ChecklistItem,
    ChecklistTemplate,
    ScoreEvidence,
    ScoreLine,
    ScoreStatus,
)
from zugong.orgs.standardization.rules import star_thresholds, stars_for
from zugong.orgs.standardization.selectors import template_for
from zugong.orgs.standardization.services import ManualEntry, save_score
from zugong.orgs.tests.matrix_standardization import general_template

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = date(2026, 3, 1)


def entries(**overrides: str) -> dict[int, ManualEntry]:
    """Full marks on every manual item, except the items named by code."""
    result = {}
    for item in general_template().items.all():
        if not item.is_auto:
            result[item.pk] = ManualEntry(overrides.get(item.code, str(item.max_points)))
    return result


def message(exc: pytest.ExceptionInfo) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("0", True), ("7", True), ("6.5", True), ("7.01", False), ("-0.5", False), ("8", False)],
)
def test_a_score_outside_the_item_range_is_refused(tree, users, value, ok):
    actor = users[Role.COMMITTEE_ADMIN]
    if ok:
        score = save_score(
            actor=actor, org=tree.branch_a1, year=YEAR, entries=entries(E1=value), today=TODAY
        )
        assert score.lines.get(code="E1").points == Decimal(value)
        return
    with pytest.raises(ValidationError) as exc:
        save_score(
            actor=actor, org=tree.branch_a1, year=YEAR, entries=entries(E1=value), today=TODAY
        )
    text = message(exc)
    assert "E1 活动阵地" in text and "0至7分" in text
    assert not AnnualScore.objects.exists() and not ScoreLine.objects.exists()


@pytest.mark.parametrize(("value", "words"), [("", "必须填写"), ("七分", "不是数字")])
def test_blank_and_text_scores_are_refused_naming_the_item(tree, users, value, words):
    with pytest.raises(ValidationError) as exc:
        save_score(
            actor=users[Role.COMMITTEE_ADMIN],
            org=tree.branch_a1,
            year=YEAR,
            entries=entries(F1=value),
            today=TODAY,
        )
    assert "F1 工作业绩与群众满意度" in message(exc) and words in message(exc)
    assert not AnnualScore.objects.exists()


@pytest.mark.parametrize(
    ("total", "stars"),
    [
        ("100", 5),
        ("90", 5),
        ("89.99", 4),
        ("80", 4),
        ("79.99", 3),
        ("70", 3),
        ("69.99", 2),
        ("60", 2),
        ("59.99", 1),
        ("0", 1),
    ],
)
def test_stars_at_the_thresholds(db, total, stars):
    assert stars_for(Decimal(total), star_thresholds(RuleContext(TODAY))) == stars


def test_threshold_parameter_changes_the_stars(db):
    RuleParameter.objects.create(
        rule_id="standards.star_thresholds", key="five", value="95", effective_from=date(2026, 1, 1)
    )
    assert stars_for(Decimal("94"), star_thresholds(RuleContext(date(2025, 12, 31)))) == 5
    assert stars_for(Decimal("94"), star_thresholds(RuleContext(TODAY))) == 4


def test_saved_score_has_total_and_stars(tree, users):
    score = save_score(
        actor=users[Role.COMMITTEE_ADMIN],
        org=tree.branch_a1,
        year=YEAR,
        entries=entries(),
        today=TODAY,
    )
    assert score.lines.count() == general_template().items.count()
    assert score.total == sum(line.points for line in score.lines.all())
    assert score.stars == stars_for(score.total, star_thresholds(RuleContext(TODAY)))
    assert score.history.count() == 1


def test_roles_and_scope(tree, users):
    with pytest.raises(Http404):
        save_score(
            actor=users[Role.COMMITTEE_ADMIN],
            org=tree.branch_b1,
            year=YEAR,
            entries=entries(),
            today=TODAY,
        )
    for role in (Role.BRANCH_ADMIN, Role.LEADER, Role.CADRE_OFFICER):
        with pytest.raises(PermissionDenied):
            save_score(
                actor=users[role], org=tree.branch_a1, year=YEAR, entries=entries(), today=TODAY
            )
    with pytest.raises(ValidationError, match="只有正常状态的党支部"):
        save_score(
            actor=users[Role.DEPARTMENT_ADMIN],
            org=tree.town_a,
            year=YEAR,
            entries=entries(),
            today=TODAY,
        )
    with pytest.raises(ValidationError):
        save_score(
            actor=users[Role.DEPARTMENT_ADMIN],
            org=tree.branch_a1,
            year=TODAY.year + 1,
            entries=entries(),
            today=TODAY,
        )


def test_confirmed_scores_are_locked(tree, users):
    committee, department = users[Role.COMMITTEE_ADMIN], users[Role.DEPARTMENT_ADMIN]
    save_score(actor=committee, org=tree.branch_a1, year=YEAR, entries=entries(), today=TODAY)
    with pytest.raises(PermissionDenied):
        services.confirm_scores(actor=committee, org=tree.town_a, year=YEAR)
    assert services.confirm_scores(actor=department, org=tree.town_a, year=YEAR) == 1
    score = AnnualScore.objects.get()
    assert score.status == ScoreStatus.CONFIRMED and score.confirmed_by == department
    with pytest.raises(ValidationError, match="已由组织部确认"):
        save_score(actor=committee, org=tree.branch_a1, year=YEAR, entries=entries(), today=TODAY)
    with pytest.raises(ValidationError, match="没有待确认"):
        services.confirm_scores(actor=department, org=tree.town_a, year=YEAR)


def test_a_confirmed_score_is_sent_back_for_rescoring(tree, users):
    committee, department = users[Role.COMMITTEE_ADMIN], users[Role.DEPARTMENT_ADMIN]
    save_score(actor=committee, org=tree.branch_a1, year=YEAR, entries=entries(), today=TODAY)
    with pytest.raises(ValidationError, match="尚未确认"):
        services.reopen_score(actor=department, org=tree.branch_a1, year=YEAR, reason="复核")
    services.confirm_scores(actor=department, org=tree.town_a, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.reopen_score(actor=committee, org=tree.branch_a1, year=YEAR, reason="复核")
    with pytest.raises(ValidationError, match="退回理由：必须填写"):
        services.reopen_score(actor=department, org=tree.branch_a1, year=YEAR, reason="")
    assert AnnualScore.objects.get().is_confirmed
    services.reopen_score(
        actor=department, org=tree.branch_a1, year=YEAR, reason="群众反映阵地长期闲置，请复核"
    )
    score = AnnualScore.objects.get()
    assert score.status == ScoreStatus.SCORED and score.confirmed_by is None
    last = score.history.first()
    assert last.history_change_reason == "组织部退回重评：群众反映阵地长期闲置，请复核"
    assert last.history_user == department
    # The township scores it again, and the 组织部 confirms once more.
    save_score(actor=committee, org=tree.branch_a1, year=YEAR, entries=entries(), today=TODAY)
    assert services.confirm_scores(actor=department, org=tree.town_a, year=YEAR) == 1


def test_templates_are_versioned_and_lines_keep_their_snapshot(tree, users):
    admin = users[Role.DEPARTMENT_ADMIN]
    old = general_template()
    save_score(actor=admin, org=tree.branch_a1, year=YEAR, entries=entries(), today=TODAY)
    new = services.copy_template(actor=admin, template=old, year_from=2026, name="2026年版")
    assert new.items.count() == old.items.count()
    assert template_for(tree.branch_a1, 2025) == old
    assert template_for(tree.branch_a1, 2026) == new
    item = old.items.get(code="E1")
    services.save_item(
        actor=admin,
        template=old,
        item=item,
        **{"max_points": Decimal("9"), "title": "阵地建设"},
    )
    line = AnnualScore.objects.get().lines.get(code="E1")
    assert (line.max_points, line.title) == (Decimal("7"), "活动阵地")
    assert item.history.first().max_points == Decimal("9")  # the change is in the history
    with pytest.raises(PermissionDenied):
        services.copy_template(
            actor=users[Role.COMMITTEE_ADMIN], template=old, year_from=2027, name="x"
        )


def test_a_category_template_wins_over_the_general_one(tree, users):
    admin = users[Role.DEPARTMENT_ADMIN]
    village = services.save_template(
        actor=admin,
        template=None,
        name="农村党支部考评细则",
        category=code("org_category", "01"),
        year_from=2024,
        version=1,
        is_active=True,
        source="本地示例",
        note="",
    )
    assert template_for(tree.branch_a1, 2025) == village  # category 01
    assert template_for(tree.branch_b1, 2025) == general_template()  # category 02
    assert template_for(tree.branch_a1, 2023) == general_template()  # before it took effect
    with pytest.raises(ValidationError) as exc:
        save_score(actor=admin, org=tree.branch_a1, year=YEAR, entries={}, today=TODAY)
    assert "还没有考评项目" in str(exc.value)


def test_item_rules(users):
    admin = users[Role.DEPARTMENT_ADMIN]
    template = general_template()
    with pytest.raises(ValidationError) as exc:
        services.save_item(
            actor=admin,
            template=template,
            item=None,
            code="C1",
            dimension="组织生活",
            title="重复",
            standard="",
            max_points=Decimal("0"),
            feed="meetings",
            evidence_hint="",
            sort_order=99,
        )
    assert set(exc.value.message_dict) == {"code", "max_points", "feed"}
    assert ChecklistItem.objects.filter(template=template, title="重复").count() == 0


def test_evidence_files(tree, users):
    branch_admin = users[Role.BRANCH_ADMIN]
    item = general_template().items.get(code="E1")
    pdf = SimpleUploadedFile("阵地照片.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    record = services.add_score_evidence(
        actor=branch_admin, org=tree.branch_a1, year=YEAR, item=item, uploaded=pdf
    )
    assert record.original_name == "阵地照片.pdf"
    assert record.blob.name.startswith("standards/") and "阵地" not in record.blob.name
    fake = SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是允许的类型"):
        services.add_score_evidence(
            actor=branch_admin, org=tree.branch_a1, year=YEAR, item=item, uploaded=fake
        )
    other = ChecklistTemplate.objects.create(name="其他", year_from=2030, version=1)
    foreign = ChecklistItem.objects.create(
        template=other, code="X", dimension="x", title="x", max_points=1
    )
    with pytest.raises(ValidationError, match="不是该支部本年度"):
        services.add_score_evidence(
            actor=branch_admin, org=tree.branch_a1, year=YEAR, item=foreign, uploaded=pdf
        )
    with pytest.raises(Http404):
        services.add_score_evidence(
            actor=branch_admin, org=tree.branch_a2a, year=YEAR, item=item, uploaded=pdf
        )
    assert ScoreEvidence.objects.count() == 1


@pytest.mark.parametrize(
    ("rule_id", "key", "value", "error"),
    [
        ("standards.star_thresholds", "four", "95", "由高到低"),
        ("standards.star_distribution", "five_max_percent", "120", "0到100"),
        ("standards.weak_share", "bottom_percent", "-1", "负数"),
        ("life.meeting_due", "lead_days", "3", "不是标准化考评的参数"),
    ],
)
def test_bad_parameters_are_refused(users, rule_id, key, value, error):
    with pytest.raises(ValidationError) as exc:
        services.set_parameter(
            actor=users[Role.DEPARTMENT_ADMIN],
            rule_id=rule_id,
            key=key,
            value=Decimal(value),
            effective_from=TODAY,
        )
    assert error in message(exc)
    assert not RuleParameter.objects.exists()


def test_parameters_are_dated_versions(users):
    admin = users[Role.DEPARTMENT_ADMIN]
    services.set_parameter(
        actor=admin,
        rule_id="standards.weak_share",
        key="bottom_percent",
        value=Decimal("10"),
        effective_from=date(2026, 1, 1),
        source="县委组织部2026年通知",
    )
    from zugong.orgs.standardization.selectors import bottom_share

    assert bottom_share(RuleContext(date(2025, 12, 31))) == Decimal("5")
    assert bottom_share(RuleContext(date(2026, 1, 1))) == Decimal("10")
    with pytest.raises(PermissionDenied):
        services.set_parameter(
            actor=users[Role.COMMITTEE_ADMIN],
            rule_id="standards.weak_share",
            key="bottom_percent",
            value=Decimal("8"),
            effective_from=TODAY,
        )
