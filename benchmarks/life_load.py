"""python -m benchmarks.life_load: a year of meetings for every organization already loaded.

    python -m benchmarks.life_load --database-url postgres://... [--today 2026-11-21] [--gap 0.08]

Runs after `benchmarks.load` (city or province). For the 12 months before the reference date it
COPYs into life_meeting one meeting per organization, requirement and period that the seeded
national requirements ask for (党员大会 quarterly, 支委会 monthly where a committee exists, 主题党日
monthly, 组织生活会/民主评议/谈心谈话 yearly for branches; 党委书记党课 and 民主生活会 yearly for
committees), leaving out a share `--gap` of them at random so that compliance has work to find.
Then it builds life_meetingtally with one GROUP BY, as zugong.life.tally.rebuild_tallies would,
and checks a sample against that function.

Attendance is not loaded (the compliance reads only the tally).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from datetime import time as clock
from typing import Any

from dateutil.relativedelta import relativedelta

from benchmarks.common import RESULTS_DIR, database_url_arg, setup_django, write_json
from benchmarks.load import Phases, copy_rows, reset_sequence, say

BRANCH_KINDS = ("branch",)
COMMITTEE_KINDS = ("county_committee", "party_committee", "party_group", "primary_party_committee")
# meeting type code → months between meetings; branches with a committee also hold 支委会.
BRANCH_PLAN = {
    "branch_general_meeting": 3,
    "theme_party_day": 1,
    "org_life_meeting": 12,
    "democratic_appraisal": 12,
    "heart_to_heart_talk": 12,
}
COMMITTEE_PLAN = {"party_lecture": 12, "democratic_life_meeting": 12}
YEARLY_MONTH = {
    "org_life_meeting": 12,
    "democratic_appraisal": 1,
    "heart_to_heart_talk": 6,
    "party_lecture": 7,
    "democratic_life_meeting": 1,
}
MEETING_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "org_id",
    "org_path",
    "meeting_type_id",
    "held_on",
    "starts_at",
    "duration_minutes",
    "place",
    "host",
    "recorder",
    "topic",
    "agenda",
    "content",
    "decisions",
    "observers",
    "lecturer_id",
    "lecturer_name",
    "expected_count",
    "present_count",
    "leave_count",
    "absent_count",
    "quorum_expected",
    "quorum_present",
    "quorum_met",
    "recorded_by_id",
)


def months_before(today: date) -> list[date]:
    """The first days of the 12 months that end with the current one."""
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in range(11, -1, -1)]


def meeting_rows(
    orgs: Sequence[tuple[int, str, str]],
    with_committee: set[int],
    types: dict[str, int],
    today: date,
    gap: float,
    rng: random.Random,
) -> Iterator[tuple[Any, ...]]:
    months = months_before(today)
    stamp = datetime.combine(today, clock(9, 0)).astimezone()
    next_id = 1
    for org_id, path, kind in orgs:
        if kind in BRANCH_KINDS:
            plan = dict(BRANCH_PLAN)
            if org_id in with_committee:
                plan["branch_committee_meeting"] = 1
        elif kind in COMMITTEE_KINDS:
            plan = COMMITTEE_PLAN
        else:
            continue
        for code, step in plan.items():
            for first in months:
                # One meeting per period: monthly every month, quarterly in the quarter's middle
                # month, yearly in the month that is usual for the kind of meeting.
                if step == 3 and first.month % 3 != 2:
                    continue
                if step == 12 and first.month != YEARLY_MONTH[code]:
                    continue
                if rng.random() < gap:
                    continue
                day = first.replace(day=rng.randint(1, 25))
                if day > today:
                    continue
                yield (
                    next_id,
                    stamp,
                    stamp,
                    org_id,
                    path,
                    types[code],
                    day,
                    clock(9, 0),
                    90,
                    "党员活动室",
                    "",
                    "",
                    f"{day:%Y年%m月}{code}",
                    "",
                    "",
                    "",
                    "",
                    None,
                    "",
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    None,
                    None,
                )
                next_id += 1


TALLY_SQL = """
INSERT INTO life_meetingtally (org_id, org_path, meeting_type_id, year, month_mask, count)
SELECT org_id, min(org_path), meeting_type_id, EXTRACT(YEAR FROM held_on)::int,
       bit_or(1 << (EXTRACT(MONTH FROM held_on)::int - 1)), count(*)
