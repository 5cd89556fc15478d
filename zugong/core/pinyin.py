"""Pinyin keys for name search (全拼 and 首字母).

Surnames are read from a table because pypinyin's default reading of a lone
character is often wrong for surnames (单 shan, not dan; 曾 zeng, not ceng).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from itertools import groupby
from typing import Literal

from django.db.models import Q
from pypinyin import Style, lazy_pinyin

# Compound (复姓) surnames. 单于 is deliberately absent: "单" + given name "于"
# is far more common today than the historic compound.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "尉迟", "令狐", "皇甫", "东方", "慕容", "长孙",
        "宇文", "公孙", "夏侯", "端木", "万俟", "澹台", "司徒", "司空", "轩辕", "呼延",
        "钟离", "闻人", "申屠", "西门", "南宫", "百里", "东郭", "公羊", "赫连", "淳于",
        "太史", "濮阳", "拓跋", "独孤", "鲜于", "左丘", "第五", "仲孙", "羊舌", "梁丘",
        "谷梁", "乐正", "漆雕", "壤驷", "公冶", "太叔", "宰父", "巫马", "颛孙", "子车",
        "亓官", "司寇", "夹谷", "公良", "东门", "公西", "微生", "段干",
    }
)  # fmt: skip

# Surname readings (syllables separated by a space) where they differ from, or
# are ambiguous in, the everyday reading pypinyin would pick.
SURNAME_PINYIN: dict[str, str] = {
    "单": "shan", "曾": "zeng", "区": "ou", "仇": "qiu", "解": "xie", "查": "zha",
    "朴": "piao", "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "翟": "zhai",
    "员": "yun", "召": "shao", "繁": "po", "种": "chong", "秘": "bi", "折": "she",
    "黑": "he", "重": "chong", "隗": "wei", "句": "gou", "燕": "yan", "华": "hua",
    "任": "ren", "沈": "shen", "薄": "bo", "宁": "ning", "葛": "ge", "柏": "bai",
    "阚": "kan", "应": "ying", "哈": "ha", "牟": "mou", "能": "nai", "蕃": "pi",
    "射": "ye", "卜": "bu", "长": "chang", "藏": "zang", "都": "du", "角": "jue",
    "佴": "nai", "粘": "nian", "郗": "xi", "祭": "zhai", "尉": "wei", "车": "che",
    "褚": "chu", "冼": "xian", "洗": "xian", "逄": "pang", "訾": "zi", "谌": "chen",
    "莘": "shen", "纪": "ji", "费": "fei", "宓": "mi", "相": "xiang", "曲": "qu",
    "尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun", "澹台": "tan tai",
    "乐正": "yue zheng", "子车": "zi ju", "皇甫": "huang fu", "令狐": "ling hu",
}  # fmt: skip

# Separators seen in minority and foreign names, all dropped.
_DOTS = frozenset("·・•‧∙･.．")


def _is_han(ch: str) -> bool:
    # CJK Unified Ideographs and extensions, plus 〇.
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x3134F
        or 0xF900 <= cp <= 0xFAFF
        or ch == "〇"
    )


def _clean(name: str) -> str:
    # NFKC folds full-width letters/digits (Ｌｉ２) to ASCII.
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(
        ch for ch in text if ch not in _DOTS and not ch.isspace() and (_is_han(ch) or ch.isalnum())
    )


@lru_cache(maxsize=65536)
def _han_syllables(text: str) -> tuple[str, ...]:
    # Names repeat a lot in a register; pypinyin is the costliest step of an import.
    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.NORMAL))


def _split_surname(name: str, table: Mapping[str, str]) -> tuple[list[str], str]:
    """Return (surname syllables, rest of the name)."""
    if not name or not _is_han(name[0]):
        return [], name
    longest = max((len(k) for k in table), default=1)
    for size in range(min(longest, len(name)), 0, -1):
        reading = table.get(name[:size])
        if reading is not None:
            return reading.lower().split(), name[size:]
    if len(name) >= 2 and name[:2] in COMPOUND_SURNAMES:
        return list(_han_syllables(name[:2])), name[2:]
    # Read the surname alone so a phrase with the given name cannot change it.
    return list(_han_syllables(name[0])), name[1:]


def _tokens(name: str, overrides: Mapping[str, str] | None) -> list[tuple[str, bool]]:
    """(token, is_pinyin_syllable) pairs; non-Han runs are one token each."""
    table: Mapping[str, str] = {**SURNAME_PINYIN, **overrides} if overrides else SURNAME_PINYIN
    cleaned = _clean(name)
    surname, rest = _split_surname(cleaned, table)
    tokens: list[tuple[str, bool]] = [(s, True) for s in surname]
    # Feed pypinyin whole Han runs so its phrase table applies within the given name.
    for is_han, chars in groupby(rest, key=_is_han):
        run = "".join(chars)
        if is_han:
            tokens.extend((s, True) for s in _han_syllables(run))
        else:
            tokens.append((run.lower(), False))
    return tokens


def name_pinyin(name: str, overrides: Mapping[str, str] | None = None) -> str:
    """Full pinyin, no tones or separators: 张三 → "zhangsan"."""
    return "".join(tok for tok, _ in _tokens(name, overrides))


def name_initials(name: str, overrides: Mapping[str, str] | None = None) -> str:
    """First letter of each syllable: 尉迟恭 → "ycg"; non-Han text kept whole."""
    return "".join(tok[0] if is_syllable else tok for tok, is_syllable in _tokens(name, overrides))


def fold_query(q: str) -> str:
    """What a search box query means: full-width folded (NFKC), whitespace dropped."""
    return "".join(unicodedata.normalize("NFKC", q or "").split())


def classify_query(q: str) -> Literal["pinyin", "digits", "text"]:
    """Route a search box query to the pinyin, id/phone number or plain-text lookup.

    Whitespace is ignored and full-width characters are folded (NFKC), as a
    Chinese IME may type "１３８"; the caller should fold the query the same way.
    """
    compact = fold_query(q)
    if not compact:
        return "text"
    body = compact[:-1] if compact[-1] in "xX" else compact
    if body and all(ch in "0123456789" for ch in body):
        return "digits"
    if compact.isascii() and compact.isalpha():
        return "pinyin"
    return "text"


def person_search_q(
    q: str,
    *,
    id_tail_field: str | None = "id_number_reversed",
    text_fields: tuple[str, ...] = ("name",),
) -> Q:
    """A register's search box: the name by characters, full pinyin or initials (prefix), or the
    公民身份号码 (15 digits or more: the whole number; fewer: its last digits). The tail is a prefix
    of the reversed number where the register keeps one (indexed), else a suffix match."""
    q = fold_query(q)
    kind = classify_query(q)
    if kind == "pinyin":
        q = q.lower()
        return Q(name_initials__startswith=q) | Q(name_pinyin__startswith=q)
    if kind == "digits":
        q = q.upper()
        if len(q) >= 15:
            return Q(id_number=q)
        if id_tail_field:
            return Q(**{f"{id_tail_field}__startswith": q[::-1]})
        return Q(id_number__endswith=q)
    found = Q()
    for name in text_fields:
        found |= Q(**{f"{name}__contains": q})
    return found
