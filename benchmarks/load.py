"""python -m benchmarks.load: the demo generator at city or province scale, COPY'd into PostgreSQL.

    python -m benchmarks.load --preset city --fresh --database-url postgres://postgres@127.0.0.1:56432/zugong_bench
    python -m benchmarks.load --members 500000 --orgs-per-member 0.05 --database-url ...

Phases (each printed with its elapsed time):

  migrate     manage.py migrate on the target database (--fresh first drops the public schema)
  plan        zugong.demo.generator.plan_county; with --orgs-per-member the tree is generated for a
              larger member count until it has members × orgs-per-member organizations, and the
              members are then spread over its branches in the generator's proportions (see
              `rescale_plan`: smaller branches, same shape; the deliberate cases stay valid)
  orgs        COPY into orgs_organization (ids = generator key + 1)
  members     iter_members → COPY into members_member; derived columns by the project's own
              functions (zugong.core.pinyin, zugong.members.completeness, the same formulas as
              members.services.derive_fields); the table's secondary indexes and foreign keys are
              dropped for the COPY and rebuilt afterwards (phase "member indexes")
  rollups     COPY of the sums computed while streaming (members.services.contribution and
              orgs.rollups.org_contribution), then orgs.rollups.rebuild_rollups() replaces them and
              the two are compared
  teams       build_teams → COPY into orgs_leadershipteam and orgs_teamseat
  periods     the dated history (stats_orgperiod, stats_memberperiod) of a register loaded whole
  findings    core.services.refresh_findings over every member and organization (skip with
              --no-findings or --skip findings)
  cadres      a cadre unit tree and members × 0.075 cadres (benchmarks.cadres_load; --cadres N)
  talents     members × 0.125 talents over the root's areas (benchmarks.talents_load; --talents N)
  meetings    a year of 组织生活 meetings and their tally (benchmarks.life_load)
  dues        this year's 党费 standards, payments and tally (benchmarks.dues_load)
  structure   the 驾驶舱's structure roll-up (zugong.stats.structure.rebuild), when the code has it
  analyze     VACUUM (ANALYZE): statistics and the visibility map, as autovacuum would leave them

`--skip base` keeps the database as it is (no drop, no members) and runs the other phases on
it, e.g. `--skip base,findings` to add the cadres, talents, meetings and dues to a loaded tree.

Not loaded: the simple_history tables (no "created" history rows for the bulk load), accounts
(the runner creates its own), holidays and rule parameters beyond what the migrations seed.
"""

from __future__ import annotations

import argparse
import heapq
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta

from benchmarks.common import (
    RESULTS_DIR,
    database_url_arg,
    machine_info,
    pg_settings,
    setup_django,
    write_json,
)

PRESETS: dict[str, tuple[int, float]] = {
    # members, organizations per member (city: 25,000 orgs; province: 200,000 orgs)
    "city": (500_000, 0.05),
    "province": (4_000_000, 0.05),
}
# Issue 8's province: 300,000 cadres and 500,000 talents to 4,000,000 members; other sizes scale.
CADRES_PER_MEMBER = 0.075
TALENTS_PER_MEMBER = 0.125
CADRES_PER_UNIT = 100  # 3,000 cadre units at the province, as benchmarks.cadres_bench
# The phases after the base (organizations, members, roll-ups, periods, teams), in order; any
# of them, and the base itself on a database loaded before, can be skipped with --skip.
EXTRA_PHASES = ("findings", "cadres", "talents", "meetings", "dues", "structure")
PROGRESS_EVERY = 100_000
FINDINGS_BATCH = 2000


def say(message: str) -> None:
    print(message, flush=True)


