"""The cadre archive part of the authorization matrix (collected by test_authorization_matrix.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from django.core.files.base import ContentFile
from PIL import Image

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import Entry, Objects, pk_of
from zugong.cadres.models import Cadre, ResumeEntry
from zugong.cadres.tests.matrix_base import out_expect, read_expect, write_expect

cadre = pk_of("cadre")


def record(with_rid: bool) -> Callable[[str, Objects, bool], dict]:
    def kwargs(role: str, o: Objects, inside: bool) -> dict:
        values = {"pk": o.extra["cadre"][(role, inside)], "kind": "resume"}
        if with_rid:
            values["rid"] = o.extra["cadre_resume"][(role, inside)]
        return values

    return kwargs


def _write(**kw: object) -> Entry:
    return Entry(expect=write_expect(), out_of_scope=out_expect(), post=True, **kw)  # type: ignore[arg-type]


ENTRIES: dict[str, Entry] = {
    "cadres:cadre_list": Entry(None, read_expect()),
    "cadres:info_sheet": Entry(None, read_expect()),
    "cadres:cadre_create": Entry(None, write_expect(), post=True),
    "cadres:cadre_detail": Entry(cadre, read_expect(), out_of_scope=out_expect()),
    "cadres:cadre_photo": Entry(cadre, read_expect(), out_of_scope=out_expect()),
    "cadres:cadre_edit": _write(kwargs=cadre),
    "cadres:cadre_photo_upload": _write(kwargs=cadre),
    "cadres:record_add": _write(kwargs=record(False)),
    "cadres:record_edit": _write(kwargs=record(True)),
    "cadres:record_delete": _write(kwargs=record(True)),
}


def tiny_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 10), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def build(o: Objects, users: dict[str, User]) -> None:
    entries: dict[int, int] = {}
    for (role, inside), cadre_pk in o.extra["cadre"].items():
        if cadre_pk not in entries:
            c = Cadre.objects.get(pk=cadre_pk)
            c.photo.save(f"matrix-{cadre_pk}.jpg", ContentFile(tiny_jpeg()), save=True)
            entries[cadre_pk] = ResumeEntry.objects.create(
                cadre=c, start=date(2007, 7, 1), text="参加工作", position=1
            ).pk
        o.put("cadre_resume", role, inside, entries[cadre_pk])
