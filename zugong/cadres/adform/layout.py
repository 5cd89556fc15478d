"""The printed 干部任免审批表 without any output format: cell texts, grid and font sizes.

`adform_layout(record)` turns an `LrmxRecord` into two `FormTable`s laid out on the grids of
cadres.md §2 (column widths and exact row heights in twips). Each cell carries its paragraphs and
the font size chosen by `fit_font_size`, so the .docx and the PDF renderers only draw what this
module decided and both shrink long text the same way.

Row heights are exact on the official form, so text that is too long must get a smaller font.
The estimator measures text in em: CJK characters and full-width punctuation 1 em, ASCII
0.55 em (Times New Roman digits are 0.5 em, the digits of Noto Serif CJK used for the PDF measure
up to 0.56 em: the larger value keeps the estimate on the safe side for both outputs).

Decision on family members: the form has 7 member rows. When a record has more, the first 7 are
printed in file order and a note under the page-2 table says how many were left out
(`AdformLayout.notes`); nothing is silently dropped.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from zugong.cadres.lrmx.record import FamilyMember, LrmxRecord

# --- geometry (twips; 1 cm = 567 tw, 1 pt = 20 tw) -------------------------------------------

PAGE1_COLUMNS: tuple[int, ...] = (784, 236, 1305, 1063, 1302, 1315, 1330, 2058)
PAGE1_ROW_HEIGHTS: tuple[int, ...] = (709, 692, 680, 709, 346, 346, 346, 346, 709, 709, 709, 7133)
PAGE2_COLUMNS: tuple[int, ...] = (742, 1092, 1274, 1145, 535, 315, 469, 3849)
PAGE2_ROW_HEIGHTS: tuple[int, ...] = (1418, 1021, 1361, 646) + (697,) * 7 + (1332, 541, 2019)
# Page margins (top, right, bottom, left) of the two sections, cadres.md §2.
PAGE1_MARGINS_TW: tuple[int, int, int, int] = (629, 1134, 680, 1247)
PAGE2_MARGINS_TW: tuple[int, int, int, int] = (1588, 1134, 567, 1191)
TITLE = "干部任免审批表"
TITLE_PT = 24.0
TITLE_INDENT_TW = 2325  # ≈ 4.1 cm
TITLE_CELL_TW = 680  # 7 cells of ≈ 1.2 cm spread the characters evenly
PHOTO_WIDTH_CM = 3.63
PHOTO_HEIGHT_CM = 4.90

# Left/right padding inside every cell, the same in Word (tblCellMar) and CSS, so that the
# width the estimator uses is the width both outputs really have.
CELL_PADDING_TW = 57
BODY_PT = 14.0
LABEL_FLOOR_PT = 9.0
VALUE_FLOOR_PT = 7.0
SIZE_STEP_PT = 0.5
LINE_GAP_PT = 1.0  # line spacing = font size + 1 pt (rmb_helper's rule for the 简历)
ASCII_EM = 0.55
FAMILY_ROWS = 7

Align = Literal["left", "center", "right"]
VAlign = Literal["top", "center", "bottom"]
Role = Literal["label", "value", "photo"]


# --- the text-fitting estimator (pure) ---------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a cell. `lead` is the 简历 date column printed before the text."""

    text: str
    lead: str = ""
    hanging: bool = False  # the text starts at the hanging-indent position (简历)


@dataclass(frozen=True)
class Fit:
    size_pt: float
    lines: int
    fits: bool


def char_em(char: str) -> float:
    """Advance width of one character in em: wide/full-width (and CJK-ambiguous) 1, else 0.55."""
    if unicodedata.east_asian_width(char) in ("W", "F", "A"):
        return 1.0
    return ASCII_EM


