"""Write an `LrmxRecord` as an `.lrmx` file the 中组部 editor opens (cadres.md §1.2–§1.4)."""

from __future__ import annotations

import base64
import re
from xml.sax.saxutils import escape

from .errors import LrmxError
from .record import (
    DEFAULT_VERSION,
    FAMILY_AFTER,
    FAMILY_ELEMENT,
    FAMILY_ELEMENTS,
    FAMILY_ITEM,
    OPTIONAL_ELEMENTS,
    PERSON_ELEMENTS,
    FamilyMember,
    LrmxRecord,
)

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
ROOT_ELEMENT = "Person"
VERSION_ELEMENT = "Version"
PHOTO_ELEMENT = "ZhaoPian"
# Characters XML 1.0 cannot carry at all (control characters other than tab and line breaks).
_ILLEGAL_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INDENT = "  "


def _element_order() -> list[tuple[str, str, str]]:
    """Person's children in writing order: §1.3 with the family container after RenMianLiYou.

    The post-2025 elements (§1.4) go just before `Version`: their official position is
    unconfirmed, readers that map children by position (ImgLocation, owip's template) then still
    find every 3.2 element where they expect it, readers that stop at an unknown name (LrmxToWord)
    have read all standard fields first, and `Version` stays the last element as in every known
    file. rmb_helper's upgrade also appends them at the end.
    """
    order: list[tuple[str, str, str]] = []
    for name, attr, label in PERSON_ELEMENTS:
        if name == VERSION_ELEMENT:
            order.extend(OPTIONAL_ELEMENTS)
        order.append((name, attr, label))
        if name == FAMILY_AFTER:
            order.append((FAMILY_ELEMENT, "family", "家庭主要成员及重要社会关系"))
    return order


_ORDER = _element_order()
_OPTIONAL_NAMES = {name for name, _, _ in OPTIONAL_ELEMENTS}


def _text(value: str, name: str, label: str) -> str:
    bad = _ILLEGAL_XML_CHARS.search(value)
    if bad is not None:
        raise LrmxError(
            f"{label}含有无法写入文件的控制字符（U+{ord(bad.group()):04X}）",
            element=name,
        )
    # Line breaks as CRLF, as the Windows editor writes them (the reader sees "\n" either way).
    return escape(value.strip()).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _leaf(name: str, value: str, label: str, depth: int) -> str:
    indent = _INDENT * depth
    text = _text(value, name, label)
    return f"{indent}<{name}>{text}</{name}>" if text else f"{indent}<{name} />"


def _family(members: list[FamilyMember]) -> list[str]:
    if not members:
        return [f"{_INDENT}<{FAMILY_ELEMENT} />"]
    lines = [f"{_INDENT}<{FAMILY_ELEMENT}>"]
    for number, member in enumerate(members, start=1):
        lines.append(f"{_INDENT * 2}<{FAMILY_ITEM}>")
        for name, attr, label in FAMILY_ELEMENTS:
            value = getattr(member, attr)
            lines.append(_leaf(name, value, f"家庭成员第 {number} 项的{label}", 3))
        lines.append(f"{_INDENT * 2}</{FAMILY_ITEM}>")
    lines.append(f"{_INDENT}</{FAMILY_ELEMENT}>")
    return lines


def write_lrmx(record: LrmxRecord) -> bytes:
    """The UTF-8 bytes (no BOM) of the record's `.lrmx` file.

    Empty values are empty elements; optional post-2025 elements appear only when filled; an
    empty `version` is written as `DEFAULT_VERSION`; unknown elements kept by the reader go back
    after the element they followed (those whose anchor is not a known element go last).
    """
    unknown_after: dict[str, list[str]] = {}
    for unknown in record.unknown:
        unknown_after.setdefault(unknown.after, []).append(unknown.xml)
    known_names = {""} | {name for name, _, _ in _ORDER}

    lines = [XML_DECLARATION, f"<{ROOT_ELEMENT}>"]
    lines.extend(_INDENT + xml for xml in unknown_after.get("", []))
    for name, attr, label in _ORDER:
        if name == FAMILY_ELEMENT:
            lines.extend(_family(record.family))
        elif name == PHOTO_ELEMENT:
            photo = base64.b64encode(record.photo).decode("ascii")
            lines.append(f"{_INDENT}<{name}>{photo}</{name}>" if photo else f"{_INDENT}<{name} />")
        elif name == VERSION_ELEMENT:
            lines.append(_leaf(name, record.version or DEFAULT_VERSION, label, 1))
        else:
            value = getattr(record, attr)
            if name in _OPTIONAL_NAMES and not value.strip():
                pass  # written only when the record has it
            else:
                lines.append(_leaf(name, value, label, 1))
        lines.extend(_INDENT + xml for xml in unknown_after.get(name, []))
    for anchor, xmls in unknown_after.items():
        if anchor not in known_names:
            lines.extend(_INDENT + xml for xml in xmls)
    lines.append(f"</{ROOT_ELEMENT}>")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
