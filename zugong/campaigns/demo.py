"""Demo 示范创建 for the demo county, for last year and this year, with the targets of issue 7:

- 10 农村党建示范村 a year;
- the “4310”工程: 4 示范社区, 3 精品小区 and 10 标准小区 a year;
- 模范机关 in its five categories (综合, 执法, 窗口, 教育, 卫健), 2 a year each;
- 两新党建示范点 across “一园区两商圈三市场四行业”: 1 园区, 2 商圈, 3 市场, 4 行业.

Last year's campaigns are finished: most candidates named (half of them reviewed this year), the
weakest still 培育 (they failed 验收), and one named village 摘牌 after this year's 复查. This
year's are under way: candidates at 申报, 培育, 验收 and 命名. Everything is written through the
services, as the users' work would be: townships nominate, the 组织部 scores and decides.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from zugong.accounts.models import Role, User
from zugong.campaigns import services
from zugong.campaigns.models import Campaign, CampaignKind, Candidate, Stage
from zugong.orgs.models import Organization, OrgKind, OrgStatus, subtree_q

PROGRAMME_4310 = "“4310”工程"
PROGRAMME_NEW = "一园区两商圈三市场四行业"
PROGRAMME_ORGANS = "模范机关创建"


@dataclass(frozen=True)
class Plan:
    kind: str
    target: int
    programme: str = ""
    # Name keywords and categories an organization of this kind is preferably picked by.
    prefer: tuple[str, ...] = ()


PLANS = [
    Plan("village", 10),
    Plan("community", 4, PROGRAMME_4310),
    Plan("fine_estate", 3, PROGRAMME_4310),
    Plan("standard_estate", 10, PROGRAMME_4310),
    Plan("organ_general", 2, PROGRAMME_ORGANS, ("县委", "办公室", "发展", "财政", "统计", "审计")),
    Plan(
        "organ_enforcement",
        2,
        PROGRAMME_ORGANS,
        ("公安", "司法", "市场监督", "应急", "自然资源", "交通"),
    ),  # fmt: skip
    Plan(
        "organ_window",
        2,
        PROGRAMME_ORGANS,
        ("04", "人力资源", "医疗保障", "民政", "信访", "退役军人"),
    ),  # fmt: skip
    Plan("organ_education", 2, PROGRAMME_ORGANS, ("05", "教育")),
    Plan("organ_health", 2, PROGRAMME_ORGANS, ("06", "04", "卫生", "医院")),
    Plan("new_park", 1, PROGRAMME_NEW),
    Plan("new_district", 2, PROGRAMME_NEW),
    Plan("new_market", 3, PROGRAMME_NEW),
    Plan("new_sector", 4, PROGRAMME_NEW, ("09", "行业", "协会")),
]

CRITERIA = {
    "village": [
        ("班子队伍坚强有力", 20, "书记、“两委”班子结构合理，届中无空缺"),
        ("组织生活规范", 20, "“三会一课”、主题党日按要求开展，记录完整"),
        ("阵地建设达标", 15, "党群服务中心面积、功能、标识符合要求"),
        ("乡村振兴成效", 25, "村集体经济收入、产业发展情况"),
        ("基层治理有效", 20, "矛盾纠纷化解、村务公开、群众满意度"),
    ],
    "estate": [
        ("小区党组织全覆盖", 25, "小区党支部或党小组建立，楼栋长、党员中心户落实"),
        ("红色物业", 25, "物业企业党建、业委会中党员比例"),
        ("服务阵地", 20, "小区党群服务点（驿站）建设与开放"),
        ("共建共治", 30, "在职党员进小区报到、群众满意度"),
    ],
    "organ": [
        ("政治建设", 25, "理论学习中心组、“第一议题”制度落实"),
        ("组织建设", 25, "支部标准化规范化建设、组织生活质量"),
        ("作风建设", 20, "服务群众、窗口评价、效能投诉"),
        ("党建业务融合", 30, "党建引领中心工作的实效"),
    ],
    "new": [
        ("组织覆盖", 25, "党组织应建尽建，党员组织关系在企业（组织）"),
        ("工作覆盖", 25, "党建指导员、组织生活、党员教育"),
        ("阵地与载体", 20, "党员活动室、党建品牌"),
        ("发展成效", 30, "党建引领发展、社会责任、职工群众评价"),
    ],
}


def _criteria_for(kind_code: str) -> list[tuple[str, int, str]]:
    if kind_code in ("village",):
        return CRITERIA["village"]
    if kind_code in ("community", "fine_estate", "standard_estate"):
        return CRITERIA["estate"]
    if kind_code.startswith("organ"):
        return CRITERIA["organ"]
    return CRITERIA["new"]


def _actors() -> tuple[User | None, dict[int, User]]:
    admin = (
        User.objects.filter(
            role=Role.DEPARTMENT_ADMIN, anchor_org__parent__isnull=True, is_active=True
        )
        .select_related("anchor_org")
        .order_by("pk")
        .first()
    )
    committees = {
        u.anchor_org_id: u
        for u in User.objects.filter(
            role=Role.COMMITTEE_ADMIN, is_active=True, anchor_org__isnull=False
        ).order_by("-pk")
    }
    return admin, committees


def _pool(kind: CampaignKind, county: Organization, plan: Plan) -> list[Organization]:
    """The organizations that fit the kind, preferred ones (and those directly under a township
    committee, i.e. whole villages and communities rather than their sub-branches) first."""
    categories = [c.pk for c in kind.org_categories.all()]
    orgs = list(
        Organization.objects.filter(
            subtree_q("path", county.path),
            status=OrgStatus.ACTIVE,
            category_id__in=categories,
        )
        .exclude(kind__in=services.NOT_CANDIDATE_KINDS)
        .select_related("category", "parent")
        .order_by("path")
    )

    def rank(org: Organization) -> tuple[int, int]:
        preferred = any(
            (p == org.category.code) if p.isdigit() else (p in org.name) for p in plan.prefer
        )
        top = org.parent is not None and org.parent.kind in (
            OrgKind.PARTY_COMMITTEE,
            OrgKind.COUNTY_COMMITTEE,
        )
        return (0 if preferred or not plan.prefer else 1, 0 if top else 1)

    return sorted(orgs, key=rank)


def _timeline(start: date, end: date):  # noqa: ANN202 - returns a small helper
    span = max(0, (end - start).days)
    return lambda f: start + timedelta(days=int(span * f))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class _Seeder:
    def __init__(self, admin: User, committees: dict[int, User], rng: random.Random, today: date):
        self.admin, self.committees, self.rng, self.today = admin, committees, rng, today
        self.written = 0
        self.numbers: dict[int, int] = {}

    def nominator(self, candidate_org: Organization) -> User:
        town = services.township_of(candidate_org)
        user = self.committees.get(town.pk) if town is not None else None
        return user or self.admin

    def breakdown(self, campaign: Campaign, orgs: list[Organization]) -> None:
        """分解目标: the target shared out among the townships in proportion to their candidates
        (largest remainder), so the parts add up to the target exactly."""
        per_town: dict[int, int] = {}
        for org in orgs:
            town = services.township_of(org)
            if town is not None:
                per_town[town.pk] = per_town.get(town.pk, 0) + 1
        total = sum(per_town.values())
        if not total:
            return
        exact = {pk: campaign.target * n / total for pk, n in per_town.items()}
        parts = {pk: int(x) for pk, x in exact.items()}
        by_remainder = sorted(exact, key=lambda pk: (parts[pk] - exact[pk], pk))
        for pk in by_remainder[: campaign.target - sum(parts.values())]:
            parts[pk] += 1
        services.set_township_targets(actor=self.admin, campaign=campaign, targets=parts)
        self.written += sum(1 for n in parts.values() if n)

    def decision_number(self, year: int) -> str:
        self.numbers[year] = self.numbers.get(year, 0) + 7
        return f"青组〔{year}〕{self.numbers[year]}号"

    def campaign(self, kind: CampaignKind, plan: Plan, year: int) -> Campaign:
        c = services.save_campaign(
            actor=self.admin,
            campaign=None,
            kind=kind,
            year=year,
            target=plan.target,
            programme=plan.programme,
            pass_score=Decimal("80"),
            description=f"{year}年计划命名{kind.name}{plan.target}个。",
        )
        self.written += 1
        for i, (title, points, rule) in enumerate(_criteria_for(kind.code)):
            services.save_criterion(
                actor=self.admin,
                campaign=c,
                criterion=None,
                title=title,
                max_points=Decimal(points),
                description=rule,
                sort_order=(i + 1) * 10,
            )
            self.written += 1
        return c

    def scores(self, candidate: Candidate, passing: bool, partial: bool = False) -> None:
        criteria = list(candidate.campaign.criteria.all())
        if partial:
            criteria = criteria[: max(1, len(criteria) // 2)]
        low, high = (0.82, 1.0) if passing else (0.55, 0.76)
        points = {
            c.pk: (c.max_points * Decimal(str(round(self.rng.uniform(low, high), 2)))).quantize(
                Decimal("0.1")
            )
            for c in criteria
        }
        services.score(actor=self.admin, candidate=candidate, points=points)
        self.written += len(points)

    def step(self, candidate: Candidate, stage: str, on: date, **kw: str) -> Candidate:
        self.written += 1
        return services.advance(actor=self.admin, candidate=candidate, to_stage=stage, on=on, **kw)

    def run(self, campaign: Campaign, orgs: list[Organization], finished: bool, t, review_on):  # noqa: ANN001
        """Nominate `orgs` and take each as far as its place in the list says."""
        target = campaign.target
        year = campaign.year
        number = self.decision_number(year)
        candidates = []
        for org in orgs:
            candidates.append(
                services.nominate(
                    actor=self.nominator(org),
                    campaign=campaign,
                    org=org,
                    declared_on=t(0.05 + self.rng.random() * 0.1),
                    reason=f"{org.short_name or org.name}班子坚强、基础扎实，申报创建{campaign.kind.name}。",
                )
            )
            self.written += 2
        # The first `named` pass 验收 and are named; the rest stop earlier.
        named = target if finished else max(1, target // 2)
        accepted = 0 if finished else max(1, math.ceil(target / 4))
        for i, c in enumerate(candidates):
            if i < named + accepted:
                self.step(c, Stage.CULTIVATING, t(0.3), remark="确定为培育对象")
                self.scores(c, passing=True)
                self.step(c, Stage.ACCEPTED, t(0.7), remark="实地验收通过")
                if i < named:
                    self.step(
                        c,
                        Stage.NAMED,
                        t(0.85),
                        decision_number=number,
                        remark=f"命名为{year}年度{campaign.kind.name}",
                    )
                if i == 0 and self.evidence_left:
                    self.evidence(c)
            elif finished or i < len(candidates) - 1:
                self.step(c, Stage.CULTIVATING, t(0.3), remark="确定为培育对象")
                self.scores(c, passing=False, partial=not finished)
            # else: the last of this year's stays at 申报.
        if finished:
            for i, c in enumerate(candidates[:named]):
                if i % 2 == 1:
                    self.step(c, Stage.REVIEWED, review_on, remark="年度复查合格")
        return candidates

    evidence_left = 6

    def evidence(self, candidate: Candidate) -> None:
        self.evidence_left -= 1
        services.upload_evidence(
            actor=self.nominator(candidate.org),
            candidate=candidate,
            uploaded=SimpleUploadedFile(f"{candidate.org.name}创建台账.pdf", PDF),
            criterion=candidate.campaign.criteria.first(),
        )
        self.written += 1


def _pick(
    pool: list[Organization], avoid: set[int], size: int, rng: random.Random
) -> list[Organization]:
    """`size` organizations from the front of the pool, those not in `avoid` first."""
    fresh = [o for o in pool if o.pk not in avoid]
    chosen = fresh[: size * 2]
    rng.shuffle(chosen)
    chosen = chosen[:size]
    if len(chosen) < size:
        others = [o for o in pool if o not in chosen]
        chosen += others[: size - len(chosen)]
    return chosen


def seed_campaigns(*, today: date, seed: int = 2026) -> int:
    """Returns the number of records written; a second run adds nothing."""
    if Campaign.objects.exists():
        return 0
    admin, committees = _actors()
    if admin is None or admin.anchor_org is None:
        return 0
    county = admin.anchor_org
    rng = random.Random(f"{seed}:campaigns")
    seeder = _Seeder(admin, committees, rng, today)
    this_year, last_year = today.year, today.year - 1
    t_last = _timeline(date(last_year, 1, 1), date(last_year, 12, 31))
    t_this = _timeline(date(this_year, 1, 1), today)
    review_on = t_this(0.2)
    revoked_done = False
    used: dict[int, set[int]] = {last_year: set(), this_year: set()}
    kinds = {k.code: k for k in CampaignKind.objects.prefetch_related("org_categories")}
    for plan in PLANS:
        kind = kinds.get(plan.kind)
        if kind is None:
            continue
        pool = _pool(kind, county, plan)
        if not pool:
            continue
        # A few more candidates than the target; one organization takes part in one campaign a
        # year, and last year and this year take different ones, where the pool allows.
        size = min(len(pool), plan.target + max(1, math.ceil(plan.target * 0.3)))
        last_orgs = _pick(pool, used[last_year], size, rng)
        this_orgs = _pick(pool, used[this_year] | {o.pk for o in last_orgs}, size, rng)
        used[last_year] |= {o.pk for o in last_orgs}
        used[this_year] |= {o.pk for o in this_orgs}
        last = seeder.campaign(kind, plan, last_year)
        named = seeder.run(last, last_orgs, True, t_last, review_on)
        if not revoked_done and plan.kind == "village" and named:
            # One named village fails this year's 复查 and is 摘牌.
            seeder.step(
                named[0],
                Stage.REVOKED,
                review_on,
                remark="年度复查不合格：组织生活不正常，党群服务中心长期闲置",
            )
            revoked_done = True
        current = seeder.campaign(kind, plan, this_year)
        seeder.breakdown(current, this_orgs)
        seeder.run(current, this_orgs, False, t_this, review_on)
    return seeder.written
