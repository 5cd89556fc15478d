"""Sample 干部任免审批表 data for the LRMX codec tests and the import-service tests.

`sample_record()` is the record; `sample_lrmx_bytes()` is a file as other systems write it: the
element list of cadres.md §1.3 in file order, whitespace-only elements like the owip template,
five family members and a real JPEG photo. Flags produce the variants readers must accept.
"""

from __future__ import annotations

import base64
import io
import textwrap
from xml.sax.saxutils import escape

from PIL import Image

from zugong.cadres.lrmx.record import (
    FAMILY_AFTER,
    FAMILY_ELEMENTS,
    PERSON_ELEMENTS,
    FamilyMember,
    LrmxRecord,
    UnknownElement,
)

SAMPLE_RESUME_LINES = (
    "1996.09--2000.07  河北师范大学中文系汉语言文学专业学习",
    "2000.07--2004.03  乐陵县城关镇党政办科员",
    "2004.03--2011.06  乐陵县委组织部干部科副科长、科长",
    "（其间：2005.09--2008.07 在中央党校函授学院经济管理专业在职大学学习）",
    "2011.06--2019.03  乐陵县委组织部副部长",
    "2019.03--         乐陵县人力资源和社会保障局党组书记、局长",
)
# The unknown element used by `extra_unknown=True`: a later editor version's field.
SAMPLE_UNKNOWN_XML = '<BeiZhu lang="zh">备注：<b>已核对</b></BeiZhu>'
SAMPLE_UNKNOWN_AFTER = "ChengBaoDanWei"


