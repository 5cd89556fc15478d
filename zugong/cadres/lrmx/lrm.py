"""Read-only support for the 2.0 `.lrm` format (cadres.md §1.7).

One GBK text record: every field in double quotes, fields separated by `","`; the photo is the
sibling `<name>.pic` file. Old archives still contain such files, so they are imported like LRMX.
"""

from __future__ import annotations

from .errors import LrmxError
from .reader import MAX_FILE_BYTES, MAX_TEXT_CHARS, check_photo
from .record import FamilyMember, LrmxRecord

# Field positions of §1.7 (12–15 are not used by any public reader).
_SIMPLE_FIELDS: dict[int, tuple[str, str]] = {
    0: ("name", "姓名"),
    1: ("gender", "性别"),
    2: ("birth_month", "出生年月"),
    3: ("ethnicity", "民族"),
    4: ("native_place", "籍贯"),
    5: ("party_joined", "入党时间"),
    6: ("health", "健康状况"),
    7: ("birthplace", "出生地"),
    8: ("work_started", "参加工作时间"),
    11: ("professional_title", "专业技术职务"),
    16: ("expertise", "熟悉专业有何专长"),
    17: ("resume", "简历"),
    18: ("rewards", "奖惩情况"),
    19: ("assessments", "年度考核结果"),
    25: ("current_post", "现任职务"),
    26: ("proposed_post", "拟任职务"),
    27: ("proposed_removal", "拟免职务"),
    28: ("reason", "任免理由"),
    29: ("reporting_unit", "呈报单位"),
    30: ("age_reference", "计算年龄时间"),
    31: ("filled_by", "填表人"),
    32: ("filled_on", "填表时间"),
}
_EDUCATION_FIELD = 9  # 全日制学历#全日制学位@在职学历#在职学位
_SCHOOL_FIELD = 10  # the same shape for the 院校系及专业
_FAMILY_FIELDS = ((20, "relation"), (21, "name"), (22, "birth_month"), (23, "political_status"))
_FAMILY_EMPLOYER_FIELD = 24
# Without at least the fields up to 任免理由 the record is not an .lrm form.
MIN_FIELDS = 29
FIELD_COUNT = 33


def _decode(data: bytes, source: str) -> str:
    # GBK is what the 2.0 editor writes; GB18030 also covers rare characters in names.
    has_bom = data.startswith(b"\xef\xbb\xbf")
    candidates = ("utf-8-sig",) if has_bom else ("gbk", "gb18030", "utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LrmxError("文件编码无法识别：.lrm 文件应为 GBK（GB2312）编码", source=source)


def _split_pair(value: str) -> tuple[str, str, str, str]:
    """`a#b@c#d` → (a, b, c, d): 全日制 and 在职 halves, each 学历#学位."""
    fulltime, _, parttime = value.partition("@")
    first, _, second = fulltime.partition("#")
    third, _, fourth = parttime.partition("#")
    return first.strip(), second.strip(), third.strip(), fourth.strip()


def _family(fields: list[str]) -> list[FamilyMember]:
    columns = {index: fields[index].split("@") for index, _ in _FAMILY_FIELDS}
    columns[_FAMILY_EMPLOYER_FIELD] = fields[_FAMILY_EMPLOYER_FIELD].split("@")
    count = max(len(column) for column in columns.values())
    members: list[FamilyMember] = []
    for position in range(count):

        def cell(index: int, position: int = position) -> str:
            column = columns[index]
            return column[position].strip() if position < len(column) else ""

        member = FamilyMember(
            relation=cell(20),
            name=cell(21),
            birth_month=cell(22),
            political_status=cell(23),
            employer_and_post=cell(_FAMILY_EMPLOYER_FIELD),
        )
        if any(vars(member).values()):
            members.append(member)
    return members


def read_lrm(data: bytes, pic: bytes | None, *, source: str = "") -> LrmxRecord:
    """A record from an `.lrm` file's bytes and its `.pic` photo bytes (None when missing).

    The record keeps `DEFAULT_VERSION`: once read, it is written back as LRMX 3.x.
    """
    if len(data) > MAX_FILE_BYTES:
        raise LrmxError(f"文件大小超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 上限", source=source)
    text = _decode(data, source).strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise LrmxError("不是 .lrm 格式：内容应以英文双引号开始和结束", source=source)
    fields = text[1:-1].split('","')
    if len(fields) < MIN_FIELDS:
        raise LrmxError(
            f"不是完整的 .lrm 文件：只有 {len(fields)} 个字段，至少应有 {MIN_FIELDS} 个",
            source=source,
        )
    fields = [field.replace("\r\n", "\n").replace("\r", "\n") for field in fields]
    fields += [""] * (FIELD_COUNT - len(fields))

    record = LrmxRecord()
    for index, (attr, label) in _SIMPLE_FIELDS.items():
        value = fields[index].strip()
        if len(value) > MAX_TEXT_CHARS:
            raise LrmxError(
                f"{label}长达 {len(value)} 个字符，超过上限 {MAX_TEXT_CHARS}", source=source
            )
        setattr(record, attr, value)
    (
        record.fulltime_education,
        record.fulltime_degree,
        record.parttime_education,
        record.parttime_degree,
    ) = _split_pair(fields[_EDUCATION_FIELD])
    (
        record.fulltime_education_school,
        record.fulltime_degree_school,
        record.parttime_education_school,
        record.parttime_degree_school,
    ) = _split_pair(fields[_SCHOOL_FIELD])
    record.family = _family(fields)
    if pic:
        record.photo = check_photo(pic, source=source)
    return record
