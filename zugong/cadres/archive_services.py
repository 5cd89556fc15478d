"""Every write to a cadre's archive: the cadre itself and its child records.

Each function validates the whole record set it touches (a 简历 entry is checked against its
neighbours, a 主职 against the other 主职), writes inside one transaction, and records the actor in
the change history. The LRMX import calls the same functions as the pages, so both keep one set
of rules. Errors are ValidationErrors whose messages name the field and the rule, in Chinese.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model

from zugong.accounts.models import User
from zugong.cadres.models import (
    AnnualAssessment,
    Cadre,
    Education,
    EducationKind,
    FamilyMember,
    PostHolding,
    ProfessionalTitle,
    Rank,
    RankHolding,
    ResumeEntry,
    RewardPunishment,
    Training,
    Unit,
    Verification,
)
from zugong.core.ids import check_id_number
from zugong.core.locking import check_version, lock_row
from zugong.core.pinyin import name_initials, name_pinyin
from zugong.core.selectors import surname_overrides
from zugong.members.models import Member

FAMILY_MAX_ROWS = 50
PHOTO_MAX_BYTES = 2 * 1024 * 1024
GENDER_CODES = {"男": "1", "女": "2"}

# Fields a caller may set on the cadre through create_cadre/update_cadre (the derived ones —
# pinyin, unit_path, current level/post synced from the posts — are the services' business).
CADRE_FIELDS = frozenset(
    {
        "name",
        "gender",
        "id_number",
        "birth_date",
        "ethnicity",
        "native_place",
        "birthplace",
        "party_joined_text",
        "party_joined_on",
        "work_started_on",
        "health",
        "professional_title",
        "expertise",
        "identity",
        "current_post_text",
        "proposed_post",
        "proposed_removal",
        "rewards_text",
        "assessments_text",
        "appointment_reason",
        "reporting_unit",
        "age_reference_on",
        "filled_on",
        "filled_by",
        "unit",
        "current_level",
        "current_level_since",
        "current_rank",
        "status",
        "member",
        "lrmx_extra",
        "lrmx_version",
        "note",
    }
)


# --- helpers ---------------------------------------------------------------------------------


def _month(d: date) -> tuple[int, int]:
    return (d.year, d.month)


def _ym(d: date | None) -> str:
    return f"{d.year}.{d.month:02d}" if d else "至今"


def _require_unit_in_scope(actor: User | None, unit: Unit, field_name: str = "unit") -> None:
    """A service called by a page writes only inside the actor's units (imports pass actor too)."""
    if actor is None:
        return
    if not actor.cadre_scope.contains(unit.path):
        raise ValidationError({field_name: f"单位：“{unit.name}”不在您的管理范围内。"})


def _save(obj: Model, actor: User | None, *, exclude: Sequence[str] = ()) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    # Constraints are checked by the services themselves, with messages that name the rule.
    obj.full_clean(exclude=list(exclude), validate_constraints=False)
    obj.save()


def _delete(obj: Model, actor: User | None) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    obj.delete()


# --- the cadre itself ------------------------------------------------------------------------


def validate_identity(cadre: Cadre) -> None:
    """公民身份号码 under GB 11643 (check digit, birth date, sex digit) against 出生日期 and 性别."""
    result = check_id_number(
        cadre.id_number or "",
        gender_code=GENDER_CODES.get(cadre.gender),
        birth_date=cadre.birth_date,
    )
    if not result.ok:
        raise ValidationError(
            {
                "id_number": [
                    m if m.startswith("公民身份号码") else f"公民身份号码：{m}"
                    for m in result.errors
                ]
            }
        )
    cadre.id_number = result.normalized or cadre.id_number
    clash = Cadre.objects.filter(id_number=cadre.id_number).exclude(pk=cadre.pk).first()
    if clash is not None:
        raise ValidationError(
            {"id_number": f"公民身份号码：已有干部“{clash.name}”使用该号码，同一人只能建一份档案。"}
        )


