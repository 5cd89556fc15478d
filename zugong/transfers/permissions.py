"""Who may act on transfers, flows, lost members and 出党: a writing role, inside its scope.

The level an account acts at (支部, 党(工)委, 组织部) is checked by the services per step."""

from __future__ import annotations

import rules

from zugong.accounts.permissions import in_scope, is_writer

rules.add_perm("transfers.act", is_writer & in_scope)
