"""Every read of 民主评议党员, filtered by the acting account's scope first."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.core.models import Finding
from zugong.life.models import (
    AppraisalEntry,
    AppraisalRound,
    Grade,
    HandlingMeasure,
    Meeting,
    RoundStatus,
    UnqualifiedHandling,
)
from zugong.orgs.models import Organization, OrgKind, OrgStatus

SUBJECT = "appraisal_round"
APPRAISAL_MEETING_TYPE = "democratic_appraisal"
GRADE_KEYS = [g.value for g in Grade]
MEASURE_KEYS = [m.value for m in HandlingMeasure]


@dataclass
class RoundFilters:
    q: str = ""
    year: int | None = None
    org_path: str = ""
    status: str = ""
    problems: str = ""  # "yes": with findings, "no": without


def _scope_path(user: User) -> str | None:
    return user.scope.path


def visible_rounds(user: User) -> QuerySet[AppraisalRound]:
    path = _scope_path(user)
    if path is None:
        return AppraisalRound.objects.none()
    return AppraisalRound.objects.filter(org_path__startswith=path)


def get_round(user: User, pk: int) -> AppraisalRound:
    """The round if the account may see it; out of scope is a 404, like a missing one."""
    found = visible_rounds(user).select_related("org", "meeting").filter(pk=pk).first()
    if found is None:
        raise Http404("民主评议不存在或不在管理范围内")
    return found


def get_entry(user: User, pk: int) -> AppraisalEntry:
    path = _scope_path(user)
    entry = (
        AppraisalEntry.objects.select_related("round__org", "member")
        .filter(pk=pk, round__org_path__startswith=path if path is not None else "\x00")
        .first()
    )
    if path is None or entry is None:
        raise Http404("评议结果不存在或不在管理范围内")
    return entry


def get_handling(user: User, pk: int) -> UnqualifiedHandling:
    path = _scope_path(user)
    handling = (
        UnqualifiedHandling.objects.select_related("entry__round__org", "entry__member")
        .filter(pk=pk, entry__round__org_path__startswith=path if path is not None else "\x00")
        .first()
    )
    if path is None or handling is None:
        raise Http404("组织处置记录不存在或不在管理范围内")
    return handling


def _findings_of_rounds() -> QuerySet[Finding]:
    return Finding.objects.filter(subject_type=SUBJECT, subject_id=OuterRef("pk"))


def round_list(user: User, f: RoundFilters) -> QuerySet[AppraisalRound]:
    """Rounds in scope with their per-grade counts and findings count: one query per page."""
    qs = visible_rounds(user)
    if f.org_path:
        # The chosen subtree must itself be inside the scope; anything else shows nothing.
        if not user.scope.contains(f.org_path):
            return AppraisalRound.objects.none()
        qs = qs.filter(org_path__startswith=f.org_path)
    if f.q:
        qs = qs.filter(Q(org__name__contains=f.q) | Q(org__short_name__contains=f.q))
    if f.year:
        qs = qs.filter(year=f.year)
    if f.status in RoundStatus.values:
        qs = qs.filter(status=f.status)
    if f.problems == "yes":
        qs = qs.filter(Exists(_findings_of_rounds()))
    elif f.problems == "no":
        qs = qs.exclude(Exists(_findings_of_rounds()))
    return qs.select_related("org").order_by("-year", "org_path", "id")


def attach_counts(rounds: Iterable[AppraisalRound]) -> list[AppraisalRound]:
    """Set n_entries, n_<grade>, n_ungraded and n_findings on a page of rounds: two queries.

    Counted for the shown rows only, so the paginator's count never evaluates them.
    """
    rounds = list(rounds)
    ids = [r.pk for r in rounds]
    grades = grouped_entries_by_round(ids)
    findings = dict(
        Finding.objects.filter(subject_type=SUBJECT, subject_id__in=ids)
        .order_by()
        .values_list("subject_id")
        .annotate(n=Count("id"))
    )
    for r in rounds:
        counts = grades.get(r.pk, Counter())
        r.n_entries = sum(counts.values())
        r.n_excellent = counts[Grade.EXCELLENT]
        r.n_qualified = counts[Grade.QUALIFIED]
        r.n_basic = counts[Grade.BASIC]
        r.n_unqualified = counts[Grade.UNQUALIFIED]
        r.n_ungraded = counts[""]
        r.n_findings = findings.get(r.pk, 0)
    return rounds


def round_entries(appraisal: AppraisalRound) -> QuerySet[AppraisalEntry]:
    """The round's entries in register order, with the member and the handlings loaded."""
    return (
        appraisal.entries.select_related("member")
        .prefetch_related("handlings")
        .order_by("member__name_pinyin", "id")
    )


@dataclass
class GradeStats:
    total: int
    counts: dict[str, int]
    ungraded: int

    @property
    def rows(self) -> list[tuple[str, int, float]]:
        """(label, count, percent of the entries) per grade, then 未评定."""
        rows = [(g.label, self.counts.get(g.value, 0)) for g in Grade]
        rows.append(("未评定", self.ungraded))
        return [
            (label, n, round(100 * n / self.total, 1) if self.total else 0.0) for label, n in rows
        ]

    @property
    def excellent_percent(self) -> float:
        n = self.counts.get(Grade.EXCELLENT, 0)
        return round(100 * n / self.total, 1) if self.total else 0.0


