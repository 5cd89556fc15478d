"""Writing the effective-dated history, always inside the transaction of the register change.

The rule for a change effective on day D: each field that changed takes its new value from D on,
in every later period too. Fields that did not change keep their own later history, so a
back-dated correction of 学历 does not undo a 转接 recorded after it. The open period therefore
always equals the register row (a test checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.utils import timezone

from zugong.members.models import MemberType
from zugong.stats.models import MemberPeriod, OrgPeriod, Period, PeriodSource

if TYPE_CHECKING:
    from zugong.accounts.models import User
    from zugong.members.models import Member
    from zugong.orgs.models import Organization


def member_snapshot(member: Member) -> dict[str, Any]:
    return {field: getattr(member, field) for field in MemberPeriod.TRACKED}


def org_snapshot(org: Organization) -> dict[str, Any]:
    return {field: getattr(org, field) for field in OrgPeriod.TRACKED}


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _record(
    model: type[Period],
    owner: dict[str, Any],
    now: dict[str, Any],
    on: date,
    source: str,
    actor: User | None,
) -> None:
    periods: list[Period] = list(
        model.objects.select_for_update().filter(**owner).order_by("valid_from")
    )
    if not periods:
        model.objects.create(**owner, **now, valid_from=on, source=source, actor=_actor(actor))
        return
    on = max(on, periods[0].valid_from)
    current = periods[-1]
    changed = {k: v for k, v in now.items() if getattr(current, k) != v}
    if not changed:
        return
    containing = next(p for p in reversed(periods) if p.valid_from <= on)
    later = [p for p in periods if p.valid_from > on]
    if containing.valid_from < on:
        split = model(
            **owner,
            **{k: getattr(containing, k) for k in model.TRACKED},
            valid_from=on,
            valid_to=containing.valid_to,
            source=source,
            actor=_actor(actor),
        )
        containing.valid_to = on
        containing.save(update_fields=["valid_to", "recorded_at"])
        for field, value in changed.items():
            setattr(split, field, value)
        split.save()
    else:
        for field, value in changed.items():
            setattr(containing, field, value)
        containing.source, containing.actor = source, _actor(actor)
        containing.save()
    for period in later:
        for field, value in changed.items():
            setattr(period, field, value)
        period.save()


def record_member(
    member: Member,
    *,
    on: date | None = None,
    source: str = PeriodSource.EDIT,
    actor: User | None = None,
) -> None:
    """The member's register row changed (or was created) with effect from `on`."""
    _record(
        MemberPeriod,
        {"member_id": member.pk},
        member_snapshot(member),
        on or timezone.localdate(),
        source,
        actor,
    )


def record_org(
    org: Organization,
    *,
    on: date | None = None,
    source: str = PeriodSource.ORG_CHANGE,
    actor: User | None = None,
) -> None:
    _record(
        OrgPeriod,
        {"org_id": org.pk},
        org_snapshot(org),
        on or timezone.localdate(),
        source,
        actor,
    )


def first_period_start(member: Member) -> date | None:
    first = MemberPeriod.objects.filter(member=member).order_by("valid_from").first()
    return first.valid_from if first else None


# --- bulk writers for imports, the demo and the benchmark loader -----------------------------


def open_members(
    members: Iterable[Member], *, on: date, source: str, actor: User | None = None
) -> None:
    """First periods for newly created members (imports, the demo)."""
    MemberPeriod.objects.bulk_create(
        [
            MemberPeriod(
                member_id=m.pk,
                valid_from=on,
                source=source,
                actor=_actor(actor),
                **member_snapshot(m),
            )
            for m in members
        ],
        batch_size=2000,
    )


def open_orgs(orgs: Iterable[Organization], *, on: date | None, source: str) -> None:
    """First periods for newly created organizations, from their founding day when known."""
    fallback = on or timezone.localdate()
    OrgPeriod.objects.bulk_create(
        [
            OrgPeriod(
                org_id=o.pk,
                valid_from=min(o.founded_on, fallback) if o.founded_on else fallback,
                source=source,
                **org_snapshot(o),
            )
            for o in orgs
        ],
        batch_size=2000,
    )


def change_members_today(
    members: Sequence[Member], *, on: date, source: str, actor: User | None = None
) -> None:
    """Bulk form of record_member for changes effective `on`, a date not before any period of
    these members (an import takes effect on its own day): close the open period, open a new one."""
    _bulk_change(MemberPeriod, "member_id", members, member_snapshot, on, source, actor)


def change_orgs_today(
    orgs: Sequence[Organization], *, on: date, source: str, actor: User | None = None
) -> None:
    _bulk_change(OrgPeriod, "org_id", orgs, org_snapshot, on, source, actor)


def _bulk_change(
    model: type[Period],
    owner_field: str,
    rows: Sequence[Model],
    snapshot: Any,
    on: date,
    source: str,
    actor: User | None,
) -> None:
    by_owner = {row.pk: row for row in rows}
    open_periods = {
        getattr(p, owner_field): p
        for p in model.objects.select_for_update().filter(
            **{f"{owner_field}__in": list(by_owner), "valid_to": None}
        )
    }
    to_close: list[Period] = []
    to_update: list[Period] = []
    to_create: list[Period] = []
    for pk, row in by_owner.items():
        now = snapshot(row)
        period = open_periods.get(pk)
        if period is None:
            to_create.append(
                model(**{owner_field: pk}, **now, valid_from=on, source=source, actor=_actor(actor))
            )
            continue
        if all(getattr(period, k) == v for k, v in now.items()):
            continue
        if period.valid_from >= on:
            for field, value in now.items():
                setattr(period, field, value)
            period.source = source
            to_update.append(period)
            continue
        period.valid_to = on
        to_close.append(period)
        to_create.append(
            model(**{owner_field: pk}, **now, valid_from=on, source=source, actor=_actor(actor))
        )
    model.objects.bulk_update(to_close, ["valid_to"], batch_size=2000)
    model.objects.bulk_update(to_update, [*model.TRACKED, "source"], batch_size=2000)
    model.objects.bulk_create(to_create, batch_size=2000)


def open_register(
    members: Iterable[Member], orgs: Iterable[Organization], *, begins_on: date, source: str
) -> None:
    """The periods of a register loaded whole (the demo county, a benchmark province): records
    begin on `begins_on`; a member who joined later counts from joining, and a 正式党员
    confirmed after `begins_on` was 预备 until then."""
    open_orgs(orgs, on=begins_on, source=source)
    rows: list[MemberPeriod] = []
    for m in members:
        start = max(begins_on, m.joined_on) if m.joined_on else begins_on
        now = member_snapshot(m)
        confirmed = m.confirmed_on
        if m.member_type == MemberType.FULL and confirmed and confirmed > start:
            rows.append(
                MemberPeriod(
                    member_id=m.pk,
                    valid_from=start,
                    valid_to=confirmed,
                    source=source,
                    **{**now, "member_type": MemberType.PROBATIONARY},
                )
            )
            start = confirmed
        rows.append(MemberPeriod(member_id=m.pk, valid_from=start, source=source, **now))
    MemberPeriod.objects.bulk_create(rows, batch_size=2000)
