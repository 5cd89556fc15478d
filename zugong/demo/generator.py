"""Deterministic demo data: a county's party organization tree, its members and leadership teams.

Plain rows only, no ORM: the ORM loader (`zugong.demo.loader`) and a PostgreSQL COPY loader for
the benchmarks share them. The same seed, member count and reference date give the same rows;
names, ID numbers and birth dates do not depend on the reference date at all.

    data = generate(seed=2026, members=10_000, today=date.today())
    data.orgs        path order, parents before children (OrgRow)
    data.members     branch by branch in path order (MemberRow)
    data.teams       current and previous leadership teams with their seats (TeamRow)
    data.deliberate  which rows carry the deliberate errors the findings should show

For millions of members, stream instead of keeping lists:

    plan = plan_county(seed=..., members=4_000_000, today=...)
    pool = LeaderPool(plan)
    for row in iter_members(plan):
        pool.add(row)
        ...write row...
    teams = build_teams(plan, pool)
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate

from zugong.core.ids import id_check_char

# Mirrors zugong.orgs.models (kept here so the generator runs without Django; a test checks them).
PATH_STEP = 4
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# OrgKind values.
COUNTY_COMMITTEE = "county_committee"
PARTY_COMMITTEE = "party_committee"
PRIMARY_PARTY_COMMITTEE = "primary_party_committee"
GENERAL_BRANCH = "general_branch"
BRANCH = "branch"
BRANCH_GROUP = "branch_group"

# UnitSituation values.
SAME_AS_PARENT = "same_as_parent"
LEGAL_ENTITY = "legal_entity"
JOINT = "joint"
OTHER = "other"

# MemberType values.
FULL = "full"
PROBATIONARY = "probationary"

# TeamKind and Position values.
BRANCH_COMMITTEE_TEAM = "branch_committee"
GENERAL_BRANCH_TEAM = "general_branch_committee"
PARTY_COMMITTEE_TEAM = "party_committee"
SECRETARY = "secretary"
DEPUTY_SECRETARY = "deputy_secretary"
ORGANIZATION_MEMBER = "organization_member"
PROPAGANDA_MEMBER = "propaganda_member"
DISCIPLINE_MEMBER = "discipline_member"
YOUTH_MEMBER = "youth_member"
WOMEN_MEMBER = "women_member"
COMMITTEE_MEMBER = "member"

# org_category codes (zugong/core/seed_data.py).
VILLAGE = "01"
COMMUNITY = "02"
ORGAN = "03"
INSTITUTION = "04"
SCHOOL = "05"
HOSPITAL = "06"
SOE = "07"
PRIVATE = "08"
SOCIAL = "09"
RETIRED = "10"

COUNTY_NAME = "青溪县"
# Looks like a Hangzhou county (3301xx) but is not assigned to a real one.
REGION_CODE = "330128"
NATIVE_PLACE = "浙江青溪"
AREA_CODE = "0571"

DEFAULT_SEED = 2026
DEFAULT_MEMBERS = 10_000
MIN_MEMBERS = 100
# Birth dates run to 2004, so probationary members joined "within 14 months" are adults only
# from this reference date on.
EARLIEST_REFERENCE = date(2024, 3, 1)
# Founding dates stay before any generated team's election.
FOUNDED_LIMIT = date(2015, 12, 31)

PROBATIONARY_SHARE = 0.03
MISSING_FIELD_SHARE = 0.02
TERM_DUE_SHARE = 0.08
TERM_OVERDUE_SHARE = 0.03
TERM_LEAD_DAYS = 90


# ---------------------------------------------------------------------------------------------
# Row types


@dataclass(frozen=True, slots=True)
class OrgRow:
    """One Organization; `key` is its index in `orgs` (path order), `parent_key` its parent's."""

    key: int
    parent_key: int | None
    path: str
    depth: int
    code: str
    name: str
    short_name: str
    kind: str
    category_code: str | None
    founded_on: date
    unit_name: str
    unit_situation: str
    contact_person: str
    contact_phone: str
    address: str
    sort_order: int


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One Member in a branch; code fields hold CodeItem codes of the tables in seed_data."""

    key: int
    org_key: int
    name: str
    gender_code: str
    ethnicity_code: str
    id_number: str
    birth_date: date
    native_place: str
    education_code: str
    degree_code: str | None
    phone: str
    job_category_code: str
    joined_on: date
    confirmed_on: date | None
    member_type: str
    work_started_on: date | None
    address: str


@dataclass(frozen=True, slots=True)
class SeatRow:
    person_name: str
    position: str


@dataclass(frozen=True, slots=True)
class TeamRow:
    """One term of a leadership team; a previous term has is_current False and its end date."""

    org_key: int
    kind: str
    elected_on: date
    term_years: int
    term_ends_on: date
    is_current: bool
    ended_on: date | None
    seats: tuple[SeatRow, ...]


@dataclass(frozen=True)
class CountyPlan:
    """The tree, how many members each branch gets, and where the deliberate problems go."""

    seed: int
    members: int
    today: date
    orgs: tuple[OrgRow, ...]
    branch_sizes: dict[int, int]
    # "county", "chengguan", "dongguan", "branch" (a branch under 城关镇, for the demo logins).
    anchors: dict[str, int]
    tiny_branches: tuple[int, ...]
    no_committee_branches: tuple[int, ...]
    # (branch key, index within the branch) → one of the DELIBERATE_* roles below.
    designated: dict[tuple[int, int], str]
    region_code: str = REGION_CODE
    county_name: str = COUNTY_NAME

    @property
    def branches(self) -> list[OrgRow]:
        return [o for o in self.orgs if o.kind == BRANCH]

    def ancestors(self, key: int) -> list[int]:
        """Keys from the organization itself up to the root."""
        chain = []
        current: int | None = key
        while current is not None:
            chain.append(current)
            current = self.orgs[current].parent_key
        return chain

    def member_key(self, org_key: int, index: int) -> int:
        offset = 0
        for org in self.branches:
            if org.key == org_key:
                return offset + index
            offset += self.branch_sizes[org.key]
        raise KeyError(org_key)


DELIBERATE_BIRTH_MISMATCH = "birth_mismatch"
DELIBERATE_DUPLICATE_SOURCE = "duplicate_source"
DELIBERATE_DUPLICATE_COPY = "duplicate_copy"
DELIBERATE_UNDER_18 = "joined_under_18"
DELIBERATE_PROBATION_OVERDUE = "probation_overdue"
FORCED_PROBATIONARY = "probationary"


@dataclass(frozen=True)
class DemoData:
    plan: CountyPlan
    members: list[MemberRow]
    teams: list[TeamRow]
    # Finding rule id → the member keys (member.*) or organization keys (org.*) it must flag.
    deliberate: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def orgs(self) -> tuple[OrgRow, ...]:
        return self.plan.orgs

    @property
    def today(self) -> date:
        return self.plan.today

    @property
    def seed(self) -> int:
        return self.plan.seed


# ---------------------------------------------------------------------------------------------
# Public API


def generate(
    *, seed: int = DEFAULT_SEED, members: int = DEFAULT_MEMBERS, today: date | None = None
) -> DemoData:
    """The whole demo county in memory (fine up to a few hundred thousand members)."""
    plan = plan_county(seed=seed, members=members, today=today)
    pool = LeaderPool(plan)
    rows = []
    for row in iter_members(plan):
        pool.add(row)
        rows.append(row)
    teams = build_teams(plan, pool)
    return DemoData(
        plan=plan, members=rows, teams=teams, deliberate=deliberate_findings(plan, teams)
    )


def encode_segment(number: int) -> str:
    """One path segment, as zugong.orgs.services.next_child_path writes it (1 → "0001")."""
    base = len(PATH_ALPHABET)
    chars = []
    for _ in range(PATH_STEP):
        number, digit = divmod(number, base)
        chars.append(PATH_ALPHABET[digit])
    if number:
        raise ValueError("too many children for one path segment")
    return "".join(reversed(chars))


def term_years(kind: str, category_code: str | None) -> int:
    """National defaults of org.term_due: village/community 5, branch/general branch 3, else 5."""
    if category_code in (VILLAGE, COMMUNITY):
        return 5
    if kind in (BRANCH, GENERAL_BRANCH):
        return 3
    return 5


def add_years(day: date, years: int) -> date:
    """Like `day + relativedelta(years=years)` (29 Feb → 28 Feb), at a fraction of the cost."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def make_id_number(region: str, birth: date, seq: int) -> str:
    """An 18-digit 公民身份号码; the sequence's last digit is odd for men, even for women."""
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


