"""Every write of 民主评议党员: open a round, record results, grade in bulk, close and reopen,
and the 组织处置 of members graded 不合格. Each write re-checks the round's rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from zugong.accounts.models import User
from zugong.core.services import refresh_findings
from zugong.life.appraisal_selectors import APPRAISAL_MEETING_TYPE, SUBJECT
from zugong.life.models import (
    AppraisalEntry,
    AppraisalRound,
    Grade,
    HandlingMeasure,
    Meeting,
    RoundStatus,
    UnqualifiedHandling,
)
from zugong.members.models import Member, MemberStatus
from zugong.orgs.models import Organization, OrgKind

EARLIEST_YEAR = 2000
VOTE_FIELDS = ("votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified")
VOTE_LABELS = {
    "votes_excellent": "测评优秀票",
    "votes_qualified": "测评合格票",
    "votes_basic": "测评基本合格票",
    "votes_unqualified": "测评不合格票",
}
ENTRY_FIELDS = ("self_assessment", "peer_comments", *VOTE_FIELDS, "grade", "note")


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _require_scope(actor: User | None, path: str) -> None:
    if actor is not None and not actor.scope.contains(path):
        raise PermissionError("不在本账号的管理范围内")


def _stamp(obj: object, actor: User | None) -> None:
    """The history row names the actor also outside a request (imports, commands)."""
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]


def _require_open(appraisal: AppraisalRound) -> None:
    if appraisal.status != RoundStatus.OPEN:
        raise ValidationError(
            f"{appraisal.year}年度民主评议已于{appraisal.closed_on:%Y-%m-%d}结束，"
            "需要修改时请先重新开启评议。"
        )


def _after_write(appraisal: AppraisalRound) -> None:
    refresh_findings(SUBJECT, [appraisal])


def _check_meeting(meeting: Meeting | None, org: Organization) -> None:
    if meeting is None:
        return
    if meeting.org_id != org.pk:
        raise ValidationError({"meeting": "评议会议：只能选择本党支部召开的会议。"})
    if meeting.meeting_type.code != APPRAISAL_MEETING_TYPE:
        raise ValidationError({"meeting": "评议会议：只能选择类型为“民主评议党员”的会议。"})


# --- rounds --------------------------------------------------------------------------------


@transaction.atomic
def open_round(
    *,
    actor: User | None,
    org: Organization,
    year: int,
    started_on: date,
    meeting: Meeting | None = None,
    note: str = "",
    today: date | None = None,
) -> AppraisalRound:
    """One round per branch and year, with an entry for every member in good standing."""
    today = _today(today)
    _require_scope(actor, org.path)
    errors: dict[str, str] = {}
    if org.kind != OrgKind.BRANCH:
        errors["org"] = (
            f"党支部：民主评议党员由党支部开展，“{org.name}”是{org.get_kind_display()}。"
        )
    elif not org.is_active:
        errors["org"] = f"党支部：“{org.name}”已撤销，不能开展民主评议。"
    if not EARLIEST_YEAR <= year <= today.year:
        errors["year"] = f"评议年度：应在{EARLIEST_YEAR}年至{today.year}年之间。"
    elif AppraisalRound.objects.filter(org=org, year=year).exists():
        errors["year"] = (
            f"评议年度：“{org.name}”已有{year}年度的民主评议，每个党支部每年只开展一次。"
        )
    if started_on > today:
        errors["started_on"] = "开始日期：不能晚于今天。"
    elif "year" not in errors and started_on.year not in (year, year + 1):
        errors["started_on"] = (
            f"开始日期：{year}年度的评议应在{year}年或{year + 1}年开始，所填为{started_on.year}年。"
        )
    if errors:
        raise ValidationError(errors)
    _check_meeting(meeting, org)
    appraisal = AppraisalRound(
        org=org,
        org_path=org.path,
        year=year,
        started_on=started_on,
        meeting=meeting,
        note=note.strip(),
    )
    appraisal.full_clean()
    appraisal._change_reason = "开展民主评议"
    _stamp(appraisal, actor)
    appraisal.save()
    add_new_members(appraisal, actor, reason="开展民主评议")
    _after_write(appraisal)
    return appraisal


def add_new_members(appraisal: AppraisalRound, actor: User | None, *, reason: str) -> int:
    """An entry for every member in good standing of the branch who has none yet: at the start,
    and again when grades are saved or the round closes, so a member who joined the branch
    while the round was open is appraised too (or reported ungraded)."""
    have = AppraisalEntry.objects.filter(round=appraisal).values("member_id")
    missing = (
        Member.objects.filter(org_id=appraisal.org_id, status=MemberStatus.NORMAL)
        .exclude(pk__in=have)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    entries = [AppraisalEntry(round=appraisal, member_id=pk) for pk in missing]
    if entries:
        bulk_create_with_history(
            entries, AppraisalEntry, default_user=actor, default_change_reason=reason
        )
    return len(entries)


def _locked_round(appraisal: AppraisalRound) -> AppraisalRound:
    return (
        AppraisalRound.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=appraisal.pk)
    )


@transaction.atomic
def close_round(
    *,
    actor: User | None,
    appraisal: AppraisalRound,
    closed_on: date,
    meeting: Meeting | None = None,
    today: date | None = None,
) -> AppraisalRound:
    """Close a round; missing grades do not block (the rule reports them as findings)."""
    today = _today(today)
    appraisal = _locked_round(appraisal)
    _require_scope(actor, appraisal.org_path)
    _require_open(appraisal)
    if closed_on > today:
        raise ValidationError({"closed_on": "结束日期：不能晚于今天。"})
    if closed_on < appraisal.started_on:
        raise ValidationError(
            {"closed_on": f"结束日期：不能早于开始日期（{appraisal.started_on:%Y-%m-%d}）。"}
        )
    _check_meeting(meeting, appraisal.org)
    add_new_members(appraisal, actor, reason="结束评议时补入新转入的党员")
    appraisal.status = RoundStatus.CLOSED
    appraisal.closed_on = closed_on
    if meeting is not None:
        appraisal.meeting = meeting
    appraisal._change_reason = "结束评议"
    _stamp(appraisal, actor)
    appraisal.save()
    _after_write(appraisal)
    return appraisal


@transaction.atomic
def reopen_round(
    *, actor: User | None, appraisal: AppraisalRound, reason: str = ""
) -> AppraisalRound:
    appraisal = _locked_round(appraisal)
    _require_scope(actor, appraisal.org_path)
    if appraisal.status != RoundStatus.CLOSED:
        raise ValidationError("该评议尚未结束，无需重新开启。")
    appraisal.status = RoundStatus.OPEN
    appraisal.closed_on = None
    reason = reason.strip()
    appraisal._change_reason = f"重新开启评议：{reason}" if reason else "重新开启评议"
    _stamp(appraisal, actor)
    appraisal.save()
    _after_write(appraisal)
    return appraisal


@transaction.atomic
def update_round(
    *,
    actor: User | None,
    appraisal: AppraisalRound,
    started_on: date,
    meeting: Meeting | None,
    note: str,
    today: date | None = None,
) -> AppraisalRound:
    """Correct the start date, the linked meeting or the note of an open round."""
    today = _today(today)
    appraisal = _locked_round(appraisal)
    _require_scope(actor, appraisal.org_path)
    _require_open(appraisal)
    if started_on > today:
        raise ValidationError({"started_on": "开始日期：不能晚于今天。"})
    if started_on.year not in (appraisal.year, appraisal.year + 1):
        raise ValidationError(
            {
                "started_on": f"开始日期：{appraisal.year}年度的评议应在{appraisal.year}年或"
                f"{appraisal.year + 1}年开始，所填为{started_on.year}年。"
            }
        )
    _check_meeting(meeting, appraisal.org)
    appraisal.started_on = started_on
    appraisal.meeting = meeting
    appraisal.note = note.strip()
    _stamp(appraisal, actor)
    appraisal.save()
    _after_write(appraisal)
    return appraisal


# --- results -------------------------------------------------------------------------------


def vote_limit(appraisal: AppraisalRound) -> int:
    """A member's ballots of one kind cannot outnumber the members appraised in the round."""
    return appraisal.entries.count()


