"""Every 党内统计 table of the demo county equals counts computed independently from the raw
records at the same date: the register rows, the dated 党籍 changes, the 转接 receipts, the
发展 approvals, the 出党 cases and the 民主评议 entries, without the period tables."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from zugong.demo.loader import demo_records_begin
from zugong.development import workflow as wf
from zugong.development.models import Case, CaseStep, ProbationExtension
from zugong.life.models import AppraisalEntry
from zugong.members.models import Member, MemberStatus, MemberStatusChange, MemberType
from zugong.orgs.models import Organization, OrgKind
from zugong.stats import tables as T
from zugong.stats.tables import build_report
from zugong.transfers.models import CaseStatus as TransferStatus
from zugong.transfers.models import QuitCase, Transfer, TransferKind

pytestmark = pytest.mark.django_db


@dataclass
class State:
    org_id: int
    status: str
    member_type: str


class RawRecords:
    """The register on a day, rebuilt from the business records alone."""

    def __init__(self) -> None:
        self.begin = demo_records_begin(timezone.localdate())
        self.members = {
            m.pk: m
            for m in Member.objects.select_related(
                "gender", "ethnicity", "education", "job_category"
            )
        }
        self.admitted: dict[int, date] = {}
        self.converted: dict[int, date] = {}
        for step in CaseStep.objects.filter(
            definition__code__in=[wf.ADMISSION_APPROVAL, wf.CONVERSION_APPROVAL],
            case__member__isnull=False,
        ).select_related("definition", "case"):
            target = (
                self.admitted if step.definition.code == wf.ADMISSION_APPROVAL else self.converted
            )
            target[step.case.member_id] = step.done_on
        self.arrived = {
            t.member_id: t.received_on
            for t in Transfer.objects.filter(
                kind=TransferKind.IN, member__isnull=False, received_on__isnull=False
            )
        }
        self.moves: dict[int, list[Transfer]] = defaultdict(list)
        for t in Transfer.objects.filter(
            kind=TransferKind.WITHIN, status=TransferStatus.COMPLETED
        ).order_by("completed_on", "pk"):
            self.moves[t.member_id].append(t)
        self.changes: dict[int, list[MemberStatusChange]] = defaultdict(list)
        for c in MemberStatusChange.objects.order_by("changed_on", "recorded_at", "pk"):
            self.changes[c.member_id].append(c)
        self.orgs = {o.pk: o for o in Organization.objects.select_related("category")}

    def entry(self, pk: int) -> date:
        m = self.members[pk]
        if pk in self.admitted:
            return self.admitted[pk]
        if pk in self.arrived:
            return self.arrived[pk]
        return max(self.begin, m.joined_on) if m.joined_on else self.begin

    def state(self, pk: int, on: date) -> State | None:
        if self.entry(pk) > on:
            return None
        m = self.members[pk]
        status = MemberStatus.NORMAL
        for change in self.changes[pk]:
            if change.changed_on <= on:
                status = change.to_status
        org_id = m.org_id
        later = [t for t in self.moves[pk] if t.completed_on > on]
        if later:
            org_id = later[0].from_org_id
        if pk in self.admitted:
            kind = (
                MemberType.FULL
                if pk in self.converted and self.converted[pk] <= on
                else MemberType.PROBATIONARY
            )
        elif (
            m.member_type == MemberType.FULL and m.confirmed_on and m.confirmed_on > self.entry(pk)
        ):
            kind = MemberType.FULL if m.confirmed_on <= on else MemberType.PROBATIONARY
        else:
            kind = m.member_type
        return State(org_id, status, kind)

    def counted(self, on: date) -> dict[int, State]:
        out = {}
        for pk in self.members:
            s = self.state(pk, on)
            if s is not None and s.status == MemberStatus.NORMAL:
                out[pk] = s
        return out

    def row_of(self, org_id: int, root: Organization) -> int | None:
        """The root's direct child that contains the organization (current tree: the demo has no moves)."""
        path = self.orgs[org_id].path
        for child in self.orgs.values():
            if child.parent_id == root.pk and path.startswith(child.path):
                return child.pk
        return None


def _bump(counts: dict, key: str, row: int | None) -> None:
    counts[key][None] += 1
    if row is not None:
        counts[key][row] += 1


def _age(birth: date, on: date) -> int:
    return relativedelta(on, birth).years


def _compare(table: T.Table, expected: dict[str, Counter], keys: list[str] | None = None) -> None:
    keys = keys or [c.key for c in table.columns]
    for row in table.rows:
        for key in keys:
            want = expected.get(key, Counter())[row.org_id]
            assert row.values.get(key, 0) == want, (
                table.title,
                row.label,
                key,
                row.values.get(key),
                want,
            )


