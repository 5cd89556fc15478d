"""The growth services: what they refuse (with the field named) and the findings they refresh."""

# ruff: noqa: F811 - the shared fixtures are imported by name and injected by pytest

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zugong.cadres import growth_services as services
from zugong.cadres.growth_rules import ASSIGNMENT_KIND, RESERVE_KIND
from zugong.cadres.models import (
    SEVEN_ABILITIES,
    AnnualAssessment,
    AssessmentGrade,
    CadreStatus,
    Evaluation,
    PostLevel,
    ReserveEntry,
)
from zugong.cadres.tests.test_growth_fixtures import (  # noqa: F401 - fixtures
    growth,
    make_assignment,
    make_cadre,
)
from zugong.core.models import Finding

pytestmark = pytest.mark.django_db

FULL = {key: 4 for key, _ in SEVEN_ABILITIES}


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_add_within_criteria_has_no_finding(growth):
    today = timezone.localdate()
    cadre = make_cadre(growth.units.town_a, "新人", date(today.year - 28, 1, 1))
    entry = services.add_to_reserve(
        actor=growth.officer,
        cadre=cadre,
        target_level=PostLevel.SECTION_DEPUTY,
        entered_on=today,
        recommended_by="民主推荐",
    )
    assert entry.unit_path == cadre.unit_path
    assert not Finding.objects.filter(subject_type=RESERVE_KIND, subject_id=entry.pk).exists()
    assert entry.history.first().history_user == growth.officer


