"""Rules of 组织关系转接, 流动党员, 失联党员 and 出党: parameters as data, findings with citations.

Parameters (validity of a letter, the approval levels required, the 6-month and 2-year spans)
are rule parameters with the defaults of party-rules §4 and §2.3; an administrator overrides
them with dated RuleParameter rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from zugong.core.rules.engine import Citation, Rule, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind
from zugong.members.models import Member, MemberStatus
from zugong.transfers.models import (
    CaseStatus,
    Level,
    LostContact,
    LostStatus,
    Transfer,
    TransferKind,
)

EDU_RULES = "中国共产党党员教育管理工作条例"
ART_24 = Citation(
    EDU_RULES,
    "第二十四条：对失去联系6个月以上、通过多种方式仍无法取得联系的党员，应当停止其党籍；"
    "停止党籍2年后确实无法取得联系的，按照自行脱党予以除名",
)
ART_25 = Citation(
    EDU_RULES,
    "第二十五条：每个党员都要编入党的一个支部；党员工作单位、经常居住地发生变动，"
    "或者外出地点相对固定且外出时间6个月以上的，应当转移组织关系；"
    "党员组织关系转出后未被接收期间，原党组织仍负有管理责任",
)
LETTER_RULES = Citation(
    "中共中央组织部关于规范党员组织关系介绍信管理的通知（组通字〔2006〕45号）",
    "介绍信一式三联（存根、介绍信、回执），由开具介绍信的党组织编号，须注明党费交至年月和有效期；"
    "回执由接收方的上一级基层党委退回转出党组织",
)
DUES_BEFORE_TRANSFER = Citation(
    "关于中国共产党党费收缴、使用和管理的规定（中组发〔2008〕3号）",
    "第十二条：党员应当按月交纳党费；转移组织关系前应交清党费，介绍信注明党费交至年月",
)
CONSTITUTION_9 = Citation(
    "中国共产党章程",
    "第九条：党员有退党的自由；对缺乏革命意志、不履行党员义务的党员应进行教育，"
    "经教育仍无转变的应当劝其退党；劝党员退党应经支部大会讨论决定并报上级党组织批准；"
    "党员退党经支部大会讨论后宣布除名并报上级党组织备案",
)
DISCIPLINE = Citation(
    "中国共产党纪律处分条例",
    "第十条：开除党籍须经党组织按照规定程序作出决定并报上级党组织批准",
)


def _no_findings(subject: Any, ctx: RuleContext) -> Iterable[Verdict]:
    return ()


def _data_rule(**kwargs: Any) -> Rule:
    return rule(subject_type="transfer", **kwargs)(_no_findings)


LETTER_VALIDITY = _data_rule(
    id="transfers.letter_validity",
    title="介绍信有效期",
    citation=LETTER_RULES,
    # No national figure: "一般不超过3个月" is the common practice (party-rules §4).
    status="unconfirmed",
    params={"months": 3},
)
CHAIN_OUT = _data_rule(
    id="transfers.chain_out",
    title="转出县外的审批层级",
    citation=ART_25,
    params={"branch": True, "committee": True, "department": False},
)
CHAIN_WITHIN = _data_rule(
    id="transfers.chain_within",
    title="县内转接的审批层级（支部 → 党（工）委 → 组织部）",
    citation=ART_25,
    params={"branch": True, "committee": True, "department": True},
)
CHAIN_QUIT = _data_rule(
    id="transfers.chain_quit",
    title="出党的审批层级",
    citation=CONSTITUTION_9,
    params={"branch": True, "committee": True, "department": False},
)
FLOW_TRANSFER = _data_rule(
    id="transfers.flow_transfer_months",
    title="外出6个月以上且地点相对固定的应当转移组织关系",
    citation=ART_25,
    params={"months": 6},
)

LEVEL_KEYS = {"branch": Level.BRANCH, "committee": Level.COMMITTEE, "department": Level.DEPARTMENT}


def chain_levels(chain_rule: Rule, ctx: RuleContext) -> list[int]:
    """The required levels, lowest first; at least one level always reviews."""
    levels = [int(lv) for key, lv in LEVEL_KEYS.items() if ctx.param(chain_rule, key)]
    return levels or [int(Level.COMMITTEE)]


def validity_end(issued_on: date, ctx: RuleContext) -> date:
    return issued_on + relativedelta(months=int(ctx.param(LETTER_VALIDITY, "months")))


# --- findings on transfers ---------------------------------------------------------------------

register_subject_kind(
    SubjectKind(
        name="transfer",
        label=lambda t: f"{t.subject_name}（{t.get_kind_display()}）",
        org_path=lambda t: t.org_path,
        queryset=lambda: Transfer.objects.filter(
            status__in=[CaseStatus.AWAITING_RECEIPT, CaseStatus.REGISTERED]
        ).select_related("member"),
        url_name="transfers:detail",
        title="组织关系转接",
    )
)


@rule(
    id="transfers.receipt_overdue",
    title="介绍信回执逾期未退回",
    subject_type="transfer",
    citation=LETTER_RULES,
)
def receipt_overdue(t: Transfer, ctx: RuleContext) -> Iterable[Verdict]:
    if t.status != CaseStatus.AWAITING_RECEIPT or t.letter_valid_until is None:
        return
    if ctx.today > t.letter_valid_until:
        days = (ctx.today - t.letter_valid_until).days
        yield Verdict(
            f"介绍信（编号{t.letter_number}）已于{t.letter_valid_until:%Y年%m月%d日}到期，"
            f"逾期{days}天仍未收到回执；转出组织仍负管理责任，请核实党员是否已报到",
            due_on=t.letter_valid_until,
            citation=ART_25 if t.kind == TransferKind.WITHIN else None,
        )


@rule(
    id="transfers.letter_expired",
    title="转入介绍信已过有效期",
    subject_type="transfer",
    citation=LETTER_RULES,
)
def letter_expired(t: Transfer, ctx: RuleContext) -> Iterable[Verdict]:
    if t.status != CaseStatus.REGISTERED or t.letter_valid_until is None:
        return
    if ctx.today > t.letter_valid_until:
        yield Verdict(
            f"转入介绍信（{t.letter_issuer_name} {t.letter_number}）已于"
            f"{t.letter_valid_until:%Y年%m月%d日}过期，尚未接收；须由转出组织重新开具或出具说明",
            due_on=t.letter_valid_until,
        )


# --- findings on members who lost contact -------------------------------------------------------


def _lost_preload(ctx: RuleContext, members: Sequence[Member]) -> None:
    """One query: the open 失联 record of each member of the batch."""
    ctx.data["transfers.lost"] = {
        r.member_id: r
        for r in LostContact.objects.filter(
            member_id__in=[m.pk for m in members],
            status__in=[LostStatus.LOST, LostStatus.SUSPENDED],
        )
    }


register_subject_kind(
    SubjectKind(
        name="member_lost",
        label=lambda m: m.name,
        org_path=lambda m: m.org_path,
        preload=_lost_preload,
        queryset=lambda: Member.objects.filter(
            lost_contacts__status__in=[LostStatus.LOST, LostStatus.SUSPENDED]
        ).only("name", "org_path", "status"),
        url_name="members:detail",
        title="党员",
    )
)


@rule(
    id="transfers.lost_six_months",
    title="失联6个月以上，应停止党籍",
    subject_type="member_lost",
    citation=ART_24,
    params={"months": 6},
)
def lost_six_months(member: Member, ctx: RuleContext) -> Iterable[Verdict]:
    record: LostContact | None = ctx.data["transfers.lost"].get(member.pk)
    if record is None or record.status != LostStatus.LOST or member.status != MemberStatus.NORMAL:
        return
    months = int(ctx.param(lost_six_months, "months"))
    due = record.lost_since + relativedelta(months=months)
    if ctx.today >= due:
        yield Verdict(
            f"自{record.lost_since:%Y年%m月%d日}起失去联系已满{months}个月"
            f"（{due:%Y年%m月%d日}届满）；多方查找仍无法联系的，建议停止其党籍",
            due_on=due,
        )


@rule(
    id="transfers.suspended_two_years",
    title="失联停止党籍满2年，应按自行脱党除名",
    subject_type="member_lost",
    citation=ART_24,
    params={"months": 24},
)
def suspended_two_years(member: Member, ctx: RuleContext) -> Iterable[Verdict]:
    record: LostContact | None = ctx.data["transfers.lost"].get(member.pk)
    if (
        record is None
        or record.status != LostStatus.SUSPENDED
        or record.suspended_on is None
        or member.status != MemberStatus.SUSPENDED
    ):
        return
    due = record.suspended_on + relativedelta(months=int(ctx.param(suspended_two_years, "months")))
    if ctx.today >= due:
        yield Verdict(
            f"已于{record.suspended_on:%Y年%m月%d日}停止党籍，至{due:%Y年%m月%d日}满2年"
            "仍无法取得联系；建议按照自行脱党予以除名（出党：除名）",
            due_on=due,
        )
