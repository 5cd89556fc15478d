"""Each qualification rule at its boundary: the day it is met passes, the day before fails."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from zugong.cadres import selection_rules as sr
from zugong.cadres import selection_services as services
from zugong.cadres.models import (
    Adjustment,
    AdjustmentSituation,
    AdjustmentWay,
    AnnualAssessment,
    AssessmentGrade,
    Education,
    EducationKind,
    FamilyMember,
    PostLevel,
    ResumeEntry,
    RewardKind,
    RewardPunishment,
    SelectionMode,
    Training,
)
from zugong.cadres.tests.test_selection_support import hold, make_cadre, open_case
from zugong.cadres.unit_services import create_post
from zugong.core.models import RuleParameter
from zugong.core.workdays import HolidayOverride, WorkdayCalendar

pytestmark = pytest.mark.django_db
ON = date(2026, 3, 2)


def verdicts(case, cadre, on=ON, rule=None):  # noqa: ANN001, ANN201
    """The verdicts on `cadre` as a candidate of `case` as of `on` (optionally of one rule)."""
    candidate = case.candidates.filter(cadre=cadre).first() or services.add_candidate(
        actor=None, case=case, cadre=cadre
    )
    found = services.candidate_judgements(case, on)[candidate.pk]
    return [j for j in found if rule is None or j.rule_id == rule]


@pytest.fixture
def county_case(unit_tree):  # noqa: ANN001, ANN201
    """A 县处级副职 post (a promotion from 乡科级正职): the 任职资格 of 第九条 apply."""
    post = create_post(
        actor=None, unit=unit_tree.county, title="县政府副县长", level=PostLevel.COUNTY_DEPUTY
    )
    return open_case(post, opened_on=ON - timedelta(days=30))


def chief(unit_tree, name="候选", **fields):  # noqa: ANN001, ANN201
    """A 乡科级正职 with 3 years at that level and 2 years in a 镇 since 2015."""
    fields.setdefault("current_level", PostLevel.SECTION_CHIEF)
    fields.setdefault("current_level_since", ON - relativedelta(years=4))
    cadre = make_cadre(unit_tree.town_a, name, **fields)
    hold(cadre, unit_tree.town_a, "镇长", PostLevel.SECTION_CHIEF, date(2015, 1, 1))
    return cadre


# --- R1 工龄 and 基层经历 -------------------------------------------------------------------------


def test_r1_service_years_exactly_five_pass(county_case, unit_tree):
    cadre = chief(unit_tree, work_started_on=ON - relativedelta(years=5))
    assert verdicts(county_case, cadre, rule=sr.R1_ID) == []


def test_r1_four_years_eleven_months_fail(county_case, unit_tree):
    cadre = chief(unit_tree, work_started_on=ON - relativedelta(years=4, months=11))
    [v] = verdicts(county_case, cadre, rule=sr.R1_ID)
    assert v.severity == "block" and "工龄4年11个月" in v.message and "第九条（一）" in v.citation


def test_r1_missing_work_start_blocks(county_case, unit_tree):
    cadre = chief(unit_tree, work_started_on=None)
    [v] = verdicts(county_case, cadre, rule=sr.R1_ID)
    assert "未录入参加工作时间" in v.message


def test_r1_grassroots_two_years_pass_and_a_day_less_fails(county_case, unit_tree):
    ok = make_cadre(unit_tree.dept, "基层够", current_level=PostLevel.SECTION_CHIEF)
    # 730 days inclusive in 河口镇, then in the 财政局.
    hold(
        ok,
        unit_tree.town_b,
        "副镇长",
        PostLevel.SECTION_DEPUTY,
        date(2018, 1, 1),
        date(2019, 12, 31),
    )
    hold(ok, unit_tree.dept, "局长", PostLevel.SECTION_CHIEF, date(2020, 1, 1))
    assert verdicts(county_case, ok, rule=sr.R1_ID) == []
    short = make_cadre(unit_tree.dept, "基层差", current_level=PostLevel.SECTION_CHIEF)
    hold(
        short,
        unit_tree.town_b,
        "副镇长",
        PostLevel.SECTION_DEPUTY,
        date(2018, 1, 1),
        date(2019, 12, 30),
    )
    hold(short, unit_tree.dept, "局长", PostLevel.SECTION_CHIEF, date(2020, 1, 1))
    [v] = verdicts(county_case, short, rule=sr.R1_ID)
    assert "基层工作经历" in v.message and "729天" in v.message


def test_r1_grassroots_from_resume_counted_once_with_the_post(county_case, unit_tree):
    cadre = make_cadre(unit_tree.dept, "简历", current_level=PostLevel.SECTION_CHIEF)
    hold(cadre, unit_tree.dept, "局长", PostLevel.SECTION_CHIEF, date(2020, 1, 1))
    # A 简历 line naming a village organ: one year; the same year as a post in 河口镇 again.
    ResumeEntry.objects.create(
        cadre=cadre,
        start=date(2010, 1, 1),
        end=date(2010, 12, 31),
        text="某村村委会主任助理",
        position=1,
    )
    hold(cadre, unit_tree.town_b, "科员", "", date(2010, 1, 1), date(2010, 12, 31))
    [v] = verdicts(county_case, cadre, rule=sr.R1_ID)
    assert "365天" in v.message
    ResumeEntry.objects.create(
        cadre=cadre,
        start=date(2011, 1, 1),
        end=date(2011, 12, 31),
        text="河口镇人民政府科员",
        position=2,
    )
    assert verdicts(county_case, cadre, rule=sr.R1_ID) == []


def test_r1_not_applied_to_section_level_posts(unit_tree):
    post = create_post(
        actor=None, unit=unit_tree.town_a, title="副镇长", level=PostLevel.SECTION_DEPUTY
    )
    case = open_case(post)
    cadre = make_cadre(unit_tree.dept, "年轻", work_started_on=ON - relativedelta(years=2))
    assert verdicts(case, cadre, rule=sr.R1_ID) == []


def test_r1_years_are_a_parameter(county_case, unit_tree):
    RuleParameter.objects.create(
        rule_id=sr.R1_ID, key="service_years", value=6, effective_from=date(2026, 1, 1)
    )
    cadre = chief(unit_tree, work_started_on=ON - relativedelta(years=5, months=3))
    [v] = verdicts(county_case, cadre, rule=sr.R1_ID)
    assert "应当具有6年以上工龄" in v.message
    # Before the override took effect, the national default of 5 applied.
    assert verdicts(county_case, cadre, on=date(2025, 12, 31), rule=sr.R1_ID) == []


def test_r1_in_exceptional_promotion_only_warns(unit_tree):
    post = create_post(
        actor=None, unit=unit_tree.county, title="副县长", level=PostLevel.COUNTY_DEPUTY
    )
    case = open_case(post, mode=SelectionMode.EXCEPTIONAL, reason="工作特殊需要")
    cadre = chief(unit_tree, work_started_on=ON - relativedelta(years=4))
    [v] = verdicts(case, cadre, rule=sr.R1_ID)
    assert v.severity == "warn" and "破格提拔" in v.message


# --- R2 breadth --------------------------------------------------------------------------------


def test_r2_two_lower_posts_pass_one_warns(county_case, unit_tree):
    cadre = chief(unit_tree)
    [v] = verdicts(county_case, cadre, rule=sr.R2_ID)
    assert v.severity == "warn" and "任职1个" in v.message
    hold(
        cadre, unit_tree.dept, "局长", PostLevel.SECTION_CHIEF, date(2012, 1, 1), date(2014, 12, 31)
    )
    assert verdicts(county_case, cadre, rule=sr.R2_ID) == []


# --- R3, R4 years at the lower post --------------------------------------------------------------


def test_r3_deputy_to_chief_two_years(unit_tree):
    post = create_post(
        actor=None, unit=unit_tree.county, title="县长", level=PostLevel.COUNTY_CHIEF
    )
    case = open_case(post)
    ok = chief(
        unit_tree,
        "满两年",
        current_level=PostLevel.COUNTY_DEPUTY,
        current_level_since=ON - relativedelta(years=2),
    )
    assert verdicts(case, ok, rule=sr.R3_ID) == []
    short = chief(
        unit_tree,
        "差一天",
        current_level=PostLevel.COUNTY_DEPUTY,
        current_level_since=ON - relativedelta(years=2) + timedelta(days=1),
    )
    [v] = verdicts(case, short, rule=sr.R3_ID)
    assert v.severity == "block" and "2年以上" in v.message


def test_r4_lower_chief_to_upper_deputy_three_years(county_case, unit_tree):
    ok = chief(unit_tree, "满三年", current_level_since=ON - relativedelta(years=3))
    assert verdicts(county_case, ok, rule=sr.R4_ID) == []
    short = chief(
        unit_tree, "不满三年", current_level_since=ON - relativedelta(years=3) + timedelta(days=1)
    )
    [v] = verdicts(county_case, short, rule=sr.R4_ID)
    assert "2年11个月" in v.message and "3年以上" in v.message


def test_r4_counts_from_post_holdings_without_a_level_date(county_case, unit_tree):
    cadre = make_cadre(unit_tree.town_a, "按任职", current_level=PostLevel.SECTION_CHIEF)
    hold(cadre, unit_tree.town_a, "镇长", PostLevel.SECTION_CHIEF, ON - relativedelta(years=1))
    [v] = verdicts(county_case, cadre, rule=sr.R4_ID)
    assert "1年" in v.message


# --- R5 education, R6 training ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("education", "blocked"),
    [("大学专科", False), ("大专", False), ("中专", True), ("研究生", False)],
)
def test_r5_education(unit_tree, education, blocked):
    post = create_post(
        actor=None, unit=unit_tree.town_a, title="副镇长", level=PostLevel.SECTION_DEPUTY
    )
    case = open_case(post)
    cadre = make_cadre(unit_tree.dept, "学历", qualified=False)
    Education.objects.create(cadre=cadre, kind=EducationKind.FULLTIME, education=education)
    assert bool(verdicts(case, cadre, rule=sr.R5_ID)) is blocked


def test_r5_missing_education_blocks(unit_tree):
    post = create_post(
        actor=None, unit=unit_tree.town_a, title="副镇长", level=PostLevel.SECTION_DEPUTY
    )
    [v] = verdicts(
        open_case(post), make_cadre(unit_tree.dept, "无学历", qualified=False), rule=sr.R5_ID
    )
    assert "未录入学历" in v.message


def test_r6_training_hours_boundary(county_case, unit_tree):
    cadre = chief(unit_tree)
    Training.objects.create(
        cadre=cadre, name="党校", started_on=ON - relativedelta(years=1), hours=Decimal("549.5")
    )
    [v] = verdicts(county_case, cadre, rule=sr.R6_ID)
    assert v.severity == "warn" and "549.5学时" in v.message
    Training.objects.create(cadre=cadre, name="网络", started_on=ON, hours=Decimal("0.5"))
    assert verdicts(county_case, cadre, rule=sr.R6_ID) == []


# --- R7 破格 --------------------------------------------------------------------------------------


@pytest.fixture
def exceptional_case(unit_tree):  # noqa: ANN001, ANN201
    post = create_post(
        actor=None, unit=unit_tree.town_a, title="镇长", level=PostLevel.SECTION_CHIEF
    )
    return open_case(post, mode=SelectionMode.EXCEPTIONAL, reason="实绩突出")


def deputy(unit_tree, name, since, probation_until=None):  # noqa: ANN001, ANN201
    cadre = make_cadre(
        unit_tree.town_b, name, current_level=PostLevel.SECTION_DEPUTY, current_level_since=since
    )
    hold(
        cadre,
        unit_tree.town_b,
        "副镇长",
        PostLevel.SECTION_DEPUTY,
        since,
        probation_until=probation_until,
    )
    return cadre


def test_r7_probation_must_be_over(exceptional_case, unit_tree):
    since = ON - relativedelta(years=2)
    over = deputy(unit_tree, "期满", since, probation_until=ON)
    assert verdicts(exceptional_case, over, rule=sr.R7_ID) == []
    running = deputy(unit_tree, "未满", since, probation_until=ON + timedelta(days=1))
    [v] = verdicts(exceptional_case, running, rule=sr.R7_ID)
    assert v.severity == "block" and "试用期" in v.message


def test_r7_one_year_after_promotion(exceptional_case, unit_tree):
    assert (
        verdicts(
            exceptional_case,
            deputy(unit_tree, "满一年", ON - relativedelta(years=1)),
            rule=sr.R7_ID,
        )
        == []
    )
    recent = deputy(unit_tree, "不满一年", ON - relativedelta(years=1) + timedelta(days=1))
    [v] = verdicts(exceptional_case, recent, rule=sr.R7_ID)
    assert "不满1年" in v.message


def test_r7_never_two_levels_up(unit_tree):
    post = create_post(
        actor=None, unit=unit_tree.county, title="县长", level=PostLevel.COUNTY_CHIEF
    )
    case = open_case(post, mode=SelectionMode.EXCEPTIONAL, reason="特殊需要")
    cadre = deputy(unit_tree, "越两级", ON - relativedelta(years=5))
    assert any(
        "越两级" in v.message and v.severity == "block"
        for v in verdicts(case, cadre, rule=sr.R7_ID)
    )
    one_up = create_post(
        actor=None, unit=unit_tree.county, title="副县长", level=PostLevel.COUNTY_DEPUTY
    )
    case2 = open_case(one_up, mode=SelectionMode.EXCEPTIONAL, reason="特殊需要")
    [v] = verdicts(case2, cadre, rule=sr.R7_ID)
    assert v.severity == "warn" and "越级提拔" in v.message


def test_probation_only_warns_in_an_ordinary_promotion(exceptional_case, unit_tree):
    post = create_post(
        actor=None, unit=unit_tree.town_a, title="党委书记", level=PostLevel.SECTION_CHIEF
    )
    case = open_case(post)
    cadre = deputy(
        unit_tree, "试用中", ON - relativedelta(years=3), probation_until=ON + timedelta(days=1)
    )
    [v] = verdicts(case, cadre, rule=sr.PROBATION_CANDIDATE_ID)
    assert v.severity == "warn"


# --- 影响期, 年度考核 ----------------------------------------------------------------------------------


@pytest.fixture
def town_case(unit_tree):  # noqa: ANN001, ANN201
    post = create_post(
        actor=None, unit=unit_tree.town_a, title="副镇长", level=PostLevel.SECTION_DEPUTY
    )
    return open_case(post)


def test_punishment_effect_period_boundary(town_case, unit_tree):
    cadre = make_cadre(unit_tree.dept, "受处分")
    p = RewardPunishment.objects.create(
        cadre=cadre,
        kind=RewardKind.PUNISHMENT,
        name="警告",
        approved_on=ON - relativedelta(months=6),
        effect_until=ON,
    )
    [v] = verdicts(town_case, cadre, rule=sr.PUNISHMENT_ID)
    assert v.severity == "block" and "警告" in v.message
    p.effect_until = ON - timedelta(days=1)
    p.save()
    assert verdicts(town_case, cadre, rule=sr.PUNISHMENT_ID) == []


def test_punishment_does_not_stop_a_lateral_move(unit_tree):
    post = create_post(
        actor=None, unit=unit_tree.town_a, title="副镇长", level=PostLevel.SECTION_DEPUTY
    )
    case = open_case(post, mode=SelectionMode.LATERAL)
    cadre = make_cadre(unit_tree.dept, "平调", current_level=PostLevel.SECTION_DEPUTY)
    RewardPunishment.objects.create(
        cadre=cadre,
        kind=RewardKind.PUNISHMENT,
        name="警告",
        approved_on=ON,
        effect_until=ON + timedelta(days=90),
    )
    assert verdicts(case, cadre, rule=sr.PUNISHMENT_ID) == []


def test_adjustment_impact_period_boundary(town_case, unit_tree):
    cadre = make_cadre(unit_tree.dept, "被调整")
    situation = AdjustmentSituation.objects.first() or AdjustmentSituation.objects.create(
        code="t1", number=1, text="政治能力不过硬", status="confirmed"
    )
    adj = Adjustment.objects.create(
        cadre=cadre,
        situation=situation,
        way=AdjustmentWay.REASSIGN,
        facts="工作长期落后",
        proposed_on=ON - relativedelta(years=1),
        impact_until=ON,
        unit_path=cadre.unit_path,
    )
    [v] = verdicts(town_case, cadre, rule=sr.ADJUSTMENT_ID)
    assert "影响期至2026-03-02" in v.message
    adj.impact_until = ON - timedelta(days=1)
    adj.save()
    assert verdicts(town_case, cadre, rule=sr.ADJUSTMENT_ID) == []


def test_assessment_last_year_basic_blocks_earlier_does_not(town_case, unit_tree):
    cadre = make_cadre(unit_tree.dept, "考核")
    AnnualAssessment.objects.filter(cadre=cadre, year=2024).update(grade=AssessmentGrade.BASIC)
    assert verdicts(town_case, cadre, rule=sr.ASSESSMENT_ID) == []
    AnnualAssessment.objects.filter(cadre=cadre, year=2025).update(
        grade=AssessmentGrade.INCOMPETENT
    )
    [v] = verdicts(town_case, cadre, rule=sr.ASSESSMENT_ID)
    assert v.severity == "block" and "2025年度考核为不称职" in v.message


def test_assessment_missing_last_year_warns(town_case, unit_tree):
    cadre = make_cadre(unit_tree.dept, "缺考核")
    AnnualAssessment.objects.filter(cadre=cadre, year=2025).delete()
    [v] = verdicts(town_case, cadre, rule=sr.ASSESSMENT_ID)
    assert v.severity == "warn"


# --- 回避 -------------------------------------------------------------------------------------------


def test_avoidance_names_the_relative_in_the_same_unit(town_case, unit_tree):
    cadre = make_cadre(unit_tree.dept, "有亲属")
    FamilyMember.objects.create(
        cadre=cadre, relation="妻子", name="周芳", employer_and_post="城关镇人民政府办公室主任"
    )
    FamilyMember.objects.create(
        cadre=cadre, relation="父亲", name="周父", employer_and_post="河口镇退休，已去世"
    )
    [v] = verdicts(town_case, cadre, rule=sr.AVOIDANCE_ID)
    assert v.severity == "warn" and "妻子周芳" in v.message


def test_avoidance_ignores_the_county_name_and_other_lines(town_case, unit_tree):
    cadre = make_cadre(unit_tree.dept, "县里")
    FamilyMember.objects.create(
        cadre=cadre, relation="哥哥", name="郑兄", employer_and_post="示范县河口镇农业站"
    )
    assert verdicts(town_case, cadre, rule=sr.AVOIDANCE_ID) == []


def test_avoidance_looks_at_children_of_the_post_unit(unit_tree):
    post = create_post(
        actor=None, unit=unit_tree.county, title="副县长", level=PostLevel.COUNTY_DEPUTY
    )
    case = open_case(post)
    cadre = make_cadre(unit_tree.town_b, "县级")
    FamilyMember.objects.create(
        cadre=cadre, relation="儿子", name="吴子", employer_and_post="县财政局科员"
    )
    [v] = verdicts(case, cadre, rule=sr.AVOIDANCE_ID)
    assert "儿子吴子" in v.message and "县财政局" in v.message


def test_avoidance_namesake_cadre_in_the_line(town_case, unit_tree):
    cadre = make_cadre(unit_tree.dept, "同名")
    FamilyMember.objects.create(cadre=cadre, relation="弟弟", name="陈同", employer_and_post="个体")
    make_cadre(unit_tree.town_a, "陈同")
    [v] = verdicts(town_case, cadre, rule=sr.AVOIDANCE_ID)
    assert "同名" in v.message and "陈同" in v.message


# --- findings and the calendar -------------------------------------------------------------------------


def test_block_stops_the_person_being_inspected(town_case, unit_tree):
    from django.core.exceptions import ValidationError

    from zugong.cadres.tests.test_selection_support import walk

    cadre = make_cadre(unit_tree.dept, "不称职")
    AnnualAssessment.objects.filter(cadre=cadre, year=2024).update(
        grade=AssessmentGrade.INCOMPETENT
    )
    services.add_candidate(actor=None, case=town_case, cadre=cadre)
    walk(town_case, "recommendation")
    from zugong.cadres.tests.test_selection_support import DATES, step_details

    with pytest.raises(ValidationError) as err:
        services.record_step(
            actor=None,
            case=town_case,
            step="inspection",
            done_on=DATES["inspection"],
            details=step_details(town_case, "inspection"),
        )
    assert "不称职" in err.value.message_dict["inspected"][0]


def test_findings_are_stored_for_each_candidate(town_case, unit_tree):
    from zugong.accounts.models import cadre_finding_path
    from zugong.core.models import Finding

    cadre = make_cadre(unit_tree.dept, "有发现")
    AnnualAssessment.objects.filter(cadre=cadre).delete()
    candidate = services.add_candidate(actor=None, case=town_case, cadre=cadre)
    found = Finding.objects.filter(subject_type=sr.CANDIDATE_KIND, subject_id=candidate.pk)
    assert found.filter(rule_id=sr.ASSESSMENT_ID).exists()
    # Behind the cadre prefix: a party account whose path looks alike never sees them.
    assert all(f.org_path == cadre_finding_path(town_case.unit_path) for f in found)


def test_notice_period_across_national_day_with_makeup_days():
    calendar = WorkdayCalendar()
    end, warning = services.notice_period(date(2025, 9, 29), calendar)
    # 09-29, 09-30, 10-09, 10-10 and the 调休 Saturday 10-11.
    assert end == date(2025, 10, 11) and warning is None
    # Starting on the 调休 Sunday 09-28, that day counts: the fifth working day is 10-10.
    assert services.notice_period(date(2025, 9, 28), calendar)[0] == date(2025, 10, 10)


def test_notice_period_uses_the_administrators_holidays():
    calendar = WorkdayCalendar(overrides=[HolidayOverride(date(2025, 10, 10), False)])
    end, _ = services.notice_period(date(2025, 9, 29), calendar)
    assert end == date(2025, 10, 13)


def test_notice_period_warns_for_an_unknown_year():
    end, warning = services.notice_period(date(2031, 5, 5), WorkdayCalendar())
    assert end == date(2031, 5, 9) and "2031年" in warning


def test_every_parameter_has_a_status_and_source():
    assert sr.PARAMETERS
    for p in sr.PARAMETERS:
        assert p.status in {"C", "U"} and p.source
        assert sr.RULES[p.rule_id].params[p.key] == p.default
