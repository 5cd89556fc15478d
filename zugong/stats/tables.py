"""党内统计 年报: the annual tables the register can fill, for any subtree, as of 12月31日.

Counting rules (../shared/domain/party-rules.md §5, 2017 年报表 填报说明): members are counted
where their 正式组织关系 sits on 12-31 (the effective-dated periods of zugong.stats); 发展 and 转正
by the 基层党委 that approved them; 出党 by the branch that handled it. Each table has one row for
the whole subtree (合计) and one per direct subordinate organization.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When

from zugong.development import workflow as wf
from zugong.development.models import CaseStep, ProbationExtension
from zugong.life.models import AppraisalEntry, Grade
from zugong.members.models import MemberStatus, MemberType
from zugong.stats import asof
from zugong.stats.models import MemberPeriod, PeriodSource
from zugong.transfers.models import CaseStatus as QuitStatus
from zugong.transfers.models import QuitCase, QuitKind

Counts = dict[object, dict[int | None, int]]

CITATION = "党内统计年报填报说明（统计截至12月31日，按正式组织关系统计）"

AGE_BANDS = [
    ("age_30", "30岁及以下", 0, 30),
    ("age_35", "31至35岁", 31, 35),
    ("age_40", "36至40岁", 36, 40),
    ("age_45", "41至45岁", 41, 45),
    ("age_50", "46至50岁", 46, 50),
    ("age_55", "51至55岁", 51, 55),
    ("age_60", "56至60岁", 56, 60),
    ("age_61", "61岁及以上", 61, 200),
]
# 入党时间 as the 公报 divides it: 新中国成立, 十一届三中全会 (1978-12-18), 十八大 (2012-11-08).
JOINED_PERIODS = [
    ("joined_1949", "新中国成立前", None, date(1949, 10, 1)),
    ("joined_1978", "新中国成立至党的十一届三中全会前", date(1949, 10, 1), date(1978, 12, 18)),
    ("joined_2012", "党的十一届三中全会至党的十八大前", date(1978, 12, 18), date(2012, 11, 8)),
    ("joined_now", "党的十八大以来", date(2012, 11, 8), None),
]
JOB_CLASSES = [
    ("01", "工人（工勤技能人员）"),
    ("02", "农牧渔民"),
    ("03", "企事业单位、社会组织专业技术人员"),
    ("04", "企事业单位、社会组织管理人员"),
    ("05", "党政机关工作人员"),
    ("06", "学生"),
    ("07", "其他职业人员"),
    ("08", "离退休人员"),
]
# GB/T 4658-2006 code prefix → the 学历 column of 第四表.
EDUCATION_GROUPS = [
    ("edu_grad", "研究生", ("1",)),
    ("edu_bachelor", "大学本科", ("2",)),
    ("edu_college", "大学专科", ("3",)),
    ("edu_secondary", "中专（职高、技校）", ("4",)),
    ("edu_high", "高中", ("6",)),
    ("edu_low", "初中及以下", ("7", "8")),
]
STUDENT_KINDS = [
    ("0601", "研究生"),
    ("0602", "本科生"),
    ("0603", "专科生"),
    ("0604", "中专、高中生"),
]
VILLAGE, COMMUNITY = "01", "02"
HAN = "01"
FEMALE = "2"


@dataclass
class Column:
    key: str
    label: str
    group: str = ""


@dataclass
class Row:
    label: str
    org_id: int | None
    values: dict[str, int]


@dataclass
class Table:
    code: str
    title: str
    columns: list[Column]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)

    def total(self, key: str) -> int:
        return self.rows[0].values.get(key, 0)

    def header_groups(self) -> list[dict[str, object]]:
        """The first header row: a group heading over its run of columns, or an ungrouped label."""
        out: list[dict[str, object]] = []
        for column in self.columns:
            if column.group and out and out[-1]["group"] == column.group:
                out[-1]["span"] = int(out[-1]["span"]) + 1  # type: ignore[call-overload]
            else:
                out.append({"group": column.group, "label": column.label, "span": 1})
        return out


@dataclass
class Report:
    year: int
    on: date
    scope_name: str
    tables: list[Table]
    not_filled: list[str]

    def table(self, code: str) -> Table:
        return next(t for t in self.tables if t.code == code)


NOT_FILLED = [
    "第九表 党员培训情况：名册中没有党员培训（学时）记录，本表不能由系统生成。",
    "第十二表 党内表彰情况：名册中没有党内表彰记录，本表不能由系统生成。",
]


def year_end(year: int) -> date:
    return date(year, 12, 31)


def _rows(
    sub: asof.Subtree, counts: dict[str, dict[int | None, int]], keys: Iterable[str]
) -> list[Row]:
    keys = list(keys)
    rows = [Row("合计", None, {k: counts.get(k, {}).get(None, 0) for k in keys})]
    for child in sub.children:
        rows.append(
            Row(child.name, child.org_id, {k: counts.get(k, {}).get(child.org_id, 0) for k in keys})
        )
    return rows


def _place_org(sub: asof.Subtree, org_id: int | None) -> dict[int | None, int] | None:
    """One count for 合计 and for the subordinate row holding the organization; None outside."""
    if org_id is None or org_id not in sub.orgs:
        return None
    row = sub.child_of.get(org_id)
    return {None: 1, **({row: 1} if row is not None else {})}


def _add(
    target: dict[str, dict[int | None, int]], key: str, per_row: dict[int | None, int]
) -> None:
    bucket = target.setdefault(key, defaultdict(int))
    for row, n in per_row.items():
        bucket[row] += n


def _age_case(on: date, birth: str) -> Case:
    """The age band on `on` (completed years) as a SQL CASE over the birth date."""
    whens = [
        When(**{f"{birth}__gt": on - relativedelta(years=high + 1)}, then=Value(key))
        for key, _label, _low, high in AGE_BANDS[:-1]
    ]
    return Case(*whens, default=Value(AGE_BANDS[-1][0]), output_field=CharField())


def _joined_case() -> Case:
    whens = [When(member__joined_on__isnull=True, then=Value("joined_unknown"))]
    for key, _label, _start, end in JOINED_PERIODS[:-1]:
        whens.append(When(member__joined_on__lt=end, then=Value(key)))
    return Case(*whens, default=Value(JOINED_PERIODS[-1][0]), output_field=CharField())


def _total(sub: asof.Subtree, qs: QuerySet[MemberPeriod] | None = None) -> dict[int | None, int]:
    """Counted members per row (None = 合计), of the subtree or of `qs` within it."""
    counts = asof.count_by(sub, Value("all", output_field=CharField()), qs)
    return dict(counts.get("all", {}))


# --- 第一表 两年党员数综合比较 ------------------------------------------------------------------

T1_INCREASES = [
    ("inc_admitted", "发展党员"),
    ("inc_transfer_in", "县外转入"),
    ("inc_within", "县内转入"),
    ("inc_restored", "恢复党籍"),
    ("inc_other", "其他增加"),
]
T1_DECREASES = [
    ("dec_left", "出党"),
    ("dec_deceased", "死亡"),
    ("dec_transfer_out", "转出县外"),
    ("dec_within", "县内转出"),
    ("dec_suspended", "停止党籍"),
    ("dec_other", "其他减少"),
]


def _placement(sub: asof.Subtree, on: date) -> dict[int, int]:
    """member id → org id of every member counted in the subtree on `on`."""
    rows = asof.members_on(on, sub).values_list("member_id", "org_id").iterator(chunk_size=20000)
    return {m: o for m, o in rows if o in sub.orgs}


def _states(member_ids: Iterable[int], on: date) -> dict[int, str]:
    """member id → 党籍 status on `on` (any status, any organization)."""
    out: dict[int, str] = {}
    ids = list(member_ids)
    for i in range(0, len(ids), 5000):
        out.update(
            MemberPeriod.objects.filter(
                asof.valid_on(on), member_id__in=ids[i : i + 5000]
            ).values_list("member_id", "status")
        )
    return out


def _entries(member_ids: Iterable[int]) -> dict[int, tuple[date, str]]:
    """member id → (first day in the register, how the member entered)."""
    out: dict[int, tuple[date, str]] = {}
    ids = list(member_ids)
    for i in range(0, len(ids), 5000):
        for m, start, source in (
            MemberPeriod.objects.filter(member_id__in=ids[i : i + 5000])
            .order_by("member_id", "-valid_from")
            .values_list("member_id", "valid_from", "source")
        ):
            out[m] = (start, source)  # ordered newest first: the last one kept is the first
    return out


def _increase_reason(status_before: str | None, entry: tuple[date, str], start: date) -> str:
    if status_before is None:
        first_day, source = entry
        if first_day > start and source in (PeriodSource.ADMISSION, PeriodSource.READMISSION):
            return "inc_admitted"
        if first_day > start and source == PeriodSource.TRANSFER_IN:
            return "inc_transfer_in"
        return "inc_other"
    return {
        MemberStatus.NORMAL: "inc_within",
        MemberStatus.SUSPENDED: "inc_restored",
        MemberStatus.TRANSFERRED_OUT: "inc_transfer_in",
        MemberStatus.LEFT: "inc_admitted",  # 重新入党
    }.get(status_before, "inc_other")


def _decrease_reason(status_after: str | None) -> str:
    return {
        MemberStatus.NORMAL: "dec_within",
        MemberStatus.LEFT: "dec_left",
        MemberStatus.DECEASED: "dec_deceased",
        MemberStatus.TRANSFERRED_OUT: "dec_transfer_out",
        MemberStatus.SUSPENDED: "dec_suspended",
    }.get(status_after or "", "dec_other")


def table_1(sub_end: asof.Subtree, sub_start: asof.Subtree | None) -> Table:
    start, end = (sub_start.on if sub_start else None), sub_end.on
    before = _placement(sub_start, sub_start.on) if sub_start else {}
    after = _placement(sub_end, end)
    row_after = {m: sub_end.child_of.get(o) for m, o in after.items()}
    # A member's row at the start is read in the end-of-year tree, so a branch that moved between
    # two rows during the year shows as a move between them.
    row_before = {
        m: sub_end.child_of.get(o) if o in sub_end.orgs else -1 for m, o in before.items()
    }
    counts: dict[str, dict[int | None, int]] = {}
    arrived = [m for m in after if m not in before]
    departed = [m for m in before if m not in after]
    status_before = _states(arrived, start) if start else {}
    entries = _entries(arrived)
    status_after = _states(departed, end)

    def bump(key: str, row: int | None, total: bool) -> None:
        bucket = counts.setdefault(key, defaultdict(int))
        if total:
            bucket[None] += 1
        if row is not None and row != -1:
            bucket[row] += 1

    for m in before:
        bump("start", row_before[m], True)
    for m in after:
        bump("end", row_after[m], True)
    for m in arrived:
        reason = _increase_reason(status_before.get(m), entries[m], start or end)
        bump(reason, row_after[m], True)
    for m in departed:
        bump(_decrease_reason(status_after.get(m)), row_before[m], True)
    for m in set(before) & set(after):
        if row_before[m] != row_after[m]:  # moved between two rows inside the subtree
            bump("inc_within", row_after[m], False)
            bump("dec_within", row_before[m], False)
    columns = [Column("start", "上年末党员数")]
    columns += [Column(k, label, "本年增加") for k, label in T1_INCREASES]
    columns += [Column(k, label, "本年减少") for k, label in T1_DECREASES]
    columns += [Column("end", "本年末党员数"), Column("net", "增减数")]
    rows = _rows(sub_end, counts, [c.key for c in columns if c.key != "net"])
    for row in rows:
        row.values["net"] = row.values["end"] - row.values["start"]
    notes = []
    if sub_start is None:
        notes.append("上年末早于名册记录的起始日期，上年末党员数按0计。")
    return Table("t1", "第一表 两年党员数综合比较", columns, rows, notes)


# --- 第二、三、四、七表: members on 12-31 by their attributes ----------------------------------


def table_2(sub: asof.Subtree) -> Table:
    on = sub.on
    counts: dict[str, dict[int | None, int]] = {"total": _total(sub)}
    by_type = asof.count_by(sub, F("member_type"))
    counts["full"] = dict(by_type.get(MemberType.FULL, {}))
    counts["probationary"] = dict(by_type.get(MemberType.PROBATIONARY, {}))
    counts["female"] = dict(asof.count_by(sub, F("gender__code")).get(FEMALE, {}))
    minority = asof.count_by(
        sub,
        Case(
            When(Q(ethnicity__isnull=True) | Q(ethnicity__code=HAN), then=Value("no")),
            default=Value("yes"),
            output_field=CharField(),
        ),
    )
    counts["minority"] = dict(minority.get("yes", {}))
    education = asof.count_by(sub, F("education__code"))
    for code, per_row in education.items():
        if code and str(code)[0] in "123":
            _add(counts, "college", per_row)
    for key, per_row in asof.count_by(sub, _age_case(on, "member__birth_date")).items():
        _add(counts, str(key), per_row)
    for code, per_row in asof.count_by(sub, F("job_category__code")).items():
        _add(counts, f"job_{str(code)[:2]}" if code else "job_none", per_row)
    columns = [
        Column("total", "党员总数"),
        Column("full", "正式党员", "其中"),
        Column("probationary", "预备党员", "其中"),
        Column("female", "女党员", "其中"),
        Column("minority", "少数民族党员", "其中"),
        Column("college", "大专及以上学历", "其中"),
    ]
    columns += [Column(k, label, "年龄") for k, label, _l, _h in AGE_BANDS]
    columns += [Column(f"job_{code}", label, "工作岗位（职业）") for code, label in JOB_CLASSES]
    columns.append(Column("job_none", "未填写", "工作岗位（职业）"))
    return Table("t2", "第二表 党员基本情况", columns, _rows(sub, counts, [c.key for c in columns]))


def table_3(sub: asof.Subtree) -> Table:
    counts: dict[str, dict[int | None, int]] = {"total": _total(sub)}
    for key, per_row in asof.count_by(sub, _joined_case()).items():
        _add(counts, str(key), per_row)
    columns = [Column("total", "党员总数")]
    columns += [Column(k, label, "入党时间") for k, label, _s, _e in JOINED_PERIODS]
    columns.append(Column("joined_unknown", "入党日期未填", "入党时间"))
    return Table(
        "t3", "第三表 党员入党时间情况", columns, _rows(sub, counts, [c.key for c in columns])
    )


def education_group(code: str | None) -> str:
    for key, _label, prefixes in EDUCATION_GROUPS:
        if code and str(code)[0] in prefixes:
            return key
    return "edu_none"


def table_4(sub: asof.Subtree) -> Table:
    counts: dict[str, dict[int | None, int]] = {"total": _total(sub)}
    for code, per_row in asof.count_by(sub, F("education__code")).items():
        _add(counts, education_group(code), per_row)
    columns = [Column("total", "党员总数")]
    columns += [Column(k, label, "学历") for k, label, _p in EDUCATION_GROUPS]
    columns.append(Column("edu_none", "其他或未填", "学历"))
    return Table("t4", "第四表 党员学历情况", columns, _rows(sub, counts, [c.key for c in columns]))


def table_7(sub: asof.Subtree) -> Table:
    students = asof.members_on(sub.on, sub).filter(job_category__code__startswith="06")
    counts: dict[str, dict[int | None, int]] = {}
    for code, per_row in asof.count_by(sub, F("job_category__code"), students).items():
        _add(counts, "total", per_row)
        _add(counts, f"student_{code}" if code in dict(STUDENT_KINDS) else "student_other", per_row)
    by_type = asof.count_by(sub, F("member_type"), students)
    counts["probationary"] = dict(by_type.get(MemberType.PROBATIONARY, {}))
    counts["female"] = dict(asof.count_by(sub, F("gender__code"), students).get(FEMALE, {}))
    aged = students.filter(member__birth_date__lte=sub.on - relativedelta(years=55))
    counts["aged_55"] = dict(_total(sub, aged))
    columns = [Column("total", "学生党员总数")]
    columns += [Column(f"student_{c}", label, "其中") for c, label in STUDENT_KINDS]
    columns += [
        Column("student_other", "其他学生", "其中"),
        Column("probationary", "预备党员"),
        Column("female", "女党员"),
        Column("aged_55", "55岁及以上（须说明）"),
    ]
    table = Table(
        "t7", "第七表 学生党员情况", columns, _rows(sub, counts, [c.key for c in columns])
    )
    if table.total("aged_55"):
        table.notes.append(
            f"有{table.total('aged_55')}名55岁及以上的学生党员，按填报说明须逐一说明情况。"
        )
    return table


# --- 第五、六表: 建制村 and 社区 -------------------------------------------------------------


def _unit_orgs(sub: asof.Subtree, category: str) -> set[int]:
    """The party organizations of 建制村 (社区): every organization of that category."""
    return {o.org_id for o in sub.orgs.values() if o.category_code == category}


def _unit_table(sub: asof.Subtree, category: str, code: str, title: str, unit: str) -> Table:
    inside = _unit_orgs(sub, category)
    tops = [
        o
        for o in sub.orgs.values()
        if o.org_id in inside and o.status == "active" and o.parent_id not in inside
    ]
    counts: dict[str, dict[int | None, int]] = {}
    for org in tops:
        per = _place_org(sub, org.org_id) or {}
        _add(counts, "units", per)
        _add(counts, f"kind_{org.kind}", per)
    qs = asof.members_on(sub.on, sub).filter(org_id__in=list(inside)) if inside else None
    if qs is not None:
        _add(counts, "members", _total(sub, qs))
        by_type = asof.count_by(sub, F("member_type"), qs)
        counts["probationary"] = dict(by_type.get(MemberType.PROBATIONARY, {}))
        counts["female"] = dict(asof.count_by(sub, F("gender__code"), qs).get(FEMALE, {}))
        for key, per_row in asof.count_by(sub, _age_case(sub.on, "member__birth_date"), qs).items():
            if key in ("age_30", "age_35"):
                _add(counts, "young", per_row)
            if key == "age_61":
                _add(counts, "old", per_row)
    columns = [
        Column("units", f"{unit}党组织数"),
        Column("kind_primary_party_committee", "党委", "其中"),
        Column("kind_general_branch", "党总支", "其中"),
        Column("kind_branch", "党支部", "其中"),
        Column("members", f"{unit}党员数"),
        Column("probationary", "预备党员", "其中"),
        Column("female", "女党员", "其中"),
        Column("young", "35岁及以下", "其中"),
        Column("old", "61岁及以上", "其中"),
    ]
    return Table(code, title, columns, _rows(sub, counts, [c.key for c in columns]))


def table_5(sub: asof.Subtree) -> Table:
    return _unit_table(sub, VILLAGE, "t5", "第五表 乡（镇）、建制村党员情况", "建制村")


def table_6(sub: asof.Subtree) -> Table:
    return _unit_table(sub, COMMUNITY, "t6", "第六表 街道、社区（居委会）党员情况", "社区")


# --- 第八表 民主评议 --------------------------------------------------------------------------


def table_8(sub: asof.Subtree, year: int) -> Table:
    counts: dict[str, dict[int | None, int]] = {"members": _total(sub)}
    entries = (
        AppraisalEntry.objects.filter(round__year=year)
        .exclude(grade="")
        .values_list("round__org_id", "grade")
    )
    if len(sub.orgs) <= asof.IN_LIST_LIMIT:
        entries = entries.filter(round__org_id__in=list(sub.orgs))
    appraised_branches: set[int] = set()
    for org_id, grade in entries.iterator():
        per = _place_org(sub, org_id)
        if per is None:
            continue
        _add(counts, "appraised", per)
        _add(counts, f"grade_{grade}", per)
        appraised_branches.add(org_id)
    counts["branches"] = defaultdict(int)
    for org_id in appraised_branches:
        _add(counts, "branches", _place_org(sub, org_id) or {})
    columns = [
        Column("members", "年末党员数"),
        Column("branches", "开展评议的党支部数"),
        Column("appraised", "参加评议党员数"),
    ]
    columns += [Column(f"grade_{g.value}", g.label, "评定等次") for g in Grade]
    return Table(
        "t8", "第八表 民主评议党员情况", columns, _rows(sub, counts, [c.key for c in columns])
    )


# --- 第十、十一表 出党 ------------------------------------------------------------------------


def _org_of_member_on(pairs: list[tuple[int, date]]) -> dict[tuple[int, date], int]:
    """(member, day) → the branch the member belonged to on that day: the members' periods are
    read in batches, and the one containing the day is picked here."""
    out: dict[tuple[int, date], int] = {}
    days: dict[int, list[date]] = {}
    for member_id, day in pairs:
        days.setdefault(member_id, []).append(day)
    ids = list(days)
    for i in range(0, len(ids), 5000):
        rows = MemberPeriod.objects.filter(member_id__in=ids[i : i + 5000]).values_list(
            "member_id", "valid_from", "valid_to", "org_id"
        )
        for member_id, start, end, org_id in rows:
            for day in days[member_id]:
                if start <= day and (end is None or day < end):
                    out[(member_id, day)] = org_id
    return out


def table_10(sub: asof.Subtree, year: int) -> Table:
    """出党, counted by the branch that handled it (the member's branch on the day)."""
    start, end = date(year, 1, 1), year_end(year)
    quits = list(
        QuitCase.objects.filter(
            status=QuitStatus.COMPLETED, completed_on__gte=start, completed_on__lte=end
        ).values_list("member_id", "completed_on", "kind")
    )
    cancelled = list(
        MemberPeriod.objects.filter(
            valid_from__gte=start,
            valid_from__lte=end,
            status=MemberStatus.LEFT,
            source=PeriodSource.STATUS,
            member__development_case__status="cancelled",
        ).values_list("member_id", "valid_from")
    )
    where = _org_of_member_on(
        [(m, d - relativedelta(days=1)) for m, d, _k in quits]
        + [(m, d - relativedelta(days=1)) for m, d in cancelled]
    )
    counts: dict[str, dict[int | None, int]] = {}

    def place(member_id: int, day: date, key: str) -> None:
        per = _place_org(sub, where.get((member_id, day - relativedelta(days=1))))
        if per is None:
            return
        _add(counts, "total", per)
        _add(counts, key, per)

    for member_id, day, kind in quits:
        place(member_id, day, f"quit_{kind}")
    for member_id, day in cancelled:
        place(member_id, day, "quit_cancelled")
    columns = [Column("total", "出党总数")]
    columns += [Column(f"quit_{k.value}", k.label, "出党方式") for k in QuitKind]
    columns.append(Column("quit_cancelled", "取消预备党员资格", "出党方式"))
    return Table(
        "t10", "第十、十一表 党员出党情况", columns, _rows(sub, counts, [c.key for c in columns])
    )


# --- 第十三表 转正, 第十四、十五表 发展: counted by the approving 基层党委 -----------------------


def _approvals(year: int, code: str) -> QuerySet[CaseStep]:
    """The year's approval steps of one kind that name the approving 基层党委."""
    return CaseStep.objects.filter(
        definition__code=code, done_on__year=year, responsible_org_id__isnull=False
    ).select_related("case", "case__member", "case__member__ethnicity", "case__member__education")


def table_13(sub: asof.Subtree, year: int) -> Table:
    counts: dict[str, dict[int | None, int]] = {}
    extended_cases = set(ProbationExtension.objects.values_list("case_id", flat=True))
    for step in _approvals(year, wf.CONVERSION_APPROVAL):
        per = _place_org(sub, step.responsible_org_id)
        if per is None:
            continue
        _add(counts, "converted", per)
        _add(counts, "extended_then" if step.case_id in extended_cases else "on_time", per)
    for ext in ProbationExtension.objects.filter(decided_on__year=year).select_related("case"):
        per = _place_org(sub, ext.case.org_id)
        if per is not None:
            _add(counts, "extended", per)
    columns = [
        Column("converted", "转为正式党员"),
        Column("on_time", "按期转正", "其中"),
        Column("extended_then", "延长预备期后转正", "其中"),
        Column("extended", "本年延长预备期"),
    ]
    table = Table(
        "t13", "第十三表 预备党员转正情况", columns, _rows(sub, counts, [c.key for c in columns])
    )
    table.notes.append("转正按审批的基层党委统计；延长预备期按党支部统计。")
    return table


def table_14(sub: asof.Subtree, year: int) -> Table:
    counts: dict[str, dict[int | None, int]] = {}
    for step in _approvals(year, wf.ADMISSION_APPROVAL):
        per = _place_org(sub, step.responsible_org_id)
        if per is None:
            continue
        case, member = step.case, step.case.member
        _add(counts, "total", per)
        if case.gender_id and case.gender.code == FEMALE:
            _add(counts, "female", per)
        if member is not None and member.ethnicity_id and member.ethnicity.code != HAN:
            _add(counts, "minority", per)
        if case.birth_date and case.birth_date > step.done_on - relativedelta(years=36):
            _add(counts, "young", per)
        if member is not None and member.education_id and member.education.code[0] in "123":
            _add(counts, "college", per)
        job = member.job_category.code[:2] if member and member.job_category_id else "none"
        _add(counts, f"job_{job}", per)
    unknown_org = CaseStep.objects.filter(
        definition__code=wf.ADMISSION_APPROVAL, done_on__year=year, responsible_org__isnull=True
    ).count()
    columns = [
        Column("total", "发展党员总数"),
        Column("female", "女", "其中"),
        Column("minority", "少数民族", "其中"),
        Column("young", "35岁及以下", "其中"),
        Column("college", "大专及以上学历", "其中"),
    ]
    columns += [Column(f"job_{code}", label, "工作岗位（职业）") for code, label in JOB_CLASSES]
    columns.append(Column("job_none", "未填写", "工作岗位（职业）"))
    table = Table(
        "t14", "第十四、十五表 发展党员情况", columns, _rows(sub, counts, [c.key for c in columns])
    )
    table.notes.append("按审批的基层党委统计（上级党委批准之日所在年度）。")
    if unknown_org:
        table.notes.append(
            f"全库有{unknown_org}条本年度审批记录没有填写审批党委（多为导入的历史档案），未计入本表。"
        )
    return table


def build_report(
    root_org_id: int, year: int, progress: Callable[[int, str], None] | None = None
) -> Report:
    """All tables for the root's subtree, as of 12-31 of `year`."""
    say = progress or (lambda _pct, _msg: None)
    end = year_end(year)
    sub = asof.subtree_on(root_org_id, end)
    if sub is None:
        raise ValueError("该组织在统计时点尚未建立。")
    sub_start = asof.subtree_on(root_org_id, year_end(year - 1))
    begins = asof.records_begin()
    if begins is None or begins > year_end(year - 1):
        sub_start = None
    steps: list[tuple[str, Callable[[], Table]]] = [
        ("第一表", lambda: table_1(sub, sub_start)),
        ("第二表", lambda: table_2(sub)),
        ("第三表", lambda: table_3(sub)),
        ("第四表", lambda: table_4(sub)),
        ("第五表", lambda: table_5(sub)),
        ("第六表", lambda: table_6(sub)),
        ("第七表", lambda: table_7(sub)),
        ("第八表", lambda: table_8(sub, year)),
        ("第十、十一表", lambda: table_10(sub, year)),
        ("第十三表", lambda: table_13(sub, year)),
        ("第十四、十五表", lambda: table_14(sub, year)),
    ]
    tables = []
    for i, (name, build) in enumerate(steps):
        say(int(100 * i / len(steps)), f"正在统计{name}")
        tables.append(build())
    say(100, "统计完成")
    return Report(year, end, sub.root.name, tables, list(NOT_FILLED))


def report_to_json(report: Report) -> dict:
    return {
        "year": report.year,
        "on": report.on.isoformat(),
        "scope": report.scope_name,
        "not_filled": report.not_filled,
        "tables": [
            {
                "code": t.code,
                "title": t.title,
                "columns": [[c.key, c.label, c.group] for c in t.columns],
                "rows": [[r.label, r.org_id, r.values] for r in t.rows],
                "notes": t.notes,
            }
            for t in report.tables
        ],
    }


def report_from_json(data: dict) -> Report:
    return Report(
        year=data["year"],
        on=date.fromisoformat(data["on"]),
        scope_name=data["scope"],
        not_filled=data["not_filled"],
        tables=[
            Table(
                code=t["code"],
                title=t["title"],
                columns=[Column(*c) for c in t["columns"]],
                rows=[Row(label, org_id, values) for label, org_id, values in t["rows"]],
                notes=t["notes"],
            )
            for t in data["tables"]
        ],
    )