# Characters that may not begin a line (they stay with the character before them) and ones
# that may not end a line: both Word and Pango apply these rules, so the estimate does too.
_NO_LINE_START = set("，。、；：！？）》」』】〕”’,.;:!?)]%")
_NO_LINE_END = set("（《「『【〔“‘([")
_ASCII_WORD = re.compile(r"[!-~]+")


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: ASCII words, single CJK characters, spaces; punctuation glued on."""
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        match = _ASCII_WORD.match(text, pos)
        piece = match.group(0) if match else text[pos]
        pos += len(piece)
        if tokens and (piece[0] in _NO_LINE_START or tokens[-1][-1] in _NO_LINE_END):
            tokens[-1] += piece
        else:
            tokens.append(piece)
    return tokens


def text_em(text: str) -> float:
    return sum(char_em(char) for char in text)


def wrapped_line_count(text: str, width_em: float) -> int:
    """Lines that `text` takes in a column `width_em` wide (greedy filling, at least 1)."""
    if width_em <= 0:  # no room at all: as many lines as characters
        return max(1, len(text))
    lines, used = 1, 0.0
    for token in _tokens(text):
        token_em = text_em(token)
        if used + token_em <= width_em + 1e-9:
            used += token_em
            continue
        if token.isspace():  # a space at the end of a line takes no room
            continue
        if token_em <= width_em:
            lines, used = lines + 1, token_em
            continue
        # A token longer than a whole line is broken character by character.
        for char in token:
            if used + char_em(char) > width_em + 1e-9:
                lines, used = lines + 1, 0.0
            used += char_em(char)
    return lines


def estimate_lines(
    paragraphs: Sequence[Paragraph], width_pt: float, size_pt: float, hanging_pt: float = 0.0
) -> int:
    """Total lines of `paragraphs` at `size_pt` in a cell whose text area is `width_pt` wide."""
    total = 0
    for paragraph in paragraphs:
        indent = hanging_pt if (paragraph.hanging or paragraph.lead) else 0.0
        total += wrapped_line_count(paragraph.text, (width_pt - indent) / size_pt)
    return total


def longest_line_em(paragraphs: Sequence[Paragraph]) -> float:
    return max((text_em(p.text) for p in paragraphs), default=0.0)


def fit_font_size(
    paragraphs: Sequence[Paragraph],
    *,
    width_pt: float,
    height_pt: float,
    nominal_pt: float = BODY_PT,
    floor_pt: float = VALUE_FLOOR_PT,
    wrap: bool = True,
    hanging_em: float = 0.0,
) -> Fit:
    """The largest size from `nominal_pt` down to `floor_pt` (0.5 pt steps) at which the text fits.

    Fitting means: all lines, each `size + 1 pt` high, within `height_pt`; with `wrap=False`
    (labels broken by hand) additionally no paragraph may wrap. When even the floor does not
    fit, the floor is returned with `fits=False`: the outputs cut the text at the cell edge and
    the caller warns.
    """
    size = nominal_pt
    while True:
        lines = estimate_lines(paragraphs, width_pt, size, hanging_em * size)
        single_lines = wrap or lines == len(paragraphs)
        if single_lines and lines * (size + LINE_GAP_PT) <= height_pt + 1e-9:
            return Fit(size, lines, True)
        if size - SIZE_STEP_PT < floor_pt - 1e-9:
            return Fit(size, lines, False)
        size -= SIZE_STEP_PT


# --- the form model ---------------------------------------------------------------------------


@dataclass
class FormCell:
    """One (possibly merged) cell: its place on the grid, its text and how it is typeset."""

    key: str
    col: int
    paragraphs: list[Paragraph]
    col_span: int = 1
    row_span: int = 1
    role: Role = "value"
    align: Align = "center"
    valign: VAlign = "center"
    nominal_pt: float = BODY_PT
    wrap: bool = True
    hanging_em: float = 0.0
    vertical: bool = False  # printed top to bottom (Word: tbRlV; PDF: one character per line)
    # Filled by `fit_table`:
    size_pt: float = BODY_PT
    fits: bool = True
    width_tw: int = 0
    height_tw: int = 0

    @property
    def line_pt(self) -> float:
        return self.size_pt + LINE_GAP_PT

    @property
    def hanging_pt(self) -> float:
        return self.hanging_em * self.size_pt

    @property
    def text(self) -> str:
        return "\n".join(p.lead + p.text for p in self.paragraphs)


@dataclass
class FormRow:
    height_tw: int
    cells: list[FormCell]  # only the cells that start in this row (HTML rowspan semantics)


@dataclass
class FormTable:
    columns_tw: tuple[int, ...]
    rows: list[FormRow]

    def cell(self, key: str) -> FormCell:
        for row in self.rows:
            for cell in row.cells:
                if cell.key == key:
                    return cell
        raise KeyError(key)


@dataclass
class AdformLayout:
    name: str
    page1: FormTable
    page2: FormTable
    photo: bytes | None
    photo_mime: str
    filled_by_line: str
    notes: list[str] = field(default_factory=list)  # printed under the page-2 table
    warnings: list[str] = field(default_factory=list)  # for the person who prints, not printed


# --- value formatting -------------------------------------------------------------------------

_MONTH = re.compile(r"^\s*(\d{4})[.\-/年]?(\d{1,2})(?:月)?(?:[.\-/]?\d{1,2}日?)?\s*$")


def parse_month(value: str) -> tuple[int, int] | None:
    """`199001`, `19900115`, `1990.01`, `1990-1`, `1990年1月` → (1990, 1); otherwise None."""
    text = value.strip()
    if re.fullmatch(r"\d{8}", text):
        text = text[:6]
    match = _MONTH.match(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if 1 <= month <= 12 else None


def format_month(value: str) -> str:
    """The form's `YYYY.MM`; text that is not a month is printed as it is."""
    parsed = parse_month(value)
    return f"{parsed[0]:04d}.{parsed[1]:02d}" if parsed else value.strip()