# ---------------------------------------------------------------------------------------------
# Names, phones, places


# Rough real frequencies (per mille), plus a few polyphonic and compound surnames.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 20),
    ("吴", 18), ("周", 17), ("徐", 15), ("孙", 14), ("马", 13), ("朱", 13), ("胡", 12), ("郭", 11),
    ("何", 11), ("林", 10), ("高", 10), ("罗", 9), ("郑", 8), ("梁", 8), ("谢", 6), ("宋", 6),
    ("唐", 5), ("许", 5), ("韩", 5), ("冯", 5), ("邓", 5), ("曹", 5), ("彭", 4), ("曾", 4),
    ("肖", 4), ("田", 4), ("董", 4), ("潘", 4), ("袁", 4), ("蔡", 4), ("蒋", 4), ("余", 3),
    ("于", 3), ("杜", 3), ("叶", 3), ("程", 3), ("魏", 3), ("苏", 3), ("吕", 3), ("丁", 3),
    ("任", 3), ("卢", 3), ("姚", 2), ("沈", 2), ("钟", 2), ("姜", 2), ("崔", 2), ("谭", 2),
    ("陆", 2), ("范", 2), ("汪", 2), ("廖", 2), ("石", 2), ("金", 2), ("方", 2), ("邵", 1),
    ("毛", 1), ("夏", 1), ("邹", 1), ("熊", 1), ("孟", 1), ("秦", 1), ("江", 1), ("顾", 1),
    ("钱", 1), ("戴", 1), ("严", 1), ("洪", 1), ("童", 1), ("柴", 1), ("翁", 1), ("应", 1),
    ("单", 0.6), ("仇", 0.3), ("解", 0.3), ("查", 0.4), ("区", 0.2), ("缪", 0.3), ("翟", 0.3),
    ("欧阳", 0.5), ("司马", 0.2), ("诸葛", 0.1), ("上官", 0.1),
)  # fmt: skip
_SURNAME_NAMES = [s for s, _ in SURNAMES]
_SURNAME_CUM = list(accumulate(w for _, w in SURNAMES))

_MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健浩宇轩博俊峰建国志海林文东兴荣德忠福祥龙成晨睿泽辰航豪逸凯旭阳亮春新立永金卫松涛彬毅"
_FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞燕玲桂英秀兰萍红梅琳婷雪慧颖倩琴洁欣怡悦雨涵佳思瑶晓月莉蓉凤珍云琪璐菲婉萱妍"
)
# Given names typical of people born before about 1960.
_MALE_CLASSIC = ("建国", "国强", "国华", "建华", "德明", "志明", "福生", "金生", "卫国", "爱国", "胜利", "建军", "永康", "荣华")  # fmt: skip
_FEMALE_CLASSIC = ("秀英", "桂英", "玉兰", "秀兰", "桂兰", "凤英", "玉珍", "淑珍", "金凤", "秀珍", "彩霞", "美华")  # fmt: skip

_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180",
    "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "193", "198", "199",
)  # fmt: skip

# (region code, 籍贯) of members registered at birth outside the county.
_OTHER_REGIONS = (
    ("330106", "浙江杭州"), ("330203", "浙江宁波"), ("330302", "浙江温州"), ("330602", "浙江绍兴"),
    ("330702", "浙江金华"), ("330122", "浙江桐庐"), ("330182", "浙江建德"), ("341002", "安徽黄山"),
    ("340104", "安徽合肥"), ("360102", "江西南昌"), ("361102", "江西上饶"), ("320106", "江苏南京"),
    ("410105", "河南郑州"), ("430102", "湖南长沙"), ("510104", "四川成都"), ("370102", "山东济南"),
)  # fmt: skip

# GB/T 3304 codes besides 汉族 (01): 畲族 is the Zhejiang minority, the others are scattered.
_MINORITIES = (("22", 4), ("03", 2), ("15", 1), ("06", 1), ("11", 1), ("08", 1))

_RESIDENCES = ("锦绣花园", "阳光小区", "溪畔家园", "文昌苑", "新安小区", "金色家园", "和平里", "滨江花苑", "桂花苑", "凤凰城")  # fmt: skip
_ROADS = ("人民路", "新安路", "文昌路", "解放街", "环城北路", "千岛湖大道", "青溪大道", "建设路", "城中路", "梅峰路")  # fmt: skip

_PLACE_FIRST = "桥溪山塘岭湾石枫竹柳桃杏梅上下前后东西南北大小新高黄白青龙凤金马鹤泉源田茶松云"
_PLACE_SECOND = "头口坞湾岭坑塘源田山桥溪畈岙坪垄庄里埠岗"

_CN_DIGITS = "零一二三四五六七八九"


def _cn_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五; enough for sibling numbering."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_NAMES, cum_weights=_SURNAME_CUM)[0]


def person_name(rng: random.Random, female: bool, birth_year: int) -> str:
    surname = _surname(rng)
    if birth_year < 1965 and rng.random() < 0.35:
        return surname + rng.choice(_FEMALE_CLASSIC if female else _MALE_CLASSIC)
    pool = _FEMALE_CHARS if female else _MALE_CHARS
    # Single-character given names were commonest around the 1980s and 1990s.
    single = 0.4 if 1975 <= birth_year <= 1995 else 0.2
    if len(surname) == 2 or rng.random() < single:
        return surname + rng.choice(pool)
    first = rng.choice(pool)
    second = rng.choice(pool)
    while second == first:
        second = rng.choice(pool)
    return surname + first + second