def grade_stats(appraisal: AppraisalRound) -> GradeStats:
    counts = Counter(
        dict(
            appraisal.entries.order_by()
            .values("grade")
            .annotate(n=Count("id"))
            .values_list("grade", "n")
        )
    )
    total = sum(counts.values())
    ungraded = counts.pop("", 0)
    return GradeStats(total=total, counts=dict(counts), ungraded=ungraded)


def round_findings(appraisal: AppraisalRound) -> QuerySet[Finding]:
    return Finding.objects.filter(subject_type=SUBJECT, subject_id=appraisal.pk)


def appraisal_meetings(user: User, org: Organization | None = None) -> QuerySet[Meeting]:
    """民主评议 meetings a round may link to: in scope, of the type "democratic_appraisal"."""
    path = _scope_path(user)
    if path is None:
        return Meeting.objects.none()
    qs = Meeting.objects.filter(
        org_path__startswith=path, meeting_type__code=APPRAISAL_MEETING_TYPE
    ).select_related("org", "meeting_type")
    if org is not None:
        qs = qs.filter(org=org)
    return qs.order_by("-held_on", "-id")


def round_years(user: User) -> list[int]:
    return list(visible_rounds(user).order_by("-year").values_list("year", flat=True).distinct())


# --- the roll-up report (第八表 民主评议党员情况) ---------------------------------------------


@dataclass
class ReportRow:
    org: Organization | None
    label: str
    members_total: int = 0
    appraised: int = 0
    grades: dict[str, int] = field(default_factory=dict)
    ungraded: int = 0
    measures: dict[str, int] = field(default_factory=dict)

    @property
    def appraised_percent(self) -> float:
        return round(100 * self.appraised / self.members_total, 1) if self.members_total else 0.0

    def grade(self, key: str) -> int:
        return self.grades.get(key, 0)

    def measure(self, key: str) -> int:
        return self.measures.get(key, 0)

    @property
    def grade_list(self) -> list[int]:
        return [self.grade(k) for k in GRADE_KEYS]

    @property
    def measure_list(self) -> list[int]:
        return [self.measure(k) for k in MEASURE_KEYS]

    def add(self, other: ReportRow) -> None:
        self.members_total += other.members_total
        self.appraised += other.appraised
        self.ungraded += other.ungraded
        for k in GRADE_KEYS:
            self.grades[k] = self.grade(k) + other.grade(k)
        for k in MEASURE_KEYS:
            self.measures[k] = self.measure(k) + other.measure(k)


@dataclass
class Report:
    org: Organization
    year: int
    rows: list[ReportRow]
    total: ReportRow


def report_units(user: User, org: Organization) -> list[Organization]:
    """The rows of the report: a branch reports itself, any other organization its children."""
    qs = Organization.objects.select_related("rollup")
    if org.kind == OrgKind.BRANCH:
        return list(qs.filter(pk=org.pk))
    path = _scope_path(user) or "\x00"
    return list(
        qs.filter(parent=org, path__startswith=path, status=OrgStatus.ACTIVE)
        .exclude(kind=OrgKind.BRANCH_GROUP)
        .order_by("sort_order", "path")
    )


def appraisal_report(user: User, org: Organization, year: int) -> Report:
    """Per child organization: members, the appraised, grades, handlings — three queries in all.

    Members come from the roll-up table (O(organizations)); the entries and handlings of the
    whole subtree are counted grouped by branch, then summed per child by path prefix.
    """
    if not user.scope.contains(org.path):
        raise Http404("组织不存在或不在管理范围内")
    units = report_units(user, org)
    rows = {
        u.path: ReportRow(
            org=u,
            label=u.name,
            members_total=getattr(getattr(u, "rollup", None), "members_total", 0),
        )
        for u in units
    }
    width = len(org.path) + (0 if org.kind == OrgKind.BRANCH else 4)

    def row_for(path: str) -> ReportRow | None:
        return rows.get(path[:width])

    grade_counts = (
        AppraisalEntry.objects.filter(round__year=year, round__org_path__startswith=org.path)
        .order_by()
        .values_list("round__org_path", "grade")
        .annotate(n=Count("id"))
    )
    for path, grade, n in grade_counts:
        row = row_for(path)
        if row is None:
            continue
        row.appraised += n
        if grade:
            row.grades[grade] = row.grade(grade) + n
        else:
            row.ungraded += n
    # A member counts once per measure, however many records of that measure there are.
    measure_counts = (
        UnqualifiedHandling.objects.filter(
            entry__round__year=year, entry__round__org_path__startswith=org.path
        )
        .order_by()
        .values_list("entry__round__org_path", "measure")
        .annotate(n=Count("entry", distinct=True))
    )
    for path, measure, n in measure_counts:
        row = row_for(path)
        if row is not None:
            row.measures[measure] = row.measure(measure) + n
    total = ReportRow(org=None, label="合计")
    for row in rows.values():
        total.add(row)
    return Report(org=org, year=year, rows=list(rows.values()), total=total)


def grouped_entries_by_round(round_ids: list[int]) -> dict[int, Counter[str]]:
    """Round id → Counter of grades ("" for ungraded): the rules' preload, one query."""
    result: dict[int, Counter[str]] = defaultdict(Counter)
    rows = (
        AppraisalEntry.objects.filter(round_id__in=round_ids)
        .order_by()
        .values_list("round_id", "grade")
        .annotate(n=Count("id"))
    )
    for round_id, grade, n in rows:
        result[round_id][grade] += n
    return result
