"""The public portal's part of the authorization matrix: every account and every anonymous visitor
gets the same pages (there is nothing to scope). POSTing an empty form answers 200 with the form's
message (the 举报 form: the proof of work is missing; the status lookup: the generic answer)."""

from __future__ import annotations

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import Entry, Objects, everyone

ENTRIES: dict[str, Entry] = {
    "portal:home": Entry(None, everyone(200), anonymous=200),
    "portal:privacy": Entry(None, everyone(200), anonymous=200),
    "portal:notices": Entry(None, everyone(200), anonymous=200),
    "portal:report": Entry(None, everyone(200), post=True, anonymous=200, anonymous_post=200),
    "portal:status": Entry(None, everyone(200), post=True, anonymous=200, anonymous_post=200),
    # POST only: the code comes back in a hidden field; a GET is 405, an empty POST the generic answer.
    "portal:status_add": Entry(
        None,
        everyone(405),
        post=True,
        post_expect=everyone(200),
        anonymous=405,
        anonymous_post=200,
    ),
}


def build(o: Objects, users: dict[str, User]) -> None:
    """The portal pages name no objects."""