def sample_photo_jpeg(width: int = 120, height: int = 147) -> bytes:
    """A small real JPEG (aspect 376:460 like the photo cell)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 40)).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def sample_family() -> list[FamilyMember]:
    return [
        FamilyMember("妻子", "刘晓梅", "197805", "中共党员", "乐陵县第一中学教师"),
        FamilyMember("儿子", "王子涵", "200403", "共青团员", "山东大学经济学院学生"),
        FamilyMember("女儿", "王子萱", "201009", "群众", "乐陵县实验小学学生"),
        FamilyMember("父亲", "王德顺", "194802", "中共党员", "乐陵县供销社退休职工（已去世）"),
        FamilyMember("母亲", "李秀英", "195011", "群众", "乐陵县城关镇居民"),
    ]


def sample_record(*, extra_unknown: bool = False) -> LrmxRecord:
    """The record that `sample_lrmx_bytes()` encodes (so tests can compare read results to it)."""
    record = LrmxRecord(
        name="王建国",
        gender="男",
        birth_month="197806",
        ethnicity="汉族",
        native_place="山东乐陵",
        birthplace="山东乐陵",
        party_joined="199905",
        work_started="200007",
        health="健康",
        professional_title="高级经济师",
        expertise="组织人事工作",
        fulltime_education="大学",
        fulltime_degree="文学学士",
        fulltime_education_school="河北师范大学中文系汉语言文学专业",
        fulltime_degree_school="",
        parttime_education="大学",
        parttime_degree="",
        parttime_education_school="中央党校函授学院经济管理专业",
        parttime_degree_school="",
        current_post="乐陵县人力资源和社会保障局党组书记、局长",
        proposed_post="乐陵县委组织部常务副部长",
        proposed_removal="乐陵县人力资源和社会保障局党组书记、局长职务",
        resume="\n".join(SAMPLE_RESUME_LINES),
        rewards="2015.12，经乐陵县委批准，授予“优秀共产党员”称号；\n2020.06，经德州市委批准，记三等功。",
        assessments="2022年度考核称职，2023、2024年度考核优秀。",
        reason="工作需要",
        family=sample_family(),
        reporting_unit="中共乐陵县委",
        age_reference="20250630",
        filled_on="",
        filled_by="张小红",
        id_number="",
        photo=sample_photo_jpeg(),
        version="3.2.1.16",
    )
    if extra_unknown:
        record.unknown = [UnknownElement(after=SAMPLE_UNKNOWN_AFTER, xml=SAMPLE_UNKNOWN_XML)]
    return record


# Elements written as a newline plus indentation, as in the owip template and the Django sample.
_WHITESPACE_ONLY = {
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "TianBiaoShiJian",
    "ShenFenZheng",
}


def sample_lrmx_bytes(
    *, bom: bool = False, wrap_photo: bool = False, extra_unknown: bool = False
) -> bytes:
    """The bytes of `sample_record(extra_unknown=...)` as another system writes them.

    bom: start with a UTF-8 BOM (the owip template does); wrap_photo: Base64 broken into lines of
    76 characters (MIME style); extra_unknown: an unknown element after ChengBaoDanWei.
    """
    record = sample_record(extra_unknown=extra_unknown)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<Person>"]
    for name, attr, _ in PERSON_ELEMENTS:
        if name == "ZhaoPian":
            photo = base64.b64encode(record.photo).decode("ascii")
            if wrap_photo:
                photo = "\r\n" + "\r\n".join(textwrap.wrap(photo, 76)) + "\r\n  "
            lines.append(f"  <ZhaoPian>{photo}</ZhaoPian>")
        else:
            value = getattr(record, attr)
            if name in _WHITESPACE_ONLY:
                assert value == ""
                lines.append(f"  <{name}>\r\n  </{name}>")
            elif value:
                text = escape(value).replace("\n", "\r\n")
                lines.append(f"  <{name}>{text}</{name}>")
            else:
                lines.append(f"  <{name}></{name}>" if name == "NiMianZhiWu" else f"  <{name}/>")
        if name == FAMILY_AFTER:
            lines.append("  <JiaTingChengYuan>")
            for member in record.family:
                lines.append("    <Item>")
                for item_name, item_attr, _ in FAMILY_ELEMENTS:
                    lines.append(
                        f"      <{item_name}>{escape(getattr(member, item_attr))}</{item_name}>"
                    )
                lines.append("    </Item>")
            lines.append("  </JiaTingChengYuan>")
        if extra_unknown and name == SAMPLE_UNKNOWN_AFTER:
            lines.append(f"  {SAMPLE_UNKNOWN_XML}")
    lines.append("</Person>")
    data = "\r\n".join(lines).encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def sample_lrmx_text(**flags: bool) -> str:
    """`sample_lrmx_bytes(**flags)` as text (without the BOM), for tests that edit the file."""
    return sample_lrmx_bytes(**flags).decode("utf-8-sig")


def sample_lrm_bytes() -> bytes:
    """A 2.0 `.lrm` record (GBK, quoted fields joined by `","`) with the sample's values."""
    record = sample_record()
    family = record.family
    fields = [""] * 33
    fields[0:9] = [
        record.name,
        record.gender,
        record.birth_month,
        record.ethnicity,
        record.native_place,
        record.party_joined,
        record.health,
        record.birthplace,
        record.work_started,
    ]
    fields[9] = (
        f"{record.fulltime_education}#{record.fulltime_degree}"
        f"@{record.parttime_education}#{record.parttime_degree}"
    )
    fields[10] = (
        f"{record.fulltime_education_school}#{record.fulltime_degree_school}"
        f"@{record.parttime_education_school}#{record.parttime_degree_school}"
    )
    fields[11] = record.professional_title
    fields[16] = record.expertise
    fields[17] = record.resume.replace("\n", "\r\n")
    fields[18] = record.rewards.replace("\n", "\r\n")
    fields[19] = record.assessments
    fields[20] = "@".join(member.relation for member in family)
    fields[21] = "@".join(member.name for member in family)
    fields[22] = "@".join(member.birth_month for member in family)
    fields[23] = "@".join(member.political_status for member in family)
    fields[24] = "@".join(member.employer_and_post for member in family)
    fields[25:33] = [
        record.current_post,
        record.proposed_post,
        record.proposed_removal,
        record.reason,
        record.reporting_unit,
        record.age_reference,
        record.filled_by,
        record.filled_on,
    ]
    return ('"' + '","'.join(fields) + '"').encode("gbk")