def format_party_joined(value: str) -> str:
    """入党时间: each `；`-separated part that is a month becomes `YYYY.MM` (`200108；民建`)."""
    parts = re.split(r"[；;]", value.strip())
    return "；".join(format_month(part) for part in parts if part.strip())


def reference_month(record: LrmxRecord, today: date | None = None) -> tuple[int, int]:
    """计算年龄时间, else 填表时间, else today (cadres.md §1.5)."""
    for value in (record.age_reference, record.filled_on):
        parsed = parse_month(value) if value else None
        if parsed:
            return parsed
    today = today or date.today()
    return (today.year, today.month)


def age_at(birth_month: str, reference: tuple[int, int]) -> int | None:
    """Whole years from the birth month to the reference month; None when unknown or negative."""
    birth = parse_month(birth_month) if birth_month else None
    if not birth:
        return None
    age = reference[0] - birth[0] - (1 if reference[1] < birth[1] else 0)
    return age if age >= 0 else None


# --- 简历 -------------------------------------------------------------------------------------

_RESUME_ENTRY = re.compile(
    r"^\s*(\d{4}\s*[.\-/年]?\s*\d{2})月?\s*(?:--|-|—+|－+|～|~|至)\s*"
    r"(?:(\d{4}\s*[.\-/年]?\s*\d{2})月?)?\s*(.*)$"
)
RESUME_HANGING_EM = 9.0  # "1996.09--2000.07" (16 × 0.55 em) + a gap


def resume_paragraphs(resume: str) -> tuple[list[Paragraph], bool]:
    """Entries as paragraphs with the date column split off; True when any line is dated.

    Lines starting with `（` (the `（其间：…）` sub-entries) start at the hanging position of their
    own; other undated lines continue the entry before them (wrapped text in the file). A resume
    without any dated line is free text: one paragraph per line, no hanging indent.
    """
    paragraphs: list[Paragraph] = []
    dated = False
    for raw in resume.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        match = _RESUME_ENTRY.match(line)
        if match:
            dated = True
            start = format_month(re.sub(r"\s", "", match.group(1)))
            end = format_month(re.sub(r"\s", "", match.group(2))) if match.group(2) else ""
            paragraphs.append(Paragraph(match.group(3).strip(), lead=f"{start}--{end}"))
        elif line.startswith(("（", "(")) or not dated:
            # A sub-entry, or free text before any dated entry: a paragraph of its own.
            paragraphs.append(Paragraph(line, hanging=True))
        else:
            previous = paragraphs[-1]
            paragraphs[-1] = Paragraph(previous.text + line, previous.lead, previous.hanging)
    if not dated:
        paragraphs = [Paragraph(p.text) for p in paragraphs]
    return paragraphs or [Paragraph("")], dated


# --- building the two tables ------------------------------------------------------------------


def _lines(*texts: str) -> list[Paragraph]:
    return [Paragraph(text) for text in texts]


