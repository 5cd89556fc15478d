"""Reading `.lrmx` files and bundles: accepted variants and every refusal of hostile input."""

from __future__ import annotations

import base64
import io
import re
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zugong.cadres.lrmx import (
    MAX_FAMILY_MEMBERS,
    MAX_FILE_BYTES,
    MAX_PHOTO_BYTES,
    MAX_TEXT_CHARS,
    LrmxError,
    LrmxRecord,
    UnknownElement,
    read_lrmx,
    read_lrmx_bundle,
)

from .lrmx_samples import (
    SAMPLE_UNKNOWN_AFTER,
    SAMPLE_UNKNOWN_XML,
    sample_lrm_bytes,
    sample_lrmx_bytes,
    sample_lrmx_text,
    sample_photo_jpeg,
    sample_record,
)


def _replace_element(text: str, name: str, new_xml: str) -> str:
    """The sample text with element `name` (first occurrence, any form) replaced by `new_xml`."""
    pattern = re.compile(rf"<{name}\s*/>|<{name}>.*?</{name}>", re.DOTALL)
    result, count = pattern.subn(lambda _: new_xml, text, count=1)
    assert count == 1, name
    return result


def _read_text(text: str) -> LrmxRecord:
    return read_lrmx(text.encode("utf-8"), source="王建国.lrmx")


def _error_of(data: bytes) -> LrmxError:
    with pytest.raises(LrmxError) as caught:
        read_lrmx(data, source="测试.lrmx")
    return caught.value


# --- accepted input ---


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("wrap_photo", [False, True])
def test_sample_reads_as_the_sample_record(bom: bool, wrap_photo: bool) -> None:
    data = sample_lrmx_bytes(bom=bom, wrap_photo=wrap_photo)
    assert data.startswith(b"\xef\xbb\xbf") == bom
    assert read_lrmx(data) == sample_record()


def test_whitespace_only_and_empty_forms_are_empty_strings() -> None:
    text = sample_lrmx_text()
    assert "<ShenFenZheng>\r\n  </ShenFenZheng>" in text
    assert "<NiMianZhiWu>" in text
    text = _replace_element(text, "NiMianZhiWu", "<NiMianZhiWu></NiMianZhiWu>")
    text = _replace_element(text, "NiRenZhiWu", "<NiRenZhiWu/>")
    text = _replace_element(text, "RenMianLiYou", "<RenMianLiYou> \t\r\n </RenMianLiYou>")
    record = _read_text(text)
    assert (record.proposed_removal, record.proposed_post, record.reason) == ("", "", "")
    assert record.id_number == "" and record.filled_on == ""


def test_values_are_trimmed() -> None:
    text = _replace_element(sample_lrmx_text(), "XingMing", "<XingMing>\r\n   王建国  </XingMing>")
    assert _read_text(text).name == "王建国"


def test_elements_in_any_order() -> None:
    text = sample_lrmx_text()
    version = re.search(r"\s*<Version>.*?</Version>", text).group()
    name = re.search(r"\s*<XingMing>.*?</XingMing>", text).group()
    family = re.search(r"\s*<JiaTingChengYuan>.*?</JiaTingChengYuan>", text, re.DOTALL).group()
    for moved in (version, name, family):
        text = text.replace(moved, "", 1)
    # Version first, the family container before the name, the name last.
    text = text.replace("<Person>", "<Person>" + version + family, 1)
    text = text.replace("</Person>", name + "</Person>")
    assert text.index("<Version>") < text.index("<JiaTingChengYuan>") < text.index("<XingBie>")
    assert _read_text(text) == sample_record()


def test_missing_id_number_and_other_elements_are_empty() -> None:
    text = re.sub(r"\s*<ShenFenZheng>.*?</ShenFenZheng>", "", sample_lrmx_text(), flags=re.DOTALL)
    text = re.sub(r"\s*<Version>.*?</Version>", "", text)
    record = _read_text(text)
    assert record.id_number == ""
    assert record.version == ""  # the file had none; the writer fills in the default
    assert record.name == "王建国"
    bare = _read_text('<?xml version="1.0" encoding="utf-8"?><Person/>')
    assert bare == LrmxRecord(version="")


