"""Reading the register as it was on a day: organizations, their subtrees, and member counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Expression, F, Min, Q, QuerySet

from zugong.members.models import COUNTED_STATUSES
from zugong.orgs.models import PATH_STEP
from zugong.stats.models import MemberPeriod, OrgPeriod, PeriodSource

# Periods that load a register rather than change it: the earliest of them is where the
# records begin, and no statistics can be asked for an earlier day.
LOADING_SOURCES = (
    PeriodSource.BASELINE,
    PeriodSource.DEMO,
    PeriodSource.IMPORT,
    PeriodSource.REGISTER,
)
# Above this many organizations the subtree filter is done in Python, not as an IN list.
IN_LIST_LIMIT = 5000


def valid_on(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def records_begin() -> date | None:
    return MemberPeriod.objects.filter(source__in=LOADING_SOURCES).aggregate(d=Min("valid_from"))[
        "d"
    ]


@dataclass(frozen=True)
class OrgAt:
    org_id: int
    parent_id: int | None
    path: str
    kind: str
    category_code: str
    status: str
    name: str


@dataclass
class Subtree:
    """An organization's subtree on a day, and which of the root's children each org falls in."""

    on: date
    root: OrgAt
    orgs: dict[int, OrgAt]
    child_of: dict[int, int]  # org id -> the root's direct child containing it (itself if one)
    children: list[OrgAt]

    @property
    def org_ids(self) -> set[int]:
        return set(self.orgs)


def orgs_on(on: date, under_path: str = "") -> dict[int, OrgAt]:
    rows = (
        OrgPeriod.objects.filter(valid_on(on), path__startswith=under_path)
        .values_list("org_id", "parent_id", "path", "kind", "category__code", "status", "name")
        .iterator(chunk_size=20000)
    )
    return {r[0]: OrgAt(r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6]) for r in rows}


def subtree_on(root_org_id: int, on: date) -> Subtree | None:
    """The root's subtree on `on`, or None when the root did not exist then."""
    root_period = OrgPeriod.objects.filter(valid_on(on), org_id=root_org_id).first()
    if root_period is None:
        return None
    orgs = orgs_on(on, root_period.path)
    root = orgs[root_org_id]
    children = sorted(
        (o for o in orgs.values() if o.parent_id == root_org_id), key=lambda o: o.path
    )
    by_prefix = {c.path: c.org_id for c in children}
    child_of = {}
    for org in orgs.values():
        child = by_prefix.get(org.path[: len(root.path) + PATH_STEP])
        if org.org_id != root_org_id and child is not None:
            child_of[org.org_id] = child
    return Subtree(on=on, root=root, orgs=orgs, child_of=child_of, children=children)


def members_on(on: date, subtree: Subtree) -> QuerySet[MemberPeriod]:
    """Counted (正常) members on `on`, restricted to the subtree's orgs when that list is short."""
    qs = MemberPeriod.objects.filter(valid_on(on), status__in=COUNTED_STATUSES)
    if len(subtree.orgs) <= IN_LIST_LIMIT:
        qs = qs.filter(org_id__in=list(subtree.orgs))
    return qs


def count_by(
    subtree: Subtree, dimension: Expression | F | str, qs: QuerySet | None = None
) -> dict[object, dict[int | None, int]]:
    """Counts per value of `dimension` and per child row of the subtree (None = the total)."""
    qs = members_on(subtree.on, subtree) if qs is None else qs
    rows = qs.annotate(dim=dimension).values("org_id", "dim").annotate(n=Count("id"))
    return fold_counts(subtree, ((r["org_id"], r["dim"], r["n"]) for r in rows.iterator()))


def fold_counts(
    subtree: Subtree, rows: Iterable[tuple[int, object, int]]
) -> dict[object, dict[int | None, int]]:
    out: dict[object, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for org_id, value, n in rows:
        if org_id not in subtree.orgs:
            continue
        out[value][None] += n
        child = subtree.child_of.get(org_id)
        if child is not None:
            out[value][child] += n
    return out
