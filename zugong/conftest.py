"""Shared fixtures: a small county with two townships, an unrelated county, and one account per role."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from zugong.accounts.models import Role, User
from zugong.cadres.models import Unit, UnitKind
from zugong.cadres.unit_services import create_unit
from zugong.core.ids import id_check_char
from zugong.core.models import CodeItem
from zugong.members.models import Member, MemberType
from zugong.members.services import create_member
from zugong.orgs.models import Organization
from zugong.orgs.services import create_org

_serial = itertools.count(1)


@contextmanager
def held_on(day: date) -> Iterator[None]:
    """For test modules that read the date once at import: if the run has crossed midnight
    since, hold the clock just before the end of `day` (and let it tick) so that the module
    still agrees with itself. On the same day nothing changes: a clock far from the real one
    would expire the file-backed sessions, which go by the files' real modification times."""
    if timezone.localdate() == day:
        yield
        return
    late = datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with freeze_time(late, tick=True):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # noqa: ANN001, ANN202 - pytest fixture
    """Uploads and generated sheets from tests never land in var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_code_cache():  # noqa: ANN202 - pytest fixture
    """Each test's database starts from the migrations: so does the code-table cache."""
    from zugong.core.selectors import clear_code_cache

    clear_code_cache()
    yield
    clear_code_cache()


@pytest.fixture(autouse=True)
def _empty_cache():  # noqa: ANN202 - pytest fixture
    """Throttle counts and proof-of-work challenges live in the cache: none carries over."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def code(table: str, value: str) -> CodeItem:
    return CodeItem.objects.get(table__code=table, code=value)


def valid_id(birth: date, male: bool = True, region: str = "330102") -> str:
    """A valid 18-digit number; the sequence digits are unique per call within a test run."""
    n = next(_serial) % 500
    seq = 2 * n + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


@dataclass
class Tree:
    county: Organization
    town_a: Organization
    branch_a1: Organization
    general_a2: Organization
    branch_a2a: Organization
    town_b: Organization
    branch_b1: Organization
    other_county: Organization
    other_branch: Organization


@pytest.fixture
def tree(db: None) -> Tree:
    county = create_org(
        actor=None, parent=None, name="示范县委", code="C0", kind="county_committee"
    )
    town_a = create_org(
        actor=None,
        parent=county,
        name="城关镇党委",
        short_name="城关镇",
        code="TA",
        kind="party_committee",
    )
    branch_a1 = create_org(
        actor=None,
        parent=town_a,
        name="城关镇东村党支部",
        code="A1",
        kind="branch",
        category=code("org_category", "01"),
    )
    general_a2 = create_org(
        actor=None, parent=town_a, name="城关镇机关党总支", code="A2", kind="general_branch"
    )
    branch_a2a = create_org(
        actor=None, parent=general_a2, name="城关镇机关第一党支部", code="A2A", kind="branch"
    )
    town_b = create_org(
        actor=None,
        parent=county,
        name="东关街道党工委",
        short_name="东关街道",
        code="TB",
        kind="party_committee",
    )
    branch_b1 = create_org(
        actor=None,
        parent=town_b,
        name="东关街道北社区党支部",
        code="B1",
        kind="branch",
        category=code("org_category", "02"),
    )
    other_county = create_org(
        actor=None, parent=None, name="邻县县委", code="X0", kind="county_committee"
    )
    other_branch = create_org(
        actor=None, parent=other_county, name="邻县某村党支部", code="X1", kind="branch"
    )
    return Tree(
        county,
        town_a,
        branch_a1,
        general_a2,
        branch_a2a,
        town_b,
        branch_b1,
        other_county,
        other_branch,
    )


def make_member(
    org: Organization,
    name: str = "张三",
    *,
    male: bool = True,
    birth: date = date(1980, 5, 1),
    **kw: object,
) -> Member:
    fields: dict[str, object] = {
        "name": name,
        "gender": code("gender", "1" if male else "2"),
        "id_number": valid_id(birth, male),
        "birth_date": birth,
        "member_type": MemberType.FULL,
        "joined_on": date(2005, 7, 1),
        "confirmed_on": date(2006, 7, 1),
        "org": org,
    }
    fields.update(kw)
    return create_member(actor=None, member=Member(**fields))


@pytest.fixture
def member_factory(tree: Tree):  # noqa: ANN201 - returns the helper
    return make_member


ROLE_ANCHORS = {
    Role.SYSTEM_ADMIN: "county",
    Role.DEPARTMENT_ADMIN: "county",
    Role.COMMITTEE_ADMIN: "town_a",
    Role.BRANCH_ADMIN: "branch_a1",
    Role.LEADER: "county",
    Role.CADRE_OFFICER: "county",
    Role.SUPERVISION_OFFICER: "county",
    Role.CUSTODIAN: "county",
    Role.PROBLEM_TRACKER: "town_a",
    Role.TALENT_OFFICE: "county",
}
# The cadre side's anchors (User.anchor_unit); roles not listed see no cadre data.
ROLE_UNIT_ANCHORS = {
    Role.SYSTEM_ADMIN: "county",
    Role.CADRE_OFFICER: "county",
    Role.LEADER: "town_a",
}


@dataclass
class UnitTree:
    county: Unit
    town_a: Unit
    dept: Unit
    town_b: Unit
    other_county: Unit


@pytest.fixture
def unit_tree(db: None) -> UnitTree:
    county = create_unit(actor=None, parent=None, name="示范县", kind=UnitKind.COUNTY)
    town_a = create_unit(
        actor=None, parent=county, name="城关镇", kind=UnitKind.TOWNSHIP, grade="正科级"
    )
    dept = create_unit(actor=None, parent=county, name="县财政局", grade="正科级")
    town_b = create_unit(
        actor=None, parent=county, name="河口镇", kind=UnitKind.TOWNSHIP, grade="正科级"
    )
    other = create_unit(actor=None, parent=None, name="邻县", kind=UnitKind.COUNTY)
    return UnitTree(county, town_a, dept, town_b, other)


@pytest.fixture
def users(tree: Tree, unit_tree: UnitTree) -> dict[str, User]:
    accounts = {}
    for role, anchor in ROLE_ANCHORS.items():
        unit_anchor = ROLE_UNIT_ANCHORS.get(role)
        accounts[role] = User.objects.create_user(
            username=f"u_{role}",
            password="Zugong@2026",
            role=role,
            anchor_org=getattr(tree, anchor),
            anchor_unit=getattr(unit_tree, unit_anchor) if unit_anchor else None,
            full_name=f"测试{Role(role).label}",
            is_staff=role == Role.SYSTEM_ADMIN,
            is_superuser=role == Role.SYSTEM_ADMIN,
        )
    return accounts


# --- query-count guards ---------------------------------------------------------------------

QUERY_GUARD_SMALL, QUERY_GUARD_LARGE = 5, 40


def measure_queries(client, url: str) -> tuple[int, object]:  # noqa: ANN001 - the test client
    client.get(url)  # warm caches (content types, rules) so both measurements compare alike
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def assert_flat_queries(client, url: str, grow, rows, django_assert_max_num_queries) -> None:  # noqa: ANN001
    """Render with SMALL more rows, grow to LARGE more, render again with at most as many queries."""
    small_n, large_n = QUERY_GUARD_SMALL, QUERY_GUARD_LARGE
    base = rows(client.get(url))
    grow(small_n)
    small, response = measure_queries(client, url)
    assert rows(response) == base + small_n, f"{url}: the page should show the {small_n} new rows"
    grow(large_n - small_n)
    client.get(url)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    assert rows(response) == base + large_n, f"{url}: the page should show the {large_n} new rows"
