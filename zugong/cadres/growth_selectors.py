"""Reads of the young cadres' growth archives, each scoped by the account's unit subtree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet

from zugong.accounts.models import User
from zugong.cadres.archive_selectors import search_q
from zugong.cadres.growth_rules import (
    ADJUSTMENT_KIND,
    ASSIGNMENT_KIND,
    RESERVE_KIND,
)
from zugong.cadres.models import (
    SEVEN_ABILITIES,
    Adjustment,
    Assignment,
    Cadre,
    CadreStatus,
    Evaluation,
    Incentive,
    ReserveEntry,
    TrackingNote,
    Unit,
)
from zugong.cadres.scope import get_scoped, scoped
from zugong.core.models import Finding
from zugong.orgs.models import subtree_q


def cadre_search(qs: QuerySet, q: str, prefix: str = "cadre__") -> QuerySet:
    """The short lists of this part (reserve pool, assignments, adjustments) by their cadre:
    the register's search, with a given name found anywhere in the name."""
    return qs.filter(search_q(q, prefix=prefix, anywhere_in_name=True)) if q else qs


def birth_window(today: date, age_min: int | None, age_max: int | None, prefix: str = "") -> Q:
    """Cadres aged age_min..age_max 周岁 on `today`, as a range on birth_date (index-friendly)."""
    condition = Q()
    if age_max is not None:
        # age ≤ N until the day before the (N+1)th birthday.
        condition &= Q(**{f"{prefix}birth_date__gt": today - relativedelta(years=age_max + 1)})
    if age_min is not None:
        condition &= Q(**{f"{prefix}birth_date__lte": today - relativedelta(years=age_min)})
    return condition


def pickable_cadres(user: User, q: str = "", limit: int = 30) -> list[Cadre]:
    """Active cadres in scope to choose from on a form: the youngest first, at most `limit`."""
    qs = scoped(user, Cadre.objects.filter(status=CadreStatus.ACTIVE).select_related("unit"))
    # The whole register of the scope: the indexed search (a name from its surname).
    if q:
        qs = qs.filter(search_q(q))
    return list(qs.order_by("-birth_date", "id")[:limit])


def scoped_active_cadres(user: User) -> QuerySet[Cadre]:
    return scoped(user, Cadre.objects.filter(status=CadreStatus.ACTIVE))


# --- the reserve pool --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReserveFilters:
    q: str = ""
    level: str = ""
    unit: Unit | None = None
    age_min: int | None = None
    age_max: int | None = None
    state: str = "in"  # in / out / all
    today: date = field(default_factory=date.today)


def reserve_entries(user: User, f: ReserveFilters) -> QuerySet[ReserveEntry]:
    qs = scoped(user, ReserveEntry.objects.select_related("cadre", "cadre__unit"))
    if f.unit is not None:
        qs = qs.filter(subtree_q("unit_path", f.unit.path))
    if f.level:
        qs = qs.filter(target_level=f.level)
    if f.state == "in":
        qs = qs.filter(left_on__isnull=True)
    elif f.state == "out":
        qs = qs.filter(left_on__isnull=False)
    qs = qs.filter(birth_window(f.today, f.age_min, f.age_max, prefix="cadre__"))
    qs = cadre_search(qs, f.q)
    return qs.order_by("unit_path", "-entered_on", "id")


def get_reserve_entry(user: User, pk: int) -> ReserveEntry:
    return get_scoped(user, ReserveEntry.objects.select_related("cadre", "cadre__unit"), pk)


def reserve_findings(entries: list[ReserveEntry]) -> dict[int, list[Finding]]:
    """Findings of the entries on one page, one query."""
    found: dict[int, list[Finding]] = {}
    for finding in Finding.objects.filter(
        subject_type=RESERVE_KIND, subject_id__in=[e.pk for e in entries]
    ):
        found.setdefault(finding.subject_id, []).append(finding)
    return found


# --- assignments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentFilters:
    q: str = ""
    kind: str = ""
    state: str = ""  # ongoing / ended / "" (all)
    overdue: bool = False
    unit: Unit | None = None
    today: date = field(default_factory=date.today)


def assignments(user: User, f: AssignmentFilters) -> QuerySet[Assignment]:
    qs = scoped(user, Assignment.objects.select_related("cadre", "cadre__unit"))
    if f.unit is not None:
        qs = qs.filter(subtree_q("unit_path", f.unit.path))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    ongoing = Q(started_on__lte=f.today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=f.today))
    if f.state == "ongoing":
        qs = qs.filter(ongoing)
    elif f.state == "ended":
        qs = qs.filter(ended_on__lt=f.today)
    overdue = Finding.objects.filter(
        subject_type=ASSIGNMENT_KIND,
        subject_id=OuterRef("pk"),
        rule_id="cadres.tracking_overdue",
        due_on__lt=f.today,
    )
    qs = qs.annotate(tracking_overdue=Exists(overdue))
    if f.overdue:
        qs = qs.filter(tracking_overdue=True)
    qs = cadre_search(qs, f.q)
    return qs.order_by("unit_path", "-started_on", "id")


def get_assignment(user: User, pk: int) -> Assignment:
    return get_scoped(user, Assignment.objects.select_related("cadre", "cadre__unit"), pk)


def assignment_notes(assignment: Assignment) -> QuerySet[TrackingNote]:
    return assignment.notes.select_related("author").order_by("-noted_on", "-id")


def assignment_evaluations(assignment: Assignment) -> QuerySet[Evaluation]:
    return assignment.evaluations.order_by("-evaluated_on", "-id")


