"""Member register pages through the test client: forms, permissions, masking, export, status."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zugong.accounts.models import SensitiveAccess
from zugong.conftest import code, make_member, valid_id
from zugong.core.ids import mask_id_number, mask_phone
from zugong.members.exports import HEADERS
from zugong.members.models import Member, MemberStatus, MemberStatusChange
from zugong.orgs.models import Organization, OrgRollup

PASSWORD = "Zugong@2026"


def _pk(value: object) -> object:
    return "" if value is None else getattr(value, "pk", value)


def _date(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def new_member_data(org: Organization, **overrides: object) -> dict[str, object]:
    """A complete, valid POST for the create form."""
    data: dict[str, object] = {
        "name": "李明",
        "gender": code("gender", "1").pk,
        "ethnicity": code("ethnicity", "01").pk,
        "id_number": valid_id(date(1985, 3, 15), male=True),
        "birth_date": "",
        "native_place": "浙江杭州",
        "education": code("education", "21").pk,
        "degree": code("degree", "4").pk,
        "phone": "13812345678",
        "job_category": code("job_category", "0201").pk,
        "member_type": "full",
        "joined_on": "2010-07-01",
        "confirmed_on": "2011-07-01",
        "org": org.pk,
        "work_started_on": "2008-09-01",
        "address": "城关镇东村1号",
        "note": "",
    }
    data.update(overrides)
    return data


def edit_data(member: Member, **overrides: object) -> dict[str, object]:
    """The edit form's POST as the browser would send it back unchanged, plus overrides."""
    data: dict[str, object] = {
        "name": member.name,
        "gender": _pk(member.gender),
        "ethnicity": _pk(member.ethnicity),
        "id_number": member.id_number,
        "birth_date": _date(member.birth_date),
        "native_place": member.native_place,
        "education": _pk(member.education),
        "degree": _pk(member.degree),
        "phone": member.phone,
        "job_category": _pk(member.job_category),
        "member_type": member.member_type,
        "joined_on": _date(member.joined_on),
        "confirmed_on": _date(member.confirmed_on),
        "org": member.org_id,
        "work_started_on": _date(member.work_started_on),
        "address": member.address,
        "note": member.note,
        "version": member.version,
    }
    data.update(overrides)
    return data


def rollup(org: Organization) -> OrgRollup:
    return OrgRollup.objects.get(org=org)


def wrong_check_digit(id_number: str) -> str:
    digits = "0123456789X"
    return id_number[:17] + digits[(digits.index(id_number[17]) + 1) % len(digits)]


# --- create: bad data is refused with a message naming the field ------------------------------

BAD_CREATE = {
    "bad_id_checksum": (
        "id_number",
        lambda d: {"id_number": wrong_check_digit(str(d["id_number"]))},
        "公民身份号码",
    ),
    "joined_before_18": (
        "joined_on",
        lambda d: {"joined_on": "2002-01-01", "confirmed_on": "2003-01-01"},
        "入党日期",
    ),
    "bad_phone": ("phone", lambda d: {"phone": "1381234"}, "手机号"),
    "phone_not_starting_with_1": ("phone", lambda d: {"phone": "23812345678"}, "手机号"),
    "missing_name": ("name", lambda d: {"name": ""}, "姓名"),
    "blank_name": ("name", lambda d: {"name": "   "}, "姓名"),
    "malformed_date": ("joined_on", lambda d: {"joined_on": "2010-13-45"}, "入党日期"),
    "future_date": (
        "joined_on",
        lambda d: {"joined_on": "2099-01-01", "confirmed_on": ""},
        "入党日期",
    ),
    "short_id": ("id_number", lambda d: {"id_number": "33010219850315"}, "公民身份号码"),
    "probationary_with_confirmed_on": (
        "confirmed_on",
        lambda d: {"member_type": "probationary"},
        "转正日期",
    ),
    "confirmed_too_early": ("confirmed_on", lambda d: {"confirmed_on": "2010-12-01"}, "转正日期"),
}


