"""The units/职数 part of the authorization matrix (collected by test_authorization_matrix.py)."""

from __future__ import annotations

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import Entry, Objects, pk_of
from zugong.cadres.models import PostLevel, Unit
from zugong.cadres.tests.matrix_base import out_expect, read_expect, write_expect
from zugong.cadres.unit_services import create_post

unit = pk_of("unit")

ENTRIES: dict[str, Entry] = {
    "cadres:unit_tree": Entry(None, read_expect()),
    "cadres:staffing": Entry(None, read_expect()),
    "cadres:unit_create": Entry(None, write_expect(), post=True),
    "cadres:unit_detail": Entry(unit, read_expect(), out_of_scope=out_expect()),
    "cadres:unit_children": Entry(unit, read_expect(), out_of_scope=out_expect()),
    "cadres:unit_edit": Entry(unit, write_expect(), out_of_scope=out_expect(), post=True),
    "cadres:post_create": Entry(unit, write_expect(), out_of_scope=out_expect(), post=True),
    "cadres:quota_edit": Entry(unit, write_expect(), out_of_scope=out_expect(), post=True),
    "cadres:post_edit": Entry(
        pk_of("cadre_post"), write_expect(), out_of_scope=out_expect(), post=True
    ),
}


def build(o: Objects, users: dict[str, User]) -> None:
    posts: dict[int, int] = {}
    for (role, inside), unit_pk in o.extra["unit"].items():
        if unit_pk not in posts:
            u = Unit.objects.get(pk=unit_pk)
            posts[unit_pk] = create_post(
                actor=None, unit=u, title="副镇长", level=PostLevel.SECTION_DEPUTY, seats=2
            ).pk
        o.put("cadre_post", role, inside, posts[unit_pk])
