"""The weighted roll-up, 销号 approval and refusal, tracker scope and promotion rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from zugong.accounts.models import Role
from zugong.inquiries import services
from zugong.inquiries.models import Problem, ProblemEvent, ProblemState, SourceKind
from zugong.inquiries.tests.support import (
    make_list,
    make_opinion,
    make_plan,
    make_problem,
    make_report,
)

pytestmark = pytest.mark.django_db
D = Decimal


# --- the roll-up ----------------------------------------------------------------------------


def test_rolled_up_is_a_weighted_mean():
    assert services.rolled_up([(D("100"), 3), (D("0"), 1)]) == D("75.00")


def test_rolled_up_with_all_weights_zero_is_a_plain_mean():
    assert services.rolled_up([(D("100"), 0), (D("50"), 0)]) == D("75.00")


def test_rolled_up_ignores_zero_weight_children_when_others_weigh():
    assert services.rolled_up([(D("100"), 0), (D("40"), 2)]) == D("40.00")


def test_rolled_up_without_children_is_none():
    assert services.rolled_up([]) is None


def test_rolled_up_rounds_half_up():
    assert services.rolled_up([(D("100"), 1), (D("0"), 2)]) == D("33.33")


@pytest.fixture
def county_list(tree, users):
    return make_list(tree.county, users[Role.DEPARTMENT_ADMIN], "县级问题清单")


def test_progress_rolls_up_through_nested_levels(tree, users, county_list):
    admin = users[Role.DEPARTMENT_ADMIN]
    county_item = make_problem(county_list, tree.county, "县级问题")
    town_a = make_problem(county_list, tree.town_a, "城关镇", parent=county_item, weight=3)
    town_b = make_problem(county_list, tree.town_b, "东关街道", parent=county_item, weight=1)
    village = make_problem(county_list, tree.branch_a1, "东村", parent=town_a, weight=1)
    office = make_problem(county_list, tree.branch_a2a, "机关", parent=town_a, weight=1)

    services.set_progress(actor=admin, problem=village, progress=D("100"))
    services.set_progress(actor=admin, problem=office, progress=D("60"))
    services.set_progress(actor=admin, problem=town_b, progress=D("20"))

    town_a.refresh_from_db()
    county_item.refresh_from_db()
    assert town_a.progress == D("80.00")
    assert county_item.progress == D("65.00")  # (80 * 3 + 20 * 1) / 4


def test_weight_change_and_moving_a_child_recompute_both_parents(tree, users, county_list):
    admin = users[Role.DEPARTMENT_ADMIN]
    first = make_problem(county_list, tree.county, "一")
    second = make_problem(county_list, tree.county, "二")
    child = make_problem(county_list, tree.town_a, "子", parent=first, progress="80")
    services.set_progress(actor=admin, problem=child, progress=D("80"))
    first.refresh_from_db()
    assert first.progress == D("80.00")
    services.update_problem(
        actor=admin,
        problem=child,
        title="子",
        description="",
        topic="",
        responsible_org=tree.town_a,
        owner_name="",
        measures="",
        deadline=None,
        weight=0,
        parent=second,
    )
    second.refresh_from_db()
    assert second.progress == D("80.00")  # the only child, weight 0: the plain mean


def test_a_parent_takes_no_direct_progress(tree, users, county_list):
    parent = make_problem(county_list, tree.county, "县级问题")
    make_problem(county_list, tree.town_a, "城关镇", parent=parent)
    with pytest.raises(ValidationError, match="下级问题加权汇总"):
        services.set_progress(actor=users[Role.DEPARTMENT_ADMIN], problem=parent, progress=D("50"))


def test_a_problem_cannot_become_its_own_descendant(tree, users, county_list):
    parent = make_problem(county_list, tree.county, "上")
    child = make_problem(county_list, tree.town_a, "下", parent=parent)
    with pytest.raises(ValidationError, match="不能是本问题或其下级问题"):
        services.update_problem(
            actor=users[Role.DEPARTMENT_ADMIN],
            problem=parent,
            title="上",
            responsible_org=tree.county,
            parent=child,
        )


# --- 销号 --------------------------------------------------------------------------------------


def _ready(problem_list, tree, users) -> Problem:
    problem = make_problem(problem_list, tree.town_a, "村务公开不及时", progress="100")
    services.request_closure(
        actor=users[Role.PROBLEM_TRACKER], problem=problem, reason="已建立村务公开栏，按月公开"
    )
    return problem


def test_closure_request_needs_full_progress_and_done_milestones(tree, users, county_list):
    tracker = users[Role.PROBLEM_TRACKER]
    problem = make_problem(county_list, tree.town_a, "问题", progress="90")
    with pytest.raises(ValidationError, match="达到100%后才能申请销号"):
        services.request_closure(actor=tracker, problem=problem, reason="完成")
    services.set_progress(actor=tracker, problem=problem, progress=D("100"))
    services.add_milestone(
        actor=tracker, problem=problem, title="建立制度", planned_on=date(2026, 5, 1)
    )
    with pytest.raises(ValidationError, match="整改节点未完成"):
        services.request_closure(actor=tracker, problem=problem, reason="完成")
    services.complete_milestone(
        actor=tracker, milestone=problem.milestones.get(), done_on=date(2026, 4, 1)
    )
    with pytest.raises(ValidationError, match="必须填写"):
        services.request_closure(actor=tracker, problem=problem, reason="  ")
    services.request_closure(actor=tracker, problem=problem, reason="完成")
    assert problem.state == ProblemState.CLOSURE_REQUESTED


def test_closure_approved_by_a_reviewer_is_logged(tree, users, county_list):
    problem = _ready(county_list, tree, users)
    services.decide_closure(
        actor=users[Role.DEPARTMENT_ADMIN], problem=problem, approve=True, reason="经核查，整改到位"
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED and problem.closed_on is not None
    kinds = list(problem.events.values_list("kind", "actor__role"))
    assert kinds == [
        (ProblemEvent.Kind.REQUESTED, Role.PROBLEM_TRACKER),
        (ProblemEvent.Kind.APPROVED, Role.DEPARTMENT_ADMIN),
    ]
    with pytest.raises(ValidationError, match="已销号"):
        services.set_progress(actor=users[Role.PROBLEM_TRACKER], problem=problem, progress=D("50"))


def test_closure_refused_goes_back_to_open_with_the_reason(tree, users, county_list):
    problem = _ready(county_list, tree, users)
    with pytest.raises(ValidationError, match="审核意见"):
        services.decide_closure(
            actor=users[Role.SYSTEM_ADMIN], problem=problem, approve=False, reason=""
        )
    services.decide_closure(
        actor=users[Role.SYSTEM_ADMIN], problem=problem, approve=False, reason="佐证材料不足"
    )
    assert problem.state == ProblemState.OPEN
    assert problem.events.last().note == "佐证材料不足"


@pytest.mark.parametrize(
    "role",
    [
        Role.COMMITTEE_ADMIN,
        Role.BRANCH_ADMIN,
        Role.LEADER,
        Role.PROBLEM_TRACKER,
        Role.SUPERVISION_OFFICER,
        Role.CADRE_OFFICER,
        Role.CUSTODIAN,
    ],
)
def test_only_reviewers_decide_closure(tree, users, county_list, role):
    problem = _ready(county_list, tree, users)
    with pytest.raises(PermissionDenied):
        services.decide_closure(actor=users[role], problem=problem, approve=True, reason="同意")


def test_a_reviewer_outside_the_list_scope_cannot_decide(tree, users, county_list):
    from zugong.accounts.models import User

    problem = _ready(county_list, tree, users)
    neighbour = User.objects.create_user(
        username="neighbour", role=Role.DEPARTMENT_ADMIN, anchor_org=tree.other_county
    )
    with pytest.raises(PermissionDenied):
        services.decide_closure(actor=neighbour, problem=problem, approve=True, reason="同意")


def test_reopening_needs_a_reason_and_reopens_a_closed_parent(tree, users, county_list):
    admin, tracker = users[Role.DEPARTMENT_ADMIN], users[Role.PROBLEM_TRACKER]
    parent = make_problem(county_list, tree.town_a, "上级")
    child = make_problem(county_list, tree.branch_a1, "下级", parent=parent)
    services.set_progress(actor=tracker, problem=child, progress=D("100"))
    for p in (child, parent):
        p.refresh_from_db()
        services.request_closure(actor=tracker, problem=p, reason="完成")
        services.decide_closure(actor=admin, problem=p, approve=True, reason="同意")
    with pytest.raises(ValidationError):
        services.reopen_problem(actor=admin, problem=child, reason="")
    child.refresh_from_db()
    services.reopen_problem(actor=admin, problem=child, reason="群众再次反映")
    parent.refresh_from_db()
    assert child.state == parent.state == ProblemState.OPEN
    assert parent.closed_on is None


def test_a_parent_with_open_children_cannot_request_closure(tree, users, county_list):
    tracker = users[Role.PROBLEM_TRACKER]
    parent = make_problem(county_list, tree.town_a, "上级", progress="100")
    make_problem(county_list, tree.branch_a1, "下级", parent=parent, progress="100")
    with pytest.raises(ValidationError, match="下级问题未销号"):
        services.request_closure(actor=tracker, problem=parent, reason="完成")


# --- the tracker ----------------------------------------------------------------------------


def test_tracker_updates_only_problems_in_its_subtree(tree, users, county_list):
    tracker = users[Role.PROBLEM_TRACKER]  # anchored at 城关镇
    own = make_problem(county_list, tree.branch_a1, "东村的问题")
    other = make_problem(county_list, tree.branch_b1, "北社区的问题")
    services.set_progress(actor=tracker, problem=own, progress=D("30"))
    for write in (
        lambda: services.set_progress(actor=tracker, problem=other, progress=D("30")),
        lambda: services.add_milestone(
            actor=tracker, problem=other, title="节点", planned_on=date(2026, 5, 1)
        ),
        lambda: services.request_closure(actor=tracker, problem=other, reason="完成"),
    ):
        with pytest.raises(PermissionDenied):
            write()


def test_tracker_cannot_organize(tree, users, county_list):
    tracker = users[Role.PROBLEM_TRACKER]
    own = make_problem(county_list, tree.branch_a1, "东村的问题")
    with pytest.raises(PermissionDenied):
        services.update_problem(
            actor=tracker, problem=own, title="改名", responsible_org=tree.branch_a1
        )
    with pytest.raises(PermissionDenied):
        services.create_problem_list(actor=tracker, title="清单")
    plan = make_plan(tree.county, users[Role.DEPARTMENT_ADMIN])
    with pytest.raises(PermissionDenied):
        services.answer_opinion(
            actor=tracker, opinion=make_opinion(plan), answer="答复", answered_on=date(2026, 3, 5)
        )


# --- promotion ------------------------------------------------------------------------------


FIELDS = {"title": "村务公开不及时", "description": "部分村未按月公开村务", "responsible_org": None}


def _fields(tree):
    return {**FIELDS, "responsible_org": tree.town_a}


def test_promoting_an_opinion_copies_nothing_and_logs_who(tree, users, county_list):
    admin = users[Role.DEPARTMENT_ADMIN]
    opinion = make_opinion(make_plan(tree.county, admin), tree.branch_a1)
    problem = services.promote_opinion(
        actor=admin, opinion=opinion, problem_list=county_list, **_fields(tree)
    )
    assert problem.source_kind == SourceKind.OPINION
    assert problem.source_reference == f"意见 #{opinion.pk}"
    assert "原文" not in problem.title + problem.description
    event = problem.events.get()
    assert (event.kind, event.actor) == (ProblemEvent.Kind.PROMOTED, admin)


def test_only_organizers_promote_opinions(tree, users, county_list):
    opinion = make_opinion(make_plan(tree.county, users[Role.DEPARTMENT_ADMIN]))
    for role in (Role.LEADER, Role.SUPERVISION_OFFICER, Role.BRANCH_ADMIN, Role.PROBLEM_TRACKER):
        with pytest.raises(PermissionDenied):
            services.promote_opinion(
                actor=users[role], opinion=opinion, problem_list=county_list, **_fields(tree)
            )


def test_a_verified_report_becomes_a_problem_with_its_number_only(tree, users, county_list):
    officer = users[Role.SUPERVISION_OFFICER]
    for result in ("true", "partly_true"):
        report = make_report(result=result)
        problem = services.promote_report(
            actor=officer, report_pk=report.pk, problem_list=county_list, **_fields(tree)
        )
        assert problem.source_kind == SourceKind.REPORT
        assert problem.source_reference == f"举报件 #{report.pk}"
        stored = " ".join(
            str(v) for v in Problem.objects.filter(pk=problem.pk).values().first().values()
        )
        assert "举报原文" not in stored and "李四" not in stored
        assert problem.events.get().actor == officer


@pytest.mark.parametrize(
    ("state", "result"),
    [("closed", "false"), ("closed", "unverifiable"), ("investigating", ""), ("answered", "")],
)
def test_unverified_or_open_reports_are_never_promoted(tree, users, county_list, state, result):
    report = make_report(state=state, result=result)
    with pytest.raises(Http404):
        services.promote_report(
            actor=users[Role.SUPERVISION_OFFICER],
            report_pk=report.pk,
            problem_list=county_list,
            **_fields(tree),
        )
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT_ADMIN, Role.SYSTEM_ADMIN, Role.CUSTODIAN, Role.PROBLEM_TRACKER]
)
def test_only_the_supervision_office_promotes_reports(tree, users, county_list, role):
    report = make_report()
    with pytest.raises(PermissionDenied):
        services.promote_report(
            actor=users[role], report_pk=report.pk, problem_list=county_list, **_fields(tree)
        )


def test_responsible_org_outside_scope_is_refused(tree, users, county_list):
    with pytest.raises(ValidationError, match="不在您的管理范围内"):
        services.create_problem(
            actor=users[Role.DEPARTMENT_ADMIN],
            problem_list=county_list,
            title="外县问题",
            responsible_org=tree.other_branch,
        )
