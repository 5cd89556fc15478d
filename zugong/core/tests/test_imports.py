"""The import framework: parsers, readers, the template, the marked sheet, the pages and the task path."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks.signals import task_enqueued
from openpyxl import Workbook, load_workbook

from zugong.accounts.models import Role
from zugong.conftest import valid_id
from zugong.core.imports import (
    CellError,
    CodeBook,
    ImportContext,
    ImportFileError,
    date_value,
    get_spec,
    runner,
)
from zugong.core.imports.readers import CsvReader, XlsxReader, check_upload
from zugong.core.imports.spec import normalize_header
from zugong.core.models import ImportJob
from zugong.members.models import Member


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    # Uploaded sheets and marked sheets are stored files: keep them out of var/.
    settings.MEDIA_ROOT = tmp_path / "media"


MEMBER_HEADERS = [
    "姓名",
    "性别",
    "民族",
    "公民身份号码",
    "入党日期",
    "转正日期",
    "党员类别",
    "所在党支部编码",
    "手机号",
]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows).encode(
        encoding
    )


def upload_file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def member_row(
    name: str,
    branch: str = "A1",
    *,
    male: bool = True,
    birth: date = date(1985, 3, 7),
    **kw: object,
) -> list[object]:
    values = {
        "姓名": name,
        "性别": "男" if male else "女",
        "民族": "汉族",
        "公民身份号码": valid_id(birth, male),
        "入党日期": "2010-07-01",
        "转正日期": "2011-07-01",
        "党员类别": "正式党员",
        "所在党支部编码": branch,
        "手机号": "13800000000",
    }
    values.update({k: v for k, v in kw.items()})
    return [values[h] for h in MEMBER_HEADERS]


def ctx_for(spec_name: str = "members", today: date = date(2026, 6, 1)) -> ImportContext:
    return ImportContext(
        spec=get_spec(spec_name), user=None, scope_path="0001", today=today, codes=CodeBook()
    )


# --- parsers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2024-01-05",
        "2024/1/5",
        "2024.1.5",
        "20240105",
        "2024年1月5日",
        "２０２４－０１－０５",
        "2024-01-05 00:00:00",
        datetime(2024, 1, 5, 0, 0),
        date(2024, 1, 5),
        20240105,
        45296,  # Excel serial number of 2024-01-05
    ],
)
def test_dates_in_every_usual_spelling(raw):
    assert date_value()(raw, ctx_for()) == date(2024, 1, 5)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2024-02-30", "不是有效日期"),
        ("去年", "无法识别为日期"),
        ("2027-01-01", "晚于今天"),
        ("1899-12-31", "早于1900年"),
    ],
)
def test_bad_dates_say_why(raw, reason):
    with pytest.raises(CellError) as exc:
        date_value()(raw, ctx_for())
    assert reason in exc.value.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "raw", "expected"),
    [
        ("gender", "男", "1"),
        ("gender", "1", "1"),
        ("gender", 2, "2"),
        ("gender", "女性", "2"),
        ("ethnicity", "汉族", "01"),
        ("ethnicity", "汉", "01"),
        ("ethnicity", "01", "01"),
        ("ethnicity", 1, "01"),
        ("ethnicity", "蒙古", "02"),
        ("education", "大学本科", "20"),
        ("education", "21", "21"),
        ("education", "本科", "21"),
        ("degree", "学士", "4"),
        ("job_category", "0501", "0501"),
        ("job_category", "公务员", "0501"),
    ],
)
def test_code_values_by_name_code_or_alias(table, raw, expected):
    item = CodeBook().lookup(table, raw)
    assert item is not None and item.code == expected


def test_headers_are_normalized():
    assert normalize_header("党籍状态（正式党员或预备党员）") == "党籍状态"
    assert normalize_header(" *姓　名 ") == "姓名"
    assert normalize_header("公民身份号码(必填)") == "公民身份号码"
    assert normalize_header("人员类别/工作岗位") == "人员类别/工作岗位"


# --- readers -------------------------------------------------------------------------------


def test_xlsx_reader_reads_strings_numbers_dates_and_gaps(tmp_path):
    path = tmp_path / "a.xlsx"
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["C1"] = "姓名", "入党日期"
    ws["A2"], ws["B2"], ws["C2"] = "张三", 13800000000, datetime(2020, 1, 2)
    ws["C2"].number_format = "yyyy年m月d日"
    ws["B4"] = 1.5
    wb.save(path)
    reader = XlsxReader(str(path))
    rows = list(reader.rows())
    assert rows[0] == (1, ("姓名", None, "入党日期"))
    assert rows[1] == (2, ("张三", 13800000000, datetime(2020, 1, 2)))
    assert rows[-1] == (4, (None, 1.5))
    assert reader.estimate_rows() == 4


def test_xlsx_reader_handles_namespace_prefixes(tmp_path):
    # Some non-Excel writers spell every element with a prefix: <x:row><x:c>...
    plain = io.BytesIO(xlsx_bytes([["姓名", "性别"], ["张三", "男"]]))
    prefixed = tmp_path / "x.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(prefixed, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<(/?)(?!\?)([A-Za-z])", rb"<\1x:\2", data).replace(
                    b"xmlns=", b"xmlns:x="
                )
            dst.writestr(item, data)
    assert list(XlsxReader(str(prefixed)).rows()) == [(1, ("姓名", "性别")), (2, ("张三", "男"))]


def test_csv_reader_falls_back_to_gbk(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([["姓名", "民族"], ["张三", "汉族"]], encoding="gbk"))
    with CsvReader(str(path)) as reader:
        assert reader.encoding == "gb18030"
        assert list(reader.rows()) == [(1, ("姓名", "民族")), (2, ("张三", "汉族"))]


@pytest.mark.parametrize(
    ("name", "head", "size", "reason"),
    [
        ("名单.txt", b"abc", 3, "文件类型不正确"),
        ("名单.xls", b"\xd0\xcf\x11\xe0", 10, "不支持旧版 .xls"),
        ("名单.xlsx", b"", 0, "空的"),
        ("名单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 10, "加密"),
        ("名单.xlsx", b"hello", 5, "不是 .xlsx 格式"),
        ("名单.csv", b"PK\x03\x04", 10, "Excel 工作簿而不是 CSV"),
    ],
)
def test_upload_checks(name, head, size, reason):
    with pytest.raises(ImportFileError) as exc:
        check_upload(name, size, head)
    assert reason in exc.value.message


def test_broken_xlsx_is_a_clear_error():
    with pytest.raises(ImportFileError) as exc:
        XlsxReader(io.BytesIO(b"PK\x03\x04" + b"\x00" * 200))
    assert "文件已损坏" in exc.value.message


def test_xml_with_entities_is_refused(tmp_path):
    # A DTD (the way to a billion-laughs bomb or an external entity) is never processed.
    plain = io.BytesIO(xlsx_bytes([["姓名"], ["x"]]))
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[-1]
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + body
            dst.writestr(item, data)
    reader = XlsxReader(str(bomb))
    with pytest.raises(ImportFileError):
        list(reader.rows())


# --- the pages -----------------------------------------------------------------------------


@pytest.fixture
def writer(client, users):
    client.force_login(users[Role.COMMITTEE_ADMIN])
    return client


def post_upload(client, kind: str, name: str, content: bytes):
    return client.post(reverse("imports:upload", args=[kind]), {"file": upload_file(name, content)})


MALFORMED = [
    ("名单.txt", b"just text", "文件类型不正确"),
    ("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "不支持旧版 .xls"),
    ("名单.xlsx", b"", "空的"),
    ("名单.xlsx", b"PK\x03\x04" + b"\x00" * 100, "文件已损坏"),
    ("名单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "加密"),
    (
        "名单.xlsx",
        xlsx_bytes([["姓名", "性别"], ["张三", "男"]]),
        "缺少必需的列：公民身份号码、入党日期、党员类别、所在党支部编码或所在党支部",
    ),
    ("名单.xlsx", xlsx_bytes([[*MEMBER_HEADERS, "身份证号"], ["张三"]]), "表头重复"),
    ("名单.xlsx", xlsx_bytes([MEMBER_HEADERS]), "没有数据行"),
    ("名单.xlsx", xlsx_bytes([]), "没有任何内容"),
    (
        "名单.csv",
        csv_bytes([["姓名", "性别"], ["张三", "男"]], encoding="gbk"),
        "缺少必需的列：公民身份号码",
    ),
    ("名单.csv", b"\xff\xfe\x00" * 0 + b"\x80\xff\x80\xff", "无法识别 CSV 文件的文字编码"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "reason"), MALFORMED)
def test_malformed_uploads_are_a_400_with_a_chinese_reason(writer, name, content, reason):
    response = post_upload(writer, "members", name, content)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_oversized_upload(writer, settings):
    settings.ZUGONG_IMPORT_MAX_BYTES = 1000
    response = post_upload(
        writer, "members", "名单.xlsx", xlsx_bytes([MEMBER_HEADERS] + [member_row("张三")] * 50)
    )
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()


@pytest.mark.django_db
def test_no_file_and_unknown_kind(writer):
    response = writer.post(reverse("imports:upload", args=["members"]))
    assert response.status_code == 400 and "请选择要上传的文件" in response.content.decode()
    assert writer.get(reverse("imports:template", args=["nothing"])).status_code == 404


@pytest.mark.django_db
def test_gbk_csv_imports(writer, tree):
    content = csv_bytes([MEMBER_HEADERS, member_row("张三"), member_row("李四")], encoding="gbk")
    response = post_upload(writer, "members", "名单.csv", content)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:job", args=[job.pk]
    )
    assert job.status == ImportJob.Status.DONE and job.created_count == 2
    assert set(Member.objects.values_list("name", flat=True)) == {"张三", "李四"}


@pytest.mark.django_db
def test_read_only_accounts_get_403(client, users):
    client.force_login(users[Role.LEADER])
    assert client.get(reverse("imports:index")).status_code == 403
    assert client.get(reverse("imports:template", args=["members"])).status_code == 403
    assert post_upload(client, "members", "a.xlsx", xlsx_bytes([MEMBER_HEADERS])).status_code == 403


@pytest.mark.django_db
def test_jobs_are_visible_to_their_creator_only(client, users, tree):
    client.force_login(users[Role.COMMITTEE_ADMIN])
    post_upload(client, "members", "a.xlsx", xlsx_bytes([MEMBER_HEADERS, member_row("张三")]))
    job = ImportJob.objects.get()
    index = client.get(reverse("imports:index"))
    assert index.status_code == 200 and "a.xlsx" in index.content.decode()
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    for name in ("imports:job", "imports:progress", "imports:error_file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert "a.xlsx" not in client.get(reverse("imports:index")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["members", "orgs"])
def test_template_has_comments_dropdowns_and_an_ignored_example(writer, tree, kind):
    response = writer.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    spec = get_spec(kind)
    headers = [c.value for c in ws[1]]
    assert headers == [f"{c.header}*" if c.required else c.header for c in spec.columns]
    assert all(cell.comment is not None and cell.comment.text for cell in ws[1])
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
        for dv in ws.data_validations.dataValidation
    }
    choice_columns = [c for c in spec.columns if c.choices is not None]
    assert len(lists) == len(choice_columns) > 0
    if kind == "members":
        assert ws["B1"].comment.text.startswith("必填")
        assert lists["B"] == '"男,女"'
        assert "字典" in lists["C"]  # 民族 is too long for an inline list
        assert wb["字典"].sheet_state == "hidden"
        assert ws["D2"].value == spec.example["id_number"]
    # The untouched template has no data: the example row is not imported.
    again = post_upload(writer, kind, "模板.xlsx", content)
    assert again.status_code == 400 and "没有数据行" in again.content.decode()


@pytest.mark.django_db
def test_bad_rows_are_listed_and_the_marked_sheet_points_at_them(writer, tree):
    good = valid_id(date(1985, 3, 7))
    bad_id = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        MEMBER_HEADERS,
        member_row("张三"),
        member_row("李四", 公民身份号码=bad_id, 手机号="12345"),
        member_row("王五", 性别="女", 入党日期="2030-01-01"),
    ]
    post_upload(writer, "members", "名单.xlsx", xlsx_bytes(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert not Member.objects.exists()
    got = {(e["row"], e["column"]) for e in job.errors}
    assert {(3, "公民身份号码"), (3, "手机号"), (4, "性别"), (4, "入党日期")} <= got
    checksum = next(e for e in job.errors if e["row"] == 3 and e["column"] == "公民身份号码")
    assert checksum["value"] == bad_id
    assert checksum["message"].startswith("公民身份号码：校验码错误，应为")

    page = writer.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "校验未通过" in page and "校验码错误" in page and bad_id in page

    response = writer.get(reverse("imports:error_file", args=[job.pk]))
    assert response.status_code == 200
    marked = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = marked.worksheets[0]
    assert ws.cell(row=1, column=len(MEMBER_HEADERS) + 1).value == "错误说明"
    bad = ws.cell(row=3, column=MEMBER_HEADERS.index("公民身份号码") + 1)
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert "校验码错误" in bad.comment.text
    assert (
        ws.cell(row=2, column=1).comment is None and ws.cell(row=2, column=1).fill.fill_type is None
    )
    assert "手机号" in ws.cell(row=3, column=len(MEMBER_HEADERS) + 1).value
    assert marked["错误清单"].max_row == len(job.errors) + 1


@pytest.mark.django_db
def test_error_list_is_capped_but_counted(writer, tree, monkeypatch):
    monkeypatch.setattr("zugong.core.imports.runner.MAX_STORED_ERRORS", 2)
    rows = [MEMBER_HEADERS] + [member_row(f"人{i}", 手机号="1") for i in range(4)]
    post_upload(writer, "members", "名单.xlsx", xlsx_bytes(rows))
    job = ImportJob.objects.get()
    assert len(job.errors) == 2 and "4行共4处错误" in job.message and "前2处" in job.message


@pytest.mark.django_db
def test_large_import_runs_as_a_task_with_progress(
    writer, tree, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.ZUGONG_IMPORT_TASK_THRESHOLD = 2
    monkeypatch.setattr("zugong.core.imports.runner.PROGRESS_EVERY", 2)
    enqueued = []
    progress = []
    real_set = runner._set

    def record(job, **fields):
        if "processed_rows" in fields:
            progress.append((fields.get("status"), fields["processed_rows"]))
        real_set(job, **fields)

    def seen(sender, task_result, **kwargs):
        enqueued.append(task_result.task.name)

    monkeypatch.setattr(runner, "_set", record)
    task_enqueued.connect(seen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post_upload(
                writer,
                "members",
                "名单.xlsx",
                xlsx_bytes([MEMBER_HEADERS] + [member_row(f"人{i}") for i in range(5)]),
            )
    finally:
        task_enqueued.disconnect(seen)
    assert enqueued == ["import_task"]
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE and job.created_count == 5 and job.total_rows == 5
    # Progress is written while validating (every PROGRESS_EVERY rows), then the write phase.
    assert progress == [
        (None, 2),
        (None, 4),
        (ImportJob.Status.WRITING, 5),
    ]

    page = writer.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "已完成" in page and '新增 <strong data-testid="created-count">5</strong>' in page
    assert "every 1s" not in page


@pytest.mark.django_db
def test_progress_bar_polls_until_finished(writer, users):
    job = ImportJob.objects.create(
        kind="members",
        original_name="a.xlsx",
        file="imports/a.xlsx",
        scope_path="0001",
        created_by=users[Role.COMMITTEE_ADMIN],
        status=ImportJob.Status.VALIDATING,
        total_rows=4000,
        processed_rows=1000,
    )
    page = writer.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "25%" in page
    partial = writer.get(reverse("imports:progress", args=[job.pk]))
    assert 'hx-trigger="every 1s"' in partial.content.decode() and "HX-Refresh" not in partial
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, processed_rows=4000)
    partial = writer.get(reverse("imports:progress", args=[job.pk]))
    assert partial["HX-Refresh"] == "true" and "every 1s" not in partial.content.decode()


@pytest.mark.django_db
def test_a_job_is_run_once(tree, users):
    from zugong.core.imports.runner import run_import, start_import

    job = start_import(
        user=users[Role.COMMITTEE_ADMIN],
        spec_name="members",
        uploaded_file=upload_file("a.xlsx", xlsx_bytes([MEMBER_HEADERS, member_row("张三")])),
    )
    assert job.status == ImportJob.Status.DONE
    run_import(job.pk)  # a duplicate task delivery
    assert Member.objects.count() == 1
