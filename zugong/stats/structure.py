"""The structure roll-up behind the 驾驶舱: per organization, subtree counts by dimension.

Members in good standing by age band (on the day of the build), sex, ethnicity, education,
occupation, 入党年份 and type; organizations by category and kind; 换届 by how soon the term
ends; branches by their latest confirmed star rating. One GROUP BY per dimension over the
register, summed up the tree in Python by path prefix, written in one transaction. Ages change
every day, so deltas could not keep the table right: it is rebuilt by the daily job (and on
demand), and each panel says when.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Max, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from zugong.members.models import COUNTED_STATUSES, Member
from zugong.members.selectors import AGE_BANDS
from zugong.orgs.models import PATH_STEP, LeadershipTeam, Organization, OrgKind, OrgStatus
from zugong.stats.models import RollupBuild, StructureRollup

# Branches are not stored: a branch's panel counts its own few members live.
STORED_KINDS = frozenset(
    k for k in OrgKind.values if k not in (OrgKind.BRANCH, OrgKind.BRANCH_GROUP)
)
TERM_SOON_DAYS = 180
NONE = "none"


def age_case(on: date) -> Case:
    """members.selectors.AGE_BANDS on `on`, as a SQL CASE over the birth date."""
    whens = []
    for key, (_low, high) in AGE_BANDS.items():
        if high is not None:
            whens.append(When(birth_date__gt=on - relativedelta(years=high + 1), then=Value(key)))
    last = next(k for k, (_low, high) in AGE_BANDS.items() if high is None)
    return Case(*whens, default=Value(last), output_field=CharField())


def member_dimensions(on: date) -> dict[str, object]:
    return {
        "age": age_case(on),
        "gender": Coalesce(F("gender__code"), Value(NONE)),
        "ethnicity": Coalesce(F("ethnicity__code"), Value(NONE)),
        "education": Coalesce(F("education__code"), Value(NONE)),
        "job": Coalesce(F("job_category__code"), Value(NONE)),
        "joined": Coalesce(ExtractYear("joined_on"), Value(0)),
        "type": F("member_type"),
    }


def _direct_counts(on: date) -> Iterable[tuple[str, str, str, int]]:
    """(org path, dimension, value, count) for what sits directly at each path."""
    members = Member.objects.filter(status__in=COUNTED_STATUSES)
    for dimension, expression in member_dimensions(on).items():
        rows = members.annotate(v=expression).values("org_path", "v").annotate(n=Count("id"))
        for row in rows.order_by().iterator(chunk_size=20000):
            yield row["org_path"], dimension, str(row["v"]), row["n"]
    active = Organization.objects.filter(status=OrgStatus.ACTIVE)
    for dimension, field in (("org_category", "category__code"), ("org_kind", "kind")):
        for path, value in active.values_list("path", field).iterator(chunk_size=20000):
            yield path, dimension, value or NONE, 1
    soon = on + relativedelta(days=TERM_SOON_DAYS)
    teams = LeadershipTeam.objects.filter(is_current=True, org__status=OrgStatus.ACTIVE).annotate(
        v=Case(
            When(term_ends_on__lt=on, then=Value("overdue")),
            When(term_ends_on__lte=soon, then=Value("soon")),
            default=Value("ok"),
            output_field=CharField(),
        )
    )
    for path, value in teams.values_list("org__path", "v").iterator(chunk_size=20000):
        yield path, "term", value, 1
    yield from _star_counts()


def _star_counts() -> Iterable[tuple[str, str, str, int]]:
    from zugong.orgs.standardization.models import AnnualScore

    confirmed = AnnualScore.objects.filter(status="confirmed")
    latest = confirmed.aggregate(y=Max("year"))["y"]
    if latest is None:
        return
    for path, stars in confirmed.filter(year=latest).values_list("org__path", "stars").iterator():
        yield path, "stars", str(stars), 1


def rebuild(on: date | None = None) -> RollupBuild:
    """Recompute the whole roll-up as of `on` (today) and replace it in one transaction."""
    on = on or timezone.localdate()
    started = time.perf_counter()
    stored = dict(Organization.objects.filter(kind__in=STORED_KINDS).values_list("path", "pk"))
    totals: dict[tuple[int, str, str], int] = defaultdict(int)
    for path, dimension, value, n in _direct_counts(on):
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            org_id = stored.get(path[:end])
            if org_id is not None:
                totals[(org_id, dimension, value)] += n
    rows = [StructureRollup(org_id=o, dimension=d, value=v, n=n) for (o, d, v), n in totals.items()]
    with transaction.atomic():
        StructureRollup.objects.all().delete()
        StructureRollup.objects.bulk_create(rows, batch_size=5000)
        build = RollupBuild.objects.create(
            as_of=on, seconds=time.perf_counter() - started, rows=len(rows)
        )
    return build


def latest_build() -> RollupBuild | None:
    return RollupBuild.objects.first()


def counts(
    org_ids: Iterable[int], dimensions: Iterable[str]
) -> dict[int, dict[str, dict[str, int]]]:
    """org id → dimension → value → count, for organizations with a stored roll-up."""
    out: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = StructureRollup.objects.filter(
        org_id__in=list(org_ids), dimension__in=list(dimensions)
    ).values_list("org_id", "dimension", "value", "n")
    for org_id, dimension, value, n in rows:
        out[org_id][dimension][value] = n
    return out


def live_counts(path: str, on: date, dimensions: Iterable[str]) -> dict[str, dict[str, int]]:
    """The same counts computed from the register for one small subtree (a branch)."""
    members = Member.objects.filter(status__in=COUNTED_STATUSES, org_path__startswith=path)
    expressions = member_dimensions(on)
    out: dict[str, dict[str, int]] = {}
    for dimension in dimensions:
        if dimension not in expressions:
            continue
        rows = members.annotate(v=expressions[dimension]).values("v").annotate(n=Count("id"))
        out[dimension] = {str(r["v"]): r["n"] for r in rows.order_by()}
    return out


def _daily(today: date) -> str:
    build = rebuild(today)
    return f"结构统计：{build.rows} 行，用时 {build.seconds:.1f} 秒"
