"""Writing `.lrmx`: layout, element order, and the read ∘ write round trip."""

from __future__ import annotations

import base64
import dataclasses

import defusedxml.ElementTree as SafeET
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zugong.cadres.lrmx import (
    DEFAULT_VERSION,
    FAMILY_ELEMENTS,
    PERSON_ELEMENTS,
    FamilyMember,
    LrmxError,
    LrmxRecord,
    UnknownElement,
    format_resume,
    read_lrmx,
    write_lrmx,
)

from .lrmx_samples import sample_lrmx_bytes, sample_record
from .test_lrmx_resume import valid_resumes

EXPECTED_ORDER = [
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "JiGuan",
    "ChuShengDi",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang",
    "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu",
    "NiRenZhiWu",
    "NiMianZhiWu",
    "JianLi",
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    "JiaTingChengYuan",
    "ChengBaoDanWei",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
    "ShenFenZheng",
    "ZhaoPian",
    "Version",
]


def _children(data: bytes) -> list[tuple[str, str]]:
    root = SafeET.fromstring(data.decode("utf-8-sig"))
    return [(child.tag, (child.text or "").strip()) for child in root]


def test_declaration_encoding_and_no_bom() -> None:
    data = write_lrmx(sample_record())
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8")  # strict UTF-8


def test_elements_follow_the_official_order() -> None:
    assert [tag for tag, _ in _children(write_lrmx(LrmxRecord()))] == EXPECTED_ORDER
    assert [tag for tag, _ in _children(write_lrmx(sample_record()))] == EXPECTED_ORDER


def test_empty_values_are_empty_elements_and_version_defaults() -> None:
    text = write_lrmx(LrmxRecord(version="")).decode()
    assert "<NiRenZhiWu />" in text
    assert "<JiaTingChengYuan />" in text
    assert "<ZhaoPian />" in text
    assert f"<Version>{DEFAULT_VERSION}</Version>" in text


def test_resume_lines_are_crlf_and_text_is_escaped() -> None:
    record = LrmxRecord(
        resume="1996.09--2000.07  XX大学学习\n2000.07--         XX局科员",
        reason="A & B <C>",
    )
    data = write_lrmx(record)
    assert "<JianLi>1996.09--2000.07  XX大学学习\r\n2000.07--         XX局科员</JianLi>" in (
        data.decode()
    )
    assert "<RenMianLiYou>A &amp; B &lt;C&gt;</RenMianLiYou>" in data.decode()
    assert read_lrmx(data).resume == record.resume


def test_photo_is_base64_of_the_bytes() -> None:
    record = sample_record()
    children = dict(_children(write_lrmx(record)))
    assert base64.b64decode(children["ZhaoPian"]) == record.photo


def test_family_items_in_order() -> None:
    root = SafeET.fromstring(write_lrmx(sample_record()).decode())
    items = root.find("JiaTingChengYuan")
    assert [item.tag for item in items] == ["Item"] * 5
    assert [child.tag for child in items[0]] == [name for name, _, _ in FAMILY_ELEMENTS]
    assert items[0].find("ChengWei").text == "妻子"


def test_optional_elements_only_when_filled_and_before_version() -> None:
    plain = [tag for tag, _ in _children(write_lrmx(sample_record()))]
    assert "DaoLingNianYue" not in plain and "GaiGeQianRenZhiNianLingJieXian" not in plain
    record = dataclasses.replace(
        sample_record(), retirement_month="203806", pre_reform_age_limit="改革前任职年龄界限为60岁"
    )
    data = write_lrmx(record)
    tags = [tag for tag, _ in _children(data)]
    assert tags[-3:] == ["DaoLingNianYue", "GaiGeQianRenZhiNianLingJieXian", "Version"]
    assert read_lrmx(data) == record


def test_unknown_elements_go_back_where_they_were() -> None:
    record = dataclasses.replace(
        sample_record(),
        unknown=[
            UnknownElement(after="", xml="<Kai>1</Kai>"),
            UnknownElement(after="JianLi", xml='<Fu a="1"><x>2</x></Fu>'),
            UnknownElement(after="JianLi", xml="<Fu2 />"),
            UnknownElement(after="JiaTingChengYuan", xml="<Mo />"),
            UnknownElement(after="Version", xml="<Wei>末</Wei>"),
        ],
    )
    data = write_lrmx(record)
    tags = [tag for tag, _ in _children(data)]
    assert tags[0] == "Kai"
    assert tags[tags.index("JianLi") + 1 : tags.index("JianLi") + 3] == ["Fu", "Fu2"]
    assert tags[tags.index("JiaTingChengYuan") + 1] == "Mo"
    assert tags[-1] == "Wei"
    assert read_lrmx(data) == record


