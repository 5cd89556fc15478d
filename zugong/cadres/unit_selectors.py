"""Reads of the unit tree, posts and 职数, filtered by the acting account's unit scope first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from zugong.accounts.models import User
from zugong.cadres.models import (
    POST_LEVEL_RANK,
    UNIT_PATH_STEP,
    Cadre,
    CadreStatus,
    Post,
    PostHolding,
    PostLevel,
    PostQuota,
    Unit,
)
from zugong.cadres.scope import get_scoped, visible_units
from zugong.orgs.models import subtree_q

# A holding uses a 职数 when it is the 主职, or a 兼职 flagged so.
COUNTS_TOWARD_QUOTA = Q(is_main=True) | Q(counts_toward_quota=True)


def _level_order(level: str) -> int:
    return -POST_LEVEL_RANK.get(level, -1)


# --- the tree --------------------------------------------------------------------------------


# A scope of up to this many units (a county) shows its whole tree at once; a larger one (a city,
# a province) shows the anchor's next level and opens the rest branch by branch.
TREE_EAGER_UNITS = 500


@dataclass
class UnitNode:
    unit: Unit
    cadres: int = 0
    posts: int = 0
    children: list[UnitNode] = field(default_factory=list)
    # Children in the database that were not loaded (opened on demand).
    unloaded_children: int = 0


def unit_tree(
    user: User, *, include_inactive: bool = False, under: Unit | None = None
) -> list[UnitNode]:
    """The account's units as a forest with their active cadres and posts counted: the whole scope
    when small, else down to the anchor's next level; with `under`, that unit's children."""
    units = visible_units(user).order_by("path")
    if not include_inactive:
        units = units.filter(is_active=True)
    if under is not None:
        units = units.filter(parent=under)
    elif units.count() > TREE_EAGER_UNITS:
        anchor_depth = len(user.cadre_scope.path or "") // UNIT_PATH_STEP
        units = units.filter(depth__lte=anchor_depth + 1)
    loaded = list(units)
    ids = [unit.pk for unit in loaded]
    cadre_counts = _counts_by(
        Cadre.objects.filter(unit_id__in=ids, status=CadreStatus.ACTIVE), "unit_id"
    )
    post_counts = _counts_by(Post.objects.filter(unit_id__in=ids, is_active=True), "unit_id")
    nodes: dict[int, UnitNode] = {}
    roots: list[UnitNode] = []
    for unit in loaded:
        node = UnitNode(unit, cadre_counts.get(unit.pk, 0), post_counts.get(unit.pk, 0))
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)
    childless = [node.unit.pk for node in nodes.values() if not node.children]
    children = Unit.objects.filter(parent_id__in=childless)
    if not include_inactive:
        children = children.filter(is_active=True)
    for parent_id, n in _counts_by(children, "parent_id").items():
        nodes[parent_id].unloaded_children = n
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.unit.sort_order, n.unit.path))
    roots.sort(key=lambda n: (n.unit.sort_order, n.unit.path))
    return roots


def _counts_by(rows: QuerySet, column: str) -> dict[int, int]:
    return dict(rows.values_list(column).annotate(n=Count("id")).order_by())


def unit_choices(user: User, *, active_only: bool = True) -> QuerySet[Unit]:
    qs = visible_units(user).order_by("path")
    return qs.filter(is_active=True) if active_only else qs


FILTER_UNITS_MAX = 300


def filter_unit_choices(user: User, selected: Unit | None = None) -> list[tuple[int, str]]:
    """The (id, name) options of a list's unit filter: the anchor and the level below it, plus
    the chosen unit's line and children (choose a county, then its units), at most
    FILTER_UNITS_MAX, so a province's thousands of units never fill one <select>."""
    anchor_path = user.cadre_scope.path
    if anchor_path is None:
        return []
    depth = len(anchor_path) // UNIT_PATH_STEP
    near = Q(depth__lte=depth + 1)
    if selected is not None:
        line = [
            selected.path[:i] for i in range(UNIT_PATH_STEP, len(selected.path) + 1, UNIT_PATH_STEP)
        ]
        near |= Q(path__in=line) | Q(parent_id=selected.pk)
    options = visible_units(user).filter(near, is_active=True).order_by("path")
    return list(options.values_list("pk", "name")[:FILTER_UNITS_MAX])


def get_post(user: User, pk: int) -> Post:
    return get_scoped(user, Post.objects.select_related("unit"), pk)


@dataclass
class PostRow:
    post: Post
    holders: list[PostHolding]

    @property
    def vacant(self) -> int:
        return max(self.post.seats - len(self.holders), 0)


def unit_posts(unit: Unit) -> list[PostRow]:
    """A unit's posts with their current holders (caller has checked the unit is in scope)."""
    posts = list(Post.objects.filter(unit=unit).order_by("-is_active", "sort_order", "id"))
    holders: dict[int, list[PostHolding]] = defaultdict(list)
    for h in (
        PostHolding.objects.filter(post__unit=unit, ended_on__isnull=True)
        .select_related("cadre")
        .order_by("started_on", "id")
    ):
        holders[h.post_id].append(h)
    return [PostRow(p, holders.get(p.pk, [])) for p in posts]