@pytest.mark.parametrize("case", BAD_CREATE.values(), ids=BAD_CREATE.keys())
def test_create_rejects_bad_data_with_field_named_message(client, users, tree, case) -> None:
    field, change, label = case
    client.force_login(users["committee_admin"])
    data = new_member_data(tree.branch_a1)
    data.update(change(data))
    before = Member.objects.count()

    response = client.post(reverse("members:create"), data)

    assert response.status_code == 200  # the form again, never a 500
    errors = response.context["form"].errors
    assert field in errors, errors
    assert all(label in message for message in errors[field]), errors[field]
    html = response.content.decode()
    assert f'data-field="{field}"' in html
    assert errors[field][0] in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert Member.objects.count() == before


def test_create_rejects_duplicate_id_number(client, users, tree) -> None:
    existing = make_member(tree.branch_b1, "王五")
    client.force_login(users["committee_admin"])
    data = new_member_data(tree.branch_a1, id_number=existing.id_number, birth_date="")

    response = client.post(reverse("members:create"), data)

    assert response.status_code == 200
    messages = response.context["form"].errors["id_number"]
    assert any("公民身份号码" in m and "已在党员库中登记" in m for m in messages), messages
    assert Member.objects.filter(id_number=existing.id_number).count() == 1


def test_create_refuses_a_branch_outside_the_scope(client, users, tree) -> None:
    client.force_login(users["committee_admin"])
    response = client.post(reverse("members:create"), new_member_data(tree.branch_b1))
    assert response.status_code == 200
    assert any("所在党支部" in m for m in response.context["form"].errors["org"])
    assert not Member.objects.filter(org=tree.branch_b1).exists()


def test_create_form_offers_only_branches_in_scope(client, users, tree) -> None:
    client.force_login(users["committee_admin"])
    response = client.get(reverse("members:create"))
    assert response.status_code == 200
    offered = set(response.context["form"].fields["org"].queryset)
    assert offered == {tree.branch_a1, tree.branch_a2a}


def test_valid_create_redirects_and_updates_rollups(client, users, tree) -> None:
    client.force_login(users["committee_admin"])
    before = {
        org.pk: rollup(org).members_total
        for org in (tree.branch_a1, tree.town_a, tree.county, tree.town_b)
    }
    data = new_member_data(tree.branch_a1)

    response = client.post(reverse("members:create"), data)

    member = Member.objects.get(id_number=data["id_number"])
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert member.name == "李明"
    assert member.org == tree.branch_a1
    assert member.birth_date == date(1985, 3, 15)  # taken from the ID number
    assert member.name_initials == "lm"
    assert rollup(tree.branch_a1).members_total == before[tree.branch_a1.pk] + 1
    assert rollup(tree.branch_a1).members_direct == 1
    assert rollup(tree.town_a).members_total == before[tree.town_a.pk] + 1
    assert rollup(tree.county).members_total == before[tree.county.pk] + 1
    assert rollup(tree.town_b).members_total == before[tree.town_b.pk]

    page = client.get(response["Location"])
    assert "已登记党员“李明”" in page.content.decode()


# --- edit -----------------------------------------------------------------------------------