def findings_of(subject_type: str, subject_id: int) -> QuerySet[Finding]:
    return Finding.objects.filter(subject_type=subject_type, subject_id=subject_id)


def cadre_growth_findings(cadre: Cadre) -> list[Finding]:
    """Every growth and 能上能下 finding about one cadre's records (three small id lists)."""
    kinds = {
        RESERVE_KIND: list(cadre.reserve_entries.values_list("pk", flat=True)),
        ASSIGNMENT_KIND: list(cadre.assignments.values_list("pk", flat=True)),
        ADJUSTMENT_KIND: list(cadre.adjustments.values_list("pk", flat=True)),
    }
    condition = Q(pk__in=[])
    for kind, ids in kinds.items():
        if ids:
            condition |= Q(subject_type=kind, subject_id__in=ids)
    return list(Finding.objects.filter(condition).order_by("due_on", "id"))


# --- one cadre's timeline ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    on: date
    icon: str
    kind: str
    text: str
    detail: str = ""
    url_name: str = ""
    url_pk: int | None = None
    end: date | None = None


def cadre_timeline(cadre: Cadre) -> list[TimelineItem]:
    """简历, posts, 职级, assessments, rewards, assignments, notes, evaluations, adjustments,
    incentives and reserve entries of one cadre, newest first; one query per kind."""
    items: list[TimelineItem] = []
    for r in cadre.resume_entries.filter(parent__isnull=True):
        items.append(TimelineItem(r.start, "bi-journal-text", "简历", r.text, end=r.end))
    for p in cadre.post_holdings.select_related("unit"):
        main = "主职" if p.is_main else "兼职"
        detail = f"{p.unit.name}（{main}）" + (f"，{p.document}" if p.document else "")
        items.append(
            TimelineItem(p.started_on, "bi-briefcase", "任职", p.title, detail, end=p.ended_on)
        )
    for h in cadre.rank_holdings.select_related("rank"):
        items.append(TimelineItem(h.started_on, "bi-bar-chart-steps", "职级", h.rank.name))
    for a in cadre.assessments.all():
        items.append(
            TimelineItem(
                date(a.year, 12, 31),
                "bi-clipboard-check",
                "年度考核",
                f"{a.year}年度{a.get_grade_display()}",
                a.note,
            )
        )
    for rp in cadre.rewards.all():
        icon = "bi-award" if rp.kind == "reward" else "bi-exclamation-octagon"
        items.append(
            TimelineItem(rp.approved_on, icon, rp.get_kind_display(), rp.name, rp.approver)
        )
    for asg in cadre.assignments.all():
        items.append(
            TimelineItem(
                asg.started_on,
                "bi-geo-alt",
                "一线历练",
                f"{asg.get_kind_display()}：{asg.place}",
                asg.goals[:80],
                "cadres:assignment_detail",
                asg.pk,
                asg.ended_on,
            )
        )
    notes = TrackingNote.objects.filter(assignment__cadre=cadre).select_related("assignment")
    for n in notes:
        items.append(
            TimelineItem(
                n.noted_on,
                "bi-pencil-square",
                "跟踪管理",
                n.content[:80],
                n.assignment.place,
                "cadres:assignment_detail",
                n.assignment_id,
            )
        )
    for e in cadre.evaluations.all():
        items.append(
            TimelineItem(
                e.evaluated_on,
                "bi-star",
                "评价",
                f"总体评价：{e.get_grade_display()}",
                e.summary[:80],
            )
        )
    for adj in cadre.adjustments.all():
        items.append(
            TimelineItem(
                adj.decided_on or adj.proposed_on,
                "bi-arrow-down-up",
                "能上能下",
                adj.get_way_display(),
                adj.post_after,
                "cadres:adjustment_detail",
                adj.pk,
            )
        )
    for inc in cadre.incentives.all():
        items.append(
            TimelineItem(
                inc.decided_on,
                "bi-hand-thumbs-up",
                inc.get_kind_display(),
                inc.content[:80],
                inc.decided_by,
            )
        )
    for entry in cadre.reserve_entries.all():
        items.append(
            TimelineItem(
                entry.entered_on,
                "bi-person-plus",
                "进入优秀年轻干部库",
                f"储备层次：{entry.get_target_level_display()}",
                entry.recommended_by,
            )
        )
        if entry.left_on:
            items.append(TimelineItem(entry.left_on, "bi-person-dash", "出库", entry.left_reason))
    items.sort(key=lambda i: i.on, reverse=True)
    return items


@dataclass(frozen=True)
class AbilityRow:
    key: str
    label: str
    score: int | None


def latest_abilities(cadre: Cadre) -> tuple[Evaluation | None, list[AbilityRow]]:
    """The newest evaluation that has ratings, and its 七种能力 rows (for the radar chart)."""
    latest = cadre.evaluations.exclude(abilities={}).order_by("-evaluated_on", "-id").first()
    scores = latest.abilities if latest else {}
    return latest, [AbilityRow(k, label, scores.get(k)) for k, label in SEVEN_ABILITIES]


def cadre_evaluations(cadre: Cadre) -> QuerySet[Evaluation]:
    return cadre.evaluations.select_related("assignment").order_by("-evaluated_on", "-id")


def cadre_adjustments(cadre: Cadre) -> QuerySet[Adjustment]:
    return cadre.adjustments.select_related("situation")


def cadre_incentives(cadre: Cadre) -> QuerySet[Incentive]:
    return cadre.incentives.all()