class Phases:
    """Elapsed time per phase, printed as each one ends."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.started = time.perf_counter()

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        say(f"[{name}] ...")
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.seconds[name] = round(elapsed, 2)
        say(f"[{name}] {elapsed:.1f} s")

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


# --------------------------------------------------------------------------------------------
# The plan: more organizations than the generator's default shape, by smaller branches


def grow_tree(
    *, members: int, target_orgs: int, seed: int, today: date, log: Callable[[str], None] = say
) -> Any:
    """plan_county for the member count whose tree has about `target_orgs` organizations.

    The generator's organization count grows linearly with its member count (towns, county
    departments, schools ... scale with it), so a few secant steps find it; within 1 %.
    """
    from zugong.demo.generator import MIN_MEMBERS, plan_county

    tree_members = max(MIN_MEMBERS, members)
    best = None
    for _ in range(6):
        plan = plan_county(seed=seed, members=tree_members, today=today)
        count = len(plan.orgs)
        log(f"  tree for {tree_members:,} members: {count:,} organizations")
        if best is None or abs(count - target_orgs) < abs(len(best.orgs) - target_orgs):
            best = plan
        if abs(count - target_orgs) <= 0.01 * target_orgs:
            break
        tree_members = max(MIN_MEMBERS, round(tree_members * target_orgs / count))
    return best


def rescale_plan(plan: Any, members: int) -> Any:
    """The same tree with `members` members, each branch keeping its share of the generator's.

    Tiny branches keep their fixed sizes, branches that carry a deliberate case keep room for it
    (and the cases that sit on a branch's last member move with it), the demo branch keeps 12
    and the branches without a committee keep 9, as plan_county guarantees.
    """
    from zugong.demo.generator import (
        DELIBERATE_DUPLICATE_COPY,
        DELIBERATE_DUPLICATE_SOURCE,
        DELIBERATE_UNDER_18,
    )

    last_index_roles = {
        DELIBERATE_DUPLICATE_SOURCE,
        DELIBERATE_DUPLICATE_COPY,
        DELIBERATE_UNDER_18,
    }
    old = plan.branch_sizes
    if sum(old.values()) == members:
        return plan
    fixed = {k: old[k] for k in plan.tiny_branches}
    free = [k for k in old if k not in fixed]
    budget = members - sum(fixed.values())
    floor = 3 if budget >= 6 * len(free) else 2 if budget >= 3 * len(free) else 1
    minimum = dict.fromkeys(free, floor)
    minimum[plan.anchors["branch"]] = max(minimum[plan.anchors["branch"]], 12)
    for k in plan.no_committee_branches:
        minimum[k] = max(minimum[k], 9)
    for (k, index), role in plan.designated.items():
        if k in minimum:
            minimum[k] = max(minimum[k], index + 1, 4 if role in last_index_roles else 0)
    if sum(minimum.values()) > budget:
        raise SystemExit(f"{members:,} members are too few for {len(old):,} branches")

    old_free = sum(old[k] for k in free)
    shares = {k: old[k] * budget / old_free for k in free}
    sizes = {k: max(minimum[k], int(shares[k])) for k in free}
    left = budget - sum(sizes.values())
    if left > 0:
        # Largest remainder first; `left` is below the number of branches.
        order = sorted(free, key=lambda k: (shares[k] - int(shares[k]), k), reverse=True)
        for i in range(left):
            sizes[order[i % len(order)]] += 1
    elif left < 0:
        # Minimums pushed the sum over: take one at a time from the branches with most room.
        heap = [(-(sizes[k] - minimum[k]), k) for k in free if sizes[k] > minimum[k]]
        heapq.heapify(heap)
        for _ in range(-left):
            room, k = heapq.heappop(heap)
            sizes[k] -= 1
            if room + 1 < 0:
                heapq.heappush(heap, (room + 1, k))
    sizes.update(fixed)
    sizes = {k: sizes[k] for k in old}  # branch order, as plan_county returns it
    designated = {
        (k, sizes[k] - 1 if role in last_index_roles else index): role
        for (k, index), role in plan.designated.items()
    }
    assert sum(sizes.values()) == members
    return replace(plan, members=members, branch_sizes=sizes, designated=designated)


# --------------------------------------------------------------------------------------------
# Rows


def checked_columns(model: Any, columns: Sequence[str]) -> list[str]:
    """The COPY column list, checked against the model so a new field fails loudly here."""
    actual = {f.column for f in model._meta.concrete_fields}
    missing, unknown = actual - set(columns), set(columns) - actual
    if missing or unknown:
        raise SystemExit(
            f"{model.__name__}: benchmarks/load.py is out of date with the model "
            f"(columns not loaded: {sorted(missing)}; unknown: {sorted(unknown)})"
        )
    return list(columns)


def copy_rows(raw: Any, model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows (tuples in `columns` order) into the model's table; returns the count."""
    from psycopg import sql

    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(c) for c in checked_columns(model, columns)),
    )
    count = 0
    with raw.cursor() as cur, cur.copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def copy_instances(raw: Any, model: Any, objs: Iterable[Any], now: Any) -> int:
    """COPY unsaved model instances (pk set) by every concrete field, as the ORM would write them.

    For the registers whose column lists are long (cadres, talents): the field's own
    get_db_prep_save adapts each value, so a new field with a default needs no change here.
    The auto_now(_add) timestamps get `now` (save() is not called).
    """
    from django.db import connection

    fields = model._meta.concrete_fields
    stamped = [getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields]

    def rows() -> Iterator[list[Any]]:
        for obj in objs:
            yield [
                now if stamp else f.get_db_prep_save(getattr(obj, f.attname), connection)
                for f, stamp in zip(fields, stamped, strict=True)
            ]

    return copy_rows(raw, model, [f.column for f in fields], rows())


