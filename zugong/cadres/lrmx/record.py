"""The 干部任免审批表 as it travels between systems: one LRMX `Person`, field by field.

Values are kept in the file's own text formats (出生年月 `YYYYMM`, 简历 lines, 入党时间 grammar of
cadres.md §1.5), so a file read and written again is the same file. Turning them into typed archive
records is the job of the import service; printing them is the job of `zugong.cadres.adform`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Element names in the file order of cadres.md §1.3 (owip rm.xml), with the 中文 label used in
# error messages and in the field-by-field difference shown before a merge.
PERSON_ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("XingMing", "name", "姓名"),
    ("XingBie", "gender", "性别"),
    ("ChuShengNianYue", "birth_month", "出生年月"),
    ("MinZu", "ethnicity", "民族"),
    ("JiGuan", "native_place", "籍贯"),
    ("ChuShengDi", "birthplace", "出生地"),
    ("RuDangShiJian", "party_joined", "入党时间"),
    ("CanJiaGongZuoShiJian", "work_started", "参加工作时间"),
    ("JianKangZhuangKuang", "health", "健康状况"),
    ("ZhuanYeJiShuZhiWu", "professional_title", "专业技术职务"),
    ("ShuXiZhuanYeYouHeZhuanChang", "expertise", "熟悉专业有何专长"),
    ("QuanRiZhiJiaoYu_XueLi", "fulltime_education", "全日制教育学历"),
    ("QuanRiZhiJiaoYu_XueWei", "fulltime_degree", "全日制教育学位"),
    (
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
        "fulltime_education_school",
        "全日制学历毕业院校系及专业",
    ),
    (
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
        "fulltime_degree_school",
        "全日制学位毕业院校系及专业",
    ),
    ("ZaiZhiJiaoYu_XueLi", "parttime_education", "在职教育学历"),
    ("ZaiZhiJiaoYu_XueWei", "parttime_degree", "在职教育学位"),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "parttime_education_school", "在职学历毕业院校系及专业"),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "parttime_degree_school", "在职学位毕业院校系及专业"),
    ("XianRenZhiWu", "current_post", "现任职务"),
    ("NiRenZhiWu", "proposed_post", "拟任职务"),
    ("NiMianZhiWu", "proposed_removal", "拟免职务"),
    ("JianLi", "resume", "简历"),
    ("JiangChengQingKuang", "rewards", "奖惩情况"),
    ("NianDuKaoHeJieGuo", "assessments", "年度考核结果"),
    ("RenMianLiYou", "reason", "任免理由"),
    # JiaTingChengYuan (the family container) sits here in the file: see `family`.
    ("ChengBaoDanWei", "reporting_unit", "呈报单位"),
    ("JiSuanNianLingShiJian", "age_reference", "计算年龄时间"),
    ("TianBiaoShiJian", "filled_on", "填表时间"),
    ("TianBiaoRen", "filled_by", "填表人"),
    ("ShenFenZheng", "id_number", "公民身份号码"),
    ("ZhaoPian", "photo", "照片"),
    ("Version", "version", "版本"),
)
# The family container follows this element in the file.
FAMILY_AFTER = "RenMianLiYou"
FAMILY_ELEMENT = "JiaTingChengYuan"
FAMILY_ITEM = "Item"
FAMILY_ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("ChengWei", "relation", "称谓"),
    ("XingMing", "name", "姓名"),
    ("ChuShengRiQi", "birth_month", "出生日期"),
    ("ZhengZhiMianMao", "political_status", "政治面貌"),
    ("GongZuoDanWeiJiZhiWu", "employer_and_post", "工作单位及职务"),
)
# Post-2025 elements (cadres.md §1.4): written only when the record has them.
OPTIONAL_ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("DaoLingNianYue", "retirement_month", "到龄年月"),
    ("GaiGeQianRenZhiNianLingJieXian", "pre_reform_age_limit", "改革前任职年龄界限"),
)
DEFAULT_VERSION = "3.2.1.16"


@dataclass
class FamilyMember:
    relation: str = ""
    name: str = ""
    birth_month: str = ""  # YYYYMM (YYYYMMDD tolerated on read)
    political_status: str = ""
    employer_and_post: str = ""


@dataclass
class UnknownElement:
    """An element this version of Zugong does not know, kept verbatim to be written back.

    `after` names the known element it followed in the source file ("" = first), so the writer
    puts it back in the same place; `xml` is the element serialized as it was read.
    """

    after: str
    xml: str


@dataclass
class LrmxRecord:
    """One person's 任免审批表; every attribute is the trimmed text of its element ("" = empty)."""

    name: str = ""
    gender: str = ""
    birth_month: str = ""
    ethnicity: str = ""
    native_place: str = ""
    birthplace: str = ""
    party_joined: str = ""
    work_started: str = ""
    health: str = ""
    professional_title: str = ""
    expertise: str = ""
    fulltime_education: str = ""
    fulltime_degree: str = ""
    fulltime_education_school: str = ""
    fulltime_degree_school: str = ""
    parttime_education: str = ""
    parttime_degree: str = ""
    parttime_education_school: str = ""
    parttime_degree_school: str = ""
    current_post: str = ""
    proposed_post: str = ""
    proposed_removal: str = ""
    resume: str = ""  # lines joined by "\n" (CRLF in the file)
    rewards: str = ""
    assessments: str = ""
    reason: str = ""
    family: list[FamilyMember] = field(default_factory=list)
    reporting_unit: str = ""
    age_reference: str = ""  # YYYYMMDD or YYYYMM
    filled_on: str = ""
    filled_by: str = ""
    id_number: str = ""
    photo: bytes = b""  # the decoded image bytes (JPEG in practice)
    version: str = DEFAULT_VERSION
    retirement_month: str = ""
    pre_reform_age_limit: str = ""
    unknown: list[UnknownElement] = field(default_factory=list)
