"""Demo seeding on the small tree: every state, flows, lost members, one 出党 case, findings."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from zugong.conftest import make_member
from zugong.core.models import Finding
from zugong.transfers.demo import seed_transfers
from zugong.transfers.models import (
    CaseStatus,
    FlowDirection,
    FlowRecord,
    LostContact,
    QuitCase,
    Transfer,
    TransferKind,
)

pytestmark = pytest.mark.django_db


def test_seed_transfers_on_a_small_tree(tree):
    for i in range(24):
        make_member([tree.branch_a1, tree.branch_a2a, tree.branch_b1][i % 3], f"党员{i}")
    today = timezone.localdate()
    started = time.monotonic()
    written = seed_transfers(today=today, seed=7)
    assert time.monotonic() - started < 15
    assert written == (
        Transfer.objects.count()
        + FlowRecord.objects.count()
        + LostContact.objects.count()
        + QuitCase.objects.count()
    )
    states = set(Transfer.objects.values_list("kind", "status"))
    for state in [
        (TransferKind.WITHIN, CaseStatus.PENDING),
        (TransferKind.WITHIN, CaseStatus.RETURNED),
        (TransferKind.WITHIN, CaseStatus.WITHDRAWN),
        (TransferKind.OUT, CaseStatus.APPROVED),
        (TransferKind.OUT, CaseStatus.AWAITING_RECEIPT),
        (TransferKind.WITHIN, CaseStatus.AWAITING_RECEIPT),
        (TransferKind.WITHIN, CaseStatus.COMPLETED),
        (TransferKind.OUT, CaseStatus.COMPLETED),
        (TransferKind.IN, CaseStatus.REGISTERED),
        (TransferKind.IN, CaseStatus.COMPLETED),
    ]:
        assert state in states, state
    # Nothing of the demo belongs to the neighbouring county.
    assert not Transfer.objects.filter(org_path__startswith=tree.other_county.path).exists()
    assert Finding.objects.filter(rule_id="transfers.receipt_overdue").count() == 1
    assert Finding.objects.filter(rule_id="transfers.lost_six_months").count() == 1
    directions = set(FlowRecord.objects.values_list("direction", flat=True))
    assert directions == {FlowDirection.OUT, FlowDirection.IN}
    assert QuitCase.objects.get().status == CaseStatus.PENDING
    assert seed_transfers(today=today, seed=7) == 0  # a second run adds nothing


def test_every_demo_case_renders_for_each_writer_level(client, tree, users):
    from django.urls import reverse

    from zugong.accounts.models import Role

    for i in range(24):
        make_member([tree.branch_a1, tree.branch_a2a, tree.branch_b1][i % 3], f"党员{i}")
    seed_transfers(today=timezone.localdate(), seed=3)
    for role in (Role.DEPARTMENT_ADMIN, Role.COMMITTEE_ADMIN, Role.BRANCH_ADMIN, Role.LEADER):
        client.force_login(users[role])
        for tab in ("todo", "doing", "done", "overdue"):
            assert client.get(reverse("transfers:queue"), {"tab": tab}).status_code == 200
        for t in Transfer.objects.filter(org_path__startswith=users[role].scope.path):
            for tab in ("info", "chain", "findings", "history"):
                url = reverse("transfers:detail", args=[t.pk])
                assert client.get(url, {"tab": tab}).status_code == 200, (role, t, tab)
        for c in QuitCase.objects.filter(org_path__startswith=users[role].scope.path):
            for tab in ("info", "chain", "history"):
                url = reverse("transfers:quit_detail", args=[c.pk])
                assert client.get(url, {"tab": tab}).status_code == 200
        for name in ("transfers:flows", "transfers:lost", "transfers:quit_list"):
            assert client.get(reverse(name)).status_code == 200
