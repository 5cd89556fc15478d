"""Read `.lrmx` files (and zip bundles of `.lrmx` / `.lrm` + `.pic`) into `LrmxRecord`s.

Files come from outside, so parsing goes through defusedxml (no DTDs, entities or external
references) and every limit below is checked before the data is trusted. Any problem becomes an
`LrmxError` with a Chinese message; no other exception leaves `read_lrmx`.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from PIL import Image

from .errors import LrmxError
from .record import (
    FAMILY_ELEMENT,
    FAMILY_ELEMENTS,
    FAMILY_ITEM,
    OPTIONAL_ELEMENTS,
    PERSON_ELEMENTS,
    FamilyMember,
    LrmxRecord,
    UnknownElement,
)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_FAMILY_MEMBERS = 50
MAX_TEXT_CHARS = 20_000
# A zip bundle: generous for a whole unit's cadres, bounded against zip bombs.
MAX_BUNDLE_FILES = 2_000
MAX_BUNDLE_BYTES = 500 * 1024 * 1024

ROOT_ELEMENT = "Person"
PHOTO_ELEMENT = "ZhaoPian"

_UTF8_BOM = b"\xef\xbb\xbf"
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.\-]+)["']""")
_CHINESE_ENCODINGS = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn"}
_DATA_URI_PREFIX = re.compile(r"^\s*data:image/[A-Za-z0-9.+\-]*;base64,", re.IGNORECASE)

# element name → (record attribute, 中文 label) for the leaves of Person and of family Items.
_PERSON_LEAVES = {name: (attr, label) for name, attr, label in PERSON_ELEMENTS + OPTIONAL_ELEMENTS}
_OPTIONAL_NAMES = {name for name, _, _ in OPTIONAL_ELEMENTS}
_FAMILY_LEAVES = {name: (attr, label) for name, attr, label in FAMILY_ELEMENTS}


def _decode(data: bytes, source: str) -> str:
    """The document text: UTF-8 (with or without BOM), or GBK/GB2312 when the declaration says so."""
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    declared = _DECLARED_ENCODING.match(data[:200])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    # GB18030 is a superset of GBK and GB2312, so it reads all three.
    codec = "gb18030" if encoding in _CHINESE_ENCODINGS else "utf-8"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            raise LrmxError(
                "文件不完整：末尾的字符被截断，可能在传输或保存时损坏", source=source
            ) from None
        raise LrmxError(
            f"文件编码无法识别：声明为 {encoding.upper()}，按 {codec.upper()} 解码在第 "
            f"{error.start + 1} 字节处失败；任免审批表文件应为 UTF-8 编码",
            source=source,
        ) from None


def _parse_xml(text: str, source: str) -> Element:
    try:
        return SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise LrmxError(
            "文件含有文档类型声明（DOCTYPE），出于安全原因不予读取", source=source
        ) from None
    except EntitiesForbidden:
        raise LrmxError("文件含有实体声明（ENTITY），出于安全原因不予读取", source=source) from None
    except ExternalReferenceForbidden:
        raise LrmxError("文件引用了外部资源，出于安全原因不予读取", source=source) from None
    except SafeET.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise LrmxError(
            f"文件不完整或不是有效的 XML（第 {line} 行第 {column} 列出错），可能已损坏或被截断",
            source=source,
        ) from None
    except ValueError as error:  # other defusedxml refusals
        raise LrmxError(f"文件含有不安全的 XML 内容（{error}），不予读取", source=source) from None


def _leaf_text(element: Element, label: str, source: str, *, limit: int | None) -> str:
    if len(element):
        raise LrmxError(
            f"{label}（{element.tag}）应为文字，却包含子元素 <{element[0].tag}>",
            source=source,
            element=element.tag,
        )
    text = (element.text or "").strip()
    if limit is not None and len(text) > limit:
        raise LrmxError(
            f"{label}（{element.tag}）长达 {len(text)} 个字符，超过上限 {limit}",
            source=source,
            element=element.tag,
        )
    return text