def mobile_phone(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _landline(rng: random.Random) -> str:
    return f"{AREA_CODE}-6{rng.randint(4_000_000, 5_999_999)}"


def _skewed_date(rng: random.Random, start: date, end: date, mode: float) -> date:
    """A date between start and end, most likely at fraction `mode` of the way."""
    span = end.toordinal() - start.toordinal()
    return date.fromordinal(start.toordinal() + int(rng.triangular(0, span, mode * span)))


# ---------------------------------------------------------------------------------------------
# The organization tree


@dataclass(eq=False)
class _Node:
    parent: _Node | None
    path: str
    name: str
    short_name: str
    kind: str
    category: str | None
    unit_name: str
    unit_situation: str
    address: str
    founded_on: date
    sort_order: int
    contact_person: str = ""
    contact_phone: str = ""
    children: int = 0
    key: int = -1


class _Tree:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.nodes: list[_Node] = []
        self.used_places: set[str] = set()
        self.used_companies: set[str] = set()

    def add(
        self,
        parent: _Node | None,
        name: str,
        kind: str,
        category: str | None,
        *,
        short_name: str = "",
        unit_name: str | None = None,
        situation: str = SAME_AS_PARENT,
        address: str | None = None,
    ) -> _Node:
        rng = self.rng
        if parent is None:
            path, founded, sort_order = encode_segment(len(self.nodes) + 1), date(1949, 5, 10), 0
        else:
            parent.children += 1
            path = parent.path + encode_segment(parent.children)
            sort_order = parent.children * 10
            start = parent.founded_on + timedelta(days=30)
            founded = (
                _skewed_date(rng, start, FOUNDED_LIMIT, 0.35)
                if start < FOUNDED_LIMIT
                else parent.founded_on
            )
        female = rng.random() < 0.35
        contact = person_name(rng, female, rng.randint(1965, 1995))
        phone = mobile_phone(rng) if rng.random() < 0.6 else _landline(rng)
        node = _Node(
            parent=parent,
            path=path,
            name=name,
            short_name=short_name,
            kind=kind,
            category=category,
            unit_name=unit_name if unit_name is not None else (parent.unit_name if parent else ""),
            unit_situation=situation,
            address=address if address is not None else (parent.address if parent else ""),
            founded_on=founded,
            sort_order=sort_order,
            contact_person=contact,
            contact_phone=phone,
        )
        self.nodes.append(node)
        return node

    def place(self, suffix: str) -> str:
        """A new village/community name unique in the county: 桥头村, 梅溪坞村, 梅溪坞三村 ..."""
        rng = self.rng
        # About 900 two-character names exist; past a few hundred, go to three characters.
        short_left = len(self.used_places) < 500
        for attempt in range(40):
            size = 2 if short_left and attempt < 20 else 3
            chars = rng.sample(_PLACE_FIRST, size - 1) + [rng.choice(_PLACE_SECOND)]
            name = "".join(chars) + suffix
            if name not in self.used_places:
                self.used_places.add(name)
                return name
        base = rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND)
        n = 2
        while f"{base}{_cn_ordinal(n)}{suffix}" in self.used_places:
            n += 1
        name = f"{base}{_cn_ordinal(n)}{suffix}"
        self.used_places.add(name)
        return name

    def company(self) -> str:
        rng = self.rng
        brands = ("青溪", "千岛", "新安", "溪源", "锦峰", "华越", "恒通", "汇源", "秀水", "富春", "金峰", "宏达", "瑞丰", "天成", "绿源")  # fmt: skip
        trades = ("茶业", "竹木制品", "食品", "电子科技", "建材", "纺织", "旅游开发", "物流", "农业开发", "水产", "机械制造", "新材料", "医药", "电子商务", "酒店管理")  # fmt: skip
        for _ in range(40):
            name = f"{COUNTY_NAME[:2]}{rng.choice(brands)}{rng.choice(trades)}有限公司"
            if name not in self.used_companies:
                self.used_companies.add(name)
                return name
        n = len(self.used_companies) + 1
        name = f"{COUNTY_NAME[:2]}{rng.choice(brands)}{rng.choice(trades)}{_cn_ordinal(n % 100)}有限公司"
        self.used_companies.add(name)
        return name


TOWNS = ("临溪镇", "白沙镇", "梅岭镇", "石门镇", "安阳乡", "枫林镇", "大塘镇", "横溪乡")
CHENGGUAN_COMMUNITIES = ("东门", "西门", "南门", "北门", "文昌", "人民路", "新安")
DONGGUAN_COMMUNITIES = (
    "东关",
    "朝阳",
    "滨江",
    "春晖",
    "锦绣",
    "和平",
    "光明",
    "建设",
    "幸福",
    "凤凰",
)
DEPARTMENTS = (
    "县纪委县监委", "县委办公室", "县委组织部", "县委宣传部", "县委统战部", "县委政法委",
    "县人大常委会", "县政协", "县发展和改革局", "县经济和信息化局", "县民政局", "县司法局",
    "县人力资源和社会保障局", "县自然资源和规划局", "县住房和城乡建设局", "县交通运输局",
    "县水利局", "县农业农村局", "县商务局", "县文化和广电旅游体育局", "县审计局", "县统计局",
    "县市场监督管理局", "县应急管理局", "县退役军人事务局", "县医疗保障局", "县信访局", "县档案馆",
)  # fmt: skip
SCHOOLS = (
    "县实验小学", "城关第一小学", "城关第二小学", "东关小学", "城关初级中学", "县第二中学",
    "临溪中学", "白沙小学", "梅岭中心小学", "石门中心小学", "县幼儿园", "县特殊教育学校",
    "安阳初级中学", "枫林中心小学",
)  # fmt: skip
STATE_COMPANIES = (
    "县水务有限公司", "县旅游发展有限公司", "县粮食收储有限公司", "县公共交通有限公司",
    "县农业发展投资有限公司", "县国有资产经营有限公司",
)  # fmt: skip


def _numbered(names: Sequence[str], i: int, tail: str = "") -> str:
    """The i-th name of a list; past its end the names repeat with 第二, 第三 ..."""
    base = names[i % len(names)]
    rounds = i // len(names)
    return f"{base}{tail}" if rounds == 0 else f"{base}第{_cn_ordinal(rounds + 1)}{tail}"