def check_votes(values: dict[str, int | None], limit: int) -> dict[str, str]:
    """Field → message for counts that are negative or above the round's number of entries."""
    errors: dict[str, str] = {}
    for name in VOTE_FIELDS:
        value = values.get(name) or 0
        label = VOTE_LABELS[name]
        if value < 0:
            errors[name] = f"{label}：不能为负数。"
        elif value > limit:
            errors[name] = f"{label}：不能超过参加评议的党员人数（{limit}人），所填为{value}。"
    return errors


def _check_grade_change(entry: AppraisalEntry, new_grade: str) -> str | None:
    if (
        entry.pk
        and entry.grade == Grade.UNQUALIFIED
        and new_grade != Grade.UNQUALIFIED
        and entry.handlings.exists()
    ):
        return "评定等次：该党员已有组织处置记录，不能改为其他等次；如评定有误，请先核实处置记录。"
    return None


@dataclass(frozen=True)
class EntryGrade:
    """One row of the bulk grading form."""

    entry_id: int
    grade: str
    votes_excellent: int = 0
    votes_qualified: int = 0
    votes_basic: int = 0
    votes_unqualified: int = 0
    note: str = ""


@transaction.atomic
def update_entry(*, actor: User | None, entry: AppraisalEntry, **values: object) -> AppraisalEntry:
    """Record one member's 自评, 互评, 测评 counts, grade and note (any subset of ENTRY_FIELDS)."""
    appraisal = _locked_round(entry.round)
    _require_scope(actor, appraisal.org_path)
    _require_open(appraisal)
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise ValueError(f"fields {sorted(unknown)} are not editable here")
    current = AppraisalEntry.objects.select_related("member").get(pk=entry.pk, round=appraisal)
    merged = {name: values.get(name, getattr(current, name)) for name in ENTRY_FIELDS}
    errors = check_votes(merged, vote_limit(appraisal))  # type: ignore[arg-type]
    grade = str(merged["grade"] or "")
    if grade and grade not in Grade.values:
        errors["grade"] = "评定等次：应为优秀、合格、基本合格或不合格。"
    problem = _check_grade_change(current, grade)
    if problem:
        errors["grade"] = problem
    if errors:
        raise ValidationError(errors)
    for name, value in merged.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.grade = grade
    current.full_clean(exclude=["round", "member"])
    _stamp(current, actor)
    current.save()
    _after_write(appraisal)
    return current


