"""The automatic checklist items equal the source records: meetings (组织生活检查), terms, dues and
member records are built here, then a saved score's lines are compared with each source."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zugong.accounts.models import Scope
from zugong.conftest import code, make_member
from zugong.core.models import CodeItem, RuleParameter
from zugong.core.rules.engine import RuleContext
from zugong.dues.models import DuesCategory
from zugong.dues.selectors import subtree_collection
from zugong.dues.services import PaymentInput, StandardInput, record_payments, set_standard
from zugong.life import compliance, tally
from zugong.life.models import Meeting, MeetingType
from zugong.members.models import Member, MemberStatus
from zugong.orgs.models import LeadershipTeam, Organization
from zugong.orgs.standardization import feeds
from zugong.orgs.standardization.feeds import _Reader, dues_cutoff
from zugong.orgs.standardization.models import ItemFeed
from zugong.orgs.standardization.services import ManualEntry, save_score
from zugong.orgs.tests.matrix_standardization import general_template

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = date(2026, 3, 1)
DUES_DAY = date(2025, 12, 31)


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


def team(org: Organization, elected: date, ends: date, *, current: bool = True) -> LeadershipTeam:
    return LeadershipTeam.objects.create(
        org=org,
        kind="branch_committee",
        elected_on=elected,
        term_years=3,
        term_ends_on=ends,
        is_current=current,
    )


def complete_member(org: Organization, name: str) -> Member:
    return make_member(
        org,
        name,
        ethnicity=code("ethnicity", "01"),
        native_place="浙江杭州",
        education=code("education", "21"),
        phone="13800000000",
        job_category=CodeItem.objects.filter(table__code="job_category").order_by("pk").first(),
        work_started_on=date(2002, 7, 1),
        address="城关镇东村1号",
    )


def pay(member: Member, months: list[int]) -> None:
    for m in months:
        record_payments(
            actor=None,
            org=member.org,
            year=YEAR,
            months=[m],
            paid_on=date(YEAR, m, 20),
            entries=[PaymentInput(member=member)],
            today=DUES_DAY,
        )


def full_marks() -> dict[int, ManualEntry]:
    return {
        i.pk: ManualEntry(str(i.max_points))
        for i in general_template().items.all()
        if not i.is_auto
    }


@pytest.fixture
def branch(tree) -> Organization:
    """城关镇东村党支部 with three members (one record complete), dues, meetings and a team."""
    org = tree.branch_a1
    a = make_member(org, "甲")
    b = make_member(org, "乙")
    complete_member(org, "丙")
    salary = StandardInput(category=DuesCategory.SALARIED, income_base=Decimal("4000"))
    for m in (a, b):
        set_standard(actor=None, member=m, year=YEAR, data=salary, today=DUES_DAY)
    pay(a, list(range(1, 11)))  # 2 months unpaid
    pay(b, list(range(1, 7)))  # 6 months unpaid
    hold(org, "theme_party_day", date(YEAR, 3, 10))
    hold(org, "branch_general_meeting", date(YEAR, 5, 8))
    team(org, date(2021, 6, 1), date(2024, 6, 1))  # term over before the year ended
    org.refresh_from_db()
    return org


def lines_by_feed(score) -> dict[str, object]:
    return {line.feed: line for line in score.lines.all()}


def test_automatic_items_equal_the_source_records(branch):
    score = save_score(actor=None, org=branch, year=YEAR, entries=full_marks(), today=TODAY)
    lines = lines_by_feed(score)

    oc = compliance.org_compliance(branch, YEAR, TODAY, RuleContext(TODAY))
    meetings = lines[ItemFeed.MEETINGS]
    assert oc.summary.overdue > 0
    assert meetings.units == oc.summary.overdue
    assert meetings.figures["done"] == oc.summary.done == 2
    assert meetings.points == max(Decimal("0"), Decimal("12") - Decimal("0.2") * oc.summary.overdue)

    term = lines[ItemFeed.TERM]
    assert term.units == 1 and term.points == Decimal("0")
    assert term.figures["overdue_days"] == (date(YEAR, 12, 31) - date(2024, 6, 1)).days

    collection = subtree_collection(_Reader(Scope(branch.path, "")), branch, YEAR, None, DUES_DAY)
    dues = lines[ItemFeed.DUES]
    assert dues.units == collection.unpaid_count == 8  # 2 + 6 person-months
    assert dues.figures["due_count"] == collection.due_count == 24
    assert dues.points == Decimal("4") - Decimal("0.8")

    incomplete = Member.objects.filter(
        org=branch, status=MemberStatus.NORMAL, completeness__lt=100
    ).count()
    info = lines[ItemFeed.COMPLETENESS]
    assert info.units == incomplete == 2
    assert info.points == Decimal("3.80")

    assert score.total == sum(line.points for line in score.lines.all())
    assert score.as_of == date(YEAR, 12, 31)


def test_one_more_meeting_is_one_fewer_deduction(branch):
    before = lines_by_feed(
        save_score(actor=None, org=branch, year=YEAR, entries=full_marks(), today=TODAY)
    )[ItemFeed.MEETINGS]
    hold(branch, "theme_party_day", date(YEAR, 7, 1))
    after = lines_by_feed(
        save_score(actor=None, org=branch, year=YEAR, entries=full_marks(), today=TODAY)
    )[ItemFeed.MEETINGS]
    assert after.units == before.units - 1
    assert after.points == before.points + Decimal("0.2")


def test_term_in_office_on_the_reference_date(tree):
    org = tree.branch_a1
    team(org, date(2021, 6, 1), date(2024, 6, 1), current=False)
    team(org, date(2026, 1, 10), date(2029, 1, 10))  # renewed only after the year ended
    assert feeds.term_feeds([org], date(YEAR, 12, 31))[org.pk].units == 1
    assert feeds.term_feeds([org], date(2026, 2, 1))[org.pk].units == 0
    # The last day of the term is still in time; the day after is overdue.
    assert feeds.term_feeds([org], date(2029, 1, 10))[org.pk].units == 0
    assert feeds.term_feeds([org], date(2029, 1, 11))[org.pk].units == 1
    assert feeds.term_feeds([tree.branch_b1], date(YEAR, 12, 31))[tree.branch_b1.pk].units == 0


def test_dues_count_complete_months_only():
    assert dues_cutoff(2025, date(2026, 1, 15)) == date(2025, 12, 31)
    assert dues_cutoff(2026, date(2026, 1, 31)) is None
    assert dues_cutoff(2026, date(2026, 2, 1)) == date(2026, 1, 31)
    assert dues_cutoff(2026, date(2026, 3, 1)) == date(2026, 2, 28)


def test_a_deduction_parameter_override_applies(branch):
    RuleParameter.objects.create(
        rule_id="standards.auto_deductions",
        key="per_missed_meeting",
        value="0.5",
        effective_from=date(2026, 1, 1),
    )
    score = save_score(actor=None, org=branch, year=YEAR, entries=full_marks(), today=TODAY)
    line = lines_by_feed(score)[ItemFeed.MEETINGS]
    assert line.rate == Decimal("0.5")
    assert line.points == max(Decimal("0"), Decimal("12") - Decimal("0.5") * line.units)


def test_batch_feeds_equal_single_branch_feeds(tree, branch):
    both = [branch, tree.branch_a2a]
    batch = feeds.meeting_feeds(both, YEAR, RuleContext(TODAY))
    for org in both:
        single = compliance.org_compliance(org, YEAR, TODAY, RuleContext(TODAY))
        assert batch[org.pk].units == single.summary.overdue