class _CountyBuilder:
    """Lays out the county: 县委 → 党(工)委 → units, sized by the scale."""

    def __init__(self, rng: random.Random, members: int) -> None:
        self.tree = _Tree(rng)
        self.rng = rng
        # The number of towns and the county systems' unit lists grow linearly with the scale,
        # so the organization count follows the members and branches keep a realistic size
        # at 500,000 or 4,000,000 members; lists inside one town or unit grow more slowly.
        self.scale = members / DEFAULT_MEMBERS
        self.g = math.sqrt(self.scale)
        self.anchors: dict[str, _Node] = {}
        # Branches that get a member with a deliberate error, in path order of their committee.
        self.special: dict[str, _Node] = {}

    def many(self, count: int) -> int:
        return max(1, round(count * self.g))

    def linear(self, count: int) -> int:
        return max(1, round(count * self.scale))

    def few(self, count: int) -> int:
        return max(1, min(count, round(count * self.g)))

    def build(self) -> list[_Node]:
        t = self.tree
        root = t.add(
            None,
            f"{COUNTY_NAME}委",
            COUNTY_COMMITTEE,
            None,
            short_name="县委",
            unit_name=f"中共{COUNTY_NAME}委员会",
            situation=LEGAL_ENTITY,
            address=f"{COUNTY_NAME}城关镇人民路1号",
        )
        self.anchors["county"] = root
        towns = [
            TOWNS[i] if i < len(TOWNS) else t.place("镇") for i in range(self.linear(len(TOWNS)))
        ]
        self._town(root, "城关镇", communities=self.many(5), villages=self.many(8), key="chengguan")
        self._street(root, "东关街道", communities=self.many(8))
        self._organs(root)
        self._education(root)
        self._health(root, towns)
        self._state_owned(root)
        self._new_sectors(root)
        for town in towns:
            self._town(root, town, communities=1, villages=self.few(12))
        return t.nodes

    # -- townships ---------------------------------------------------------------------------

    def _committee(
        self, root: _Node, name: str, short: str, category: str | None, unit: str
    ) -> _Node:
        return self.tree.add(
            root,
            name,
            PARTY_COMMITTEE,
            category,
            short_name=short,
            unit_name=unit,
            situation=LEGAL_ENTITY,
            address=f"{COUNTY_NAME}{short if category is None else '城关镇'}"
            f"{self.rng.choice(_ROADS)}{self.rng.randint(1, 200)}号",
        )

    def _community(self, parent: _Node, town: str, name: str, groups: bool) -> _Node:
        t = self.tree
        branch = t.add(
            parent,
            f"{name}社区党支部",
            BRANCH,
            COMMUNITY,
            short_name=f"{name}社区",
            unit_name=f"{COUNTY_NAME}{town}{name}社区居民委员会",
            situation=LEGAL_ENTITY,
            address=f"{COUNTY_NAME}{town}{name}社区",
        )
        if groups:
            for k in range(1, 4):
                t.add(branch, f"{name}社区第{_cn_ordinal(k)}党小组", BRANCH_GROUP, COMMUNITY)
        return branch

    def _villages(self, committee: _Node, town: str, count: int) -> list[_Node]:
        t = self.tree
        branches = []
        for i in range(count):
            village = t.place("村")
            unit = f"{COUNTY_NAME}{town}{village}村民委员会"
            address = f"{COUNTY_NAME}{town}{village}"
            if i == 0 and count >= 2:
                # The largest village has a general branch with branches by natural village.
                general = t.add(
                    committee,
                    f"{village}党总支",
                    GENERAL_BRANCH,
                    VILLAGE,
                    short_name=village,
                    unit_name=unit,
                    situation=LEGAL_ENTITY,
                    address=address,
                )
                for k in range(1, 4):
                    branches.append(
                        t.add(general, f"{village}第{_cn_ordinal(k)}党支部", BRANCH, VILLAGE)
                    )
            else:
                branches.append(
                    t.add(
                        committee,
                        f"{village}党支部",
                        BRANCH,
                        VILLAGE,
                        short_name=village,
                        unit_name=unit,
                        situation=LEGAL_ENTITY,
                        address=address,
                    )
                )
        return branches

    def _town_offices(self, committee: _Node, town: str) -> None:
        t = self.tree
        t.add(
            committee, f"{town}机关党支部", BRANCH, ORGAN, unit_name=f"{COUNTY_NAME}{town}人民政府"
        )
        t.add(committee, f"{town}机关离退休干部党支部", BRANCH, RETIRED, situation=OTHER)

    def _town(
        self, root: _Node, town: str, *, communities: int, villages: int, key: str | None = None
    ) -> None:
        committee = self._committee(root, f"{town}党委", town, None, f"{COUNTY_NAME}{town}")
        if key:
            self.anchors[key] = committee
        names = CHENGGUAN_COMMUNITIES if key == "chengguan" else ()
        comm = []
        for i in range(communities):
            name = names[i] if i < len(names) else self.tree.place("")
            # The first community of 城关镇 is the demo branch: it gets 党小组 to show.
            comm.append(
                self._community(committee, town, name, groups=key == "chengguan" and i % 3 == 0)
            )
        village_branches = self._villages(committee, town, villages)
        self._town_offices(committee, town)
        if key == "chengguan":
            self.anchors["branch"] = comm[0]
            self.special[DELIBERATE_BIRTH_MISMATCH] = comm[0]
            self.special[DELIBERATE_DUPLICATE_SOURCE] = (
                comm[1] if len(comm) > 1 else village_branches[0]
            )
        elif DELIBERATE_UNDER_18 not in self.special:
            self.special[DELIBERATE_UNDER_18] = village_branches[-1]

    def _street(self, root: _Node, street: str, *, communities: int) -> None:
        t = self.tree
        committee = self._committee(root, f"{street}党工委", street, None, f"{COUNTY_NAME}{street}")
        self.anchors["dongguan"] = committee
        first = None
        for i in range(communities):
            name = DONGGUAN_COMMUNITIES[i] if i < len(DONGGUAN_COMMUNITIES) else t.place("")
            if i == 1:
                # A large community with its own primary committee and grid branches.
                pc = t.add(
                    committee,
                    f"{name}社区党委",
                    PRIMARY_PARTY_COMMITTEE,
                    COMMUNITY,
                    short_name=f"{name}社区",
                    unit_name=f"{COUNTY_NAME}{street}{name}社区居民委员会",
                    situation=LEGAL_ENTITY,
                    address=f"{COUNTY_NAME}{street}{name}社区",
                )
                for k in range(1, 3):
                    t.add(pc, f"{name}社区第{_cn_ordinal(k)}网格党支部", BRANCH, COMMUNITY)
                t.add(pc, f"{name}社区离退休党支部", BRANCH, RETIRED, situation=OTHER)
                continue
            branch = self._community(committee, street, name, groups=i % 3 == 0)
            first = first or branch
        self.special[DELIBERATE_DUPLICATE_COPY] = first
        t.add(
            committee,
            f"{street}机关党支部",
            BRANCH,
            ORGAN,
            unit_name=f"{COUNTY_NAME}{street}办事处",
        )
        t.add(
            committee, f"{street}非公企业联合党支部", BRANCH, PRIVATE, unit_name="", situation=JOINT
        )
        company = t.company()
        t.add(
            committee,
            f"{company}党支部",
            BRANCH,
            PRIVATE,
            unit_name=company,
            situation=LEGAL_ENTITY,
        )

    # -- county systems ----------------------------------------------------------------------

    def _unit(
        self, parent: _Node, name: str, kind: str, category: str, unit: str, short: str = ""
    ) -> _Node:
        return self.tree.add(
            parent,
            name,
            kind,
            category,
            short_name=short,
            unit_name=unit,
            situation=LEGAL_ENTITY,
            address=f"{COUNTY_NAME}城关镇{self.rng.choice(_ROADS)}{self.rng.randint(1, 300)}号",
        )

    def _sub_branches(self, parent: _Node, names: Sequence[str], category: str, count: int) -> None:
        for i in range(count):
            name = names[i] if i < len(names) else f"第{_cn_ordinal(i + 1)}党支部"
            cat = RETIRED if "离退休" in name else category
            self.tree.add(parent, f"{parent.short_name}{name}", BRANCH, cat)

    def _organs(self, root: _Node) -> None:
        committee = self._committee(
            root, "县直机关工委", "县直机关", ORGAN, f"中共{COUNTY_NAME}委直属机关工作委员会"
        )
        police = self._unit(
            committee,
            "县公安局党委",
            PRIMARY_PARTY_COMMITTEE,
            ORGAN,
            f"{COUNTY_NAME}公安局",
            "县公安局",
        )
        self._sub_branches(
            police,
            (
                "机关第一党支部",
                "机关第二党支部",
                "城关派出所党支部",
                "东关派出所党支部",
                "离退休党支部",
            ),
            ORGAN,
            self.few(5),
        )
        finance = self._unit(
            committee,
            "县财政局机关党总支",
            GENERAL_BRANCH,
            ORGAN,
            f"{COUNTY_NAME}财政局",
            "县财政局",
        )
        self._sub_branches(
            finance, ("机关第一党支部", "机关第二党支部", "离退休党支部"), ORGAN, self.few(3)
        )
        office = self._unit(committee, "县政府办公室机关党总支", GENERAL_BRANCH, ORGAN, f"{COUNTY_NAME}人民政府办公室", "县政府办公室")  # fmt: skip
        self._sub_branches(office, ("机关第一党支部", "机关第二党支部"), ORGAN, self.few(2))
        for i in range(self.linear(20)):
            dept = _numbered(DEPARTMENTS, i)
            self._unit(
                committee,
                f"{dept}机关党支部",
                BRANCH,
                ORGAN,
                dept.replace("县", COUNTY_NAME, 1),
                dept,
            )
        self.tree.add(committee, "县直机关离退休干部党支部", BRANCH, RETIRED, situation=OTHER)

    def _education(self, root: _Node) -> None:
        committee = self._committee(
            root, "县教育系统党委", "县教育系统", SCHOOL, f"{COUNTY_NAME}教育局"
        )
        first = self._unit(committee, "县第一中学党总支", GENERAL_BRANCH, SCHOOL, f"{COUNTY_NAME}第一中学", "县第一中学")  # fmt: skip
        self._sub_branches(first, ("在职教师第一党支部", "在职教师第二党支部", "离退休教师党支部"), SCHOOL, self.few(3))  # fmt: skip
        voc = self._unit(committee, "县职业中等专业学校党总支", GENERAL_BRANCH, SCHOOL, f"{COUNTY_NAME}职业中等专业学校", "县职业中专")  # fmt: skip
        self._sub_branches(voc, ("教师党支部", "行政后勤党支部"), SCHOOL, self.few(2))
        for i in range(self.linear(10)):
            school = _numbered(SCHOOLS, i)
            self._unit(
                committee,
                f"{school}党支部",
                BRANCH,
                SCHOOL,
                school.replace("县", COUNTY_NAME, 1),
                school,
            )
        self._unit(
            committee, "县教育局机关党支部", BRANCH, ORGAN, f"{COUNTY_NAME}教育局", "县教育局"
        )

    def _health(self, root: _Node, towns: list[str]) -> None:
        committee = self._committee(
            root, "县卫健系统党委", "县卫健系统", HOSPITAL, f"{COUNTY_NAME}卫生健康局"
        )
        hospital = self._unit(committee, "县人民医院党委", PRIMARY_PARTY_COMMITTEE, HOSPITAL, f"{COUNTY_NAME}人民医院", "县人民医院")  # fmt: skip
        self._sub_branches(
            hospital,
            (
                "内科党支部",
                "外科党支部",
                "医技党支部",
                "护理党支部",
                "行政后勤党支部",
                "离退休党支部",
            ),
            HOSPITAL,
            self.few(6),
        )
        tcm = self._unit(
            committee,
            "县中医院党总支",
            GENERAL_BRANCH,
            HOSPITAL,
            f"{COUNTY_NAME}中医院",
            "县中医院",
        )
        self._sub_branches(
            tcm, ("临床党支部", "医技护理党支部", "行政后勤党支部"), HOSPITAL, self.few(3)
        )
        # One health centre per township.
        centres = ["城关镇社区卫生服务中心", "东关街道社区卫生服务中心"] + [
            f"{t}卫生院" for t in towns
        ]
        for centre in centres:
            self._unit(
                committee, f"{centre}党支部", BRANCH, HOSPITAL, f"{COUNTY_NAME}{centre}", centre
            )
        self._unit(
            committee,
            "县疾病预防控制中心党支部",
            BRANCH,
            INSTITUTION,
            f"{COUNTY_NAME}疾病预防控制中心",
        )
        self._unit(committee, "县卫生健康局机关党支部", BRANCH, ORGAN, f"{COUNTY_NAME}卫生健康局")

    def _state_owned(self, root: _Node) -> None:
        committee = self._committee(
            root, "县国资系统党委", "县国资系统", SOE, f"{COUNTY_NAME}国有资产管理中心"
        )
        group = self._unit(committee, "县城市建设投资集团党委", PRIMARY_PARTY_COMMITTEE, SOE, f"{COUNTY_NAME}城市建设投资集团有限公司", "县城投集团")  # fmt: skip
        self._sub_branches(group, ("机关党支部", "工程建设党支部", "物业服务党支部", "离退休党支部"), SOE, self.few(4))  # fmt: skip
        transport = self._unit(committee, "县交通投资集团党总支", GENERAL_BRANCH, SOE, f"{COUNTY_NAME}交通投资集团有限公司", "县交投集团")  # fmt: skip
        self._sub_branches(
            transport, ("机关党支部", "客运党支部", "公路养护党支部"), SOE, self.few(3)
        )
        for i in range(self.linear(6)):
            company = _numbered(STATE_COMPANIES, i)
            self._unit(
                committee,
                f"{company}党支部",
                BRANCH,
                SOE,
                company.replace("县", COUNTY_NAME, 1),
                company,
            )

    def _new_sectors(self, root: _Node) -> None:
        t = self.tree
        committee = self._committee(
            root, "县两新工委", "县两新", PRIVATE, f"中共{COUNTY_NAME}委两新工作委员会"
        )
        for _ in range(self.linear(15)):
            company = t.company()
            self._unit(committee, f"{company}党支部", BRANCH, PRIVATE, company)
        for name in ("县律师行业党支部", "县个体私营企业协会党支部", "县社会组织联合党支部", "县会计师事务所联合党支部"):  # fmt: skip
            t.add(
                committee,
                name,
                BRANCH,
                SOCIAL,
                unit_name="",
                situation=JOINT if "联合" in name else OTHER,
            )