def _text_paragraphs(value: str) -> list[Paragraph]:
    lines = [line.strip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _lines(*[line for line in lines if line]) or [Paragraph("")]


def _label(key: str, col: int, text: str, span: int = 1, rows: int = 1) -> FormCell:
    return FormCell(
        key=key, col=col, paragraphs=_lines(*text.split("\n")), col_span=span,
        row_span=rows, role="label", wrap=False,
    )  # fmt: skip


def _value(
    key: str, col: int, paragraphs: list[Paragraph], span: int = 1, rows: int = 1, **style: object
) -> FormCell:
    return FormCell(key=key, col=col, paragraphs=paragraphs, col_span=span, row_span=rows, **style)  # type: ignore[arg-type]


def _unique_lines(*texts: str) -> list[Paragraph]:
    """学历/学位 pairs: empty parts dropped, a school repeated for the degree printed once."""
    kept: list[str] = []
    for text in texts:
        text = text.strip()
        if text and text not in kept:
            kept.append(text)
    return _lines(*kept) or [Paragraph("")]


def _page1(record: LrmxRecord, reference: tuple[int, int]) -> FormTable:
    age = age_at(record.birth_month, reference)
    birth = [Paragraph(format_month(record.birth_month))]
    if age is not None:
        birth.append(Paragraph(f"（{age}岁）"))
    left = {"align": "left"}
    resume, dated = resume_paragraphs(record.resume)
    rows = [
        [
            _label("name_label", 0, "姓　名", span=2),
            _value("name", 2, _lines(record.name)),
            _label("gender_label", 3, "性　别"),
            _value("gender", 4, _lines(record.gender)),
            _label("birth_label", 5, "出生年月\n（岁）"),
            _value("birth", 6, birth),
            FormCell("photo", 7, [], row_span=4, role="photo"),
        ],
        [
            _label("ethnicity_label", 0, "民　族", span=2),
            _value("ethnicity", 2, _lines(record.ethnicity)),
            _label("native_place_label", 3, "籍　贯"),
            _value("native_place", 4, _lines(record.native_place)),
            _label("birthplace_label", 5, "出生地"),
            _value("birthplace", 6, _lines(record.birthplace)),
        ],
        [
            _label("party_label", 0, "入　党\n时　间", span=2),
            _value("party_joined", 2, _lines(format_party_joined(record.party_joined))),
            _label("work_label", 3, "参加工\n作时间"),
            _value("work_started", 4, _lines(format_month(record.work_started))),
            _label("health_label", 5, "健康状况"),
            _value("health", 6, _lines(record.health)),
        ],
        [
            _label("title_label", 0, "专业技\n术职务", span=2),
            _value("professional_title", 2, _lines(record.professional_title), span=2),
            _label("expertise_label", 4, "熟悉专业\n有何专长"),
            _value("expertise", 5, _text_paragraphs(record.expertise), span=2),
        ],
        [
            _label("education_label", 0, "学　历\n学　位", span=2, rows=4),
            _label("fulltime_label", 2, "全日制\n教　育", rows=2),
            _value(
                "fulltime",
                3,
                _unique_lines(record.fulltime_education, record.fulltime_degree),
                span=2,
                rows=2,
            ),
            _label("fulltime_school_label", 5, "毕业院校\n系及专业", rows=2),
            _value(
                "fulltime_school",
                6,
                _unique_lines(record.fulltime_education_school, record.fulltime_degree_school),
                span=2,
                rows=2,
                **left,
            ),
        ],
        [],
        [
            _label("parttime_label", 2, "在　职\n教　育", rows=2),
            _value(
                "parttime",
                3,
                _unique_lines(record.parttime_education, record.parttime_degree),
                span=2,
                rows=2,
            ),
            _label("parttime_school_label", 5, "毕业院校\n系及专业", rows=2),
            _value(
                "parttime_school",
                6,
                _unique_lines(record.parttime_education_school, record.parttime_degree_school),
                span=2,
                rows=2,
                **left,
            ),
        ],
        [],
        [
            _label("current_post_label", 0, "现任职务", span=3),
            _value("current_post", 3, _text_paragraphs(record.current_post), span=5, **left),
        ],
        [
            _label("proposed_post_label", 0, "拟任职务", span=3),
            _value("proposed_post", 3, _text_paragraphs(record.proposed_post), span=5, **left),
        ],
        [
            _label("proposed_removal_label", 0, "拟免职务", span=3),
            _value(
                "proposed_removal", 3, _text_paragraphs(record.proposed_removal), span=5, **left
            ),
        ],
        [
            _label("resume_label", 0, "简\n\n\n\n历"),
            _value(
                "resume",
                1,
                resume,
                span=7,
                align="left",
                valign="top",
                hanging_em=RESUME_HANGING_EM if dated else 0.0,
            ),
        ],
    ]
    return FormTable(
        PAGE1_COLUMNS,
        [FormRow(h, cells) for h, cells in zip(PAGE1_ROW_HEIGHTS, rows, strict=True)],
    )


def _family_row(index: int, member: FamilyMember | None, reference: tuple[int, int]) -> list:
    member = member or FamilyMember()
    age = age_at(member.birth_month, reference)
    prefix = f"family{index}_"
    return [
        _value(prefix + "relation", 1, _lines(member.relation)),
        _value(prefix + "name", 2, _lines(member.name)),
        _value(prefix + "age", 3, _lines("" if age is None else str(age))),
        _value(prefix + "political_status", 4, _lines(member.political_status), span=3),
        _value(prefix + "employer", 7, _text_paragraphs(member.employer_and_post), align="left"),
    ]


def _page2(record: LrmxRecord, reference: tuple[int, int]) -> FormTable:
    left = {"align": "left"}
    members: list[FamilyMember | None] = list(record.family[:FAMILY_ROWS])
    members += [None] * (FAMILY_ROWS - len(members))
    stamp = {"align": "right", "valign": "bottom"}
    rows: list[list[FormCell]] = [
        [
            _label("rewards_label", 0, "奖\n惩\n情\n况"),
            _value("rewards", 1, _text_paragraphs(record.rewards), span=7, **left),
        ],
        [
            _label("assessments_label", 0, "年核\n度结\n考果"),
            _value("assessments", 1, _text_paragraphs(record.assessments), span=7, **left),
        ],
        [
            _label("reason_label", 0, "任\n免\n理\n由"),
            _value("reason", 1, _text_paragraphs(record.reason), span=7, **left),
        ],
        [
            FormCell(
                "family_label",
                0,
                _lines(*"家庭主要成员及重要社会关系"),
                row_span=1 + FAMILY_ROWS,
                role="label",
                wrap=False,
                vertical=True,
            ),
            _label("family_relation_label", 1, "称　谓"),
            _label("family_name_label", 2, "姓　名"),
            _label("family_age_label", 3, "年　龄"),
            _label("family_political_label", 4, "政治面貌", span=3),
            _label("family_employer_label", 7, "工作单位及职务"),
        ],
        *[_family_row(i + 1, member, reference) for i, member in enumerate(members)],
        [
            _label("reporting_unit_label", 0, "呈\n报\n单\n位", rows=2),
            _value("reporting_unit", 1, _text_paragraphs(record.reporting_unit), span=7, **left),
        ],
        [_value("reporting_date", 1, _lines("年　　月　　日　　"), span=7, align="right")],
        [
            _label("approval_label", 0, "审意\n批　\n机　\n关见"),
            _value(
                "approval", 1, _lines("（盖章）　　", "年　　月　　日　　", ""), span=4, **stamp
            ),
            _label("administrative_label", 5, "行任\n政免\n机意\n关见", span=2),
            _value("administrative", 7, _lines("（盖章）　　", "年　　月　　日　　", ""), **stamp),
        ],
    ]
    return FormTable(
        PAGE2_COLUMNS,
        [FormRow(h, cells) for h, cells in zip(PAGE2_ROW_HEIGHTS, rows, strict=True)],
    )


def fit_table(table: FormTable) -> list[FormCell]:
    """Give every cell its width, height and font size; returns the cells that do not fit."""
    overflowing: list[FormCell] = []
    for row_index, row in enumerate(table.rows):
        for cell in row.cells:
            cell.width_tw = sum(table.columns_tw[cell.col : cell.col + cell.col_span])
            cell.height_tw = sum(
                r.height_tw for r in table.rows[row_index : row_index + cell.row_span]
            )
            if cell.role == "photo":
                continue
            fit = fit_font_size(
                cell.paragraphs,
                width_pt=(cell.width_tw - 2 * CELL_PADDING_TW) / 20,
                height_pt=cell.height_tw / 20,
                nominal_pt=cell.nominal_pt,
                floor_pt=LABEL_FLOOR_PT if cell.role == "label" else VALUE_FLOOR_PT,
                wrap=cell.wrap,
                hanging_em=cell.hanging_em,
            )
            cell.size_pt, cell.fits = fit.size_pt, fit.fits
            if not fit.fits:
                overflowing.append(cell)
    return overflowing


# --- the photo --------------------------------------------------------------------------------


def photo_for_print(data: bytes) -> tuple[bytes | None, str]:
    """The photo cropped to the cell's 3.63 : 4.90 aspect, with its MIME type; (None, "") if unusable.

    Cropping (centre, never stretching) keeps faces undistorted in both outputs, which place the
    image at the cell's fixed size.
    """
    if not data:
        return None, ""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            kind = image.format
            width, height = image.size
            target = PHOTO_WIDTH_CM / PHOTO_HEIGHT_CM
            if kind in ("JPEG", "PNG") and abs(width / height - target) < 0.01:
                return data, f"image/{kind.lower()}"
            if width / height > target:  # too wide: cut the sides
                new_width = round(height * target)
                box = ((width - new_width) // 2, 0, (width - new_width) // 2 + new_width, height)
            else:  # too tall: cut top and bottom equally
                new_height = round(width / target)
                box = (
                    0,
                    (height - new_height) // 2,
                    width,
                    (height - new_height) // 2 + new_height,
                )
            cropped = image.convert("RGB").crop(box)
            out = io.BytesIO()
            cropped.save(out, format="JPEG", quality=92)
            return out.getvalue(), "image/jpeg"
    except (UnidentifiedImageError, OSError, ValueError, ZeroDivisionError):
        return None, ""


# --- entry point ------------------------------------------------------------------------------

CELL_NAMES = {
    "resume": "简历",
    "rewards": "奖惩情况",
    "assessments": "年度考核结果",
    "reason": "任免理由",
    "current_post": "现任职务",
    "proposed_post": "拟任职务",
    "proposed_removal": "拟免职务",
    "expertise": "熟悉专业有何专长",
    "reporting_unit": "呈报单位",
    "fulltime_school": "全日制教育毕业院校系及专业",
    "parttime_school": "在职教育毕业院校系及专业",
}


def _cell_name(key: str) -> str:
    if key.startswith("family"):
        return "家庭主要成员及重要社会关系"
    return CELL_NAMES.get(key, key)


def adform_layout(record: LrmxRecord, *, today: date | None = None) -> AdformLayout:
    """Everything both outputs print for `record`, with the font size of every cell decided."""
    reference = reference_month(record, today)
    page1, page2 = _page1(record, reference), _page2(record, reference)
    overflowing = fit_table(page1) + fit_table(page2)
    photo, mime = photo_for_print(record.photo)
    who = record.name or "未命名人员"
    warnings = [
        f"{who}：“{_cell_name(cell.key)}”内容过多，字号缩到 {cell.size_pt:g} 磅仍放不下，"
        "超出部分打印不出来，请精简。"
        for cell in overflowing
    ]
    if record.photo and photo is None:
        warnings.append(f"{who}：照片无法识别（应为 JPEG 或 PNG 图像），表中照片位置留空。")
    notes = []
    omitted = len(record.family) - FAMILY_ROWS
    if omitted > 0:
        notes.append(f"注：另有 {omitted} 名家庭成员及重要社会关系未能列入本表。")
        warnings.append(
            f"{who}：家庭主要成员及重要社会关系共 {len(record.family)} 人，表中只有 "
            f"{FAMILY_ROWS} 行，后 {omitted} 人未列入表格（表下已注明）。"
        )
    return AdformLayout(
        name=record.name,
        page1=page1,
        page2=page2,
        photo=photo,
        photo_mime=mime,
        filled_by_line=f"填表人：{record.filled_by}",
        notes=notes,
        warnings=warnings,
    )