def decode_photo(text: str, *, source: str = "") -> bytes:
    """Image bytes from the Base64 of `ZhaoPian` (line breaks and a data-URI prefix tolerated)."""
    compact = "".join(_DATA_URI_PREFIX.sub("", text).split())
    if not compact:
        return b""
    if len(compact) > (MAX_PHOTO_BYTES * 4) // 3 + 4:
        raise _photo_too_large(source)
    try:
        photo = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise LrmxError(
            "照片（ZhaoPian）不是有效的 Base64 编码", source=source, element=PHOTO_ELEMENT
        ) from None
    return check_photo(photo, source=source)


def _photo_too_large(source: str) -> LrmxError:
    limit_mb = MAX_PHOTO_BYTES // (1024 * 1024)
    return LrmxError(f"照片超过 {limit_mb} MB 上限", source=source, element=PHOTO_ELEMENT)


def check_photo(photo: bytes, *, source: str = "") -> bytes:
    """The photo bytes if they are a readable image within the size limit."""
    if len(photo) > MAX_PHOTO_BYTES:
        raise _photo_too_large(source)
    try:
        with Image.open(io.BytesIO(photo)) as image:
            image.verify()
    except Exception:  # Pillow raises many types (and bomb errors) for bad images
        raise LrmxError(
            "照片（ZhaoPian）不是可识别的图片文件", source=source, element=PHOTO_ELEMENT
        ) from None
    return photo


def _read_family(container: Element, source: str) -> list[FamilyMember]:
    items = list(container)
    if len(items) > MAX_FAMILY_MEMBERS:
        raise LrmxError(
            f"家庭主要成员及重要社会关系有 {len(items)} 项，超过上限 {MAX_FAMILY_MEMBERS} 项",
            source=source,
            element=FAMILY_ELEMENT,
        )
    family: list[FamilyMember] = []
    for number, item in enumerate(items, start=1):
        if item.tag != FAMILY_ITEM:
            raise LrmxError(
                f"家庭主要成员及重要社会关系（{FAMILY_ELEMENT}）只能包含 Item，"
                f"第 {number} 项却是 <{item.tag}>",
                source=source,
                element=FAMILY_ELEMENT,
            )
        member = FamilyMember()
        for child in item:
            known = _FAMILY_LEAVES.get(child.tag)
            if known is None:
                continue  # FamilyMember keeps no unknown children; see the module report
            attr, label = known
            value = _leaf_text(
                child, f"家庭成员第 {number} 项的{label}", source, limit=MAX_TEXT_CHARS
            )
            setattr(member, attr, value)
        family.append(member)
    return family


def read_lrmx(data: bytes, *, source: str = "") -> LrmxRecord:
    """One `Person` from the bytes of an `.lrmx` file; `source` names the file in messages."""
    if len(data) > MAX_FILE_BYTES:
        limit_mb = MAX_FILE_BYTES // (1024 * 1024)
        raise LrmxError(f"文件大小超过 {limit_mb} MB 上限，不是正常的任免审批表", source=source)
    if not data.strip():
        raise LrmxError("文件是空的", source=source)
    root = _parse_xml(_decode(data, source), source)
    if root.tag != ROOT_ELEMENT:
        raise LrmxError(
            f"根元素应为 <{ROOT_ELEMENT}>，实际是 <{root.tag}>，不是任免审批表（LRMX）文件",
            source=source,
        )

    record = LrmxRecord(version="")
    seen: set[str] = set()
    anchor = ""  # the last known element written back by the writer; unknowns follow it
    for child in root:
        name = child.tag
        if not isinstance(name, str):  # comments and processing instructions
            continue
        if name in seen and (name in _PERSON_LEAVES or name == FAMILY_ELEMENT):
            raise LrmxError(f"元素 <{name}> 出现了两次", source=source, element=name)
        seen.add(name)
        if name == FAMILY_ELEMENT:
            record.family = _read_family(child, source)
            anchor = name
        elif name in _PERSON_LEAVES:
            attr, label = _PERSON_LEAVES[name]
            if name == PHOTO_ELEMENT:
                raw = _leaf_text(child, label, source, limit=None)
                record.photo = decode_photo(raw, source=source)
            else:
                setattr(record, attr, _leaf_text(child, label, source, limit=MAX_TEXT_CHARS))
            # An empty optional element is not written back, so it cannot anchor unknowns.
            if not (name in _OPTIONAL_NAMES and not getattr(record, attr)):
                anchor = name
        else:
            record.unknown.append(UnknownElement(after=anchor, xml=_verbatim(child)))
    return record


