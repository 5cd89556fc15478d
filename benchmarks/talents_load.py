"""The 人才库 at scale: talents COPY'd in over the loaded organization tree (benchmarks.load).

Each talent is drawn as the demo draws one (zugong.talents.demo: the category shares, fields,
employers, education weights, ages, tiers and honours of its PROFILES), assigned to an area the
way the demo assigns it (the root's non-branch children, townships' 党委 three times as likely),
and its pinyin and initials are computed by the project's functions as
`talents.services.derive_fields` does (zugong.core.pinyin with the surname overrides, cut to the
columns' lengths), cached per name. ID numbers are valid (check digit) and distinct: the region
code and the sequence follow the running index, the sequence's parity the gender. No archive
entries, grants, fund rows or history rows.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from benchmarks.cadres_load import NameKeys
from benchmarks.load import copy_instances, reset_sequence, say

PROGRESS_EVERY = 100_000
# Talents' region codes (members and cadres use others); 499 people per code and gender bit.
FIRST_REGION = 510000


def talent_areas() -> tuple[list[Any], list[int]]:
    """The root's active non-branch children and their weights, as seed_talents picks them."""
    from zugong.orgs.models import Organization, OrgStatus

    root = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise SystemExit("no organizations loaded: load the members first")
    areas = list(
        Organization.objects.filter(parent=root, status=OrgStatus.ACTIVE)
        .exclude(kind__in=("branch", "branch_group"))
        .order_by("path")
    ) or [root]
    return areas, [3 if a.kind == "party_committee" else 1 for a in areas]


def talent_objects(
    count: int,
    *,
    today: date,
    seed: int,
    areas: list[Any],
    weights: list[int],
    tiers: list[str],
    names: NameKeys,
) -> Iterator[Any]:
    """Unsaved Talent instances (pk = index + 1), drawn as zugong.talents.demo draws them.
    Reads no database (it feeds a COPY): the areas, tiers and `names` come from the caller."""
    from zugong.demo.generator import person_name
    from zugong.talents.demo import EDUCATIONS, PROFILES, TIER_WEIGHTS, TITLES, _honors
    from zugong.talents.demo import make_id_number as talent_id_number
    from zugong.talents.models import Talent, TalentCategory

    rng = random.Random(seed)
    categories = list(PROFILES)
    shares = [PROFILES[c][0] for c in categories]
    tier_codes, tier_weights = list(TIER_WEIGHTS), list(TIER_WEIGHTS.values())
    # choices() would sum the province's 7,500 area weights again for every talent.
    area_cum = list(itertools.accumulate(weights))
    for index in range(count):
        category = rng.choices(categories, weights=shares)[0]
        _, fields, employers, edu_weights, modes, (age_low, age_high) = PROFILES[category]
        birth = today - timedelta(days=rng.randint(age_low, age_high) * 365 + rng.randint(0, 364))
        male = rng.random() < 0.62
        region = f"{FIRST_REGION + index // 499:06d}"
        seq = (index % 499 + 1) * 2 - (1 if male else 0)  # odd: male (GB 11643)
        years_here = rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 12])
        arrived = max(
            today - timedelta(days=years_here * 365 + rng.randint(10, 360)),
            date(birth.year + 18, 1, 1),
        )
        education = rng.choices(EDUCATIONS, weights=edu_weights)[0]
        tier = ""
        if category == TalentCategory.HIGH_LEVEL:
            tier = rng.choices(tier_codes, weights=tier_weights)[0]
            tier = tier if tier in tiers else tiers[-1]
        name = person_name(rng, not male, birth.year)
        pinyin, initials = names(name)
        org = rng.choices(areas, cum_weights=area_cum)[0]
        yield Talent(
            id=index + 1,
            id_number=talent_id_number(region, birth, seq),
            name=name,
            name_pinyin=pinyin[:120],  # the lengths derive_fields cuts to
            name_initials=initials[:40],
            gender="1" if male else "2",
            birth_date=birth,
            category=category,
            tier=tier,
            field=rng.choice(fields),
            employer=rng.choice(employers),
            title=rng.choice(TITLES.get(education, [""])),
            honors=_honors(rng, category, tier),
            education=education,
            recruit_mode=rng.choice(modes),
            arrived_on=arrived,
            phone=f"1{rng.choice([3, 5, 8])}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            org=org,
            org_path=org.path,
        )


def load_talents(
    raw: Any,
    count: int,
    *,
    today: date,
    seed: int = 2026,
    now: Any = None,
    log: Callable[[str], None] = say,
) -> dict[str, int]:
    """COPY `count` talents; skipped (count returned) when talents exist."""
    from django.utils import timezone

    from zugong.talents.models import Talent
    from zugong.talents.rules import tier_pairs

    if Talent.objects.exists():
        return {"talents": Talent.objects.count()}
    areas, weights = talent_areas()
    tiers = [code for code, _ in tier_pairs(on=today)]
    objs = talent_objects(
        count, today=today, seed=seed, areas=areas, weights=weights, tiers=tiers, names=NameKeys()
    )

    def logged() -> Iterator[Any]:
        for n, talent in enumerate(objs, start=1):
            if n % PROGRESS_EVERY == 0:
                log(f"  {n:,} talents")
            yield talent

    written = copy_instances(raw, Talent, logged(), now or timezone.now())
    reset_sequence(raw, Talent)
    return {"talents": written, "talent_areas": len(areas)}
