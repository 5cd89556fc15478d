"""The 简历 grammar of cadres.md §1.5: parse, format, check, round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zugong.cadres.lrmx import LrmxError, ResumeEntry, check_resume, format_resume, parse_resume

from .lrmx_samples import SAMPLE_RESUME_LINES

BOUNDED = settings(max_examples=200, deadline=None)


def test_sample_resume_parses_into_entries_with_during() -> None:
    entries = parse_resume("\r\n".join(SAMPLE_RESUME_LINES))
    assert [entry.start for entry in entries] == [
        (1996, 9),
        (2000, 7),
        (2004, 3),
        (2011, 6),
        (2019, 3),
    ]
    assert entries[0] == ResumeEntry((1996, 9), (2000, 7), "河北师范大学中文系汉语言文学专业学习")
    assert entries[2].during == [
        ResumeEntry((2005, 9), (2008, 7), "在中央党校函授学院经济管理专业在职大学学习")
    ]
    assert entries[-1].end is None
    assert entries[-1].text == "乐陵县人力资源和社会保障局党组书记、局长"
    assert check_resume(entries) == []


def test_format_resume_writes_the_file_layout() -> None:
    entries = [
        ResumeEntry((1996, 9), (2000, 7), "XX大学XX系XX专业学习"),
        ResumeEntry(
            (2000, 7),
            (2019, 3),
            "XX县XX局科员",
            during=[
                ResumeEntry((2003, 9), (2006, 7), "在XX大学XX专业在职研究生学习"),
                ResumeEntry((2010, 1), (2011, 1), "兼任XX协会秘书长"),
            ],
        ),
        ResumeEntry((2019, 3), None, "XX县XX局局长"),
    ]
    assert format_resume(entries).split("\n") == [
        "1996.09--2000.07  XX大学XX系XX专业学习",
        "2000.07--2019.03  XX县XX局科员",
        "（其间：2003.09--2006.07 在XX大学XX专业在职研究生学习；2010.01--2011.01 兼任XX协会秘书长）",
        "2019.03--         XX县XX局局长",
    ]


@pytest.mark.parametrize("separator", ["--", "—", "——", "－", "～", "~", "至", "-"])
def test_tolerated_separators(separator: str) -> None:
    entries = parse_resume(f"1996.09{separator}2000.07  XX大学学习")
    assert entries == [ResumeEntry((1996, 9), (2000, 7), "XX大学学习")]


def test_compact_months_and_spaces_around_the_separator() -> None:
    assert parse_resume("199609--200007  XX大学学习\n200007 -- 200101 XX局科员") == [
        ResumeEntry((1996, 9), (2000, 7), "XX大学学习"),
        ResumeEntry((2000, 7), (2001, 1), "XX局科员"),
    ]


@pytest.mark.parametrize(
    "line", ["2019.03--         XX局局长", "2019.03--至今  XX局局长", "2019.03至今 XX局局长"]
)
def test_current_post_has_no_end(line: str) -> None:
    assert parse_resume(line) == [ResumeEntry((2019, 3), None, "XX局局长")]


def test_continuation_lines_join_the_previous_entry() -> None:
    text = "2000.07--2004.03  XX县XX镇党政办科员、\r\n    团委书记\r\n\r\n2004.03--  XX局局长"
    assert parse_resume(text) == [
        ResumeEntry((2000, 7), (2004, 3), "XX县XX镇党政办科员、团委书记"),
        ResumeEntry((2004, 3), None, "XX局局长"),
    ]


def test_inline_during_and_the_期间_spelling() -> None:
    text = "2000.07--2010.03  XX局科员（期间：2003.09--2006.07 在XX大学学习;2007.01--2008.01 挂职）"
    assert parse_resume(text) == [
        ResumeEntry(
            (2000, 7),
            (2010, 3),
            "XX局科员",
            during=[
                ResumeEntry((2003, 9), (2006, 7), "在XX大学学习"),
                ResumeEntry((2007, 1), (2008, 1), "挂职"),
            ],
        )
    ]


def test_semicolon_inside_a_during_text_is_kept() -> None:
    text = "2000.07--2010.03  XX局科员\n(其间：2003.09--2006.07 在XX大学学习；获硕士学位)"
    entries = parse_resume(text)
    assert entries[0].during == [ResumeEntry((2003, 9), (2006, 7), "在XX大学学习；获硕士学位")]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("XX大学学习", "第 1 行"),
        ("（其间：2003.09--2006.07 在XX大学学习）", "前面没有所属的经历"),
        ("2000.13--2001.01  XX局", "月份 13 无效"),
        ("2000.01--2001.01  XX局\n（其间：在XX大学学习）", "其间内容应以起止年月开头"),
    ],
)
def test_parse_errors_name_the_line(text: str, fragment: str) -> None:
    with pytest.raises(LrmxError) as caught:
        parse_resume(text)
    assert "简历" in str(caught.value)
    assert fragment in str(caught.value)


def test_empty_resume() -> None:
    assert parse_resume("") == []
    assert parse_resume("\r\n  \r\n") == []
    assert format_resume([]) == ""


def test_check_resume_finds_every_kind_of_problem() -> None:
    entries = [
        ResumeEntry((2000, 7), (1999, 3), "倒置的经历"),
        ResumeEntry((2001, 1), None, "没写结束时间"),
        ResumeEntry((2002, 1), (2005, 1), "XX局科员"),
        ResumeEntry(
            (2004, 6),
            (2010, 1),
            "与上一条重叠",
            during=[
                ResumeEntry((2003, 1), (2005, 1), "早于所属经历"),
                ResumeEntry((2009, 1), None, "未结束"),
                ResumeEntry((2006, 1), (2005, 1), "其间倒置"),
            ],
        ),
    ]
    problems = check_resume(entries)
    assert len(problems) == 6
    assert "第 1 条" in problems[0] and "结束时间早于开始时间" in problems[0]
    assert "第 2 条" in problems[1] and "只有最后一条" in problems[1]
    assert "第 4 条" in problems[2] and "重叠" in problems[2]
    assert "早于所属经历" in problems[3] and "超出了所属经历" in problems[3]
    assert "未结束" in problems[4] and "超出了所属经历" in problems[4]
    assert "其间倒置" in problems[5] and "结束时间早于开始时间" in problems[5]


def test_check_resume_accepts_same_month_hand_over_and_open_during_of_current_post() -> None:
    entries = [
        ResumeEntry((2000, 7), (2004, 3), "XX镇科员"),
        ResumeEntry(
            (2004, 3), None, "XX局局长", during=[ResumeEntry((2020, 9), None, "兼任XX中心主任")]
        ),
    ]
    assert check_resume(entries) == []


# --- property tests: generated valid resumes survive format → parse ---

_TEXT_ALPHABET = "县局镇委科员长副主任学习大学干部书记党组办公室中心XYZabc123、，（）· "
_text = (
    st.text(alphabet=_TEXT_ALPHABET, min_size=1, max_size=30)
    .map(lambda value: " ".join(value.split()))
    # Entry texts start with a word, as in real files (a leading digit could read as the end).
    .filter(lambda value: value != "" and not value[0].isdigit() and value[0] not in "（）")
)


def _month_after(month: tuple[int, int], months: int) -> tuple[int, int]:
    index = month[0] * 12 + month[1] - 1 + months
    return index // 12, index % 12 + 1


@st.composite
def valid_resumes(draw: st.DrawFn) -> list[ResumeEntry]:
    count = draw(st.integers(0, 8))
    cursor = (draw(st.integers(1950, 2000)), draw(st.integers(1, 12)))
    entries: list[ResumeEntry] = []
    for number in range(count):
        start = cursor
        is_current = number == count - 1 and draw(st.booleans())
        end = None if is_current else _month_after(start, draw(st.integers(0, 60)))
        during: list[ResumeEntry] = []
        for _ in range(draw(st.integers(0, 2))):
            span_end = end or _month_after(start, 60)
            sub_start = _month_after(start, draw(st.integers(0, 6)))
            sub_end = _month_after(sub_start, draw(st.integers(0, 6)))
            if sub_end <= span_end:
                during.append(ResumeEntry(sub_start, sub_end, draw(_text)))
        entries.append(ResumeEntry(start, end, draw(_text), during))
        if end is not None:
            cursor = end
    return entries


@BOUNDED
@given(valid_resumes())
def test_resume_round_trip(entries: list[ResumeEntry]) -> None:
    assert parse_resume(format_resume(entries)) == entries
    assert check_resume(entries) == []


@BOUNDED
@given(valid_resumes())
def test_crlf_and_compact_months_parse_the_same(entries: list[ResumeEntry]) -> None:
    text = format_resume(entries).replace("\n", "\r\n")
    compact_lines = []
    for line in text.split("\r\n"):
        if line.startswith("（"):
            compact_lines.append(line)
        else:
            # 1996.09--2000.07 → 199609--200007 (rmb_helper's sample style).
            head, rest = line[:16], line[16:]
            compact_lines.append(head.replace(".", "") + rest)
    assert parse_resume(text) == entries
    assert parse_resume("\r\n".join(compact_lines)) == entries


@BOUNDED
@given(st.text(max_size=80))
def test_parse_resume_never_raises_anything_but_lrmx_error(text: str) -> None:
    try:
        entries = parse_resume(text)
    except LrmxError:
        return
    check_resume(entries)