FROM life_meeting
GROUP BY org_id, meeting_type_id, EXTRACT(YEAR FROM held_on)
"""


def load(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from zugong.life import tally
    from zugong.life.models import Meeting, MeetingTally, MeetingType
    from zugong.orgs.models import LeadershipTeam, Organization

    phases = Phases()
    today = date.fromisoformat(args.today) if args.today else date.today()
    rng = random.Random(args.seed)
    with phases("read"):
        orgs = list(
            Organization.objects.filter(status="active")
            .order_by("path")
            .values_list("pk", "path", "kind")
        )
        with_committee = set(
            LeadershipTeam.objects.filter(is_current=True).values_list("org_id", flat=True)
        )
        types = dict(MeetingType.objects.values_list("code", "pk"))
    connection.ensure_connection()
    raw = connection.connection
    with phases("clear"), raw.cursor() as cur:
        cur.execute(
            "TRUNCATE life_meetingtally, life_attendance, life_meetingfile, life_meeting CASCADE"
        )
    with phases("meetings"):
        count = copy_rows(
            raw,
            Meeting,
            MEETING_COLUMNS,
            meeting_rows(orgs, with_committee, types, today, args.gap, rng),
        )
        reset_sequence(raw, Meeting)
        raw.commit()
        say(f"  {count:,} meetings for {len(orgs):,} organizations")
    with phases("tally"), raw.cursor() as cur:
        cur.execute(TALLY_SQL)
        raw.commit()
    with phases("check"):
        branches = [o for o in orgs if o[2] in BRANCH_KINDS]
        sample = branches[:: max(1, len(branches) // 200)]
        stored = {
            (t.org_id, t.meeting_type_id, t.year): (t.month_mask, t.count)
            for t in MeetingTally.objects.filter(org_id__in=[o[0] for o in sample])
        }
        for _org_id, path, _kind in sample:
            tally.rebuild_tallies(path)  # recomputes the subtree from the meetings
        rebuilt = {
            (t.org_id, t.meeting_type_id, t.year): (t.month_mask, t.count)
            for t in MeetingTally.objects.filter(org_id__in=[o[0] for o in sample])
        }
        if stored != rebuilt:
            raise SystemExit("life_meetingtally from SQL differs from zugong.life.tally")
        say(f"  tally agrees with rebuild_tallies() on {len(sample)} sampled subtrees")
    with phases("analyze"), raw.cursor() as cur:
        was = raw.autocommit  # VACUUM needs autocommit; put back what Django set
        raw.autocommit = True
        cur.execute("VACUUM (ANALYZE) life_meeting")
        cur.execute("VACUUM (ANALYZE) life_meetingtally")
        raw.autocommit = was
    return {
        "meetings": count,
        "organizations": len(orgs),
        "tally_rows": MeetingTally.objects.count(),
        "phases": phases.seconds,
        "total_seconds": round(phases.total, 1),
        "today": today.isoformat(),
        "gap": args.gap,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.life_load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--database-url", help="postgres://... (default: $DATABASE_URL)")
    parser.add_argument("--today", help="reference date YYYY-MM-DD (default: today)")
    parser.add_argument("--gap", type=float, default=0.08, help="share of meetings left out")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    setup_django(database_url_arg(args.database_url))
    summary = load(args)
    path = RESULTS_DIR / f"life-load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    write_json(path, summary)
    say(f"summary: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
