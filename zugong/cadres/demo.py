"""The demo county's cadre side: the unit tree with posts and 职数, ~600 cadres with full archives
(简历, education, posts, 职级, family, three years of assessments, photos), then the parts'
own demo records (young cadres, 能上能下, selection cases).

Deterministic for a seed; run once on an empty cadre side (a second run adds nothing).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from simple_history.utils import bulk_create_with_history

from zugong.accounts.models import User
from zugong.cadres.models import (
    AnnualAssessment,
    AssessmentGrade,
    Cadre,
    CadreIdentity,
    Education,
    EducationKind,
    FamilyMember,
    Post,
    PostHolding,
    PostLevel,
    Rank,
    RankHolding,
    ResumeEntry,
    Unit,
    UnitKind,
)
from zugong.cadres.unit_services import create_post, create_unit, set_quota
from zugong.core.pinyin import name_initials, name_pinyin
from zugong.demo.generator import COUNTY_NAME, REGION_CODE, TOWNS, make_id_number, person_name

TARGET_CADRES = 600
# Demo accounts (zugong/demo/accounts.py) anchored to the county's unit tree.
DEMO_UNIT_ACCOUNTS = ("sysadmin", "lingdao", "ganbu")
STREETS = ("城东街道", "城西街道")
DEPARTMENTS = (
    ("县委办公室", UnitKind.PARTY_DEPARTMENT),
    ("县委组织部", UnitKind.PARTY_DEPARTMENT),
    ("县委宣传部", UnitKind.PARTY_DEPARTMENT),
    ("县委统战部", UnitKind.PARTY_DEPARTMENT),
    ("县纪委监委", UnitKind.PARTY_DEPARTMENT),
    ("县政府办公室", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县发展和改革局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县教育局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县财政局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县人力资源和社会保障局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县自然资源和规划局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县住房和城乡建设局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县交通运输局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县农业农村局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县卫生健康局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县应急管理局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县市场监督管理局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县人大常委会办公室", UnitKind.OTHER_ORGAN),
    ("县政协办公室", UnitKind.OTHER_ORGAN),
    ("团县委", UnitKind.OTHER_ORGAN),
)
INSTITUTIONS = ("县融媒体中心", "县行政服务中心", "县疾病预防控制中心")
ENTERPRISES = ("县城市建设投资集团有限公司", "县交通投资集团有限公司")
TOWN_POSTS = (
    ("党委书记", PostLevel.SECTION_CHIEF, 1),
    ("镇长", PostLevel.SECTION_CHIEF, 1),
    ("人大主席", PostLevel.SECTION_CHIEF, 1),
    ("党委副书记", PostLevel.SECTION_DEPUTY, 2),
    ("纪委书记", PostLevel.SECTION_DEPUTY, 1),
    ("组织委员", PostLevel.SECTION_DEPUTY, 1),
    ("副镇长", PostLevel.SECTION_DEPUTY, 3),
)
DEPARTMENT_POSTS = (
    ("主要负责人", PostLevel.SECTION_CHIEF, 1),
    ("副职", PostLevel.SECTION_DEPUTY, 3),
)
COUNTY_POSTS = (
    ("县委书记", PostLevel.COUNTY_CHIEF, 1),
    ("县长", PostLevel.COUNTY_CHIEF, 1),
    ("县委副书记", PostLevel.COUNTY_DEPUTY, 1),
    ("县委常委", PostLevel.COUNTY_DEPUTY, 6),
    ("副县长", PostLevel.COUNTY_DEPUTY, 5),
)
SCHOOLS = (
    ("大学", "法学学士", "浙江大学法学院法学专业"),
    ("大学", "管理学学士", "浙江工商大学工商管理学院行政管理专业"),
    ("大学", "工学学士", "浙江工业大学土木工程专业"),
    ("大学", "经济学学士", "浙江财经大学财政税务学院财政学专业"),
    ("研究生", "法学硕士", "浙江师范大学马克思主义学院思想政治教育专业"),
    ("大学", "文学学士", "杭州师范大学人文学院汉语言文学专业"),
    ("大专", "", "浙江农业商贸职业学院农业经济管理专业"),
)
PARTTIME = (
    ("研究生", "公共管理硕士", "浙江大学公共管理学院公共管理专业"),
    ("大学", "", "中央党校函授学院经济管理专业"),
)
RELATIVES = (
    ("妻子", True),
    ("丈夫", False),
    ("儿子", False),
    ("女儿", True),
    ("父亲", False),
    ("母亲", True),
)
GRADES = (
    [AssessmentGrade.COMPETENT] * 15 + [AssessmentGrade.EXCELLENT] * 4 + [AssessmentGrade.BASIC]
)


@dataclass
class _Seat:
    post: Post
    unit: Unit
    level: str


def seed_cadres(*, today: date, seed: int = 2026) -> int:
    """The unit tree, posts, quotas and ~600 archives; returns the number of cadres written."""
    if Unit.objects.exists():
        return 0
    rng = random.Random(seed)
    root, seats, plain_units = _units()
    ranks = {r.name: r for r in Rank.objects.all()}
    cadres = _cadres(rng, today, seats, plain_units, ranks)
    _anchor_accounts(root)
    return len(cadres)


def _units() -> tuple[Unit, list[_Seat], list[Unit]]:
    root = create_unit(actor=None, parent=None, name=COUNTY_NAME, kind=UnitKind.COUNTY)
    seats: list[_Seat] = []
    plain: list[Unit] = []

    def add(unit: Unit, posts: tuple[tuple[str, str, int], ...], quota_delta: int = 0) -> None:
        per_level: dict[str, int] = {}
        for order, (title, level, count) in enumerate(posts):
            post = create_post(
                actor=None, unit=unit, title=title, level=level, seats=count, sort_order=order
            )
            seats.extend(_Seat(post, unit, level) for _ in range(count))
            per_level[level] = per_level.get(level, 0) + count
        for level, count in per_level.items():
            # A few units are approved one deputy fewer than they have filled: over-staffing.
            delta = quota_delta if level == PostLevel.SECTION_DEPUTY else 0
            set_quota(
                actor=None,
                unit=unit,
                level=level,
                approved=count + delta,
                document="县编委〔2024〕3号",
            )

    leadership = create_unit(
        actor=None,
        parent=root,
        name=f"{COUNTY_NAME}领导班子",
        kind=UnitKind.LEADERSHIP,
        grade="县处级",
    )
    add(leadership, COUNTY_POSTS)
    for i, town in enumerate(TOWNS):
        unit = create_unit(
            actor=None, parent=root, name=town, kind=UnitKind.TOWNSHIP, grade="正科级"
        )
        posts = tuple(
            (t.replace("镇长", "乡长") if town.endswith("乡") else t, lv, n)
            for t, lv, n in TOWN_POSTS
        )
        add(unit, posts, quota_delta=-1 if i == 2 else (1 if i == 5 else 0))
        plain.append(unit)
    for street in STREETS:
        unit = create_unit(
            actor=None, parent=root, name=street, kind=UnitKind.SUBDISTRICT, grade="正科级"
        )
        posts = tuple(
            (t.replace("镇长", "主任").replace("人大主席", "人大工委主任"), lv, n)
            for t, lv, n in TOWN_POSTS
        )
        add(unit, posts)
        plain.append(unit)
    for i, (name, kind) in enumerate(DEPARTMENTS):
        unit = create_unit(actor=None, parent=root, name=name, kind=kind, grade="正科级")
        head = "局长" if name.endswith("局") else ("部长" if name.endswith("部") else "主任")
        add(
            unit,
            (
                (head, PostLevel.SECTION_CHIEF, 1),
                (f"副{head}", PostLevel.SECTION_DEPUTY, 2 + i % 2),
            ),
            quota_delta=-1 if i == 7 else 0,
        )
        plain.append(unit)
    for name in INSTITUTIONS:
        unit = create_unit(
            actor=None, parent=root, name=name, kind=UnitKind.INSTITUTION, grade="正科级"
        )
        add(unit, (("主任", PostLevel.SECTION_CHIEF, 1), ("副主任", PostLevel.SECTION_DEPUTY, 2)))
        plain.append(unit)
    for name in ENTERPRISES:
        unit = create_unit(actor=None, parent=root, name=name, kind=UnitKind.STATE_ENTERPRISE)
        add(
            unit,
            (("董事长", PostLevel.SECTION_CHIEF, 1), ("副总经理", PostLevel.SECTION_DEPUTY, 2)),
        )
        plain.append(unit)
    return root, seats, plain


def _photo(rng: random.Random, female: bool) -> bytes:
    """A plain 2-inch portrait placeholder (no real face), small enough for 600 archives."""
    image = Image.new("RGB", (150, 184), (70, 110, 190))
    draw = ImageDraw.Draw(image)
    skin = (236, 200, 170)
    draw.ellipse((45, 30, 105, 100), fill=skin)
    draw.rectangle((25, 110, 125, 184), fill=(40, 40, 40) if not female else (150, 60, 70))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def _cadres(
    rng: random.Random,
    today: date,
    seats: list[_Seat],
    plain_units: list[Unit],
    ranks: dict[str, Rank],
) -> list[Cadre]:
    # Vacancies: every 9th seat stays empty so the 配备一览表 has something to show.
    filled = [s for i, s in enumerate(seats) if i % 9 != 4]
    staff_count = max(TARGET_CADRES - len(filled), 0)
    staff_units = [plain_units[i % len(plain_units)] for i in range(staff_count)]
    used_ids: set[str] = set()
    photos = {False: _photo(rng, False), True: _photo(rng, True)}
    cadres: list[Cadre] = []
    plans: list[tuple[_Seat | None, Unit]] = [(s, s.unit) for s in filled] + [
        (None, u) for u in staff_units
    ]
    for index, (seat, unit) in enumerate(plans):
        level = seat.level if seat else ""
        age = {
            PostLevel.COUNTY_CHIEF: rng.randint(45, 56),
            PostLevel.COUNTY_DEPUTY: rng.randint(38, 55),
            PostLevel.SECTION_CHIEF: rng.randint(34, 55),
            PostLevel.SECTION_DEPUTY: rng.randint(28, 52),
        }.get(level, rng.randint(24, 58))
        female = rng.random() < (0.22 if seat else 0.42)
        birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        seq = index * 2 + (0 if female else 1)
        id_number = make_id_number(REGION_CODE, birth, seq % 998 + 1)
        while id_number in used_ids:
            seq += 2
            id_number = make_id_number(REGION_CODE, birth, seq % 998 + 1)
        used_ids.add(id_number)
        name = person_name(rng, female, birth.year)
        work_started = date(birth.year + rng.choice((21, 22, 22, 23, 25)), 7, 1)
        cadre = Cadre(
            name=name,
            name_pinyin=name_pinyin(name),
            name_initials=name_initials(name),
            gender="女" if female else "男",
            id_number=id_number,
            id_number_reversed=id_number[::-1],
            birth_date=birth,
            ethnicity="畲族" if rng.random() < 0.04 else "汉族",
            native_place=f"浙江{rng.choice(('青溪', '淳安', '建德', '桐庐'))}",
            birthplace="浙江青溪",
            work_started_on=work_started,
            health="健康",
            identity=CadreIdentity.CIVIL_SERVANT
            if unit.kind not in (UnitKind.INSTITUTION, UnitKind.STATE_ENTERPRISE)
            else (
                CadreIdentity.INSTITUTION
                if unit.kind == UnitKind.INSTITUTION
                else CadreIdentity.ENTERPRISE
            ),
            unit=unit,
            unit_path=unit.path,
            current_level=level,
            filled_by="赵敏",
            reporting_unit=f"中共{COUNTY_NAME}委",
            rewards_text="无",
        )
        party_joined = work_started + relativedelta(years=rng.randint(1, 6))
        if rng.random() < 0.92 and party_joined < today:
            cadre.party_joined_on = party_joined.replace(day=1)
            cadre.party_joined_text = f"{party_joined:%Y%m}"
        elif rng.random() < 0.5:
            cadre.party_joined_text = rng.choice(("民盟", "九三", "无党派"))
        cadre._plan = (seat, work_started)  # type: ignore[attr-defined]
        cadres.append(cadre)
    bulk_create_with_history(cadres, Cadre, batch_size=500)
    # bulk_create_with_history returns the objects without primary keys on some backends.
    by_id = {c.id_number: c for c in Cadre.objects.all()}
    for cadre in cadres:
        cadre.pk = by_id[cadre.id_number].pk
    _archive_rows(rng, today, cadres, ranks)
    for cadre in cadres:
        cadre.photo.save(
            f"demo-{cadre.pk}.jpg", ContentFile(photos[cadre.gender == "女"]), save=False
        )
    Cadre.objects.bulk_update(
        cadres,
        ["photo", "current_post_text", "current_level_since", "current_rank"],
        batch_size=500,
    )
    return cadres


def _archive_rows(
    rng: random.Random, today: date, cadres: list[Cadre], ranks: dict[str, Rank]
) -> None:
    resume_rows: list[ResumeEntry] = []
    educations: list[Education] = []
    holdings: list[PostHolding] = []
    rank_rows: list[RankHolding] = []
    family: list[FamilyMember] = []
    assessments: list[AnnualAssessment] = []
    for cadre in cadres:
        seat, work_started = cadre._plan  # type: ignore[attr-defined]
        degree = rng.choice(SCHOOLS)
        school_start = date(work_started.year - (3 if degree[0] == "大专" else 4), 9, 1)
        educations.append(
            Education(
                cadre=cadre,
                kind=EducationKind.FULLTIME,
                education=degree[0],
                degree=degree[1],
                school=degree[2],
                started_on=school_start,
                finished_on=work_started.replace(day=1),
            )
        )
        if rng.random() < 0.35:
            part = rng.choice(PARTTIME)
            educations.append(
                Education(
                    cadre=cadre,
                    kind=EducationKind.PARTTIME,
                    education=part[0],
                    degree=part[1],
                    school=part[2],
                )
            )
        # The 简历: study, then 2–5 posts up to today; the last one is the current post.
        resume_rows.append(
            ResumeEntry(
                cadre=cadre,
                start=school_start,
                end=work_started.replace(day=1),
                text=f"{degree[2]}学习",
                position=0,
            )
        )
        start = work_started.replace(day=1)
        steps = rng.randint(2, 5)
        span = max((today - start).days // steps, 200)
        title = (
            seat.post.title
            if seat
            else rng.choice(("科员", "综合科科长", "办公室主任", "业务科科员"))
        )
        unit_name = cadre.unit.name
        current_text = f"{unit_name}{title}"
        for step in range(steps):
            end = start + relativedelta(days=span)
            end = end.replace(day=1)
            last = step == steps - 1 or end >= today
            text = (
                current_text
                if last
                else f"{unit_name}{rng.choice(('科员', '副科长', '科长', '办公室副主任'))}"
            )
            resume_rows.append(
                ResumeEntry(
                    cadre=cadre,
                    start=start,
                    end=None if last else end,
                    text=text,
                    position=step + 1,
                )
            )
            if last:
                break
            start = end
        cadre.current_post_text = current_text
        if seat:
            cadre.current_level_since = start
            holdings.append(
                PostHolding(
                    cadre=cadre,
                    post=seat.post,
                    unit=seat.unit,
                    title=current_text,
                    level=seat.level,
                    is_main=True,
                    started_on=start,
                    document=f"青委干〔{start.year}〕{rng.randint(1, 80)}号",
                )
            )
        else:
            # Staff below the leadership posts: a 主职 that uses no 职数.
            holdings.append(
                PostHolding(
                    cadre=cadre,
                    unit=cadre.unit,
                    title=current_text,
                    is_main=True,
                    counts_toward_quota=False,
                    started_on=start,
                )
            )
        rank_name = {
            PostLevel.COUNTY_CHIEF: "一级调研员",
            PostLevel.COUNTY_DEPUTY: "三级调研员",
            PostLevel.SECTION_CHIEF: "一级主任科员",
            PostLevel.SECTION_DEPUTY: "三级主任科员",
        }.get(seat.level if seat else "", rng.choice(("四级主任科员", "一级科员", "二级主任科员")))
        rank = ranks.get(rank_name)
        if rank:
            cadre.current_rank = rank
            rank_rows.append(RankHolding(cadre=cadre, rank=rank, started_on=start))
        age = today.year - cadre.birth_date.year
        relatives = [
            r
            for r in RELATIVES
            if not (r[0] in ("妻子", "丈夫") and (r[0] == "妻子") == (cadre.gender == "女"))
        ]
        for position, (relation, female) in enumerate(rng.sample(relatives, rng.randint(3, 4))):
            if relation in ("父亲", "母亲"):
                birth_year = cadre.birth_date.year - rng.randint(24, 32)
            elif relation in ("儿子", "女儿"):
                birth_year = cadre.birth_date.year + rng.randint(24, 34)
            else:
                birth_year = cadre.birth_date.year + rng.randint(-3, 3)
            if birth_year >= today.year:
                continue
            relative_age = today.year - birth_year
            name = person_name(rng, female, birth_year)
            if relation in ("父亲", "儿子", "女儿"):
                name = cadre.name[0] + name[1:]  # the family name passes down
            if relative_age < 23:
                employer = "在校学生"
            elif relative_age >= 62:
                employer = "退休"
            else:
                employer = rng.choice(
                    ("青溪县第一中学教师", "青溪县人民医院医生", "青溪县城关镇居民", "个体经营")
                )
            family.append(
                FamilyMember(
                    cadre=cadre,
                    relation=relation,
                    name=name,
                    birth_month=date(birth_year, rng.randint(1, 12), 1),
                    political_status="共青团员"
                    if relative_age < 28 and rng.random() < 0.5
                    else rng.choice(("中共党员", "群众", "群众")),
                    employer_and_post=employer,
                    position=position,
                )
            )
        for back in (3, 2, 1):
            year = today.year - back
            if year - cadre.work_started_on.year >= 1 and age > 22:
                assessments.append(
                    AnnualAssessment(cadre=cadre, year=year, grade=rng.choice(GRADES))
                )
    ResumeEntry.objects.bulk_create(resume_rows, batch_size=1000)
    Education.objects.bulk_create(educations, batch_size=1000)
    PostHolding.objects.bulk_create(holdings, batch_size=1000)
    RankHolding.objects.bulk_create(rank_rows, batch_size=1000)
    FamilyMember.objects.bulk_create(family, batch_size=1000)
    AnnualAssessment.objects.bulk_create(assessments, batch_size=1000)


def _anchor_accounts(root: Unit) -> None:
    """The demo 系统管理员, leader and 干部科 accounts see the county's cadres."""
    User.objects.filter(username__in=DEMO_UNIT_ACCOUNTS).update(anchor_unit=root)


def seed_cadre_side(*, today: date, seed: int = 2026) -> int:
    """Archives first, then the parts that build on them; returns the number of cadres."""
    from zugong.cadres.growth_demo import seed_growth
    from zugong.cadres.selection_demo import seed_selection

    count = seed_cadres(today=today, seed=seed)
    if count:
        seed_growth(today)
        seed_selection(today)
    return count