def reset_sequence(raw: Any, model: Any) -> None:
    table = model._meta.db_table
    pk = model._meta.pk.column
    with raw.cursor() as cur:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "
            f'COALESCE((SELECT max("{pk}") FROM "{table}"), 1))'
        )


def drop_secondary_indexes(raw: Any, table: str) -> tuple[list[Any], list[Any]]:
    """Drop the table's non-constraint indexes and foreign keys; returns their definitions."""
    with raw.cursor() as cur:
        cur.execute(
            """
            SELECT i.relname, pg_get_indexdef(ix.indexrelid)
            FROM pg_index ix
            JOIN pg_class i ON i.oid = ix.indexrelid
            WHERE ix.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
            ORDER BY i.relname
            """,
            [table],
        )
        indexes = cur.fetchall()
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        foreign_keys = cur.fetchall()
        for name, _ in foreign_keys:
            cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    return indexes, foreign_keys


def restore_indexes(
    raw: Any, table: str, saved: tuple[list[Any], list[Any]], log: Callable[[str], None]
) -> None:
    """Recreate what drop_secondary_indexes dropped (the foreign keys are validated again)."""
    indexes, foreign_keys = saved
    with raw.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            start = time.perf_counter()
            cur.execute(definition)
            log(f"  index {name}: {time.perf_counter() - start:.1f} s")
        for name, definition in foreign_keys:
            cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        cur.execute("RESET maintenance_work_mem")


def _org_objects(plan: Any, category: Callable[[str | None], Any]) -> list[Any]:
    """Unsaved Organization instances (pk = key + 1) for the project's functions that take one."""
    from zugong.orgs.models import Organization, OrgStatus

    return [
        Organization(
            id=row.key + 1,
            name=row.name,
            kind=row.kind,
            category=category(row.category_code),
            path=row.path,
            depth=row.depth,
            status=OrgStatus.ACTIVE,
        )
        for row in plan.orgs
    ]