def test_unknown_elements_are_kept_with_their_position() -> None:
    record = read_lrmx(sample_lrmx_bytes(extra_unknown=True))
    assert record.unknown == [UnknownElement(after=SAMPLE_UNKNOWN_AFTER, xml=SAMPLE_UNKNOWN_XML)]
    assert record == sample_record(extra_unknown=True)


def test_unknown_element_first_and_after_family() -> None:
    text = sample_lrmx_text().replace("<Person>", "<Person><Kai>1</Kai>", 1)
    text = text.replace("</JiaTingChengYuan>", "</JiaTingChengYuan><Mo/>", 1)
    record = _read_text(text)
    assert record.unknown == [
        UnknownElement(after="", xml="<Kai>1</Kai>"),
        UnknownElement(after="JiaTingChengYuan", xml="<Mo />"),
    ]


def test_optional_post_2025_elements() -> None:
    text = sample_lrmx_text().replace(
        "</Person>",
        "<DaoLingNianYue>203806</DaoLingNianYue>"
        "<GaiGeQianRenZhiNianLingJieXian>改革前任职年龄界限为60岁</GaiGeQianRenZhiNianLingJieXian>"
        "</Person>",
    )
    record = _read_text(text)
    assert record.retirement_month == "203806"
    assert record.pre_reform_age_limit == "改革前任职年龄界限为60岁"


def test_photo_with_data_uri_prefix_and_line_breaks() -> None:
    photo = sample_photo_jpeg()
    encoded = base64.b64encode(photo).decode("ascii")
    wrapped = "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60))
    for value in (f"data:image/jpeg;base64,{encoded}", f"\n  {wrapped}\n  ", ""):
        text = _replace_element(sample_lrmx_text(), "ZhaoPian", f"<ZhaoPian>{value}</ZhaoPian>")
        assert _read_text(text).photo == (photo if value else b"")


def test_declared_gbk_file_is_decoded_accordingly() -> None:
    text = sample_lrmx_text().replace('encoding="UTF-8"', 'encoding="GB2312"')
    record = read_lrmx(text.encode("gbk"))
    assert record == sample_record()


def test_family_members_and_escaped_text() -> None:
    text = _replace_element(
        sample_lrmx_text(), "RenMianLiYou", "<RenMianLiYou>A &amp; B &lt;C&gt;</RenMianLiYou>"
    )
    record = _read_text(text)
    assert record.reason == "A & B <C>"
    assert len(record.family) == 5
    assert record.family[3].employer_and_post == "乐陵县供销社退休职工（已去世）"


def test_resume_lines_read_with_lf() -> None:
    record = read_lrmx(sample_lrmx_bytes())
    assert "\r" not in record.resume
    assert record.resume.count("\n") == 5


# --- refused input: always LrmxError with a Chinese message ---


def test_external_entity_xxe_is_refused(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    data = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<!DOCTYPE Person [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        "<Person><XingMing>&xxe;</XingMing></Person>"
    ).encode()
    error = _error_of(data)
    assert "安全" in str(error)
    assert "测试.lrmx" in str(error)


def test_billion_laughs_is_refused() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10)
    )
    data = f"<?xml version='1.0'?><!DOCTYPE Person [{entities}]><Person><XingMing>&lol9;</XingMing></Person>"
    assert "安全" in str(_error_of(data.encode()))


def test_doctype_without_entities_is_refused() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE Person SYSTEM "http://example.com/p.dtd"><Person/>'
    assert "DOCTYPE" in str(_error_of(data))


def test_undeclared_entity_is_a_parse_error() -> None:
    assert "XML" in str(_error_of(b"<Person><XingMing>&foo;</XingMing></Person>"))


def test_wrong_root_is_refused() -> None:
    error = _error_of(b'<?xml version="1.0"?><Persons><XingMing>x</XingMing></Persons>')
    assert "根元素" in str(error) and "Persons" in str(error)


@pytest.mark.parametrize("cut", [10, 200, 2000, -30, -3])
def test_truncated_file_is_refused(cut: int) -> None:
    data = sample_lrmx_bytes()[:cut]
    assert "文件不完整" in str(_error_of(data))


@pytest.mark.parametrize("data", [b"", b"   \r\n"])
def test_empty_file_is_refused(data: bytes) -> None:
    assert "空" in str(_error_of(data))


def test_undeclared_non_utf8_is_refused() -> None:
    error = _error_of(sample_lrmx_text().encode("gbk"))
    assert "文件编码无法识别" in str(error)