def _member_tables(raw: RawRecords, root: Organization, on: date, report: T.Report) -> None:
    e: dict[str, Counter] = defaultdict(Counter)
    students: dict[str, Counter] = defaultdict(Counter)
    for pk, s in raw.counted(on).items():
        m, row = raw.members[pk], raw.row_of(s.org_id, root)
        _bump(e, "total", row)
        _bump(e, "full" if s.member_type == MemberType.FULL else "probationary", row)
        if m.gender and m.gender.code == "2":
            _bump(e, "female", row)
        if m.ethnicity and m.ethnicity.code != "01":
            _bump(e, "minority", row)
        edu = m.education.code if m.education else ""
        if edu[:1] in ("1", "2", "3") and edu:
            _bump(e, "college", row)
        _bump(e, T.education_group(edu or None), row)
        age = _age(m.birth_date, on)
        band = next(k for k, _l, low, high in T.AGE_BANDS if low <= age <= high)
        _bump(e, band, row)
        job = m.job_category.code if m.job_category else ""
        _bump(e, f"job_{job[:2]}" if job else "job_none", row)
        if not m.joined_on:
            _bump(e, "joined_unknown", row)
        else:
            _bump(
                e,
                next(
                    k
                    for k, _l, a, b in T.JOINED_PERIODS
                    if (a is None or m.joined_on >= a) and (b is None or m.joined_on < b)
                ),
                row,
            )
        if job.startswith("06"):
            _bump(students, "total", row)
            _bump(
                students, f"student_{job}" if job in dict(T.STUDENT_KINDS) else "student_other", row
            )
            if s.member_type == MemberType.PROBATIONARY:
                _bump(students, "probationary", row)
            if m.gender and m.gender.code == "2":
                _bump(students, "female", row)
            if age >= 55:
                _bump(students, "aged_55", row)
        category = raw.orgs[s.org_id].category
        for code, key in (("01", "v"), ("02", "c")):
            if category and category.code == code:
                _bump(e, f"{key}_members", row)
                if s.member_type == MemberType.PROBATIONARY:
                    _bump(e, f"{key}_probationary", row)
                if m.gender and m.gender.code == "2":
                    _bump(e, f"{key}_female", row)
                if age <= 35:
                    _bump(e, f"{key}_young", row)
                if age >= 61:
                    _bump(e, f"{key}_old", row)
    _compare(report.table("t2"), e)
    _compare(report.table("t3"), e)
    _compare(report.table("t4"), e)
    _compare(report.table("t7"), students)
    for table_code, key, category in (("t5", "v", "01"), ("t6", "c", "02")):
        units: dict[str, Counter] = defaultdict(Counter)
        for org in raw.orgs.values():
            inside = org.category and org.category.code == category
            parent = raw.orgs.get(org.parent_id) if org.parent_id else None
            parent_inside = (
                parent is not None and parent.category and parent.category.code == category
            )
            if inside and not parent_inside and org.is_active and org.path.startswith(root.path):
                row = raw.row_of(org.pk, root)
                _bump(units, "units", row)
                _bump(units, f"kind_{org.kind}", row)
        for name in ("members", "probationary", "female", "young", "old"):
            units[name] = e[f"{key}_{name}"]
        _compare(report.table(table_code), units)
    appraisal: dict[str, Counter] = defaultdict(Counter, {"members": e["total"]})
    branches: dict[int | None, set[int]] = defaultdict(set)
    for entry in (
        AppraisalEntry.objects.filter(round__year=on.year).exclude(grade="").select_related("round")
    ):
        row = raw.row_of(entry.round.org_id, root)
        _bump(appraisal, "appraised", row)
        _bump(appraisal, f"grade_{entry.grade}", row)
        branches[None].add(entry.round.org_id)
        branches[row].add(entry.round.org_id)
    appraisal["branches"] = Counter({k: len(v) for k, v in branches.items()})
    _compare(report.table("t8"), appraisal)


def _event_tables(raw: RawRecords, root: Organization, year: int, report: T.Report) -> None:
    start, end = date(year, 1, 1), date(year, 12, 31)
    quits: dict[str, Counter] = defaultdict(Counter)
    for case in QuitCase.objects.filter(
        status=TransferStatus.COMPLETED, completed_on__range=(start, end)
    ):
        state = raw.state(case.member_id, case.completed_on - relativedelta(days=1))
        row = raw.row_of(state.org_id, root)
        _bump(quits, "total", row)
        _bump(quits, f"quit_{case.kind}", row)
    for case in Case.objects.filter(
        status="cancelled", member__isnull=False, closed_on__range=(start, end)
    ):
        row = raw.row_of(
            raw.state(case.member_id, case.closed_on - relativedelta(days=1)).org_id, root
        )
        _bump(quits, "total", row)
        _bump(quits, "quit_cancelled", row)
    _compare(report.table("t10"), quits)

    conv: dict[str, Counter] = defaultdict(Counter)
    for step in CaseStep.objects.filter(
        definition__code=wf.CONVERSION_APPROVAL, done_on__year=year, responsible_org__isnull=False
    ):
        row = raw.row_of(step.responsible_org_id, root)
        _bump(conv, "converted", row)
        _bump(
            conv,
            "extended_then"
            if ProbationExtension.objects.filter(case_id=step.case_id).exists()
            else "on_time",
            row,
        )
    for ext in ProbationExtension.objects.filter(decided_on__year=year).select_related("case"):
        _bump(conv, "extended", raw.row_of(ext.case.org_id, root))
    _compare(report.table("t13"), conv)

    adm: dict[str, Counter] = defaultdict(Counter)
    for step in CaseStep.objects.filter(
        definition__code=wf.ADMISSION_APPROVAL, done_on__year=year, responsible_org__isnull=False
    ).select_related(
        "case__gender",
        "case__member__ethnicity",
        "case__member__education",
        "case__member__job_category",
    ):
        case, m, row = step.case, step.case.member, raw.row_of(step.responsible_org_id, root)
        _bump(adm, "total", row)
        if case.gender and case.gender.code == "2":
            _bump(adm, "female", row)
        if m and m.ethnicity and m.ethnicity.code != "01":
            _bump(adm, "minority", row)
        if _age(case.birth_date, step.done_on) <= 35:
            _bump(adm, "young", row)
        if m and m.education and m.education.code[0] in "123":
            _bump(adm, "college", row)
        _bump(adm, f"job_{m.job_category.code[:2]}" if m and m.job_category else "job_none", row)
    _compare(report.table("t14"), adm)


