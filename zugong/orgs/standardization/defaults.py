"""The data the migration seeds: a general checklist (a local example, 100 points) and the code
table of the 8 软弱涣散 situations. Both are editable data afterwards; nothing here is national.

The checklist follows the items and deductions counties publish (party-rules.md §6.2: the
党支部工作规范化检查考评细则 at woaiyanjiang.com/73_89.html, the "六有" 考评表, the 市直机关
标准化细则): 组织设置, 三会一课 −0.2 per missed meeting, 民主评议, 党费, 阵地, 台账, 业绩. The
points and dimensions are this county's example, marked unconfirmed.
"""

from __future__ import annotations

TEMPLATE_NAME = "党支部标准化规范化建设考评细则（通用）"
TEMPLATE_SOURCE = (
    "本地示例（未确认）：参照各地公开的党支部工作规范化检查考评细则"
    "（组织设置、三会一课缺1次扣0.2分、民主评议、党费、阵地、台账、业绩）"
)
TEMPLATE_YEAR = 2020

# (code, dimension, title, standard, max points, feed, evidence hint)
ITEMS: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "A1",
        "组织设置",
        "按期换届",
        "任期届满未按期换届（或未经批准延期、提前换届）的扣3分。依据班子任期数据自动计分。",
        "3",
        "term",
        "",
    ),
    (
        "A2",
        "组织设置",
        "支部委员会设置与委员补选",
        "正式党员7人以上未设支部委员会的扣5分；委员空缺3个月未补选的扣2分。",
        "7",
        "manual",
        "选举结果批复、委员分工",
    ),
    (
        "B1",
        "班子建设",
        "书记履职",
        "书记抓党建述职评议结果，好8分、较好6分、一般4分、差0分。",
        "8",
        "manual",
        "述职评议结果",
    ),
    (
        "B2",
        "班子建设",
        "班子团结与作用发挥",
        "班子不团结、工作停滞的不得分；民主集中制执行不到位的酌情扣分。",
        "7",
        "manual",
        "会议记录、民主生活会材料",
    ),
    (
        "C1",
        "组织生活",
        "三会一课等组织生活制度落实",
        "党员大会每季度1次、支委会每月1次、党小组会每月1次、党课每季度1次、主题党日每月1次；"
        "每缺1次扣0.2分。依据组织生活检查（开展率）数据自动计分。",
        "12",
        "meetings",
        "",
    ),
    (
        "C2",
        "组织生活",
        "民主评议党员",
        "每年开展1次民主评议党员，未开展的不得分，程序不规范的酌情扣分。",
        "4",
        "manual",
        "民主评议结果",
    ),
    (
        "C3",
        "组织生活",
        "领导干部双重组织生活",
        "党员领导干部以普通党员身份参加组织生活，有记录、每半年汇总上报；缺记录的扣分。",
        "4",
        "manual",
        "参加组织生活记录",
    ),
    (
        "D1",
        "党员队伍",
        "党员信息完整准确",
        "党员名册必填信息不全的，每人扣0.1分。依据党员信息完整度自动计分。",
        "4",
        "completeness",
        "",
    ),
    (
        "D2",
        "党员队伍",
        "党费按时足额交纳",
        "党费欠交的，每欠交1人次扣0.1分。依据党费收缴统计自动计分。",
        "4",
        "dues",
        "",
    ),
    (
        "D3",
        "党员队伍",
        "党员教育管理与发展党员",
        "党员学习培训、发展党员工作规范；学时不足、程序不规范的酌情扣分。",
        "7",
        "manual",
        "学习培训记录、发展党员材料",
    ),
    (
        "E1",
        "阵地与制度",
        "活动阵地",
        "有固定活动场所，党旗、入党誓词上墙，设施齐全；每缺一项扣1分。",
        "7",
        "manual",
        "活动室照片",
    ),
    (
        "E2",
        "阵地与制度",
        "台账资料",
        "工作记事、年度计划、年中分析、年终总结等台账齐全；每缺一项扣1分。",
        "7",
        "manual",
        "台账目录、工作计划和总结",
    ),
    (
        "E3",
        "阵地与制度",
        "制度清单",
        "支部工作制度健全并执行；每缺一项扣1分。",
        "6",
        "manual",
        "制度清单",
    ),
    (
        "F1",
        "工作业绩",
        "工作业绩与群众满意度",
        "围绕中心工作发挥作用，群众满意度测评；满意率低于60%的不得分。",
        "20",
        "manual",
        "满意度测评结果、工作成效材料",
    ),
]

# 中组部 lists 8 basic situations of 软弱涣散 (party-rules.md §6.2, 人民日报 2017 via
# big5.chinataiwan.cn — secondary). The wording below is as county notices quote it; it is a
# code table an administrator can edit.
WEAK_CAUSE_TABLE = {
    "code": "weak_org_cause",
    "name": "软弱涣散情形",
    "standard": "中组部整顿软弱涣散基层党组织的8种基本情形（县级通知转述，未确认；可编辑）",
    "items": [
        ("01", "党组织书记不胜任现职、工作不在状态、长期缺职"),
        ("02", "班子不团结、内耗严重、工作处于停滞状态"),
        ("03", "组织制度形同虚设、不开展党组织活动"),
        ("04", "换届选举拉票贿选问题突出"),
        ("05", "村务财务管理混乱、民主管理不到位、群众意见大"),
        ("06", "宗族宗教和黑恶势力干扰渗透严重"),
        ("07", "村内矛盾纠纷突出或发生重大群体性事件"),
        ("08", "社会治安问题和邪教活动突出"),
        ("99", "其他（考核末位等）"),
    ],
}
