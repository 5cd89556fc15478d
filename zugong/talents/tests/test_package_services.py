"""Service requests from registration to 办结 and satisfaction; 退回; bad input refused whole."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from zugong.accounts.models import Role, User
from zugong.core.models import Finding
from zugong.talents import package_services as services
from zugong.talents.models import ServiceEvent, ServiceRequest, ServiceState
from zugong.talents.package_rules import SERVICE_KIND
from zugong.talents.tests.support_services import make_item, make_request, make_talent

pytestmark = pytest.mark.django_db
MON = date(2026, 3, 2)


def _create(actor: User, talent, **kw):  # noqa: ANN001, ANN202
    fields = {
        "kind": "medical",
        "content": "年度体检绿色通道",
        "source": "office",
        "submitted_on": MON,
    }
    fields.update(kw)
    return services.create_request(actor=actor, talent=talent, **fields)


def test_a_request_runs_from_registration_to_feedback(tree, users):
    office = users[Role.TALENT_OFFICE]
    talent = make_talent(tree.branch_a1)
    item = make_item(name="医疗绿色通道")
    r = _create(office, talent, item=item)
    assert (r.state, r.step_due_on, r.requester_name) == ("submitted", date(2026, 3, 5), "人才办")
    r = services.assign(actor=office, request=r, assignee=office, on=MON)
    r = services.accept(actor=office, request=r, on=date(2026, 3, 3))
    assert (r.state, r.accepted_on, r.step_due_on) == (
        "accepted",
        date(2026, 3, 3),
        date(2026, 3, 5),
    )
    r = services.start_handling(actor=office, request=r, on=date(2026, 3, 4))
    assert (r.state, r.step_due_on) == ("handling", date(2026, 3, 25))
    r = services.finish(actor=office, request=r, on=date(2026, 3, 10), result="已安排县医院体检")
    assert (r.state, r.closed_on, r.step_due_on) == ("done", date(2026, 3, 10), None)
    r = services.record_feedback(
        actor=office, request=r, satisfaction=5, feedback="很及时", on=date(2026, 3, 11)
    )
    assert r.satisfaction == 5
    kinds = list(r.events.values_list("kind", flat=True))
    assert kinds == ["created", "assigned", "accepted", "handling", "done", "feedback"]
    assert r.history.count() >= 6


def test_an_employer_request_records_who_asked(tree, users):
    office = users[Role.TALENT_OFFICE]
    talent = make_talent(tree.branch_a1, employer="县第一中学")
    r = _create(
        office, talent, kind="schooling", source="employer", requester_contact="王老师 0571-1234"
    )
    assert r.requester_name == "县第一中学"
    assert r.get_source_display() == "用人单位申请"
    assert r.created_by == office
    nameless = make_talent(tree.branch_a1, "无单位", employer="")
    with pytest.raises(ValidationError) as exc:
        _create(office, nameless, source="employer")
    assert "用人单位申请时必须填写单位名称" in str(exc.value)


def test_return_needs_a_reason_and_closes_the_request(tree, users):
    office = users[Role.TALENT_OFFICE]
    r = _create(office, make_talent(tree.branch_a1))
    with pytest.raises(ValidationError) as exc:
        services.return_request(actor=office, request=r, on=MON, reason=" ")
    assert "退回原因" in str(exc.value)
    r = services.return_request(actor=office, request=r, on=MON, reason="不符合政策条件")
    assert (r.state, r.return_reason, r.step_due_on) == ("returned", "不符合政策条件", None)
    with pytest.raises(ValidationError, match="已退回"):
        services.accept(actor=office, request=r, on=MON)


def test_steps_cannot_be_skipped_or_backdated(tree, users):
    office = users[Role.TALENT_OFFICE]
    r = _create(office, make_talent(tree.branch_a1))
    with pytest.raises(ValidationError, match="只能对“已受理”的事项办理"):
        services.start_handling(actor=office, request=r, on=MON)
    with pytest.raises(ValidationError, match="只能对“办理中”的事项办理"):
        services.finish(actor=office, request=r, on=MON, result="好")
    with pytest.raises(ValidationError, match="不能早于申请日期"):
        services.accept(actor=office, request=r, on=MON - timedelta(days=1))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.accept(actor=office, request=r, on=timezone.localdate() + timedelta(days=1))
    r = services.accept(actor=office, request=r, on=MON)
    with pytest.raises(ValidationError, match="请先指派服务专员"):
        services.start_handling(actor=office, request=r, on=MON)
    r.refresh_from_db()
    assert r.state == ServiceState.ACCEPTED
    assert r.events.count() == 2  # created, accepted: nothing of the refused steps


def test_feedback_only_once_after_done_and_within_one_to_five(tree, users):
    office = users[Role.TALENT_OFFICE]
    r = make_request(make_talent(tree.branch_a1), office, state="handling", handling_on=MON)
    with pytest.raises(ValidationError, match="只能在事项办结后评价"):
        services.record_feedback(actor=office, request=r, satisfaction=4, feedback="", on=MON)
    r = services.finish(actor=office, request=r, on=MON, result="办妥")
    for bad in (0, 6):
        with pytest.raises(ValidationError, match="1至5"):
            services.record_feedback(actor=office, request=r, satisfaction=bad, feedback="", on=MON)
    services.record_feedback(actor=office, request=r, satisfaction=1, feedback="太慢", on=MON)
    with pytest.raises(ValidationError, match="不能重复评价"):
        services.record_feedback(actor=office, request=r, satisfaction=5, feedback="", on=MON)
    r.refresh_from_db()
    assert (r.satisfaction, r.feedback) == (1, "太慢")


def test_the_assignee_must_be_a_talent_writer_covering_the_talent(tree, users):
    office = users[Role.TALENT_OFFICE]
    r = _create(office, make_talent(tree.branch_a1))
    for wrong in (users[Role.LEADER], users[Role.COMMITTEE_ADMIN]):
        with pytest.raises(ValidationError, match="不是可办理该人才服务事项的账号"):
            services.assign(actor=office, request=r, assignee=wrong, on=MON)
    services.assign(actor=office, request=r, assignee=users[Role.DEPARTMENT_ADMIN], on=MON)


def test_roles_and_scope(tree, users):
    talent = make_talent(tree.branch_a1)
    for role in (Role.LEADER, Role.COMMITTEE_ADMIN, Role.BRANCH_ADMIN):
        with pytest.raises(PermissionDenied):
            _create(users[role], talent)
    outsider = make_talent(tree.other_branch, "邻县人才")
    with pytest.raises(Http404):
        _create(users[Role.TALENT_OFFICE], outsider)
    assert ServiceRequest.objects.count() == 0
    assert ServiceEvent.objects.count() == 0


def test_transitions_refresh_the_overdue_finding(tree, users):
    office = users[Role.TALENT_OFFICE]
    r = make_request(make_talent(tree.branch_a1), office)  # due 2026-03-05, long past
    services.refresh_all()
    assert Finding.objects.filter(subject_type=SERVICE_KIND, subject_id=r.pk).count() == 1
    services.accept(actor=office, request=r, on=timezone.localdate())
    # A new step with a fresh due date (today + 2 working days): nothing overdue any more.
    assert not Finding.objects.filter(subject_type=SERVICE_KIND, subject_id=r.pk).exists()


def test_the_policy_item_must_cover_the_talent_area(tree, users):
    from zugong.talents.models import Policy

    office = users[Role.TALENT_OFFICE]
    town_b_policy = Policy.objects.create(
        title="东关街道人才十条",
        issued_on=date(2025, 1, 1),
        effective_from=date(2025, 1, 1),
        org=tree.town_b,
    )
    item = make_item(town_b_policy, "街道生活补贴")
    with pytest.raises(ValidationError, match="所属政策不覆盖李博士所在区域"):
        _create(office, make_talent(tree.branch_a1), item=item)
    assert _create(office, make_talent(tree.branch_b1, "东关人才"), item=item).item == item


def test_a_talent_who_left_gets_no_new_request(tree, users):
    talent = make_talent(tree.branch_a1, status="left", left_on=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="已离开本县"):
        _create(users[Role.TALENT_OFFICE], talent)
