"""LRMX import into the archive and export back: every field in place, a round trip without a
difference, a preview before any write, and nothing written when any file is bad."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zugong.accounts.models import Role
from zugong.cadres.lrmx import read_lrmx, write_lrmx
from zugong.cadres.lrmx_mapping import (
    assessments_from_text,
    prefetch_for_record,
    record_from_cadre,
)
from zugong.cadres.lrmx_services import (
    cancel_lrmx_import,
    confirm_lrmx_import,
    diff_records,
    start_batch_export,
    start_lrmx_import,
)
from zugong.cadres.models import AssessmentGrade, Cadre, CadreFileJob, EducationKind
from zugong.cadres.tests.lrmx_samples import sample_record
from zugong.cadres.tests.matrix_base import make_cadre
from zugong.conftest import valid_id

Status = CadreFileJob.Status


def _record(**changes: object):  # noqa: ANN202 - an LrmxRecord
    record = sample_record(extra_unknown=True)
    record.id_number = valid_id(date(1978, 6, 15))
    return replace(record, **changes)


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _import(user, unit, name: str, data: bytes) -> CadreFileJob:  # noqa: ANN001
    return start_lrmx_import(user=user, uploaded=_upload(name, data), unit=unit)


@pytest.fixture
def officer(users):  # noqa: ANN001, ANN201
    return users[Role.CADRE_OFFICER]


def _cadre(id_number: str) -> Cadre:
    return prefetch_for_record(Cadre.objects.all()).get(id_number=id_number)


def test_every_field_of_the_file_lands_in_the_archive(officer, unit_tree):
    record = _record()
    job = _import(officer, unit_tree.town_a, "王建国.lrmx", write_lrmx(record))
    assert job.status == Status.PREVIEW
    assert [i["action"] for i in job.items] == ["create"]
    confirm_lrmx_import(user=officer, job=job)
    job.refresh_from_db()
    assert job.status == Status.DONE, job.message
    cadre = _cadre(record.id_number)
    assert cadre.unit == unit_tree.town_a
    assert (cadre.name, cadre.gender, cadre.ethnicity) == ("王建国", "男", "汉族")
    assert cadre.birth_date == date(1978, 6, 15)  # the exact day comes from the ID number
    assert cadre.party_joined_on == date(1999, 5, 1)
    assert cadre.work_started_on == date(2000, 7, 1)
    assert cadre.current_post_text == record.current_post
    assert cadre.age_reference_on == date(2025, 6, 30)
    forms = {e.kind: e for e in cadre.educations.all()}
    assert forms[EducationKind.FULLTIME].school == record.fulltime_education_school
    assert forms[EducationKind.PARTTIME].school == record.parttime_education_school
    assert [f.name for f in cadre.family.all()] == [f.name for f in record.family]
    grades = {a.year: a.grade for a in cadre.assessments.all()}
    assert grades == {
        2022: AssessmentGrade.COMPETENT,
        2023: AssessmentGrade.EXCELLENT,
        2024: AssessmentGrade.EXCELLENT,
    }
    mains = [r for r in cadre.resume_entries.all() if r.parent_id is None]
    assert mains and mains[-1].end is None
    assert cadre.photo and cadre.lrmx_extra["unknown"]
    # The export carries the same record: every field of the file, in place.
    exported = record_from_cadre(cadre)
    assert diff_records(record, exported) == []
    assert exported.unknown == record.unknown


def test_export_reimports_without_a_difference(officer, unit_tree):
    record = _record()
    confirm_lrmx_import(
        user=officer, job=_import(officer, unit_tree.town_a, "a.lrmx", write_lrmx(record))
    )
    cadre = _cadre(record.id_number)
    history_before = cadre.history.count()
    exported = write_lrmx(record_from_cadre(cadre))
    assert read_lrmx(exported) == record_from_cadre(cadre)
    job = _import(officer, unit_tree.town_a, "again.lrmx", exported)
    assert [i["action"] for i in job.items] == ["unchanged"]
    with pytest.raises(Exception, match="没有需要写入"):
        confirm_lrmx_import(user=officer, job=job)
    assert _cadre(record.id_number).history.count() == history_before


def test_preview_lists_each_changed_field_and_applies_them(officer, unit_tree):
    record = _record()
    confirm_lrmx_import(
        user=officer, job=_import(officer, unit_tree.town_a, "a.lrmx", write_lrmx(record))
    )
    changed = replace(record, current_post="乐陵县委组织部常务副部长", health="一般")
    job = _import(officer, unit_tree.dept, "b.lrmx", write_lrmx(changed))
    (item,) = job.items
    assert item["action"] == "update"
    assert {d[0] for d in item["diffs"]} == {"现任职务", "健康状况"}
    confirm_lrmx_import(user=officer, job=job)
    cadre = _cadre(record.id_number)
    assert (cadre.current_post_text, cadre.health) == ("乐陵县委组织部常务副部长", "一般")
    assert cadre.unit == unit_tree.town_a  # an existing archive keeps its unit
    assert cadre.history.first().history_user == officer


def test_one_bad_file_in_a_zip_blocks_the_whole_batch(officer, unit_tree):
    good = _record()
    bad_resume = _record(
        id_number=valid_id(date(1980, 1, 2)),
        resume="2000.07--2010.01  甲单位科员\n2005.03--         乙单位副科长",
    )
    data = _zip(
        {
            "good.lrmx": write_lrmx(good),
            "overlap.lrmx": write_lrmx(bad_resume),
            "xxe.lrmx": b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Person><XingMing>&x;</XingMing></Person>',
        }
    )
    job = _import(officer, unit_tree.town_a, "batch.zip", data)
    actions = {i["file"]: i for i in job.items}
    assert actions["good.lrmx"]["action"] == "create"
    assert actions["overlap.lrmx"]["action"] == "error"
    assert "简历" in actions["overlap.lrmx"]["errors"][0]
    assert actions["xxe.lrmx"]["action"] == "error"
    with pytest.raises(Exception, match="有文件存在错误"):
        confirm_lrmx_import(user=officer, job=job)
    assert not Cadre.objects.exists()
    cancel_lrmx_import(job=job)
    job.refresh_from_db()
    assert job.status == Status.CANCELLED


def test_a_cadre_outside_the_scope_cannot_be_overwritten(users, unit_tree):
    outsider = make_cadre(unit_tree.other_county, "邻县干部")
    record = _record(id_number=outsider.id_number, name="邻县干部")
    leader_unit_officer = users[Role.CADRE_OFFICER]
    job = _import(leader_unit_officer, unit_tree.town_a, "x.lrmx", write_lrmx(record))
    (item,) = job.items
    assert item["action"] == "error" and "管理范围" in item["errors"][0]


def test_missing_id_number_and_wrong_gender_are_named(officer, unit_tree):
    job = _import(officer, unit_tree.town_a, "a.lrmx", write_lrmx(_record(id_number="")))
    assert "公民身份号码" in job.items[0]["errors"][0]
    job = _import(officer, unit_tree.town_a, "b.lrmx", write_lrmx(_record(gender="M")))
    assert "性别" in job.items[0]["errors"][0]


def test_upload_type_is_checked(officer, unit_tree):
    with pytest.raises(Exception, match=r"\.lrmx"):
        _import(officer, unit_tree.town_a, "cadre.xlsx", b"PK")


def test_the_unit_for_new_archives_must_be_in_scope(users, unit_tree):
    with pytest.raises(Exception, match="管理范围"):
        _import(users[Role.CADRE_OFFICER], unit_tree.other_county, "a.lrmx", b"<Person/>")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2022年度考核称职，2023、2024年度考核优秀。",
            {2022: "competent", 2023: "excellent", 2024: "excellent"},
        ),
        ("2021年：基本称职；2022年：优秀", {2021: "basic", 2022: "excellent"}),
        ("无", {}),
    ],
)
def test_assessment_text_is_read_into_years(text, expected):
    assert assessments_from_text(text) == expected


def test_batch_pdf_export_runs_as_a_job_with_its_file(officer, unit_tree):
    cadres = [make_cadre(unit_tree.town_a, f"干部{i}", date(1980, 1, 1 + i)) for i in range(3)]
    job = start_batch_export(
        user=officer, kind=CadreFileJob.Kind.ADFORM_PDF, cadre_ids=[c.pk for c in cadres]
    )
    assert job.status == Status.DONE, job.message
    assert job.processed == 3 and job.original_name.endswith(".pdf")
    with job.output_file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_batch_export_leaves_out_cadres_outside_the_scope(users, unit_tree):
    inside = make_cadre(unit_tree.town_a, "甲")
    outside = make_cadre(unit_tree.town_b, "乙")
    job = start_batch_export(
        user=users[Role.LEADER],
        kind=CadreFileJob.Kind.LRMX_EXPORT,
        cadre_ids=[inside.pk, outside.pk],
    )
    assert job.cadre_ids == [inside.pk]
    with job.output_file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert archive.namelist() == ["甲.lrmx"]


def test_list_page_batch_form_exports_that_page(client, officer, unit_tree):
    cadres = [make_cadre(unit_tree.town_a, f"干部{i}", date(1980, 1, 1 + i)) for i in range(3)]
    client.force_login(officer)
    page = client.get(reverse("cadres:cadre_list")).content.decode()
    ids = ",".join(str(c.pk) for c in sorted(cadres, key=lambda c: c.name_pinyin))
    assert f'name="ids" value="{ids}"' in page
    response = client.post(
        reverse("cadres:batch_export"), {"ids": ids, "kind": CadreFileJob.Kind.LRMX_EXPORT}
    )
    assert response.status_code == 302
    job = CadreFileJob.objects.get()
    assert sorted(job.cadre_ids) == sorted(c.pk for c in cadres)


def test_import_pages_walk_through_upload_preview_and_apply(client, officer, unit_tree):
    client.force_login(officer)
    record = _record()
    response = client.post(
        reverse("cadres:lrmx_import"),
        {"file": _upload("王建国.lrmx", write_lrmx(record)), "unit": unit_tree.town_a.pk},
    )
    job = CadreFileJob.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("cadres:file_job", args=[job.pk])).content.decode()
    assert "新建档案" in page and "确认写入" in page
    client.post(reverse("cadres:lrmx_apply", args=[job.pk]))
    cadre = Cadre.objects.get()
    assert client.get(reverse("cadres:cadre_lrmx", args=[cadre.pk])).status_code == 200
    pdf = client.get(reverse("cadres:cadre_adform_pdf", args=[cadre.pk]))
    assert pdf.content[:5] == b"%PDF-"
    docx = client.get(reverse("cadres:cadre_adform_docx", args=[cadre.pk]))
    assert docx.content[:2] == b"PK"


def test_a_bad_upload_is_shown_on_the_form(client, officer, unit_tree):
    client.force_login(officer)
    response = client.post(
        reverse("cadres:lrmx_import"),
        {"file": _upload("a.txt", b"hello"), "unit": unit_tree.town_a.pk},
    )
    assert response.status_code == 200
    assert "只能上传" in response.content.decode()
    assert not CadreFileJob.objects.exists()


def test_jobs_belong_to_the_account_that_started_them(client, users, unit_tree):
    cadre = make_cadre(unit_tree.town_a, "甲")
    job = start_batch_export(
        user=users[Role.CADRE_OFFICER], kind=CadreFileJob.Kind.LRMX_EXPORT, cadre_ids=[cadre.pk]
    )
    client.force_login(users[Role.SYSTEM_ADMIN])
    assert client.get(reverse("cadres:file_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("cadres:file_job_download", args=[job.pk])).status_code == 404
