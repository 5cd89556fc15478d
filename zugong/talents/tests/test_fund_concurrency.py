"""Two approvals at the same moment, in two threads with their own database connections, on one
budget whose balance covers only one of them: exactly one is approved, the other is refused with
the rule's message, and the balance never goes below zero.

On PostgreSQL the first approval's row lock (select_for_update on the budget) makes the second
wait and then re-read the budget; on SQLite the write lock (BEGIN IMMEDIATE) serializes them.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections

from zugong.accounts.models import Role
from zugong.talents import fund_services
from zugong.talents.models import DisbursementState, FundBudget, FundDisbursement
from zugong.talents.tests.support_services import (
    make_allocation,
    make_budget,
    make_item,
    make_talent,
)


def _approve_waiting(approver, d: FundDisbursement) -> None:  # noqa: ANN001
    """Approve; on SQLite's shared-cache in-memory test database a competing writer is reported
    at once ("database table is locked") instead of after the busy timeout that a file database
    waits, so wait here the way the timeout would. PostgreSQL waits on the row lock itself."""
    deadline = time.monotonic() + 20
    while True:
        try:
            fund_services.approve(actor=approver, disbursement=d, on=date(2026, 3, 3))
            return
        except OperationalError as exc:
            locked = connection.vendor == "sqlite" and "locked" in str(exc)
            if not locked or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _run_together(approver, pks: list[int]) -> dict[int, str]:  # noqa: ANN001
    barrier = threading.Barrier(len(pks))
    outcome: dict[int, str] = {}

    def approve(pk: int) -> None:
        try:
            d = FundDisbursement.objects.select_related("budget").get(pk=pk)
            barrier.wait(timeout=10)
            _approve_waiting(approver, d)
            outcome[pk] = "approved"
        except ValidationError as exc:
            outcome[pk] = " ".join(exc.messages)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome[pk] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(pk,)) for pk in pks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcome


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_approvals_never_overdraw_the_budget(tree, users):
    office, approver = users[Role.TALENT_OFFICE], users[Role.DEPARTMENT_ADMIN]
    budget = make_budget(tree.county, make_item(), office, amount="1000")
    allocation = make_allocation(budget, make_talent(tree.branch_a1), office, "1000")
    # Each application fits the balance on its own (pending applications spend nothing yet);
    # together they would overdraw the budget by 200.
    first = fund_services.apply(
        actor=office,
        allocation=allocation,
        amount=Decimal("600"),
        purpose="一季度",
        applied_on=date(2026, 3, 2),
    )
    second = fund_services.apply(
        actor=office,
        allocation=allocation,
        amount=Decimal("600"),
        purpose="二季度",
        applied_on=date(2026, 3, 2),
    )

    outcome = _run_together(approver, [first.pk, second.pk])

    assert sorted(outcome.values()) != ["approved", "approved"], outcome
    assert list(outcome.values()).count("approved") == 1, outcome
    refused = next(v for v in outcome.values() if v != "approved")
    assert "专项资金余额不得为负" in refused, outcome
    budget.refresh_from_db()
    allocation.refresh_from_db()
    assert budget.spent == allocation.spent == Decimal("600")
    assert budget.balance == Decimal("400")
    states = sorted(FundDisbursement.objects.values_list("state", flat=True))
    assert states == [DisbursementState.APPLIED, DisbursementState.APPROVED]


@pytest.mark.django_db
def test_the_database_refuses_an_overdrawn_budget_even_without_the_service(tree, users):
    """The check constraint is the last line: a write that bypasses the service fails."""
    from django.db import IntegrityError, transaction

    budget = make_budget(tree.county, make_item(), users[Role.TALENT_OFFICE], amount="1000")
    with pytest.raises(IntegrityError), transaction.atomic():
        FundBudget.objects.filter(pk=budget.pk).update(spent=Decimal("1000.01"))
    FundBudget.objects.filter(pk=budget.pk).update(spent=Decimal("1000"))
    budget.refresh_from_db()
    assert budget.balance == 0
