"""The demo cases: every state, identities, a pending identity request, handlers linked to
cadres, 回避 respected, and a second run adds nothing."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.cadres.unit_services import create_unit
from zugong.supervision import case_selectors
from zugong.supervision.demo import CASES, seed_supervision
from zugong.supervision.models import HandlerProfile, IdentityRequest, Report, ReportState
from zugong.supervision.tests.test_case_support import make_cadre

pytestmark = pytest.mark.django_db


def test_seed_supervision(tree, unit_tree):  # noqa: ANN001
    department = create_unit(actor=None, parent=unit_tree.county, name="县委组织部")
    make_cadre(department, "组织部甲")
    make_cadre(department, "组织部乙")
    for i in range(5):
        make_cadre(unit_tree.town_a, f"城关干部{i}")
    today = date(2025, 11, 20)
    assert seed_supervision(today=today) == len(CASES) == 12
    states = set(Report.objects.values_list("state", flat=True))
    assert states == set(ReportState.values)
    assert Report.objects.filter(has_identity=True, identity__isnull=False).count() >= 3
    assert IdentityRequest.objects.filter(state="pending").count() >= 1
    assert HandlerProfile.objects.filter(cadre__unit=department).count() == 2
    for report in Report.objects.filter(assignments__isnull=False).distinct():
        avoided = {c.user.pk for c in case_selectors.candidates(report, today) if not c.eligible}
        assert not avoided & set(report.assignments.values_list("handler_id", flat=True))
    closed = Report.objects.filter(state=ReportState.CLOSED)
    assert all(r.result and r.result_note for r in closed)
    assert seed_supervision(today=today) == 0
