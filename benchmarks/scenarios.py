"""What the runner measures: the organizations it picks, its accounts and sessions, the URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any
from urllib.parse import quote

# Targets from the issue, at city scale on PostgreSQL.
LIST_P95_MS = 50.0
ORG_P95_MS = 100.0
# Issue 3: a township's compliance grid and a city subtree's dues report.
LIFE_P95_MS = 200.0
DUES_P95_MS = 200.0
# Issue 8 (province, through nginx): every dashboard.
DASHBOARD_P95_MS = 150.0
IMPORT_ROWS_PER_S = 5000.0
IMPORT_MAX_RSS_MB = 500.0

EXPORT_ROWS_WANTED = 10_000
INITIALS = "zs"
FULL_PINYIN = "zhangwei"
FILTER = "gender=2&age_band=36-40"

# role key → (username, role, anchor: "root" or "town", superuser)
ACCOUNTS: dict[str, tuple[str, str, str, bool]] = {
    "dept": ("bench_zzb", "department_admin", "root", False),
    "town": ("bench_town", "committee_admin", "town", False),
    "sys": ("bench_sys", "system_admin", "root", True),
}


@dataclass(frozen=True)
class Targets:
    """The organizations and search terms the scenarios use, picked from the loaded data."""

    root: Any
    town: Any
    town_members: int
    export_org: Any
    export_rows: int
    members: int
    organizations: int
    initials: str = INITIALS
    full_pinyin: str = FULL_PINYIN
    # The 党费 reports look at this year and its last complete month.
    year: int = 0
    dues_month: int = 0
    matches: dict[str, int] = field(default_factory=dict)
    # A loaded member's whole name and the last 6 digits of another's ID (issue 8's searches).
    name_query: str = ""
    id_tail: str = ""


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    role: str
    urls: tuple[str, ...]
    # "page" has a p95 target, "reference" is the ceiling or the peer, "export" is timed in seconds.
    kind: str = "page"
    target_p95_ms: float | None = None
    # Every response must contain this (besides status 200 and a non-empty body).
    expect: bytes = b""
    # The mixed load: one marker per URL (instead of `expect`).
    expects: tuple[bytes, ...] = ()


def discover(initials: str = INITIALS, full_pinyin: str = FULL_PINYIN) -> Targets:
    """The county root, the township with the most members, a subtree of about 10,000 members."""
    from django.db.models import F, Func
    from django.utils import timezone

    from zugong.members.models import Member
    from zugong.orgs.models import Organization, OrgKind, OrgRollup

    root = (
        Organization.objects.filter(parent__isnull=True)
        .select_related("rollup")
        .order_by("-rollup__members_total", "path")
        .first()
    )
    if root is None:
        raise SystemExit("数据库中没有党组织：先运行 python -m benchmarks.load")
    # Townships: 党委 directly under the county without an org category (乡镇、街道).
    town = (
        Organization.objects.filter(
            parent=root, kind=OrgKind.PARTY_COMMITTEE, category__isnull=True
        )
        .select_related("rollup")
        .order_by("-rollup__members_total", "path")
        .first()
    )
    if town is None:
        raise SystemExit("没有找到乡镇党委（县委下无类别的党委）")
    export_rollup = (
        OrgRollup.objects.filter(org__path__startswith=root.path, members_total__gt=0)
        .annotate(gap=Func(F("members_total") - EXPORT_ROWS_WANTED, function="ABS"))
        .select_related("org")
        .order_by("gap", "org__path")
        .first()
    )
    today = timezone.localdate()
    in_county = Member.objects.filter(org_path__startswith=root.path, status="normal")
    # Fixed picks (by position in id order), so that runs on the same data ask the same.
    count = in_county.count()
    name_query = in_county.order_by("id").values_list("name", flat=True)[count // 2]
    id_tail = in_county.order_by("id").values_list("id_number", flat=True)[count // 3][-6:]
    matches = {
        initials: in_county.filter(name_initials__startswith=initials).count(),
        full_pinyin: in_county.filter(name_pinyin__startswith=full_pinyin).count(),
        name_query: in_county.filter(name__contains=name_query).count(),
        id_tail: in_county.filter(id_number_reversed__startswith=id_tail[::-1]).count(),
    }
    return Targets(
        root=root,
        town=town,
        town_members=town.rollup.members_total,
        export_org=export_rollup.org,
        export_rows=export_rollup.members_total,
        members=root.rollup.members_total,
        organizations=root.rollup.orgs_total,
        initials=initials,
        full_pinyin=full_pinyin,
        matches=matches,
        year=today.year,
        dues_month=today.month - 1 or 12,
        name_query=name_query,
        id_tail=id_tail,
    )


def ensure_users(t: Targets) -> dict[str, Any]:
    """The benchmark accounts (no usable password: the runner makes their sessions itself)."""
    from zugong.accounts.models import User

    users = {}
    for key, (username, role, anchor, superuser) in ACCOUNTS.items():
        user = User.objects.filter(username=username).first() or User(username=username)
        user.full_name = f"基准测试{key}"
        user.role = role
        user.anchor_org = t.root if anchor == "root" else t.town
        user.is_staff = superuser
        user.is_superuser = superuser
        user.is_active = True
        if user.has_usable_password() or not user.password:
            user.set_unusable_password()
        user.save()
        users[key] = user
    return users


def session_cookie(user: Any) -> str:
    """A logged-in session for `user` stored like django.contrib.auth.login stores it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    # The backend that loads users on each request, as a real login records it.
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


