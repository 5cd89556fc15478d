"""回避 in 分办: never the cadre named, nobody in that cadre's unit, nor that unit's (or its parent
unit's) leaders; handlers without a linked cadre are eligible but flagged."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zugong.supervision import case_selectors, case_services
from zugong.supervision.models import ReportState
from zugong.supervision.tests.test_case_support import (
    hold_post,
    make_cadre,
    make_handler,
    make_report,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 9, 10)


@pytest.fixture
def setup(users, unit_tree):  # noqa: ANN001, ANN201 - pytest fixtures
    subject = make_cadre(unit_tree.town_a, "被反映人")
    colleague = make_cadre(unit_tree.town_a, "同事")
    leader = make_cadre(unit_tree.dept, "兼职领导")
    hold_post(leader, unit_tree.town_a, "党委委员（兼）")
    county_leader = make_cadre(unit_tree.county, "县领导")
    hold_post(county_leader, unit_tree.county, "副县长")
    former = make_cadre(unit_tree.dept, "原任领导")
    holding = hold_post(former, unit_tree.town_a, "原党委委员")
    holding.ended_on = date(2024, 12, 31)
    holding.save()
    unrelated = make_cadre(unit_tree.town_b, "无关人员")
    handlers = {
        "self": make_handler("h_self", subject),
        "colleague": make_handler("h_colleague", colleague),
        "leader": make_handler("h_leader", leader),
        "county_leader": make_handler("h_county", county_leader),
        "former": make_handler("h_former", former),
        "unrelated": make_handler("h_unrelated", unrelated),
        "unlinked": make_handler("h_unlinked", None),
    }
    report = make_report(cadre=subject, state=ReportState.ACCEPTED)
    return report, handlers, users["supervision_officer"]


def test_candidates_name_the_avoidance_reason(setup):
    report, handlers, _ = setup
    by_name = {c.user.username: c for c in case_selectors.candidates(report, TODAY)}
    assert "本人即被反映干部" in by_name["h_self"].avoid_reason
    assert "同在城关镇工作" in by_name["h_colleague"].avoid_reason
    assert "领导职务" in by_name["h_leader"].avoid_reason
    assert "领导职务" in by_name["h_county"].avoid_reason  # the parent unit's leadership
    assert by_name["h_former"].eligible  # the post ended: no longer a leader there
    assert by_name["h_unrelated"].eligible and not by_name["h_unrelated"].flag
    assert by_name["h_unlinked"].eligible
    assert by_name["h_unlinked"].flag == case_selectors.NO_CADRE_FLAG


@pytest.mark.parametrize("who", ["self", "colleague", "leader", "county_leader"])
def test_service_refuses_an_avoided_handler_and_writes_nothing(setup, who):
    report, handlers, officer = setup
    with pytest.raises(ValidationError, match="回避"):
        case_services.assign_case(
            actor=officer,
            report=report,
            handlers=[handlers["unrelated"], handlers[who]],
            today=TODAY,
        )
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert not report.assignments.exists() and not report.events.exists()


def test_service_assigns_eligible_handlers(setup):
    report, handlers, officer = setup
    case_services.assign_case(
        actor=officer,
        report=report,
        handlers=[handlers["unrelated"], handlers["unlinked"]],
        today=TODAY,
    )
    report.refresh_from_db()
    assert report.state == ReportState.INVESTIGATING
    assert set(report.assignments.values_list("handler__username", flat=True)) == {
        "h_unrelated",
        "h_unlinked",
    }
    assert report.events.filter(kind="assigned", actor=officer).count() == 2


def make_notice(unit, cadre):  # noqa: ANN001, ANN201 - test helper
    from zugong.cadres.models import PostLevel, PublicNotice, SelectionCase, SelectionMode
    from zugong.cadres.unit_services import create_post

    post = create_post(actor=None, unit=unit, title="副镇长", level=PostLevel.SECTION_DEPUTY)
    case = SelectionCase.objects.create(
        post=post, unit=unit, title="城关镇副镇长", mode=SelectionMode.PROMOTION, opened_on=TODAY
    )
    return PublicNotice.objects.create(
        case=case, cadre=cadre, public_text="公示", starts_on=TODAY, ends_on=TODAY, working_days=5
    )


def test_a_notice_report_avoids_the_candidates_unit(setup, unit_tree):
    from zugong.supervision.models import SubjectKind

    report, handlers, _ = setup
    notice = make_notice(unit_tree.town_a, report.subject_cadre)
    report.subject_kind, report.subject_cadre, report.subject_notice = (
        SubjectKind.NOTICE,
        None,
        notice,
    )
    report.unit_path = ""
    report.save()
    by_name = {c.user.username: c for c in case_selectors.candidates(report, TODAY)}
    assert not by_name["h_self"].eligible and not by_name["h_colleague"].eligible
    assert by_name["h_unrelated"].eligible


def test_assign_page_offers_only_eligible_handlers(client, setup):
    report, handlers, officer = setup
    client.force_login(officer)
    response = client.get(f"/supervision/cases/{report.pk}/assign/")
    assert response.status_code == 200
    offered = response.context["form"].fields["handlers"].queryset
    choices = {u.username for u in offered}
    assert choices == {"h_unrelated", "h_unlinked", "h_former"}
    body = response.content.decode()
    assert "回避：本人即被反映干部" in body and case_selectors.NO_CADRE_FLAG in body
    # A forged POST naming an avoided handler is refused by the form (not offered).
    response = client.post(
        f"/supervision/cases/{report.pk}/assign/", {"handlers": [handlers["self"].pk]}
    )
    assert response.status_code == 200
    assert "承办人" in response.content.decode()
    assert not report.assignments.exists()
