"""人才发展专项资金: yearly budgets per policy item, allocations, disbursements and the ledger."""

from __future__ import annotations

__all__: list[str] = []