def unit_holdings_without_post(unit: Unit) -> list[PostHolding]:
    """Current holdings in the unit not linked to a post record (typed from the archive)."""
    return list(
        PostHolding.objects.filter(unit=unit, post__isnull=True, ended_on__isnull=True)
        .select_related("cadre")
        .order_by("-is_main", "started_on")
    )


def unit_quotas(unit: Unit) -> list[PostQuota]:
    return sorted(PostQuota.objects.filter(unit=unit), key=lambda q: _level_order(q.level))


# --- 配备一览表 -------------------------------------------------------------------------------


@dataclass
class StaffingRow:
    """One unit × level of the 配备一览表."""

    unit: Unit
    level: str
    approved: int | None  # None: no 职数 approved at this level (holders still listed)
    occupied: int
    holders: list[str] = field(default_factory=list)
    document: str = ""

    @property
    def vacancies(self) -> int:
        return max((self.approved or 0) - self.occupied, 0)

    @property
    def over(self) -> int:
        return max(self.occupied - (self.approved or 0), 0) if self.approved is not None else 0

    @property
    def level_label(self) -> str:
        return PostLevel(self.level).label if self.level in PostLevel.values else self.level


@dataclass
class StaffingTotal:
    label: str
    approved: int = 0
    occupied: int = 0
    vacancies: int = 0
    over: int = 0

    def add(self, row: StaffingRow) -> None:
        self.approved += row.approved or 0
        self.occupied += row.occupied
        self.vacancies += row.vacancies
        self.over += row.over


def counted_holdings(unit_filter: Q) -> QuerySet[PostHolding]:
    return PostHolding.objects.filter(
        unit_filter,
        COUNTS_TOWARD_QUOTA,
        ended_on__isnull=True,
        cadre__status=CadreStatus.ACTIVE,
    )


def staffing_rows(user: User, root: Unit | None = None, kind: str = "") -> list[StaffingRow]:
    """Per unit and level: 核定职数, 实配 (current holdings that use a 职数), 空缺, 超配 and the
    holders' names, for the account's units (or the subtree of `root`, itself in scope).

    Two queries whatever the number of units: the quotas, and the counted holdings.
    """
    path = user.cadre_scope.path
    if path is None:
        return []
    if root is not None:
        if not user.cadre_scope.contains(root.path):
            return []
        path = root.path
    unit_q = subtree_q("unit__path", path)
    if kind:
        unit_q &= Q(unit__kind=kind)
    rows: dict[tuple[int, str], StaffingRow] = {}
    for quota in PostQuota.objects.filter(unit_q).select_related("unit"):
        rows[(quota.unit_id, quota.level)] = StaffingRow(
            quota.unit, quota.level, quota.approved, 0, document=quota.document
        )
    holdings = (
        counted_holdings(unit_q)
        .select_related("unit", "post", "cadre")
        .order_by("-is_main", "started_on", "id")
    )
    for h in holdings:
        level = h.level or (h.post.level if h.post_id else "") or PostLevel.OTHER
        row = rows.get((h.unit_id, level))
        if row is None:
            row = rows[(h.unit_id, level)] = StaffingRow(h.unit, level, None, 0)
        row.occupied += 1
        row.holders.append(h.cadre.name if h.is_main else f"{h.cadre.name}（兼）")
    return sorted(rows.values(), key=lambda r: (r.unit.path, _level_order(r.level)))


@dataclass
class StaffingGroup:
    unit: Unit
    rows: list[StaffingRow]
    subtotal: StaffingTotal


def group_staffing(rows: Iterable[StaffingRow]) -> tuple[list[StaffingGroup], StaffingTotal]:
    """Rows grouped per unit with a subtotal each, and the grand total."""
    groups: list[StaffingGroup] = []
    total = StaffingTotal("合计")
    for row in rows:
        if not groups or groups[-1].unit.pk != row.unit.pk:
            groups.append(StaffingGroup(row.unit, [], StaffingTotal(f"{row.unit.name}小计")))
        groups[-1].rows.append(row)
        groups[-1].subtotal.add(row)
        total.add(row)
    return groups, total


def staffing_counts(unit_ids: list[int]) -> dict[int, dict[str, tuple[int | None, int]]]:
    """For the rule check: unit → level → (approved, occupied); two queries."""
    result: dict[int, dict[str, tuple[int | None, int]]] = defaultdict(dict)
    for unit_id, level, approved in PostQuota.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "level", "approved"
    ):
        result[unit_id][level] = (approved, 0)
    for unit_id, level, post_level, n in (
        counted_holdings(Q(unit_id__in=unit_ids))
        .values_list("unit_id", "level", "post__level")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = level or post_level or PostLevel.OTHER
        approved, occupied = result[unit_id].get(key, (None, 0))
        result[unit_id][key] = (approved, occupied + n)
    return result
