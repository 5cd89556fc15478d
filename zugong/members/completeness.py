"""信息完整度: which register fields a member's record should have, and the score."""

from __future__ import annotations

from zugong.members.models import Member, MemberType

# (field, label); 转正日期 only counts for full members.
REQUIRED_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"),
    ("gender_id", "性别"),
    ("ethnicity_id", "民族"),
    ("id_number", "公民身份号码"),
    ("birth_date", "出生日期"),
    ("native_place", "籍贯"),
    ("education_id", "学历"),
    ("phone", "手机号"),
    ("job_category_id", "人员类别/工作岗位"),
    ("joined_on", "入党日期"),
    ("confirmed_on", "转正日期"),
    ("work_started_on", "参加工作日期"),
    ("address", "住址"),
)


def missing_fields(member: Member) -> list[str]:
    missing = []
    for field, label in REQUIRED_FIELDS:
        if field == "confirmed_on" and member.member_type != MemberType.FULL:
            continue
        if not getattr(member, field):
            missing.append(label)
    return missing


def completeness_score(member: Member) -> int:
    required = sum(
        1
        for field, _ in REQUIRED_FIELDS
        if not (field == "confirmed_on" and member.member_type != MemberType.FULL)
    )
    return round(100 * (required - len(missing_fields(member))) / required)