def _flow_table(raw: RawRecords, root: Organization, year: int, report: T.Report) -> None:
    d0, d1 = date(year - 1, 12, 31), date(year, 12, 31)
    before, after = raw.counted(d0), raw.counted(d1)
    e: dict[str, Counter] = defaultdict(Counter)
    for s in before.values():
        _bump(e, "start", raw.row_of(s.org_id, root))
    for s in after.values():
        _bump(e, "end", raw.row_of(s.org_id, root))
    for pk, s in after.items():
        row = raw.row_of(s.org_id, root)
        if pk in before:
            old = raw.row_of(before[pk].org_id, root)
            if old != row:
                e["inc_within"][row] += 1
                e["dec_within"][old] += 1
            continue
        earlier = raw.state(pk, d0)
        if earlier is None:
            key = (
                "inc_admitted"
                if pk in raw.admitted
                else "inc_transfer_in"
                if pk in raw.arrived
                else "inc_other"
            )
        else:
            key = {
                MemberStatus.SUSPENDED: "inc_restored",
                MemberStatus.TRANSFERRED_OUT: "inc_transfer_in",
                MemberStatus.LEFT: "inc_admitted",
            }.get(earlier.status, "inc_within")
        _bump(e, key, row)
    for pk, s in before.items():
        if pk in after:
            continue
        later = raw.state(pk, d1)
        key = {
            MemberStatus.LEFT: "dec_left",
            MemberStatus.DECEASED: "dec_deceased",
            MemberStatus.TRANSFERRED_OUT: "dec_transfer_out",
            MemberStatus.SUSPENDED: "dec_suspended",
        }.get(later.status, "dec_within")
        _bump(e, key, raw.row_of(s.org_id, root))
    _compare(report.table("t1"), e, [c.key for c in report.table("t1").columns if c.key != "net"])


def test_every_table_of_the_demo_county_equals_an_independent_count() -> None:
    call_command("seed_demo", members=600, stdout=StringIO())
    county = Organization.objects.get(kind=OrgKind.COUNTY_COMMITTEE)
    raw = RawRecords()
    last_year = timezone.localdate().year - 1
    report = build_report(county.pk, last_year)
    assert report.table("t2").total("total") > 500
    assert report.table("t14").total("total") > 0, "the demo admits members last year"
    assert report.table("t1").total("inc_admitted") > 0
    _member_tables(raw, county, date(last_year, 12, 31), report)
    _event_tables(raw, county, last_year, report)
    _flow_table(raw, county, last_year, report)
    # The year before: the register began on its 1 January, so 第一表 starts from zero.
    earlier = build_report(county.pk, last_year - 1)
    assert earlier.table("t1").total("start") == 0
    _member_tables(raw, county, date(last_year - 1, 12, 31), earlier)
    _event_tables(raw, county, last_year - 1, earlier)
    # This year up to today (12-31 is still ahead: the periods open now hold it): the demo's
    # transfers, 出党 and status changes happen this year.
    current = build_report(county.pk, last_year + 1)
    flows = current.table("t1").rows[0].values
    assert flows["dec_transfer_out"] + flows["dec_left"] + flows["inc_transfer_in"] > 0
    _member_tables(raw, county, date(last_year + 1, 12, 31), current)
    _event_tables(raw, county, last_year + 1, current)
    _flow_table(raw, county, last_year + 1, current)
    # A township's report holds the same numbers as its row in the county's.
    town = next(
        o
        for o in raw.orgs.values()
        if o.parent_id == county.pk and o.kind == OrgKind.PARTY_COMMITTEE
    )
    town_report = build_report(town.pk, last_year)
    for code in ("t1", "t2", "t4", "t14"):
        county_row = next(r for r in report.table(code).rows if r.org_id == town.pk)
        assert {
            k: v
            for k, v in town_report.table(code).rows[0].values.items()
            if k not in ("inc_within", "dec_within")
        } == {k: v for k, v in county_row.values.items() if k not in ("inc_within", "dec_within")}
