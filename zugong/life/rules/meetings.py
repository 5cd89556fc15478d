"""Checks on one meeting record: a 党员大会 or 支委会 held without its quorum."""

from __future__ import annotations

from collections.abc import Iterable

from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind
from zugong.life.models import Meeting, Quorum

BRANCH_RULES = "中国共产党支部工作条例（试行）"
GENERAL_MEETING_QUORUM = Citation(
    BRANCH_RULES, "第十一条：党员大会须有半数以上有表决权的党员到会方可进行"
)
COMMITTEE_QUORUM = Citation(BRANCH_RULES, "第十二条：支部委员会会议须有半数以上委员到会方可进行")


def meeting_label(m: Meeting) -> str:
    return f"{m.org.name} {m.held_on:%Y-%m-%d} {m.meeting_type.name}"


register_subject_kind(
    SubjectKind(
        name="meeting",
        label=meeting_label,
        org_path=lambda m: m.org_path,
        queryset=lambda: Meeting.objects.select_related("org", "meeting_type"),
        url_name="life:meeting_detail",
        title="会议记录",
    )
)


@rule(
    id="life.quorum_not_met",
    title="会议未达到法定到会人数",
    subject_type="meeting",
    citation=GENERAL_MEETING_QUORUM,
    severity="warn",
)
def quorum_not_met(meeting: Meeting, ctx: RuleContext) -> Iterable[Verdict]:
    quorum = meeting.meeting_type.quorum
    if quorum == Quorum.NONE or meeting.quorum_met is not False:
        return
    if quorum == Quorum.COMMITTEE:
        yield Verdict(
            f"支部委员会应到委员{meeting.quorum_expected}人，实到{meeting.quorum_present}人，"
            "未超过半数，会议不能作出决定，请补开会议",
            citation=COMMITTEE_QUORUM,
        )
    else:
        yield Verdict(
            f"{meeting.meeting_type.name}应到有表决权的党员{meeting.quorum_expected}人，"
            f"实到{meeting.quorum_present}人，未超过半数，会议不能进行表决，请补开会议",
            citation=GENERAL_MEETING_QUORUM,
        )
