"""Write generated demo rows through the ORM: bulk inserts in one transaction, then findings.

The rows come from `zugong.demo.generator`; this module is the only part that knows the models.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from zugong.core.models import CodeItem
from zugong.core.rules.engine import RuleContext
from zugong.core.selectors import surname_overrides
from zugong.core.services import refresh_findings
from zugong.demo.generator import PATH_STEP, DemoData, MemberRow, OrgRow, TeamRow
from zugong.members.models import Member
from zugong.members.services import contribution, derive_fields
from zugong.orgs import rollups
from zugong.orgs.models import LeadershipTeam, Organization, OrgRollup, TeamSeat
from zugong.orgs.services import next_child_path, term_years_for
from zugong.stats import periods
from zugong.stats.models import PeriodSource

BATCH = 2000
CHANGE_REASON = "演示数据初始化"
CODE_TABLES = ("gender", "ethnicity", "education", "degree", "job_category", "org_category")

Progress = Callable[[str], None]


@dataclass
class LoadResult:
    orgs: dict[int, Organization]  # generator key → saved organization
    member_pks: list[int] = field(default_factory=list)  # index = generator key
    members: int = 0
    teams: int = 0
    seats: int = 0
    findings: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def org(self, key: int) -> Organization:
        return self.orgs[key]


class MissingCodeError(LookupError):
    pass


class _Codes:
    """Every CodeItem the demo uses, loaded once: (table, code) → item."""

    def __init__(self) -> None:
        items = CodeItem.objects.filter(table__code__in=CODE_TABLES).select_related("table")
        self.items = {(item.table.code, item.code): item for item in items}

    def __call__(self, table: str, code: str | None) -> CodeItem | None:
        if code is None:
            return None
        try:
            return self.items[(table, code)]
        except KeyError:
            raise MissingCodeError(
                f"字典“{table}”中没有代码“{code}”：请先运行 manage.py migrate 载入字典。"
            ) from None


def _batches(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load(
    data: DemoData,
    *,
    rebuild: bool = True,
    with_findings: bool = True,
    progress: Progress | None = None,
) -> LoadResult:
    """Load the demo county in one transaction; returns the saved organizations by key.

    Roll-ups are computed from the rows the way the services add them; with `rebuild` they are
    then recomputed by `rebuild_rollups()` as well (the test loads without it and compares).
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    with transaction.atomic():
        codes = _Codes()
        result = LoadResult(orgs={})
        step = time.perf_counter()
        _load_orgs(data.orgs, codes, result)
        result.timings["orgs"] = time.perf_counter() - step
        say(f"党组织 {len(result.orgs)} 个")

        step = time.perf_counter()
        members = _load_members(data.members, codes, result)
        result.timings["members"] = time.perf_counter() - step
        say(f"党员 {result.members} 名")
        # The demo register is kept since 1 January two years back: last year's 党内统计 and its
        # comparison with the year before (第一表) have records to count.
        periods.open_register(
            members,
            result.orgs.values(),
            begins_on=demo_records_begin(data.today),
            source=PeriodSource.DEMO,
        )

        step = time.perf_counter()
        ctx = RuleContext(today=data.today)
        _load_teams(data.teams, result, ctx)
        result.timings["teams"] = time.perf_counter() - step
        say(f"领导班子 {result.teams} 届，班子成员 {result.seats} 人")

        step = time.perf_counter()
        _store_rollups(result.orgs.values(), members)
        if rebuild:
            rollups.rebuild_rollups()
        result.timings["rollups"] = time.perf_counter() - step

        if with_findings:
            step = time.perf_counter()
            for batch in _batches(members, BATCH):
                result.findings += refresh_findings("member", batch, ctx)
            for batch in _batches(list(result.orgs.values()), BATCH):
                result.findings += refresh_findings("organization", batch, ctx)
            result.timings["findings"] = time.perf_counter() - step
            say(f"发现的问题 {result.findings} 条")
    result.seconds = time.perf_counter() - started
    return result


def demo_records_begin(today: date) -> date:
    return date(today.year - 2, 1, 1)


