"""Seed rows of the cadre code tables (plain data: the data migration must not import models).

职级 ladder and 领导职务层次: 《公务员职务与职级并行规定》(2019) 第六、七条 and 级别 ranges, as
collected in cadres.md §3.5. Situations: 《推进领导干部能上能下规定》(2022) 第五条, (一)–(八)
confirmed there, (九)–(十五) best knowledge, marked unconfirmed and editable.
"""

from __future__ import annotations

# (code, name, track, order, equivalent level, 级别 high, 级别 low)
RANKS: tuple[tuple[str, str, str, int, str, int | None, int | None], ...] = (
    ("leader_county_chief", "县处级正职", "leadership", 4, "county_chief", 12, 18),
    ("leader_county_deputy", "县处级副职", "leadership", 3, "county_deputy", 14, 20),
    ("leader_section_chief", "乡科级正职", "leadership", 2, "section_chief", 16, 22),
    ("leader_section_deputy", "乡科级副职", "leadership", 1, "section_deputy", 17, 24),
    ("inspector_1", "一级巡视员", "grade", 12, "bureau_chief", 8, 13),
    ("inspector_2", "二级巡视员", "grade", 11, "bureau_deputy", 10, 15),
    ("researcher_1", "一级调研员", "grade", 10, "county_chief", 11, 17),
    ("researcher_2", "二级调研员", "grade", 9, "county_chief", 12, 18),
    ("researcher_3", "三级调研员", "grade", 8, "county_deputy", 13, 19),
    ("researcher_4", "四级调研员", "grade", 7, "county_deputy", 14, 20),
    ("clerk_chief_1", "一级主任科员", "grade", 6, "section_chief", 15, 21),
    ("clerk_chief_2", "二级主任科员", "grade", 5, "section_chief", 16, 22),
    ("clerk_chief_3", "三级主任科员", "grade", 4, "section_deputy", 17, 23),
    ("clerk_chief_4", "四级主任科员", "grade", 3, "section_deputy", 17, 24),
    ("clerk_1", "一级科员", "grade", 2, "", 18, 26),
    ("clerk_2", "二级科员", "grade", 1, "", 19, 27),
)

SITUATION_SOURCE_CONFIRMED = "《推进领导干部能上能下规定》（2022）第五条，见 epaper.ahwang.cn/xawb/20220920（cadres.md §3.2）"
SITUATION_SOURCE_UNCONFIRMED = (
    "《推进领导干部能上能下规定》（2022）第五条，条文待核实（cadres.md §3.2）"
)

# (number, text, confirmed)
SITUATIONS: tuple[tuple[int, str, bool], ...] = (
    (1, "政治能力不过硬", True),
    (2, "理想信念动摇", True),
    (3, "担当和斗争精神不强", True),
    (4, "政绩观存在偏差", True),
    (5, "违背民主集中制原则，破坏政治生态", True),
    (
        6,
        "组织观念淡薄（不按规定请示报告重大事项、不如实报告个人有关事项、拒不服从组织分配调动交流）",
        True,
    ),
    (7, "事业心和责任感不强", True),
    (8, "领导能力不足，工作较长时间落后", True),
    (9, "专业能力、专业素养与岗位要求不符", False),
    (10, "作风不严不实，群众观念淡薄", False),
    (11, "违反中央八项规定精神", False),
    (12, "品行不端，道德失范", False),
    (13, "配偶已移居国（境）外，或者没有配偶但子女均已移居国（境）外", False),
    (14, "受到问责、处分等应当调整", False),
    (15, "其他不适宜担任现职的情形", False),
)
