"""The roll-up behind the 驾驶舱: per node of a tree, subtree counts by dimension and value.

Party organizations (tree "org", every organization above a branch):
- members in good standing by age band (on the day of the build), sex, ethnicity, education,
  occupation, 入党年份 and type;
- organizations by category and kind, 换届 by how soon the term ends, branches by their latest
  confirmed star rating;
- 组织生活: the year's compliance cells by state (the evaluator of zugong.life.compliance);
- 发展: open cases by stage, and the 接收预备党员 approved this year (what a plan counts);
- 党费: this year's collection so far (person-months and amounts in 分, from the dues tally);
- 人才: talents in the pool by category.
Cadre units (tree "unit", every unit): active cadres by age band, sex, 职务层次 and the young
cadres per level (within the reserve pool's age limit, a rule parameter); 职数 per level
(核定 and 实配, as the 配备一览表 counts them).

One GROUP BY per dimension, summed up the tree in Python by path prefix, written in one
transaction. Ages and the year's periods change every day, so deltas could not keep the table
right: it is rebuilt by the daily job (and on demand), and the page says when.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, NullIf, Substr
from django.utils import timezone

from zugong.core.rules.engine import RuleContext
from zugong.members.models import COUNTED_STATUSES, Member
from zugong.members.selectors import AGE_BANDS, age_band_q
from zugong.orgs.models import PATH_STEP, LeadershipTeam, Organization, OrgKind, OrgStatus
from zugong.stats.models import RollupBuild, RollupTree, StructureRollup

# Branches are not stored: a branch's panel counts its own few members live.
STORED_KINDS = frozenset(
    k for k in OrgKind.values if k not in (OrgKind.BRANCH, OrgKind.BRANCH_GROUP)
)
TERM_SOON_DAYS = 180
NONE = "none"
MEMBER_DIMENSIONS = ("age", "gender", "ethnicity", "education", "job", "joined", "type")
LIFE_STATES = ("done", "overdue", "due", "open")
DUES_FIELDS = ("due_count", "paid_count", "due_fen", "paid_fen", "covered_fen")

Row = tuple[str, str, str, int]  # (path, dimension, value, count) of what sits at the path


def age_case(on: date) -> Case:
    """The member list's age bands (members.selectors.age_band_q) on `on`, as one SQL CASE."""
    *bands, last = AGE_BANDS
    whens = [When(age_band_q(band, on), then=Value(band)) for band in bands]
    return Case(*whens, default=Value(last), output_field=CharField())


def member_dimensions(on: date) -> dict[str, Any]:
    return {
        "age": age_case(on),
        "gender": Coalesce(F("gender__code"), Value(NONE)),
        "ethnicity": Coalesce(F("ethnicity__code"), Value(NONE)),
        "education": Coalesce(F("education__code"), Value(NONE)),
        # The panels show occupation classes and 入党 decades: storing those, not every code
        # and year, keeps a province's roll-up to about a hundred rows per organization.
        "job": Coalesce(Substr(F("job_category__code"), 1, 2), Value(NONE)),
        "joined": Coalesce(Cast(ExtractYear("joined_on"), IntegerField()) / 10 * 10, Value(0)),
        "type": F("member_type"),
    }


def _grouped(qs: QuerySet[Any], path_field: str, dimension: str, expression: Any) -> Iterator[Row]:
    rows = qs.annotate(v=expression).values(path_field, "v").annotate(n=Count("id")).order_by()
    for row in rows.iterator(chunk_size=20000):
        yield row[path_field], dimension, str(row["v"]), row["n"]


def _member_rows(on: date, path: str) -> Iterator[Row]:
    members = Member.objects.filter(status__in=COUNTED_STATUSES, org_path__startswith=path)
    for dimension, expression in member_dimensions(on).items():
        yield from _grouped(members, "org_path", dimension, expression)


def _org_rows(on: date, path: str) -> Iterator[Row]:
    active = Organization.objects.filter(status=OrgStatus.ACTIVE, path__startswith=path)
    for dimension, field in (("org_category", "category__code"), ("org_kind", "kind")):
        for org_path, value in active.values_list("path", field).iterator(chunk_size=20000):
            yield org_path, dimension, value or NONE, 1
    soon = on + relativedelta(days=TERM_SOON_DAYS)
    teams = LeadershipTeam.objects.filter(
        is_current=True, org__status=OrgStatus.ACTIVE, org__path__startswith=path
    ).annotate(
        v=Case(
            When(term_ends_on__lt=on, then=Value("overdue")),
            When(term_ends_on__lte=soon, then=Value("soon")),
            default=Value("ok"),
            output_field=CharField(),
        )
    )
    for org_path, value in teams.values_list("org__path", "v").iterator(chunk_size=20000):
        yield org_path, "term", value, 1
    yield from _star_rows(path)