def _load_orgs(rows: Sequence[OrgRow], codes: _Codes, result: LoadResult) -> None:
    # The generator numbers its root 0001; on a database that already has roots the demo county
    # takes the next free root segment, exactly as create_org would.
    root_path = next_child_path(None)
    by_depth: dict[int, list[OrgRow]] = defaultdict(list)
    for row in rows:
        by_depth[row.depth].append(row)
    # One insert per level, so every parent has its primary key before its children are built.
    for depth in sorted(by_depth):
        objs = [
            Organization(
                name=row.name,
                short_name=row.short_name,
                code=row.code,
                kind=row.kind,
                category=codes("org_category", row.category_code),
                parent=result.orgs[row.parent_key] if row.parent_key is not None else None,
                path=root_path + row.path[PATH_STEP:],
                depth=row.depth,
                founded_on=row.founded_on,
                unit_name=row.unit_name,
                unit_situation=row.unit_situation,
                contact_person=row.contact_person,
                contact_phone=row.contact_phone,
                address=row.address,
                sort_order=row.sort_order,
            )
            for row in by_depth[depth]
        ]
        saved = bulk_create_with_history(
            objs, Organization, batch_size=BATCH, default_change_reason=CHANGE_REASON
        )
        for row, org in zip(by_depth[depth], saved, strict=True):
            result.orgs[row.key] = org


def _load_members(rows: Sequence[MemberRow], codes: _Codes, result: LoadResult) -> list[Member]:
    overrides = surname_overrides()
    members = []
    for row in rows:
        member = Member(
            name=row.name,
            gender=codes("gender", row.gender_code),
            ethnicity=codes("ethnicity", row.ethnicity_code),
            id_number=row.id_number,
            birth_date=row.birth_date,
            native_place=row.native_place,
            education=codes("education", row.education_code),
            degree=codes("degree", row.degree_code),
            phone=row.phone,
            job_category=codes("job_category", row.job_category_code),
            joined_on=row.joined_on,
            confirmed_on=row.confirmed_on,
            member_type=row.member_type,
            org=result.orgs[row.org_key],
            work_started_on=row.work_started_on,
            address=row.address,
        )
        derive_fields(member, overrides=overrides)
        members.append(member)
    saved = bulk_create_with_history(
        members, Member, batch_size=BATCH, default_change_reason=CHANGE_REASON
    )
    result.members = len(saved)
    result.member_pks = [m.pk for m in saved]
    return saved


def _load_teams(rows: Sequence[TeamRow], result: LoadResult, ctx: RuleContext) -> None:
    teams = []
    for row in rows:
        org = result.orgs[row.org_key]
        # The term length in force (a local override may differ from the national default).
        years, source = term_years_for(org, ctx)
        teams.append(
            LeadershipTeam(
                org=org,
                kind=row.kind,
                elected_on=row.elected_on,
                term_years=years,
                term_ends_on=_add_years(row.elected_on, years),
                term_rule_source=source,
                is_current=row.is_current,
            )
        )
    saved = bulk_create_with_history(
        teams, LeadershipTeam, batch_size=BATCH, default_change_reason=CHANGE_REASON
    )
    seats = [
        TeamSeat(
            team=team,
            person_name=seat.person_name,
            position=seat.position,
            started_on=row.elected_on,
            ended_on=row.ended_on,
        )
        for row, team in zip(rows, saved, strict=True)
        for seat in row.seats
    ]
    bulk_create_with_history(seats, TeamSeat, batch_size=BATCH, default_change_reason=CHANGE_REASON)
    result.teams = len(saved)
    result.seats = len(seats)


def _add_years(day: date, years: int) -> date:
    # Same arithmetic as zugong.orgs.services.elect_team.
    return day + relativedelta(years=years)


def _store_rollups(orgs: Iterable[Organization], members: Sequence[Member]) -> None:
    """OrgRollup for every organization, summed along the ancestor chain as the services do."""
    orgs = list(orgs)
    totals: dict[str, dict[str, int]] = {o.path: dict.fromkeys(OrgRollup.COUNTERS, 0) for o in orgs}

    def add(path: str, counts: dict[str, int]) -> None:
        for ancestor in rollups.ancestor_paths(path):
            target = totals[ancestor]
            for name, value in counts.items():
                target[name] += value

    for org in orgs:
        add(org.path, rollups.org_contribution(org))
    for member in members:
        counts = contribution(member)
        if counts:
            add(member.org_path, counts)
            totals[member.org_path]["members_direct"] += 1
    OrgRollup.objects.filter(org__in=[o.pk for o in orgs]).delete()
    OrgRollup.objects.bulk_create(
        [OrgRollup(org=o, **totals[o.path]) for o in orgs], batch_size=BATCH
    )
