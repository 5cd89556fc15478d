"""The compliance computation: states at every period boundary, applicability, overlays, rates."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.conftest import Tree
from zugong.core.models import RuleParameter, RuleSetting
from zugong.core.rules.engine import RuleContext
from zugong.life import compliance, tally
from zugong.life.compliance import State
from zugong.life.models import Meeting, MeetingRequirement, MeetingType
from zugong.orgs.models import LeadershipTeam, Organization
from zugong.orgs.services import create_org

pytestmark = pytest.mark.django_db

YEAR = 2026


def hold(org: Organization, type_code: str, held_on: date) -> Meeting:
    meeting = Meeting.objects.create(
        org=org,
        org_path=org.path,
        meeting_type=MeetingType.objects.get(code=type_code),
        held_on=held_on,
        topic="测试会议",
    )
    tally.meeting_changed(None, meeting)
    return meeting


def elect(org: Organization, on: date, *, current: bool = True) -> LeadershipTeam:
    return LeadershipTeam.objects.create(
        org=org,
        kind="branch_committee",
        elected_on=on,
        term_years=3,
        term_ends_on=date(on.year + 3, on.month, on.day),
        is_current=current,
    )


def states(org: Organization, today: date, year: int = YEAR) -> dict[str, list[State]]:
    oc = compliance.org_compliance(org, year, today, RuleContext(today))
    return {row.req.code: [state for _span, state in row.cells] for row in oc.rows}


# --- monthly: 主题党日, lead window 10 days ------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(YEAR, 3, 20), State.OPEN),  # 11 days left: the day before the lead window
        (date(YEAR, 3, 21), State.DUE),  # 10 days left: the first day of the window
        (date(YEAR, 3, 31), State.DUE),  # the last day of the period
        (date(YEAR, 4, 1), State.OVERDUE),  # the first day after
    ],
)
def test_monthly_boundaries(tree: Tree, today: date, expected: State) -> None:
    assert states(tree.branch_a1, today)["theme_party_day_monthly"][2] == expected


def test_monthly_done_and_the_months_around(tree: Tree) -> None:
    hold(tree.branch_a1, "theme_party_day", date(YEAR, 3, 31))
    row = states(tree.branch_a1, date(YEAR, 4, 1))["theme_party_day_monthly"]
    assert row[:5] == [State.OVERDUE, State.OVERDUE, State.DONE, State.OPEN, State.UPCOMING]


# --- quarterly: 支部党员大会 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(YEAR, 6, 19), State.OPEN),
        (date(YEAR, 6, 20), State.DUE),
        (date(YEAR, 6, 30), State.DUE),
        (date(YEAR, 7, 1), State.OVERDUE),
    ],
)
def test_quarterly_boundaries(tree: Tree, today: date, expected: State) -> None:
    assert states(tree.branch_a1, today)["branch_general_meeting_quarterly"][1] == expected


def test_a_meeting_in_any_month_of_the_quarter_counts(tree: Tree) -> None:
    hold(tree.branch_a1, "branch_general_meeting", date(YEAR, 4, 2))
    row = states(tree.branch_a1, date(YEAR, 7, 1))["branch_general_meeting_quarterly"]
    assert row == [State.OVERDUE, State.DONE, State.OPEN, State.UPCOMING]


# --- yearly: 组织生活会 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(YEAR, 12, 20), State.OPEN),
        (date(YEAR, 12, 21), State.DUE),
        (date(YEAR, 12, 31), State.DUE),
        (date(YEAR + 1, 1, 1), State.OVERDUE),
    ],
)
def test_yearly_boundaries(tree: Tree, today: date, expected: State) -> None:
    assert states(tree.branch_a1, today)["org_life_meeting_yearly"] == [expected]


def test_yearly_min_count_compares_the_count(tree: Tree) -> None:
    MeetingRequirement.objects.filter(code="heart_to_heart_talk_yearly").update(min_count=2)
    hold(tree.branch_a1, "heart_to_heart_talk", date(YEAR, 3, 1))
    today = date(YEAR + 1, 1, 1)
    assert states(tree.branch_a1, today)["heart_to_heart_talk_yearly"] == [State.OVERDUE]
    hold(tree.branch_a1, "heart_to_heart_talk", date(YEAR, 3, 15))  # same month, second talk
    assert states(tree.branch_a1, today)["heart_to_heart_talk_yearly"] == [State.DONE]


def test_a_past_year_is_all_ended_and_a_future_year_all_upcoming(tree: Tree) -> None:
    today = date(YEAR, 5, 5)
    assert set(states(tree.branch_a1, today, YEAR - 1)["theme_party_day_monthly"]) == {
        State.OVERDUE
    }
    assert set(states(tree.branch_a1, today, YEAR + 1)["theme_party_day_monthly"]) == {
        State.UPCOMING
    }


def test_lead_days_override(tree: Tree) -> None:
    RuleParameter.objects.create(
        rule_id="life.meeting_due", key="lead_days", value=5, effective_from=date(2020, 1, 1)
    )
    assert states(tree.branch_a1, date(YEAR, 3, 25))["theme_party_day_monthly"][2] == State.OPEN
    assert states(tree.branch_a1, date(YEAR, 3, 26))["theme_party_day_monthly"][2] == State.DUE


# --- applicability ----------------------------------------------------------------------------------


def test_a_branch_without_a_committee_has_no_committee_meeting(tree: Tree) -> None:
    codes = set(states(tree.branch_a1, date(YEAR, 5, 5)))
    assert "branch_committee_meeting_monthly" not in codes
    assert {
        "branch_general_meeting_quarterly",
        "theme_party_day_monthly",
        "org_life_meeting_yearly",
        "democratic_appraisal_yearly",
        "heart_to_heart_talk_yearly",
    } == codes


def test_a_branch_with_a_committee_owes_it_from_the_first_election(tree: Tree) -> None:
    elect(tree.branch_a1, date(2020, 1, 10), current=False)
    elect(tree.branch_a1, date(YEAR, 3, 5))  # re-election: the committee existed all along
    row = states(tree.branch_a1, date(YEAR, 5, 5))["branch_committee_meeting_monthly"]
    assert row[:4] == [State.OVERDUE] * 4
    elect(tree.branch_b1, date(YEAR, 3, 5))  # a branch's first committee
    row = states(tree.branch_b1, date(YEAR, 5, 5))["branch_committee_meeting_monthly"]
    assert row[:5] == [State.NA, State.NA, State.OVERDUE, State.OVERDUE, State.OPEN]


def test_a_former_committee_only_does_not_count(tree: Tree) -> None:
    elect(tree.branch_a1, date(2020, 1, 10), current=False)
    assert "branch_committee_meeting_monthly" not in states(tree.branch_a1, date(YEAR, 5, 5))


def test_branch_group_meeting_only_for_groups(tree: Tree) -> None:
    group = create_org(
        actor=None, parent=tree.branch_a1, name="第一党小组", code="A1G1", kind="branch_group"
    )
    assert set(states(group, date(YEAR, 5, 5))) == {"branch_group_meeting_monthly"}
    assert "branch_group_meeting_monthly" not in states(tree.branch_a1, date(YEAR, 5, 5))


def test_committees_and_general_branches(tree: Tree) -> None:
    today = date(YEAR, 5, 5)
    assert set(states(tree.town_a, today)) == {
        "party_lecture_secretary_yearly",
        "democratic_life_meeting_yearly",
    }
    assert set(states(tree.county, today)) == set(states(tree.town_a, today))
    assert states(tree.general_a2, today) == {}


def test_periods_that_ended_before_founding_do_not_apply(tree: Tree) -> None:
    tree.branch_a1.founded_on = date(YEAR, 5, 10)
    tree.branch_a1.save()
    row = states(tree.branch_a1, date(YEAR, 7, 1))
    assert row["theme_party_day_monthly"][:7] == [State.NA] * 4 + [
        State.OVERDUE,
        State.OVERDUE,
        State.OPEN,
    ]
    assert row["branch_general_meeting_quarterly"][:2] == [State.NA, State.OVERDUE]


def test_a_dissolved_org_has_nothing(tree: Tree) -> None:
    Organization.objects.filter(pk=tree.branch_a1.pk).update(status="dissolved")
    tree.branch_a1.refresh_from_db()
    assert states(tree.branch_a1, date(YEAR, 5, 5)) == {}


# --- rule sets and rule data ------------------------------------------------------------------------


def test_quarterly_lecture_overlay_is_off_by_default_and_on_when_enabled(tree: Tree) -> None:
    today = date(YEAR, 5, 5)
    assert "party_lecture_branch_quarterly" not in states(tree.branch_a1, today)
    RuleSetting.objects.filter(rule_set="local.branch_lecture_quarterly").update(enabled=True)
    row = states(tree.branch_a1, today)["party_lecture_branch_quarterly"]
    assert row == [State.OVERDUE, State.OPEN, State.UPCOMING, State.UPCOMING]


def test_inactive_and_not_yet_effective_requirements_are_ignored(tree: Tree) -> None:
    MeetingRequirement.objects.filter(code="theme_party_day_monthly").update(is_active=False)
    MeetingRequirement.objects.filter(code="org_life_meeting_yearly").update(
        effective_from=date(YEAR, 5, 6)
    )
    MeetingRequirement.objects.filter(code="heart_to_heart_talk_yearly").update(
        effective_to=date(YEAR, 5, 4)
    )
    codes = set(states(tree.branch_a1, date(YEAR, 5, 5)))
    assert not codes & {
        "theme_party_day_monthly",
        "org_life_meeting_yearly",
        "heart_to_heart_talk_yearly",
    }
    assert "org_life_meeting_yearly" in states(tree.branch_a1, date(YEAR, 5, 6))


# --- rates and subtrees -------------------------------------------------------------------------------


def test_rate_counts_ended_and_done_cells_only(tree: Tree) -> None:
    today = date(YEAR, 3, 25)  # Jan and Feb ended; March is due; Q1 is due; the year is open
    hold(tree.branch_a1, "theme_party_day", date(YEAR, 1, 10))
    hold(tree.branch_a1, "org_life_meeting", date(YEAR, 2, 10))  # a running period, done
    summary = compliance.org_compliance(tree.branch_a1, YEAR, today).summary
    assert (summary.done, summary.overdue, summary.due) == (2, 1, 2)
    assert summary.rate == pytest.approx(66.7)
    assert summary.open == 2  # 民主评议, 谈心谈话
    assert compliance.rate(0, 0) is None


def test_subtree_summary_and_compute_all(tree: Tree, django_assert_max_num_queries) -> None:
    today = date(YEAR, 4, 1)
    hold(tree.branch_a1, "branch_general_meeting", date(YEAR, 2, 1))
    hold(tree.branch_b1, "theme_party_day", date(YEAR, 1, 1))
    town_a = compliance.subtree_summary(tree.town_a.path, YEAR, today)
    # 城关镇 (2 yearly cells, open), 东村 and 机关第一支部 (3 months + Q1 each).
    assert town_a.orgs == 3
    assert (town_a.done, town_a.overdue) == (1, 7)
    county = compliance.subtree_summary(tree.county.path, YEAR, today)
    assert (county.done, county.overdue, county.orgs) == (2, 10, 6)
    # Rule parameters and rule sets, requirements, committees, tallies, organizations.
    with django_assert_max_num_queries(6):
        everything = compliance.compute_all(YEAR, today)
    assert everything["done"] == 2
    assert everything["overdue"] == 10 + 4  # the other county's branch
    assert everything["orgs"] == 8
    assert everything["rate_permille"] == round(2 / 16 * 1000)


def test_heat_map_by_children(tree: Tree) -> None:
    today = date(YEAR, 4, 1)
    hold(tree.branch_a1, "theme_party_day", date(YEAR, 1, 1))
    hold(tree.branch_a1, "branch_general_meeting", date(YEAR, 3, 1))
    heat = compliance.heatmap_by_children(tree.town_a, YEAR, today)
    assert heat is not None
    # 城关镇 itself has nothing due yet: its row is left out.
    assert heat.labels == ["城关镇东村党支部", "城关镇机关党总支"]
    table = {label: shares for _key, label, shares in heat.table()}
    assert table["城关镇东村党支部"][:4] == [100, 0, 50, None]
    assert table["城关镇机关党总支"][:3] == [0, 0, 0]
    chart = heat.chart()
    assert [0, 0, 100] in chart["data"] and chart["months"][0] == "1月"
    assert compliance.heatmap_by_children(tree.branch_b1, YEAR, today) is None


def test_township_groups_count_with_their_branch(tree: Tree) -> None:
    today = date(YEAR, 2, 1)
    group = create_org(
        actor=None, parent=tree.branch_a1, name="第一党小组", code="A1G1", kind="branch_group"
    )
    hold(group, "branch_group_meeting", date(YEAR, 1, 5))
    t = compliance.township(_user(tree), tree.town_a, YEAR, today)
    rows = {r.org.name: r for r in t.branches}
    assert set(rows) == {"城关镇东村党支部", "城关镇机关第一党支部"}
    assert rows["城关镇东村党支部"].counts[State.DONE] == 1
    assert rows["城关镇东村党支部"].counts[State.OVERDUE] == 1
    assert rows["城关镇东村党支部"].rate == 50.0


def _user(tree: Tree):  # noqa: ANN202 - an account anchored at the county
    from zugong.accounts.models import User

    return User.objects.create_user(username="county", role="leader", anchor_org=tree.county)


def test_grid_filters_and_scope(tree: Tree) -> None:
    from django.http import Http404

    from zugong.accounts.models import User

    today = date(YEAR, 4, 1)
    hold(tree.branch_a1, "theme_party_day", date(YEAR, 1, 1))
    hold(tree.branch_a1, "theme_party_day", date(YEAR, 2, 1))
    hold(tree.branch_a1, "theme_party_day", date(YEAR, 3, 1))
    hold(tree.branch_a1, "branch_general_meeting", date(YEAR, 3, 1))
    user = _user(tree)
    g = compliance.grid(user, tree.town_a, YEAR, today)
    assert [r.org.name for r in g.rows] == [
        "城关镇党委",
        "城关镇东村党支部",
        "城关镇机关第一党支部",
    ]
    assert [r.org.name for r in compliance.grid(user, tree.town_a, YEAR, today, q="机关").rows] == [
        "城关镇机关第一党支部"
    ]
    problems = compliance.grid(user, tree.town_a, YEAR, today, problems_only=True)
    assert [r.org.name for r in problems.rows] == ["城关镇机关第一党支部"]
    one = compliance.grid(user, tree.town_a, YEAR, today, requirement="theme_party_day_monthly")
    assert [c.plan.req.code for c in one.columns] == ["theme_party_day_monthly"]
    assert (one.summary.done, one.summary.overdue) == (3, 3)
    row = one.rows[0]
    assert one.row_states(row)[0][:4] == [State.DONE] * 3 + [State.OPEN]
    stranger = User.objects.create_user(
        username="b", role="committee_admin", anchor_org=tree.town_b
    )
    with pytest.raises(Http404):
        compliance.grid(stranger, tree.town_a, YEAR, today)


def test_current_items_of_a_branch(tree: Tree) -> None:
    today = date(YEAR, 5, 25)
    hold(tree.branch_a1, "theme_party_day", date(YEAR, 5, 2))
    items = compliance.current_items(tree.branch_a1, today)
    assert list(items) == ["month", "quarter", "year"]
    assert [(i.req.type_code, i.state) for i in items["month"]] == [("theme_party_day", State.DONE)]
    assert [(i.req.type_code, i.state) for i in items["quarter"]] == [
        ("branch_general_meeting", State.OPEN)
    ]


def test_labels(tree: Tree) -> None:
    plan = compliance.plans_for(RuleContext(date(YEAR, 6, 1)), YEAR)
    by_code = {p.req.code: p for p in plan}
    assert compliance.iter_periods_label(by_code["theme_party_day_monthly"], [2, 4]) == (
        "2026年3月、5月"
    )
    assert compliance.iter_periods_label(by_code["branch_general_meeting_quarterly"], [0]) == (
        "2026年第一季度"
    )
    assert compliance.iter_periods_label(by_code["org_life_meeting_yearly"], [0]) == "2026年度"
    assert by_code["theme_party_day_monthly"].req.label == "主题党日（每月）"


def test_heat_map_shows_nothing_after_the_current_month(tree: Tree) -> None:
    # A yearly 谈心谈话 held in April falls due in December; in April it shows in April.
    today = date(YEAR, 4, 20)
    hold(tree.branch_a1, "heart_to_heart_talk", date(YEAR, 4, 2))
    heat = compliance.heatmap_by_children(tree.town_a, YEAR, today)
    table = {label: shares for _key, label, shares in heat.table()}
    assert table["城关镇东村党支部"][4:] == [None] * 8
    assert table["城关镇东村党支部"][3] is not None
