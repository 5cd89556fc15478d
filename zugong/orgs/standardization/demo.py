"""Demo 标准化考评 for the demo county: last year's scores for every branch (confirmed by the
组织部), this year's for about half of them (still 已评分), and a few 软弱涣散 organizations —
the bottom of last year's ranking and one named by a cause — with rectification plans in
progress (measures done and pending, one overdue, one 销号 requested). Everything is written
through the services, as a user's work would be; the automatic items come from the records the
earlier demo parts made (meetings, dues, terms, member records)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from zugong.accounts.models import Role, User
from zugong.core.rules.engine import RuleContext
from zugong.orgs.models import Organization, OrgKind, OrgStatus
from zugong.orgs.standardization import selectors, services
from zugong.orgs.standardization.models import AnnualScore, WeakBasis

QUARTER = Decimal("0.25")

MEASURES = [
    ("调整配强支部书记，乡镇党委书记包联", 30),
    ("按月召开支委会、主题党日，补齐三会一课台账", 60),
    ("开展党员集中学习培训，清理党费欠交", 90),
    ("完善村务公开和民主管理制度，召开群众评议会", 150),
]


def _admin() -> User | None:
    return (
        User.objects.filter(
            role=Role.DEPARTMENT_ADMIN, anchor_org__parent__isnull=True, is_active=True
        )
        .select_related("anchor_org")
        .order_by("pk")
        .first()
    )


def _manual_entries(
    items: list, quality: float, rng: random.Random
) -> dict[int, services.ManualEntry]:
    """Points near `quality` of each item's maximum, in quarter points, within the range."""
    entries = {}
    for item in items:
        if item.is_auto:
            continue
        share = min(1.0, max(0.0, rng.gauss(quality, 0.08)))
        points = (item.max_points * Decimal(str(share)) / QUARTER).quantize(Decimal("1")) * QUARTER
        points = min(item.max_points, max(Decimal("0"), points))
        note = "" if points == item.max_points else "台账资料不够完整，酌情扣分"
        entries[item.pk] = services.ManualEntry(points, note)
    return entries


def _score_year(
    admin: User, branches: list[Organization], year: int, today: date, rng: random.Random
) -> int:
    written = 0
    for branch in branches:
        template = selectors.template_for(branch, year)
        if template is None:
            continue
        items = list(template.items.all())
        # Most branches are sound, about one in ten excellent; a few lag well behind (the 软弱涣散
        # candidates). Most townships then stay within the star distribution targets.
        quality = rng.choice([0.93, 0.82, 0.79, 0.77, 0.75, 0.74, 0.72, 0.7, 0.62, 0.45])
        services.save_score(
            actor=admin,
            org=branch,
            year=year,
            entries=_manual_entries(items, quality, rng),
            note="按细则逐项核查台账、实地查看阵地",
            today=today,
            refresh=False,
        )
        written += 1
    return written


def seed_standardization(*, today: date, seed: int = 2026) -> int:
    """Returns the number of records written; a second run adds nothing."""
    if AnnualScore.objects.exists():
        return 0
    admin = _admin()
    if admin is None:
        return 0
    rng = random.Random(seed)
    county = admin.anchor_org
    branches = list(
        Organization.objects.filter(
            path__startswith=county.path, kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
        ).order_by("path")
    )
    if not branches:
        return 0
    last, this = today.year - 1, today.year
    written = _score_year(admin, branches, last, today, rng)
    written += services.confirm_scores(actor=admin, org=county, year=last)
    # This year: about half of the branches scored so far, not yet confirmed.
    written += _score_year(admin, branches[::2], this, today, rng)

    ctx = RuleContext(today)
    candidates = selectors.bottom_candidates(admin, county, last, ctx)
    listings = []
    for c in candidates[:3]:
        listings.append(
            services.propose_weak(
                actor=admin,
                org=c.score.org,
                year=last,
                basis=WeakBasis.RANKING,
                cause_codes=["03"] if rng.random() < 0.5 else [],
                situation="考评得分靠后：三会一课不经常，台账缺失，党员作用发挥不明显",
                ranking_note=f"{last}年度得分{c.score.total}分，在{c.of}个已评党支部中排第{c.rank}位",
                today=today,
            )
        )
    listed = {w.org_id for w in listings}
    named = next((b for b in reversed(branches) if b.pk not in listed), None)
    if named is not None:
        listings.append(
            services.propose_weak(
                actor=admin,
                org=named,
                year=last,
                basis=WeakBasis.CAUSE,
                cause_codes=["01", "02"],
                situation="支部书记长期外出务工，班子不团结，工作处于停滞状态",
                today=today,
            )
        )
    written += len(listings)
    for i, weak in enumerate(listings):
        if i == len(listings) - 1 and len(listings) > 1:
            continue  # the last one waits for the 组织部's confirmation
        services.confirm_weak(actor=admin, weak=weak, approve=True, reason="经研判，列入整顿")
        start = date(last, 12, 1) if today > date(last, 12, 1) else today
        services.save_plan(
            actor=admin,
            weak=weak,
            situation=weak.situation,
            responsible="乡镇党委书记（包联）",
            deadline=start + timedelta(days=180),
            cause_codes=weak.cause_codes,
        )
        for j, (title, days) in enumerate(MEASURES):
            measure = services.add_measure(
                actor=admin, weak=weak, title=title, deadline=start + timedelta(days=days)
            )
            written += 1
            # The first listing has finished everything; the others are part way through.
            finished = i == 0 or j < 2
            done_on = min(start + timedelta(days=days - 5), today)
            if finished and done_on <= today:
                services.complete_measure(
                    actor=admin, measure=measure, done_on=done_on, result="已完成并经乡镇党委验收"
                )
        services.report_progress(
            actor=admin, weak=weak, note="已召开专题组织生活会，书记已调整，台账正在补齐"
        )
        if i == 0:
            services.request_weak_closure(
                actor=admin, weak=weak, reason="整顿措施全部完成，群众满意度测评达到90%"
            )
    return written
