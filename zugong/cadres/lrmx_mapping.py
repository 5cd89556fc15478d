"""Between the exchange record (LrmxRecord, the file's texts) and the archive (typed rows).

`archive_data_from_record` checks and converts a record read from a file; `record_from_cadre`
builds the record an export writes. The two are inverse on everything the archive stores, so an
export re-imports without a single difference (tested); texts the form prints as written
(奖惩情况, 年度考核结果, 入党时间 with its 民主党派) are kept verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from zugong.cadres.archive_selectors import recent_assessment_text
from zugong.cadres.lrmx import (
    FamilyMember as FamilyRecord,
)
from zugong.cadres.lrmx import (
    LrmxError,
    LrmxRecord,
    ResumeEntry,
    UnknownElement,
    check_resume,
    format_month,
    format_resume,
    parse_month,
    parse_party_joined,
    parse_resume,
)
from zugong.cadres.lrmx.record import DEFAULT_VERSION
from zugong.cadres.models import (
    AssessmentGrade,
    Cadre,
    Education,
    EducationKind,
    FamilyMember,
)
from zugong.cadres.models import (
    ResumeEntry as ResumeRow,
)
from zugong.core.ids import check_id_number

GENDERS = ("男", "女")
# Longest first: 基本称职 must not be read as 称职.
_GRADE_WORDS = sorted(
    ((label, value) for value, label in AssessmentGrade.choices), key=lambda p: -len(p[0])
)
# "2022年度考核称职" and "2023、2024年度考核优秀" (several years sharing one grade).
_YEAR_GRADE = re.compile(
    r"(?P<years>(?:(?:19|20)\d{2}\s*(?:年度?)?\s*[、，,和及]\s*)*(?:19|20)\d{2})"
    r"\s*年(?:度)?[^0-9；;。]*?(?P<grade>"
    + "|".join(re.escape(label) for label, _ in _GRADE_WORDS)
    + ")"
)


@dataclass
class EducationData:
    kind: str
    education: str
    degree: str
    school: str
    degree_school: str

    @property
    def is_empty(self) -> bool:
        return not (self.education or self.degree or self.school or self.degree_school)


@dataclass
class ArchiveData:
    """The archive rows one record becomes; `warnings` are shown in the preview, not blocking."""

    id_number: str
    cadre_fields: dict[str, object]
    resume: list[ResumeEntry]
    educations: list[EducationData]
    family: list[FamilyRecord]
    assessments: dict[int, str]
    photo: bytes
    extra: dict[str, object]
    warnings: list[str] = field(default_factory=list)


def month_start(month: tuple[int, int] | None) -> date | None:
    """The first day of a (year, month) the codec read; the archive stores months as dates."""
    return date(month[0], month[1], 1) if month else None


def _month_date(text: str, label: str) -> date | None:
    return month_start(parse_month(text, label=label))


def _full_date(text: str, label: str) -> date | None:
    """YYYYMMDD (or a month, read as its first day) for 填表时间 and 计算年龄时间."""
    digits = re.sub(r"[.\-/]", "", text.strip())
    if len(digits) == 8 and digits.isdigit():
        try:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            raise LrmxError(f"{label}“{text}”不是有效日期（应为YYYYMMDD）", element=label) from None
    return _month_date(text, label)


def assessments_from_text(text: str) -> dict[int, str]:
    """Years and grades named in a 年度考核结果 text ("2023年：称职；2024年度考核优秀")."""
    found: dict[int, str] = {}
    labels = dict(_GRADE_WORDS)
    for match in _YEAR_GRADE.finditer(text):
        for year in re.findall(r"(?:19|20)\d{2}", match["years"]):
            found[int(year)] = labels[match["grade"]]
    return found


def archive_data_from_record(record: LrmxRecord) -> ArchiveData:
    """Check a record and convert it; every problem raises LrmxError naming the field."""
    if not record.name:
        raise LrmxError("姓名（XingMing）不能为空", element="XingMing")
    if record.gender not in GENDERS:
        raise LrmxError(
            f"性别（XingBie）应为“男”或“女”，文件中为“{record.gender}”", element="XingBie"
        )
    if not record.id_number:
        raise LrmxError(
            "缺少公民身份号码（ShenFenZheng），无法与干部档案匹配", element="ShenFenZheng"
        )
    checked = check_id_number(record.id_number)
    if checked.errors:
        raise LrmxError("；".join(checked.errors), element="ShenFenZheng")
    birth_month = parse_month(record.birth_month, label="出生年月")
    if birth_month is None:
        raise LrmxError("出生年月（ChuShengNianYue）不能为空", element="ChuShengNianYue")
    warnings = list(checked.warnings)
    embedded = checked.birth_date
    if embedded and (embedded.year, embedded.month) == birth_month:
        birth_date = embedded
    else:
        birth_date = date(birth_month[0], birth_month[1], 1)
        if embedded:
            warnings.append(
                f"出生年月{format_month(*birth_month, style='form')}与公民身份号码中的出生日期"
                f"{embedded:%Y.%m.%d}不一致，请在专项审核中认定"
            )
    party = parse_party_joined(record.party_joined)
    resume = parse_resume(record.resume)
    problems = check_resume(resume)
    if problems:
        raise LrmxError("简历（JianLi）：" + "；".join(problems), element="JianLi")
    extra: dict[str, object] = {
        "unknown": [{"after": u.after, "xml": u.xml} for u in record.unknown],
    }
    for key in ("retirement_month", "pre_reform_age_limit"):
        if getattr(record, key):
            extra[key] = getattr(record, key)
    for member in record.family:
        parse_month(member.birth_month, label=f"家庭成员“{member.name}”的出生日期")
    cadre_fields: dict[str, object] = {
        "name": record.name,
        "gender": record.gender,
        "birth_date": birth_date,
        "ethnicity": record.ethnicity,
        "native_place": record.native_place,
        "birthplace": record.birthplace,
        "party_joined_text": record.party_joined,
        "party_joined_on": date(*party.cpc_month, 1) if party.cpc_month else None,
        "work_started_on": _month_date(record.work_started, "参加工作时间"),
        "health": record.health,
        "professional_title": record.professional_title,
        "expertise": record.expertise,
        "current_post_text": record.current_post,
        "proposed_post": record.proposed_post,
        "proposed_removal": record.proposed_removal,
        "rewards_text": record.rewards,
        "assessments_text": record.assessments,
        "appointment_reason": record.reason,
        "reporting_unit": record.reporting_unit,
        "age_reference_on": _full_date(record.age_reference, "计算年龄时间"),
        "filled_on": _full_date(record.filled_on, "填表时间"),
        "filled_by": record.filled_by,
        "lrmx_version": record.version,
    }
    return ArchiveData(
        id_number=checked.normalized or record.id_number,
        cadre_fields=cadre_fields,
        resume=resume,
        educations=[
            EducationData(
                EducationKind.FULLTIME,
                record.fulltime_education,
                record.fulltime_degree,
                record.fulltime_education_school,
                record.fulltime_degree_school,
            ),
            EducationData(
                EducationKind.PARTTIME,
                record.parttime_education,
                record.parttime_degree,
                record.parttime_education_school,
                record.parttime_degree_school,
            ),
        ],
        family=list(record.family),
        assessments=assessments_from_text(record.assessments),
        photo=record.photo,
        extra=extra,
        warnings=warnings,
    )


# --- archive → record ------------------------------------------------------------------------


def _file_month(value: date | None) -> str:
    return format_month(value.year, value.month) if value else ""


def _file_day(value: date | None) -> str:
    return f"{value:%Y%m%d}" if value else ""


def resume_entries(rows: list[ResumeRow]) -> list[ResumeEntry]:
    """Rows (main entries and their 其间 children) back into the codec's nested entries."""

    def month(value: date | None) -> tuple[int, int] | None:
        return (value.year, value.month) if value else None

    mains: dict[int, ResumeEntry] = {}
    ordered: list[ResumeEntry] = []
    for row in sorted(rows, key=lambda r: (r.parent_id is not None, r.position, r.pk or 0)):
        entry = ResumeEntry(start=month(row.start), end=month(row.end), text=row.text)  # type: ignore[arg-type]
        if row.parent_id is None:
            mains[row.pk] = entry
            ordered.append(entry)
        else:
            mains[row.parent_id].during.append(entry)
    return ordered