def _star_rows(path: str) -> Iterator[Row]:
    from zugong.orgs.standardization.models import AnnualScore

    confirmed = AnnualScore.objects.filter(status="confirmed")
    latest = confirmed.aggregate(y=Max("year"))["y"]
    if latest is None:
        return
    latest_year = confirmed.filter(year=latest, org__path__startswith=path)
    for org_path, stars in latest_year.values_list("org__path", "stars").iterator():
        yield org_path, "stars", str(stars), 1


def _life_rows(on: date, path: str) -> Iterator[Row]:
    """The year's compliance cells of each organization, by state (three queries in all)."""
    from zugong.life import compliance

    plans = compliance.plans_for(RuleContext(on), on.year)
    ev = compliance.Evaluator(
        plans,
        compliance.load_committees(path, plans),
        compliance.load_tallies(path, on.year, plans),
    )
    for info in compliance.load_orgs(path, plans):
        counts = ev.count(ev.cells(info))
        for state in LIFE_STATES:
            if counts[state]:
                yield info.path, "life", state, counts[state]


def _development_rows(on: date, path: str) -> Iterator[Row]:
    from zugong.development import workflow
    from zugong.development.models import Case as DevCase
    from zugong.development.models import CaseStatus, CaseStep

    open_cases = DevCase.objects.filter(status=CaseStatus.OPEN, org_path__startswith=path)
    yield from _grouped(open_cases, "org_path", "dev_stage", F("stage"))
    admitted = (
        CaseStep.objects.filter(
            definition__code=workflow.ADMISSION_APPROVAL,
            done_on__year=on.year,
            case__org_path__startswith=path,
        )
        .exclude(case__status=CaseStatus.CANCELLED)
        .values("case__org_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in admitted.iterator(chunk_size=20000):
        yield row["case__org_path"], "dev_admitted", str(on.year), row["n"]


def _fen(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


def _dues_rows(on: date, path: str) -> Iterator[Row]:
    """This year so far: the current month's tally rows hold January to now (ytd columns)."""
    from zugong.dues.models import DuesTally

    tally = DuesTally.objects.filter(year=on.year, month=on.month, org_path__startswith=path)
    rows = tally.values_list(
        "org_path",
        "ytd_due_count",
        "ytd_paid_count",
        "ytd_due_amount",
        "ytd_paid_amount",
        "ytd_covered_amount",
    )
    for org_path, due, paid, due_amount, paid_amount, covered in rows.iterator(chunk_size=20000):
        values = (due, paid, _fen(due_amount), _fen(paid_amount), _fen(covered))
        for field, value in zip(DUES_FIELDS, values, strict=True):
            if value:
                yield org_path, "dues", field, value


def _talent_rows(path: str) -> Iterator[Row]:
    from zugong.talents.models import Talent, TalentStatus

    talents = Talent.objects.filter(status=TalentStatus.ACTIVE, org_path__startswith=path)
    yield from _grouped(talents, "org_path", "talent", F("category"))


def org_rows(on: date, path: str = "") -> Iterator[Row]:
    """Every party-tree count of the organizations at or under `path` ("": all)."""
    yield from _member_rows(on, path)
    yield from _org_rows(on, path)
    yield from _life_rows(on, path)
    yield from _development_rows(on, path)
    yield from _dues_rows(on, path)
    yield from _talent_rows(path)


def young_case(on: date, ctx: RuleContext) -> Case:
    """The cadre's level when within the reserve pool's age limit for it, else "no"."""
    from zugong.cadres.growth_rules import age_limits
    from zugong.cadres.stats import birth_range

    whens = [
        When(Q(current_level=level) & birth_range(on, None, limit), then=Value(level))
        for level, limit in age_limits(ctx).items()
    ]
    return Case(*whens, default=Value("no"), output_field=CharField())


def unit_rows(on: date) -> Iterator[Row]:
    from zugong.cadres.models import Cadre, CadreStatus

    cadres = Cadre.objects.filter(status=CadreStatus.ACTIVE)
    dimensions = {
        "c_age": age_case(on),
        "c_gender": Coalesce(F("gender"), Value(NONE)),
        "c_level": Coalesce(F("current_level"), Value(NONE)),
        "c_young": young_case(on, RuleContext(on)),
    }
    for dimension, expression in dimensions.items():
        yield from _grouped(cadres, "unit_path", dimension, expression)
    yield from _staffing_rows()


def _staffing_rows() -> Iterator[Row]:
    """职数 per level: 核定 from the quotas, 实配 from the current holdings that use one (the
    same holdings the 配备一览表 counts, grouped in the database)."""
    from zugong.cadres.models import PostLevel, PostQuota
    from zugong.cadres.unit_selectors import counted_holdings

    quotas = PostQuota.objects.values_list("unit__path", "level", "approved")
    for unit_path, level, approved in quotas.iterator(chunk_size=20000):
        yield unit_path, "c_quota", level, approved
    level = Coalesce(NullIf(F("level"), Value("")), F("post__level"), Value(PostLevel.OTHER))
    held = counted_holdings(Q()).annotate(v=level).values("unit__path", "v")
    for row in held.annotate(n=Count("id")).order_by().iterator(chunk_size=20000):
        yield row["unit__path"], "c_held", row["v"], row["n"]


def _sum_up(
    rows: Iterable[Row], nodes: dict[str, int], tree: str, totals: dict[tuple, int]
) -> None:
    """Add each row to every stored node on its path (the node itself and its ancestors)."""
    for path, dimension, value, n in rows:
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            node_id = nodes.get(path[:end])
            if node_id is not None:
                totals[(tree, node_id, dimension, value or NONE)] += n


def rebuild(on: date | None = None) -> RollupBuild:
    """Recompute the whole roll-up as of `on` (today) and replace it in one transaction."""
    from zugong.cadres.models import Unit

    on = on or timezone.localdate()
    started = time.perf_counter()
    totals: dict[tuple, int] = defaultdict(int)
    orgs = dict(Organization.objects.filter(kind__in=STORED_KINDS).values_list("path", "pk"))
    _sum_up(org_rows(on), orgs, RollupTree.ORG, totals)
    units = dict(Unit.objects.values_list("path", "pk"))
    _sum_up(unit_rows(on), units, RollupTree.UNIT, totals)
    with transaction.atomic():
        _clear()
        rows = (
            StructureRollup(tree=t, node_id=node, dimension=d, value=v[:20], n=n)
            for (t, node, d, v), n in totals.items()
        )
        # In batches: a province has millions of rows, never all as objects at once.
        while batch := list(islice(rows, 5000)):
            StructureRollup.objects.bulk_create(batch)
        build = RollupBuild.objects.create(
            as_of=on, seconds=time.perf_counter() - started, rows=len(totals)
        )
    return build


def _clear() -> None:
    if connection.vendor == "postgresql":
        # Transactional in PostgreSQL, and leaves no dead rows behind as DELETE would.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {StructureRollup._meta.db_table}")
    else:
        StructureRollup.objects.all().delete()


def latest_build() -> RollupBuild | None:
    return RollupBuild.objects.first()


Counts = dict[str, dict[str, int]]


def counts(
    node_ids: Iterable[int], dimensions: Iterable[str], tree: str = RollupTree.ORG
) -> dict[int, Counts]:
    """node id → dimension → value → count, for the stored nodes of a tree (one query)."""
    out: dict[int, Counts] = defaultdict(lambda: defaultdict(dict))
    rows = StructureRollup.objects.filter(
        tree=tree, node_id__in=list(node_ids), dimension__in=list(dimensions)
    ).values_list("node_id", "dimension", "value", "n")
    for node_id, dimension, value, n in rows:
        out[node_id][dimension][value] = n
    return out


def live_counts(path: str, on: date) -> Counts:
    """The same counts computed from the records for one small subtree (a branch): what the
    roll-up would hold for it, so a branch's page needs no stored rows."""
    out: Counts = defaultdict(dict)
    for _path, dimension, value, n in org_rows(on, path):
        key = value or NONE
        out[dimension][key] = out[dimension].get(key, 0) + n
    return out


def _daily(today: date) -> str:
    build = rebuild(today)
    return f"驾驶舱结构统计：{build.rows} 行，用时 {build.seconds:.1f} 秒"
