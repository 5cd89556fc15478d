"""The demo generator: determinism, valid data where intended, errors only where deliberate."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from zugong.core.ids import check_id_number
from zugong.core.models import Finding
from zugong.demo import generator as g
from zugong.demo.generator import DemoData, encode_segment, generate, plan_county
from zugong.demo.loader import load
from zugong.members.models import Member, MemberType
from zugong.orgs.models import (
    ALLOWED_CHILDREN,
    PATH_ALPHABET,
    PATH_STEP,
    LeadershipTeam,
    Organization,
    OrgKind,
    OrgRollup,
    Position,
    TeamKind,
    UnitSituation,
)
from zugong.orgs.rollups import rebuild_rollups
from zugong.orgs.services import next_child_path

TODAY = date(2026, 5, 1)


@pytest.fixture(scope="module")
def small() -> DemoData:
    return generate(seed=7, members=300, today=TODAY)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate(seed=g.DEFAULT_SEED, members=10_000, today=TODAY)


# --- determinism --------------------------------------------------------------------------


def test_same_seed_gives_the_same_rows(small: DemoData) -> None:
    again = generate(seed=7, members=300, today=TODAY)
    assert again.orgs == small.orgs
    assert again.members == small.members
    assert again.teams == small.teams
    assert again.deliberate == small.deliberate


def test_another_seed_gives_other_people(small: DemoData) -> None:
    other = generate(seed=8, members=300, today=TODAY)
    assert [m.id_number for m in other.members] != [m.id_number for m in small.members]


def test_names_and_ids_do_not_depend_on_the_reference_date(small: DemoData) -> None:
    later = generate(seed=7, members=300, today=TODAY + timedelta(days=400))

    def identity(data: DemoData) -> list[tuple[object, ...]]:
        return [(m.org_key, m.name, m.id_number, m.birth_date, m.gender_code) for m in data.members]

    assert identity(later) == identity(small)
    assert [(o.path, o.code, o.name) for o in later.orgs] == [
        (o.path, o.code, o.name) for o in small.orgs
    ]


def test_generator_constants_mirror_the_models() -> None:
    assert (g.PATH_STEP, g.PATH_ALPHABET) == (PATH_STEP, PATH_ALPHABET)
    kinds = {g.COUNTY_COMMITTEE, g.PARTY_COMMITTEE, g.PRIMARY_PARTY_COMMITTEE, g.GENERAL_BRANCH, g.BRANCH, g.BRANCH_GROUP}  # fmt: skip
    assert kinds <= set(OrgKind.values)
    assert {g.SAME_AS_PARENT, g.LEGAL_ENTITY, g.JOINT, g.OTHER} <= set(UnitSituation.values)
    assert {g.FULL, g.PROBATIONARY} == set(MemberType.values)
    assert {g.BRANCH_COMMITTEE_TEAM, g.GENERAL_BRANCH_TEAM, g.PARTY_COMMITTEE_TEAM} == set(
        TeamKind.values
    )
    positions = {g.SECRETARY, g.DEPUTY_SECRETARY, g.ORGANIZATION_MEMBER, g.PROPAGANDA_MEMBER, g.DISCIPLINE_MEMBER}  # fmt: skip
    assert positions <= set(Position.values)


def test_reference_date_and_size_are_checked() -> None:
    with pytest.raises(ValueError):
        plan_county(members=g.MIN_MEMBERS - 1, today=TODAY)
    with pytest.raises(ValueError):
        plan_county(members=300, today=date(2020, 1, 1))


# --- the tree -----------------------------------------------------------------------------


def test_demo_tree_has_the_county_shape(demo: DemoData) -> None:
    orgs = demo.orgs
    kinds = Counter(o.kind for o in orgs)
    assert 280 <= len(orgs) <= 340
    assert kinds[g.COUNTY_COMMITTEE] == 1
    assert kinds[g.PARTY_COMMITTEE] == 15
    assert kinds[g.BRANCH_GROUP] > 0
    names = {o.name for o in orgs}
    for name in ("城关镇党委", "东关街道党工委", "县直机关工委", "县教育系统党委", "县卫健系统党委", "县国资系统党委", "县两新工委"):  # fmt: skip
        assert name in names
    anchors = demo.plan.anchors
    assert orgs[anchors["county"]].kind == g.COUNTY_COMMITTEE
    assert orgs[anchors["chengguan"]].name == "城关镇党委"
    assert orgs[anchors["dongguan"]].name == "东关街道党工委"
    branch = orgs[anchors["branch"]]
    assert branch.kind == g.BRANCH and branch.path.startswith(orgs[anchors["chengguan"]].path)


@pytest.mark.parametrize("members", [300, 10_000])
def test_paths_codes_and_kinds_are_consistent(members: int) -> None:
    plan = plan_county(seed=3, members=members, today=TODAY)
    siblings: Counter[int | None] = Counter()
    for org in plan.orgs:
        assert org.key == plan.orgs.index(org)
        siblings[org.parent_key] += 1
        parent_path = plan.orgs[org.parent_key].path if org.parent_key is not None else ""
        # Exactly what next_child_path hands out: the n-th child gets segment n.
        assert org.path == parent_path + encode_segment(siblings[org.parent_key])
        assert org.depth == len(org.path) // PATH_STEP
        if org.parent_key is not None:
            assert org.kind in ALLOWED_CHILDREN[plan.orgs[org.parent_key].kind]
            assert org.founded_on >= plan.orgs[org.parent_key].founded_on
    assert [o.path for o in plan.orgs] == sorted(o.path for o in plan.orgs)
    codes = [o.code for o in plan.orgs]
    assert len(set(codes)) == len(codes)
    assert {len(c) for c in codes} == {14}
    assert all(c.isdigit() and c.startswith(g.REGION_CODE) for c in codes)


def test_branch_sizes(demo: DemoData) -> None:
    plan = demo.plan
    sizes = plan.branch_sizes
    assert set(sizes) == {b.key for b in plan.branches}
    assert sum(sizes.values()) == 10_000
    assert Counter(m.org_key for m in demo.members) == Counter(
        {k: n for k, n in sizes.items() if n}
    )
    assert min(sizes.values()) == 2
    assert max(sizes.values()) <= 80
    assert len(plan.tiny_branches) == 3 and len(plan.no_committee_branches) == 3
    assert all(sizes[k] >= 9 for k in plan.no_committee_branches)


# --- members ------------------------------------------------------------------------------


def test_ids_are_valid_except_the_deliberate_mismatch(demo: DemoData) -> None:
    mismatch = set(demo.deliberate["member.id_invalid"])
    bad = set()
    for m in demo.members:
        result = check_id_number(
            m.id_number, gender_code=m.gender_code, birth_date=m.birth_date, today=TODAY
        )
        assert result.normalized == m.id_number
        if not result.ok:
            bad.add(m.key)
        assert check_id_number(m.id_number, gender_code=m.gender_code, today=TODAY).ok
    assert bad == mismatch
    assert sum(m.id_number.startswith(g.REGION_CODE) for m in demo.members) > 0.7 * len(
        demo.members
    )


def test_ids_are_unique_except_the_deliberate_duplicate(demo: DemoData) -> None:
    counts = Counter(m.id_number for m in demo.members)
    duplicated = [m.key for m in demo.members if counts[m.id_number] > 1]
    assert tuple(duplicated) == demo.deliberate["member.duplicate_id"]
    a, b = (demo.members[k] for k in duplicated)
    assert (a.name, a.birth_date) == (b.name, b.birth_date) and a.org_key != b.org_key


def test_party_dates_are_consistent(demo: DemoData) -> None:
    under_18 = set(demo.deliberate["member.joined_under_18"])
    earliest_probation = TODAY - relativedelta(months=14)
    for m in demo.members:
        adult = m.birth_date + relativedelta(years=18)
        assert (m.joined_on < adult) == (m.key in under_18), m
        assert date(1935, 1, 1) <= m.birth_date <= date(2004, 12, 31)
        assert m.joined_on <= TODAY
        if m.member_type == g.FULL:
            assert m.confirmed_on == m.joined_on + relativedelta(years=1)
            assert m.confirmed_on <= TODAY
        else:
            assert m.confirmed_on is None
            assert earliest_probation <= m.joined_on
        if m.work_started_on is not None:
            assert m.birth_date + relativedelta(years=16) <= m.work_started_on <= TODAY


def test_probationary_members_and_overdue_probation(demo: DemoData) -> None:
    probationary = [m for m in demo.members if m.member_type == g.PROBATIONARY]
    assert 0.01 <= len(probationary) / len(demo.members) <= 0.05
    overdue = [m for m in probationary if m.joined_on + relativedelta(months=12) < TODAY]
    assert 0 < len(overdue) < len(probationary) / 3
    assert set(demo.deliberate["member.probation_overdue"]) <= {m.key for m in overdue}


def test_people_look_plausible(demo: DemoData) -> None:
    members = demo.members
    female = sum(m.gender_code == "2" for m in members) / len(members)
    assert 0.22 <= female <= 0.38
    assert sum(m.ethnicity_code == "01" for m in members) / len(members) > 0.9
    surnames = Counter(m.name[0] for m in members)
    assert surnames.most_common(1)[0][0] in "王李张"
    assert any(m.name.startswith(("欧阳", "司马")) for m in members)
    assert any(m.name[0] in "单曾仇解查区" for m in members)
    for m in members:
        assert 2 <= len(m.name) <= 4
        assert m.phone == "" or (len(m.phone) == 11 and m.phone.isdigit() and m.phone[0] == "1")
        age = relativedelta(TODAY, m.birth_date).years
        if m.job_category_code.startswith("06"):
            assert age <= 25 and m.work_started_on is None
        if m.job_category_code == "0802":
            assert age >= 50
        if m.education_code in ("11", "14"):
            assert m.degree_code in ("2", "3")
    incomplete = sum(not m.phone or not m.address for m in members) / len(members)
    assert 0.005 <= incomplete <= 0.04


# --- teams --------------------------------------------------------------------------------


def test_teams_cover_most_committees_and_some_are_due(demo: DemoData) -> None:
    current = [t for t in demo.teams if t.is_current]
    assert len({t.org_key for t in current}) == len(current)
    committees = [o for o in demo.orgs if o.kind in (g.PARTY_COMMITTEE, g.PRIMARY_PARTY_COMMITTEE, g.GENERAL_BRANCH)]  # fmt: skip
    assert {o.key for o in committees} <= {t.org_key for t in current}
    assert not {t.org_key for t in current} & set(demo.plan.no_committee_branches)
    assert len(demo.deliberate["org.term_overdue"]) >= 3
    assert len(demo.deliberate["org.term_due"]) >= 10
    assert demo.plan.anchors["branch"] in demo.deliberate["org.term_due"]
    by_org = {t.org_key: t for t in current}
    for team in demo.teams:
        assert team.elected_on <= TODAY
        assert team.term_ends_on == team.elected_on + relativedelta(years=team.term_years)
        assert team.seats and team.seats[0].position == g.SECRETARY
        if not team.is_current:
            assert team.ended_on == by_org[team.org_key].elected_on
            assert team.elected_on > demo.orgs[team.org_key].founded_on


# --- loading ------------------------------------------------------------------------------


def _rollups() -> dict[int, dict[str, int]]:
    return {
        r.org_id: {k: getattr(r, k) for k in OrgRollup.COUNTERS} for r in OrgRollup.objects.all()
    }


@pytest.mark.django_db
def test_small_load_matches_rebuilt_rollups_and_shows_the_deliberate_findings(
    small: DemoData,
) -> None:
    result = load(small, rebuild=False)
    assert Organization.objects.count() == len(small.orgs)
    assert Member.objects.count() == len(small.members) == len(result.member_pks)
    assert LeadershipTeam.objects.count() == len(small.teams)

    loaded = _rollups()
    rebuild_rollups()
    assert loaded == _rollups()
    root = result.org(small.plan.anchors["county"])
    assert root.rollup.members_total == 300
    assert root.rollup.orgs_total == len(small.orgs)

    def subjects(rule_id: str) -> set[int]:
        return set(Finding.objects.filter(rule_id=rule_id).values_list("subject_id", flat=True))

    for rule_id, keys in small.deliberate.items():
        if rule_id.startswith("member."):
            expected = {result.member_pks[k] for k in keys}
        else:
            expected = {result.org(k).pk for k in keys}
        assert expected, rule_id
        if rule_id in ("org.branch_too_small", "member.probation_overdue"):
            # At 300 members some branches are small by chance as well.
            assert expected <= subjects(rule_id), rule_id
        else:
            assert expected == subjects(rule_id), rule_id


@pytest.mark.django_db
def test_loaded_records_are_valid_and_paths_continue_like_the_services(small: DemoData) -> None:
    result = load(small)
    for org in Organization.objects.select_related("category", "parent")[:40]:
        org.full_clean()
    for member in Member.objects.select_related("org")[:40]:
        member.full_clean()
        assert member.org_path == member.org.path and member.org.kind == OrgKind.BRANCH
        assert member.id_number_reversed == member.id_number[::-1]
    root = result.org(small.plan.anchors["county"])
    assert next_child_path(root) == root.path + encode_segment(root.children.count() + 1)
    assert Member.history.count() == Member.objects.count()
    incomplete = Member.objects.filter(completeness__lt=100).count()
    assert 0 < incomplete < 30


@pytest.mark.django_db
def test_load_next_to_an_existing_county_takes_the_next_root(small: DemoData) -> None:
    from zugong.orgs.services import create_org

    create_org(actor=None, parent=None, name="邻县县委", code="X0", kind=OrgKind.COUNTY_COMMITTEE)
    result = load(small, with_findings=False)
    root = result.org(small.plan.anchors["county"])
    assert root.path == encode_segment(2)
    assert Organization.objects.filter(path__startswith=root.path).count() == len(small.orgs)
