"""Who may write the dues ledger: a writing role, on a record inside its scope."""

from __future__ import annotations

import rules

from zugong.accounts.permissions import in_scope, is_writer

rules.add_perm("dues.edit_dues", is_writer & in_scope)
