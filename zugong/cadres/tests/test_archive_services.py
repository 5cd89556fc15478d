"""Archive services: each validation at its boundary, the derived fields, and what is written."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zugong.cadres import archive_services as svc
from zugong.cadres.archive_services import FamilyInput, PostInput, ResumeInput
from zugong.cadres.models import (
    AnnualAssessment,
    AssessmentGrade,
    Cadre,
    FamilyMember,
    PostHolding,
    PostLevel,
    Rank,
    ResumeEntry,
)
from zugong.cadres.unit_services import create_post
from zugong.conftest import make_member, valid_id

BIRTH = date(1985, 3, 1)


@pytest.fixture
def cadre(unit_tree, users) -> Cadre:
    return svc.create_cadre(
        actor=users["cadre_officer"],
        name="王小明",
        gender="男",
        id_number=valid_id(BIRTH),
        birth_date=BIRTH,
        unit=unit_tree.town_a,
        work_started_on=date(2007, 7, 1),
    )


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- the cadre ---------------------------------------------------------------------------------


def test_create_cadre_derives_pinyin_and_records_the_actor(cadre, users):
    assert cadre.name_pinyin == "wangxiaoming" and cadre.name_initials == "wxm"
    assert cadre.unit_path == cadre.unit.path
    assert cadre.history.first().history_user == users["cadre_officer"]


def test_id_number_check_digit_is_refused(unit_tree, users):
    good = valid_id(BIRTH)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        svc.create_cadre(
            actor=None,
            name="甲",
            gender="男",
            id_number=bad,
            birth_date=BIRTH,
            unit=unit_tree.town_a,
        )
    assert "公民身份号码" in messages_of(exc) and "校验位" in messages_of(exc)
    assert not Cadre.objects.exists()


def test_birth_date_must_agree_with_id_number(unit_tree):
    with pytest.raises(ValidationError) as exc:
        svc.create_cadre(
            actor=None,
            name="甲",
            gender="男",
            id_number=valid_id(BIRTH),
            birth_date=date(1985, 3, 2),
            unit=unit_tree.town_a,
        )
    assert "出生日期" in messages_of(exc)


def test_gender_must_agree_with_id_number(unit_tree):
    with pytest.raises(ValidationError) as exc:
        svc.create_cadre(
            actor=None,
            name="甲",
            gender="女",
            id_number=valid_id(BIRTH, male=True),
            birth_date=BIRTH,
            unit=unit_tree.town_a,
        )
    assert "性别" in messages_of(exc)


def test_same_id_number_twice_names_the_other_archive(cadre, unit_tree):
    with pytest.raises(ValidationError) as exc:
        svc.create_cadre(
            actor=None,
            name="乙",
            gender="男",
            id_number=cadre.id_number,
            birth_date=BIRTH,
            unit=unit_tree.town_a,
        )
    assert "王小明" in messages_of(exc)


def test_unit_outside_the_actors_scope_is_refused(unit_tree, users):
    with pytest.raises(ValidationError) as exc:
        svc.create_cadre(
            actor=users["leader"],  # anchored at 城关镇
            name="甲",
            gender="男",
            id_number=valid_id(BIRTH),
            birth_date=BIRTH,
            unit=unit_tree.town_b,
        )
    assert "河口镇" in messages_of(exc)


def test_member_with_the_same_id_number_is_linked(tree, unit_tree):
    member = make_member(tree.branch_a1, "李四", birth=date(1980, 5, 1))
    cadre = svc.create_cadre(
        actor=None,
        name="李四",
        gender="男",
        id_number=member.id_number,
        birth_date=date(1980, 5, 1),
        unit=unit_tree.town_a,
    )
    assert cadre.member_id == member.pk


# --- 简历 ---------------------------------------------------------------------------------------


def test_resume_same_month_hand_over_is_fine(cadre):
    svc.replace_resume(
        actor=None,
        cadre=cadre,
        entries=[
            ResumeInput(date(2003, 9, 1), date(2007, 7, 1), "某大学学习"),
            ResumeInput(date(2007, 7, 1), None, "城关镇科员"),
        ],
    )
    assert ResumeEntry.objects.filter(cadre=cadre).count() == 2


def test_resume_overlapping_main_entries_are_refused(cadre):
    with pytest.raises(ValidationError) as exc:
        svc.replace_resume(
            actor=None,
            cadre=cadre,
            entries=[
                ResumeInput(date(2003, 9, 1), date(2007, 8, 1), "某大学学习"),
                ResumeInput(date(2007, 7, 1), None, "城关镇科员"),
            ],
        )
    text = messages_of(exc)
    assert "简历" in text and "重叠" in text and "某大学学习" in text
    assert not ResumeEntry.objects.filter(cadre=cadre).exists()


def test_resume_open_entry_followed_by_another_overlaps(cadre):
    with pytest.raises(ValidationError):
        svc.replace_resume(
            actor=None,
            cadre=cadre,
            entries=[
                ResumeInput(date(2003, 9, 1), None, "甲"),
                ResumeInput(date(2007, 7, 1), None, "乙"),
            ],
        )


def test_resume_end_before_start_names_the_entry(cadre):
    with pytest.raises(ValidationError) as exc:
        svc.replace_resume(
            actor=None,
            cadre=cadre,
            entries=[ResumeInput(date(2007, 7, 1), date(2007, 6, 1), "城关镇科员")],
        )
    assert "截止年月早于起始年月" in messages_of(exc) and "城关镇科员" in messages_of(exc)


def test_resume_during_inside_parent_is_kept_nested(cadre):
    svc.replace_resume(
        actor=None,
        cadre=cadre,
        entries=[
            ResumeInput(
                date(2007, 7, 1),
                date(2012, 1, 1),
                "城关镇科员",
                during=[ResumeInput(date(2008, 9, 1), date(2012, 1, 1), "在职研究生学习")],
            )
        ],
    )
    child = ResumeEntry.objects.get(cadre=cadre, parent__isnull=False)
    assert child.parent.text == "城关镇科员"


def test_resume_during_outside_parent_is_refused(cadre):
    with pytest.raises(ValidationError) as exc:
        svc.replace_resume(
            actor=None,
            cadre=cadre,
            entries=[
                ResumeInput(
                    date(2007, 7, 1),
                    date(2012, 1, 1),
                    "城关镇科员",
                    during=[ResumeInput(date(2008, 9, 1), date(2012, 2, 1), "在职研究生学习")],
                )
            ],
        )
    assert "其间" in messages_of(exc) and "在职研究生学习" in messages_of(exc)


def test_single_resume_entry_is_checked_against_the_others(cadre):
    svc.save_resume_entry(
        actor=None, cadre=cadre, start=date(2007, 7, 1), end=date(2010, 1, 1), text="科员"
    )
    with pytest.raises(ValidationError):
        svc.save_resume_entry(
            actor=None, cadre=cadre, start=date(2009, 1, 1), end=None, text="副镇长"
        )
    svc.save_resume_entry(actor=None, cadre=cadre, start=date(2010, 1, 1), end=None, text="副镇长")
    entry = ResumeEntry.objects.get(cadre=cadre, text="科员")
    svc.save_resume_entry(
        actor=None,
        cadre=cadre,
        start=date(2007, 7, 1),
        end=date(2009, 12, 1),
        text="科员（改）",
        entry=entry,
    )
    assert list(ResumeEntry.objects.filter(cadre=cadre).values_list("text", flat=True)) == [
        "科员（改）",
        "副镇长",
    ]
    # The line edited keeps its id (and so its history); the other line is untouched.
    assert ResumeEntry.objects.get(text="科员（改）").pk == entry.pk
    assert ResumeEntry.objects.get(text="副镇长").history.count() == 1


def test_resume_entry_added_earlier_is_ordered_by_time(cadre):
    svc.save_resume_entry(actor=None, cadre=cadre, start=date(2010, 1, 1), end=None, text="乙")
    svc.save_resume_entry(
        actor=None, cadre=cadre, start=date(2007, 7, 1), end=date(2010, 1, 1), text="甲"
    )
    assert list(ResumeEntry.objects.filter(cadre=cadre).values_list("text", flat=True)) == [
        "甲",
        "乙",
    ]


# --- posts --------------------------------------------------------------------------------------


def post_input(unit, title="副镇长", start=date(2015, 1, 1), end=None, **kw) -> PostInput:
    return PostInput(
        unit=unit, title=title, level=PostLevel.SECTION_DEPUTY, started_on=start, ended_on=end, **kw
    )


def test_two_current_main_posts_are_refused(cadre, unit_tree):
    svc.save_post_holding(actor=None, cadre=cadre, data=post_input(unit_tree.town_a))
    with pytest.raises(ValidationError) as exc:
        svc.save_post_holding(
            actor=None,
            cadre=cadre,
            data=post_input(unit_tree.dept, "副局长", start=date(2016, 1, 1)),
        )
    assert "同一时间只能有一个主职" in messages_of(exc)
    assert PostHolding.objects.filter(cadre=cadre).count() == 1


def test_historical_main_posts_may_not_overlap_but_may_hand_over(cadre, unit_tree):
    svc.save_post_holding(
        actor=None, cadre=cadre, data=post_input(unit_tree.town_a, end=date(2018, 3, 1))
    )
    with pytest.raises(ValidationError) as exc:
        svc.save_post_holding(
            actor=None,
            cadre=cadre,
            data=post_input(unit_tree.dept, "副局长", start=date(2018, 2, 28)),
        )
    assert "同一时间只能有一个主职" in messages_of(exc)
    # The day the old post ends the new one may begin.
    svc.save_post_holding(
        actor=None, cadre=cadre, data=post_input(unit_tree.dept, "副局长", start=date(2018, 3, 1))
    )


def test_post_end_before_start_is_refused(cadre, unit_tree):
    with pytest.raises(ValidationError) as exc:
        svc.save_post_holding(
            actor=None,
            cadre=cadre,
            data=post_input(unit_tree.town_a, start=date(2018, 3, 2), end=date(2018, 3, 1)),
        )
    assert "免职时间早于任职时间" in messages_of(exc)


def test_concurrent_part_time_post_is_allowed(cadre, unit_tree):
    svc.save_post_holding(actor=None, cadre=cadre, data=post_input(unit_tree.town_a))
    svc.save_post_holding(
        actor=None,
        cadre=cadre,
        data=post_input(unit_tree.dept, "兼职", is_main=False, counts_toward_quota=False),
    )
    assert PostHolding.objects.filter(cadre=cadre, ended_on__isnull=True).count() == 2


def test_main_post_syncs_unit_level_and_post_text(cadre, unit_tree):
    svc.save_post_holding(
        actor=None,
        cadre=cadre,
        data=post_input(unit_tree.town_a, "副镇长", start=date(2016, 5, 1), end=date(2019, 1, 1)),
    )
    svc.save_post_holding(
        actor=None, cadre=cadre, data=post_input(unit_tree.dept, "副局长", start=date(2019, 1, 1))
    )
    cadre.refresh_from_db()
    assert cadre.unit == unit_tree.dept and cadre.unit_path == unit_tree.dept.path
    assert cadre.current_level == PostLevel.SECTION_DEPUTY
    # A lateral move keeps the date the level was first reached.
    assert cadre.current_level_since == date(2016, 5, 1)
    assert cadre.current_post_text == "县财政局副局长"


def test_promotion_resets_level_since_and_hand_written_text_is_kept(cadre, unit_tree):
    svc.save_post_holding(
        actor=None, cadre=cadre, data=post_input(unit_tree.town_a, end=date(2020, 6, 1))
    )
    svc.update_cadre(actor=None, cadre=cadre, current_post_text="城关镇党委委员、副镇长")
    svc.save_post_holding(
        actor=None,
        cadre=cadre,
        data=PostInput(
            unit=unit_tree.town_a,
            title="镇长",
            level=PostLevel.SECTION_CHIEF,
            started_on=date(2020, 6, 1),
        ),
    )
    cadre.refresh_from_db()
    assert cadre.current_level == PostLevel.SECTION_CHIEF
    assert cadre.current_level_since == date(2020, 6, 1)
    assert cadre.current_post_text == "城关镇党委委员、副镇长"


def test_post_of_another_unit_is_refused(cadre, unit_tree):
    post = create_post(
        actor=None, unit=unit_tree.town_b, title="镇长", level=PostLevel.SECTION_CHIEF
    )
    with pytest.raises(ValidationError) as exc:
        svc.save_post_holding(actor=None, cadre=cadre, data=post_input(unit_tree.town_a, post=post))
    assert "领导职务" in messages_of(exc)


def test_rank_holding_sets_current_rank(cadre):
    rank = Rank.objects.filter(track=Rank.Track.GRADE).order_by("order").first()
    svc.save_rank_holding(actor=None, cadre=cadre, rank=rank, started_on=date(2020, 1, 1))
    cadre.refresh_from_db()
    assert cadre.current_rank == rank
    with pytest.raises(ValidationError):
        svc.save_rank_holding(
            actor=None,
            cadre=cadre,
            rank=rank,
            started_on=date(2020, 1, 2),
            ended_on=date(2020, 1, 1),
        )


# --- assessments, family, education ---------------------------------------------------------


def test_one_assessment_per_year(cadre):
    svc.add_assessment(actor=None, cadre=cadre, year=2023, grade=AssessmentGrade.COMPETENT)
    with pytest.raises(ValidationError) as exc:
        svc.add_assessment(actor=None, cadre=cadre, year=2023, grade=AssessmentGrade.EXCELLENT)
    assert "2023年度已有考核记录" in messages_of(exc)
    # The import's upsert updates the year instead.
    svc.upsert_assessment(actor=None, cadre=cadre, year=2023, grade=AssessmentGrade.EXCELLENT)
    assert AnnualAssessment.objects.get(cadre=cadre).grade == AssessmentGrade.EXCELLENT
    other = svc.add_assessment(actor=None, cadre=cadre, year=2024, grade=AssessmentGrade.COMPETENT)
    with pytest.raises(ValidationError):
        svc.upsert_assessment(
            actor=None, cadre=cadre, year=2023, grade=AssessmentGrade.COMPETENT, record=other
        )


def test_family_at_most_fifty(cadre):
    svc.replace_family(
        actor=None, cadre=cadre, members=[FamilyInput("子", f"孩{i}") for i in range(50)]
    )
    assert FamilyMember.objects.filter(cadre=cadre).count() == 50
    with pytest.raises(ValidationError) as exc:
        svc.save_family_member(actor=None, cadre=cadre, data=FamilyInput("女", "再一个"))
    assert "最多50人" in messages_of(exc)
    with pytest.raises(ValidationError):
        svc.replace_family(
            actor=None, cadre=cadre, members=[FamilyInput("子", f"孩{i}") for i in range(51)]
        )
    assert FamilyMember.objects.filter(cadre=cadre).count() == 50


def test_form_education_one_row_per_kind(cadre):
    svc.set_form_education(
        actor=None, cadre=cadre, kind="fulltime", education="大学", degree="学士"
    )
    svc.set_form_education(actor=None, cadre=cadre, kind="fulltime", education="研究生")
    rows = list(cadre.educations.filter(on_form=True))
    assert len(rows) == 1 and rows[0].education == "研究生"
    svc.set_form_education(actor=None, cadre=cadre, kind="fulltime")
    assert not cadre.educations.exists()


# --- photo --------------------------------------------------------------------------------------


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (30, 40), (10, 20, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_re_encoded_without_metadata(cadre):
    data = jpeg_with_exif()
    assert b"SecretCamera" in data
    svc.set_photo(actor=None, cadre=cadre, uploaded=SimpleUploadedFile("a.jpg", data))
    cadre.refresh_from_db()
    stored = cadre.photo.read()
    assert stored.startswith(b"\xff\xd8") and b"SecretCamera" not in stored


def test_photo_must_be_an_image_and_small(cadre):
    with pytest.raises(ValidationError) as exc:
        svc.set_photo(
            actor=None, cadre=cadre, uploaded=SimpleUploadedFile("a.jpg", b"%PDF-1.4 not an image")
        )
    assert "照片" in messages_of(exc)
    big = SimpleUploadedFile("b.jpg", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        svc.set_photo(actor=None, cadre=cadre, uploaded=big)
    assert "2MB" in messages_of(exc)
    cadre.refresh_from_db()
    assert not cadre.photo
