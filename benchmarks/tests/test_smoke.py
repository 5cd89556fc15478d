"""The benchmark harness at toy scale on SQLite (no gunicorn, no PostgreSQL):

    ZUGONG_TESTING=1 .venv/bin/python -m pytest benchmarks/tests -q

Not in the project's testpaths; it checks that the loader's derived columns and roll-up sums match
the project's own functions, that the plan rescaling keeps the deliberate cases valid, that the
ceiling view returns the list page's first rows, and that the import sheet imports cleanly.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from benchmarks.load import MemberColumns, grow_tree, rescale_plan
from benchmarks.run import markdown, percentile

TODAY = date(2025, 6, 1)


def test_percentile() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([3.0], 95) == 3.0


def test_rescaled_plan_keeps_shape_and_cases() -> None:
    tree = grow_tree(members=2000, target_orgs=200, seed=7, today=TODAY, log=lambda _m: None)
    plan = rescale_plan(tree, 2000)
    assert abs(len(plan.orgs) - 200) <= 20
    assert sum(plan.branch_sizes.values()) == 2000
    assert all(size >= 1 for size in plan.branch_sizes.values())
    for k in plan.tiny_branches:
        assert plan.branch_sizes[k] == tree.branch_sizes[k]
    assert plan.branch_sizes[plan.anchors["branch"]] >= 12
    for (k, index), _role in plan.designated.items():
        assert index < plan.branch_sizes[k]
    assert len(plan.designated) == len(tree.designated)


@pytest.mark.django_db
def test_member_columns_equal_derive_fields() -> None:
    from zugong.core.models import CodeItem
    from zugong.core.selectors import surname_overrides
    from zugong.demo.generator import iter_members, plan_county
    from zugong.members.models import Member
    from zugong.members.services import contribution, derive_fields
    from zugong.orgs.models import Organization

    plan = plan_county(seed=3, members=400, today=TODAY)
    items = {(i.table.code, i.code): i for i in CodeItem.objects.select_related("table")}

    def code(table: str, value: str | None) -> CodeItem | None:
        return items[(table, value)] if value is not None else None

    overrides = surname_overrides()
    columns = MemberColumns(code, [o.path for o in plan.orgs], overrides, now=None)
    expected_direct: dict[int, dict[str, int]] = {}
    for row in iter_members(plan):
        values = dict(zip(MemberColumns.COLUMNS, columns(row), strict=True))
        member = Member(
            name=row.name,
            gender=code("gender", row.gender_code),
            ethnicity=code("ethnicity", row.ethnicity_code),
            id_number=row.id_number,
            birth_date=row.birth_date,
            native_place=row.native_place,
            education=code("education", row.education_code),
            degree=code("degree", row.degree_code),
            phone=row.phone,
            job_category=code("job_category", row.job_category_code),
            joined_on=row.joined_on,
            confirmed_on=row.confirmed_on,
            member_type=row.member_type,
            org=Organization(path=plan.orgs[row.org_key].path),
            work_started_on=row.work_started_on,
            address=row.address,
        )
        derive_fields(member, overrides)
        for name in ("name_pinyin", "name_initials", "id_number_reversed", "org_path"):
            assert values[name] == getattr(member, name), (name, row.name)
        assert values["completeness"] == member.completeness
        own = expected_direct.setdefault(row.org_key, {})
        for name, value in contribution(member).items():
            own[name] = own.get(name, 0) + value
        own["members_direct"] = own.get("members_direct", 0) + 1
    for key, own in expected_direct.items():
        assert {k: v for k, v in columns.direct[key].items() if v or k in own} == own


@pytest.fixture
def demo(db: None):
    from zugong.demo.generator import generate
    from zugong.demo.loader import load

    data = generate(seed=5, members=300, today=TODAY)
    return data, load(data, with_findings=False)


@override_settings(ROOT_URLCONF="benchmarks.urls")
def test_ceiling_returns_the_list_pages_first_rows(demo, client) -> None:
    from benchmarks.scenarios import discover, ensure_users, session_cookie
    from zugong.members.selectors import MemberFilters, member_list

    targets = discover()
    users = ensure_users(targets)
    name, value = session_cookie(users["dept"]).split("=", 1)
    client.cookies[name] = value
    response = client.get("/bench/ceiling/")
    assert response.status_code == 200
    ids = [int(line.split("\t")[0]) for line in response.content.decode().splitlines()]
    expected = list(member_list(users["dept"], MemberFilters()).values_list("id", flat=True)[:50])
    assert ids == expected and len(ids) == 50
    assert client.get("/members/?gender=2&age_band=36-40").status_code == 200


def test_import_sheet_imports_cleanly(demo, tmp_path, settings) -> None:
    from django.core.files.uploadedfile import UploadedFile
    from django.utils import timezone

    from benchmarks.importfile import free_region, write_member_sheet
    from benchmarks.scenarios import discover, ensure_users
    from zugong.core.imports.runner import start_import

    settings.MEDIA_ROOT = tmp_path / "media"
    targets = discover()
    users = ensure_users(targets)
    path = tmp_path / "members.xlsx"
    rows = write_member_sheet(
        path, rows=40, town=targets.town, region=free_region(), today=timezone.localdate()
    )
    with path.open("rb") as fh:
        upload = UploadedFile(file=fh, name=path.name, size=path.stat().st_size)
        job = start_import(user=users["town"], spec_name="members", uploaded_file=upload)
    assert (job.status, job.errors[:3], job.created_count) == ("done", [], rows)


def test_markdown_table() -> None:
    report = {
        "args": {"clients": 8},
        "pages": {
            "list_county": {
                "scenario": {
                    "label": "x",
                    "urls": ["/members/"],
                    "kind": "page",
                    "target_p95_ms": 50.0,
                },
                "single": {"p50_ms": 10.0, "p95_ms": 12.0},
                "concurrent": {"p50_ms": 20.0, "p95_ms": 60.0, "req_per_s": 90, "failures": 0},
            }
        },
    }
    assert "| FAIL |" in markdown(report)


# --------------------------------------------------------------------------------------------
# Issue 8: the province's other registers, the mixed load, the soak's memory verdict


@pytest.mark.django_db
def test_name_keys_equal_the_registers_derive_functions() -> None:
    from benchmarks.cadres_load import NameKeys
    from zugong.cadres.archive_services import derive_names
    from zugong.cadres.models import Cadre
    from zugong.talents.models import Talent
    from zugong.talents.services import derive_fields

    keys = NameKeys()
    for name in ("单雄信", "张伟", "欧阳娜娜", "曾国藩"):
        cadre, talent = Cadre(name=name), Talent(name=name)
        derive_names(cadre)
        derive_fields(talent)
        assert keys(name) == (cadre.name_pinyin, cadre.name_initials)
        assert (talent.name_pinyin, talent.name_initials) == keys(name)


def test_talent_objects_are_valid_records(demo) -> None:
    from benchmarks.cadres_load import NameKeys
    from benchmarks.talents_load import talent_areas, talent_objects
    from zugong.core.ids import check_id_number
    from zugong.talents.models import Talent

    areas, weights = talent_areas()
    talents = list(
        talent_objects(
            600,
            today=TODAY,
            seed=1,
            areas=areas,
            weights=weights,
            tiers=["A", "B", "C", "D"],
            names=NameKeys(),
        )
    )
    assert len({t.id_number for t in talents}) == 600
    assert {t.org_id for t in talents} <= {a.pk for a in areas}
    for talent in talents[::37]:
        check = check_id_number(talent.id_number, today=TODAY)
        assert not check.errors, (talent.id_number, check.errors)
        assert talent.birth_date == check.birth_date and talent.gender == check.sex
        talent.full_clean(exclude=["id_number"])  # the field checks, uniqueness aside
        assert isinstance(talent, Talent) and talent.org_path == talent.org.path


@pytest.mark.django_db
def test_cadre_objects_spread_over_units() -> None:
    from benchmarks.cadres_load import NameKeys, cadre_objects
    from zugong.cadres.models import Unit

    units = [Unit(id=i, name=f"单位{i}", path=f"000{i}", depth=3) for i in range(1, 4)]
    cadres = list(cadre_objects(30, units, seed=2, names=NameKeys()))
    assert [c.unit_id for c in cadres[:6]] == [1, 2, 3, 1, 2, 3]
    assert len({c.id_number for c in cadres}) == 30
    assert all(c.id_number_reversed == c.id_number[::-1] and c.name_pinyin for c in cadres)


def test_mixed_scenario_follows_the_weights() -> None:
    from benchmarks.scenarios import MIX, Scenario, mixed_scenario

    items = [Scenario(key, key, "dept", (f"/{key}/",), expect=key.encode()) for key in MIX] + [
        Scenario("ceiling", "c", "dept", ("/bench/ceiling/",), kind="reference")
    ]
    mix = mixed_scenario(items[:3] + items[-1:])
    assert set(mix.urls) == {f"/{k}/" for k in list(MIX)[:3]}
    for key in list(MIX)[:3]:
        assert mix.urls.count(f"/{key}/") == MIX[key]
    assert all(e == u.strip("/").encode() for u, e in zip(mix.urls, mix.expects, strict=True))


def test_dashboards_need_their_url(demo) -> None:
    from django.urls import NoReverseMatch, reverse

    from benchmarks.scenarios import DASHBOARDS, dashboard_scenarios, discover

    found = {sc.key for sc in dashboard_scenarios(discover())}
    for key, *_, needs in DASHBOARDS:
        try:
            exists = not needs or bool(reverse(needs))
        except NoReverseMatch:
            exists = False
        assert (key in found) == exists


def test_memory_verdict_and_throughput() -> None:
    from benchmarks.mixload import throughput
    from benchmarks.topology import memory_verdict

    samples = [
        {"t_s": 0.0, "rss_mb": {1: 50.0, 2: 50.0}},
        {"t_s": 30.0, "rss_mb": {1: 100.0, 2: 100.0}},
        {"t_s": 60.0, "rss_mb": {1: 108.0, 2: 100.0}},
    ]
    verdict = memory_verdict(samples, warmup_s=20, growth=0.10)
    assert verdict["flat"] and verdict["workers"]["1"]["start_mb"] == 100.0
    samples.append({"t_s": 90.0, "rss_mb": {1: 115.0, 3: 60.0}})
    verdict = memory_verdict(samples, warmup_s=20, growth=0.10)
    assert not verdict["flat"]
    assert verdict["workers"]["2"]["note"] == "replaced during the soak"
    report = {
        "pages": {
            "ceiling": {"concurrent": {"req_per_s": 100.0}},
            "peer_admin": {"concurrent": {"req_per_s": 5.0}},
        },
        "mixed": {"concurrent": {"req_per_s": 60.0}},
    }
    result = throughput(report)
    assert result["ceiling_verdict"] == "pass" and result["peer_verdict"] == "pass"
    report["mixed"]["concurrent"]["req_per_s"] = 20.0
    assert throughput(report)["ceiling_verdict"] == "FAIL"
