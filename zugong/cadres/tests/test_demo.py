"""The demo county's cadre side: ~600 full archives on a unit tree with posts and 职数."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count

from zugong.cadres.demo import TARGET_CADRES, seed_cadres
from zugong.cadres.lrmx import read_lrmx, write_lrmx
from zugong.cadres.lrmx_mapping import (
    archive_data_from_record,
    prefetch_for_record,
    record_from_cadre,
)
from zugong.cadres.models import Cadre, PostHolding, PostQuota, Unit

TODAY = date(2026, 11, 21)


@pytest.mark.django_db
def test_demo_cadres_have_full_archives():
    assert seed_cadres(today=TODAY) == TARGET_CADRES
    assert Cadre.objects.count() == TARGET_CADRES
    assert seed_cadres(today=TODAY) == 0  # a second run adds nothing
    thin = Cadre.objects.annotate(
        resume=Count("resume_entries", distinct=True),
        relatives=Count("family", distinct=True),
        grades=Count("assessments", distinct=True),
    ).filter(resume__lt=2)
    assert not thin.exists()
    assert Cadre.objects.filter(photo="").count() == 0
    assert PostHolding.objects.filter(is_main=True, ended_on__isnull=True).count() == TARGET_CADRES
    assert Unit.objects.count() > 30 and PostQuota.objects.exists()
    # Every demo archive is a valid 任免审批表: it exports and converts back without an error.
    for cadre in prefetch_for_record(Cadre.objects.order_by("?")[:40]):
        archive_data_from_record(read_lrmx(write_lrmx(record_from_cadre(cadre))))