def _freeze(nodes: list[_Node]) -> tuple[OrgRow, ...]:
    """Path order, keys, and 组织编码: region code + one fixed-width number per level."""
    nodes = sorted(nodes, key=lambda n: n.path)
    for i, node in enumerate(nodes):
        node.key = i
    max_depth = max(len(n.path) // PATH_STEP for n in nodes)
    # 2 + 3 + 2 + 1 digits below the county give a 14-digit code; wider where a level needs it.
    widths = [2, 3, 2, 1] + [2] * max(0, max_depth - 5)
    for node in nodes:
        depth = len(node.path) // PATH_STEP
        if depth > 1:
            number = _decode(node.path[-PATH_STEP:])
            widths[depth - 2] = max(widths[depth - 2], len(str(number)))
    rows = []
    for node in nodes:
        depth = len(node.path) // PATH_STEP
        numbers = [
            _decode(node.path[i : i + PATH_STEP])
            for i in range(PATH_STEP, len(node.path), PATH_STEP)
        ]
        digits = "".join(f"{n:0{w}d}" for n, w in zip(numbers, widths, strict=False))
        code = (REGION_CODE + digits).ljust(
            len(REGION_CODE) + sum(widths[: max(4, max_depth - 1)]), "0"
        )
        rows.append(
            OrgRow(
                key=node.key,
                parent_key=node.parent.key if node.parent else None,
                path=node.path,
                depth=depth,
                code=code,
                name=node.name,
                short_name=node.short_name,
                kind=node.kind,
                category_code=node.category,
                founded_on=node.founded_on,
                unit_name=node.unit_name,
                unit_situation=node.unit_situation,
                contact_person=node.contact_person,
                contact_phone=node.contact_phone,
                address=node.address,
                sort_order=node.sort_order,
            )
        )
    return tuple(rows)


def _decode(segment: str) -> int:
    value = 0
    for ch in segment:
        value = value * len(PATH_ALPHABET) + PATH_ALPHABET.index(ch)
    return value


# Relative branch sizes by category (uniform between the bounds).
_SIZE_WEIGHTS: dict[str | None, tuple[float, float]] = {
    VILLAGE: (25, 60),
    COMMUNITY: (20, 55),
    ORGAN: (8, 35),
    INSTITUTION: (10, 30),
    SCHOOL: (10, 35),
    HOSPITAL: (12, 45),
    SOE: (8, 40),
    PRIVATE: (3, 15),
    SOCIAL: (3, 12),
    RETIRED: (15, 60),
    None: (5, 20),
}


def plan_county(
    *, seed: int = DEFAULT_SEED, members: int = DEFAULT_MEMBERS, today: date | None = None
) -> CountyPlan:
    """The organization tree and the member count of every branch; no member data yet."""
    today = today or date.today()
    if members < MIN_MEMBERS:
        raise ValueError(f"members must be at least {MIN_MEMBERS}")
    if today < EARLIEST_REFERENCE:
        raise ValueError(f"reference date must be {EARLIEST_REFERENCE} or later")
    rng = random.Random(f"{seed}:tree")
    builder = _CountyBuilder(rng, members)
    nodes = builder.build()
    orgs = _freeze(nodes)
    branches = [o for o in orgs if o.kind == BRANCH]
    by_path = {o.path: o for o in orgs}

    def key_of(node: _Node) -> int:
        return by_path[node.path].key

    special = {role: key_of(node) for role, node in builder.special.items()}
    anchors = {name: key_of(node) for name, node in builder.anchors.items()}
    reserved = set(special.values()) | {anchors["branch"]}

    # A few branches too small (< 3 full members) and a few big ones without a committee.
    g = builder.g
    candidates = [
        b.key for b in branches if b.category_code in (PRIVATE, SOCIAL) and b.key not in reserved
    ]
    tiny = tuple(sorted(rng.sample(candidates, min(len(candidates), max(1, round(3 * g))))))
    reserved |= set(tiny)
    candidates = [
        b.key
        for b in branches
        if b.category_code in (ORGAN, SOE, PRIVATE, SCHOOL) and b.key not in reserved
    ]
    no_committee = tuple(sorted(rng.sample(candidates, min(len(candidates), max(1, round(3 * g))))))

    # Sizes 2, 2, 3 (one probationary) repeat over the tiny branches.
    tiny_sizes = {k: (2, 2, 3)[i % 3] for i, k in enumerate(tiny)}
    minimums = {k: 9 for k in no_committee}
    minimums[anchors["branch"]] = 12
    for role in (DELIBERATE_DUPLICATE_SOURCE, DELIBERATE_DUPLICATE_COPY, DELIBERATE_UNDER_18):
        minimums[special[role]] = max(minimums.get(special[role], 0), 4)
    sizes = _branch_sizes(rng, branches, members, tiny_sizes, minimums)

    designated: dict[tuple[int, int], str] = {}
    mismatch_branch = special[DELIBERATE_BIRTH_MISMATCH]
    designated[(mismatch_branch, 1)] = DELIBERATE_BIRTH_MISMATCH
    designated[(mismatch_branch, 2)] = DELIBERATE_PROBATION_OVERDUE
    for role in (DELIBERATE_DUPLICATE_SOURCE, DELIBERATE_DUPLICATE_COPY, DELIBERATE_UNDER_18):
        designated[(special[role], sizes[special[role]] - 1)] = role
    for k, size in tiny_sizes.items():
        if size == 3:
            designated[(k, 2)] = FORCED_PROBATIONARY

    return CountyPlan(
        seed=seed,
        members=members,
        today=today,
        orgs=orgs,
        branch_sizes=sizes,
        anchors=anchors,
        tiny_branches=tiny,
        no_committee_branches=no_committee,
        designated=designated,
    )


def _branch_sizes(
    rng: random.Random,
    branches: list[OrgRow],
    total: int,
    fixed: dict[int, int],
    minimums: dict[int, int],
) -> dict[int, int]:
    """Split `total` over the branches by weight (largest remainder), honouring fixed and minimum sizes."""
    free = [b for b in branches if b.key not in fixed]
    weights = {
        b.key: rng.uniform(*_SIZE_WEIGHTS.get(b.category_code, _SIZE_WEIGHTS[None])) for b in free
    }
    rest = total - sum(fixed.values())
    floor = 3 if rest >= 6 * len(free) else 2 if rest >= 3 * len(free) else 1
    spread = rest - floor * len(free)
    if spread < 0:
        raise ValueError("too few members for this many branches")
    weight_sum = sum(weights.values())
    shares = {k: spread * w / weight_sum for k, w in weights.items()}
    sizes = {k: floor + int(s) for k, s in shares.items()}
    left = rest - sum(sizes.values())
    for k in sorted(shares, key=lambda k: (shares[k] - int(shares[k]), k), reverse=True)[:left]:
        sizes[k] += 1
    # Raise the branches that need a minimum, taking the members from the largest others.
    for k, minimum in minimums.items():
        while sizes[k] < minimum:
            donor = max((d for d in sizes if d not in minimums), key=lambda d: (sizes[d], d))
            if sizes[donor] <= floor:
                raise ValueError("too few members for the deliberate cases")
            sizes[donor] -= 1
            sizes[k] += 1
    sizes.update(fixed)
    return {b.key: sizes[b.key] for b in branches}


# ---------------------------------------------------------------------------------------------
# Members


@dataclass(frozen=True, slots=True)
class _Identity:
    """What does not depend on the reference date: the person, the ID, contact details."""

    name: str
    gender_code: str
    ethnicity_code: str
    birth_date: date
    id_number: str
    native_place: str
    phone: str
    address: str


_WORKING = (ORGAN, INSTITUTION, SCHOOL, HOSPITAL, SOE, PRIVATE, SOCIAL)
_FEMALE_SHARE = {
    VILLAGE: 0.2, COMMUNITY: 0.4, ORGAN: 0.3, INSTITUTION: 0.4, SCHOOL: 0.55, HOSPITAL: 0.6,
    SOE: 0.25, PRIVATE: 0.25, SOCIAL: 0.35, RETIRED: 0.3,
}  # fmt: skip


def _birth_date(rng: random.Random, category: str | None, female: bool, young: bool) -> date:
    if young:
        return _skewed_date(rng, date(1988, 1, 1), date(2003, 12, 31), 0.7)
    if category == RETIRED:
        return _skewed_date(rng, date(1935, 1, 1), date(1965, 12, 31), 0.6)
    if category in _WORKING:
        # Working age: men up to 60, women up to 55 by the mid-2020s.
        start = date(1971, 1, 1) if female else date(1966, 1, 1)
        return _skewed_date(rng, start, date(2002, 12, 31), 0.55)
    return _skewed_date(rng, date(1935, 1, 1), date(2004, 12, 31), 0.45)


def _identity(rng: random.Random, org: OrgRow, used_ids: set[int], young: bool) -> _Identity:
    category = org.category_code
    female = rng.random() < _FEMALE_SHARE.get(category or "", 0.3)
    birth = _birth_date(rng, category, female, young)
    name = person_name(rng, female, birth.year)
    if rng.random() < 0.97:
        ethnicity = "01"
    else:
        ethnicity = rng.choices([c for c, _ in _MINORITIES], [w for _, w in _MINORITIES])[0]
    local = 0.7 if category in (ORGAN, SCHOOL, HOSPITAL, INSTITUTION) else 0.9
    region, native = (
        (REGION_CODE, NATIVE_PLACE) if rng.random() < local else rng.choice(_OTHER_REGIONS)
    )
    while True:
        # Odd sequence for men, even for women (GB 11643 第17位).
        seq = 2 * rng.randint(0, 499) + 1 if not female else 2 * rng.randint(1, 499)
        id_number = make_id_number(region, birth, seq)
        numeric = int(id_number[:17])
        if numeric not in used_ids:
            used_ids.add(numeric)
            break
    phone = mobile_phone(rng)
    if category == VILLAGE:
        address = f"{org.address}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
    elif category == COMMUNITY:
        address = f"{org.address}{rng.choice(_RESIDENCES)}{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"  # fmt: skip
    else:
        town = rng.choice(("城关镇", "东关街道"))
        address = f"{COUNTY_NAME}{town}{rng.choice(_RESIDENCES)}{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"  # fmt: skip
    if rng.random() < MISSING_FIELD_SHARE:
        # Not every record is complete: the completeness score must have something to show.
        if rng.random() < 0.5:
            phone = ""
        else:
            address = ""
    return _Identity(
        name=name,
        gender_code="2" if female else "1",
        ethnicity_code=ethnicity,
        birth_date=birth,
        id_number=id_number,
        native_place=native,
        phone=phone,
        address=address,
    )


_EDUCATION_BY_CATEGORY: dict[str, dict[str, int]] = {
    ORGAN: {"14": 15, "21": 60, "31": 20, "61": 5},
    INSTITUTION: {"14": 10, "21": 55, "31": 25, "61": 10},
    SCHOOL: {"14": 15, "21": 65, "31": 15, "41": 5},
    HOSPITAL: {"11": 2, "14": 13, "21": 50, "31": 25, "41": 10},
    SOE: {"14": 5, "21": 40, "31": 30, "41": 10, "61": 15},
    PRIVATE: {"21": 30, "31": 35, "61": 20, "71": 15},
    SOCIAL: {"21": 40, "31": 35, "61": 25},
}
# For villages, communities and retirees, by birth cohort.
_EDUCATION_BY_COHORT: tuple[tuple[int, dict[str, int]], ...] = (
    (1955, {"81": 35, "71": 40, "61": 20, "41": 5}),
    (1970, {"71": 45, "61": 35, "41": 10, "31": 10}),
    (1985, {"71": 15, "61": 35, "41": 10, "31": 25, "21": 15}),
    (9999, {"61": 20, "31": 35, "21": 40, "14": 5}),
)
_JOBS: dict[str, dict[str, int]] = {
    VILLAGE: {"0201": 72, "0102": 13, "0702": 10, "0701": 5},
    COMMUNITY: {
        "0404": 15,
        "0302": 15,
        "0402": 12,
        "0102": 15,
        "0701": 15,
        "0702": 15,
        "0703": 8,
        "0303": 5,
    },  # fmt: skip
    ORGAN: {"0501": 75, "0502": 15, "0503": 10},
    INSTITUTION: {"0303": 60, "0403": 30, "0103": 10},
    SCHOOL: {"0303": 80, "0403": 15, "0103": 5},
    HOSPITAL: {"0303": 80, "0403": 12, "0103": 8},
    SOE: {"0301": 35, "0401": 25, "0101": 40},
    PRIVATE: {"0302": 35, "0402": 20, "0102": 45},
    SOCIAL: {"0304": 50, "0404": 40, "0104": 10},
}
# Age at which work starts after each level of education.
_WORK_START_AGE = {"81": 16, "71": 17, "61": 19, "41": 19, "31": 21, "21": 22, "14": 25, "11": 28}
# Typical age at joining the Party (low, high, mode).
_JOIN_AGE: dict[str, tuple[float, float, float]] = {
    VILLAGE: (19, 55, 28),
    COMMUNITY: (19, 55, 30),
    RETIRED: (19, 45, 25),
    ORGAN: (20, 45, 26),
    INSTITUTION: (20, 45, 27),
    SCHOOL: (20, 45, 26),
    HOSPITAL: (20, 45, 27),
    SOE: (20, 50, 30),
    PRIVATE: (20, 50, 32),
    SOCIAL: (20, 50, 32),
}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    codes, cum = _CUMULATIVE.get(id(weights)) or _cumulative(weights)
    return rng.choices(codes, cum_weights=cum)[0]


_CUMULATIVE: dict[int, tuple[list[str], list[int]]] = {}


def _cumulative(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    # The weight tables are module constants, so caching by identity is safe.
    entry = (list(weights), list(accumulate(weights.values())))
    _CUMULATIVE[id(weights)] = entry
    return entry


def _probation_chance(age: int) -> float:
    """New members are mostly young; about PROBATIONARY_SHARE of all members overall."""
    if age <= 35:
        return PROBATIONARY_SHARE * 3
    if age <= 50:
        return PROBATIONARY_SHARE
    return 0.0


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _member(
    rng: random.Random,
    plan: CountyPlan,
    org: OrgRow,
    person: _Identity,
    role: str | None,
    key: int,
    probation_allowed: bool,
) -> MemberRow:
    """The reference-date-dependent half: education, job, Party dates, work start."""
    today = plan.today
    category = org.category_code or COMMUNITY
    birth = person.birth_date
    age = _age(birth, today)
    female = person.gender_code == "2"
    retire_age = 55 if female else 60

    if category in _EDUCATION_BY_CATEGORY:
        education = _pick(rng, _EDUCATION_BY_CATEGORY[category])
    else:
        education = _pick(rng, next(w for year, w in _EDUCATION_BY_COHORT if birth.year < year))
    student = category in (VILLAGE, COMMUNITY) and age <= 23 and role is None and rng.random() < 0.5
    if student:
        education, job = "61", rng.choice(("0602", "0602", "0603"))
    elif category == RETIRED or (category != VILLAGE and age >= retire_age):
        job = "0802"
    else:
        job = _pick(rng, _JOBS[category])
    degree = {"11": "2", "14": "3"}.get(education)
    if education == "21" and rng.random() < 0.9:
        degree = "4"

    work_started: date | None = None
    if not student:
        start_age = _WORK_START_AGE.get(education, 19)
        start = add_years(birth, start_age) + timedelta(days=rng.randint(0, 300))
        work_started = min(start, today - timedelta(days=rng.randint(30, 200)))
        work_started = max(work_started, add_years(birth, 16))

    adult = add_years(birth, 18)
    # Confirmed at least a month before the reference date.
    latest_full = add_years(today, -1) - timedelta(days=31)
    low, high, mode = _JOIN_AGE[category]
    joined = add_years(birth, int(rng.triangular(low, high, mode))) + timedelta(
        days=rng.randint(0, 364)
    )
    joined = min(max(joined, adult), latest_full)
    member_type = FULL
    if role == DELIBERATE_PROBATION_OVERDUE:
        joined, member_type = today - timedelta(days=rng.randint(380, 420)), PROBATIONARY
    elif role == FORCED_PROBATIONARY:
        joined, member_type = today - timedelta(days=rng.randint(30, 300)), PROBATIONARY
    elif role == DELIBERATE_UNDER_18:
        # 入党 a few months before the 18th birthday: the constitution's age rule must flag it.
        joined = adult - timedelta(days=rng.randint(30, 300))
    elif probation_allowed and role is None and rng.random() < _probation_chance(age):
        # Most within the year; about one in ten past it, for the overdue reminder.
        days = rng.randint(370, 425) if rng.random() < 0.1 else rng.randint(20, 360)
        candidate = today - timedelta(days=days)
        if candidate >= adult:
            joined, member_type = candidate, PROBATIONARY
    confirmed = add_years(joined, 1) if member_type == FULL else None

    return MemberRow(
        key=key,
        org_key=org.key,
        name=person.name,
        gender_code=person.gender_code,
        ethnicity_code=person.ethnicity_code,
        id_number=person.id_number,
        birth_date=person.birth_date,
        native_place=person.native_place,
        education_code=education,
        degree_code=degree,
        phone=person.phone,
        job_category_code=job,
        joined_on=joined,
        confirmed_on=confirmed,
        member_type=member_type,
        work_started_on=work_started,
        address=person.address,
    )


def iter_members(plan: CountyPlan) -> Iterator[MemberRow]:
    """Every member, branch by branch in path order; keys count from 0."""
    people = random.Random(f"{plan.seed}:people")
    life = random.Random(f"{plan.seed}:life")
    used_ids: set[int] = set()
    no_committee = set(plan.no_committee_branches)
    source: _Identity | None = None
    key = 0
    for org in plan.branches:
        size = plan.branch_sizes[org.key]
        # Probationary members only where they cannot tip a deliberate branch-size finding.
        allowed = size >= 8 and org.category_code != RETIRED and org.key not in no_committee
        for index in range(size):
            role = plan.designated.get((org.key, index))
            young = role in (DELIBERATE_PROBATION_OVERDUE, FORCED_PROBATIONARY)
            person = _identity(people, org, used_ids, young)
            if role == DELIBERATE_DUPLICATE_SOURCE:
                source = person
            elif role == DELIBERATE_DUPLICATE_COPY and source is not None:
                # The same person registered a second time in another branch.
                person = replace(source, address=person.address, phone=person.phone)
            elif role == DELIBERATE_BIRTH_MISMATCH:
                # A typing error in 出生日期: the ID stays valid, the dates disagree.
                person = replace(person, birth_date=person.birth_date + timedelta(days=9))
            yield _member(life, plan, org, person, role, key, allowed)
            key += 1


# ---------------------------------------------------------------------------------------------
# Leadership teams


class LeaderPool:
    """Collects, while members stream past, who can sit on each team and how many are full."""

    SIZE = 9

    def __init__(self, plan: CountyPlan) -> None:
        self.plan = plan
        self.full: Counter[int] = Counter()
        self.names: dict[int, list[str]] = {}
        self._chains = {b.key: plan.ancestors(b.key) for b in plan.branches}

    def add(self, row: MemberRow) -> None:
        if row.member_type != FULL:
            return
        self.full[row.org_key] += 1
        own = self.names.setdefault(row.org_key, [])
        if len(own) < self.SIZE:
            own.append(row.name)
        # Committees draw on the first two full members of every branch below them.
        if self.full[row.org_key] <= 2:
            for key in self._chains[row.org_key][1:]:
                pool = self.names.setdefault(key, [])
                if len(pool) < self.SIZE:
                    pool.append(row.name)


_SEATS_SMALL = (SECRETARY,)
_SEATS_3 = (SECRETARY, ORGANIZATION_MEMBER, PROPAGANDA_MEMBER)
_SEATS_5 = (SECRETARY, DEPUTY_SECRETARY, ORGANIZATION_MEMBER, PROPAGANDA_MEMBER, DISCIPLINE_MEMBER)
_SEATS_7 = (
    SECRETARY,
    DEPUTY_SECRETARY,
    DEPUTY_SECRETARY,
    ORGANIZATION_MEMBER,
    PROPAGANDA_MEMBER,
    DISCIPLINE_MEMBER,
    COMMITTEE_MEMBER,
)
_TEAM_KIND = {
    BRANCH: BRANCH_COMMITTEE_TEAM,
    GENERAL_BRANCH: GENERAL_BRANCH_TEAM,
    PARTY_COMMITTEE: PARTY_COMMITTEE_TEAM,
    PRIMARY_PARTY_COMMITTEE: PARTY_COMMITTEE_TEAM,
}


def build_teams(plan: CountyPlan, pool: LeaderPool) -> list[TeamRow]:
    """Current teams for committees and branches (some due or overdue), a previous term for half."""
    rng = random.Random(f"{plan.seed}:teams")
    today = plan.today
    no_committee = set(plan.no_committee_branches)
    chosen: list[tuple[OrgRow, tuple[str, ...]]] = []
    for org in plan.orgs:
        if org.kind in (PARTY_COMMITTEE, PRIMARY_PARTY_COMMITTEE):
            chosen.append((org, _SEATS_7))
        elif org.kind == GENERAL_BRANCH:
            chosen.append((org, _SEATS_5))
        elif org.kind == BRANCH and org.key not in no_committee:
            full = pool.full[org.key]
            if full >= 30:
                chosen.append((org, _SEATS_5))
            elif full >= 7:
                chosen.append((org, _SEATS_3))
            elif full >= 1 and rng.random() < 0.5:
                # Branches under 7 full members elect a secretary only.
                chosen.append((org, _SEATS_SMALL))

    n = len(chosen)
    order = list(range(n))
    rng.shuffle(order)
    n_overdue = max(1, round(TERM_OVERDUE_SHARE * n))
    n_due = max(2, round(TERM_DUE_SHARE * n))
    overdue = set(order[:n_overdue])
    due = set(order[n_overdue : n_overdue + n_due])
    demo_branch = next(
        (i for i, (o, _) in enumerate(chosen) if o.key == plan.anchors["branch"]), None
    )
    if demo_branch is not None and demo_branch not in overdue:
        # The demo branch secretary should see a 换届 reminder.
        due.add(demo_branch)

    teams: list[TeamRow] = []
    for i, (org, positions) in enumerate(chosen):
        years = term_years(org.kind, org.category_code)
        if i in overdue:
            target = today - timedelta(days=rng.randint(2, 200))
        elif i in due:
            target = today + timedelta(days=rng.randint(1, TERM_LEAD_DAYS - 1))
        else:
            target = today + timedelta(days=rng.randint(TERM_LEAD_DAYS + 1, years * 365 - 2))
        elected = add_years(target, -years)
        names = _seat_names(rng, pool.names.get(org.key, []), len(positions))
        previous_elected = add_years(elected, -years)
        if rng.random() < 0.5 and previous_elected > org.founded_on:
            # Some carry over: the old secretary often stays on the committee.
            old_names = (
                names[1:] + names[:1]
                if rng.random() < 0.5
                else _seat_names(rng, [], len(positions))
            )
            teams.append(
                _team(org, previous_elected, years, positions, old_names, ended_on=elected)
            )
        teams.append(_team(org, elected, years, positions, names, ended_on=None))
    return teams


def _seat_names(rng: random.Random, candidates: list[str], count: int) -> list[str]:
    names = list(dict.fromkeys(candidates))[:count]
    while len(names) < count:
        name = person_name(rng, rng.random() < 0.3, rng.randint(1965, 1990))
        if name not in names:
            names.append(name)
    return names


def _team(
    org: OrgRow,
    elected: date,
    years: int,
    positions: tuple[str, ...],
    names: list[str],
    ended_on: date | None,
) -> TeamRow:
    return TeamRow(
        org_key=org.key,
        kind=_TEAM_KIND[org.kind],
        elected_on=elected,
        term_years=years,
        term_ends_on=add_years(elected, years),
        is_current=ended_on is None,
        ended_on=ended_on,
        seats=tuple(SeatRow(name, pos) for name, pos in zip(names, positions, strict=True)),
    )


def deliberate_findings(plan: CountyPlan, teams: list[TeamRow]) -> dict[str, tuple[int, ...]]:
    """Which finding each deliberate case must raise: rule id → member or organization keys."""
    by_role: dict[str, list[int]] = {}
    for (org_key, index), role in plan.designated.items():
        by_role.setdefault(role, []).append(plan.member_key(org_key, index))
    today = plan.today
    current = [t for t in teams if t.is_current]
    return {
        "member.duplicate_id": tuple(
            sorted(by_role[DELIBERATE_DUPLICATE_SOURCE] + by_role[DELIBERATE_DUPLICATE_COPY])
        ),
        "member.id_invalid": tuple(by_role[DELIBERATE_BIRTH_MISMATCH]),
        "member.joined_under_18": tuple(by_role[DELIBERATE_UNDER_18]),
        "member.probation_overdue": tuple(by_role[DELIBERATE_PROBATION_OVERDUE]),
        "org.branch_too_small": plan.tiny_branches,
        "org.branch_needs_committee": plan.no_committee_branches,
        "org.term_overdue": tuple(sorted(t.org_key for t in current if t.term_ends_on < today)),
        "org.term_due": tuple(
            sorted(
                t.org_key
                for t in current
                if today <= t.term_ends_on <= today + timedelta(days=TERM_LEAD_DAYS)
            )
        ),
    }
