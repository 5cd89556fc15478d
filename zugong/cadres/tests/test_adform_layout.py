"""The pure part of the 任免审批表: text estimator, font fitting, values, ages, the two grids."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from zugong.cadres.adform import unique_filename
from zugong.cadres.adform.layout import (
    ASCII_EM,
    FAMILY_ROWS,
    PAGE1_COLUMNS,
    PAGE1_ROW_HEIGHTS,
    PAGE2_COLUMNS,
    PAGE2_ROW_HEIGHTS,
    PHOTO_HEIGHT_CM,
    PHOTO_WIDTH_CM,
    Paragraph,
    adform_layout,
    age_at,
    char_em,
    estimate_lines,
    fit_font_size,
    format_month,
    format_party_joined,
    photo_for_print,
    reference_month,
    resume_paragraphs,
    wrapped_line_count,
)
from zugong.cadres.lrmx.record import LrmxRecord
from zugong.cadres.tests.adform_samples import full_record, overfull_record, sample_photo

# --- estimator --------------------------------------------------------------------------------


def test_character_widths():
    assert char_em("中") == 1.0
    assert char_em("（") == 1.0 and char_em("，") == 1.0
    assert char_em("9") == ASCII_EM and char_em("a") == ASCII_EM


def test_cjk_line_exactly_full_fits_one_line_and_half_an_em_less_does_not():
    assert wrapped_line_count("中" * 10, 10.0) == 1
    assert wrapped_line_count("中" * 10, 9.99) == 2
    assert wrapped_line_count("中" * 21, 10.0) == 3


def test_closing_punctuation_never_starts_a_line():
    # 10 characters fill the line; the comma must take the 10th character with it.
    assert wrapped_line_count("中" * 10, 10.0) == 1
    assert wrapped_line_count("中" * 9 + "，", 10.0) == 1
    assert wrapped_line_count("中" * 10 + "，", 10.0) == 2


def test_ascii_words_are_not_broken():
    date_range = "2009.09--2011.07"  # 16 × 0.55 = 8.8 em
    assert wrapped_line_count(date_range, 8.8) == 1
    assert wrapped_line_count("中" + date_range, 9.8) == 1
    assert wrapped_line_count("中中" + date_range, 9.8) == 2  # the word moves as a whole


def test_a_word_longer_than_the_line_is_cut():
    assert wrapped_line_count("A" * 40, 11.0) == 2  # 22 em in an 11 em column
    assert wrapped_line_count("", 5.0) == 1


def test_hanging_paragraphs_wrap_in_the_narrower_column():
    paragraph = Paragraph("中" * 20, lead="1996.09--2000.07")
    # 30 em wide at 10 pt = 300 pt; minus a 90 pt hanging indent leaves 21 em: one line.
    assert estimate_lines([paragraph], 300, 10, hanging_pt=90) == 1
    assert estimate_lines([paragraph], 300, 10, hanging_pt=110) == 2
    assert estimate_lines([Paragraph("中" * 20)], 300, 10, hanging_pt=110) == 1


def test_fit_keeps_the_nominal_size_when_the_lines_just_fit():
    three = [Paragraph("中")] * 3
    fit = fit_font_size(three, width_pt=100, height_pt=3 * 15)  # 3 lines × (14 + 1) pt
    assert (fit.size_pt, fit.lines, fit.fits) == (14.0, 3, True)


def test_fit_steps_down_half_a_point_when_one_hair_is_missing():
    three = [Paragraph("中")] * 3
    fit = fit_font_size(three, width_pt=100, height_pt=3 * 15 - 0.01)
    assert (fit.size_pt, fit.fits) == (13.5, True)


def test_fit_stops_at_the_floor_and_says_it_does_not_fit():
    fit = fit_font_size([Paragraph("中")] * 10, width_pt=100, height_pt=30, floor_pt=7.0)
    assert (fit.size_pt, fit.fits) == (7.0, False)
    fit = fit_font_size([Paragraph("中")] * 10, width_pt=100, height_pt=80, floor_pt=7.0)
    assert (fit.size_pt, fit.fits) == (7.0, True)  # 10 × 8 pt = 80 pt: exactly at the floor


def test_labels_shrink_instead_of_wrapping():
    label = [Paragraph("政治面貌")]
    assert fit_font_size(label, width_pt=56, height_pt=40, wrap=False).size_pt == 14.0
    assert fit_font_size(label, width_pt=55.9, height_pt=40, wrap=False).size_pt == 13.5
    # Allowed to wrap, the same label stays at 14 pt on two lines.
    assert fit_font_size(label, width_pt=55.9, height_pt=40).size_pt == 14.0


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("199001", "1990.01"),
        ("19900115", "1990.01"),
        ("1990.01", "1990.01"),
        ("1990-1", "1990.01"),
        ("199013", "199013"),  # not a month: printed as it is
        ("民盟", "民盟"),
        ("", ""),
    ],
)
def test_format_month(value, printed):
    assert format_month(value) == printed


def test_party_joined_keeps_the_party_after_the_month():
    assert format_party_joined("200108；民建") == "2001.08；民建"
    assert format_party_joined("民建；民盟") == "民建；民盟"


def test_age_is_one_less_before_the_birth_month():
    assert age_at("197805", (2025, 5)) == 47
    assert age_at("197805", (2025, 4)) == 46
    assert age_at("19780531", (2025, 5)) == 47
    assert age_at("", (2025, 5)) is None
    assert age_at("未知", (2025, 5)) is None


def test_reference_date_falls_back_to_the_fill_date_then_today():
    record = LrmxRecord(age_reference="20240315", filled_on="20250101")
    assert reference_month(record) == (2024, 3)
    record.age_reference = ""
    assert reference_month(record) == (2025, 1)
    record.filled_on = ""
    assert reference_month(record, today=date(2026, 7, 1)) == (2026, 7)


# --- 简历 -------------------------------------------------------------------------------------


def test_resume_lines_become_entries_with_a_date_column():
    paragraphs, dated = resume_paragraphs(
        "199609--200007  XX大学学习\r\n"
        "2000.07--2019.03  XX局科员\r\n"
        "（其间：2003.09--2006.07在XX大学在职学习）\r\n"
        "2019.03--         XX局局长，兼任\r\n"
        "XX办主任"
    )
    assert dated
    assert paragraphs[0] == Paragraph("XX大学学习", lead="1996.09--2000.07")
    assert paragraphs[2] == Paragraph("（其间：2003.09--2006.07在XX大学在职学习）", hanging=True)
    assert paragraphs[3] == Paragraph("XX局局长，兼任XX办主任", lead="2019.03--")
    assert len(paragraphs) == 4


def test_free_text_resume_has_no_hanging_indent():
    paragraphs, dated = resume_paragraphs("自述一\n自述二")
    assert not dated
    assert paragraphs == [Paragraph("自述一"), Paragraph("自述二")]


# --- the whole form ---------------------------------------------------------------------------


def test_grids_and_row_heights_are_those_of_the_official_form():
    layout = adform_layout(full_record())
    assert layout.page1.columns_tw == PAGE1_COLUMNS and sum(PAGE1_COLUMNS) == 9393
    assert [row.height_tw for row in layout.page1.rows] == list(PAGE1_ROW_HEIGHTS)
    assert layout.page2.columns_tw == PAGE2_COLUMNS and sum(PAGE2_COLUMNS) == 9421
    assert [row.height_tw for row in layout.page2.rows] == list(PAGE2_ROW_HEIGHTS)
    # Every row covers the full grid exactly once (row spans included).
    for table in (layout.page1, layout.page2):
        covered = [[0] * len(table.columns_tw) for _ in table.rows]
        for index, row in enumerate(table.rows):
            for cell in row.cells:
                for r in range(index, index + cell.row_span):
                    for c in range(cell.col, cell.col + cell.col_span):
                        covered[r][c] += 1
        assert all(count == 1 for row in covered for count in row)


def test_full_record_texts_and_ages():
    layout = adform_layout(full_record())
    assert layout.page1.cell("birth").text == "1978.05\n（47岁）"
    assert layout.page1.cell("party_joined").text == "1999.12"
    assert layout.page1.cell("fulltime").text == "大学\n法学学士"
    assert "南京大学商学院" in layout.page1.cell("parttime_school").text
    assert layout.page2.cell("family1_name").text == "王雪梅"
    assert layout.page2.cell("family1_age").text == "45"  # 198003 at 2025.06
    assert layout.page2.cell("family6_name").text == ""  # empty rows stay on the form
    assert layout.page1.cell("resume").size_pt <= 14.0 and layout.page1.cell("resume").fits
    assert layout.filled_by_line == "填表人：赵小燕"
    assert layout.notes == [] and layout.warnings == []


def test_overfull_record_shrinks_warns_and_notes_left_out_members():
    layout = adform_layout(overfull_record())
    resume = layout.page1.cell("resume")
    assert resume.size_pt == 7.0 and not resume.fits
    rewards = layout.page2.cell("rewards")
    assert rewards.size_pt < 14.0 and rewards.fits
    assert layout.page2.cell(f"family{FAMILY_ROWS}_name").text == "成员7"
    assert layout.notes == ["注：另有 3 名家庭成员及重要社会关系未能列入本表。"]
    assert any("“简历”内容过多" in warning for warning in layout.warnings)
    assert any("共 10 人" in warning for warning in layout.warnings)


def test_photo_is_cropped_to_the_cell_aspect_and_bad_bytes_are_reported():
    wide = sample_photo(800, 460)
    data, mime = photo_for_print(wide)
    assert mime == "image/jpeg"
    with Image.open(io.BytesIO(data)) as image:
        assert abs(image.width / image.height - PHOTO_WIDTH_CM / PHOTO_HEIGHT_CM) < 0.01
    png = sample_photo(363, 490, fmt="PNG")
    assert photo_for_print(png) == (png, "image/png")  # right aspect: kept as it is
    record = full_record()
    record.photo = b"not an image"
    layout = adform_layout(record)
    assert layout.photo is None
    assert any("照片无法识别" in warning for warning in layout.warnings)


def test_unique_filenames():
    used: set[str] = set()
    assert unique_filename("李明华", used) == "李明华.docx"
    assert unique_filename("李明华", used) == "李明华(2).docx"
    assert unique_filename("李 明/华", used) == "李明_华.docx"
    assert unique_filename("", used) == "未命名.docx"
