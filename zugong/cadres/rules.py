"""Found by the rule registry's autodiscover: imports each part's rule module, which registers
its subject kinds and rules (selection, growth, staffing)."""

from __future__ import annotations

import importlib

# A part whose module is not written yet is skipped; an error inside a module still raises.
for _part in ("selection_rules", "growth_rules", "unit_rules"):
    try:
        importlib.import_module(f"zugong.cadres.{_part}")
    except ModuleNotFoundError as exc:
        if exc.name != f"zugong.cadres.{_part}":
            raise