def test_edit_moves_member_to_another_branch_and_counts_follow(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "赵六", phone="13900001111")
    assert rollup(tree.branch_a1).members_total == 1
    client.force_login(users["committee_admin"])

    response = client.post(
        reverse("members:edit", args=[member.pk]), edit_data(member, org=tree.branch_a2a.pk)
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    member.refresh_from_db()
    assert member.org == tree.branch_a2a
    assert member.org_path == tree.branch_a2a.path
    assert rollup(tree.branch_a1).members_total == 0
    assert rollup(tree.branch_a1).members_direct == 0
    assert rollup(tree.branch_a2a).members_total == 1
    assert rollup(tree.branch_a2a).members_direct == 1
    assert rollup(tree.general_a2).members_total == 1
    assert rollup(tree.town_a).members_total == 1
    assert rollup(tree.county).members_total == 1

    listed = client.get(f"{reverse('members:list')}?org={tree.general_a2.pk}")
    assert [m.pk for m in listed.context["page_obj"].object_list] == [member.pk]


def test_edit_cannot_move_member_out_of_scope(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "赵六")
    client.force_login(users["committee_admin"])

    response = client.post(
        reverse("members:edit", args=[member.pk]), edit_data(member, org=tree.branch_b1.pk)
    )

    assert response.status_code == 200
    assert any("所在党支部" in m for m in response.context["form"].errors["org"])
    member.refresh_from_db()
    assert member.org == tree.branch_a1


def test_edit_of_member_outside_scope_is_404(client, users, tree) -> None:
    member = make_member(tree.branch_b1, "钱七")
    client.force_login(users["committee_admin"])
    assert client.get(reverse("members:edit", args=[member.pk])).status_code == 404
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 404


# --- masking and the sensitive-access log ----------------------------------------------------


def test_leader_sees_masked_id_and_cannot_edit(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "孙八", phone="13912345678")
    client.force_login(users["leader"])

    response = client.get(reverse("members:detail", args=[member.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "孙八" in html
    assert mask_id_number(member.id_number) in html
    assert member.id_number not in html
    assert mask_phone(member.phone) in html
    assert member.phone not in html
    assert reverse("members:edit", args=[member.pk]) not in html
    assert not SensitiveAccess.objects.exists()

    assert client.get(reverse("members:edit", args=[member.pk])).status_code == 403
    assert (
        client.post(
            reverse("members:edit", args=[member.pk]), edit_data(member, name="改名")
        ).status_code
        == 403
    )
    assert client.get(reverse("members:change_status", args=[member.pk])).status_code == 403
    assert client.get(reverse("members:create")).status_code == 403
    member.refresh_from_db()
    assert member.name == "孙八"


def test_department_admin_sees_full_id_and_access_is_logged(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "周九", phone="13912345678")
    admin = users["department_admin"]
    client.force_login(admin)

    response = client.get(reverse("members:detail", args=[member.pk]))

    html = response.content.decode()
    assert member.id_number in html
    assert member.phone in html
    access = SensitiveAccess.objects.get()
    assert access.user == admin
    assert access.subject_type == "member"
    assert access.subject_id == member.pk
    assert "公民身份号码" in access.fields

    # Other tabs show no personal data and log nothing more.
    client.get(f"{reverse('members:detail', args=[member.pk])}?tab=history")
    assert SensitiveAccess.objects.count() == 1


# --- the .xlsx export ---------------------------------------------------------------------


def _export(client, query: str = "") -> list[tuple]:  # noqa: ANN001 - the test client
    response = client.get(f"{reverse('members:list')}?export=xlsx{query}")
    assert response.status_code == 200
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def export_members(tree) -> tuple[Member, Member]:  # noqa: ANN001 - the Tree fixture
    inside = make_member(tree.branch_a1, "吴十", phone="13700001234")
    elsewhere = make_member(tree.branch_b1, "郑一", phone="13600005678")
    return inside, elsewhere


@pytest.mark.parametrize(
    "role, unmasked, sees_elsewhere",
    [
        ("branch_admin", False, False),
        ("leader", False, True),
        ("committee_admin", True, False),
        ("department_admin", True, True),
    ],
)
def test_export_masks_by_role(
    client, users, export_members, role, unmasked, sees_elsewhere
) -> None:
    inside, elsewhere = export_members
    client.force_login(users[role])

    rows = _export(client)

    assert list(rows[0]) == HEADERS
    by_name = {row[0]: row for row in rows[1:]}
    assert ("郑一" in by_name) is sees_elsewhere
    row = by_name["吴十"]
    id_col, phone_col = HEADERS.index("公民身份号码"), HEADERS.index("手机号")
    if unmasked:
        assert row[id_col] == inside.id_number
        assert row[phone_col] == inside.phone
    else:
        assert row[id_col] == mask_id_number(inside.id_number)
        assert row[phone_col] == mask_phone(inside.phone)
        assert all(inside.id_number not in str(cell) for cell in row)
    assert row[HEADERS.index("所在党支部")] == "城关镇东村党支部"


def test_export_follows_the_filters(client, users, export_members, tree) -> None:
    client.force_login(users["department_admin"])
    rows = _export(client, f"&org={tree.town_b.pk}")
    assert [row[0] for row in rows[1:]] == ["郑一"]
    rows = _export(client, "&q=ws")  # 吴十 by initials
    assert [row[0] for row in rows[1:]] == ["吴十"]


# --- status change ------------------------------------------------------------------------


def test_status_change_to_deceased_keeps_the_record(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "冯二")
    other = make_member(tree.branch_a1, "陈三")
    admin = users["committee_admin"]
    client.force_login(admin)
    assert rollup(tree.town_a).members_total == 2

    response = client.post(
        reverse("members:change_status", args=[member.pk]),
        {"to_status": MemberStatus.DECEASED, "changed_on": "2026-01-10", "reason": "因病去世"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    change = MemberStatusChange.objects.get(member=member)
    assert (change.from_status, change.to_status) == (MemberStatus.NORMAL, MemberStatus.DECEASED)
    assert change.reason == "因病去世"
    assert change.changed_on == date(2026, 1, 10)
    assert change.actor == admin
    member.refresh_from_db()
    assert member.status == MemberStatus.DECEASED
    assert rollup(tree.town_a).members_total == 1
    assert rollup(tree.branch_a1).members_total == 1

    # Gone from the default list (status defaults to 正常), still there when asked for.
    default = client.get(reverse("members:list"))
    assert [m.pk for m in default.context["page_obj"].object_list] == [other.pk]
    assert "冯二" not in default.content.decode()
    deceased = client.get(f"{reverse('members:list')}?status=deceased")
    assert [m.pk for m in deceased.context["page_obj"].object_list] == [member.pk]
    everyone = client.get(f"{reverse('members:list')}?status=")
    assert {m.pk for m in everyone.context["page_obj"].object_list} == {member.pk, other.pk}

    # The record stays, marked 死亡, without the status-change button.
    record = client.get(reverse("members:detail", args=[member.pk]))
    html = record.content.decode()
    assert record.status_code == 200
    assert "冯二" in html
    assert "党籍死亡" in html
    assert reverse("members:change_status", args=[member.pk]) not in html

    records = client.get(
        f"{reverse('members:detail', args=[member.pk])}?tab=records"
    ).content.decode()
    assert "因病去世" in records
    assert "2026-01-10" in records

    history = client.get(f"{reverse('members:detail', args=[member.pk])}?tab=history")
    entries = history.context["history_entries"]
    status_changes = [c for e in entries for c in e.changes if c.field == "党籍状态"]
    assert [(c.old, c.new) for c in status_changes] == [("正常", "死亡")]
    html = history.content.decode()
    assert "党籍状态" in html
    assert "正常 → 死亡" in html


def test_status_change_requires_a_reason(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "褚四")
    client.force_login(users["committee_admin"])

    response = client.post(
        reverse("members:change_status", args=[member.pk]),
        {"to_status": MemberStatus.DECEASED, "changed_on": "2026-01-10", "reason": ""},
    )

    assert response.status_code == 200
    assert any("变更原因" in m for m in response.context["form"].errors["reason"])
    member.refresh_from_db()
    assert member.status == MemberStatus.NORMAL
    assert not MemberStatusChange.objects.exists()


def test_status_change_rejects_a_future_date(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "卫五")
    client.force_login(users["committee_admin"])

    response = client.post(
        reverse("members:change_status", args=[member.pk]),
        {"to_status": MemberStatus.DECEASED, "changed_on": "2099-01-10", "reason": "因病去世"},
    )

    assert response.status_code == 200
    assert any("变更日期" in m for m in response.context["form"].errors["changed_on"])
    assert not MemberStatusChange.objects.exists()


# --- the top search box -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("oymy", id="initials"),
        pytest.param("OYMY", id="initials_upper_case"),
        pytest.param("ouyangming", id="full_pinyin_prefix"),
        pytest.param("欧阳明", id="characters"),
        pytest.param(" oymy ", id="surrounding_spaces"),
    ],
)
def test_search_finds_member_in_scope_only(client, users, tree, query) -> None:
    found = make_member(tree.branch_a1, "欧阳明月", male=False)
    make_member(tree.branch_b1, "欧阳明远")  # same initials, other township
    client.force_login(users["committee_admin"])
    response = client.get(reverse("members:list"), {"q": query})
    assert [m.pk for m in response.context["page_obj"].object_list] == [found.pk]


def test_search_by_last_id_digits(client, users, tree) -> None:
    found = make_member(tree.branch_a1, "欧阳明月", male=False)
    make_member(tree.branch_a1, "张三")
    client.force_login(users["committee_admin"])
    response = client.get(reverse("members:list"), {"q": found.id_number[-6:]})
    assert [m.pk for m in response.context["page_obj"].object_list] == [found.pk]


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.mark.parametrize(
    "make_query",
    [
        pytest.param(lambda m: _full_width("oymy"), id="full_width_initials"),
        pytest.param(lambda m: "oy my", id="spaced_initials"),
        pytest.param(lambda m: _full_width(m.id_number[-4:]), id="full_width_id_digits"),
    ],
)
def test_search_folds_full_width_and_spaces(client, users, tree, make_query) -> None:
    found = make_member(tree.branch_a1, "欧阳明月", male=False)
    client.force_login(users["committee_admin"])
    response = client.get(reverse("members:list"), {"q": make_query(found)})
    assert [m.pk for m in response.context["page_obj"].object_list] == [found.pk]


def test_legacy_15_digit_id_is_converted_and_the_warning_shown(client, users, tree):
    client.force_login(users["department_admin"])
    response = client.post(
        "/members/new/",
        {
            "name": "王老",
            "gender": code("gender", "1").pk,
            "id_number": "330102500101123",
            "member_type": "full",
            "joined_on": "1975-07-01",
            "confirmed_on": "1976-07-01",
            "org": tree.branch_a1.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    member = Member.objects.get(name="王老")
    assert len(member.id_number) == 18 and member.id_number.startswith("33010219500101")
    assert member.birth_date.isoformat() == "1950-01-01"
    assert "15位" in response.content.decode()


def test_an_edit_takes_effect_from_its_date_and_a_correction_from_the_start(
    client, users, tree
) -> None:
    from zugong.stats.models import MemberPeriod, PeriodSource

    member = make_member(tree.branch_a1)
    MemberPeriod.objects.filter(member=member).update(valid_from=date(2020, 1, 1))
    client.force_login(users["department_admin"])
    url = reverse("members:edit", args=[member.pk])
    response = client.post(
        url, edit_data(member, org=tree.branch_a2a.pk, effective_on="2024-05-01")
    )
    assert response.status_code == 302
    periods = list(MemberPeriod.objects.filter(member=member).order_by("valid_from"))
    assert [(p.valid_from, p.org_id) for p in periods] == [
        (date(2020, 1, 1), tree.branch_a1.pk),
        (date(2024, 5, 1), tree.branch_a2a.pk),
    ]
    member.refresh_from_db()
    response = client.post(
        url,
        edit_data(member, education=code("education", "14").pk, is_correction="on"),
    )
    assert response.status_code == 302
    assert {p.education.code for p in MemberPeriod.objects.filter(member=member)} == {"14"}
    assert MemberPeriod.objects.get(member=member, valid_from=date(2020, 1, 1)).source == (
        PeriodSource.CORRECTION
    )
    future = client.post(url, edit_data(member, effective_on="2999-01-01"))
    assert "变更生效日期" in future.content.decode() and "不能晚于今天" in future.content.decode()
    assert MemberPeriod.objects.filter(member=member).count() == 2
