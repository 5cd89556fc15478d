"""The meeting records' part of the authorization matrix (collected by test_authorization_matrix)."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import (
    ROLES,
    WRITERS,
    Entry,
    Objects,
    everyone,
    only,
    pk_of,
)
from zugong.life import services
from zugong.life.models import MeetingType
from zugong.orgs.models import Organization

POSTED = only(WRITERS, yes=302)  # a write that redirects back to the record

ENTRIES: dict[str, Entry] = {
    "life:meeting_list": Entry(None, everyone(200)),
    "life:meeting_create": Entry(None, only(WRITERS), post=True),
    "life:meeting_roster": Entry(None, only(WRITERS)),
    "life:meeting_detail": Entry(pk_of("meeting"), everyone(200)),
    "life:meeting_edit": Entry(pk_of("meeting"), only(WRITERS), post=True),
    "life:meeting_docx": Entry(pk_of("meeting"), everyone(200)),
    "life:meeting_file_download": Entry(pk_of("meeting_file"), everyone(200)),
    # POST-only: a GET in scope is 405; out of scope both are 404, like a missing record.
    "life:meeting_file_upload": Entry(
        pk_of("meeting"), everyone(405), post=True, post_expect=POSTED
    ),
    "life:meeting_file_delete": Entry(
        pk_of("meeting_file_del"), everyone(405), post=True, post_expect=POSTED
    ),
    "life:meeting_delete": Entry(
        pk_of("meeting_del"), everyone(405), post=True, post_expect=POSTED
    ),
}


def _png(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (180, 0, 0)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue())


def _objects(org: Organization, day_offset: int) -> dict[str, int]:
    kind = MeetingType.objects.get(code="theme_party_day")
    today = timezone.localdate()
    meeting = services.create_meeting(
        actor=None,
        org=org,
        meeting_type=kind,
        data={"held_on": today - timedelta(days=day_offset), "topic": "主题党日"},
    )
    doomed = services.create_meeting(
        actor=None,
        org=org,
        meeting_type=kind,
        data={"held_on": today - timedelta(days=day_offset + 1), "topic": "待删除"},
    )
    kept, dropped = services.add_meeting_files(
        actor=None, meeting=meeting, files=[_png("现场.png"), _png("待删.png")]
    )
    return {
        "meeting": meeting.pk,
        "meeting_del": doomed.pk,
        "meeting_file": kept.pk,
        "meeting_file_del": dropped.pk,
    }


def build(o: Objects, users: dict[str, User]) -> None:
    made: dict[int, dict[str, int]] = {}
    for role in ROLES:
        for inside, org_pk in ((True, o.org_in[role]), (False, o.org_out[role])):
            if org_pk not in made:
                made[org_pk] = _objects(Organization.objects.get(pk=org_pk), 2 + 3 * len(made))
            for kind, pk in made[org_pk].items():
                o.put(kind, role, inside, pk)
