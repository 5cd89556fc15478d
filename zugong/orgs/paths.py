"""Tables of the apps above orgs that copy an organization's path (org_path) for scope filters.

Moving an organization rewrites these copies in the same transaction; each app registers its
tables in its AppConfig.ready(), so orgs never imports the apps that build on it.
"""

from __future__ import annotations

PATH_COPIES: list[tuple[type, str]] = []


def register_path_copy(model: type, field: str = "org_path") -> None:
    if (model, field) not in PATH_COPIES:
        PATH_COPIES.append((model, field))