def test_outside_criteria_needs_a_reason_then_is_flagged(growth):
    today = timezone.localdate()
    cadre = make_cadre(growth.units.town_a, "老将", date(today.year - 40, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.add_to_reserve(
            actor=growth.officer,
            cadre=cadre,
            target_level=PostLevel.SECTION_DEPUTY,
            entered_on=today,
        )
    message = errors_of(exc)["exception_reason"][0]
    assert "超过乡科级副职优秀年轻干部年龄上限32周岁" in message
    assert "各地优秀年轻干部标准，待核实" in message
    assert not ReserveEntry.objects.filter(cadre=cadre).exists()
    entry = services.add_to_reserve(
        actor=growth.officer,
        cadre=cadre,
        target_level=PostLevel.SECTION_DEPUTY,
        entered_on=today,
        exception_reason="应急处突表现突出，经部务会研究",
    )
    finding = Finding.objects.get(subject_type=RESERVE_KIND, subject_id=entry.pk)
    assert finding.severity == "warn"
    assert "应急处突表现突出" in finding.message
    assert "待核实" in finding.citation


def test_low_assessment_needs_a_reason(growth):
    today = timezone.localdate()
    AnnualAssessment.objects.create(
        cadre=growth.young, year=today.year - 1, grade=AssessmentGrade.INCOMPETENT
    )
    with pytest.raises(ValidationError) as exc:
        services.add_to_reserve(
            actor=growth.officer,
            cadre=growth.young,
            target_level=PostLevel.SECTION_CHIEF,
            entered_on=today,
        )
    assert "年度考核为不称职" in errors_of(exc)["exception_reason"][0]


def test_no_second_open_entry_and_inactive_refused(growth):
    today = timezone.localdate()
    services.add_to_reserve(
        actor=None, cadre=growth.young, target_level=PostLevel.COUNTY_CHIEF, entered_on=today
    )
    with pytest.raises(ValidationError) as exc:
        services.add_to_reserve(
            actor=None, cadre=growth.young, target_level=PostLevel.COUNTY_CHIEF, entered_on=today
        )
    assert "已在优秀年轻干部库中" in errors_of(exc)["cadre"][0]
    retired = make_cadre(growth.units.town_a, "退休者", status=CadreStatus.RETIRED)
    with pytest.raises(ValidationError) as exc:
        services.add_to_reserve(
            actor=None, cadre=retired, target_level=PostLevel.COUNTY_CHIEF, entered_on=today
        )
    assert "不是在职干部" in errors_of(exc)["cadre"][0]


def test_leave_reserve_checks_date_and_reason(growth):
    today = timezone.localdate()
    entry = services.add_to_reserve(
        actor=None,
        cadre=growth.young,
        target_level=PostLevel.COUNTY_CHIEF,
        entered_on=today - timedelta(days=10),
    )
    with pytest.raises(ValidationError) as exc:
        services.leave_reserve(
            actor=None, entry=entry, left_on=today - timedelta(days=11), reason="提拔"
        )
    assert "不能早于入库日期" in errors_of(exc)["left_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.leave_reserve(actor=None, entry=entry, left_on=today, reason="  ")
    assert "出库原因" in errors_of(exc)["left_reason"][0]
    services.leave_reserve(actor=growth.officer, entry=entry, left_on=today, reason="已提拔使用")
    entry.refresh_from_db()
    assert entry.left_on == today and entry.left_reason == "已提拔使用"
    # Once left, the cadre may be added again.
    services.add_to_reserve(
        actor=None, cadre=growth.young, target_level=PostLevel.COUNTY_DEPUTY, entered_on=today
    )


def test_assignment_and_notes_refresh_the_tracking_finding(growth):
    today = timezone.localdate()
    started = today - timedelta(days=200)
    assignment = services.create_assignment(
        actor=growth.officer,
        cadre=growth.young,
        kind="project",
        place="产业园项目指挥部",
        started_on=started,
        mentor="张书记",
    )
    assert assignment.unit_path == growth.young.unit_path
    assert Finding.objects.filter(subject_type=ASSIGNMENT_KIND, subject_id=assignment.pk).exists()
    services.add_tracking_note(
        actor=growth.officer, assignment=assignment, noted_on=today, content="按计划推进"
    )
    assert not Finding.objects.filter(
        subject_type=ASSIGNMENT_KIND, subject_id=assignment.pk
    ).exists()
    note = assignment.notes.get()
    assert note.author == growth.officer


def test_assignment_and_note_refusals_name_the_field(growth):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.create_assignment(
            actor=None,
            cadre=growth.young,
            kind="rural",
            place="东村",
            started_on=today,
            ended_on=today - timedelta(days=1),
        )
    assert "结束日期" in errors_of(exc)["ended_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.create_assignment(
            actor=None, cadre=growth.young, kind="nope", place="东村", started_on=today
        )
    assert "岗位类别" in errors_of(exc)["kind"][0]
    assignment = make_assignment(growth.young, started=today - timedelta(days=30))
    with pytest.raises(ValidationError) as exc:
        services.add_tracking_note(
            actor=None, assignment=assignment, noted_on=today - timedelta(days=31), content="x"
        )
    assert "不能早于历练开始日期" in errors_of(exc)["noted_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.add_tracking_note(
            actor=None, assignment=assignment, noted_on=today + timedelta(days=1), content="x"
        )
    assert "不能晚于今天" in errors_of(exc)["noted_on"][0]


def test_end_assignment(growth):
    today = timezone.localdate()
    assignment = make_assignment(growth.young, started=today - timedelta(days=30))
    with pytest.raises(ValidationError):
        services.end_assignment(
            actor=None, assignment=assignment, ended_on=today - timedelta(days=31)
        )
    services.end_assignment(actor=None, assignment=assignment, ended_on=today)
    assert assignment.ended_on == today
    with pytest.raises(ValidationError) as exc:
        services.end_assignment(actor=None, assignment=assignment, ended_on=today)
    assert "已结束" in errors_of(exc)["ended_on"][0]


def test_seven_abilities_all_required_and_in_range():
    assert services.clean_abilities({k: str(v) for k, v in FULL.items()}) == FULL
    missing = dict(FULL)
    del missing["implementation"]
    with pytest.raises(ValidationError) as exc:
        services.clean_abilities(missing)
    assert "抓落实能力" in errors_of(exc)["ability_implementation"][0]
    with pytest.raises(ValidationError) as exc:
        services.clean_abilities({**FULL, "political": 6})
    assert "1至5分" in errors_of(exc)["ability_political"][0]
    with pytest.raises(ValidationError) as exc:
        services.clean_abilities({**FULL, "research": 0})
    assert "调查研究能力" in errors_of(exc)["ability_research"][0]
    with pytest.raises(ValidationError) as exc:
        services.clean_abilities({**FULL, "decision": "好"})
    assert "整数" in errors_of(exc)["ability_decision"][0]
    with pytest.raises(ValidationError) as exc:
        services.clean_abilities({**FULL, "charm": 5})
    assert "charm" in errors_of(exc)["abilities"][0]


def test_evaluation_of_own_assignment_only(growth):
    today = timezone.localdate()
    theirs = make_assignment(growth.other_town, started=today - timedelta(days=30))
    with pytest.raises(ValidationError) as exc:
        services.add_evaluation(
            actor=None,
            cadre=growth.young,
            evaluated_on=today,
            grade="good",
            abilities=FULL,
            assignment=theirs,
        )
    assert "不属于该干部" in errors_of(exc)["assignment"][0]
    own = make_assignment(growth.young, started=today - timedelta(days=30))
    evaluation = services.add_evaluation(
        actor=growth.officer,
        cadre=growth.young,
        evaluated_on=today,
        grade="excellent",
        abilities=FULL,
        assignment=own,
        summary="敢于担当",
    )
    assert Evaluation.objects.get().abilities == FULL
    assert evaluation.history.first().history_user == growth.officer
