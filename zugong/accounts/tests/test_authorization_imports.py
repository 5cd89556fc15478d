"""Matrix entries for the 一张表 import pages (kept beside the main matrix; same rules)."""

from __future__ import annotations

IMPORT_MATRIX: dict[str, object] = {}