def test_utf16_is_refused() -> None:
    assert "文件编码无法识别" in str(_error_of(sample_lrmx_text().encode("utf-16")))


def test_photo_not_base64_is_refused() -> None:
    text = _replace_element(sample_lrmx_text(), "ZhaoPian", "<ZhaoPian>这不是照片!!</ZhaoPian>")
    error = _error_of(text.encode())
    assert "照片" in str(error) and "Base64" in str(error)
    assert error.element == "ZhaoPian"


def test_photo_not_an_image_is_refused() -> None:
    fake = base64.b64encode(b"GIF89a but not really an image at all").decode()
    text = _replace_element(sample_lrmx_text(), "ZhaoPian", f"<ZhaoPian>{fake}</ZhaoPian>")
    error = _error_of(text.encode())
    assert "照片" in str(error) and "图片" in str(error)


def test_truncated_jpeg_is_refused() -> None:
    broken = base64.b64encode(sample_photo_jpeg()[:200]).decode()
    text = _replace_element(sample_lrmx_text(), "ZhaoPian", f"<ZhaoPian>{broken}</ZhaoPian>")
    assert "照片" in str(_error_of(text.encode()))


def test_photo_over_the_limit_is_refused() -> None:
    oversized = sample_photo_jpeg() + b"\0" * MAX_PHOTO_BYTES
    encoded = base64.b64encode(oversized).decode()
    text = _replace_element(sample_lrmx_text(), "ZhaoPian", f"<ZhaoPian>{encoded}</ZhaoPian>")
    error = _error_of(text.encode())
    assert "照片" in str(error) and "2 MB" in str(error)


def test_file_over_the_limit_is_refused() -> None:
    padding = " " * (MAX_FILE_BYTES + 1)
    data = sample_lrmx_text().replace("</Person>", padding + "</Person>").encode()
    assert "10 MB" in str(_error_of(data))


def test_nested_element_inside_a_leaf_is_refused() -> None:
    text = _replace_element(
        sample_lrmx_text(), "XianRenZhiWu", "<XianRenZhiWu><b>局长</b></XianRenZhiWu>"
    )
    error = _error_of(text.encode())
    assert "现任职务" in str(error) and "子元素" in str(error)
    family_text = sample_lrmx_text().replace(
        "<ChengWei>妻子</ChengWei>", "<ChengWei><x/>妻子</ChengWei>"
    )
    assert "家庭成员第 1 项的称谓" in str(_error_of(family_text.encode()))


def test_too_many_family_members_is_refused() -> None:
    item = "<Item><ChengWei>儿子</ChengWei><XingMing>某某</XingMing></Item>"
    items = item * (MAX_FAMILY_MEMBERS + 1)
    text = _replace_element(
        sample_lrmx_text(), "JiaTingChengYuan", f"<JiaTingChengYuan>{items}</JiaTingChengYuan>"
    )
    assert f"超过上限 {MAX_FAMILY_MEMBERS} 项" in str(_error_of(text.encode()))
    at_limit = _replace_element(
        sample_lrmx_text(),
        "JiaTingChengYuan",
        f"<JiaTingChengYuan>{item * MAX_FAMILY_MEMBERS}</JiaTingChengYuan>",
    )
    assert len(_read_text(at_limit).family) == MAX_FAMILY_MEMBERS


def test_non_item_inside_family_is_refused() -> None:
    text = sample_lrmx_text().replace("<JiaTingChengYuan>", "<JiaTingChengYuan><Member/>", 1)
    assert "只能包含 Item" in str(_error_of(text.encode()))


def test_overlong_text_is_refused() -> None:
    long_text = "经" * (MAX_TEXT_CHARS + 1)
    text = _replace_element(sample_lrmx_text(), "JianLi", f"<JianLi>{long_text}</JianLi>")
    error = _error_of(text.encode())
    assert "简历" in str(error) and str(MAX_TEXT_CHARS) in str(error)
    at_limit = _replace_element(
        sample_lrmx_text(), "JianLi", f"<JianLi>{'经' * MAX_TEXT_CHARS}</JianLi>"
    )
    assert len(_read_text(at_limit).resume) == MAX_TEXT_CHARS