def derive_names(cadre: Cadre) -> None:
    """姓名全拼 and 首字母 for search, with the surname overrides (单 → shan ...)."""
    overrides = surname_overrides()
    cadre.name = (cadre.name or "").strip()
    cadre.name_pinyin = name_pinyin(cadre.name, overrides)
    cadre.name_initials = name_initials(cadre.name, overrides)


def link_member(cadre: Cadre) -> None:
    """Link the member register by 公民身份号码 when the cadre is a party member found there."""
    if cadre.member_id is not None or not cadre.id_number:
        return
    member = Member.objects.filter(id_number=cadre.id_number).only("pk").first()
    if member is not None:
        cadre.member = member


def _apply_fields(cadre: Cadre, fields: dict[str, Any]) -> None:
    unknown = set(fields) - CADRE_FIELDS
    if unknown:
        raise TypeError(f"unknown cadre fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(cadre, name, value)


def _validate_cadre(cadre: Cadre) -> None:
    errors: dict[str, list[str]] = {}
    try:
        cadre.full_clean(exclude=["unit_path", "id_number"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_identity(cadre)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if cadre.work_started_on and cadre.birth_date and cadre.work_started_on < cadre.birth_date:
        errors.setdefault("work_started_on", []).append("参加工作时间：不能早于出生日期。")
    if cadre.party_joined_on and cadre.birth_date and cadre.party_joined_on < cadre.birth_date:
        errors.setdefault("party_joined_on", []).append("入党日期：不能早于出生日期。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_cadre(*, actor: User | None, **fields: Any) -> Cadre:
    """A new archive; `unit` is required and must lie in the actor's units."""
    cadre = Cadre()
    _apply_fields(cadre, fields)
    if cadre.unit_id is None:
        raise ValidationError({"unit": "所在单位：必须选择。"})
    _require_unit_in_scope(actor, cadre.unit)
    derive_names(cadre)
    _validate_cadre(cadre)
    link_member(cadre)
    cadre._history_user = actor  # type: ignore[attr-defined]
    cadre.save()
    return cadre


@transaction.atomic
def update_cadre(
    *, actor: User | None, cadre: Cadre, expected_version: int | None = None, **fields: Any
) -> Cadre:
    """`expected_version`: the version the form was opened with; a newer saved one raises
    StaleEdit and nothing is written."""
    check_version(lock_row(Cadre, cadre.pk), cadre, expected_version)
    old_unit_id, old_status = cadre.unit_id, cadre.status
    _apply_fields(cadre, fields)
    if cadre.unit_id != old_unit_id:
        _require_unit_in_scope(actor, cadre.unit)
    derive_names(cadre)
    _validate_cadre(cadre)
    link_member(cadre)
    cadre._history_user = actor  # type: ignore[attr-defined]
    cadre.save()
    if old_status != cadre.status:
        # Only an active cadre's posts use a 职数 (unit_selectors.staffing_rows).
        held = PostHolding.objects.filter(cadre=cadre, ended_on__isnull=True)
        _refresh_staffing(held.values_list("unit_id", flat=True))
    return cadre


def prepare_photo(data: bytes, name: str = "照片") -> ContentFile:
    """JPEG/PNG ≤ 2 MB, recognized by content, re-encoded so that EXIF/GPS data is dropped."""
    # The meeting uploads already know how to sniff and re-encode an image: reuse them.
    from zugong.life.uploads import _reencode, sniff

    size = len(data)
    if size == 0:
        raise ValidationError({"photo": "照片：文件是空的。"})
    if size > PHOTO_MAX_BYTES:
        raise ValidationError(
            {"photo": f"照片：文件大小{size / 1024 / 1024:.1f}MB，超过2MB的上限。"}
        )
    kind = sniff(data[:16])
    if kind not in ("jpeg", "png"):
        raise ValidationError(
            {"photo": "照片：文件内容不是JPG或PNG图片（按文件内容识别，与扩展名无关）。"}
        )
    try:
        body = _reencode(data, "JPEG" if kind == "jpeg" else "PNG", name)
    except ValidationError:
        raise ValidationError(
            {"photo": "照片：图片已损坏、无法识别或尺寸过大，请重新导出后上传。"}
        ) from None
    ext = ".jpg" if kind == "jpeg" else ".png"
    return ContentFile(body, name=f"{uuid.uuid4().hex}{ext}")


@transaction.atomic
def set_photo(*, actor: User | None, cadre: Cadre, uploaded: UploadedFile) -> Cadre:
    """A photo uploaded on the page."""
    if (uploaded.size or 0) > PHOTO_MAX_BYTES:
        # Refuse before reading a large upload into memory.
        size = uploaded.size or 0
        raise ValidationError(
            {"photo": f"照片：文件大小{size / 1024 / 1024:.1f}MB，超过2MB的上限。"}
        )
    uploaded.seek(0)
    return set_photo_data(actor=actor, cadre=cadre, data=uploaded.read(), name=uploaded.name or "")


@transaction.atomic
def set_photo_data(*, actor: User | None, cadre: Cadre, data: bytes, name: str = "照片") -> Cadre:
    """Check, re-encode and store photo bytes (the LRMX import passes its decoded photo here)."""
    content = prepare_photo(data, name)
    old = cadre.photo.name if cadre.photo else ""
    cadre._history_user = actor  # type: ignore[attr-defined]
    cadre.photo.save(content.name, content, save=True)
    if old:
        storage = cadre.photo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return cadre


# --- 简历 ------------------------------------------------------------------------------------


@dataclass
class ResumeInput:
    """One 简历 line; `during` holds its （其间：…） entries."""

    start: date
    end: date | None
    text: str
    during: list[ResumeInput] = field(default_factory=list)


def _entry_label(e: ResumeInput) -> str:
    text = e.text if len(e.text) <= 30 else e.text[:30] + "…"
    return f"“{_ym(e.start)}—{_ym(e.end)} {text}”"


def validate_resume(entries: Sequence[ResumeInput]) -> None:
    """Months in order; main entries do not overlap (a hand-over in the same month is fine);
    a （其间） entry lies within its main entry."""
    errors: list[str] = []
    for e in entries:
        for item in (e, *e.during):
            if not (item.text or "").strip():
                errors.append(f"简历：{_entry_label(item)}缺少经历内容。")
            if item.end is not None and _month(item.end) < _month(item.start):
                errors.append(f"简历：{_entry_label(item)}的截止年月早于起始年月。")
        for d in e.during:
            after_end = e.end is not None and (d.end is None or _month(d.end) > _month(e.end))
            if _month(d.start) < _month(e.start) or after_end:
                errors.append(
                    f"简历：其间经历{_entry_label(d)}超出了所属经历{_entry_label(e)}的起止时间。"
                )
    ordered = sorted(entries, key=lambda x: (_month(x.start), _month(x.end or date.max)))
    for prev, nxt in zip(ordered, ordered[1:], strict=False):
        # Months overlap only when the next entry starts before the month the previous ends.
        if prev.end is None or _month(nxt.start) < _month(prev.end):
            errors.append(f"简历：{_entry_label(prev)}与{_entry_label(nxt)}的时间重叠。")
    if errors:
        raise ValidationError({"resume": errors})


@transaction.atomic
def replace_resume(*, actor: User | None, cadre: Cadre, entries: list[ResumeInput]) -> None:
    """Replace the whole 简历 (the LRMX import, and every single-entry edit through the pages)."""
    validate_resume(entries)
    for old in ResumeEntry.objects.filter(cadre=cadre, parent__isnull=False):
        _delete(old, actor)
    for old in ResumeEntry.objects.filter(cadre=cadre):
        _delete(old, actor)
    position = 0
    for e in sorted(entries, key=lambda x: (x.start, x.end or date.max)):
        position += 1
        main = ResumeEntry(
            cadre=cadre, start=e.start, end=e.end, text=e.text.strip(), position=position
        )
        _save(main, actor)
        for d in sorted(e.during, key=lambda x: x.start):
            position += 1
            _save(
                ResumeEntry(
                    cadre=cadre,
                    parent=main,
                    start=d.start,
                    end=d.end,
                    text=d.text.strip(),
                    position=position,
                ),
                actor,
            )


def _resume_rows(cadre: Cadre) -> tuple[list[ResumeEntry], dict[int, ResumeInput]]:
    """The stored 简历 rows and, per row id, its input (main entries carry their 其间 ones)."""
    rows = list(ResumeEntry.objects.filter(cadre=cadre).order_by("position", "id"))
    by_id = {r.pk: ResumeInput(r.start, r.end, r.text) for r in rows}
    for r in rows:
        if r.parent_id is not None and r.parent_id in by_id:
            by_id[r.parent_id].during.append(by_id[r.pk])
    return rows, by_id


def _renumber_resume(cadre: Cadre) -> None:
    """Positions follow time: main entries by start, each followed by its 其间 entries."""
    rows = list(ResumeEntry.objects.filter(cadre=cadre))
    mains = sorted((r for r in rows if r.parent_id is None), key=lambda r: (r.start, r.pk))
    ordered: list[ResumeEntry] = []
    for m in mains:
        ordered.append(m)
        ordered += sorted((r for r in rows if r.parent_id == m.pk), key=lambda r: (r.start, r.pk))
    for position, r in enumerate(ordered, start=1):
        if r.position != position:
            # Only the order moved: not a change worth a history row.
            ResumeEntry.objects.filter(pk=r.pk).update(position=position)


@transaction.atomic
def save_resume_entry(
    *,
    actor: User | None,
    cadre: Cadre,
    start: date,
    end: date | None,
    text: str,
    parent: ResumeEntry | None = None,
    entry: ResumeEntry | None = None,
) -> ResumeEntry:
    """Add (entry=None) or change one 简历 line, validated against the whole 简历; other lines
    keep their ids and history."""
    if parent is not None and (parent.cadre_id != cadre.pk or parent.parent_id is not None):
        raise ValidationError({"parent": "所属经历：只能选择本人简历中的主要经历。"})
    rows, by_id = _resume_rows(cadre)
    mains = [by_id[r.pk] for r in rows if r.parent_id is None]
    new = ResumeInput(start, end, text)
    if entry is not None:
        if parent is not None and parent.pk == entry.pk:
            raise ValidationError({"parent": "所属经历：不能选择本条经历自己。"})
        current = by_id[entry.pk]
        if parent is not None and current.during:
            raise ValidationError({"parent": "所属经历：带有其间经历的条目不能再归入其他经历。"})
        new.during = current.during
        if current in mains:
            mains.remove(current)
        for m in mains:
            if current in m.during:
                m.during.remove(current)
    if parent is None:
        mains.append(new)
    else:
        by_id[parent.pk].during.append(new)
    validate_resume(mains)
    record = entry or ResumeEntry(cadre=cadre, position=len(rows) + 1)
    record.start, record.end, record.text, record.parent = start, end, text.strip(), parent
    _save(record, actor)
    _renumber_resume(cadre)
    return record


@transaction.atomic
def delete_resume_entry(*, actor: User | None, cadre: Cadre, entry: ResumeEntry) -> None:
    """Remove one line (a main entry takes its 其间 entries with it)."""
    for child in ResumeEntry.objects.filter(parent=entry):
        _delete(child, actor)
    _delete(entry, actor)
    _renumber_resume(cadre)


# --- education -------------------------------------------------------------------------------


@dataclass
class EducationInput:
    kind: str
    education: str = ""
    degree: str = ""
    school: str = ""
    degree_school: str = ""
    started_on: date | None = None
    finished_on: date | None = None
    on_form: bool = True


def _check_education(e: EducationInput | Education, label: str = "学历学位") -> None:
    if e.kind not in EducationKind.values:
        raise ValidationError({"kind": f"{label}：教育类别只能是全日制教育或在职教育。"})
    if not (e.education or e.degree):
        raise ValidationError({"education": f"{label}：学历和学位至少填写一项。"})
    if e.started_on and e.finished_on and e.finished_on < e.started_on:
        raise ValidationError({"finished_on": f"{label}：毕业时间早于入学时间。"})


@transaction.atomic
def save_education(
    *, actor: User | None, cadre: Cadre, data: EducationInput, record: Education | None = None
) -> Education:
    _check_education(data)
    record = record or Education(cadre=cadre)
    for name, value in vars(data).items():
        setattr(record, name, value)
    if record.on_form:
        # One row per kind is printed on the 任免审批表: the newest choice wins.
        others = Education.objects.filter(cadre=cadre, kind=record.kind, on_form=True)
        for other in others.exclude(pk=record.pk):
            other.on_form = False
            other._history_user = actor  # type: ignore[attr-defined]
            other.save(update_fields=["on_form"])
    _save(record, actor)
    return record


@transaction.atomic
def set_form_education(
    *,
    actor: User | None,
    cadre: Cadre,
    kind: str,
    education: str = "",
    degree: str = "",
    school: str = "",
    degree_school: str = "",
) -> Education | None:
    """The education row printed on the 任免审批表 for one kind (全日制/在职), as the LRMX carries
    it: updated in place, created when missing, removed when every value is empty."""
    data = EducationInput(kind, education, degree, school, degree_school)
    current = Education.objects.filter(cadre=cadre, kind=kind, on_form=True).first()
    if not (education or degree or school or degree_school):
        if current is not None:
            _delete(current, actor)
        return None
    if not (education or degree):
        raise ValidationError(
            {"education": f"学历学位：{EducationKind(kind).label}填写了院校，但学历和学位都为空。"}
        )
    if current is not None:
        data.started_on, data.finished_on = current.started_on, current.finished_on
    return save_education(actor=actor, cadre=cadre, data=data, record=current)


# --- posts (任职) -------------------------------------------------------------------------------


@dataclass
class PostInput:
    unit: Unit
    title: str
    started_on: date
    level: str = ""
    post: Any = None  # cadres.Post or None
    is_main: bool = True
    counts_toward_quota: bool = True
    ended_on: date | None = None
    document: str = ""
    probation_until: date | None = None


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Two periods share a day; one ending the day the other starts is a hand-over, not overlap."""
    a_end = a_end or date.max
    b_end = b_end or date.max
    return a_start < b_end and b_start < a_end


def validate_posts(holdings: Iterable[PostInput | PostHolding]) -> None:
    errors: list[str] = []
    items = list(holdings)
    for h in items:
        if h.ended_on is not None and h.ended_on < h.started_on:
            errors.append(f"任职：“{h.title}”的免职时间早于任职时间。")
    mains = [h for h in items if h.is_main]
    current = [h for h in mains if h.ended_on is None]
    if len(current) > 1:
        names = "、".join(f"“{h.title}”" for h in current)
        errors.append(
            f"任职：同一时间只能有一个主职（现任主职有{names}），请先填写原主职的免职时间。"
        )
    else:
        ordered = sorted(mains, key=lambda x: x.started_on)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if _overlaps(a.started_on, a.ended_on, b.started_on, b.ended_on):
                    errors.append(
                        f"任职：同一时间只能有一个主职（“{a.title}”与“{b.title}”的任职时间重叠）。"
                    )
    if errors:
        raise ValidationError({"started_on": errors})


def auto_post_text(cadre: Cadre) -> str:
    """现任职务 as the archive's posts say: the 主职 with its unit, then the 兼职."""
    current = list(
        PostHolding.objects.filter(cadre=cadre, ended_on__isnull=True)
        .select_related("unit")
        .order_by("-is_main", "started_on", "id")
    )
    parts = []
    for h in current:
        title = h.title if h.title.startswith(h.unit.name) else f"{h.unit.name}{h.title}"
        parts.append(title)
    return "，".join(parts)


def _level_since(mains: list[PostHolding], level: str) -> date | None:
    """Since when the cadre holds this level: back through consecutive 主职 at the same level."""
    since = None
    for h in sorted(mains, key=lambda x: x.started_on, reverse=True):
        if h.level != level:
            break
        since = h.started_on
    return since


def sync_current_post(
    cadre: Cadre, *, actor: User | None = None, previous_auto_text: str | None = None
) -> Cadre:
    """Copy the current 主职 into the cadre: unit, level, level since, and 现任职务 when that text
    is empty or was the generated one (a hand-written text is kept)."""
    mains = list(PostHolding.objects.filter(cadre=cadre, is_main=True).select_related("unit"))
    if not mains:
        return cadre
    current = next((h for h in mains if h.ended_on is None), None)
    changed: list[str] = []
    if current is not None:
        level = current.level or (current.post.level if current.post_id else "")
        since = _level_since(mains, current.level) if current.level else current.started_on
        if cadre.unit_id != current.unit_id:
            cadre.unit = current.unit
            changed += ["unit", "unit_path"]
        if cadre.current_level != level or cadre.current_level_since != since:
            cadre.current_level, cadre.current_level_since = level, since
            changed += ["current_level", "current_level_since"]
    elif cadre.current_level or cadre.current_level_since:
        cadre.current_level, cadre.current_level_since = "", None
        changed += ["current_level", "current_level_since"]
    if not cadre.current_post_text or cadre.current_post_text == previous_auto_text:
        text = auto_post_text(cadre)
        if text != cadre.current_post_text:
            cadre.current_post_text = text
            changed.append("current_post_text")
    if changed:
        cadre._history_user = actor  # type: ignore[attr-defined]
        cadre.save()
    return cadre


def _refresh_staffing(unit_ids: Iterable[int | None]) -> None:
    from zugong.cadres.unit_services import refresh_staffing_findings

    ids = {pk for pk in unit_ids if pk is not None}
    if ids:
        refresh_staffing_findings(Unit.objects.filter(pk__in=ids))


@transaction.atomic
def save_post_holding(
    *, actor: User | None, cadre: Cadre, data: PostInput, record: PostHolding | None = None
) -> PostHolding:
    """Add or change one post held; the 主职 rules hold across all of the cadre's posts."""
    _require_unit_in_scope(actor, data.unit)
    if data.post is not None and data.post.unit_id != data.unit.pk:
        raise ValidationError({"post": "领导职务：所选职务不属于所选单位。"})
    if not data.level and data.post is not None:
        data.level = data.post.level
    others = list(PostHolding.objects.filter(cadre=cadre).exclude(pk=getattr(record, "pk", None)))
    validate_posts([*others, data])
    before = auto_post_text(cadre)
    old_unit = record.unit_id if record is not None else None
    record = record or PostHolding(cadre=cadre)
    for name, value in vars(data).items():
        setattr(record, name, value)
    if record.is_main:
        record.counts_toward_quota = True  # a 主职 always uses a 职数
    try:
        with transaction.atomic():
            _save(record, actor)
    except IntegrityError:
        raise ValidationError({"started_on": "任职：同一时间只能有一个主职。"}) from None
    sync_current_post(cadre, actor=actor, previous_auto_text=before)
    _refresh_staffing([old_unit, record.unit_id])
    return record


@transaction.atomic
def replace_posts(*, actor: User | None, cadre: Cadre, posts: list[PostInput]) -> None:
    """Replace every post held (the LRMX import); validated together before anything is written."""
    for p in posts:
        _require_unit_in_scope(actor, p.unit)
    validate_posts(posts)
    before = auto_post_text(cadre)
    old_units = set(PostHolding.objects.filter(cadre=cadre).values_list("unit_id", flat=True))
    for old in PostHolding.objects.filter(cadre=cadre):
        _delete(old, actor)
    for p in posts:
        holding = PostHolding(cadre=cadre)
        for name, value in vars(p).items():
            setattr(holding, name, value)
        if not holding.level and p.post is not None:
            holding.level = p.post.level
        _save(holding, actor)
    sync_current_post(cadre, actor=actor, previous_auto_text=before)
    _refresh_staffing(old_units | {p.unit.pk for p in posts})


@transaction.atomic
def delete_post_holding(*, actor: User | None, cadre: Cadre, record: PostHolding) -> None:
    before = auto_post_text(cadre)
    unit_id = record.unit_id
    _delete(record, actor)
    sync_current_post(cadre, actor=actor, previous_auto_text=before)
    _refresh_staffing([unit_id])


# --- 职级 ----------------------------------------------------------------------------------------


def sync_current_rank(cadre: Cadre, *, actor: User | None = None) -> Cadre:
    """现职级 = the open 职级 record started last (else the last one started)."""
    rows = list(RankHolding.objects.filter(cadre=cadre).order_by("-started_on", "-id"))
    current = next((r for r in rows if r.ended_on is None), rows[0] if rows else None)
    rank_id = current.rank_id if current else None
    if rows and cadre.current_rank_id != rank_id:
        cadre.current_rank_id = rank_id
        cadre._history_user = actor  # type: ignore[attr-defined]
        cadre.save()
    return cadre


@transaction.atomic
def save_rank_holding(
    *,
    actor: User | None,
    cadre: Cadre,
    rank: Rank,
    started_on: date,
    ended_on: date | None = None,
    document: str = "",
    record: RankHolding | None = None,
) -> RankHolding:
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": "职级：截止时间早于任职级时间。"})
    record = record or RankHolding(cadre=cadre)
    record.rank, record.started_on, record.ended_on, record.document = (
        rank,
        started_on,
        ended_on,
        document,
    )
    _save(record, actor)
    sync_current_rank(cadre, actor=actor)
    return record


# --- the simple child records ----------------------------------------------------------------


@transaction.atomic
def upsert_assessment(
    *,
    actor: User | None,
    cadre: Cadre,
    year: int,
    grade: str,
    note: str = "",
    record: AnnualAssessment | None = None,
) -> AnnualAssessment:
    """One 年度考核 per year: the import updates the year's row; a page edit may not duplicate it."""
    if not 1950 <= year <= date.today().year:
        raise ValidationError({"year": f"年度考核：年度{year}不在1950年至今年之间。"})
    same_year = AnnualAssessment.objects.filter(cadre=cadre, year=year)
    if record is None:
        record = same_year.first() or AnnualAssessment(cadre=cadre)
    elif same_year.exclude(pk=record.pk).exists():
        raise ValidationError({"year": f"年度考核：{year}年度已有考核记录，每年只能有一条。"})
    record.year, record.grade, record.note = year, grade, note
    _save(record, actor)
    return record


@transaction.atomic
def add_assessment(
    *, actor: User | None, cadre: Cadre, year: int, grade: str, note: str = ""
) -> AnnualAssessment:
    """A page adding a year already recorded is refused (the import uses upsert_assessment)."""
    if AnnualAssessment.objects.filter(cadre=cadre, year=year).exists():
        raise ValidationError({"year": f"年度考核：{year}年度已有考核记录，每年只能有一条。"})
    return upsert_assessment(actor=actor, cadre=cadre, year=year, grade=grade, note=note)


@dataclass
class FamilyInput:
    relation: str
    name: str
    birth_month: date | None = None
    political_status: str = ""
    employer_and_post: str = ""


def _check_family_member(f: FamilyInput | FamilyMember) -> None:
    if not (f.relation or "").strip():
        raise ValidationError({"relation": "家庭成员：称谓必须填写。"})
    if not (f.name or "").strip():
        raise ValidationError({"name": "家庭成员：姓名必须填写。"})
    if f.birth_month and f.birth_month > date.today():
        raise ValidationError({"birth_month": f"家庭成员“{f.name}”：出生日期晚于今天。"})


@transaction.atomic
def replace_family(*, actor: User | None, cadre: Cadre, members: list[FamilyInput]) -> None:
    if len(members) > FAMILY_MAX_ROWS:
        raise ValidationError(
            {"family": f"家庭成员：最多{FAMILY_MAX_ROWS}人，当前{len(members)}人。"}
        )
    for m in members:
        _check_family_member(m)
    for old in FamilyMember.objects.filter(cadre=cadre):
        _delete(old, actor)
    for i, m in enumerate(members, start=1):
        _save(FamilyMember(cadre=cadre, position=i, **vars(m)), actor)


@transaction.atomic
def save_family_member(
    *, actor: User | None, cadre: Cadre, data: FamilyInput, record: FamilyMember | None = None
) -> FamilyMember:
    _check_family_member(data)
    if record is None:
        count = FamilyMember.objects.filter(cadre=cadre).count()
        if count >= FAMILY_MAX_ROWS:
            raise ValidationError(
                {"relation": f"家庭成员：最多{FAMILY_MAX_ROWS}人，已有{count}人。"}
            )
        record = FamilyMember(cadre=cadre, position=count + 1)
    for name, value in vars(data).items():
        setattr(record, name, value)
    _save(record, actor)
    return record


@transaction.atomic
def save_professional_title(
    *,
    actor: User | None,
    cadre: Cadre,
    name: str,
    obtained_on: date | None = None,
    record: ProfessionalTitle | None = None,
) -> ProfessionalTitle:
    if not name.strip():
        raise ValidationError({"name": "专业技术职务：名称必须填写。"})
    record = record or ProfessionalTitle(cadre=cadre)
    record.name, record.obtained_on = name.strip(), obtained_on
    _save(record, actor)
    return record


@transaction.atomic
def save_reward(
    *,
    actor: User | None,
    cadre: Cadre,
    kind: str,
    name: str,
    approved_on: date,
    approver: str = "",
    effect_until: date | None = None,
    record: RewardPunishment | None = None,
) -> RewardPunishment:
    if effect_until is not None and effect_until < approved_on:
        raise ValidationError({"effect_until": "奖惩：影响期至早于批准日期。"})
    record = record or RewardPunishment(cadre=cadre)
    record.kind, record.name, record.approved_on = kind, name, approved_on
    record.approver, record.effect_until = approver, effect_until
    _save(record, actor)
    return record


@transaction.atomic
def save_training(
    *,
    actor: User | None,
    cadre: Cadre,
    name: str,
    started_on: date,
    ended_on: date | None = None,
    organizer: str = "",
    is_assigned: bool = True,
    hours: Decimal | int = 0,
    record: Training | None = None,
) -> Training:
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": "培训：结束日期早于开始日期。"})
    if Decimal(hours) < 0:
        raise ValidationError({"hours": "培训：学时不能为负数。"})
    record = record or Training(cadre=cadre)
    record.name, record.started_on, record.ended_on = name, started_on, ended_on
    record.organizer, record.is_assigned, record.hours = organizer, is_assigned, Decimal(hours)
    _save(record, actor)
    return record


@transaction.atomic
def save_verification(
    *,
    actor: User | None,
    cadre: Cadre,
    item: str,
    verified_value: str,
    verified_on: date,
    basis: str = "",
    outcome: str = "",
    record: Verification | None = None,
) -> Verification:
    """One 三龄两历一身份 认定; every 认定 stays on record (the audit trail of §3.3)."""
    if verified_on > date.today():
        raise ValidationError({"verified_on": "认定记录：认定日期不能晚于今天。"})
    record = record or Verification(cadre=cadre, verified_by=actor)
    record.item, record.verified_value, record.verified_on = item, verified_value, verified_on
    record.basis, record.outcome = basis, outcome
    _save(record, actor)
    return record


@transaction.atomic
def delete_record(*, actor: User | None, cadre: Cadre, record: Model) -> None:
    """Delete one child record, keeping the derived fields (post, rank, 简历 order) right."""
    if isinstance(record, ResumeEntry):
        delete_resume_entry(actor=actor, cadre=cadre, entry=record)
    elif isinstance(record, PostHolding):
        delete_post_holding(actor=actor, cadre=cadre, record=record)
    elif isinstance(record, RankHolding):
        _delete(record, actor)
        sync_current_rank(cadre, actor=actor)
    else:
        _delete(record, actor)