@transaction.atomic
def grade_entries(
    *, actor: User | None, appraisal: AppraisalRound, rows: Sequence[EntryGrade]
) -> int:
    """Grade a whole branch from one page; returns how many entries changed.

    Every row is checked before any is written: one bad row writes nothing.
    """
    appraisal = _locked_round(appraisal)
    _require_scope(actor, appraisal.org_path)
    _require_open(appraisal)
    entries = {
        e.pk: e for e in AppraisalEntry.objects.filter(round=appraisal).select_related("member")
    }
    with_handlings = set(
        UnqualifiedHandling.objects.filter(entry__round=appraisal).values_list(
            "entry_id", flat=True
        )
    )
    limit = len(entries)
    messages: list[str] = []
    changed: list[AppraisalEntry] = []
    for row in rows:
        entry = entries.get(row.entry_id)
        if entry is None:
            messages.append("提交的评议结果不属于本次评议，请刷新页面后重试。")
            continue
        who = entry.member.name
        values = {name: getattr(row, name) for name in VOTE_FIELDS}
        for message in check_votes(values, limit).values():
            messages.append(f"{who}：{message}")
        if row.grade and row.grade not in Grade.values:
            messages.append(f"{who}：评定等次应为优秀、合格、基本合格或不合格。")
        if (
            entry.grade == Grade.UNQUALIFIED
            and row.grade != Grade.UNQUALIFIED
            and entry.pk in with_handlings
        ):
            messages.append(f"{who}：已有组织处置记录，不能改为其他等次。")
        new = {**values, "grade": row.grade, "note": row.note.strip()}
        if any(getattr(entry, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(entry, k, v)
            changed.append(entry)
    if messages:
        raise ValidationError(messages)
    if changed:
        bulk_update_with_history(
            changed,
            AppraisalEntry,
            ["grade", "note", *VOTE_FIELDS],
            default_user=actor,
            default_change_reason="评定等次",
        )
    _after_write(appraisal)
    return len(changed)


# --- 组织处置 --------------------------------------------------------------------------------

HANDLING_FIELDS = (
    "measure",
    "decided_on",
    "decided_by",
    "decision",
    "deadline",
    "outcome",
    "closed_on",
)


def check_handling(handling: UnqualifiedHandling, today: date) -> dict[str, str]:
    """Field → message for a handling that breaks a rule; empty when it is fine."""
    errors: dict[str, str] = {}
    entry = handling.entry
    if entry.grade != Grade.UNQUALIFIED:
        errors["measure"] = (
            "处置方式：只有评定为“不合格”的党员才登记组织处置，"
            f"该党员的评定等次为“{entry.get_grade_display() or '未评定'}”。"
        )
    decided = handling.decided_on
    if decided:
        if decided > today:
            errors["decided_on"] = "决定日期：不能晚于今天。"
        elif decided < entry.round.started_on:
            errors["decided_on"] = (
                f"决定日期：不能早于评议开始日期（{entry.round.started_on:%Y-%m-%d}）。"
            )
    if handling.measure == HandlingMeasure.RECTIFY:
        if handling.deadline is None:
            errors["deadline"] = "改正期限：处置方式为“限期改正”时必须填写。"
        elif decided and handling.deadline <= decided:
            errors["deadline"] = f"改正期限：应晚于决定日期（{decided:%Y-%m-%d}）。"
    elif handling.deadline is not None:
        errors["deadline"] = "改正期限：只有“限期改正”需要填写改正期限。"
    if handling.closed_on is not None:
        if handling.closed_on > today:
            errors["closed_on"] = "办结日期：不能晚于今天。"
        elif decided and handling.closed_on < decided:
            errors["closed_on"] = f"办结日期：不能早于决定日期（{decided:%Y-%m-%d}）。"
    return errors


def _save_handling(
    actor: User | None, handling: UnqualifiedHandling, today: date | None, reason: str
) -> UnqualifiedHandling:
    errors = check_handling(handling, _today(today))
    if errors:
        raise ValidationError(errors)
    for name in ("decided_by", "decision", "outcome"):
        setattr(handling, name, getattr(handling, name).strip())
    handling.full_clean(exclude=["entry"])
    _stamp(handling, actor)
    handling._change_reason = reason
    handling.save()
    _after_write(handling.entry.round)
    return handling


@transaction.atomic
def add_handling(
    *,
    actor: User | None,
    entry: AppraisalEntry,
    today: date | None = None,
    **values: object,
) -> UnqualifiedHandling:
    """Record the 组织处置 of a member graded 不合格 (the round may be open or closed)."""
    _require_scope(actor, entry.round.org_path)
    unknown = set(values) - set(HANDLING_FIELDS)
    if unknown:
        raise ValueError(f"fields {sorted(unknown)} are not editable here")
    handling = UnqualifiedHandling(entry=entry, **values)  # type: ignore[arg-type]
    return _save_handling(actor, handling, today, "登记组织处置")


@transaction.atomic
def update_handling(
    *,
    actor: User | None,
    handling: UnqualifiedHandling,
    today: date | None = None,
    **values: object,
) -> UnqualifiedHandling:
    _require_scope(actor, handling.entry.round.org_path)
    unknown = set(values) - set(HANDLING_FIELDS)
    if unknown:
        raise ValueError(f"fields {sorted(unknown)} are not editable here")
    for name, value in values.items():
        setattr(handling, name, value)
    return _save_handling(actor, handling, today, "修改组织处置")