def record_from_cadre(cadre: Cadre, *, photo: bytes | None = None) -> LrmxRecord:
    """The exchange record of one archive (prefetch its children to avoid a query per part)."""
    forms = {e.kind: e for e in cadre.educations.all() if e.on_form}
    full = forms.get(EducationKind.FULLTIME)
    part = forms.get(EducationKind.PARTTIME)
    extra = cadre.lrmx_extra if isinstance(cadre.lrmx_extra, dict) else {}
    if photo is None:
        photo = photo_bytes(cadre)
    return LrmxRecord(
        name=cadre.name,
        gender=cadre.gender,
        birth_month=_file_month(cadre.birth_date),
        ethnicity=cadre.ethnicity,
        native_place=cadre.native_place,
        birthplace=cadre.birthplace,
        party_joined=cadre.party_joined_text or _file_month(cadre.party_joined_on),
        work_started=_file_month(cadre.work_started_on),
        health=cadre.health,
        professional_title=cadre.professional_title,
        expertise=cadre.expertise,
        fulltime_education=full.education if full else "",
        fulltime_degree=full.degree if full else "",
        fulltime_education_school=full.school if full else "",
        fulltime_degree_school=full.degree_school if full else "",
        parttime_education=part.education if part else "",
        parttime_degree=part.degree if part else "",
        parttime_education_school=part.school if part else "",
        parttime_degree_school=part.degree_school if part else "",
        current_post=cadre.current_post_text,
        proposed_post=cadre.proposed_post,
        proposed_removal=cadre.proposed_removal,
        resume=format_resume(resume_entries(list(cadre.resume_entries.all()))),
        rewards=cadre.rewards_text,
        assessments=cadre.assessments_text or recent_assessment_text(list(cadre.assessments.all())),
        reason=cadre.appointment_reason,
        family=[
            FamilyRecord(
                relation=f.relation,
                name=f.name,
                birth_month=_file_month(f.birth_month),
                political_status=f.political_status,
                employer_and_post=f.employer_and_post,
            )
            for f in cadre.family.all()
        ],
        reporting_unit=cadre.reporting_unit,
        age_reference=_file_day(cadre.age_reference_on),
        filled_on=_file_day(cadre.filled_on),
        filled_by=cadre.filled_by,
        id_number=cadre.id_number,
        photo=photo,
        version=cadre.lrmx_version or DEFAULT_VERSION,
        retirement_month=str(extra.get("retirement_month", "")),
        pre_reform_age_limit=str(extra.get("pre_reform_age_limit", "")),
        unknown=[UnknownElement(u["after"], u["xml"]) for u in extra.get("unknown", [])],
    )


def photo_bytes(cadre: Cadre) -> bytes:
    """The stored photo as it was received (empty when none or the file is gone)."""
    if not cadre.photo:
        return b""
    try:
        with cadre.photo.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return b""


def prefetch_for_record(queryset):  # noqa: ANN001, ANN201 - a Cadre queryset in and out
    """The prefetches record_from_cadre reads, for exporting many cadres without N+1."""
    return queryset.select_related("unit").prefetch_related(
        "educations", "resume_entries", "assessments", "family"
    )


def education_rows(data: ArchiveData) -> list[Education]:
    return [
        Education(
            kind=e.kind,
            education=e.education,
            degree=e.degree,
            school=e.school,
            degree_school=e.degree_school,
            on_form=True,
        )
        for e in data.educations
        if not e.is_empty
    ]


def family_rows(data: ArchiveData) -> list[FamilyMember]:
    return [
        FamilyMember(
            relation=f.relation,
            name=f.name,
            birth_month=_month_date(f.birth_month, "出生日期"),
            political_status=f.political_status,
            employer_and_post=f.employer_and_post,
            position=i,
        )
        for i, f in enumerate(data.family)
    ]
