"""Demo 人才库 for the demo county: about 800 talents across its townships and 县直 systems (all
categories; 高层次人才 in the default A/B/C/D tiers), their 发展档案, three policies with their
items (eligibility as data) and the grants made under them — some of which no longer meet their
conditions today (a talent who left, a 青年人才 past the age limit), so the matching page and the
findings have something to show. Written through the services, as a user's work would be.
Runs before the service packages and the fund, which use these talents and items.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from zugong.accounts.models import Role, User
from zugong.core.ids import id_check_char
from zugong.core.rules.engine import RuleContext
from zugong.core.services import FINDING_BATCH, refresh_findings
from zugong.orgs.models import Organization, OrgStatus
from zugong.talents import services
from zugong.talents.eligibility import unmet_conditions
from zugong.talents.models import (
    ArchiveEntry,
    ArchiveKind,
    Education,
    PolicyItemKind,
    RecruitMode,
    Talent,
    TalentCategory,
    TalentStatus,
)
from zugong.talents.rules import TALENT_KIND, tier_pairs

DEFAULT_TALENTS = 800
REGION_CODE = "330128"  # the demo county's 行政区划代码 (as the demo generator uses)


def make_id_number(region: str, birth: date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金方邵毛夏"
GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健浩宇轩博俊峰文东兴荣德忠晨睿泽辰航芳娜敏静丽艳娟霞燕玲秀兰萍红梅琳婷雪慧颖倩琴洁欣怡悦雨涵佳思瑶"

# category: (share, fields, employers, education weights [doctor..below], modes, age range)
PROFILES: dict[str, tuple[float, list[str], list[str], list[int], list[str], tuple[int, int]]] = {
    TalentCategory.HIGH_LEVEL: (
        0.12,
        ["医疗卫生", "教育", "装备制造", "新材料", "数字经济", "现代农业", "生物医药"],
        [
            "县人民医院",
            "县中医院",
            "县第一中学",
            "青溪高新技术有限公司",
            "县农业科学研究所",
            "青溪新材料股份有限公司",
        ],
        [25, 45, 30, 0, 0, 0],
        [
            RecruitMode.INTRODUCED,
            RecruitMode.INTRODUCED,
            RecruitMode.FLEXIBLE,
            RecruitMode.CULTIVATED,
        ],
        (30, 58),
    ),
    TalentCategory.SPECIAL: (
        0.08,
        ["非遗传承", "文化艺术", "体育", "工艺美术"],
        ["县文化馆", "青溪竹编工作室", "县体育中心", "个体"],
        [0, 5, 30, 30, 25, 10],
        [RecruitMode.CULTIVATED, RecruitMode.CULTIVATED, RecruitMode.FLEXIBLE],
        (28, 68),
    ),
    TalentCategory.RURAL_PRACTICAL: (
        0.35,
        ["种植", "养殖", "农产品加工", "农村电商", "乡村旅游"],
        ["家庭农场", "农民专业合作社", "个体", "农业龙头企业"],
        [0, 0, 5, 20, 45, 30],
        [RecruitMode.CULTIVATED],
        (25, 62),
    ),
    TalentCategory.LOCAL: (
        0.20,
        ["传统手工艺", "乡村工匠", "民间文艺", "中医药"],
        ["个体", "手工作坊", "村集体经济组织"],
        [0, 0, 0, 10, 40, 50],
        [RecruitMode.CULTIVATED],
        (35, 70),
    ),
    TalentCategory.YOUNG: (
        0.20,
        ["数字经济", "教育", "医疗卫生", "农村电商", "装备制造", "社会工作"],
        ["县人民医院", "县第一中学", "青溪高新技术有限公司", "乡镇卫生院", "村（社区）"],
        [2, 28, 60, 10, 0, 0],
        [RecruitMode.INTRODUCED, RecruitMode.CULTIVATED],
        (22, 35),
    ),
    TalentCategory.OTHER: (
        0.05,
        ["金融", "法律", "建筑"],
        ["县农商银行", "律师事务所", "建筑公司"],
        [0, 10, 60, 30, 0, 0],
        [RecruitMode.INTRODUCED, RecruitMode.CULTIVATED],
        (28, 55),
    ),
}
TIER_WEIGHTS = {"A": 2, "B": 10, "C": 30, "D": 58}
EDUCATIONS = [
    Education.DOCTOR,
    Education.MASTER,
    Education.BACHELOR,
    Education.COLLEGE,
    Education.SECONDARY,
    Education.BELOW,
]
TITLES = {
    Education.DOCTOR: ["正高级工程师", "主任医师", "研究员", "副教授"],
    Education.MASTER: ["高级工程师", "副主任医师", "高级教师", "工程师"],
    Education.BACHELOR: ["工程师", "主治医师", "一级教师", "助理工程师"],
}

HIGH = [TalentCategory.HIGH_LEVEL]


def _policies(today: date) -> list[dict[str, Any]]:
    year = today.year
    return [
        {
            "title": "青溪县高层次人才引进培育若干措施",
            "document_number": f"青委发〔{year - 5}〕12号",
            "issuer": "中共青溪县委 青溪县人民政府",
            "issued_on": date(year - 5, 3, 15),
            "effective_from": date(year - 5, 4, 1),
            "effective_until": None,
            "summary": "人才新政若干措施：安家补贴、生活补贴、人才住房、子女入学、配偶就业、医疗保障。",
            "items": [
                ("settle-ab", "安家补贴（A、B类）", PolicyItemKind.MONEY, "500000", "", None, "第三条第（一）项",
                 {"categories": HIGH, "tiers": ["A", "B"], "max_years_in_county": 5, "recruit_modes": ["introduced", "flexible"]}),
                ("settle-cd", "安家补贴（C、D类）", PolicyItemKind.MONEY, "200000", "", None, "第三条第（二）项",
                 {"categories": HIGH, "tiers": ["C", "D"], "max_years_in_county": 5, "recruit_modes": ["introduced"]}),
                ("living", "生活补贴", PolicyItemKind.MONEY, "36000", "", 36, "第四条",
                 {"categories": HIGH, "max_years_in_county": 3}),
                ("housing", "人才住房", PolicyItemKind.SERVICE, "0", "人才公寓免租入住或租房补助", 36, "第五条",
                 {"categories": [*HIGH, TalentCategory.YOUNG], "max_years_in_county": 5}),
                ("school", "子女入学", PolicyItemKind.SERVICE, "0", "子女按意愿在县城公办学校就读", None, "第六条",
                 {"categories": HIGH, "tiers": ["A", "B", "C"]}),
                ("spouse", "配偶就业", PolicyItemKind.SERVICE, "0", "配偶对口安排工作或推荐就业", None, "第七条",
                 {"categories": HIGH, "tiers": ["A", "B"]}),
                ("medical", "医疗绿色通道", PolicyItemKind.SERVICE, "0", "年度健康体检和就医绿色通道", None, "第八条",
                 {"categories": HIGH}),
            ],
        },
        {
            "title": "青溪县乡村振兴人才支持办法",
            "document_number": f"青人才办〔{year - 4}〕3号",
            "issuer": "青溪县委人才工作领导小组",
            "issued_on": date(year - 4, 5, 10),
            "effective_from": date(year - 4, 6, 1),
            "effective_until": None,
            "summary": "支持农村实用人才、乡土人才创业带富和技能提升。",
            "items": [
                ("startup", "创业补贴", PolicyItemKind.MONEY, "20000", "", None, "第二条",
                 {"categories": [TalentCategory.RURAL_PRACTICAL, TalentCategory.LOCAL], "min_years_in_county": 2}),
                ("mentor", "带徒传艺奖励", PolicyItemKind.MONEY, "5000", "", 12, "第三条",
                 {"categories": [TalentCategory.LOCAL, TalentCategory.SPECIAL], "min_years_in_county": 3}),
                ("skills", "技能提升培训补贴", PolicyItemKind.MONEY, "3000", "", None, "第四条",
                 {"categories": [TalentCategory.RURAL_PRACTICAL, TalentCategory.LOCAL, TalentCategory.YOUNG]}),
            ],
        },
        {
            "title": "青溪县青年人才“青鸟计划”实施办法",
            "document_number": f"青人才办〔{year - 3}〕7号",
            "issuer": "青溪县委人才工作领导小组",
            "issued_on": date(year - 3, 2, 20),
            "effective_from": date(year - 3, 3, 1),
            "effective_until": None,
            "summary": "吸引高校毕业生来青溪就业创业。",
            "items": [
                ("young-living", "青年人才生活补贴", PolicyItemKind.MONEY, "12000", "", 36, "第三条",
                 {"categories": [TalentCategory.YOUNG], "max_age": 35, "min_education": "bachelor", "max_years_in_county": 3}),
                ("young-rent", "青年人才租房补贴", PolicyItemKind.MONEY, "6000", "", 24, "第四条",
                 {"categories": [TalentCategory.YOUNG], "max_years_in_county": 3}),
            ],
        },
    ]  # fmt: skip


def _actor() -> User | None:
    for role in (Role.TALENT_OFFICE, Role.DEPARTMENT_ADMIN):
        user = (
            User.objects.filter(role=role, anchor_org__parent__isnull=True, is_active=True)
            .select_related("anchor_org")
            .order_by("pk")
            .first()
        )
        if user is not None:
            return user
    return None


def _weighted(rng: random.Random, options: list[Any], weights: list[float]) -> Any:
    return rng.choices(options, weights=weights, k=1)[0]


def seed_talents(*, today: date, seed: int = 2026, count: int = DEFAULT_TALENTS) -> int:
    """Returns the number of records written; a second run adds nothing."""
    if Talent.objects.exists():
        return 0
    actor = _actor()
    if actor is None:
        return 0
    rng = random.Random(seed)
    county = actor.anchor_org
    areas = list(
        Organization.objects.filter(parent=county, status=OrgStatus.ACTIVE)
        .exclude(kind__in=("branch", "branch_group"))
        .order_by("path")
    )
    if not areas:
        areas = [county]
    # Townships (党委) hold most talents; 县直 systems fewer.
    area_weights = [3 if a.kind == "party_committee" else 1 for a in areas]
    written = 0
    policies = []
    for spec in _policies(today):
        items = spec.pop("items")
        policy = services.save_policy(actor=actor, policy=None, org=county, **spec)
        written += 1
        for code, name, kind, amount, service, period, clause, rules in items:
            services.save_item(
                actor=actor,
                policy=policy,
                item=None,
                eligibility=rules,
                code=code,
                name=name,
                kind=kind,
                amount=Decimal(amount),
                service=service,
                period_months=period,
                source_clause=clause,
                is_active=True,
            )
            written += 1
        policies.append(policy)

    tiers = [code for code, _ in tier_pairs(on=today)]
    categories = list(PROFILES)
    shares = [PROFILES[c][0] for c in categories]
    used: set[str] = set()
    talents: list[Talent] = []
    for _ in range(count):
        category = _weighted(rng, categories, shares)
        _, fields, employers, edu_weights, modes, (age_low, age_high) = PROFILES[category]
        age = rng.randint(age_low, age_high)
        birth = today - timedelta(days=age * 365 + rng.randint(0, 364))
        male = rng.random() < 0.62
        while True:
            seq = rng.randint(1, 499) * 2 - (1 if male else 0)
            number = make_id_number(REGION_CODE, birth, seq)
            if number not in used:
                used.add(number)
                break
        years_here = rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 12])
        arrived = today - timedelta(days=years_here * 365 + rng.randint(10, 360))
        adult = date(birth.year + 18, 1, 1)
        arrived = max(arrived, adult)
        education = _weighted(rng, EDUCATIONS, edu_weights)
        tier = (
            _weighted(rng, list(TIER_WEIGHTS), list(TIER_WEIGHTS.values()))
            if category == TalentCategory.HIGH_LEVEL
            else ""
        )
        if tier and tier not in tiers:
            tier = tiers[-1]
        mode = rng.choice(modes)
        name = rng.choice(SURNAMES) + "".join(
            rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2]))
        )
        talent = services.save_talent(
            actor=actor,
            talent=None,
            reason="演示数据",
            refresh=False,
            id_number=number,
            name=name,
            category=category,
            tier=tier,
            field=rng.choice(fields),
            employer=rng.choice(employers),
            title=rng.choice(TITLES.get(education, [""])),
            honors=_honors(rng, category, tier),
            education=education,
            major="",
            recruit_mode=mode,
            arrived_on=arrived,
            policy=policies[0] if category == TalentCategory.HIGH_LEVEL and mode != "cultivated" and arrived >= policies[0].effective_from else None,
            phone=f"1{rng.choice([3, 5, 8])}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            status=TalentStatus.ACTIVE,
            left_on=None,
            note="",
            org=_weighted(rng, areas, area_weights),
        )  # fmt: skip
        talents.append(talent)
        written += 1
    written += _archive(rng, actor, talents, today)
    written += _grants(rng, actor, talents, policies, today)
    written += _departures(rng, actor, talents, today)
    # The findings of the whole pool in batches (seed_demo refreshes every kind again at the end).
    ctx = RuleContext(today)
    for start in range(0, len(talents), FINDING_BATCH):
        refresh_findings(TALENT_KIND, talents[start : start + FINDING_BATCH], ctx)
    return written


def _honors(rng: random.Random, category: str, tier: str) -> str:
    if category == TalentCategory.HIGH_LEVEL:
        return rng.choice(
            ["省“万人计划”入选者", "省卫生领军人才", "市“名师”", "市突出贡献专家", "", ""]
            if tier in ("A", "B", "C")
            else ["县拔尖人才", "市级技术能手", ""]
        )
    if category in (TalentCategory.RURAL_PRACTICAL, TalentCategory.LOCAL):
        return rng.choice(["县级乡村工匠", "市级农村实用人才带头人", "", "", ""])
    return ""


ARCHIVE_TITLES = {
    ArchiveKind.ACHIEVEMENT: [
        "发表核心期刊论文",
        "获得发明专利授权",
        "新品种推广示范",
        "带动农户增收",
    ],
    ArchiveKind.PROJECT: ["承担省级科技项目", "主持县级重点课题", "实施乡村振兴示范项目"],
    ArchiveKind.AWARD: ["县科学技术进步奖", "市“五一劳动奖章”", "县级“优秀人才”称号"],
    ArchiveKind.EVALUATION: ["年度人才考核", "聘期考核"],
    ArchiveKind.TRAINING: ["参加省级人才研修班", "赴高校进修学习"],
}
EVALUATION_RESULTS = ["优秀", "优秀", "合格", "合格", "合格", "基本合格"]


def _archive(rng: random.Random, actor: User, talents: list[Talent], today: date) -> int:
    entries = []
    for t in talents:
        if rng.random() > 0.45 or t.arrived_on is None:
            continue
        span = max((today - t.arrived_on).days, 1)
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(list(ARCHIVE_TITLES))
            entries.append(
                ArchiveEntry(
                    talent=t,
                    kind=kind,
                    occurred_on=t.arrived_on + timedelta(days=rng.randint(0, span)),
                    title=rng.choice(ARCHIVE_TITLES[kind]),
                    result=rng.choice(EVALUATION_RESULTS) if kind == ArchiveKind.EVALUATION else "",
                    issuer=rng.choice(["县委人才办", "县科技局", "市人社局", "所在单位"]),
                    created_by=actor,
                )
            )
    # Plain rows for speed; their history starts with the demo's creation like any bulk load.
    ArchiveEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def _grants(
    rng: random.Random, actor: User, talents: list[Talent], policies: list[Any], today: date
) -> int:
    labels = dict(tier_pairs(on=today))
    items = [item for p in policies for item in p.items.select_related("policy")]
    made = 0
    for t in talents:
        for item in items:
            start = max(t.arrived_on or today, item.policy.effective_from)
            if start >= today:
                continue
            on = min(start + timedelta(days=rng.randint(15, 200)), today)
            if unmet_conditions(t, item, on, labels) or rng.random() > 0.75:
                continue
            try:
                services.grant_item(actor=actor, talent=t, item=item, granted_on=on, refresh=False)
            except ValidationError:
                continue
            made += 1
    return made


def _departures(rng: random.Random, actor: User, talents: list[Talent], today: date) -> int:
    """A few talents left the county while still enjoying grants: the matching lists them."""
    leaving = [
        t
        for t in talents
        if t.grants.exists() and t.arrived_on and t.arrived_on < today - timedelta(days=400)
    ]
    rng.shuffle(leaving)
    changed = 0
    for t in leaving[:6]:
        data = {f: getattr(t, f) for f in services.TALENT_FIELDS}
        data.update(status=TalentStatus.LEFT, left_on=today - timedelta(days=rng.randint(5, 60)))
        services.save_talent(actor=actor, talent=t, reason="调离本县", refresh=False, **data)
        changed += 1
    return changed