# The dashboards (issue 8: p95 ≤ 150 ms each): key, label, account, URL ({root} and {town} are
# filled in), marker, and the URL name that must exist for the entry to be measured (so the
# 驾驶舱's lines measure themselves once zugong/dashboard has them). Adding a dashboard is a line.
HOME = b'data-testid="headline"'
COCKPIT = b'data-testid="cockpit-as-of"'
# fmt: off
DASHBOARDS: list[tuple[str, str, str, str, bytes, str]] = [
    ("dash_home", "首页 待办与下级统计（全省）", "dept", "/", HOME, ""),
    ("dash_home_town", "首页 乡镇账号", "town", "/", HOME, ""),
    ("dash_home_focus", "首页 聚焦乡镇 ?org=", "dept", "/?org={town}", HOME, ""),
    ("cockpit", "驾驶舱 全省", "dept", "/cockpit/", COCKPIT, "dashboard:cockpit"),
    ("cockpit_town", "驾驶舱 乡镇 ?org=", "dept", "/cockpit/?org={town}", COCKPIT, "dashboard:cockpit"),
    ("cockpit_town_role", "驾驶舱 乡镇账号", "town", "/cockpit/", COCKPIT, "dashboard:cockpit"),
]
# fmt: on

# The mixed page load (issue 8: throughput ≥ 50 % of the ceiling and ≥ 5× the admin peer):
# scenario key → weight, all requested by the department account (a township's pages by their
# ?org=); keys whose scenario is not there (a dashboard not built yet) are left out.
MIX: dict[str, int] = {
    "list_county": 4,
    "list_county_filter": 2,
    "list_town_filter": 3,
    "search_initials": 2,
    "search_pinyin": 2,
    "search_name": 2,
    "search_id_tail": 2,
    "org_county": 1,
    "org_town": 2,
    "dash_home": 2,
    "dash_home_focus": 1,
    "cockpit": 2,
    "cockpit_town": 2,
    "life_grid_town": 1,
    "dues_report_town": 1,
}


def dashboard_scenarios(t: Targets) -> list[Scenario]:
    from django.urls import NoReverseMatch, reverse

    found = []
    for key, label, role, url, expect, needs in DASHBOARDS:
        if needs:
            try:
                reverse(needs)
            except NoReverseMatch:
                continue
        found.append(
            Scenario(
                key,
                label,
                role,
                (url.format(root=t.root.pk, town=t.town.pk),),
                target_p95_ms=DASHBOARD_P95_MS,
                expect=expect,
            )
        )
    return found


def mixed_scenario(items: list[Scenario]) -> Scenario:
    """The weighted mix as one scenario: each URL as often as its weight, interleaved."""
    by_key = {sc.key: sc for sc in items}
    chosen = [(by_key[k], w) for k, w in MIX.items() if k in by_key]
    slots: list[tuple[float, str, bytes]] = []
    for sc, weight in chosen:
        # Spread each page's requests evenly over the cycle (position i / weight).
        slots.extend(((i + 0.5) / weight, sc.urls[0], sc.expect) for i in range(weight))
    slots.sort(key=lambda slot: slot[0])
    return Scenario(
        "mixed",
        "混合负载（加权的产品页面）",
        "dept",
        tuple(url for _, url, _ in slots),
        kind="mix",
        expects=tuple(expect for _, _, expect in slots),
    )


