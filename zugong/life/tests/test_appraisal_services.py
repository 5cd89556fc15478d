"""民主评议党员 services: opening, results, bulk grading, closing and reopening, 组织处置."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zugong.conftest import make_member
from zugong.core.models import Finding
from zugong.life import appraisal_services as services
from zugong.life.models import (
    AppraisalEntry,
    Grade,
    HandlingMeasure,
    MeetingType,
    RoundStatus,
)
from zugong.members.models import MemberStatus, MemberType
from zugong.members.services import change_member_status

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def open_round(tree, **kw):  # noqa: ANN001, ANN201
    values = {"org": tree.branch_a1, "year": 2025, "started_on": date(2025, 12, 1)}
    values.update(kw)
    return services.open_round(actor=None, today=TODAY, **values)


def test_open_round_lists_members_in_good_standing(tree, users):
    full = make_member(tree.branch_a1, "甲")
    probationary = make_member(
        tree.branch_a1,
        "乙",
        member_type=MemberType.PROBATIONARY,
        joined_on=date(2025, 7, 1),
        confirmed_on=None,
    )
    gone = make_member(tree.branch_a1, "丙")
    change_member_status(
        actor=None, member=gone, to_status=MemberStatus.DECEASED, on=date(2025, 1, 1), reason="病故"
    )
    make_member(tree.branch_b1, "丁")
    appraisal = services.open_round(
        actor=users["branch_admin"],
        org=tree.branch_a1,
        year=2025,
        started_on=date(2025, 12, 1),
        today=TODAY,
    )
    assert appraisal.status == RoundStatus.OPEN
    assert appraisal.org_path == tree.branch_a1.path
    assert set(appraisal.entries.values_list("member_id", flat=True)) == {
        full.pk,
        probationary.pk,
    }
    assert appraisal.history.first().history_user == users["branch_admin"]


def test_one_round_per_branch_and_year(tree):
    open_round(tree)
    with pytest.raises(ValidationError) as exc:
        open_round(tree)
    assert "每个党支部每年只开展一次" in exc.value.message_dict["year"][0]
    open_round(tree, year=2024, started_on=date(2024, 12, 1))


def test_only_an_active_branch_in_scope(tree, users):
    with pytest.raises(ValidationError) as exc:
        open_round(tree, org=tree.town_a)
    assert "党支部：民主评议党员由党支部开展" in exc.value.message_dict["org"][0]
    with pytest.raises(PermissionError):
        services.open_round(
            actor=users["branch_admin"],
            org=tree.branch_b1,
            year=2025,
            started_on=date(2025, 12, 1),
            today=TODAY,
        )


@pytest.mark.parametrize(
    ("year", "started_on", "field", "text"),
    [
        (2027, date(2026, 3, 1), "year", "评议年度：应在2000年至2026年之间"),
        (2025, date(2026, 3, 11), "started_on", "开始日期：不能晚于今天"),
        (2023, date(2025, 1, 1), "started_on", "2023年度的评议应在2023年或2024年开始"),
    ],
)
def test_open_round_checks_year_and_start(tree, year, started_on, field, text):
    with pytest.raises(ValidationError) as exc:
        open_round(tree, year=year, started_on=started_on)
    assert text in exc.value.message_dict[field][0]


def test_start_on_today_and_in_next_year_is_fine(tree):
    assert open_round(tree, started_on=TODAY).started_on == TODAY


def test_meeting_must_be_an_appraisal_meeting_of_the_branch(tree):
    from zugong.life.models import Meeting

    def meeting(org, code):  # noqa: ANN001, ANN202
        return Meeting.objects.create(
            org=org,
            org_path=org.path,
            meeting_type=MeetingType.objects.get(code=code),
            held_on=date(2025, 12, 5),
            topic="民主评议党员大会",
        )

    other_type = MeetingType.objects.exclude(code="democratic_appraisal").first().code
    with pytest.raises(ValidationError) as exc:
        open_round(tree, meeting=meeting(tree.branch_a1, other_type))
    assert "只能选择类型为“民主评议党员”的会议" in exc.value.message_dict["meeting"][0]
    with pytest.raises(ValidationError) as exc:
        open_round(tree, meeting=meeting(tree.branch_b1, "democratic_appraisal"))
    assert "只能选择本党支部召开的会议" in exc.value.message_dict["meeting"][0]
    good = meeting(tree.branch_a1, "democratic_appraisal")
    assert open_round(tree, meeting=good).meeting == good


def _round_with(tree, n: int):  # noqa: ANN001, ANN202
    for i in range(n):
        make_member(tree.branch_a1, f"党员{i}")
    appraisal = open_round(tree)
    return appraisal, list(appraisal.entries.order_by("id"))


def test_update_entry_records_texts_votes_and_grade(tree):
    appraisal, entries = _round_with(tree, 3)
    entry = services.update_entry(
        actor=None,
        entry=entries[0],
        self_assessment=" 自评内容 ",
        peer_comments="互评意见",
        votes_excellent=3,
        grade=Grade.EXCELLENT,
    )
    assert entry.self_assessment == "自评内容"
    assert entry.votes_excellent == 3 and entry.grade == Grade.EXCELLENT


@pytest.mark.parametrize(("votes", "ok"), [(2, True), (3, True), (4, False)])
def test_votes_at_the_number_of_entries(tree, votes, ok):
    appraisal, entries = _round_with(tree, 3)
    if ok:
        services.update_entry(actor=None, entry=entries[0], votes_unqualified=votes)
        return
    with pytest.raises(ValidationError) as exc:
        services.update_entry(actor=None, entry=entries[0], votes_unqualified=votes)
    assert exc.value.message_dict["votes_unqualified"] == [
        "测评不合格票：不能超过参加评议的党员人数（3人），所填为4。"
    ]


def test_negative_votes_are_refused(tree):
    appraisal, entries = _round_with(tree, 2)
    with pytest.raises(ValidationError) as exc:
        services.update_entry(actor=None, entry=entries[0], votes_basic=-1)
    assert "测评基本合格票：不能为负数" in exc.value.message_dict["votes_basic"][0]


def test_grade_entries_in_bulk_writes_all_or_nothing(tree):
    appraisal, entries = _round_with(tree, 3)
    rows = [
        services.EntryGrade(entries[0].pk, Grade.EXCELLENT, votes_excellent=3),
        services.EntryGrade(entries[1].pk, Grade.QUALIFIED, votes_qualified=2),
        services.EntryGrade(entries[2].pk, "", note="因病请假"),
    ]
    assert services.grade_entries(actor=None, appraisal=appraisal, rows=rows) == 3
    grades = dict(appraisal.entries.values_list("pk", "grade"))
    assert grades == {entries[0].pk: "excellent", entries[1].pk: "qualified", entries[2].pk: ""}
    # Unchanged rows are not rewritten; a bad row stops the whole page.
    assert services.grade_entries(actor=None, appraisal=appraisal, rows=rows) == 0
    bad = [
        services.EntryGrade(entries[0].pk, Grade.BASIC),
        services.EntryGrade(entries[1].pk, Grade.QUALIFIED, votes_qualified=9),
    ]
    with pytest.raises(ValidationError) as exc:
        services.grade_entries(actor=None, appraisal=appraisal, rows=bad)
    assert any("不能超过参加评议的党员人数（3人）" in m for m in exc.value.messages)
    assert AppraisalEntry.objects.get(pk=entries[0].pk).grade == Grade.EXCELLENT


def test_grade_entries_refuses_entries_of_other_rounds(tree):
    appraisal, entries = _round_with(tree, 1)
    make_member(tree.branch_b1, "外")
    other = open_round(tree, org=tree.branch_b1)
    foreign = other.entries.get()
    with pytest.raises(ValidationError):
        services.grade_entries(
            actor=None, appraisal=appraisal, rows=[services.EntryGrade(foreign.pk, Grade.QUALIFIED)]
        )


def test_close_with_missing_grades_and_reopen(tree):
    appraisal, entries = _round_with(tree, 2)
    services.update_entry(actor=None, entry=entries[0], grade=Grade.QUALIFIED)
    closed = services.close_round(
        actor=None, appraisal=appraisal, closed_on=date(2025, 12, 20), today=TODAY
    )
    assert closed.status == RoundStatus.CLOSED and closed.closed_on == date(2025, 12, 20)
    assert Finding.objects.filter(
        rule_id="life.appraisal_ungraded", subject_id=appraisal.pk
    ).exists()
    with pytest.raises(ValidationError):
        services.update_entry(actor=None, entry=entries[1], grade=Grade.QUALIFIED)
    with pytest.raises(ValidationError):
        services.close_round(actor=None, appraisal=appraisal, closed_on=TODAY, today=TODAY)
    reopened = services.reopen_round(actor=None, appraisal=appraisal, reason="补评")
    assert reopened.status == RoundStatus.OPEN and reopened.closed_on is None
    assert reopened.history.first().history_change_reason == "重新开启评议：补评"
    assert not Finding.objects.filter(subject_type="appraisal_round").exists()
    with pytest.raises(ValidationError) as exc:
        services.reopen_round(actor=None, appraisal=appraisal)
    assert "尚未结束" in exc.value.messages[0]


def test_a_member_who_joined_while_open_is_added_when_the_round_closes(tree):
    appraisal, entries = _round_with(tree, 2)
    for entry in entries:
        services.update_entry(actor=None, entry=entry, grade=Grade.QUALIFIED)
    newcomer = make_member(tree.branch_a1, "新转入")
    services.close_round(actor=None, appraisal=appraisal, closed_on=date(2025, 12, 20), today=TODAY)
    added = AppraisalEntry.objects.get(round=appraisal, member=newcomer)
    assert added.grade == ""
    finding = Finding.objects.get(rule_id="life.appraisal_ungraded", subject_id=appraisal.pk)
    assert "新转入" in finding.message


@pytest.mark.parametrize(
    ("closed_on", "ok"),
    [
        (date(2025, 11, 30), False),  # the day before the start
        (date(2025, 12, 1), True),  # the start day
        (TODAY, True),
        (date(2026, 3, 11), False),  # tomorrow
    ],
)
def test_close_date_boundaries(tree, closed_on, ok):
    appraisal = open_round(tree)
    if ok:
        services.close_round(actor=None, appraisal=appraisal, closed_on=closed_on, today=TODAY)
    else:
        with pytest.raises(ValidationError) as exc:
            services.close_round(actor=None, appraisal=appraisal, closed_on=closed_on, today=TODAY)
        assert exc.value.message_dict["closed_on"][0].startswith("结束日期：")


def _unqualified(tree):  # noqa: ANN001, ANN202
    appraisal, entries = _round_with(tree, 1)
    entry = services.update_entry(actor=None, entry=entries[0], grade=Grade.UNQUALIFIED)
    return appraisal, entry


HANDLING = {
    "measure": HandlingMeasure.RECTIFY,
    "decided_on": date(2026, 1, 5),
    "decided_by": "党支部大会",
    "decision": "限期三个月改正",
    "deadline": date(2026, 4, 5),
}


def test_handling_for_an_unqualified_member(tree):
    appraisal, entry = _unqualified(tree)
    handling = services.add_handling(actor=None, entry=entry, today=TODAY, **HANDLING)
    assert handling.entry == entry
    updated = services.update_handling(
        actor=None, handling=handling, today=TODAY, outcome="已改正", closed_on=TODAY
    )
    assert updated.closed_on == TODAY
    # With a handling on record the grade stays 不合格.
    with pytest.raises(ValidationError) as exc:
        services.update_entry(actor=None, entry=entry, grade=Grade.BASIC)
    assert "已有组织处置记录" in exc.value.message_dict["grade"][0]


def test_handling_only_for_unqualified(tree):
    appraisal, entries = _round_with(tree, 1)
    services.update_entry(actor=None, entry=entries[0], grade=Grade.BASIC)
    entry = AppraisalEntry.objects.get(pk=entries[0].pk)
    with pytest.raises(ValidationError) as exc:
        services.add_handling(actor=None, entry=entry, today=TODAY, **HANDLING)
    assert "只有评定为“不合格”的党员才登记组织处置" in exc.value.message_dict["measure"][0]


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"decided_on": date(2026, 3, 11)}, "decided_on", "决定日期：不能晚于今天"),
        ({"decided_on": date(2025, 11, 30)}, "decided_on", "决定日期：不能早于评议开始日期"),
        ({"deadline": None}, "deadline", "改正期限：处置方式为“限期改正”时必须填写"),
        ({"deadline": date(2026, 1, 5)}, "deadline", "改正期限：应晚于决定日期"),
        (
            {"measure": HandlingMeasure.EDUCATE},
            "deadline",
            "改正期限：只有“限期改正”需要填写改正期限",
        ),
        ({"closed_on": date(2026, 1, 4)}, "closed_on", "办结日期：不能早于决定日期"),
        ({"closed_on": date(2026, 3, 11)}, "closed_on", "办结日期：不能晚于今天"),
    ],
)
def test_handling_validation(tree, changes, field, text):
    appraisal, entry = _unqualified(tree)
    with pytest.raises(ValidationError) as exc:
        services.add_handling(actor=None, entry=entry, today=TODAY, **{**HANDLING, **changes})
    assert text in exc.value.message_dict[field][0]


@pytest.mark.parametrize(("deadline", "ok"), [(date(2026, 1, 5), False), (date(2026, 1, 6), True)])
def test_handling_deadline_boundary(tree, deadline, ok):
    appraisal, entry = _unqualified(tree)
    values = {**HANDLING, "deadline": deadline}
    if ok:
        services.add_handling(actor=None, entry=entry, today=TODAY, **values)
    else:
        with pytest.raises(ValidationError):
            services.add_handling(actor=None, entry=entry, today=TODAY, **values)


def test_handling_decided_today_is_fine(tree):
    appraisal, entry = _unqualified(tree)
    services.add_handling(
        actor=None,
        entry=entry,
        today=TODAY,
        **{**HANDLING, "decided_on": TODAY, "deadline": date(2026, 6, 1)},
    )