class MemberColumns:
    """A generated MemberRow → its members_member COPY tuple, derived columns included.

    The derived columns are what members.services.derive_fields computes, by the same project
    functions: name_pinyin/name_initials (zugong.core.pinyin, cached per name: pypinyin is the
    slowest part of a row), the reversed ID, the branch path and completeness_score() on a
    stand-in with Member's attribute names (500,000 model instances would cost more than the
    rest of a row). `direct` sums members.services.contribution() per branch for the roll-ups.
    """

    COLUMNS = (
        "id", "created_at", "updated_at", "name", "name_pinyin", "name_initials", "gender_id",
        "ethnicity_id", "id_number", "id_number_reversed", "birth_date", "native_place",
        "education_id", "degree_id", "phone", "job_category_id", "joined_on", "confirmed_on",
        "member_type", "org_id", "org_path", "status", "status_changed_on", "work_started_on",
        "address", "note", "photo", "completeness", "version",
    )  # fmt: skip

    def __init__(
        self,
        code: Callable[[str, str | None], Any],
        paths: Sequence[str],
        overrides: dict[str, str],
        now: Any,
    ) -> None:
        from zugong.core.pinyin import name_initials, name_pinyin
        from zugong.members.completeness import completeness_score
        from zugong.members.models import Member, MemberStatus
        from zugong.members.services import contribution
        from zugong.orgs.models import OrgRollup

        self.code = code
        self.paths = paths
        self.overrides = overrides
        self.now = now
        self.pinyin: dict[str, tuple[str, str]] = {}
        self.direct: dict[int, dict[str, int]] = {}
        self._name_pinyin, self._name_initials = name_pinyin, name_initials
        self._completeness, self._contribution = completeness_score, contribution
        self._counters = OrgRollup.COUNTERS
        stand_in = type(
            "MemberLike",
            (),
            {
                "__slots__": tuple(f.attname for f in Member._meta.concrete_fields) + ("gender",),
                "is_counted": Member.is_counted,
            },
        )
        self.m = stand_in()
        self.m.status = MemberStatus.NORMAL

    def _id(self, table: str, value: str | None) -> int | None:
        item = self.code(table, value)
        return item.pk if item is not None else None

    def __call__(self, row: Any) -> tuple[Any, ...]:
        keys = self.pinyin.get(row.name)
        if keys is None:
            keys = self.pinyin[row.name] = (
                self._name_pinyin(row.name, self.overrides),
                self._name_initials(row.name, self.overrides),
            )
        m = self.m
        gender = self.code("gender", row.gender_code)
        m.name = row.name
        m.gender = gender
        m.gender_id = gender.pk if gender else None
        m.ethnicity_id = self._id("ethnicity", row.ethnicity_code)
        m.id_number = row.id_number
        m.birth_date = row.birth_date
        m.native_place = row.native_place
        m.education_id = self._id("education", row.education_code)
        m.degree_id = self._id("degree", row.degree_code)
        m.phone = row.phone
        m.job_category_id = self._id("job_category", row.job_category_code)
        m.joined_on = row.joined_on
        m.confirmed_on = row.confirmed_on
        m.member_type = row.member_type
        m.work_started_on = row.work_started_on
        m.address = row.address
        m.completeness = self._completeness(m)
        added = self._contribution(m)
        if added:
            own = self.direct.get(row.org_key)
            if own is None:
                own = self.direct[row.org_key] = dict.fromkeys(self._counters, 0)
            own["members_direct"] += 1
            for name, value in added.items():
                own[name] += value
        now = self.now
        return (
            row.key + 1, now, now, row.name, keys[0], keys[1], m.gender_id, m.ethnicity_id,
            row.id_number, row.id_number[::-1], row.birth_date, row.native_place,
            m.education_id, m.degree_id, row.phone, m.job_category_id, row.joined_on,
            row.confirmed_on, row.member_type, row.org_key + 1, self.paths[row.org_key],
            m.status, None, row.work_started_on, row.address, "", "", m.completeness, 1,
        )  # fmt: skip


