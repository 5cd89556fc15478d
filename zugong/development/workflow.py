"""The 25 canonical steps (party-rules.md §1.1) as data, and the codes the checks refer to.

The catalog is seeded into StepDefinition by migration 0002; a deployment edits the table
(optional steps, local steps), never this list. The codes below name the steps that rules and
services act on; a local step has its own code and is only checked for date order.
"""

from __future__ import annotations

APPLICATION = "application"  # 1 递交入党申请书
APPLICANT_TALK = "applicant_talk"  # 2 党组织派人谈话
ACTIVIST = "activist"  # 3 推荐和确定入党积极分子
ACTIVIST_FILING = "activist_filing"  # 4 上级党委备案
CULTIVATION_CONTACT = "cultivation_contact"  # 5 指定培养联系人
ACTIVIST_EXAMINATION = "activist_examination"  # 6 培养教育考察（每半年一次）
CANDIDATE = "development_candidate"  # 7 确定发展对象
CANDIDATE_FILING = "candidate_filing"  # 8 报上级党委备案
SPONSORS = "sponsors"  # 9 确定入党介绍人
POLITICAL_REVIEW = "political_review"  # 10 进行政治审查
TRAINING = "concentrated_training"  # 11 开展集中培训
COMMITTEE_REVIEW = "branch_committee_review"  # 12 支部委员会审查
PRE_REVIEW = "pre_review"  # 13 上级党委预审
ADMISSION_FORM = "admission_form"  # 14 填写入党志愿书
ADMISSION_MEETING = "admission_meeting"  # 15 支部大会讨论
APPROVAL_TALK = "approval_talk"  # 16 上级党委派人谈话
ADMISSION_APPROVAL = "admission_approval"  # 17 上级党委审批
ADMISSION_FILING = "admission_filing"  # 18 再上一级党委组织部门备案
PLACEMENT = "placement"  # 19 编入党支部和党小组
OATH = "oath_taking"  # 20 入党宣誓
PROBATION_EXAMINATION = "probation_examination"  # 21 继续教育考察
CONVERSION_REQUEST = "conversion_request"  # 22 提出转正申请
CONVERSION_MEETING = "conversion_meeting"  # 23 支部大会讨论
CONVERSION_APPROVAL = "conversion_approval"  # 24 上级党委审批
ARCHIVING = "archiving"  # 25 材料归档

# Steps whose recording is a 支部大会 vote, and steps that are a 党委 approval.
MEETING_STEPS = frozenset({ADMISSION_MEETING, CONVERSION_MEETING})
APPROVAL_STEPS = frozenset({ADMISSION_APPROVAL, CONVERSION_APPROVAL})

# (number, stage, code, name, date label, people roles, vote, training, notice, review, documents)
CANONICAL_STEPS: list[tuple] = [
    (
        1,
        1,
        APPLICATION,
        "递交入党申请书",
        "收到申请书日期",
        [],
        False,
        False,
        False,
        False,
        ["入党申请书"],
    ),
    (
        2,
        1,
        APPLICANT_TALK,
        "党组织派人谈话",
        "谈话日期",
        ["talker"],
        False,
        False,
        False,
        False,
        ["谈话记录"],
    ),
    (
        3,
        2,
        ACTIVIST,
        "推荐和确定入党积极分子",
        "支委会确定日期",
        [],
        False,
        False,
        False,
        False,
        ["推荐材料", "支委会会议记录"],
    ),
    (
        4,
        2,
        ACTIVIST_FILING,
        "上级党委备案",
        "备案日期",
        [],
        False,
        False,
        False,
        False,
        ["入党积极分子备案表"],
    ),
    (
        5,
        2,
        CULTIVATION_CONTACT,
        "指定培养联系人",
        "指定日期",
        ["cultivation_contact"],
        False,
        False,
        False,
        False,
        [],
    ),
    (
        6,
        2,
        ACTIVIST_EXAMINATION,
        "培养教育考察",
        "考察日期",
        [],
        False,
        False,
        False,
        False,
        ["培养教育考察登记表"],
    ),
    (
        7,
        3,
        CANDIDATE,
        "确定发展对象",
        "支委会确定日期",
        [],
        False,
        False,
        True,
        False,
        ["征求意见记录", "支委会会议记录"],
    ),
    (
        8,
        3,
        CANDIDATE_FILING,
        "报上级党委备案",
        "备案日期",
        [],
        False,
        False,
        False,
        False,
        ["发展对象备案表"],
    ),
    (9, 3, SPONSORS, "确定入党介绍人", "确定日期", ["sponsor"], False, False, False, False, []),
    (
        10,
        3,
        POLITICAL_REVIEW,
        "进行政治审查",
        "政审结论日期",
        [],
        False,
        False,
        False,
        True,
        ["政治审查综合材料"],
    ),
    (
        11,
        3,
        TRAINING,
        "开展集中培训",
        "培训结业日期",
        [],
        False,
        True,
        False,
        False,
        ["培训结业证书"],
    ),
    (
        12,
        4,
        COMMITTEE_REVIEW,
        "支部委员会审查",
        "支委会审查日期",
        [],
        False,
        False,
        False,
        False,
        ["支委会会议记录"],
    ),
    (13, 4, PRE_REVIEW, "上级党委预审", "预审日期", [], False, False, False, False, ["预审意见"]),
    (
        14,
        4,
        ADMISSION_FORM,
        "填写入党志愿书",
        "发放志愿书日期",
        [],
        False,
        False,
        False,
        False,
        ["入党志愿书"],
    ),
    (
        15,
        4,
        ADMISSION_MEETING,
        "支部大会讨论",
        "支部大会日期",
        [],
        True,
        False,
        True,
        False,
        ["支部大会会议记录", "公示材料"],
    ),
    (
        16,
        4,
        APPROVAL_TALK,
        "上级党委派人谈话",
        "谈话日期",
        ["talker"],
        False,
        False,
        False,
        False,
        ["谈话记录"],
    ),
    (
        17,
        4,
        ADMISSION_APPROVAL,
        "上级党委审批",
        "审批日期",
        [],
        False,
        False,
        False,
        False,
        ["党委会议记录", "审批意见"],
    ),
    (
        18,
        4,
        ADMISSION_FILING,
        "再上一级党委组织部门备案",
        "备案日期",
        [],
        False,
        False,
        False,
        False,
        ["备案材料"],
    ),
    (19, 5, PLACEMENT, "编入党支部和党小组", "编入日期", [], False, False, False, False, []),
    (20, 5, OATH, "入党宣誓", "宣誓日期", [], False, False, False, False, []),
    (
        21,
        5,
        PROBATION_EXAMINATION,
        "继续教育考察",
        "考察日期",
        [],
        False,
        False,
        False,
        False,
        ["预备党员考察登记表"],
    ),
    (
        22,
        5,
        CONVERSION_REQUEST,
        "提出转正申请",
        "申请日期",
        [],
        False,
        False,
        False,
        False,
        ["转正申请书"],
    ),
    (
        23,
        5,
        CONVERSION_MEETING,
        "支部大会讨论",
        "支部大会日期",
        [],
        True,
        False,
        True,
        False,
        ["支部大会会议记录", "公示材料"],
    ),
    (
        24,
        5,
        CONVERSION_APPROVAL,
        "上级党委审批",
        "审批日期",
        [],
        False,
        False,
        False,
        False,
        ["党委会议记录", "审批意见"],
    ),
    (25, 5, ARCHIVING, "材料归档", "归档日期", [], False, False, False, False, ["归档清单"]),
]

REPEATABLE = frozenset({ACTIVIST_EXAMINATION, PROBATION_EXAMINATION})
