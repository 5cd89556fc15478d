"""党内统计's part of the authorization matrix (collected by test_authorization_matrix).

Accounts anchored in the party tree (系统管理员, 组织部, 党（工）委, 党支部, 领导) ask for and read the
年报 of their own subtree; a run outside it is a 404; every other role is refused (403).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from zugong.accounts.models import User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, pk_of
from zugong.orgs.models import Organization
from zugong.stats.access import READER_ROLES
from zugong.stats.models import RunStatus, StatsRun
from zugong.stats.tables import build_report, report_to_json, year_end


def readers(status: int) -> Callable[[str], int]:
    return lambda role: status if role in READER_ROLES else 403


ENTRIES: dict[str, Entry] = {
    "stats:index": Entry(None, readers(200)),
    "stats:run_create": Entry(
        None, lambda role: 405, post=True, post_expect=readers(400), anonymous_post=302
    ),
    "stats:run_detail": Entry(pk_of("stats_run"), readers(200), out_of_scope=readers(404)),
    "stats:run_progress": Entry(pk_of("stats_run"), readers(200), out_of_scope=readers(404)),
    "stats:run_export": Entry(pk_of("stats_run"), readers(200), out_of_scope=readers(404)),
}


def build(o: Objects, users: dict[str, User]) -> None:
    year = timezone.localdate().year
    runs: dict[int, int] = {}

    def run_for(org_pk: int) -> int:
        if org_pk not in runs:
            org = Organization.objects.get(pk=org_pk)
            runs[org_pk] = StatsRun.objects.create(
                org=org,
                org_path=org.path,
                year=year,
                as_of=year_end(year),
                status=RunStatus.DONE,
                progress=100,
                result=report_to_json(build_report(org.pk, year)),
            ).pk
        return runs[org_pk]

    for role in ROLES:
        o.put("stats_run", role, True, run_for(o.org_in[role]))
        o.put("stats_run", role, False, run_for(o.org_out[role]))