def test_unknown_element_with_an_unknown_anchor_is_still_written() -> None:
    record = LrmxRecord(unknown=[UnknownElement(after="NoSuchElement", xml="<Lost />")])
    assert [tag for tag, _ in _children(write_lrmx(record))][-1] == "Lost"


def test_control_characters_are_refused_with_the_field_name() -> None:
    with pytest.raises(LrmxError) as caught:
        write_lrmx(LrmxRecord(current_post="局长\x07"))
    assert "现任职务" in str(caught.value)
    with pytest.raises(LrmxError) as caught:
        write_lrmx(LrmxRecord(family=[FamilyMember(name="张\x00三")]))
    assert "家庭成员第 1 项的姓名" in str(caught.value)


def test_sample_round_trip_record() -> None:
    record = sample_record(extra_unknown=True)
    assert read_lrmx(write_lrmx(record)) == record


@pytest.mark.parametrize("flags", [{}, {"bom": True, "wrap_photo": True, "extra_unknown": True}])
def test_sample_round_trip_file(flags: dict[str, bool]) -> None:
    """Writing what was read gives the same element sequence and values (trees compared)."""
    original = sample_lrmx_bytes(**flags)
    rewritten = write_lrmx(read_lrmx(original))

    def normalized(data: bytes) -> list[object]:
        root = SafeET.fromstring(data.decode("utf-8-sig"))
        result: list[object] = []
        for child in root:
            if child.tag == "ZhaoPian":
                result.append((child.tag, base64.b64decode("".join((child.text or "").split()))))
            elif child.tag == "JiaTingChengYuan":
                items = [[(leaf.tag, (leaf.text or "").strip()) for leaf in item] for item in child]
                result.append((child.tag, items))
            else:
                result.append((child.tag, (child.text or "").strip(), SafeET.tostring(child)))
        return result

    def without_serialization(rows: list[object]) -> list[object]:
        return [row[:2] if isinstance(row, tuple) else row for row in rows]

    assert without_serialization(normalized(rewritten)) == without_serialization(
        normalized(original)
    )


# --- property test: generated records survive write → read ---

_ALPHABET = st.sampled_from(
    list("王李张刘陈杨赵黄周吴县局镇委科员长书记党组学习大学、，；。（）“”《》")
    + list("abcXYZ0123456789 .-&<>'\"")
)
_text = st.text(alphabet=_ALPHABET, max_size=40).map(str.strip)
_month_text = st.builds(
    lambda year, month: f"{year:04d}{month:02d}", st.integers(1900, 2100), st.integers(1, 12)
)
_family = st.builds(
    FamilyMember,
    relation=_text,
    name=_text,
    birth_month=_month_text | st.just(""),
    political_status=_text,
    employer_and_post=_text,
)
_tiny_jpeg = sample_record().photo


@st.composite
def records(draw: st.DrawFn) -> LrmxRecord:
    values = {attr: draw(_text) for _, attr, _ in PERSON_ELEMENTS if attr not in ("photo",)}
    values["version"] = draw(st.sampled_from(["3.2.1.6", "3.2.1.16", DEFAULT_VERSION]))
    values["birth_month"] = draw(_month_text)
    values["resume"] = format_resume(draw(valid_resumes()))
    values["rewards"] = "\n".join(draw(st.lists(_text.filter(bool), max_size=3)))
    return LrmxRecord(
        **values,
        family=draw(st.lists(_family, max_size=10)),
        photo=draw(st.sampled_from([b"", _tiny_jpeg])),
        retirement_month=draw(st.just("") | _month_text),
        pre_reform_age_limit=draw(st.sampled_from(["", "改革前任职年龄界限为60岁", "已到龄人员"])),
    )


@settings(max_examples=200, deadline=None)
@given(records())
def test_generated_records_round_trip(record: LrmxRecord) -> None:
    assert read_lrmx(write_lrmx(record)) == record
