"""The archive pages: list search and filters, exports, scope, the tabs and the record forms."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zugong.cadres import archive_services as svc
from zugong.cadres.archive_services import PostInput, ResumeInput
from zugong.cadres.models import (
    AssessmentGrade,
    Cadre,
    CadreStatus,
    EducationKind,
    PostLevel,
    Rank,
    ResumeEntry,
    Unit,
)
from zugong.cadres.tests.matrix_archive import tiny_jpeg
from zugong.conftest import assert_flat_queries, valid_id
from zugong.core.ids import mask_id_number

_serial = iter(range(1, 100_000))


def make(unit: Unit, name: str, birth: date = date(1985, 3, 1), **kw: object) -> Cadre:
    gender = kw.pop("gender", "男")
    return svc.create_cadre(
        actor=None,
        name=name,
        gender=gender,
        id_number=valid_id(birth, male=gender == "男"),
        birth_date=birth,
        unit=unit,
        **kw,
    )


def names(response) -> list[str]:  # noqa: ANN001
    return [c["name"] for c in response.context["page_obj"]]


def xlsx_rows(response) -> list[list]:  # noqa: ANN001
    data = b"".join(response.streaming_content)
    return [[c.value for c in r] for r in load_workbook(io.BytesIO(data)).active.iter_rows()]


@pytest.fixture
def people(unit_tree):
    today = timezone.localdate()
    young_birth = date(today.year - 30, 1, 1)
    return {
        "zhang": make(unit_tree.town_a, "张伟", date(1975, 6, 1)),
        "zhao": make(unit_tree.town_a, "赵丽", young_birth, gender="女"),
        "liu": make(unit_tree.dept, "刘强", date(1980, 2, 1)),
        "he": make(unit_tree.town_b, "何平", date(1982, 2, 1)),
        "far": make(unit_tree.other_county, "外县人", date(1982, 2, 1)),
        "old": make(unit_tree.town_a, "退休者", date(1960, 2, 1), status=CadreStatus.RETIRED),
    }


def list_url(query: str = "") -> str:
    return reverse("cadres:cadre_list") + ("?" + query if query else "")


# --- list -------------------------------------------------------------------------------------


def test_list_defaults_to_active_cadres_in_scope(client, users, people):
    client.force_login(users["cadre_officer"])
    shown = names(client.get(list_url()))
    assert set(shown) == {"张伟", "赵丽", "刘强", "何平"}
    assert "退休者" in names(client.get(list_url("status=all")))
    assert names(client.get(list_url("status=retired"))) == ["退休者"]


def test_search_by_name_pinyin_initials_and_id_tail(client, users, people):
    client.force_login(users["cadre_officer"])
    assert names(client.get(list_url("q=张伟"))) == ["张伟"]
    assert names(client.get(list_url("q=zhangw"))) == ["张伟"]
    assert names(client.get(list_url("q=ZL"))) == ["赵丽"]
    tail = people["liu"].id_number[-6:]
    assert "刘强" in names(client.get(list_url(f"q={tail}")))
    assert names(client.get(list_url(f"q={people['he'].id_number}"))) == ["何平"]
    # Someone outside the scope is not found by the exact number either.
    assert names(client.get(list_url(f"q={people['far'].id_number}"))) == []


def test_filters(client, users, people, unit_tree):
    client.force_login(users["cadre_officer"])
    assert set(names(client.get(list_url(f"unit={unit_tree.town_a.pk}")))) == {"张伟", "赵丽"}
    assert names(client.get(list_url("gender=女"))) == ["赵丽"]
    assert names(client.get(list_url("young=1&young_age=35"))) == ["赵丽"]
    assert names(client.get(list_url("young=1&young_age=30"))) == []  # exactly 30 or 29
    in_band = {c.name for c in people.values() if c.status == "active" and 41 <= _age(c) <= 45}
    assert in_band - {"外县人"} and set(names(client.get(list_url("age_band=41-45")))) == (
        in_band - {"外县人"}
    )
    svc.save_post_holding(
        actor=None,
        cadre=people["zhang"],
        data=PostInput(
            unit=unit_tree.town_a,
            title="镇长",
            level=PostLevel.SECTION_CHIEF,
            started_on=date(2020, 1, 1),
        ),
    )
    assert names(client.get(list_url("level=section_chief"))) == ["张伟"]
    rank = Rank.objects.filter(is_active=True).first()
    svc.save_rank_holding(actor=None, cadre=people["liu"], rank=rank, started_on=date(2021, 1, 1))
    assert names(client.get(list_url(f"rank={rank.pk}"))) == ["刘强"]
    svc.set_form_education(
        actor=None, cadre=people["he"], kind=EducationKind.FULLTIME, education="大学本科"
    )
    svc.set_form_education(
        actor=None, cadre=people["zhao"], kind=EducationKind.PARTTIME, education="大学本科"
    )
    assert set(names(client.get(list_url("education=大学")))) == {"何平", "赵丽"}
    assert names(client.get(list_url("education=大学&education_scope=fulltime"))) == ["何平"]
    # A unit outside the scope is ignored, not obeyed.
    assert "外县人" not in names(client.get(list_url(f"unit={unit_tree.other_county.pk}")))


def _age(c: Cadre) -> int:
    today = timezone.localdate()
    b = c.birth_date
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


def test_sort_by_birth(client, users, people):
    client.force_login(users["cadre_officer"])
    assert names(client.get(list_url("sort=birth")))[0] == "张伟"
    assert names(client.get(list_url("sort=-birth")))[0] == "赵丽"


def test_list_export_masks_id_numbers(client, users, people, unit_tree):
    client.force_login(users["cadre_officer"])
    rows = xlsx_rows(client.get(list_url(f"unit={unit_tree.town_a.pk}&export=xlsx")))
    assert rows[0][:3] == ["姓名", "性别", "公民身份号码"]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"张伟", "赵丽"}
    assert by_name["张伟"][2] == mask_id_number(people["zhang"].id_number)


def test_info_sheet(client, users, people, unit_tree):
    svc.set_form_education(
        actor=None,
        cadre=people["zhang"],
        kind=EducationKind.FULLTIME,
        education="大学",
        degree="学士",
        school="某大学中文系",
    )
    for year, grade in (
        (2021, AssessmentGrade.COMPETENT),
        (2022, AssessmentGrade.COMPETENT),
        (2023, AssessmentGrade.EXCELLENT),
        (2024, AssessmentGrade.COMPETENT),
    ):
        svc.add_assessment(actor=None, cadre=people["zhang"], year=year, grade=grade)
    client.force_login(users["cadre_officer"])
    response = client.get(reverse("cadres:info_sheet") + f"?unit={unit_tree.town_a.pk}")
    data = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][0] == "城关镇干部信息表"
    assert rows[1][1] == "姓名" and rows[1][-1] == "近三年年度考核"
    zhang = next(r for r in rows if r[1] == "张伟")
    assert zhang[4].startswith("1975.06（") and zhang[8] == "大学学士\n某大学中文系"
    assert zhang[-1] == "2022年称职；2023年优秀；2024年称职"
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert "A1:O1" in {str(r) for r in ws.merged_cells.ranges}


def test_scope_leader_sees_own_town_only(client, users, people):
    client.force_login(users["leader"])
    assert set(names(client.get(list_url()))) == {"张伟", "赵丽"}
    assert client.get(reverse("cadres:cadre_detail", args=[people["he"].pk])).status_code == 404
    detail = client.get(reverse("cadres:cadre_detail", args=[people["zhang"].pk]))
    assert detail.status_code == 200
    # The read-only leader sees the ID number masked.
    html = detail.content.decode()
    assert mask_id_number(people["zhang"].id_number) in html
    assert people["zhang"].id_number not in html
    # Read-only: the leader may not edit even inside the town.
    assert client.get(reverse("cadres:cadre_edit", args=[people["zhang"].pk])).status_code == 403


@pytest.mark.parametrize("role", ["department_admin", "committee_admin", "branch_admin"])
def test_party_side_roles_get_403(client, users, people, role):
    client.force_login(users[role])
    assert client.get(list_url()).status_code == 403
    assert client.get(reverse("cadres:cadre_detail", args=[people["zhang"].pk])).status_code == 403
    assert client.get(reverse("cadres:info_sheet")).status_code == 403


def test_cadre_list_queries_are_flat(client, users, unit_tree, django_assert_max_num_queries):
    client.force_login(users["cadre_officer"])
    rank = Rank.objects.filter(is_active=True).first()
    made = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(made)
            unit = unit_tree.town_a if i % 2 else unit_tree.dept
            c = make(unit, f"干部{i}", date(1970 + i % 30, 1 + i % 12, 1 + i % 28))
            svc.save_rank_holding(actor=None, cadre=c, rank=rank, started_on=date(2020, 1, 1))

    def rows(response) -> int:  # noqa: ANN001
        return len(response.context["page_obj"].object_list)

    assert_flat_queries(client, list_url(), grow, rows, django_assert_max_num_queries)


def test_cadre_list_counts_without_the_row_joins(client, users, people):
    # The capped count reads the filtered cadres only; the rows' unit and 职级 names are joined
    # for the page alone.
    client.force_login(users["cadre_officer"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(list_url())
    assert response.status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("JOIN" not in sql.upper() for sql in counts)
    assert response.context["page_obj"].paginator.count == len(names(response))


# --- one archive ------------------------------------------------------------------------------


def test_every_tab_renders(client, users, people, unit_tree):
    zhang = people["zhang"]
    svc.replace_resume(
        actor=users["cadre_officer"],
        cadre=zhang,
        entries=[
            ResumeInput(
                date(1997, 7, 1),
                None,
                "城关镇工作",
                during=[ResumeInput(date(2001, 9, 1), date(2004, 7, 1), "在职大学学习")],
            )
        ],
    )
    client.force_login(users["cadre_officer"])
    url = reverse("cadres:cadre_detail", args=[zhang.pk])
    for tab in (
        "info",
        "resume",
        "education",
        "posts",
        "title",
        "family",
        "assessment",
        "reward",
        "training",
        "verification",
        "history",
    ):
        response = client.get(f"{url}?tab={tab}")
        assert response.status_code == 200, tab
    html = client.get(f"{url}?tab=resume").content.decode()
    assert 'data-testid="resume-during"' in html and "在职大学学习" in html
    history = client.get(f"{url}?tab=history")
    changes = history.context["child_history"]
    assert any(c.record_type == "简历" and c.kind == "新建" for c in changes)
    assert all(c.user == users["cadre_officer"] for c in changes)


def test_member_link_shown(client, users, tree, unit_tree):
    from zugong.conftest import make_member

    member = make_member(tree.branch_a1, "钱七", birth=date(1981, 1, 1))
    cadre = svc.create_cadre(
        actor=None,
        name="钱七",
        gender="男",
        id_number=member.id_number,
        birth_date=date(1981, 1, 1),
        unit=unit_tree.town_a,
    )
    client.force_login(users["cadre_officer"])
    html = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert 'data-testid="member-link"' in html
    assert reverse("members:detail", args=[member.pk]) in html


def test_photo_upload_and_scoped_view(client, users, people):
    client.force_login(users["cadre_officer"])
    zhang = people["zhang"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("cadres:cadre_photo_upload", args=[zhang.pk]),
        {"photo": SimpleUploadedFile("p.jpg", tiny_jpeg(), content_type="image/jpeg")},
    )
    assert response.status_code == 302
    photo = client.get(reverse("cadres:cadre_photo", args=[zhang.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    bad = client.post(
        reverse("cadres:cadre_photo_upload", args=[zhang.pk]),
        {"photo": SimpleUploadedFile("p.jpg", b"GIF89a....", content_type="image/jpeg")},
    )
    assert bad.status_code == 200 and "照片" in bad.content.decode()
    client.force_login(users["leader"])
    assert client.get(reverse("cadres:cadre_photo", args=[people["he"].pk])).status_code == 404


def test_create_and_edit_cadre_pages(client, users, unit_tree):
    client.force_login(users["cadre_officer"])
    birth = date(1990, 4, 5)
    data = {
        "name": "孙八",
        "gender": "男",
        "id_number": valid_id(birth),
        "birth_date": "1990-04-05",
        "ethnicity": "汉族",
        "health": "健康",
        "identity": "civil_servant",
        "unit": unit_tree.town_a.pk,
        "status": "active",
    }
    response = client.post(reverse("cadres:cadre_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cadre = Cadre.objects.get(name="孙八")
    data["birth_date"] = "1990-04-06"
    data["version"] = cadre.version
    response = client.post(reverse("cadres:cadre_edit", args=[cadre.pk]), data)
    assert response.status_code == 200 and "不一致" in response.content.decode()
    cadre.refresh_from_db()
    assert cadre.birth_date == birth


def test_record_views_add_edit_delete(client, users, people):
    client.force_login(users["cadre_officer"])
    zhang = people["zhang"]
    add = reverse("cadres:record_add", args=[zhang.pk, "resume"])
    assert (
        client.post(add, {"start": "2000-07", "end": "2005-01", "text": "科员"}).status_code == 302
    )
    # Overlap: the form comes back with the 简历 error.
    response = client.post(add, {"start": "2004-01", "end": "", "text": "副镇长"})
    assert response.status_code == 200 and "重叠" in response.content.decode()
    entry = ResumeEntry.objects.get(cadre=zhang)
    edit = reverse("cadres:record_edit", args=[zhang.pk, "resume", entry.pk])
    assert (
        client.post(edit, {"start": "2000-07", "end": "2004-12", "text": "科员"}).status_code == 302
    )
    delete = reverse("cadres:record_delete", args=[zhang.pk, "resume", entry.pk])
    assert client.post(delete, {}).status_code == 200  # not confirmed
    assert ResumeEntry.objects.filter(cadre=zhang).exists()
    assert client.post(delete, {"confirm": "on"}).status_code == 302
    assert not ResumeEntry.objects.filter(cadre=zhang).exists()
    # A record of another cadre is not reachable through this cadre's URL.
    other = svc.add_assessment(actor=None, cadre=people["liu"], year=2023, grade="competent")
    url = reverse("cadres:record_edit", args=[zhang.pk, "assessment", other.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("cadres:record_add", args=[zhang.pk, "nonsense"])).status_code == 404


def test_post_record_view_syncs_the_cadre(client, users, people, unit_tree):
    client.force_login(users["cadre_officer"])
    liu = people["liu"]
    response = client.post(
        reverse("cadres:record_add", args=[liu.pk, "post"]),
        {
            "unit": unit_tree.dept.pk,
            "title": "副局长",
            "level": "section_deputy",
            "is_main": "on",
            "counts_toward_quota": "on",
            "started_on": "2022-03-01",
        },
    )
    assert response.status_code == 302
    liu.refresh_from_db()
    assert (
        liu.current_level == PostLevel.SECTION_DEPUTY and liu.current_post_text == "县财政局副局长"
    )
    second = client.post(
        reverse("cadres:record_add", args=[liu.pk, "post"]),
        {
            "unit": unit_tree.dept.pk,
            "title": "局长",
            "level": "section_chief",
            "is_main": "on",
            "started_on": "2023-03-01",
        },
    )
    assert second.status_code == 200 and "同一时间只能有一个主职" in second.content.decode()