def test_duplicate_element_is_refused() -> None:
    text = sample_lrmx_text().replace("<Person>", "<Person><XingMing>李四</XingMing>", 1)
    assert "出现了两次" in str(_error_of(text.encode()))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mangled_files_only_raise_lrmx_error(data: st.DataObject) -> None:
    original = sample_lrmx_bytes(extra_unknown=True)
    position = data.draw(st.integers(0, len(original) - 1))
    replacement = data.draw(st.binary(max_size=8))
    length = data.draw(st.integers(0, 16))
    mangled = original[:position] + replacement + original[position + length :]
    try:
        read_lrmx(mangled)
    except LrmxError as error:
        assert error.message


# --- bundles ---


class _GbkNamedInfo(zipfile.ZipInfo):
    """A zip entry named as Windows tools write Chinese names: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's own name)
        return self.filename.encode("gbk"), self.flag_bits


def _zip(files: dict[str, bytes], *, utf8_names: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name if utf8_names else _GbkNamedInfo(name), content)
    return buffer.getvalue()


def test_bundle_of_a_single_lrmx() -> None:
    [(name, result)] = read_lrmx_bundle(sample_lrmx_bytes(), "王建国.lrmx")
    assert name == "王建国.lrmx" and result == sample_record()


def test_bundle_of_a_single_bad_file_returns_the_error() -> None:
    [(name, result)] = read_lrmx_bundle(b"<Persons/>", "坏.lrmx")
    assert isinstance(result, LrmxError) and result.source == "坏.lrmx"
    [(_, other)] = read_lrmx_bundle(b"hello", "说明.txt")
    assert isinstance(other, LrmxError) and ".lrmx" in str(other)


@pytest.mark.parametrize("utf8_names", [True, False])
def test_zip_bundle_reads_each_file_and_keeps_going(utf8_names: bool) -> None:
    data = _zip(
        {
            "组织部/王建国.lrmx": sample_lrmx_bytes(),
            "组织部/坏文件.lrmx": b"<Person><XingMing>",
            "老档案/王建国.lrm": sample_lrm_bytes(),
            "老档案/王建国.pic": sample_photo_jpeg(),
            "老档案/无照片.lrm": sample_lrm_bytes(),
            "说明.txt": "请查收".encode(),
            "__MACOSX/._王建国.lrmx": b"junk",
        },
        utf8_names=utf8_names,
    )
    results = dict(read_lrmx_bundle(data, "上报材料.zip"))
    assert list(results) == [
        "组织部/王建国.lrmx",
        "组织部/坏文件.lrmx",
        "老档案/王建国.lrm",
        "老档案/无照片.lrm",
        "说明.txt",
    ]
    assert results["组织部/王建国.lrmx"] == sample_record()
    bad = results["组织部/坏文件.lrmx"]
    assert isinstance(bad, LrmxError) and "组织部/坏文件.lrmx" in str(bad)
    assert results["老档案/王建国.lrm"] == sample_record()
    no_photo = results["老档案/无照片.lrm"]
    assert isinstance(no_photo, LrmxRecord) and no_photo.photo == b""
    assert isinstance(results["说明.txt"], LrmxError)


def test_zip_with_bad_pic_reports_the_photo() -> None:
    data = _zip({"a.lrm": sample_lrm_bytes(), "a.pic": b"not an image"})
    [(name, result)] = read_lrmx_bundle(data, "a.zip")
    assert name == "a.lrm" and isinstance(result, LrmxError) and "照片" in str(result)


def test_corrupt_and_empty_zips() -> None:
    [(name, corrupt)] = read_lrmx_bundle(b"PK\x03\x04garbage", "x.zip")
    assert name == "x.zip" and isinstance(corrupt, LrmxError) and "压缩包" in str(corrupt)
    [(_, empty)] = read_lrmx_bundle(_zip({}), "empty.zip")
    assert isinstance(empty, LrmxError) and "没有" in str(empty)


def test_zip_member_larger_than_the_file_limit_is_reported() -> None:
    huge = b" " * (MAX_FILE_BYTES + 1)
    data = _zip({"big.lrmx": huge, "ok.lrmx": sample_lrmx_bytes()})
    results = dict(read_lrmx_bundle(data, "b.zip"))
    assert isinstance(results["big.lrmx"], LrmxError) and "10 MB" in str(results["big.lrmx"])
    assert results["ok.lrmx"] == sample_record()
