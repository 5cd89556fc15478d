"""Reading the 2.0 `.lrm` format (cadres.md §1.7)."""

from __future__ import annotations

import pytest

from zugong.cadres.lrmx import DEFAULT_VERSION, FamilyMember, LrmxError, read_lrm

from .lrmx_samples import sample_lrm_bytes, sample_photo_jpeg, sample_record


def _fields() -> list[str]:
    return sample_lrm_bytes().decode("gbk")[1:-1].split('","')


def _encode(fields: list[str], encoding: str = "gbk") -> bytes:
    return ('"' + '","'.join(fields) + '"').encode(encoding)


def test_sample_lrm_reads_like_the_lrmx_sample() -> None:
    record = read_lrm(sample_lrm_bytes(), sample_photo_jpeg(), source="王建国.lrm")
    assert record == sample_record()
    assert record.version == DEFAULT_VERSION
    assert "\r" not in record.resume


def test_without_pic_the_photo_is_empty() -> None:
    assert read_lrm(sample_lrm_bytes(), None).photo == b""


def test_bad_pic_names_the_photo() -> None:
    with pytest.raises(LrmxError) as caught:
        read_lrm(sample_lrm_bytes(), b"not a picture", source="王建国.lrm")
    assert "照片" in str(caught.value) and "王建国.lrm" in str(caught.value)


def test_gb18030_only_characters_in_names() -> None:
    fields = _fields()
    fields[0] = "王㐀"  # U+3400 exists in GB18030, not in GBK
    record = read_lrm(_encode(fields, "gb18030"), None)
    assert record.name == "王㐀"


def test_education_split_and_uneven_family_columns() -> None:
    fields = _fields()
    fields[9] = "研究生#法学硕士@"
    fields[10] = "XX大学法学院#"
    fields[20:25] = ["父亲@母亲", "张大@王二@", "194501", "中共党员@群众@", ""]
    record = read_lrm(_encode(fields), None)
    assert (record.fulltime_education, record.fulltime_degree) == ("研究生", "法学硕士")
    assert (record.parttime_education, record.parttime_degree) == ("", "")
    assert record.fulltime_education_school == "XX大学法学院"
    assert record.family == [
        FamilyMember("父亲", "张大", "194501", "中共党员", ""),
        FamilyMember("母亲", "王二", "", "群众", ""),
    ]


def test_short_record_is_padded_when_the_form_fields_are_there() -> None:
    fields = _fields()[:29]
    record = read_lrm(_encode(fields), None)
    assert record.reason == "工作需要"
    assert record.filled_by == ""


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "双引号"),
        (b"plain text", "双引号"),
        ('"张三","男"'.encode("gbk"), "只有 2 个字段"),
        (b'"\xff\xff\xff"', "编码无法识别"),
    ],
)
def test_refused_lrm(data: bytes, fragment: str) -> None:
    with pytest.raises(LrmxError) as caught:
        read_lrm(data, None, source="x.lrm")
    assert fragment in str(caught.value)


def test_overlong_field_is_refused() -> None:
    fields = _fields()
    fields[17] = "经" * 20_001
    with pytest.raises(LrmxError) as caught:
        read_lrm(_encode(fields), None)
    assert "简历" in str(caught.value)
