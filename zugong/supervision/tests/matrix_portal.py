"""The public portal's part of the authorization matrix: every account and every anonymous visitor
gets the same pages (there is nothing to scope)."""

from __future__ import annotations

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import Entry, Objects, everyone

ENTRIES: dict[str, Entry] = {
    "portal:home": Entry(None, everyone(200), anonymous=200),
    "portal:privacy": Entry(None, everyone(200), anonymous=200),
}


def build(o: Objects, users: dict[str, User]) -> None:
    """The portal pages name no objects."""
