"""The per-year meeting tally (MeetingTally): kept by the meeting services, rebuildable.

Compliance reads the tally, never the meetings, so that a province costs one row per
organization and meeting type. `rebuild_tallies` recomputes it from the records, and a test
checks that what the services keep equals that truth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from zugong.life.models import Meeting, MeetingTally


def _bit(month: int) -> int:
    return 1 << (month - 1)


def _months_held(
    org_id: int, type_id: int, year: int, *, exclude_pk: int | None = None
) -> tuple[int, int]:
    """The month mask and the count of this organization's meetings of a type in a year."""
    qs = Meeting.objects.filter(org_id=org_id, meeting_type_id=type_id, held_on__year=year)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    mask = 0
    count = 0
    for held_on in qs.values_list("held_on", flat=True):
        mask |= _bit(held_on.month)
        count += 1
    return mask, count


def recount(org_id: int, org_path: str, type_id: int, year: int) -> None:
    """Recompute one tally row from the meetings (after any create, change or delete)."""
    mask, count = _months_held(org_id, type_id, year)
    if count == 0:
        MeetingTally.objects.filter(org_id=org_id, meeting_type_id=type_id, year=year).delete()
        return
    MeetingTally.objects.update_or_create(
        org_id=org_id,
        meeting_type_id=type_id,
        year=year,
        defaults={"org_path": org_path, "month_mask": mask, "count": count},
    )


def meeting_changed(before: tuple[int, int, int] | None, meeting: Meeting | None) -> None:
    """Keep the tally right after a meeting was created, edited or deleted.

    `before` is (org_id, type_id, year) of the meeting as it was stored, or None when new;
    `meeting` is the meeting as it is now, or None when deleted.
    """
    keys: set[tuple[int, int, int]] = set()
    if before is not None:
        keys.add(before)
    if meeting is not None:
        keys.add((meeting.org_id, meeting.meeting_type_id, meeting.held_on.year))
    paths = {}
    if meeting is not None:
        paths[meeting.org_id] = meeting.org_path
    for org_id, type_id, year in keys:
        path = paths.get(org_id)
        if path is None:
            from zugong.orgs.models import Organization

            path = Organization.objects.values_list("path", flat=True).get(pk=org_id)
        recount(org_id, path, type_id, year)


def add_meetings(meetings: Iterable[Meeting]) -> None:
    """Bulk-created meetings (imports, the demo): merge them into the tally in a few statements."""
    grouped: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    paths: dict[int, str] = {}
    for m in meetings:
        key = (m.org_id, m.meeting_type_id, m.held_on.year)
        grouped[key][0] |= _bit(m.held_on.month)
        grouped[key][1] += 1
        paths[m.org_id] = m.org_path
    if not grouped:
        return
    with transaction.atomic():
        existing = {
            (t.org_id, t.meeting_type_id, t.year): t
            for t in MeetingTally.objects.filter(
                org_id__in={k[0] for k in grouped}, year__in={k[2] for k in grouped}
            )
        }
        new = []
        changed = []
        for key, (mask, count) in grouped.items():
            tally = existing.get(key)
            if tally is None:
                new.append(
                    MeetingTally(
                        org_id=key[0],
                        meeting_type_id=key[1],
                        year=key[2],
                        org_path=paths[key[0]],
                        month_mask=mask,
                        count=count,
                    )
                )
            else:
                tally.month_mask |= mask
                tally.count += count
                changed.append(tally)
        MeetingTally.objects.bulk_create(new, batch_size=2000)
        MeetingTally.objects.bulk_update(changed, ["month_mask", "count"], batch_size=2000)


@transaction.atomic
def rebuild_tallies(org_path: str = "") -> int:
    """Recompute the tally of a subtree (or everything) from the meetings; returns the rows."""
    MeetingTally.objects.filter(org_path__startswith=org_path).delete()
    grouped: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    paths: dict[int, str] = {}
    rows = (
        Meeting.objects.filter(org_path__startswith=org_path)
        .values_list("org_id", "meeting_type_id", "held_on", "org_path")
        .iterator(chunk_size=5000)
    )
    for org_id, type_id, held_on, path in rows:
        key = (org_id, type_id, held_on.year)
        grouped[key][0] |= _bit(held_on.month)
        grouped[key][1] += 1
        paths[org_id] = path
    MeetingTally.objects.bulk_create(
        [
            MeetingTally(
                org_id=k[0],
                meeting_type_id=k[1],
                year=k[2],
                org_path=paths[k[0]],
                month_mask=mask,
                count=count,
            )
            for k, (mask, count) in grouped.items()
        ],
        batch_size=2000,
    )
    return len(grouped)