def load(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    phases = Phases()
    today = date.fromisoformat(args.today) if args.today else timezone.localdate()

    connection.ensure_connection()
    raw = connection.connection
    skip = args.skip
    summary: dict[str, Any] = {"seed": args.seed, "reference_date": today, "skipped": sorted(skip)}
    if "base" not in skip:
        summary.update(_load_base(args, raw, phases, today))
    summary.update(_load_extras(args, raw, phases, today))

    with phases("analyze"), raw.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")

    with raw.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        db_size = cur.fetchone()[0]
        settings = pg_settings(cur)
    summary.update(
        {
            "database_size": db_size,
            "seconds": phases.seconds,
            "total_seconds": round(phases.total, 1),
            "postgresql": settings,
            "machine": machine_info(),
        }
    )
    say(f"total {phases.total:.1f} s; database size {db_size}")
    return summary


def _load_base(args: argparse.Namespace, raw: Any, phases: Phases, today: date) -> dict[str, Any]:
    """The organizations, members, roll-ups, periods, teams (and findings unless skipped)."""
    from django.core.management import call_command

    if args.fresh:
        with phases("drop schema"), raw.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE")
            cur.execute("CREATE SCHEMA public")
    with phases("migrate"):
        call_command("migrate", interactive=False, verbosity=0)

    from zugong.orgs.models import Organization

    if Organization.objects.exists():
        raise SystemExit(
            "数据库中已有党组织：基准数据只能载入空数据库（加 --fresh 先清空 public schema，"
            "或 --skip base 只载入其余部分）。"
        )

    with phases("plan"):
        if args.orgs_per_member:
            target_orgs = round(args.members * args.orgs_per_member)
            tree = grow_tree(
                members=args.members, target_orgs=target_orgs, seed=args.seed, today=today
            )
        else:
            from zugong.demo.generator import plan_county

            tree = plan_county(seed=args.seed, members=args.members, today=today)
        plan = rescale_plan(tree, args.members)
        branches = len(plan.branch_sizes)
        say(
            f"  {len(plan.orgs):,} organizations ({branches:,} branches, tree generated for "
            f"{tree.members:,} members), {plan.members:,} members, reference date {today}"
        )

    counts = _load_rows(plan, raw, phases, findings="findings" not in args.skip)
    return {
        "members": plan.members,
        "organizations": len(plan.orgs),
        "branches": branches,
        "tree_generated_for_members": tree.members,
        "orgs_per_member": args.orgs_per_member,
        **counts,
    }


def _load_extras(args: argparse.Namespace, raw: Any, phases: Phases, today: date) -> dict[str, Any]:
    """The registers that hang off the tree: cadres, talents, meetings, dues, the roll-up."""
    import importlib.util

    from django.utils import timezone

    from zugong.orgs.models import Organization

    if not Organization.objects.exists():
        raise SystemExit("没有党组织：先载入基础数据（不要 --skip base）。")
    counts: dict[str, Any] = {}
    now = timezone.now()
    if "cadres" not in args.skip:
        from benchmarks.cadres_load import load_cadres

        with phases("cadres"):
            units = max(args.cadres // CADRES_PER_UNIT, 1)
            counts["cadres"] = load_cadres(raw, args.cadres, units, now=now)
            say(f"  {counts['cadres']}")
    if "talents" not in args.skip:
        from benchmarks.talents_load import load_talents

        with phases("talents"):
            counts["talents"] = load_talents(raw, args.talents, today=today, now=now)
            say(f"  {counts['talents']}")
    if "meetings" not in args.skip:
        from benchmarks import life_load

        with phases("meetings"):
            counts["meetings"] = life_load.load(
                argparse.Namespace(today=today.isoformat(), gap=0.08, seed=args.seed)
            )
    if "dues" not in args.skip:
        from benchmarks import dues_load

        with phases("dues"):
            counts["dues"] = dues_load.load(
                argparse.Namespace(today=today.isoformat(), seed=args.seed)
            )
    # The 驾驶舱's structure roll-up (issue 8, on its way to main): built when the code has it.
    if "structure" not in args.skip and importlib.util.find_spec("zugong.stats.structure"):
        from zugong.stats import structure

        with phases("structure"):
            counts["structure"] = str(structure.rebuild(today))
    return counts


def _load_rows(plan: Any, raw: Any, phases: Phases, *, findings: bool) -> dict[str, Any]:
    from django.utils import timezone

    from zugong.core.models import CodeItem
    from zugong.core.rules.engine import RuleContext
    from zugong.core.selectors import surname_overrides
    from zugong.demo.generator import LeaderPool, build_teams, iter_members
    from zugong.demo.loader import CODE_TABLES
    from zugong.members.models import Member
    from zugong.orgs import rollups
    from zugong.orgs.models import LeadershipTeam, Organization, OrgRollup, OrgStatus, TeamSeat
    from zugong.orgs.services import term_years_for

    now = timezone.now()
    items = {
        (item.table.code, item.code): item
        for item in CodeItem.objects.filter(table__code__in=CODE_TABLES).select_related("table")
    }

    def code(table: str, value: str | None) -> Any:
        if value is None:
            return None
        try:
            return items[(table, value)]
        except KeyError:
            raise SystemExit(f"code table {table} has no code {value}: migrate first") from None

    def code_id(table: str, value: str | None) -> int | None:
        item = code(table, value)
        return item.pk if item is not None else None

    orgs = _org_objects(plan, lambda c: code("org_category", c))
    counts: dict[str, Any] = {}

    with phases("orgs"):
        org_columns = (
            "id", "created_at", "updated_at", "name", "short_name", "code", "kind",
            "category_id", "parent_id", "path", "depth", "status", "founded_on", "dissolved_on",
            "dissolved_reason", "unit_name", "unit_situation", "contact_person", "contact_phone",
            "address", "sort_order", "note", "version",
        )  # fmt: skip
        counts["organizations_copied"] = copy_rows(
            raw,
            Organization,
            org_columns,
            (
                (
                    row.key + 1,
                    now,
                    now,
                    row.name,
                    row.short_name,
                    row.code,
                    row.kind,
                    code_id("org_category", row.category_code),
                    row.parent_key + 1 if row.parent_key is not None else None,
                    row.path,
                    row.depth,
                    OrgStatus.ACTIVE,
                    row.founded_on,
                    None,
                    "",
                    row.unit_name,
                    row.unit_situation,
                    row.contact_person,
                    row.contact_phone,
                    row.address,
                    row.sort_order,
                    "",
                    1,
                )  # fmt: skip
                for row in plan.orgs
            ),
        )
        reset_sequence(raw, Organization)

    members = MemberColumns(code, [row.path for row in plan.orgs], surname_overrides(), now)
    pool = LeaderPool(plan)
    direct = members.direct

    def member_rows() -> Iterator[tuple[Any, ...]]:
        started = time.perf_counter()
        for n, row in enumerate(iter_members(plan), start=1):
            pool.add(row)
            yield members(row)
            if n % PROGRESS_EVERY == 0:
                elapsed = time.perf_counter() - started
                say(f"  {n:,} members, {n / elapsed:,.0f}/s")

    saved = drop_secondary_indexes(raw, Member._meta.db_table)
    try:
        with phases("members"):
            counts["members_copied"] = copy_rows(raw, Member, MemberColumns.COLUMNS, member_rows())
            reset_sequence(raw, Member)
            say(f"  {len(members.pinyin):,} distinct names")
    finally:
        with phases("member indexes"):
            restore_indexes(raw, Member._meta.db_table, saved, say)

    with phases("rollups"):
        totals = {}
        for org in orgs:
            own = dict(direct.get(org.pk - 1) or dict.fromkeys(OrgRollup.COUNTERS, 0))
            for name, value in rollups.org_contribution(org).items():
                own[name] += value
            totals[org.pk - 1] = own
        for row in reversed(plan.orgs):  # children before parents
            if row.parent_key is not None:
                parent = totals[row.parent_key]
                for name, value in totals[row.key].items():
                    if name != "members_direct":
                        parent[name] += value
        copy_rows(
            raw,
            OrgRollup,
            ("org_id", *OrgRollup.COUNTERS),
            (
                (key + 1, *(totals[key][c] for c in OrgRollup.COUNTERS))
                for key in range(len(plan.orgs))
            ),
        )
    with phases("rebuild_rollups"):
        rollups.rebuild_rollups()
        rebuilt = {
            row[0]: row[1:] for row in OrgRollup.objects.values_list("org_id", *OrgRollup.COUNTERS)
        }
        streamed = {key + 1: tuple(totals[key][c] for c in OrgRollup.COUNTERS) for key in totals}
        differ = sum(1 for pk, values in streamed.items() if rebuilt.get(pk) != values)
        counts["rollups_differing_from_rebuild"] = differ
        say(
            f"  rebuild_rollups() {'agrees with' if not differ else 'DIFFERS from'} the "
            f"streamed sums ({differ} of {len(streamed):,} organizations differ)"
        )

    with phases("periods"):
        counts.update(_copy_periods(raw, plan.today))

    with phases("teams"):
        ctx = RuleContext(today=plan.today)
        term: dict[tuple[str, str], tuple[int, str]] = {}
        team_rows = build_teams(plan, pool)
        team_values = []
        seat_values = []
        for team_id, row in enumerate(team_rows, start=1):
            org = orgs[row.org_key]
            key = (org.kind, org.category.code if org.category_id else "")
            if key not in term:
                term[key] = term_years_for(org, ctx)
            years, source = term[key]
            team_values.append(
                (
                    team_id,
                    now,
                    now,
                    org.pk,
                    row.kind,
                    row.elected_on,
                    years,
                    row.elected_on + relativedelta(years=years),
                    source,
                    row.is_current,
                    "",
                )  # fmt: skip
            )
            for seat in row.seats:
                seat_values.append(
                    (
                        len(seat_values) + 1,
                        team_id,
                        seat.person_name,
                        seat.position,
                        row.elected_on,
                        row.ended_on,
                    )
                )
        counts["teams"] = copy_rows(
            raw,
            LeadershipTeam,
            (
                "id",
                "created_at",
                "updated_at",
                "org_id",
                "kind",
                "elected_on",
                "term_years",
                "term_ends_on",
                "term_rule_source",
                "is_current",
                "note",
            ),  # fmt: skip
            team_values,
        )
        counts["seats"] = copy_rows(
            raw,
            TeamSeat,
            ("id", "team_id", "person_name", "position", "started_on", "ended_on"),
            seat_values,
        )
        reset_sequence(raw, LeadershipTeam)
        reset_sequence(raw, TeamSeat)

    if findings:
        with phases("findings"):
            counts["findings"] = _refresh_all_findings(plan)
    return counts


def _copy_periods(raw: Any, today: Any) -> dict[str, int]:
    """The dated history (zugong.stats) of a register loaded whole, as the demo loader writes it
    (periods.open_register): records begin on 1 January two years back, a member counts from
    joining when later, and a 正式党员 confirmed after that start was 预备 until then."""
    from zugong.demo.loader import demo_records_begin

    begins = demo_records_begin(today)
    member_cols = "org_id, status, gender_id, ethnicity_id, education_id, job_category_id"
    start = "GREATEST(%(b)s, COALESCE(joined_on, %(b)s))"
    late = f"member_type = 'full' AND confirmed_on > {start}"
    with raw.cursor() as cur:
        cur.execute(
            "INSERT INTO stats_orgperiod (org_id, valid_from, source, recorded_at, parent_id, "
            "path, kind, category_id, status, name) SELECT id, "
            "LEAST(COALESCE(founded_on, %(b)s), %(b)s), 'baseline', now(), parent_id, path, kind, "
            "category_id, status, name FROM orgs_organization",
            {"b": begins},
        )
        orgs = cur.rowcount
        cur.execute(
            f"INSERT INTO stats_memberperiod (member_id, valid_from, valid_to, source, recorded_at, "
            f"member_type, {member_cols}) SELECT id, {start}, confirmed_on, 'baseline', now(), "
            f"'probationary', {member_cols} FROM members_member WHERE {late}",
            {"b": begins},
        )
        early = cur.rowcount
        cur.execute(
            f"INSERT INTO stats_memberperiod (member_id, valid_from, source, recorded_at, "
            f"member_type, {member_cols}) SELECT id, CASE WHEN {late} THEN confirmed_on "
            f"ELSE {start} END, 'baseline', now(), member_type, {member_cols} FROM members_member",
            {"b": begins},
        )
        members = cur.rowcount
    say(f"  {orgs:,} organization and {early + members:,} member periods from {begins}")
    return {"org_periods": orgs, "member_periods": early + members}


def _refresh_all_findings(plan: Any) -> int:
    from zugong.core.rules.engine import RuleContext
    from zugong.core.services import refresh_findings
    from zugong.members.models import Member
    from zugong.orgs.models import Organization

    ctx = RuleContext(today=plan.today)
    total = 0
    last = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(1, last + 1, FINDINGS_BATCH):
        batch = list(Member.objects.filter(pk__gte=start, pk__lt=start + FINDINGS_BATCH))
        total += refresh_findings("member", batch, ctx)
    org_total = 0
    last = Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(1, last + 1, FINDINGS_BATCH):
        batch = list(
            Organization.objects.select_related("category").filter(
                pk__gte=start, pk__lt=start + FINDINGS_BATCH
            )
        )
        org_total += refresh_findings("organization", batch, ctx)
    say(f"  {total:,} member findings, {org_total:,} organization findings")
    return total + org_total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), help="city or province")
    parser.add_argument("--members", type=int, help="member count (default: the preset's)")
    parser.add_argument(
        "--orgs-per-member",
        type=float,
        help="grow the tree to members × this many organizations (city and province: 0.05); "
        "without it the generator's default shape (about 0.022 at 500,000 members)",
    )
    parser.add_argument("--seed", type=int, default=None, help="generator seed (default 2026)")
    parser.add_argument("--today", help="reference date YYYY-MM-DD (default: today)")
    parser.add_argument("--database-url", help="postgres://... (default: $DATABASE_URL)")
    parser.add_argument(
        "--fresh", action="store_true", help="drop and recreate the public schema first"
    )
    parser.add_argument(
        "--findings",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="compute the rule findings for every member and organization (default: on)",
    )
    parser.add_argument(
        "--skip",
        default="",
        help=f"comma list of phases to leave out: base,{','.join(EXTRA_PHASES)} "
        "(base: keep the loaded tree and members, load the rest onto it)",
    )
    parser.add_argument("--cadres", type=int, help="cadres (default: members × 0.075)")
    parser.add_argument("--talents", type=int, help="talents (default: members × 0.125)")
    args = parser.parse_args(argv)
    args.skip = set(filter(None, args.skip.split(",")))
    unknown = args.skip - {"base", *EXTRA_PHASES}
    if unknown:
        parser.error(f"--skip: unknown phases {sorted(unknown)}")
    if not args.findings:
        args.skip.add("findings")
    preset_members, preset_ratio = PRESETS.get(args.preset or "", (None, None))
    args.members = args.members or preset_members
    if not args.members:
        parser.error("--members or --preset is required")
    if args.cadres is None:
        args.cadres = round(args.members * CADRES_PER_MEMBER)
    if args.talents is None:
        args.talents = round(args.members * TALENTS_PER_MEMBER)
    if args.orgs_per_member is None:
        args.orgs_per_member = preset_ratio
    url = database_url_arg(args.database_url)
    if args.fresh and "base" in args.skip:
        parser.error("--fresh with --skip base would leave an empty database")
    if args.fresh and urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--fresh drops the public schema: only for a local throwaway database")
    setup_django(url)
    from zugong.demo.generator import DEFAULT_SEED

    args.seed = DEFAULT_SEED if args.seed is None else args.seed
    summary = load(args)
    label = args.preset or f"{args.members}"
    path = RESULTS_DIR / f"load-{label}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    write_json(path, summary)
    say(f"summary: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
