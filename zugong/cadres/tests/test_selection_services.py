"""The 选拔任用纪实 workflow: order, dates, side effects, pause/resume/end, read-only cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from zugong.cadres import selection_rules as sr
from zugong.cadres import selection_services as services
from zugong.cadres.models import (
    PostHolding,
    PostLevel,
    PublicNotice,
    SelectionMode,
    SelectionStatus,
    SelectionStepKind,
)
from zugong.cadres.tests.test_selection_support import (
    DATES,
    NOTICE_END,
    hold,
    make_cadre,
    open_case,
    section_post,
    step_details,
    walk,
)
from zugong.core.models import Finding, RuleParameter

pytestmark = pytest.mark.django_db
Step = SelectionStepKind


@pytest.fixture
def world(unit_tree, users):  # noqa: ANN001, ANN201 - fixtures
    post = section_post(unit_tree.town_a)
    first = make_cadre(unit_tree.dept, "王一", current_level=PostLevel.OTHER)
    hold(first, unit_tree.dept, "科员", "", date(2010, 1, 1))
    second = make_cadre(unit_tree.town_b, "李二")
    case = open_case(post, actor=users["cadre_officer"])
    services.add_candidate(actor=None, case=case, cadre=first)
    services.add_candidate(actor=None, case=case, cadre=second)
    return {"post": post, "first": first, "second": second, "case": case, "tree": unit_tree}


def _record(case, step, **kw):  # noqa: ANN001, ANN202
    details = kw.pop("details", None)
    return services.record_step(
        actor=kw.pop("actor", None),
        case=case,
        step=step,
        done_on=kw.pop("done_on", DATES[step]),
        details=step_details(case, step) if details is None else details,
    )


def test_a_case_walks_from_motion_to_archive(world, users):
    officer = users["cadre_officer"]
    case = walk(world["case"], Step.APPOINTMENT, actor=officer)
    assert case.current_step == Step.PROBATION
    assert case.appointee == world["first"]
    # Each step says who recorded it and when.
    steps = list(case.steps.order_by("done_on"))
    assert [s.step for s in steps] == list(sr.SelectionStepKind.values[:8])
    assert all(s.recorded_by == officer and s.created_at for s in steps)
    # 任前公示 across 国庆: five working days from Monday 09-29 end on the 调休 Saturday 10-11.
    notice = PublicNotice.objects.get(case=case)
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (
        DATES[Step.PUBLIC_NOTICE],
        NOTICE_END,
        5,
    )
    assert notice.unit_path == case.unit_path and notice.cadre == world["first"]
    assert "王一" in notice.public_text and "城关镇党委副书记" in notice.public_text
    # 任职: the old 主职 ended that day, the new one runs with a one-year 试用期 (R11).
    old = PostHolding.objects.get(cadre=world["first"], title="科员")
    new = PostHolding.objects.get(cadre=world["first"], is_main=True, ended_on__isnull=True)
    assert old.ended_on == DATES[Step.APPOINTMENT]
    assert new.post == world["post"] and new.document == "示组〔2025〕18号"
    assert new.probation_until == date(2026, 10, 20)
    world["first"].refresh_from_db()
    assert world["first"].unit == world["tree"].town_a
    assert world["first"].current_level == PostLevel.SECTION_DEPUTY
    case = walk(case, Step.ARCHIVE)
    assert case.status == SelectionStatus.COMPLETED and case.current_step == ""


def test_steps_must_follow_the_order(world):
    with pytest.raises(ValidationError) as err:
        _record(world["case"], Step.INSPECTION)
    assert "须按顺序" in err.value.message_dict["step"][0]


def test_dates_never_go_backwards(world):
    case = walk(world["case"], Step.RECOMMENDATION)
    with pytest.raises(ValidationError) as err:
        _record(case, Step.INSPECTION, done_on=DATES[Step.RECOMMENDATION] - timedelta(days=1))
    assert "不能早于" in err.value.message_dict["done_on"][0]
    # The same day as the previous step is fine.
    _record(case, Step.INSPECTION, done_on=DATES[Step.RECOMMENDATION])


def test_motion_cannot_precede_the_opening(world):
    with pytest.raises(ValidationError):
        _record(world["case"], Step.MOTION, done_on=world["case"].opened_on - timedelta(days=1))


def test_votes_cannot_exceed_those_present(world):
    case = walk(world["case"], Step.MOTION)
    details = step_details(case, Step.RECOMMENDATION)
    first_id = str(case.candidates.order_by("id").first().pk)
    details["votes"][first_id]["meeting"] = 56
    with pytest.raises(ValidationError) as err:
        _record(case, Step.RECOMMENDATION, details=details)
    assert "会议推荐票" in err.value.message_dict[f"meeting_{first_id}"][0]


def test_single_inspection_target_warns_about_competition(world):
    case = walk(world["case"], Step.RECOMMENDATION)
    details = step_details(case, Step.INSPECTION)
    details["inspected"] = details["inspected"][:1]
    step = _record(case, Step.INSPECTION, details=details)
    assert [w["rule"] for w in step.details["warnings"]] == [sr.R15_ID]


def test_inspection_with_more_targets_than_seats_has_no_warning(world):
    case = walk(world["case"], Step.INSPECTION)
    assert "warnings" not in case.steps.get(step=Step.INSPECTION).details


def test_quorum_boundary(world):
    case = walk(world["case"], Step.PERSONAL_MATTERS)
    details = step_details(case, Step.DECISION) | {
        "members_due": 12,
        "members_present": 7,
        "votes_yes": 7,
        "votes_no": 0,
    }
    with pytest.raises(ValidationError) as err:
        _record(case, Step.DECISION, details=details)
    assert "2/3" in err.value.message_dict["members_present"][0]
    # 8 of 12 is exactly two thirds: enough.
    _record(case, Step.DECISION, details=details | {"members_present": 8})


def test_majority_must_exceed_half_of_members_due(world):
    case = walk(world["case"], Step.PERSONAL_MATTERS)
    details = step_details(case, Step.DECISION) | {
        "members_due": 12,
        "members_present": 12,
        "votes_yes": 6,
        "votes_no": 6,
    }
    with pytest.raises(ValidationError) as err:
        _record(case, Step.DECISION, details=details)
    assert "未超过应到会成员12人的1/2" in err.value.message_dict["votes_yes"][0]
    _record(case, Step.DECISION, details=details | {"votes_yes": 7, "votes_no": 5})


def test_decision_needs_an_inspected_appointee(world):
    case = walk(world["case"], Step.RECOMMENDATION)
    details = step_details(case, Step.INSPECTION)
    details["inspected"] = details["inspected"][1:]
    _record(case, Step.INSPECTION, details=details)
    walk(case, Step.PERSONAL_MATTERS)
    with pytest.raises(ValidationError) as err:
        _record(case, Step.DECISION)
    assert "未列为考察对象" in err.value.message_dict["appointee"][0]


def test_notice_end_is_computed_and_a_short_notice_refused(world):
    case = walk(world["case"], Step.DECISION)
    with pytest.raises(ValidationError) as err:
        _record(case, Step.PUBLIC_NOTICE, details={"ends_on": NOTICE_END - timedelta(days=1)})
    assert "只有4个工作日" in err.value.message_dict["ends_on"][0]
    step = _record(case, Step.PUBLIC_NOTICE, details={"ends_on": NOTICE_END})
    assert step.details["working_days"] == 5


def test_notice_days_are_a_parameter(world):
    RuleParameter.objects.create(
        rule_id=sr.R10_ID, key="working_days", value=7, effective_from=date(2025, 1, 1)
    )
    case = walk(world["case"], Step.PUBLIC_NOTICE)
    notice = case.notices.get()
    assert notice.ends_on == date(2025, 10, 14) and notice.working_days == 7


def test_appointment_waits_for_the_end_of_the_notice_and_for_feedback_checks(world):
    case = walk(world["case"], Step.PUBLIC_NOTICE)
    with pytest.raises(ValidationError) as err:
        _record(case, Step.APPOINTMENT, done_on=NOTICE_END)
    assert "公示期满后" in err.value.message_dict["done_on"][0]
    notice = case.notices.get()
    services.update_notice_feedback(
        actor=None,
        notice=notice,
        feedback_count=1,
        feedback_summary="反映其作风问题",
        under_review=True,
    )
    assert Finding.objects.filter(subject_type=sr.CASE_KIND, rule_id=sr.NOTICE_REVIEW_ID).exists()
    with pytest.raises(ValidationError) as err:
        _record(case, Step.APPOINTMENT, done_on=NOTICE_END + timedelta(days=1))
    assert "正在核查" in err.value.message_dict["done_on"][0]
    services.update_notice_feedback(
        actor=None,
        notice=notice,
        feedback_count=1,
        feedback_summary="经核查不属实",
        under_review=False,
    )
    _record(case, Step.APPOINTMENT, done_on=NOTICE_END + timedelta(days=1))


def test_feedback_needs_a_summary(world):
    case = walk(world["case"], Step.PUBLIC_NOTICE)
    with pytest.raises(ValidationError) as err:
        services.update_notice_feedback(actor=None, notice=case.notices.get(), feedback_count=2)
    assert "feedback_summary" in err.value.message_dict


def test_lateral_move_has_no_probation_and_skips_its_step(world, unit_tree):
    post = section_post(unit_tree.town_b, "副镇长")
    case = open_case(post, mode=SelectionMode.LATERAL)
    peer = make_cadre(unit_tree.town_a, "平调者", current_level=PostLevel.SECTION_DEPUTY)
    hold(peer, unit_tree.town_a, "副镇长", PostLevel.SECTION_DEPUTY, date(2018, 1, 1))
    services.add_candidate(actor=None, case=case, cadre=peer)
    case = walk(case, Step.APPOINTMENT)
    assert case.current_step == Step.ARCHIVE
    assert PostHolding.objects.get(cadre=peer, ended_on__isnull=True).probation_until is None


def test_elected_post_has_no_probation(unit_tree):
    post = section_post(unit_tree.town_b, "镇长", is_elected=True)
    case = open_case(post)
    services.add_candidate(actor=None, case=case, cadre=make_cadre(unit_tree.dept, "当选者"))
    case = walk(case, Step.APPOINTMENT)
    assert case.current_step == Step.ARCHIVE


def test_probation_reminder_thirty_days_before(world):
    case = walk(world["case"], Step.APPOINTMENT)
    until = date(2026, 10, 20)
    services.refresh_case_findings([case], today=until - timedelta(days=31))
    assert not Finding.objects.filter(subject_id=case.pk, rule_id=sr.R11_ID).exists()
    services.refresh_case_findings([case], today=until - timedelta(days=30))
    finding = Finding.objects.get(subject_id=case.pk, rule_id=sr.R11_ID)
    assert finding.due_on == until and "即将届满" in finding.message
    # Recording the 试用期满考核 clears the reminder.
    _record(case, Step.PROBATION)
    services.refresh_case_findings([case], today=until)
    assert not Finding.objects.filter(subject_id=case.pk, rule_id=sr.R11_ID).exists()


def test_probation_failed_ends_the_trial_post(world):
    case = walk(world["case"], Step.APPOINTMENT)
    _record(case, Step.PROBATION, details={"result": "不胜任"})
    holding = PostHolding.objects.get(cadre=world["first"], post=world["post"])
    assert holding.ended_on == DATES[Step.PROBATION]


def test_pause_resume_and_end(world, users):
    officer = users["cadre_officer"]
    case = walk(world["case"], Step.MOTION)
    services.pause_case(actor=officer, case=case, on=date(2025, 6, 10), reason="等待机构改革")
    case.refresh_from_db()
    assert case.status == SelectionStatus.PAUSED and "等待机构改革" in case.status_reason
    with pytest.raises(ValidationError, match="暂停"):
        _record(case, Step.RECOMMENDATION)
    with pytest.raises(ValidationError):
        services.add_candidate(actor=None, case=case, cadre=make_cadre(world["tree"].dept, "后加"))
    services.resume_case(actor=officer, case=case, on=date(2025, 6, 15))
    _record(case, Step.RECOMMENDATION)
    services.end_case(actor=officer, case=case, on=date(2025, 6, 25), reason="职位调整，不再选配")
    case.refresh_from_db()
    assert case.status == SelectionStatus.ENDED
    assert case.history.first().history_user == officer


def test_an_ended_case_is_read_only(world):
    case = world["case"]
    services.end_case(actor=None, case=case, on=date(2025, 6, 5), reason="取消")
    for attempt in (
        lambda: _record(case, Step.MOTION),
        lambda: services.pause_case(actor=None, case=case, on=date(2025, 6, 6), reason="x"),
        lambda: services.resume_case(actor=None, case=case, on=date(2025, 6, 6)),
        lambda: services.end_case(actor=None, case=case, on=date(2025, 6, 6), reason="再次"),
        lambda: services.add_candidate(
            actor=None, case=case, cadre=make_cadre(world["tree"].dept, "迟到")
        ),
    ):
        with pytest.raises(ValidationError, match="只能查看"):
            attempt()


def test_an_archived_case_is_read_only(world):
    case = walk(world["case"], Step.ARCHIVE)
    with pytest.raises(ValidationError, match="已归档"):
        services.pause_case(actor=None, case=case, on=date(2026, 10, 26), reason="x")


def test_pause_needs_a_reason(world):
    with pytest.raises(ValidationError) as err:
        services.pause_case(actor=None, case=world["case"], on=date(2025, 6, 5), reason=" ")
    assert "reason" in err.value.message_dict


def test_candidates_only_before_inspection(world):
    case = walk(world["case"], Step.RECOMMENDATION)
    with pytest.raises(ValidationError) as err:
        services.add_candidate(actor=None, case=case, cadre=make_cadre(world["tree"].dept, "晚到"))
    assert "考察对象已经确定" in err.value.message_dict["cadre"][0]


def test_a_person_is_added_once(world):
    with pytest.raises(ValidationError, match="已经是"):
        services.add_candidate(actor=None, case=world["case"], cadre=world["first"])


def test_checks_are_snapshotted_on_motion_inspection_and_decision(world):
    case = walk(world["case"], Step.DECISION)
    for step in (Step.MOTION, Step.INSPECTION, Step.DECISION):
        checks = case.steps.get(step=step).details["checks"]
        assert {v["name"] for v in checks.values()} == {"王一", "李二"}


def test_exceptional_promotion_needs_a_reason(unit_tree):
    with pytest.raises(ValidationError) as err:
        open_case(section_post(unit_tree.town_a), mode=SelectionMode.EXCEPTIONAL, reason="")
    assert "reason" in err.value.message_dict


def test_recommendation_older_than_a_year_warns_at_the_decision(world):
    case = walk(world["case"], Step.PERSONAL_MATTERS)
    recommended = DATES[Step.RECOMMENDATION]
    step = _record(case, Step.DECISION, done_on=date(2026, 6, 20))
    assert [w["rule"] for w in step.details.get("warnings", [])] == []
    case.steps.filter(step=Step.DECISION).delete()
    case.current_step = Step.DECISION
    case.appointee = None
    case.save()
    step = _record(case, Step.DECISION, done_on=recommended + timedelta(days=366))
    assert [w["rule"] for w in step.details["warnings"]] == [sr.R14_ID]


def test_appointment_without_talk_warns(world):
    case = walk(world["case"], Step.PUBLIC_NOTICE)
    details = step_details(case, Step.APPOINTMENT) | {"talk_on": None}
    step = _record(case, Step.APPOINTMENT, details=details)
    assert [w["rule"] for w in step.details["warnings"]] == [sr.R12_ID]


def test_probation_assessment_before_the_end_warns(world):
    case = walk(world["case"], Step.APPOINTMENT)
    step = _record(case, Step.PROBATION, done_on=date(2026, 10, 19))
    assert [w["rule"] for w in step.details["warnings"]] == [sr.R11_ID]
    assert "warnings" not in walk(world["case"], Step.ARCHIVE).steps.get(step=Step.ARCHIVE).details