def scenarios(t: Targets) -> list[Scenario]:
    root, town = t.root.pk, t.town.pk
    member_list = b'data-testid="member-list"'
    return [
        Scenario(
            "list_county",
            "党员名册 全县 无筛选",
            "dept",
            ("/members/",),
            target_p95_ms=LIST_P95_MS,
            expect=member_list,
        ),
        Scenario(
            "list_county_filter",
            f"党员名册 全县 ?{FILTER}",
            "dept",
            (f"/members/?{FILTER}",),
            target_p95_ms=LIST_P95_MS,
            expect=member_list,
        ),
        Scenario(
            "list_town_filter",
            f"党员名册 乡镇 ?org=&{FILTER}",
            "town",
            (f"/members/?org={town}&{FILTER}",),
            target_p95_ms=LIST_P95_MS,
            expect=member_list,
        ),
        Scenario(
            "search_initials",
            f"搜索 首字母 ?q={t.initials}",
            "dept",
            (f"/members/?q={t.initials}",),
            target_p95_ms=LIST_P95_MS,
            expect=member_list,
        ),
        Scenario(
            "search_pinyin",
            f"搜索 全拼 ?q={t.full_pinyin}",
            "dept",
            (f"/members/?q={t.full_pinyin}",),
            target_p95_ms=LIST_P95_MS,
            expect=member_list,
        ),
        Scenario(
            "search_name",
            "搜索 姓名",
            "dept",
            (f"/members/?q={quote(t.name_query)}",),
            target_p95_ms=LIST_P95_MS,
            expect=member_list,
        ),
        Scenario(
            "search_id_tail",
            "搜索 身份证号后6位",
            "dept",
            (f"/members/?q={t.id_tail}",),
            target_p95_ms=LIST_P95_MS,
            expect=member_list,
        ),
        *dashboard_scenarios(t),
        Scenario(
            "org_county",
            "组织页 县委（含统计）",
            "dept",
            (f"/orgs/{root}/",),
            target_p95_ms=ORG_P95_MS,
            expect=t.root.name.encode(),
        ),
        Scenario(
            "org_town",
            "组织页 乡镇党委（含统计）",
            "town",
            (f"/orgs/{town}/",),
            target_p95_ms=ORG_P95_MS,
            expect=t.town.name.encode(),
        ),
        Scenario(
            "life_grid_town",
            "组织生活检查 乡镇（网格+热力图）",
            "town",
            (f"/life/compliance/?org={town}",),
            target_p95_ms=LIFE_P95_MS,
            expect=b'data-testid="compliance-grid"',
        ),
        Scenario(
            "life_township",
            "乡镇组织生活页（各支部开展率）",
            "town",
            (f"/life/compliance/townships/{town}/",),
            target_p95_ms=LIFE_P95_MS,
            expect=b'data-testid="branch-table"',
        ),
        Scenario(
            "dues_report_city_month",
            "党费月报 全市（10月）",
            "dept",
            (f"/dues/report/{root}/?year={t.year}&month={t.dues_month}",),
            target_p95_ms=DUES_P95_MS,
            expect=b'data-testid="dues-report-filters"',
        ),
        Scenario(
            "dues_report_city_year",
            "党费年报 全市（全年至今）",
            "dept",
            (f"/dues/report/{root}/?year={t.year}&month=",),
            target_p95_ms=DUES_P95_MS,
            expect=b'data-testid="dues-report-filters"',
        ),
        Scenario(
            "dues_report_town",
            "党费月报 乡镇（10月）",
            "town",
            (f"/dues/report/{town}/?year={t.year}&month={t.dues_month}",),
            target_p95_ms=DUES_P95_MS,
            expect=b'data-testid="dues-report-filters"',
        ),
        Scenario(
            "ceiling",
            "上限：裸 Django 视图（同50行）",
            "dept",
            ("/bench/ceiling/",),
            kind="reference",
        ),
        Scenario(
            "peer_admin",
            "同类：Django admin 变更列表",
            "sys",
            ("/admin/members/member/",),
            kind="reference",
            expect=b"result_list",
        ),
        Scenario(
            "peer_admin_search",
            f"同类：Django admin ?q={t.initials}",
            "sys",
            (f"/admin/members/member/?q={t.initials}",),
            kind="reference",
            expect=b"result_list",
        ),
        Scenario(
            "export",
            f"导出 Excel（约{EXPORT_ROWS_WANTED:,}行）",
            "dept",
            (f"/members/?org={t.export_org.pk}&export=xlsx",),
            kind="export",
            expect=b"PK",
        ),
    ]