def _verbatim(element: Element) -> str:
    """The element as XML text, without the whitespace that followed it in the source."""
    tail, element.tail = element.tail, None
    try:
        return tostring(element, encoding="unicode")
    finally:
        element.tail = tail


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """Chinese file names in zips from Windows are GBK without the UTF-8 flag; Python reads them
    as CP437, so undo that."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str, what: str = "文件"
) -> bytes:
    too_large = LrmxError(f"{what}大小超过 {limit // (1024 * 1024)} MB 上限", source=name)
    if info.flag_bits & 0x1:
        raise LrmxError(f"压缩包中的{what}有密码保护，无法读取", source=name)
    if info.file_size > limit:
        raise too_large
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)  # the header may lie about the size
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        raise LrmxError(f"压缩包中的{what}已损坏，无法解压", source=name) from None
    if len(data) > limit:
        raise too_large
    return data


_SKIPPED_PREFIXES = ("__MACOSX/",)
_PHOTO_SUFFIXES = (".pic", ".jpg", ".jpeg")


def read_lrmx_bundle(data: bytes, filename: str) -> list[tuple[str, LrmxRecord | LrmxError]]:
    """Every record in an uploaded `.lrmx`, `.lrm` or `.zip`, each with its file name.

    A bad file does not stop the others: its `LrmxError` takes its slot in the result.
    """
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".zip" or data.startswith(b"PK\x03\x04"):
        return _read_zip(data, filename)
    return [(filename, _read_single(data, None, filename))]


def _read_single(data: bytes, pic: bytes | None, name: str) -> LrmxRecord | LrmxError:
    from .lrm import read_lrm  # the .lrm reader uses this module's photo checks

    suffix = PurePosixPath(name.lower()).suffix
    try:
        if suffix == ".lrmx":
            return read_lrmx(data, source=name)
        if suffix == ".lrm":
            return read_lrm(data, pic, source=name)
    except LrmxError as error:
        return error.with_source(name)
    return LrmxError("不是任免审批表文件（应为 .lrmx 或 .lrm），未读取", source=name)


def _read_zip(data: bytes, filename: str) -> list[tuple[str, LrmxRecord | LrmxError]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return [(filename, LrmxError("压缩包已损坏或不是 zip 格式", source=filename))]
    with archive:
        files = [
            (_zip_member_name(info), info)
            for info in infos
            if not info.is_dir() and not info.filename.startswith(_SKIPPED_PREFIXES)
        ]
        files = [
            (name, info) for name, info in files if not PurePosixPath(name).name.startswith(".")
        ]
        if len(files) > MAX_BUNDLE_FILES:
            return [
                (filename, LrmxError(f"压缩包内文件超过 {MAX_BUNDLE_FILES} 个", source=filename))
            ]
        if sum(info.file_size for _, info in files) > MAX_BUNDLE_BYTES:
            limit_mb = MAX_BUNDLE_BYTES // (1024 * 1024)
            return [(filename, LrmxError(f"压缩包解压后超过 {limit_mb} MB", source=filename))]

        # A .lrm's photo is the file with the same path and a photo extension (cadres.md §1.6).
        photos = {
            str(PurePosixPath(name.lower()).with_suffix("")): info
            for name, info in files
            if PurePosixPath(name.lower()).suffix in _PHOTO_SUFFIXES
        }
        results: list[tuple[str, LrmxRecord | LrmxError]] = []
        for name, info in files:
            suffix = PurePosixPath(name.lower()).suffix
            if suffix in _PHOTO_SUFFIXES:
                continue
            try:
                content = _read_member(archive, info, MAX_FILE_BYTES, name)
                pic = None
                if suffix == ".lrm":
                    photo_info = photos.get(str(PurePosixPath(name.lower()).with_suffix("")))
                    if photo_info is not None:
                        pic = _read_member(archive, photo_info, MAX_PHOTO_BYTES, name, "照片")
            except LrmxError as error:
                results.append((name, error))
                continue
            results.append((name, _read_single(content, pic, name)))
    if not results:
        return [(filename, LrmxError("压缩包中没有 .lrmx 或 .lrm 文件", source=filename))]
    return results
