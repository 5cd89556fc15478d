"""Value grammars of the LRMX file (cadres.md §1.5): months, 入党时间 and ages on the form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .errors import LrmxError

# Dates outside this range are typing errors, not people (grandparents of today's cadres included).
MIN_YEAR = 1800
MAX_YEAR = 2199

_MONTH_PATTERNS = (
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def parse_month(text: str, *, label: str = "日期") -> tuple[int, int] | None:
    """(year, month) from `YYYYMM`, `YYYYMMDD`, `YYYY.MM`, `YYYY.MM.DD` or `YYYY-MM`; None if empty.

    The day, when given, is checked but dropped: the form works in months.
    """
    value = text.strip()
    if not value:
        return None
    for pattern in _MONTH_PATTERNS:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        year, month = int(match["y"]), int(match["m"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise LrmxError(f"{label}“{value}”的年份 {year} 不在 {MIN_YEAR}—{MAX_YEAR} 之间")
        if not 1 <= month <= 12:
            raise LrmxError(f"{label}“{value}”的月份 {month} 无效，应为 1—12")
        day = match.groupdict().get("d")
        if day is not None:
            last_day = 28 if month == 2 and not _is_leap(year) else _DAYS_IN_MONTH[month - 1]
            if not 1 <= int(day) <= last_day:
                raise LrmxError(f"{label}“{value}”的日期 {int(day)} 日无效")
        return year, month
    raise LrmxError(
        f"{label}“{value}”不是有效的年月，应写作 YYYYMM（如 199001）或 YYYY.MM（如 1990.01）"
    )


def format_month(year: int, month: int, style: Literal["file", "form"] = "file") -> str:
    """`199001` for the file, `1990.01` for the printed form and the 简历 lines."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        raise LrmxError(f"年月 {year} 年 {month} 月无效")
    if style == "file":
        return f"{year:04d}{month:02d}"
    if style == "form":
        return f"{year:04d}.{month:02d}"
    raise ValueError(f"unknown month style {style!r}")


@dataclass
class PartyJoined:
    """入党时间 as written on the form: the CPC month (if a CPC member) and the other parties."""

    cpc_month: tuple[int, int] | None = None
    parties: list[str] = field(default_factory=list)


# Party names are separated by semicolons (the file's `；`), enumeration commas or parentheses
# in the variants of cadres.md §1.5; a date may be glued to a party name (`民建200108`).
_PARTY_SEPARATORS = re.compile(r"[；;、，,\s（）()]+")
_GLUED_DATE = re.compile(r"\d{4}(?:[.\-]?\d{1,2}){1,2}")


def parse_party_joined(text: str, *, label: str = "入党时间") -> PartyJoined:
    """Read every variant of 入党时间: `197204`, `1972.04`, `民盟`, `民建；民盟`, `200108；民建`,
    `民建2001.08`, `民建200108`, `（民盟、民建）`. Empty (群众) gives an empty value."""
    result = PartyJoined()
    for token in _PARTY_SEPARATORS.split(text.strip()):
        if not token:
            continue
        for piece in _split_glued_date(token):
            if piece[0].isdigit():
                month = parse_month(piece, label=label)
                if result.cpc_month is not None and month != result.cpc_month:
                    raise LrmxError(f"{label}“{text.strip()}”含有两个不同的入党时间")
                result.cpc_month = month
            elif piece not in result.parties:
                result.parties.append(piece)
    return result


def _split_glued_date(token: str) -> list[str]:
    """`民建2001.08` → [`民建`, `2001.08`]; digits not shaped like a month stay in the name."""
    match = _GLUED_DATE.search(token)
    if match is None:
        return [token]
    pieces = [token[: match.start()], match.group(), token[match.end() :]]
    return [piece for piece in pieces if piece]


def format_party_joined(value: PartyJoined) -> str:
    """The file form: `YYYYMM`, party names joined by `；`, or `YYYYMM；党派` for both."""
    parts: list[str] = []
    if value.cpc_month is not None:
        parts.append(format_month(*value.cpc_month))
    parts.extend(value.parties)
    return "；".join(parts)


def age_on(birth: tuple[int, int], reference: tuple[int, int]) -> int:
    """Age printed on the form: whole years from the birth month to the reference month
    (计算年龄时间), one less while the reference month is before the birth month (§1.5)."""
    years = reference[0] - birth[0]
    if reference[1] < birth[1]:
        years -= 1
    return years
