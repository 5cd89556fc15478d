"""The 简历 (JianLi) grammar of cadres.md §1.5: one dated line per post, 其间 sub-entries.

A file line looks like `1996.09--2000.07  XX大学XX系XX专业学习`; the current post leaves the end
blank (`2019.03--         XX县XX局局长`); 在职学习 and 兼任 follow in parentheses, inline or on
their own line: `（其间：2003.09--2006.07 在XX大学XX专业在职研究生学习）`, several joined by `；`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import LrmxError
from .values import format_month

Month = tuple[int, int]

_MONTH = r"\d{4}\.\d{1,2}|\d{6}"
# Longest separators first so `--` is not read as two `-`; 至今 / 今 as the end mean "current".
_DATED = re.compile(
    rf"\s*(?P<start>{_MONTH})\s*(?P<sep>--|—+|－+|～|~|至|-)\s*"
    rf"(?P<end>{_MONTH}|至今|今)?\s*(?P<text>.*)",
    re.DOTALL,
)
_DURING_LINE = re.compile(r"\s*[（(](?:其间|期间)[：:](?P<body>.*)[）)]\s*")
_DURING_INLINE = re.compile(
    r"(?P<head>.*?)\s*[（(](?:其间|期间)[：:](?P<body>.*)[）)]\s*", re.DOTALL
)
_DURING_SEPARATOR = re.compile(r"[；;]")
# The blank end of the current post is as wide as a month, so the texts of all lines align.
_OPEN_END = " " * len("0000.00")


@dataclass
class ResumeEntry:
    start: Month
    end: Month | None
    text: str
    during: list[ResumeEntry] = field(default_factory=list)


def _month(value: str, line_number: int, line: str) -> Month:
    if "." in value:
        year_text, month_text = value.split(".")
    else:
        year_text, month_text = value[:4], value[4:]
    year, month = int(year_text), int(month_text)
    if not 1 <= month <= 12:
        raise LrmxError(
            f"简历第 {line_number} 行“{line.strip()}”的月份 {month} 无效", element="JianLi"
        )
    return year, month


def _dated(text: str, line_number: int, line: str) -> ResumeEntry | None:
    match = _DATED.fullmatch(text)
    if match is None:
        return None
    start = _month(match["start"], line_number, line)
    end_text = match["end"]
    end = None if end_text in (None, "至今", "今") else _month(end_text, line_number, line)
    return ResumeEntry(start=start, end=end, text=match["text"].strip())


def _parse_during(body: str, line_number: int, line: str) -> list[ResumeEntry]:
    entries: list[ResumeEntry] = []
    for piece in _DURING_SEPARATOR.split(body):
        entry = _dated(piece.strip(), line_number, line)
        if entry is not None:
            entries.append(entry)
        elif entries:
            # A `；` inside the text of a sub-entry, not a new sub-entry.
            entries[-1].text = f"{entries[-1].text}；{piece.strip()}"
        elif piece.strip():
            raise LrmxError(
                f"简历第 {line_number} 行“{line.strip()}”的其间内容应以起止年月开头",
                element="JianLi",
            )
    return entries


def parse_resume(text: str) -> list[ResumeEntry]:
    """Structured entries from the 简历 text (CRLF or LF lines, blank lines ignored)."""
    entries: list[ResumeEntry] = []
    for line_number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        during = _DURING_LINE.fullmatch(line)
        if during is not None:
            if not entries:
                raise LrmxError(
                    f"简历第 {line_number} 行“{line.strip()}”是其间内容，但前面没有所属的经历",
                    element="JianLi",
                )
            entries[-1].during.extend(_parse_during(during["body"], line_number, line))
            continue
        entry = _dated(line, line_number, line)
        if entry is None:
            if not entries:
                raise LrmxError(
                    f"简历第 {line_number} 行“{line.strip()}”应以起止年月开头"
                    "（如 1996.09--2000.07  XX大学学习）",
                    element="JianLi",
                )
            # Text wrapped onto the next line belongs to the previous entry.
            entries[-1].text += line.strip()
            continue
        inline = _DURING_INLINE.fullmatch(entry.text)
        if inline is not None:
            entry.text = inline["head"].strip()
            entry.during = _parse_during(inline["body"], line_number, line)
        entries.append(entry)
    return entries


def _range(entry: ResumeEntry) -> str:
    end = format_month(*entry.end, style="form") if entry.end else ""
    return f"{format_month(*entry.start, style='form')}--{end}"


def format_resume(entries: list[ResumeEntry]) -> str:
    """The file text, lines joined by "\\n" (the writer turns them into CRLF)."""
    lines: list[str] = []
    for entry in entries:
        end = format_month(*entry.end, style="form") if entry.end else _OPEN_END
        lines.append(f"{format_month(*entry.start, style='form')}--{end}  {entry.text}")
        if entry.during:
            body = "；".join(f"{_range(sub)} {sub.text}" for sub in entry.during)
            lines.append(f"（其间：{body}）")
    return "\n".join(lines)


def _label(number: int, entry: ResumeEntry) -> str:
    return f"第 {number} 条简历“{_range(entry)} {entry.text}”"


def check_resume(entries: list[ResumeEntry]) -> list[str]:
    """Problems a reviewer must fix: reversed dates, overlaps, an open end before the last entry,
    其间 entries outside their parent's period. A same-month hand-over is not an overlap."""
    problems: list[str] = []
    previous: ResumeEntry | None = None
    for number, entry in enumerate(entries, start=1):
        label = _label(number, entry)
        if entry.end is not None and entry.end < entry.start:
            problems.append(f"{label}的结束时间早于开始时间")
        if entry.end is None and number != len(entries):
            problems.append(f"{label}没有结束时间，只有最后一条（现任职务）可以不写结束时间")
        if previous is not None and previous.end is not None and entry.start < previous.end:
            problems.append(f"{label}的开始时间早于上一条的结束时间，两段经历重叠")
        for sub in entry.during:
            sub_label = f"{label}的其间经历“{_range(sub)} {sub.text}”"
            if sub.end is not None and sub.end < sub.start:
                problems.append(f"{sub_label}的结束时间早于开始时间")
            starts_before = sub.start < entry.start
            ends_after = entry.end is not None and (sub.end is None or sub.end > entry.end)
            if starts_before or ends_after:
                problems.append(f"{sub_label}超出了所属经历的起止时间")
        previous = entry
    return problems
